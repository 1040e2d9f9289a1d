#!/usr/bin/env python3
"""The QGIS plugin's project file (qgis_plugin/lifecircle/project_file.py) without QGIS:

    check_plugin_project_file.py PLUGIN_DIR LIFECIRCLE DEMO_DIR WORK

- census tables picked in the dialog become the project's `census` section (level, code,
  figures, attributes; a whole-area table without a code);
- what the dialog cannot run is refused with the parameter to fix: a table without its
  code field, a level whose unit layer is not picked, a table that maps no figure;
- the demo's layers and census tables as the dialog picks them, written by from_layers
  and run by the real program, give the census figures of the CSV to the units.
Exit status 1 when any check fails.
"""
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_check import check, check_census_figures, finish  # noqa: E402

FIGURES = {"population": "常住人口", "households": "户数", "elderly": "60岁及以上人口", "infants": "0-3岁人口"}  # the demo's columns


def refused(pf, args, *needles):
    """census_table(*args) raises ProjectFileError whose text holds every needle."""
    try:
        pf.census_table(*args)
    except pf.ProjectFileError as e:
        return all(n in str(e) for n in needles), str(e)
    return False, "accepted"


def main():
    plugin_dir, lifecircle, demo_dir, work = (os.path.abspath(a) for a in sys.argv[1:5])
    sys.path.insert(0, os.path.dirname(os.path.abspath(plugin_dir)))
    from lifecircle import project_file as pf  # noqa: E402  (plain Python: no QGIS needed)

    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    units = {"district", "community", "compounds", "facilities"}
    full = dict(FIGURES, id="社区代码")

    # 1. The census entry: level, code, the figures picked (empty pickers left out), attributes.
    entry = pf.census_table("CENSUS", "community", dict(full, infants=""), {"elderly_friendly": "老年友好社区"}, units)
    check("a community table maps its code, figures and attributes",
          entry == {"level": "community", "id": "社区代码", "population": "常住人口", "households": "户数",
                    "elderly": "60岁及以上人口", "attributes": {"elderly_friendly": "老年友好社区"}}, entry)
    entry = pf.census_table("CENSUS2", "area", {"id": "", "population": "常住人口"}, {}, {"compounds", "facilities"})
    check("a whole-area table needs no code and no unit layer", entry == {"level": "area", "population": "常住人口"}, entry)
    check("the dialog's census parameters", pf.census_params("CENSUS2") == {
        "id": "CENSUS2_ID", "population": "CENSUS2_POPULATION", "households": "CENSUS2_HOUSEHOLDS",
        "elderly": "CENSUS2_ELDERLY", "infants": "CENSUS2_INFANTS"}, pf.census_params("CENSUS2"))

    # 2. Refused, naming the parameter and what to do.
    ok, text = refused(pf, ("CENSUS", "community", dict(full, id=""), {}, units),
                       'Census table 1 (CENSUS) needs its "code field" (CENSUS_ID)', "each community's code",
                       'set its "level" (CENSUS_LEVEL) to the whole study area')
    check("a table without its code field is refused with the parameter to set", ok, text)
    ok, text = refused(pf, ("CENSUS2", "street", full, {}, units),
                       "Census table 2 (CENSUS2) is joined to the street level", "no streets/townships 街道/乡镇 layer (STREET) is picked")
    check("a level whose unit layer is not picked is refused", ok, text)
    ok, text = refused(pf, ("CENSUS", "community", {"id": "社区代码", "population": ""}, {}, units),
                       "Census table 1 (CENSUS) maps no figure", "CENSUS_POPULATION", "CENSUS_ATTRIBUTES")
    check("a table that maps no figure is refused", ok, text)

    # 3. The demo as the dialog picks it, with its two census tables, run for real.
    demo = json.load(open(os.path.join(demo_dir, "project.json"), encoding="utf-8"))
    layers = demo["layers"]
    sources = {k: {"path": os.path.join(demo_dir, v["path"])} for k, v in layers.items()}
    fields = {k: {f: v[f] for f in pf.LAYER_FIELDS[k] if f in v} for k, v in layers.items()}
    census = []
    for c in demo["census"]:
        figures = {f: c.get(f, "") for f in pf.CENSUS_FIELDS}
        table = "CENSUS" if c["level"] == "community" else "CENSUS2"
        entry = pf.census_table(table, c["level"], figures, c.get("attributes", {}), set(sources))
        census.append(pf.layer_spec({"path": os.path.join(demo_dir, c["path"])}, entry))
    doc = pf.from_layers("demo", sources, fields, layers["facilities"]["attributes"], {}, census)
    check("from_layers writes the census section", [c["level"] for c in doc.get("census", [])] == ["community", "district"],
          doc.get("census"))
    check("without census tables there is no census section",
          "census" not in pf.from_layers("demo", sources, fields, {}, {}, []))
    project = pf.write(doc, os.path.join(work, "picked.project.json"))
    out = os.path.join(work, "out")
    r = subprocess.run([lifecircle, "run", project, "--out", out, "--quiet"], capture_output=True, text=True)
    if not check("the written project runs", r.returncode == 0, r.stderr[-2000:]):
        finish()
    check_census_figures(out, os.path.join(demo_dir, demo["census"][0]["path"]), demo["census"][0], ["community", "district"])
    finish()


if __name__ == "__main__":
    main()
