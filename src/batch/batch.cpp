#include "batch/batch.hpp"

#include "batch/comparison.hpp"
#include "batch/scenario_cache.hpp"
#include "common/errors.hpp"
#include "common/engine.hpp"
#include "common/suggest.hpp"
#include "outputs/outputs.hpp"
#include "pipeline/pipeline.hpp"
#include "units/demographics.hpp"
#include "units/units.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace lc {

namespace fs = std::filesystem;

namespace {

struct Entry {
    std::string id;
    json patch;             ///< object, or a path string
    std::string pointer;    ///< /scenarios/i
};

struct BatchFile {
    fs::path file, base;
    std::vector<Entry> entries;
};

BatchFile read_batch_file(const fs::path& batch_file_in) {
    if (batch_file_in.empty()) throw ConfigError("the batch file path is empty");
    BatchFile b;
    b.file = fs::absolute(batch_file_in).lexically_normal();
    const std::string bf = b.file.u8string();
    json doc = read_json_file(b.file);
    if (!doc.is_object()) throw ConfigError(bf + ": a batch must be an object {\"base\": ..., \"scenarios\": [...]}");
    for (auto it = doc.begin(); it != doc.end(); ++it)
        if (it.key() != "base" && it.key() != "scenarios" && it.key() != "name" && it.key() != "description")
            throw ConfigError(bf + ": /" + it.key() + ": unknown key (allowed: base, scenarios, name, description)");
    if (!doc.contains("base") || !doc["base"].is_string())
        throw ConfigError(bf + ": /base: missing; name the project file (relative to the batch file)");
    if (!doc.contains("scenarios") || !doc["scenarios"].is_array())
        throw ConfigError(bf + ": /scenarios: missing; a list of {\"id\": ..., \"patch\": {...}}");
    b.base = (b.file.parent_path() / fs::u8path(doc["base"].get<std::string>())).lexically_normal();
    // "base" and the batch's own files: a scenario folder of that name would clash with them
    std::set<std::string> ids = {"base", "comparison.csv", "comparison.json", "comparison_streets.csv", "shard.json"};
    auto folded = [](std::string x) {
        std::transform(x.begin(), x.end(), x.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
        return x;
    };
    std::map<std::string, std::string> folded_ids;  // lower-case id -> the id as given
    for (auto& r : ids) folded_ids.emplace(r, r);
    auto folder_safe = [](const std::string& id) {
        if (id.empty() || id.size() > 100 || !std::isalnum(static_cast<unsigned char>(id[0]))) return false;
        return std::all_of(id.begin(), id.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
        });
    };
    for (size_t i = 0; i < doc["scenarios"].size(); ++i) {
        const json& s = doc["scenarios"][i];
        std::string ptr = "/scenarios/" + std::to_string(i);
        if (!s.is_object() || !s.contains("id") || !s["id"].is_string())
            throw ConfigError(bf + ": " + ptr + ": a scenario needs an \"id\" (a folder-safe name)");
        std::string id = s["id"].get<std::string>();
        if (!folder_safe(id))
            throw ConfigError(bf + ": " + ptr + "/id: \"" + id + "\" is not a folder-safe name (letters, digits, '_', '-', '.')");
        if (!ids.insert(id).second)
            throw ConfigError(bf + ": " + ptr + "/id: \"" + id + "\" is used twice or reserved (\"base\" is the base run; "
                              "comparison.csv, comparison.json, comparison_streets.csv and shard.json are the batch's own files)");
        // Folders "A" and "a" are one on Windows' and macOS's file systems, where the
        // batch's output is often copied: ids differing only in case are refused too.
        const auto [other, fresh] = folded_ids.emplace(folded(id), id);
        if (!fresh)
            throw ConfigError(bf + ": " + ptr + "/id: \"" + id + "\" differs from \"" + other->second +
                              "\" only in upper and lower case: their folders would be one on Windows and macOS");
        // Any other key is refused: a misspelt "patch" would otherwise run the scenario
        // as the base, and report "no change" for a change that was never made.
        for (auto it = s.begin(); it != s.end(); ++it)
            if (it.key() != "id" && it.key() != "patch" && it.key() != "description")
                throw ConfigError(bf + ": " + ptr + "/" + it.key() + ": unknown key" + did_you_mean(it.key(), {"patch", "id", "description"}) +
                                  " (a scenario has \"id\", \"patch\" and, optionally, \"description\")");
        json patch = s.contains("patch") ? s["patch"] : json::object();
        b.entries.push_back({id, patch, ptr});
    }
    return b;
}

bool same_layer(const LayerSpec& a, const LayerSpec& b) {
    return a.present == b.present && a.path == b.path && a.layer == b.layer && a.where == b.where && a.crs == b.crs &&
           a.encoding == b.encoding && a.fields == b.fields && a.attributes == b.attributes && a.type_map == b.type_map &&
           a.kind_map == b.kind_map && a.operator_map == b.operator_map && a.exclude == b.exclude;
}

/// Can a scenario start from the base's inputs (read once) and the cache of its results?
bool same_inputs(const Project& a, const Project& b) {
    if (a.working_crs != b.working_crs || a.access.mode != b.access.mode) return false;
    // Census tables and estimate settings change unit and compound figures.
    if (!(a.census == b.census) || a.persons_per_household != b.persons_per_household || a.estimate_compounds != b.estimate_compounds)
        return false;
    std::set<std::string> keys;
    for (auto& [k, _] : a.layers) keys.insert(k);
    for (auto& [k, _] : b.layers) keys.insert(k);
    for (auto& k : keys) {
        const LayerSpec* x = a.layer(k);
        const LayerSpec* y = b.layer(k);
        if (!x && !y) continue;
        if (!x || !y || !same_layer(*x, *y)) return false;
    }
    return true;
}

std::string slurp(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

/// --link-unchanged: each file of `dir` whose bytes equal the base's file of the same
/// name becomes a hard link to it (made beside it, then renamed over it: where the file
/// system refuses links, the copy stays).
void link_unchanged(const fs::path& dir, const fs::path& base) {
    for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) {
        if (!it->is_regular_file()) continue;
        const fs::path rel = fs::relative(it->path(), dir);
        const fs::path from = base / rel;
        std::error_code ec;
        if (!fs::is_regular_file(from, ec) || fs::file_size(from, ec) != it->file_size() || slurp(from) != slurp(it->path())) continue;
        fs::path tmp = it->path();
        tmp += ".link-tmp";
        if (::link(from.c_str(), tmp.c_str()) != 0) continue;
        fs::rename(tmp, it->path(), ec);
        if (ec) fs::remove(tmp, ec);
    }
}

/// The folder of a scenario that failed: only its error.
void write_error(const fs::path& dir, const std::string& error) {
    std::error_code ec;
    fs::remove_all(dir, ec);
    fs::create_directory(dir, ec);
    write_text(dir / "error.txt", error + "\n");
}

}  // namespace

