#!/usr/bin/python3
"""Compare the polygons of two lifecircle output folders, feature by feature.

    scripts/compare_polygons.py BEFORE_DIR AFTER_DIR [--rel 0.001] [--abs-m2 1.0] [--symdiff]

For service_areas.geojson (key: facility_id) and uncovered.geojson (key: unit_id + type)
it measures every geometry's area in a transverse Mercator projection centred on the
data (not the `area_m2` fields: those come from the same code under test), and fails
when an area differs by more than --rel of the larger one (and by more than --abs-m2
square metres, for near-empty parts where a relative bound means nothing), when a
feature is missing on one side, or when a geometry of AFTER_DIR is not valid (as read
back from the file's 7-decimal lon/lat) while the one of BEFORE_DIR is valid.
--symdiff also reports the largest area of the symmetric difference (slower).
Needs GDAL's Python bindings (Debian: python3-gdal), hence /usr/bin/python3.
"""
import argparse
import sys

from osgeo import ogr, osr

ogr.UseExceptions()
osr.UseExceptions()


def features(folder, name, key):
    ds = ogr.Open(f"{folder}/{name}.geojson")
    layer = ds.GetLayer()
    out = {}
    for f in layer:
        g = f.GetGeometryRef()
        out[key(f)] = g.Clone() if g is not None else None
    x0, x1, y0, y1 = layer.GetExtent()
    return out, ((x0 + x1) / 2, (y0 + y1) / 2)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--rel", type=float, default=0.001)
    ap.add_argument("--abs-m2", type=float, default=1.0)
    ap.add_argument("--symdiff", action="store_true")
    a = ap.parse_args()
    layers = [("service_areas", lambda f: f.GetField("facility_id")),
              ("uncovered", lambda f: (f.GetField("unit_id"), f.GetField("type")))]
    failed = 0
    for name, key in layers:
        before, centre = features(a.before, name, key)
        after, _ = features(a.after, name, key)
        wgs = osr.SpatialReference()
        wgs.ImportFromEPSG(4326)
        wgs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        tm = osr.SpatialReference()
        tm.SetTM(centre[1], centre[0], 1.0, 0, 0)
        tm.SetWellKnownGeogCS("WGS84")
        ct = osr.CoordinateTransformation(wgs, tm)
        missing = sorted(set(before) ^ set(after), key=str)
        worst, worst_key, invalid, invalid_before, sym_worst, n = 0.0, None, [], [], 0.0, 0
        bad = []
        tb = ta = 0.0
        for k in before:
            if k not in after:
                continue
            gb, ga = before[k], after[k]
            if ga is not None and not ga.IsValid():
                invalid.append(k)
                if gb is not None and not gb.IsValid():
                    invalid_before.append(k)
            ab = aa = 0.0
            if gb is not None:
                gb.Transform(ct)
                ab = gb.GetArea()
            if ga is not None:
                ga.Transform(ct)
                aa = ga.GetArea()
            tb += ab
            ta += aa
            n += 1
            diff = abs(aa - ab)
            rel = diff / max(ab, aa) if max(ab, aa) > 0 else 0.0
            if rel > worst:
                worst, worst_key = rel, k
            if rel > a.rel and diff > a.abs_m2:
                bad.append((k, ab, aa, rel))
            if a.symdiff and gb is not None and ga is not None:
                sym_worst = max(sym_worst, gb.SymDifference(ga).GetArea() / max(ab, aa, 1e-9))
        print(f"{name}: {n} features compared, total area {tb:.1f} -> {ta:.1f} m2 ({(ta - tb) / tb if tb else 0:+.2e}), "
              f"largest relative difference {worst:.2e} ({worst_key})" + (f", largest symmetric difference {sym_worst:.2e}" if a.symdiff else ""))
        for k, ab, aa, rel in bad[:20]:
            print(f"  DIFFERS {k}: {ab:.2f} -> {aa:.2f} m2 ({rel:.2e})")
        if missing:
            print(f"  MISSING on one side: {missing[:10]}{' ...' if len(missing) > 10 else ''}")
        if invalid:
            print(f"  not valid in {a.after} (as read back from 7-decimal lon/lat): {len(invalid)}, of which "
                  f"{len(invalid_before)} are not valid in {a.before} either: {invalid[:10]}{' ...' if len(invalid) > 10 else ''}")
        failed += len(bad) + len(missing) + len(invalid) - len(invalid_before)
    print("polygons: " + ("same within tolerance, all valid" if not failed else f"{failed} problem(s)"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
