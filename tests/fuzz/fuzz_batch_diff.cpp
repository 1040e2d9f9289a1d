// libFuzzer target, differential: a batch scenario against a plain run of the same
// scenario (SPEC 7: a batch's scenario folder is what `run --scenario` writes). The
// bytes build a small world (fuzz_world.hpp, settings made plausible) and analyse it as
// a batch's base, whose results fill a ScenarioCache; then a scenario patch: facilities
// removed and added (new ids sorting before and after the base's, some at a base
// facility's very place, a removed id added back elsewhere), access settings changed
// (walking speed, minutes per type, buffer, access distance, decay) and rules replaced.
// The scenario is analysed and written once through the cache, as a batch does, and
// once plainly; the two output folders must be equal byte for byte (summary.json apart
// from its seconds), and a comparison-only analysis through the cache must give the
// same rule figures.
#include "common/engine.hpp"
#include "batch/scenario_cache.hpp"
#include "common/errors.hpp"
#include "common/gdal_setup.hpp"
#include "fuzz_world.hpp"
#include "pipeline/pipeline.hpp"
#include "project/scenario.hpp"
#include "units/units.hpp"

#include <cpl_error.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>

namespace {
// One thread: the cores are shared, and the inputs are run one at a time.
lc::Engine engine(1);
}  // namespace

namespace fs = std::filesystem;

