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
                   "nursing_beds": "FACILITY_NURSING_BEDS", "floor_area": "FACILITY_FLOOR_AREA"},
    "roads": {"class": "ROAD_CLASS"},
}
LAYER_PARAMS = {"district": "DISTRICT", "street": "STREET", "community": "COMMUNITY", "compounds": "COMPOUNDS",
                "facilities": "FACILITIES", "roads": "ROADS"}
MODES = ["", "radius", "network"]  # "" keeps the project file's mode (radius for picked layers)


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


def from_layers(name, sources, fields, attributes, type_map):
    """A project from picked layers. `sources`: layer key -> {"path", optional "layer",
    "where", "encoding"}; `fields`: layer key -> {project field: source field}."""
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
    return {"name": name or "lifecircle", "working_crs": "auto", "layers": layers,
            "access": {"mode": "radius", "walk_kmh": 4.0, "minutes": 15}, "profile": "kunming-2025", "rules": []}


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
