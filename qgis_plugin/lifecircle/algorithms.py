"""The lifecircle Processing algorithms: run the analysis, validate, batch, propose sites.

Every algorithm takes a lifecircle project file, or the layers and fields picked in the
dialog (SPEC section 3), writes the project file it used beside its output, calls the
lifecircle program (runner.py) and, in the desktop, loads what it wrote into the project.
"""
import os
import re
import tempfile

from qgis.core import (
    QgsCoordinateTransformContext,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingOutputFile,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterCrs,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
    QgsProcessingUtils,
    QgsProviderRegistry,
    QgsVectorFileWriter,
)

from . import project_file as pf
from .runner import SETTING, Canceled, LifecircleError, error_text, find_program, run, shell_command

FORMATS = ["geojson", "gpkg", "shp"]
LANGS = ["zh", "en"]
WEIGHTS = ["elderly", "households", "population", "compounds"]

LAYERS = [  # parameter, label, geometry types, fields (parameter, label, advanced)
    ("DISTRICT", "Districts 区县 (polygons)", [QgsProcessing.TypeVectorPolygon],
     [("DISTRICT_ID", "District id field", False), ("DISTRICT_NAME", "District name field", False)]),
    ("STREET", "Streets and townships 街道/乡镇 (polygons)", [QgsProcessing.TypeVectorPolygon],
     [("STREET_ID", "Street id field", False), ("STREET_NAME", "Street name field", False),
      ("STREET_PARENT", "Street parent (district id) field", True), ("STREET_KIND", "Street kind field (street/township)", True)]),
    ("COMMUNITY", "Communities and villages 社区/村 (polygons)", [QgsProcessing.TypeVectorPolygon],
     [("COMMUNITY_ID", "Community id field", False), ("COMMUNITY_NAME", "Community name field", False),
      ("COMMUNITY_PARENT", "Community parent (street id) field", True),
      ("COMMUNITY_KIND", "Community kind field (community/village)", True)]),
    ("COMPOUNDS", "Residential compounds 小区 (polygons or points)", [QgsProcessing.TypeVectorAnyGeometry],
     [("COMPOUND_ID", "Compound id field", False), ("COMPOUND_NAME", "Compound name field", False),
      ("COMPOUND_YEAR", "Build year field", False), ("COMPOUND_HOUSEHOLDS", "Households field", False),
      ("COMPOUND_POPULATION", "Population field", True), ("COMPOUND_ELDERLY", "Elderly (60+) field", True)]),
    ("FACILITIES", "Facilities 设施 (points)", [QgsProcessing.TypeVectorPoint],
     [("FACILITY_ID", "Facility id field", False), ("FACILITY_NAME", "Facility name field", False),
      ("FACILITY_TYPE", "Facility type field", False), ("FACILITY_BEDS", "Beds field", True),
      ("FACILITY_NURSING_BEDS", "Nursing beds field", True), ("FACILITY_FLOOR_AREA", "Floor area (m²) field", True),
      ("FACILITY_LAND_AREA", "Land area (m²) field", True)]),
    ("ROADS", "Roads (lines; for network mode)", [QgsProcessing.TypeVectorLine],
     [("ROAD_CLASS", "Road class field", False)]),
]

# Census tables (SPEC section 3, `census`): any table layer, a CSV loaded into QGIS most
# often; each joined by code to the units of one level. Table 1 (communities by default)
# shows its code, population and elderly fields; the rest, and table 2, are advanced.
CENSUS = [  # parameter, name, label, default level (index into pf.CENSUS_LEVELS), advanced
    ("CENSUS", "Census table 1", "人口统计表 (CSV, spreadsheet or any table; one row per unit)", 0, False),
    ("CENSUS2", "Census table 2", "(e.g. the streets' or districts' figures)", 1, True),
]
CENSUS_LEVEL_LABELS = [  # in the order of pf.CENSUS_LEVELS
    "communities/villages 社区/村", "streets/townships 街道/乡镇", "districts 区县", "whole study area (one row)"]
CENSUS_FIELD_LABELS = {"id": ("code field (the units' ids, e.g. 社区代码)", False), "population": ("population 常住人口 field", False),
                       "households": ("households 户数 field", True), "elderly": ("elderly 60+ field", False),
                       "infants": ("infants 0-3 field", True)}