namespace {

using fuzz_world::Bytes;

const char* const kProject = "/nonexistent/fuzz/project.json";

/// Every file of a folder by its path inside it; summary.json without its timings.
std::map<std::string, std::string> folder(const fs::path& dir) {
    std::map<std::string, std::string> out;
    for (auto& e : fs::recursive_directory_iterator(dir)) {
        if (!e.is_regular_file()) continue;
        std::ifstream f(e.path(), std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        std::string rel = fs::relative(e.path(), dir).string();
        if (rel == "summary.json") {
            lc::json s = lc::json::parse(bytes);
            s.erase("seconds");
            bytes = s.dump(1);
        }
        out[rel] = std::move(bytes);
    }
    return out;
}

lc::json scenario_patch(Bytes& b, const lc::Inputs& base) {
    lc::json patch = lc::json::object();
    std::vector<std::string> removed;
    if (!base.facilities.empty() && b.flag()) {
        std::set<std::string> ids;
        for (unsigned k = 0, n = 1 + b.pick(3); k < n; ++k) ids.insert(base.facilities[b.pick(base.facilities.size())].id);
        removed.assign(ids.begin(), ids.end());
        patch["remove_facilities"] = removed;
    }
    lc::json feats = lc::json::array();
    for (unsigned k = 0, n = b.pick(4); k < n; ++k) {
        static const char* prefix[] = {"A", "Z", "F0", "G"};  // before, after and among the base's ids
        std::string id = std::string(b.of(prefix)) + std::to_string(k);
        if (!removed.empty() && b.pick(4) == 0) id = removed[0] + (k ? std::to_string(k) : "");  // back, elsewhere
        double x = b.coord(), y = b.coord();
        if (!base.facilities.empty() && b.flag()) {  // at a base facility's place: exact ties
            const lc::Facility& twin = base.facilities[b.pick(base.facilities.size())];
            x = twin.pt.x;
            y = twin.pt.y;
        }
        lc::json props = {{"fid", id}, {"type", b.of(fuzz_world::kTypes)}};
        if (b.flag()) props["area"] = b.of(fuzz_world::kWeights);
        if (b.flag()) props["beds"] = b.of(fuzz_world::kWeights);
        feats.push_back({{"type", "Feature"}, {"properties", props}, {"geometry", {{"type", "Point"}, {"coordinates", {x, y}}}}});
    }
    if (!feats.empty())
        patch["add_facilities"] = {{"type", "FeatureCollection"},
                                   {"crs", {{"type", "name"}, {"properties", {{"name", "urn:ogc:def:crs:EPSG::32648"}}}}},
                                   {"features", feats}};
    static const double walk[] = {4.0, 3.0, 1.0, 6.5};
    static const double minutes[] = {15, 5, 10, 30};
    static const double buffers[] = {50, 10, 200};
    static const double access[] = {500, 0, 100};
    if (b.flag()) patch["access"]["walk_kmh"] = b.of(walk);
    static const char* types[] = {"day_care", "canteen", "street_center", "nursing_home", "supporting"};
    if (b.flag()) patch["access"]["minutes_by_type"] = {{b.of(types), b.of(minutes)}};
    if (b.flag()) patch["access"]["service_area_buffer_m"] = b.of(buffers);
    if (b.flag()) patch["access"]["max_access_m"] = b.of(access);
    if (b.flag()) patch["access"]["decay"] = b.flag() ? "gaussian" : "none";
    if (b.flag()) {
        patch["rules"] = lc::json::array();
        for (int i = 0, n = 1 + static_cast<int>(b.pick(3)); i < n; ++i) patch["rules"].push_back(fuzz_world::make_rule(b, 10 + i));
        lc::json d = {{"access", lc::json::object()}, {"rules", patch["rules"]}};
        fuzz_world::make_plausible(d);
        patch["rules"] = d["rules"];
    }
    return patch;
}

/// The scenario's inputs as a batch makes them: the base's, with its facility changes.
lc::Inputs scenario_inputs(const lc::Inputs& raw, const lc::Project& ps, const lc::Scenario& s) {
    lc::Inputs in = lc::clone_inputs(engine, raw, true);
    lc::place_units_and_compounds(engine, in);
    lc::apply_facility_changes(engine, ps, {s}, in);
    return in;
}

[[noreturn]] void differ(const std::string& what) {
    std::fprintf(stderr, "batch scenario differs from the plain run: %s\n", what.c_str());
    __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    lc::init_gdal();
    CPLSetErrorHandler(CPLQuietErrorHandler);  // a point past the projection's edge is a repair, not noise
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Bytes b{data, size};
    lc::json doc = fuzz_world::project_doc(b);
    fuzz_world::make_plausible(doc);
    bool nonneg = true;
    lc::Project p;
    try {
        p = lc::parse_project(doc, kProject);
    } catch (const lc::Error&) {
        return 0;
    }
    lc::Inputs raw = fuzz_world::inputs(engine.main(), b, nonneg);
    lc::Inputs base;
    lc::Analysed xb;
    try {
        // A world the program refuses (e.g. every facility far from every unit, as if
        // read in another CRS: exit 3) has no batch to compare.
        lc::place_units_and_compounds(engine, raw);
        // The base, as a batch runs it.
        base = lc::clone_inputs(engine, raw, true);
        xb = lc::analyse(engine, p, base, {});
    } catch (const lc::InputError&) {
        return 0;
    }
    lc::ScenarioCache cache(engine, p, base, xb, lc::ScenarioCache::Formatted{true, true});

    lc::json patch = scenario_patch(b, base);
    lc::Project ps;
    lc::Scenario s;
    lc::Inputs batch_in, plain_in, cmp_in;
    try {
        s = lc::parse_scenario(patch, "/tmp", "fuzz scenario");
        ps = lc::parse_project(lc::apply_patches(doc, kProject, {s}), kProject);
        batch_in = scenario_inputs(raw, ps, s);
        plain_in = scenario_inputs(raw, ps, s);
        cmp_in = scenario_inputs(raw, ps, s);
    } catch (const lc::Error&) {
        return 0;  // a patch the batch refuses as run --scenario does
    }
    lc::GeometryTexts texts = cache.input_texts(batch_in);
    // A scenario the program refuses must be refused alike in a batch and run alone.
    auto refused = [](auto&& f) {
        try {
            f();
            return false;
        } catch (const lc::InputError&) {
            return true;
        }
    };
    lc::Analysed xs, xp, xc;
    const bool rs = refused([&] { xs = lc::analyse(engine, ps, batch_in, {}, cache.stages(true, &texts)); });
    const bool rp = refused([&] { xp = lc::analyse(engine, ps, plain_in, {}); });
    const bool rc = refused([&] { xc = lc::analyse(engine, ps, cmp_in, {}, cache.stages(false)); });
    if (rs != rp || rc != rp) differ("refused in one way of running and not another");
    if (rp) return 0;
    xs.texts = std::move(texts);
    xs.map_paths = cache.map_paths();

    if (xc.a.rules.size() != xp.a.rules.size()) differ("comparison-only rules");
    for (size_t k = 0; k < xp.a.rules.size(); ++k) {
        const auto &x = xc.a.rules[k], &y = xp.a.rules[k];
        if (x.value != y.value || x.pass != y.pass || x.details.dump() != y.details.dump())
            differ("comparison-only rule " + y.rule->id);
    }

    const fs::path tmp = fs::temp_directory_path() / ("lifecircle_fuzz_batch_diff_" + std::to_string(getpid()));
    fs::remove_all(tmp);
    fs::create_directories(tmp / "batch");
    fs::create_directories(tmp / "plain");
    lc::RunOptions ropt;
    lc::write_output_folder(engine, tmp / "batch", ps, batch_in, xs, ropt);
    lc::write_output_folder(engine, tmp / "plain", ps, plain_in, xp, ropt);
    auto got = folder(tmp / "batch"), want = folder(tmp / "plain");
    fs::remove_all(tmp);
    for (auto& [rel, bytes] : want) {
        auto it = got.find(rel);
        if (it == got.end()) differ(rel + " is missing");
        if (it->second != bytes) differ(rel);
    }
    if (got.size() != want.size()) differ("a file the plain run does not write");
    return 0;
}
