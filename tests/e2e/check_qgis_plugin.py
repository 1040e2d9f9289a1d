#!/usr/bin/env python3
"""The QGIS plugin headless, through qgis_process, on the demo:

    check_qgis_plugin.py --lifecircle BIN --root REPO --work DIR

Builds the plugin zip (scripts/build-plugin.sh), installs it into a private plugin folder
(QGIS_PLUGINPATH) and profile, enables it with `qgis_process plugins enable lifecircle`,
then runs lifecircle:run with the demo's project file and with its layers, fields and
census tables (two CSV files) picked one by one, and checks both equal a plain
`lifecircle run` (every GeoJSON layer, and summary.json without its timings and the echo
of the project file) and that the units carry the CSV's census figures; that a census
table without its code field, or at a level with no unit layer, is refused naming the
parameter; that the project file written beside the output repeats the run from a
terminal; lifecircle:validate (also without PROJECT_OUT), the README's headless commands,
lifecircle:site and lifecircle:batch; Shapefile output in CGCS2000; lifecircle's error text
reaching the user; a missing program reported with what to do.

Skipped (exit 77) when qgis_process is not installed.
"""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qgis_env  # noqa: E402
from e2e_check import check, check_census_figures, finish  # noqa: E402



def geojson_layers(out):
    return {f: json.load(open(os.path.join(out, f), encoding="utf-8")) for f in sorted(os.listdir(out)) if f.endswith(".geojson")}


def figures(out):
    s = json.load(open(os.path.join(out, "summary.json"), encoding="utf-8"))
    s.pop("seconds", None)  # timings
    s.pop("config", None)   # the project file as read: absolute paths, key order
    return s


def same_output(label, ref, out):
    a, b = geojson_layers(ref), geojson_layers(out)
    check(f"{label}: the same GeoJSON layers", sorted(a) == sorted(b), (sorted(a), sorted(b)))
    for name in sorted(set(a) & set(b)):
        check(f"{label}: {name} equals the plain run's", a[name] == b[name], "features differ")
    fa, fb = figures(ref), figures(out)
    diff = sorted(k for k in set(fa) | set(fb) if fa.get(k) != fb.get(k))
    check(f"{label}: summary.json figures equal the plain run's", not diff, diff)