def _advanced(param):
    param.setFlags(param.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
    return param


def _flagged(param, advanced):
    return _advanced(param) if advanced else param


def _setting(name):
    try:
        from processing.core.ProcessingConfig import ProcessingConfig

        return ProcessingConfig.getSetting(name) or ""
    except ImportError:  # pragma: no cover
        return ""


def _plain_csv_table(layer):
    """The file of a table QGIS reads as delimited text when lifecircle reads the same file
    the same way (a local .csv without geometry, comma-separated, UTF-8 or no encoding
    given, no filter), else None. lifecircle then reads it as written: a copy would carry
    QGIS's guessed column types, and a code column of digits would lose leading zeros."""
    if layer.providerType() != "delimitedtext" or layer.isSpatial() or layer.subsetString():
        return None
    from qgis.PyQt.QtCore import QUrl, QUrlQuery

    url = QUrl(layer.source())
    query = QUrlQuery(url)
    path = url.toLocalFile()
    if not path.lower().endswith(".csv") or not os.path.isfile(path):
        return None
    if (query.queryItemValue("type") or "csv") != "csv" or (query.queryItemValue("delimiter") or ",") != ",":
        return None
    if (query.queryItemValue("encoding") or "UTF-8").upper().replace("-", "") != "UTF8":
        return None
    return os.path.abspath(path)


def _source_of(layer, export_dir, key, feedback):
    """Where lifecircle reads a picked layer: its own file when it has one (with its layer
    name and filter), else a GeoPackage copy written beside the output."""
    if layer.providerType() == "ogr":
        parts = QgsProviderRegistry.instance().decodeUri("ogr", layer.source())
        path = parts.get("path") or ""
        if os.path.isfile(path):
            src = {"path": os.path.abspath(path)}
            if parts.get("layerName"):
                src["layer"] = parts["layerName"]
            if layer.subsetString():
                src["where"] = layer.subsetString()
            base = os.path.splitext(path)[0]
            if path.lower().endswith(".shp") and not os.path.exists(base + ".cpg"):
                encoding = layer.dataProvider().encoding()
                if encoding and encoding.lower() != "system":
                    src["encoding"] = encoding
            return src
    csv_path = _plain_csv_table(layer)
    if csv_path:
        return {"path": csv_path}
    os.makedirs(export_dir, exist_ok=True)
    target = os.path.join(export_dir, key + ".gpkg")
    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.fileEncoding = "UTF-8"
    options.layerName = key
    result = QgsVectorFileWriter.writeAsVectorFormatV3(layer, target, QgsCoordinateTransformContext(), options)
    if result[0] != QgsVectorFileWriter.NoError:
        raise QgsProcessingException(f"layer {layer.name()}: cannot write a copy for lifecircle to {target} ({result[1]})")
    feedback.pushInfo(f"{layer.name()}: not a file lifecircle can read; copied to {target}")
    return {"path": target, "layer": key}


class LifecircleAlgorithm(QgsProcessingAlgorithm):
    """What every lifecircle algorithm shares: the project (file or picked layers) and the
    call of the program."""

    def createInstance(self):  # noqa: N802
        return type(self)()

    def group(self):
        return ""

    def groupId(self):  # noqa: N802
        return ""

    # --- parameters -------------------------------------------------------------------
    def add_project_parameters(self):
        self.addParameter(QgsProcessingParameterFile(
            "PROJECT", "Project file (lifecircle JSON); leave empty to pick the layers below", extension="json",
            optional=True))
        for name, label, types, fields in LAYERS:
            self.addParameter(QgsProcessingParameterVectorLayer(name, label, types, optional=True))
            self.add_field_parameters(name, fields)
        for name, short, label, level, advanced in CENSUS:
            self.addParameter(_flagged(QgsProcessingParameterVectorLayer(name, f"{short} {label}", [QgsProcessing.TypeVector],
                                                                         optional=True), advanced))
            self.addParameter(_flagged(QgsProcessingParameterEnum(
                f"{name}_LEVEL", f"{short}: level (the units its rows are)", CENSUS_LEVEL_LABELS, defaultValue=level), advanced))
            self.add_field_parameters(name, [(param, f"{short}: {CENSUS_FIELD_LABELS[key][0]}", advanced or CENSUS_FIELD_LABELS[key][1])
                                             for key, param in pf.census_params(name).items()])
            self.addParameter(_advanced(QgsProcessingParameterString(
                f"{name}_ATTRIBUTES", f"{short}: unit attributes (name=column; …), e.g. elderly_friendly=老年友好社区",
                optional=True)))
        self.addParameter(_advanced(QgsProcessingParameterString(
            "FACILITY_ATTRIBUTES", "Facility attributes (name=field; …), e.g. safety_net=兜底保障; operator=运营主体",
            optional=True)))
        self.addParameter(_advanced(QgsProcessingParameterString(
            "TYPE_MAP", "Facility type map (source value=type; …), e.g. 社区日间照料中心=day_care", optional=True)))
        self.addParameter(_advanced(QgsProcessingParameterString("NAME", "Study area name", optional=True)))
        self.addParameter(QgsProcessingParameterString(
            "PROFILE", "Rule profile (empty: the project's, kunming-2025 for picked layers; also jinning-2023, yuxi-2023)",
            optional=True))
        self.addParameter(QgsProcessingParameterEnum(
            "MODE", "Access mode", ["as in the project file (radius for picked layers)", "radius", "network (needs roads)"],
            defaultValue=0))
        self.addParameter(QgsProcessingParameterNumber(
            "MINUTES", "Walking minutes (empty: the project's, 15)", QgsProcessingParameterNumber.Double, optional=True,
            minValue=0.1))
        self.addParameter(QgsProcessingParameterNumber(
            "SPEED", "Walking speed km/h (empty: the project's, 4.0)", QgsProcessingParameterNumber.Double, optional=True,
            minValue=0.1))

    def add_field_parameters(self, layer, fields):
        """The field pickers of a layer parameter: (parameter, label, advanced)."""
        for name, label, advanced in fields:
            self.addParameter(_flagged(QgsProcessingParameterField(name, label, parentLayerParameterName=layer, optional=True),
                                       advanced))

    @staticmethod
    def _given(parameters, name):
        v = parameters.get(name)
        return None if v is None or v == "" else v

    def project_document(self, parameters, context, feedback, export_dir):
        """The project to run, as a dict with absolute paths."""
        try:
            path = self.parameterAsFile(parameters, "PROJECT", context)
            if path:
                doc = pf.from_file(path)
                picked = [name for name, *_ in CENSUS if self.parameterAsVectorLayer(parameters, name, context) is not None]
                if picked:  # like the picked layers, they stand in for a project file, not beside one
                    feedback.pushWarning(f"{', '.join(picked)}: census tables picked in the dialog are not used with a project "
                                         "file; its own census section is (SPEC section 3)")
            else:
                sources, fields = {}, {}
                for name, _label, _types, field_params in LAYERS:
                    layer = self.parameterAsVectorLayer(parameters, name, context)
                    if layer is None:
                        continue
                    key = next(k for k, v in pf.LAYER_PARAMS.items() if v == name)
                    sources[key] = _source_of(layer, export_dir, key, feedback)
                    fields[key] = {k: self.parameterAsString(parameters, v, context)
                                   for k, v in pf.LAYER_FIELDS[key].items()}
                attributes = pf.parse_pairs(self.parameterAsString(parameters, "FACILITY_ATTRIBUTES", context),
                                            "Facility attributes")
                type_map = pf.parse_pairs(self.parameterAsString(parameters, "TYPE_MAP", context), "Facility type map")
                census = self.census_tables(parameters, context, feedback, export_dir, sources)
                doc = pf.from_layers(self.parameterAsString(parameters, "NAME", context), sources, fields, attributes,
                                     type_map, census)
        except pf.ProjectFileError as e:
            raise QgsProcessingException(str(e)) from e
        minutes = self._given(parameters, "MINUTES")
        speed = self._given(parameters, "SPEED")
        return pf.apply_settings(doc, self.parameterAsString(parameters, "PROFILE", context).strip(),
                                 pf.MODES[self.parameterAsEnum(parameters, "MODE", context)],
                                 None if minutes is None else self.parameterAsDouble(parameters, "MINUTES", context),
                                 None if speed is None else self.parameterAsDouble(parameters, "SPEED", context))

    def census_tables(self, parameters, context, feedback, export_dir, sources):
        """The census tables picked, checked (pf.census_table) before a copy is written."""
        tables = []
        for name, *_ in CENSUS:
            layer = self.parameterAsVectorLayer(parameters, name, context)
            if layer is None:
                continue
            entry = pf.census_table(
                name, pf.CENSUS_LEVELS[self.parameterAsEnum(parameters, name + "_LEVEL", context)],
                {k: self.parameterAsString(parameters, v, context) for k, v in pf.census_params(name).items()},
                pf.parse_pairs(self.parameterAsString(parameters, name + "_ATTRIBUTES", context), name + "_ATTRIBUTES"),
                sources)
            tables.append(pf.layer_spec(_source_of(layer, export_dir, name.lower(), feedback), entry))
        return tables

    # --- running ----------------------------------------------------------------------
    def call(self, args, project_path, feedback):
        """Runs lifecircle; returns (stdout, command). Errors become the dialog's error text."""
        try:
            program = find_program(_setting(SETTING))
        except LifecircleError as e:
            raise QgsProcessingException(str(e)) from e
        command = shell_command(program, args)
        feedback.pushCommandInfo(command)
        try:
            status, out, err = run(program, args, feedback)
        except Canceled:
            raise QgsProcessingException("Canceled: lifecircle was stopped and its output left as it was before the run.")
        if status != 0:
            raise QgsProcessingException(error_text(status, err, project_path, command))
        return out, command

    def load_wanted(self, parameters, context):
        return self.parameterAsBoolean(parameters, "LOAD", context)

    def add_load_parameter(self):
        self.addParameter(QgsProcessingParameterBoolean("LOAD", "Open the results in the current project", defaultValue=True))


def _folder_safe(text):
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "scenario"


class RunAlgorithm(LifecircleAlgorithm):
    def name(self):
        return "run"

    def displayName(self):  # noqa: N802
        return "Run the analysis (lifecircle run)"

    def shortHelpString(self):  # noqa: N802
        return ("Checks facility coverage against the plan targets of a rule profile and writes the output folder: "
                "GeoJSON layers, a styled QGIS project with print layouts, report.html, coverage.csv, summary.json. "
                "Give a lifecircle project file, or pick the layers and their fields. The project file used is written "
                "beside the output folder (OUTPUT.project.json), so the run can be repeated in a terminal with "
                "'lifecircle run OUTPUT.project.json --out OUTPUT'.")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_project_parameters()
        self.addParameter(QgsProcessingParameterEnum("FORMAT", "Layers for desktop GIS (beside the GeoJSON)", FORMATS,
                                                     defaultValue=0))
        self.addParameter(QgsProcessingParameterCrs(
            "OUTPUT_CRS", "CRS of the gpkg/shp layers (e.g. EPSG:4490 CGCS2000, EPSG:4543)", optional=True))
        self.addParameter(_advanced(QgsProcessingParameterEnum("LANG", "Report language", LANGS, defaultValue=0)))
        self.add_load_parameter()
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", "Output folder"))
        self.addOutput(QgsProcessingOutputFile("PROJECT_FILE", "Project file used"))
        self.addOutput(QgsProcessingOutputFile("QGS", "QGIS project of the results"))
        self.addOutput(QgsProcessingOutputFile("SUMMARY", "summary.json"))
        self.addOutput(QgsProcessingOutputString("COMMAND", "Command line"))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        out = self.parameterAsString(parameters, "OUTPUT", context)
        doc = self.project_document(parameters, context, feedback, pf.beside(out, ".inputs"))
        project_path = pf.write(doc, pf.beside(out, ".project.json"))
        args = ["run", project_path, "--out", out, "--format", FORMATS[self.parameterAsEnum(parameters, "FORMAT", context)],
                "--lang", LANGS[self.parameterAsEnum(parameters, "LANG", context)]]
        crs = self.parameterAsCrs(parameters, "OUTPUT_CRS", context)
        if crs.isValid():
            args += ["--output-crs", crs.authid() or crs.toWkt()]
        _, command = self.call(args, project_path, feedback)
        self._loaded = (os.path.join(out, "lifecircle.qgs"), doc.get("name") or "lifecircle") if self.load_wanted(parameters, context) else None
        return {"OUTPUT": out, "PROJECT_FILE": project_path, "QGS": os.path.join(out, "lifecircle.qgs"),
                "SUMMARY": os.path.join(out, "summary.json"), "COMMAND": command}

    def postProcessAlgorithm(self, context, feedback):  # noqa: N802
        loaded = getattr(self, "_loaded", None)
        if loaded and context.project() is not None and os.path.exists(loaded[0]):
            from .results import load_output_project

            load_output_project(loaded[0], context.project(), f"lifecircle — {loaded[1]}")
        return {}


class ValidateAlgorithm(LifecircleAlgorithm):
    def name(self):
        return "validate"

    def displayName(self):  # noqa: N802
        return "Validate the inputs (lifecircle validate)"

    def shortHelpString(self):  # noqa: N802
        return ("Reads every input and reports what would be rejected or repaired; writes nothing but the project file "
                "it checked (in Processing's temporary folder unless you name one). With 'strict', any record that would "
                "be rejected is an error.")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_project_parameters()
        self.addParameter(QgsProcessingParameterBoolean("STRICT", "Strict: fail when any record would be rejected",
                                                        defaultValue=False))
        # Optional: validating writes no results, so nothing need be asked of a script or
        # qgis_process but the inputs.
        self.addParameter(QgsProcessingParameterFileDestination("PROJECT_OUT", "Project file checked", "JSON (*.json)",
                                                                optional=True, createByDefault=False))
        self.addOutput(QgsProcessingOutputString("REPORT", "Validation report"))
        self.addOutput(QgsProcessingOutputString("COMMAND", "Command line"))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        project_path = self.parameterAsFileOutput(parameters, "PROJECT_OUT", context)
        if not project_path:
            folder = tempfile.mkdtemp(prefix="lifecircle-validate-", dir=QgsProcessingUtils.tempFolder())
            project_path = os.path.join(folder, "validate.project.json")
        doc = self.project_document(parameters, context, feedback, os.path.splitext(project_path)[0] + ".inputs")
        pf.write(doc, project_path)
        args = ["validate", project_path] + (["--strict"] if self.parameterAsBoolean(parameters, "STRICT", context) else [])
        report, command = self.call(args, project_path, feedback)
        feedback.pushInfo(report)
        return {"PROJECT_OUT": project_path, "REPORT": report, "COMMAND": command}


class BatchAlgorithm(LifecircleAlgorithm):
    def name(self):
        return "batch"

    def displayName(self):  # noqa: N802
        return "Run scenarios (lifecircle batch)"

    def shortHelpString(self):  # noqa: N802
        return ("Runs what-if scenarios against a base and compares every rule indicator (comparison.csv). Give a batch "
                "file, or a project (file or picked layers) and scenario patch files; the batch file used is written "
                "beside the output folder (OUTPUT.batch.json).")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile("BATCH", "Batch file (leave empty to use the project and scenarios below)",
                                                     extension="json", optional=True))
        self.add_project_parameters()
        self.addParameter(QgsProcessingParameterMultipleLayers("SCENARIOS", "Scenario patch files (JSON)",
                                                               QgsProcessing.TypeFile, optional=True))
        self.addParameter(QgsProcessingParameterNumber("JOBS", "Scenarios run side by side", QgsProcessingParameterNumber.Integer,
                                                       defaultValue=2, minValue=1, maxValue=64))
        self.add_load_parameter()
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", "Output folder"))
        self.addOutput(QgsProcessingOutputFile("BATCH_FILE", "Batch file used"))
        self.addOutput(QgsProcessingOutputFile("COMPARISON", "comparison.csv"))
        self.addOutput(QgsProcessingOutputString("COMMAND", "Command line"))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        out = self.parameterAsString(parameters, "OUTPUT", context)
        batch = self.parameterAsFile(parameters, "BATCH", context)
        if not batch:
            doc = self.project_document(parameters, context, feedback, pf.beside(out, ".inputs"))
            base = pf.write(doc, pf.beside(out, ".project.json"))
            files = self.parameterAsFileList(parameters, "SCENARIOS", context)
            if not files:
                raise QgsProcessingException("give a batch file, or at least one scenario patch file")
            ids, scenarios = set(), []
            for f in files:
                sid = _folder_safe(os.path.splitext(os.path.basename(f))[0])
                while sid in ids:
                    sid += "-2"
                ids.add(sid)
                scenarios.append({"id": sid, "patch": os.path.abspath(f)})
            batch = pf.write({"base": base, "scenarios": scenarios}, pf.beside(out, ".batch.json"))
        args = ["batch", batch, "--out", out, "--jobs", str(self.parameterAsInt(parameters, "JOBS", context))]
        _, command = self.call(args, batch, feedback)
        self._loaded = out if self.load_wanted(parameters, context) else None
        return {"OUTPUT": out, "BATCH_FILE": batch, "COMPARISON": os.path.join(out, "comparison.csv"), "COMMAND": command}

    def postProcessAlgorithm(self, context, feedback):  # noqa: N802
        out = getattr(self, "_loaded", None)
        if out and context.project() is not None:
            from .results import load_output_project, load_table

            project = context.project()
            base = os.path.join(out, "base", "lifecircle.qgs")
            group = (load_output_project(base, project, f"lifecircle batch — {os.path.basename(out)}", with_layouts=False)
                     if os.path.exists(base) else project.layerTreeRoot().insertGroup(0, f"lifecircle batch — {os.path.basename(out)}"))
            load_table(os.path.join(out, "comparison.csv"), project, group, "comparison")
        return {}


