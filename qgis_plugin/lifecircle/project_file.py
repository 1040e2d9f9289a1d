"""The lifecircle project file an algorithm runs: an existing one (with the dialog's
profile, mode, minutes and speed laid over it when they are set), or one written from the
layers and fields picked in the dialog (SPEC section 3). Either way it is written beside
the output with absolute paths, so that the run can be repeated from a terminal."""
import json
import os

# Dialog parameter -> project field, per layer key (SPEC section 3).
LAYER_FIELDS = {
    "district": {"id": "DISTRICT_ID", "name": "DISTRICT_NAME"},
    "street": {"id": "STREET_ID", "name": "STREET_NAME", "parent": "STREET_PARENT", "kind": "STREET_KIND"},
    "community": {"id": "COMMUNITY_ID", "name": "COMMUNITY_NAME", "parent": "COMMUNITY_PARENT", "kind": "COMMUNITY_KIND"},
    "compounds": {"id": "COMPOUND_ID", "name": "COMPOUND_NAME", "year": "COMPOUND_YEAR", "households": "COMPOUND_HOUSEHOLDS",
                  "population": "COMPOUND_POPULATION", "elderly": "COMPOUND_ELDERLY"},
    "facilities": {"id": "FACILITY_ID", "name": "FACILITY_NAME", "type": "FACILITY_TYPE", "beds": "FACILITY_BEDS",
                   "nursing_beds": "FACILITY_NURSING_BEDS", "floor_area": "FACILITY_FLOOR_AREA",
                   "land_area": "FACILITY_LAND_AREA"},
    "roads": {"class": "ROAD_CLASS"},
}
LAYER_PARAMS = {"district": "DISTRICT", "street": "STREET", "community": "COMMUNITY", "compounds": "COMPOUNDS",
                "facilities": "FACILITIES", "roads": "ROADS"}
MODES = ["", "radius", "network"]  # "" keeps the project file's mode (radius for picked layers)

# Census tables picked in the dialog (SPEC section 3, `census`): two slots, each a table,
# the unit level its codes name and its columns; parameters CENSUS_ID, CENSUS2_ELDERLY, ….
CENSUS_TABLES = ["CENSUS", "CENSUS2"]
CENSUS_LEVELS = ["community", "street", "district", "area"]  # the dialog's order: the common cases first
CENSUS_FIELDS = {"id": "ID", "population": "POPULATION", "households": "HOUSEHOLDS", "elderly": "ELDERLY", "infants": "INFANTS"}
UNIT_LAYER_NAMES = {"district": "districts 区县", "street": "streets/townships 街道/乡镇", "community": "communities/villages 社区/村"}


class ProjectFileError(Exception):
    pass


def parse_pairs(text, what):
    """"a=b; c=d" (or one pair per line) -> {"a": "b", "c": "d"}."""
    pairs = {}
    for item in (text or "").replace("\n", ";").split(";"):
        item = item.strip()
        if not item:
            continue
        if "=" not in item:
            raise ProjectFileError(f"{what}: \"{item}\" is not NAME=VALUE (separate pairs with ';')")
        k, v = item.split("=", 1)
        pairs[k.strip()] = v.strip()
    return pairs


def absolute_paths(doc, base_dir):
    """Layer and census paths made absolute (a copy beside the output must find the data)."""
    for spec in (doc.get("layers") or {}).values():
        if isinstance(spec, dict) and isinstance(spec.get("path"), str):
            spec["path"] = os.path.normpath(os.path.join(base_dir, spec["path"]))
    for table in doc.get("census") or []:
        if isinstance(table, dict) and isinstance(table.get("path"), str):
            table["path"] = os.path.normpath(os.path.join(base_dir, table["path"]))
    return doc


def apply_settings(doc, profile, mode, minutes, speed):
    """The dialog's profile, mode, minutes and speed over a project (only those set)."""
    if profile:
        doc["profile"] = profile
    access = doc.setdefault("access", {})
    if mode:
        access["mode"] = mode
    if minutes is not None:
        access["minutes"] = minutes
    if speed is not None:
        access["walk_kmh"] = speed
    return doc


def from_file(path):
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except OSError as e:
        raise ProjectFileError(f"{path}: cannot read the project file ({e.strerror})") from e
    except ValueError as e:
        raise ProjectFileError(f"{path}: not valid JSON ({e}); fix the file or pick the layers in the dialog instead") from e
    if not isinstance(doc, dict):
        raise ProjectFileError(f"{path}: a project file is a JSON object (SPEC section 3)")
    return absolute_paths(doc, os.path.dirname(os.path.abspath(path)))