def readme_commands(root, work, env):
    """The README's headless commands run as written, from the repository (the output
    folder moved into the work folder). Before, on Debian 12 `qgis_process plugins
    enable lifecircle` failed ("Command --noversioncheck not known!")."""
    text = open(os.path.join(root, "README.md"), encoding="utf-8").read()
    blocks = [b.split("\n", 1)[1] for b in text.split("```sh")[1:] if "plugins enable lifecircle" in b.split("```")[0]]
    if not check("README has the headless qgis_process commands", len(blocks) == 1, len(blocks)):
        return
    script = blocks[0].split("```")[0].replace("OUTPUT=out/", f"OUTPUT={work}/readme-out/")
    # A profile of its own, as a first-time user's: enabling an enabled plugin fails.
    profile = os.path.join(work, "readme-profile")
    os.makedirs(profile, exist_ok=True)
    env = dict(env, QGIS_CUSTOM_CONFIG_PATH=profile)
    r = subprocess.run(["bash", "-ec", script], cwd=root, capture_output=True, text=True, env=env, timeout=900)
    check("the README's headless commands run as written", r.returncode == 0 and
          os.path.isfile(os.path.join(work, "readme-out", "qgis-demo", "lifecircle.qgs")), (r.stdout + r.stderr)[-2000:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lifecircle", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    qp = qgis_env.qgis_process()
    work = os.path.abspath(a.work)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    binary = os.path.abspath(a.lifecircle)
    demo_dir = os.path.join(os.path.abspath(a.root), "data", "demo")
    demo = os.path.join(demo_dir, "project.json")

    # The zip as a user installs it.
    r = subprocess.run([os.path.join(a.root, "scripts", "build-plugin.sh"), os.path.join(work, "zip")], capture_output=True, text=True)
    if not check("build-plugin.sh builds the zip", r.returncode == 0, r.stderr):
        return 1
    plugins = os.path.join(work, "plugins")
    with zipfile.ZipFile(r.stdout.strip()) as z:
        check("the zip holds lifecircle/metadata.txt and the provider", {"lifecircle/metadata.txt", "lifecircle/provider.py"} <= set(z.namelist()),
              z.namelist())
        z.extractall(plugins)
    env = qgis_env.environment(work, plugins, os.path.dirname(binary) + os.pathsep + os.environ.get("PATH", ""))

    def qgis(*args, environment=None):
        return subprocess.run([qp, *args], capture_output=True, text=True, env=environment or env, timeout=600)

    def alg(name, as_text=False, **params):
        """Runs lifecircle:NAME; the results from qgis_process's JSON, or from its text
        (which also shows the progress the algorithm reported)."""
        r = qgis(*([] if as_text else ["--json"]), "run", f"lifecircle:{name}", "--", *[f"{k}={v}" for k, v in params.items()])
        if as_text:
            tail = r.stdout.split("Results", 1)[-1]
            return r, dict(line.split(":\t", 1) for line in tail.splitlines() if ":\t" in line)
        try:
            results = json.loads(r.stdout[r.stdout.index("{"):]).get("results", {})
        except ValueError:
            results = {}
        return r, results

    r = qgis("plugins", "enable", "lifecircle")
    check("qgis_process plugins enable lifecircle", r.returncode == 0, r.stdout + r.stderr)
    r = qgis("list")
    algs = {"lifecircle:run", "lifecircle:validate", "lifecircle:batch", "lifecircle:site"}
    check("qgis_process lists the four lifecircle algorithms", all(x in r.stdout for x in algs), r.stdout[-2000:])

    ref = os.path.join(work, "plain")
    r = subprocess.run([binary, "run", demo, "--out", ref, "--quiet"], capture_output=True, text=True)
    check("plain lifecircle run exits 0", r.returncode == 0, r.stderr)

    # 1. Project-file mode.
    out = os.path.join(work, "project_mode")
    r, res = alg("run", as_text=True, PROJECT=demo, OUTPUT=out)
    if check("lifecircle:run with the project file exits 0", r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]):
        same_output("project-file mode", ref, out)
        check("the project file used is written beside the output", res.get("PROJECT_FILE") == out + ".project.json" and
              os.path.isfile(out + ".project.json"), res)
        check("progress reached the Processing feedback (stages, then 100%)", "reach" in r.stdout and "100" in r.stdout, r.stdout[-1500:])

    # 2. Layers and fields picked one by one, as in the dialog (the demo's own mapping).
    out2 = os.path.join(work, "layer_mode")
    p = json.load(open(demo, encoding="utf-8"))
    L = p["layers"]
    params = dict(
        NAME=p["name"], PROFILE=p["profile"], MODE=1, MINUTES=p["access"]["minutes"], SPEED=p["access"]["walk_kmh"], OUTPUT=out2,
        DISTRICT=os.path.join(demo_dir, L["district"]["path"]), DISTRICT_ID=L["district"]["id"], DISTRICT_NAME=L["district"]["name"],
        STREET=os.path.join(demo_dir, L["street"]["path"]), STREET_ID=L["street"]["id"], STREET_NAME=L["street"]["name"],
        STREET_PARENT=L["street"]["parent"], STREET_KIND=L["street"]["kind"],
        COMMUNITY=os.path.join(demo_dir, L["community"]["path"]), COMMUNITY_ID=L["community"]["id"],
        COMMUNITY_NAME=L["community"]["name"], COMMUNITY_PARENT=L["community"]["parent"], COMMUNITY_KIND=L["community"]["kind"],
        COMPOUNDS=os.path.join(demo_dir, L["compounds"]["path"]), COMPOUND_ID=L["compounds"]["id"], COMPOUND_NAME=L["compounds"]["name"],
        COMPOUND_YEAR=L["compounds"]["year"], COMPOUND_HOUSEHOLDS=L["compounds"]["households"],
        COMPOUND_POPULATION=L["compounds"]["population"], COMPOUND_ELDERLY=L["compounds"]["elderly"],
        FACILITIES=os.path.join(demo_dir, L["facilities"]["path"]), FACILITY_ID=L["facilities"]["id"],
        FACILITY_NAME=L["facilities"]["name"], FACILITY_TYPE=L["facilities"]["type"], FACILITY_BEDS=L["facilities"]["beds"],
        FACILITY_NURSING_BEDS=L["facilities"]["nursing_beds"], FACILITY_FLOOR_AREA=L["facilities"]["floor_area"],
        FACILITY_LAND_AREA=L["facilities"]["land_area"],
        FACILITY_ATTRIBUTES="; ".join(f"{k}={v}" for k, v in L["facilities"]["attributes"].items()),
        ROADS=os.path.join(demo_dir, L["roads"]["path"]), ROAD_CLASS=L["roads"]["class"])
    # The demo's two census tables, CSV files: communities in table 1, districts in table 2.
    C = {c["level"]: c for c in p["census"]}
    for table, level in (("CENSUS", "community"), ("CENSUS2", "district")):
        c = C[level]
        params.update({table: os.path.join(demo_dir, c["path"]), f"{table}_LEVEL": ["community", "street", "district"].index(level),
                       f"{table}_ID": c["id"], f"{table}_POPULATION": c["population"], f"{table}_HOUSEHOLDS": c["households"],
                       f"{table}_ELDERLY": c["elderly"], f"{table}_INFANTS": c["infants"]})
        if c.get("attributes"):
            params[f"{table}_ATTRIBUTES"] = "; ".join(f"{k}={v}" for k, v in c["attributes"].items())
    r, res = alg("run", **params)
    # The dialog picks layers, fields (the facilities' land area among them) and census
    # tables: the reference is the demo's own project with absolute paths.
    picked = dict(p, layers={k: dict(v, path=os.path.join(demo_dir, v["path"])) for k, v in L.items()},
                  census=[dict(c, path=os.path.join(demo_dir, c["path"])) for c in p["census"]])
    picked_file = os.path.join(work, "picked.json")
    json.dump(picked, open(picked_file, "w", encoding="utf-8"), ensure_ascii=False)
    ref_picked = os.path.join(work, "plain-picked")
    r2 = subprocess.run([binary, "run", picked_file, "--out", ref_picked, "--quiet"], capture_output=True, text=True)
    check("plain run of what the dialog can pick exits 0", r2.returncode == 0, r2.stderr)
    if check("lifecircle:run with picked layers exits 0", r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]):
        same_output("layer-picking mode", ref_picked, out2)
        written = json.load(open(out2 + ".project.json", encoding="utf-8"))
        check("the written project maps the picked fields", written["layers"]["compounds"]["households"] == L["compounds"]["households"]
              and written["layers"]["facilities"]["attributes"] == L["facilities"]["attributes"], written["layers"])
        check("the written project holds the picked census tables", written.get("census") == picked["census"], written.get("census"))
        check_census_figures(out2, os.path.join(demo_dir, C["community"]["path"]), C["community"], ["community", "district"])
        # 3. The run repeated from a terminal with the project file written beside it.
        again = os.path.join(work, "repeated")
        r = subprocess.run([binary, "run", out2 + ".project.json", "--out", again, "--quiet"], capture_output=True, text=True)
        if check("the written project file runs from a terminal", r.returncode == 0, r.stderr):
            same_output("repeated from the terminal", ref_picked, again)

    # 3b. A census table the dialog cannot join: refused before lifecircle runs, naming the
    # parameter to fix.
    for label, broken, needles in (
            ("without its code field", {"CENSUS_ID": None}, ['Census table 1 (CENSUS) needs its "code field" (CENSUS_ID)']),
            ("at a level with no unit layer", {"CENSUS_LEVEL": 1},
             ["Census table 1 (CENSUS) is joined to the street level", "no streets/townships 街道/乡镇 layer (STREET) is picked"])):
        out_bad = os.path.join(work, "census_bad")
        bad_params = {k: v for k, v in dict(params, OUTPUT=out_bad, CENSUS2=None, STREET=None, **broken).items() if v is not None}
        r, _ = alg("run", **bad_params)
        text = r.stdout + r.stderr
        check(f"a census table {label} fails the algorithm with what to do", r.returncode != 0 and all(n in text for n in needles),
              text[-1500:])
        check(f"a census table {label}: nothing is written", not os.path.exists(out_bad) and not os.path.exists(out_bad + ".project.json"))

    # 4. Validate.
    r, res = alg("validate", PROJECT=demo, PROJECT_OUT=os.path.join(work, "validated.json"))
    check("lifecircle:validate reports the inputs", r.returncode == 0 and "working CRS" in res.get("REPORT", ""), r.stdout[-2000:])
    # Validating writes nothing a script must name: PROJECT_OUT may be left out (before,
    # qgis_process refused: "mandatory parameters were not specified PROJECT_OUT").
    r, res = alg("validate", PROJECT=demo)
    check("lifecircle:validate without PROJECT_OUT reports the inputs", r.returncode == 0 and "working CRS" in res.get("REPORT", ""),
          r.stdout[-2000:] + r.stderr[-1000:])
    readme_commands(a.root, work, env)
    # A census table picked beside a project file is not used, and the log says so.
    r, res = alg("validate", as_text=True, PROJECT=demo, CENSUS=os.path.join(demo_dir, p["census"][0]["path"]),
                 PROJECT_OUT=os.path.join(work, "validated2.json"))
    check("a census table picked beside a project file is reported as not used",
          r.returncode == 0 and "census tables picked in the dialog are not used with a project file" in r.stdout + r.stderr,
          (r.stdout + r.stderr)[-1500:])

    # 5. Shapefiles in a CGCS2000 Gauss-Kruger zone through the dialog's options.
    out_shp = os.path.join(work, "shp")
    r, res = alg("run", PROJECT=demo, FORMAT=2, OUTPUT_CRS="EPSG:4543", OUTPUT=out_shp)
    if check("lifecircle:run --format shp --output-crs EPSG:4543 exits 0", r.returncode == 0, r.stdout[-2000:]):
        prj = open(os.path.join(out_shp, "units_street.prj"), encoding="utf-8").read()
        check("the Shapefiles are in CGCS2000 3-degree Gauss-Kruger CM 102E", "CGCS2000" in prj and "102" in prj, prj[:200])
        check("the QGIS project opens the Shapefiles", "./units_street.shp" in open(os.path.join(out_shp, "lifecircle.qgs"), encoding="utf-8").read())

    # 6. Propose sites.
    out_site = os.path.join(work, "site")
    r, res = alg("site", PROJECT=demo, TYPE="day_care", COUNT=3, OUTPUT=out_site)
    if check("lifecircle:site exits 0", r.returncode == 0, r.stdout[-2000:]):
        sites = json.load(open(os.path.join(out_site, "proposed_sites.geojson"), encoding="utf-8"))["features"]
        check("three sites proposed", len(sites) == 3, len(sites))

    # 7. A batch of one scenario given as a patch file.
    patch = os.path.join(work, "slow walk.json")
    json.dump({"access": {"walk_kmh": 3.0}}, open(patch, "w"))
    out_batch = os.path.join(work, "batch")
    r, res = alg("batch", PROJECT=demo, SCENARIOS=patch, JOBS=2, OUTPUT=out_batch)
    if check("lifecircle:batch exits 0", r.returncode == 0, r.stdout[-2000:]):
        rows = list(csv.DictReader(open(os.path.join(out_batch, "comparison.csv"), encoding="utf-8-sig")))
        check("comparison.csv holds the scenario (its id folder-safe)", any("slow-walk" in " ".join(row.values()) for row in rows),
              rows[:2])
        check("the batch file used is written beside the output", os.path.isfile(out_batch + ".batch.json"))

    # 8. An error of lifecircle reaches the user with the file and what to do.
    bad = os.path.join(a.root, "tests", "fixtures", "errors", "missing_id_field.json")
    r, _ = alg("run", PROJECT=bad, OUTPUT=os.path.join(work, "bad"))
    text = r.stdout + r.stderr
    check("a failing run fails the algorithm", r.returncode != 0, r.returncode)
    check("the error text is lifecircle's, naming the file and field", 'has no field "compound_code"' in text and "compounds.geojson" in text,
          text[-2000:])
    check("the error text gives the project file and the command to repeat", "Project file:" in text and "To repeat in a terminal" in text,
          text[-2000:])

    # 9. No program on PATH and none configured.
    no_bin = qgis_env.environment(work, plugins, "/usr/bin:/bin")
    if shutil.which("lifecircle", path="/usr/bin:/bin") is None:
        r = qgis("run", "lifecircle:run", "--", f"PROJECT={demo}", f"OUTPUT={os.path.join(work, 'none')}", environment=no_bin)
        check("a missing program fails with what to do", r.returncode != 0 and "lifecircle program was not found" in r.stdout + r.stderr,
              (r.stdout + r.stderr)[-1500:])

    # 10. In a QGIS session (as from the toolbox): the results loaded into the project.
    check_loading(plugins, demo, binary, work)

    finish()


