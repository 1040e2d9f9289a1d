#pragma once
// Reading the project's layers through GDAL/OGR into plain structs in the working CRS.
#include "common/engine.hpp"
#include "common/model.hpp"
#include "project/project.hpp"

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <string>
#include <vector>

namespace lc {

struct LayerCounts {
    long read = 0;      ///< features read (after the layer's `where`)
    long used = 0;
    long rejected = 0;
    long skipped = 0;   ///< roads only: not walkable by class
};

struct CensusTable;  ///< ingest/census.hpp

/// Everything read from the inputs. Geometries belong to the main GEOS context of the
/// Engine that read them (common/engine.hpp), which must outlive them.
struct Inputs {
    std::string working_crs;   ///< e.g. "EPSG:32648"
    std::string working_crs_wkt;
    std::array<std::vector<Unit>, kLevels> units;
    std::array<bool, kLevels> has_level{false, false, false};
    std::vector<Compound> compounds;
    std::vector<Facility> facilities;
    std::vector<std::vector<XY>> roads;           ///< walkable lines, input order
    std::vector<std::pair<std::string, XY>> gates; ///< compound id, gate point
    std::vector<Rejection> rejected;
    std::vector<Repair> repairs;
    std::vector<std::string> warnings;
    /// The study area's centre, lon/lat: the compounds' median point, else the units'
    /// (set by locate_study_area; checks of a CRS against the data use it).
    std::optional<std::pair<double, double>> centre_lonlat;
    std::map<std::string, long> unreadable;       ///< "layer.field" -> optional numbers that could not be read
    std::map<std::string, LayerCounts> counts;
    std::map<std::string, std::string> labels;    ///< layer (as in counts) -> "file (layer NAME)", for messages
    /// Census figures of the whole area (the table of level "area", else the districts'
    /// sum) and what the join found; set by apply_demographics (units/demographics.hpp).
    Demographics area_census;
    CensusReport census;
    /// The census tables as read, with the specs they were read from (read once per
    /// inputs, or once per batch for every scenario; a scenario with other census specs
    /// reads its own), and whether what their reading noted is in these inputs yet.
    std::vector<std::pair<CensusSpec, std::shared_ptr<const CensusTable>>> census_tables;
    bool census_notes_given = false;
    /// Set by place_units_and_compounds (units.hpp): unit parents, compounds and gates are
    /// placed, and `facility_units` says where the facilities read with them lie.
    bool units_placed = false;
    std::shared_ptr<const std::unordered_map<std::string, std::array<int, kLevels>>> facility_units;
    /// Set by read_inputs for `validate`: a required layer of which every record was
    /// rejected is recorded in `all_rejected` (its key, once, in the order found) and the
    /// reading and placing go on, so that every rejection of every layer can be listed;
    /// otherwise check_not_all_rejected throws at the first such layer.
    bool keep_reading = false;
    std::vector<std::string> all_rejected;
};

/// Throws InputError (exit 3) when the layer `key` (as in Inputs::counts) had records
/// and every one was rejected: a required layer of which nothing is used would make
/// every rule fail on data that were never read. With in.keep_reading the layer is
/// recorded in in.all_rejected instead. A layer without records passes (a scenario may
/// have none).
void check_not_all_rejected(Inputs& in, const std::string& key);
/// The error for such a layer: it names the file, the count, the commonest reasons with
/// an example id each, and what to do.
std::string all_rejected_message(const Inputs& in, const std::string& key);

/// A deep copy (geometries cloned), so that scenarios can change facilities and unit
/// assignments without reading the inputs again.
/// With `share_geometries` the copy borrows the geometries of `in` (see borrow in
/// geos.hpp): `in` must outlive it.
Inputs clone_inputs(Engine& engine, const Inputs& in, bool share_geometries = false);

using Progress = std::function<void(const std::string& stage, double fraction)>;

/// Reads every layer of the project. Throws InputError (exit 3) when a file cannot be
/// read or lacks a required field, ConfigError (exit 2) for a bad `where` or CRS.
/// `keep_reading` (validate) sets Inputs::keep_reading: a required layer of which every
/// record was rejected is recorded, not thrown.
/// The layers are read by up to two of the engine's threads; the geometries end up
/// owned by engine.main().
Inputs read_inputs(Engine& engine, const Project& p, const Progress& progress = {}, bool keep_reading = false);

/// Reads an extra facilities FeatureCollection (a scenario's add_facilities) with the
/// facilities layer's field mapping, transformed into the working CRS of `in`.
void read_extra_facilities(Engine& engine, const Project& p, const std::string& path_or_json_text, bool is_text, Inputs& in);

/// Canonical facility type for a source label, using type_map, the canonical and the
/// project's custom types, and the built-in Chinese labels; empty when unknown.
std::string canonical_type(const LayerSpec& s, const std::string& raw, const std::vector<std::string>* custom_types = nullptr);

/// One record of a point layer read with read_point_records.
struct PointRecord {
    long index = -1;          ///< position in the layer
    std::string id, name;     ///< as read (empty when the layer has no such field or it is unset)
    std::optional<XY> pt;     ///< working CRS; nullopt when unusable, and `problem` says why
    std::string problem;
};

/// Reads a layer that is not part of the project (siting candidates) as points in the
/// working CRS of `in`, with ingest's own opening, decoding and CRS handling: points as
/// they are, other geometries by their point on surface. The id and name fields are
/// s.fields "id"/"name" when given (InputError if missing), else the first of the
/// guesses the layer has. `origin` names where the layer was given, for messages.
std::vector<PointRecord> read_point_records(Engine& engine, const LayerSpec& s, const std::string& origin,
                                            const std::vector<std::string>& id_guesses, const std::vector<std::string>& name_guesses,
                                            const Inputs& in, std::vector<std::string>& warnings);

}  // namespace lc