BatchOutcome run_batch(Engine& engine, const fs::path& batch_file_in, const BatchOptions& opt) {
    const BatchFile batch = read_batch_file(batch_file_in);
    const std::string bf = batch.file.u8string();
    if (opt.format != "geojson" && opt.format != "gpkg") throw ConfigError("--format: expected geojson or gpkg");
    if (opt.outputs != "full" && opt.outputs != "comparison") throw ConfigError("--outputs: expected full or comparison");
    const bool sharded = opt.shards > 0;
    if (sharded && (opt.shard < 1 || opt.shard > opt.shards))
        throw ConfigError("--shard: expected K/N with 1 <= K <= N, got " + std::to_string(opt.shard) + "/" + std::to_string(opt.shards));
    if (opt.link_unchanged && opt.outputs != "full") throw ConfigError("--link-unchanged: only with --outputs full (nothing to link)");
    const bool full = opt.outputs == "full";
    std::vector<size_t> mine;  // indices into batch.entries this run computes
    for (size_t i = 0; i < batch.entries.size(); ++i)
        if (!sharded || i % static_cast<size_t>(opt.shards) == static_cast<size_t>(opt.shard - 1)) mine.push_back(i);
    auto say = [&](const std::string& s, double f) { if (opt.progress) opt.progress(s, f); };

    Project pb = load_project(batch.base);
    std::vector<fs::path> inputs = input_paths(pb);
    inputs.push_back(batch.file);
    for (auto& e : batch.entries)
        if (e.patch.is_string()) inputs.push_back(batch.file.parent_path() / fs::u8path(e.patch.get<std::string>()));
    OutputFolder folder(opt.out, "batch", inputs, opt.notice);
    say("read inputs", 0);
    Inputs raw = read_inputs(engine, pb);
    place_units_and_compounds(engine, raw);  // once for every scenario that keeps these inputs
    read_census_tables(pb, raw);             // likewise
    fs::path staging = folder.staging();
    BatchOutcome outcome;
    try {
        RunOptions ropt;
        ropt.format = opt.format;
        ropt.lang = opt.lang;
        // The base, analysed once on the inputs every scenario shares; its results go into
        // the cache and its output is written from them.
        StageFunctions plain = plain_stages();
        plain.layers = full;
        Inputs ib = clone_inputs(engine, raw, true);
        Analysed xb = analyse(engine, pb, ib, {}, plain);
        // GeoJSON layers are written whatever the format (gpkg/shp come beside them).
        const ScenarioCache cache(engine, pb, ib, xb, ScenarioCache::Formatted{full, full});
        const RunFigures base_figures = run_figures(ib, xb, nullptr);
        // A job writes and computes on its own engine `je`; what it makes is gone when
        // the job's task ends, before its engine.
        auto write_base = [&](Engine& je) {
            xb.texts = cache.base_texts(pb, ib, xb);
            xb.map_paths = cache.map_paths();
            fs::create_directory(staging / "base");
            write_output_folder(je, staging / "base", pb, ib, xb, ropt);
        };
        // The base's folder is written by the jobs beside the first scenarios, unless
        // scenario files are to be linked to it (then it must be complete first).
        const bool base_job = full && !opt.link_unchanged;
        if (full && !base_job) write_base(engine);

        std::vector<ScenarioComparison> rows(mine.size());
        std::atomic<size_t> next{0}, done{0};
        std::mutex say_mutex;
        auto run_one = [&](Engine& je, size_t j) {
            const Entry& e = batch.entries[mine[j]];
            fs::path dir = staging / e.id;
            try {
                Scenario s;
                if (e.patch.is_string()) {
                    fs::path pf = (batch.file.parent_path() / fs::u8path(e.patch.get<std::string>())).lexically_normal();
                    s = load_scenario(pf);
                } else {
                    s = parse_scenario(e.patch, batch.file.parent_path(), bf + ": " + e.pointer + "/patch");
                }
                s.id = e.id;
                Project ps = load_with_scenarios(batch.base, {s});
                const bool reuse = same_inputs(pb, ps);
                Inputs in = reuse ? clone_inputs(je, raw, true) : read_inputs(je, ps);
                place_units_and_compounds(je, in);
                FacilityChanges changes = apply_facility_changes(je, ps, {s}, in);
                GeometryTexts texts = reuse ? cache.input_texts(in) : GeometryTexts{};
                Analysed x = analyse(je, ps, in, {}, reuse ? cache.stages(full, &texts) : plain);
                check_additions_kept({s}, in, changes);
                if (full) {
                    if (reuse) {
                        x.texts = std::move(texts);
                        x.map_paths = cache.map_paths();
                    }
                    fs::create_directory(dir);
                    write_output_folder(je, dir, ps, in, x, ropt);
                    if (opt.link_unchanged) link_unchanged(dir, staging / "base");
                }
                rows[j] = compare_runs(e.id, run_figures(in, x, base_figures.compounds), base_figures);
                // Its figures are the base's: flagged rather than reported as "ok, change 0".
                if (!changes.all_rejected.empty()) rows[j].additions_rejected = changes.all_rejected.front();
            } catch (const Error& err) {
                rows[j] = ScenarioComparison{e.id, false, err.code, err.what(), {}};
                write_error(dir, rows[j].error);
            }
            std::lock_guard<std::mutex> lock(say_mutex);
            say("scenario " + e.id, static_cast<double>(++done) / mine.size());
        };
        const size_t tasks = mine.size() + (base_job ? 1 : 0);
        auto run_all = [&](Engine& je) {
            for (size_t k; (k = next.fetch_add(1)) < tasks;) {
                if (base_job && k == 0) write_base(je);
                else run_one(je, k - (base_job ? 1 : 0));
            }
        };
        int jobs = std::max(1, std::min<int>(opt.jobs, static_cast<int>(tasks)));
        if (jobs == 1) {
            run_all(engine);
        } else {
            // Each job its own engine (GEOS contexts), with its share of the threads.
            const int share = std::max(1, engine.threads() / jobs);
            std::vector<std::thread> ts;
            std::exception_ptr fatal;
            std::mutex fm;
            for (int j = 0; j < jobs; ++j)
                ts.emplace_back([&] {
                    try {
                        Engine je(share);
                        run_all(je);
                    } catch (...) {
                        std::lock_guard<std::mutex> lock(fm);
                        if (!fatal) fatal = std::current_exception();
                    }
                });
            for (auto& t : ts) t.join();
            if (fatal) std::rethrow_exception(fatal);
        }

        for (auto& row : rows) record_status(outcome, row);
        Comparison cmp{batch.base.u8string(), base_figures.rules, std::move(rows)};
        write_comparison(staging, cmp);
        if (sharded) {
            // What merge needs to rebuild the whole batch's tables: the exact figures,
            // and where this shard's scenarios stand in the batch.
            json shard = {{"lifecircle_shard", 1},          {"batch", bf},
                          {"shard", opt.shard},             {"of", opt.shards},
                          {"scenarios", batch.entries.size()}, {"indices", mine},
                          {"outputs", opt.outputs},         {"comparison", comparison_record(cmp)}};
            write_text(staging / "shard.json", shard.dump(1) + "\n");
        }
        folder.commit();
    } catch (...) {
        std::error_code ec;
        fs::remove_all(staging, ec);
        throw;
    }
    return outcome;
}

}  // namespace lc
