#pragma once
// Keys compared and hashed as values, field by field: a key type lists its fields in a
// free function `fields(const K&)` returning std::tie(...) of them. Doubles compare bit
// for bit (0.0 and -0.0 are different inputs; a result is reused only for the very same
// numbers), strings byte for byte, vectors and optionals element by element.
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace lc::keys {

inline size_t mix(size_t h, size_t v) { return h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)); }

inline uint64_t bits(double d) {
    uint64_t b;
    std::memcpy(&b, &d, sizeof b);
    return b;
}

inline size_t hash_of(double d) { return std::hash<uint64_t>{}(bits(d)); }
inline size_t hash_of(const std::string& s) { return std::hash<std::string>{}(s); }
inline size_t hash_of(int v) { return std::hash<int>{}(v); }
inline bool same(double a, double b) { return bits(a) == bits(b); }
inline bool same(const std::string& a, const std::string& b) { return a == b; }
inline bool same(int a, int b) { return a == b; }

template <class K>
auto hash_of(const K& k) -> decltype(fields(k), size_t());
template <class K>
auto same(const K& a, const K& b) -> decltype(fields(a), bool());

template <class T>
size_t hash_of(const std::optional<T>& v) {
    return v ? mix(1, hash_of(*v)) : 0;
}
template <class T>
bool same(const std::optional<T>& a, const std::optional<T>& b) {
    return a.has_value() == b.has_value() && (!a || same(*a, *b));
}

template <class T>
size_t hash_of(const std::vector<T>& v) {
    size_t h = v.size();
    for (const auto& x : v) h = mix(h, hash_of(x));
    return h;
}
template <class T>
bool same(const std::vector<T>& a, const std::vector<T>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (!same(a[i], b[i])) return false;
    return true;
}

template <class... T>
size_t hash_of(const std::tuple<T...>& t) {
    size_t h = 0;
    std::apply([&](const auto&... x) { ((h = mix(h, hash_of(x))), ...); }, t);
    return h;
}
template <class... T>
bool same(const std::tuple<T...>& a, const std::tuple<T...>& b) {
    return std::apply([&](const auto&... x) { return std::apply([&](const auto&... y) { return (same(x, y) && ...); }, b); }, a);
}

template <class K>
auto hash_of(const K& k) -> decltype(fields(k), size_t()) {
    return hash_of(fields(k));
}
template <class K>
auto same(const K& a, const K& b) -> decltype(fields(a), bool()) {
    return same(fields(a), fields(b));
}

template <class K>
struct Hash {
    size_t operator()(const K& k) const { return hash_of(k); }
};
template <class K>
struct Equal {
    bool operator()(const K& a, const K& b) const { return same(a, b); }
};
/// A hash map whose keys are compared as values (see above).
template <class K, class V>
using Map = std::unordered_map<K, V, Hash<K>, Equal<K>>;

}  // namespace lc::keys