def layer_spec(source, fields, extra=None):
    """One layer of the project: the data source (path, layer, filter) and the fields."""
    spec = dict(source)
    for key, value in fields.items():
        if value:
            spec[key] = value
    spec.update(extra or {})
    return spec


def census_params(table):
    """Project field -> dialog parameter of one census slot: {"id": "CENSUS2_ID", …}."""
    return {k: f"{table}_{v}" for k, v in CENSUS_FIELDS.items()}


def census_table(table, level, fields, attributes, unit_layers):
    """One census table picked in the dialog, checked: its level, fields and attributes
    for the project's `census` list (the caller adds where the table is read). `fields`:
    project field -> column (empty when not picked); `unit_layers`: the layer keys picked.
    The messages name the dialog's parameters: the user fixes the dialog, not JSON."""
    what = f"Census table {CENSUS_TABLES.index(table) + 1} ({table})"
    p = census_params(table)
    if level not in CENSUS_LEVELS:
        raise ProjectFileError(f"{what}: level \"{level}\" is not one of {', '.join(CENSUS_LEVELS)}")
    entry = {"level": level}
    if level != "area":  # a table of the whole area is one row, joined to nothing
        if level not in unit_layers:
            raise ProjectFileError(
                f"{what} is joined to the {level} level (\"level\", {table}_LEVEL), but no {UNIT_LAYER_NAMES[level]} layer "
                f"({LAYER_PARAMS[level]}) is picked: pick that layer and its id field, or set the table's level to the "
                "units its codes name")
        if not fields.get("id"):
            raise ProjectFileError(
                f"{what} needs its \"code field\" ({p['id']}): pick the column that holds each {level}'s code, the same "
                f"codes as the id field of the {UNIT_LAYER_NAMES[level]} layer (e.g. 社区代码); or, for one row with the "
                f"whole study area's figures, set its \"level\" ({table}_LEVEL) to the whole study area")
        entry["id"] = fields["id"]
    figures = {k: fields[k] for k in CENSUS_FIELDS if k != "id" and fields.get(k)}
    if not figures and not attributes:
        raise ProjectFileError(
            f"{what} maps no figure: pick at least one of its population, households, elderly 60+ or infants 0-3 fields "
            f"({', '.join(p[k] for k in CENSUS_FIELDS if k != 'id')}), or \"unit attributes\" ({table}_ATTRIBUTES)")
    entry.update(figures)
    if attributes:
        entry["attributes"] = attributes
    return entry


def from_layers(name, sources, fields, attributes, type_map, census=None):
    """A project from picked layers. `sources`: layer key -> {"path", optional "layer",
    "where", "encoding"}; `fields`: layer key -> {project field: source field}; `census`:
    the census tables (census_table() with their sources), if any."""
    missing = [k for k in ("compounds", "facilities") if k not in sources]
    if missing:
        raise ProjectFileError("pick a project file, or at least the compounds and facilities layers (missing: "
                               + ", ".join(missing) + ")")
    for key in ("compounds", "facilities"):
        if not fields.get(key, {}).get("id"):
            raise ProjectFileError(f"the {key} layer needs its id field (the field that identifies each feature)")
    if not fields["facilities"].get("type"):
        raise ProjectFileError("the facilities layer needs its type field (设施类型: day_care, canteen, …)")
    layers = {}
    for key, src in sources.items():
        extra = {}
        if key == "facilities":
            if attributes:
                extra["attributes"] = attributes
            if type_map:
                extra["type_map"] = type_map
        layers[key] = layer_spec(src, fields.get(key, {}), extra)
    doc = {"name": name or "lifecircle", "working_crs": "auto", "layers": layers,
           "access": {"mode": "radius", "walk_kmh": 4.0, "minutes": 15}}
    if census:
        doc["census"] = list(census)
    doc.update({"profile": "kunming-2025", "rules": []})
    return doc


def write(doc, path):
    os.makedirs(os.path.dirname(os.path.abspath(path)) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")
    return path


def beside(output_dir, suffix):
    """A file beside an output folder: /x/out -> /x/out.project.json (the folder itself is
    replaced by each run, so nothing of ours may live inside it)."""
    out = os.path.normpath(os.path.abspath(output_dir))
    return out + suffix