def check_loading(plugins, demo, binary, work):
    """processing.run in PyQGIS, as the toolbox runs it: the output's layers land in the
    current project under one group, styled, and its print layouts come along, their maps,
    legends and tables pointing at the loaded layers."""
    try:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        if "XDG_RUNTIME_DIR" not in os.environ:
            os.environ["XDG_RUNTIME_DIR"] = qgis_env.environment(work)["XDG_RUNTIME_DIR"]
        from qgis.core import QgsApplication, QgsProject
    except ImportError:
        print("SKIP loading into a project: PyQGIS (python3-qgis) is not importable by " + sys.executable)
        return
    os.environ["PATH"] = os.path.dirname(binary) + os.pathsep + os.environ.get("PATH", "")
    app = QgsApplication([], False)
    app.initQgis()
    try:
        sys.path[:0] = [os.path.join(QgsApplication.pkgDataPath(), "python", "plugins"), plugins]
        from processing.core.Processing import Processing
        import processing
        from lifecircle.provider import LifecircleProvider

        Processing.initialize()
        provider = LifecircleProvider()
        QgsApplication.processingRegistry().addProvider(provider)
        out = os.path.join(work, "loaded")
        prj = QgsProject.instance()
        # A new project's CRS, as QGIS starts one: the layouts must not take it for theirs.
        from qgis.core import QgsCoordinateReferenceSystem, QgsLayerTree

        prj.setCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
        processing.run("lifecircle:run", {"PROJECT": demo, "OUTPUT": out})
        top = prj.layerTreeRoot().children()
        check("the run's results sit in one group named after the study area", len(top) == 1 and "示范区" in top[0].name(),
              [c.name() for c in top])
        groups = [c.name() for c in top[0].children()] if top else []
        check("the output's own groups come along", "结果：缺口与设施" in groups and len(groups) >= 4, groups)
        layers = list(prj.mapLayers().values())
        check("every loaded layer is valid", layers and all(l.isValid() for l in layers), [l.name() for l in layers if not l.isValid()])
        streets = [l for l in layers if l.name().startswith("街道（乡镇）：")]
        check("the loaded layers keep their styles", streets and streets[0].renderer().type() == "graduatedSymbol",
              streets and streets[0].renderer().type())
        layouts = prj.layoutManager().printLayouts()
        check("the print layouts come along", len(layouts) >= 4, len(layouts))
        # The layouts as the output's own project has them, to compare with.
        written = QgsProject()
        written.read(os.path.join(out, "lifecircle.qgs"))
        originals = {lay.name(): lay for lay in written.layoutManager().printLayouts()}

        def same_extent(a, b):  # to the centimetre: QGIS fits the extent to the frame again
            return all(abs(x - y) < 0.01 for x, y in zip((a.xMinimum(), a.yMinimum(), a.xMaximum(), a.yMaximum()),
                                                         (b.xMinimum(), b.yMinimum(), b.xMaximum(), b.yMaximum())))

        def legend_groups(legend):
            return [c.name() for c in legend.model().rootGroup().children() if QgsLayerTree.isGroup(c)]

        for lay in layouts:
            m, legend = lay.itemById("map"), lay.itemById("legend")
            orig = originals.get(lay.name().split(": ", 1)[-1])
            om = orig.itemById("map") if orig else None
            check(f"{lay.name()}: its map keeps the CRS and extent it was written in, not the project's EPSG:4326",
                  m is not None and om is not None and m.crs().authid() == om.crs().authid() == "EPSG:32648" and
                  same_extent(m.extent(), om.extent()), (m and (m.crs().authid(), m.extent().toString(2)), om and (om.crs().authid(), om.extent().toString(2))))
            if legend is not None and orig is not None and orig.itemById("legend") is not None:
                check(f"{lay.name()}: its legend keeps its groups", legend_groups(legend) == legend_groups(orig.itemById("legend")),
                      (legend_groups(legend), legend_groups(orig.itemById("legend"))))
            ok = m is not None and m.layers() and all(prj.mapLayer(l.id()) is l for l in m.layers())
            check(f"{lay.name()}: its map shows the loaded layers", ok, m and [l.name() for l in m.layers()])
            check(f"{lay.name()}: its legend lists them", legend is not None and legend.model().rootGroup().findLayers())
            for mf in lay.multiFrames():
                check(f"{lay.name()}: its table reads a loaded layer, columns kept",
                      # 2 or 3 columns as written (facilities: name, id; units: name, count,
                      # rules); a table reset by the retargeting would show every field
                      mf.vectorLayer() is not None and prj.mapLayer(mf.vectorLayer().id()) is not None and 2 <= len(mf.columns()) <= 3)
        # A picked layer that is no file lifecircle can read (here a memory layer, and a
        # census CSV loaded as delimited text with a semicolon as its declared delimiter)
        # is copied to a GeoPackage beside the project file; the census CSV loaded as QGIS
        # loads it by default (comma, UTF-8) is read where it is, as written.
        from qgis.core import QgsFeatureRequest, QgsVectorLayer

        with open(demo, encoding="utf-8") as f:
            D = json.load(f)
        L, C = D["layers"], D["census"][0]
        demo_dir = os.path.dirname(demo)
        files = QgsVectorLayer(os.path.join(demo_dir, L["facilities"]["path"]), "facilities", "ogr")
        memory = files.materialize(QgsFeatureRequest())
        census_file = os.path.join(demo_dir, C["path"])
        census_csv = QgsVectorLayer(f"file://{census_file}?type=csv&delimiter=,&geomType=none&encoding=UTF-8",
                                    "census", "delimitedtext")
        check("the census CSV loads as a delimited-text table", census_csv.isValid() and census_csv.featureCount() > 0)
        # The same file declared semicolon-separated: QGIS splits it otherwise than
        # lifecircle would, so it is copied (a table of one column; not run here).
        from lifecircle import algorithms as plugin_algorithms

        odd = QgsVectorLayer(f"file://{census_file}?type=csv&delimiter=;&geomType=none&encoding=UTF-8", "odd", "delimitedtext")
        check("a CSV declared with another delimiter is not read in place", odd.isValid() and
              plugin_algorithms._plain_csv_table(odd) is None)
        check("a comma CSV loaded as delimited text is read in place",
              plugin_algorithms._plain_csv_table(census_csv) == os.path.abspath(census_file))
        project_out = os.path.join(work, "memory", "project.json")
        res = processing.run("lifecircle:validate", {
            "COMPOUNDS": os.path.join(demo_dir, L["compounds"]["path"]), "COMPOUND_ID": L["compounds"]["id"],
            "FACILITIES": memory, "FACILITY_ID": L["facilities"]["id"], "FACILITY_TYPE": L["facilities"]["type"],
            "DISTRICT": os.path.join(demo_dir, L["district"]["path"]), "DISTRICT_ID": L["district"]["id"],
            "COMMUNITY": os.path.join(demo_dir, L["community"]["path"]), "COMMUNITY_ID": L["community"]["id"],
            "CENSUS": census_csv, "CENSUS_LEVEL": 0, "CENSUS_ID": C["id"], "CENSUS_ELDERLY": C["elderly"],
            "PROJECT_OUT": project_out})
        copies = os.path.join(work, "memory", "project.inputs")
        check("a memory layer is copied to a GeoPackage for lifecircle", os.path.isfile(os.path.join(copies, "facilities.gpkg")),
              os.listdir(os.path.dirname(project_out)))
        n = len(json.load(open(os.path.join(demo_dir, L["facilities"]["path"]), encoding="utf-8"))["features"])
        check("lifecircle reads every facility of the copy", f"facilities: {n} read, {n} used" in res.get("REPORT", ""), res.get("REPORT"))
        check("a comma CSV census table is not copied", not os.path.exists(os.path.join(copies, "census.gpkg")),
              os.listdir(copies) if os.path.isdir(copies) else copies)
        with open(project_out, encoding="utf-8") as f:
            written = json.load(f)
        check("the project file reads the census CSV where it is",
              [t.get("path") for t in written.get("census", [])] == [os.path.abspath(census_file)], written.get("census"))
        with open(os.path.join(demo_dir, C["path"]), encoding="utf-8-sig") as f:
            rows = sum(1 for _ in csv.DictReader(f))
        # The demo's census lists one code that names no community (530199099099).
        check("lifecircle joins the census rows to the communities", f"census community: {rows} rows, {rows - 1} joined"
              in res.get("REPORT", ""), res.get("REPORT"))
        del memory, files, census_csv, odd  # layers must go before QGIS does
    finally:
        QgsProject.instance().clear()
        app.exitQgis()


if __name__ == "__main__":
    sys.exit(main())