class ProposeSitesAlgorithm(LifecircleAlgorithm):
    def name(self):
        return "site"

    def displayName(self):  # noqa: N802
        return "Propose sites (lifecircle site)"

    def shortHelpString(self):  # noqa: N802
        return ("Proposes where to build the next facilities of a type so that the most unreached elderly are reached "
                "(maximal covering). Writes proposed_sites.geojson and a batch file that checks the proposal against "
                "every rule (run it with 'Run scenarios').")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_project_parameters()
        self.addParameter(QgsProcessingParameterString("TYPE", "Facility type to site", defaultValue="day_care"))
        self.addParameter(QgsProcessingParameterNumber("COUNT", "Number of sites (0: as many as the target share needs)",
                                                       QgsProcessingParameterNumber.Integer, defaultValue=10, minValue=0))
        self.addParameter(QgsProcessingParameterNumber("TARGET_SHARE", "Target share reached (0-1, optional)",
                                                       QgsProcessingParameterNumber.Double, optional=True, minValue=0,
                                                       maxValue=1))
        self.addParameter(_advanced(QgsProcessingParameterString("RULE", "reach_share rule to lift (optional)", optional=True)))
        self.addParameter(_advanced(QgsProcessingParameterEnum("WEIGHT", "What the share counts", WEIGHTS, defaultValue=0)))
        self.add_load_parameter()
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", "Output folder"))
        self.addOutput(QgsProcessingOutputFile("SITES", "proposed_sites.geojson"))
        self.addOutput(QgsProcessingOutputFile("BATCH_FILE", "Batch file checking the proposal"))
        self.addOutput(QgsProcessingOutputString("COMMAND", "Command line"))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        out = self.parameterAsString(parameters, "OUTPUT", context)
        doc = self.project_document(parameters, context, feedback, pf.beside(out, ".inputs"))
        project_path = pf.write(doc, pf.beside(out, ".project.json"))
        args = ["site", project_path, "--out", out, "--type", self.parameterAsString(parameters, "TYPE", context),
                "--weight", WEIGHTS[self.parameterAsEnum(parameters, "WEIGHT", context)]]
        count = self.parameterAsInt(parameters, "COUNT", context)
        if count:
            args += ["--count", str(count)]
        if self._given(parameters, "TARGET_SHARE") is not None:
            args += ["--target-share", repr(self.parameterAsDouble(parameters, "TARGET_SHARE", context))]
        rule = self.parameterAsString(parameters, "RULE", context).strip()
        if rule:
            args += ["--rule", rule]
        report, command = self.call(args, project_path, feedback)
        feedback.pushInfo(report)
        self._loaded = out if self.load_wanted(parameters, context) else None
        return {"OUTPUT": out, "SITES": os.path.join(out, "proposed_sites.geojson"),
                "BATCH_FILE": os.path.join(out, "batch.json"), "COMMAND": command}

    def postProcessAlgorithm(self, context, feedback):  # noqa: N802
        out = getattr(self, "_loaded", None)
        sites = os.path.join(out, "proposed_sites.geojson") if out else ""
        if out and context.project() is not None and os.path.exists(sites):
            from .results import load_points

            project = context.project()
            group = project.layerTreeRoot().insertGroup(0, f"lifecircle sites — {os.path.basename(out)}")
            load_points(sites, project, group, "proposed sites", "rank")
        return {}
