#pragma once
// Exact orientation of three points (Shewchuk's orient2d, "Adaptive Precision
// Floating-Point Arithmetic and Fast Robust Geometric Predicates", 1997): the sign of
//   (b - a) x (c - a) = (bx - ax)(cy - ay) - (by - ay)(cx - ax)
// computed in doubles when the rounding error provably cannot change it, else exactly
// with floating-point expansions. A plain double determinant can call points collinear
// that are not, or turn the wrong way, when they nearly are; the face structure
// (faces.cpp) decides crossings and overlaps with this instead.
#include "common/model.hpp"

#include <cmath>

namespace lc::net {

namespace orient_detail {

/// a + b = x + y exactly (Knuth's two-sum).
inline void two_sum(double a, double b, double& x, double& y) {
    x = a + b;
    const double bv = x - a, av = x - bv;
    y = (a - av) + (b - bv);
}
/// a * b = x + y exactly (the fused multiply-add gives the rounding error).
inline void two_product(double a, double b, double& x, double& y) {
    x = a * b;
    y = std::fma(a, b, -x);
}
/// Adds b to the expansion e[0..n) (non-overlapping, increasing magnitude) in place;
/// returns the new length (zeros dropped).
inline int grow(double* e, int n, double b) {
    double q = b;
    int m = 0;
    for (int i = 0; i < n; ++i) {
        double hnew, err;
        two_sum(q, e[i], hnew, err);
        q = hnew;
        if (err != 0) e[m++] = err;
    }
    if (q != 0) e[m++] = q;
    return m;
}

/// Exact sign of (ax-cx)(by-cy) - (ay-cy)(bx-cx): every difference is split into two
/// doubles and every product of parts into two more; the 16 terms summed as an
/// expansion, whose sign is that of its largest component.
inline int orient_exact(const XY& a, const XY& b, const XY& c) {
    double acx, acx_t, bcx, bcx_t, acy, acy_t, bcy, bcy_t;
    two_sum(a.x, -c.x, acx, acx_t);
    two_sum(b.x, -c.x, bcx, bcx_t);
    two_sum(a.y, -c.y, acy, acy_t);
    two_sum(b.y, -c.y, bcy, bcy_t);
    const double l[2] = {acx, acx_t}, r[2] = {bcy, bcy_t};  // left product factors
    const double l2[2] = {acy, acy_t}, r2[2] = {bcx, bcx_t};
    double e[32];
    int n = 0;
    for (double u : l)
        for (double v : r) {
            double p, q;
            two_product(u, v, p, q);
            n = grow(e, n, q);
            n = grow(e, n, p);
        }
    for (double u : l2)
        for (double v : r2) {
            double p, q;
            two_product(u, v, p, q);
            n = grow(e, n, -q);
            n = grow(e, n, -p);
        }
    return n == 0 ? 0 : (e[n - 1] > 0 ? 1 : -1);
}

}  // namespace orient_detail

/// +1 when a, b, c turn counter-clockwise, -1 clockwise, 0 exactly collinear.
inline int orient2d(const XY& a, const XY& b, const XY& c) {
    const double detleft = (a.x - c.x) * (b.y - c.y);
    const double detright = (a.y - c.y) * (b.x - c.x);
    const double det = detleft - detright;
    // Shewchuk's error bound for this evaluation: (3 + 16 eps) eps.
    constexpr double kErrBound = (3.0 + 16.0 * 1.1102230246251565e-16) * 1.1102230246251565e-16;
    const double bound = kErrBound * (std::abs(detleft) + std::abs(detright));
    if (det > bound) return 1;
    if (-det > bound) return -1;
    return orient_detail::orient_exact(a, b, c);
}

}  // namespace lc::net
