#include "batch/batch.hpp"
#include "units/units.hpp"

#include "common/errors.hpp"
#include "outputs/outputs.hpp"
#include "common/parallel.hpp"
#include "pipeline/pipeline.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <unordered_map>
#include <mutex>
#include <cctype>
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

/// The compounds of a run as the comparison reads them: ids, street ids, id order.
/// Scenarios that share the base's compounds share this list.
struct CompoundList {
    std::vector<std::string> id, street;
    std::vector<int> by_id;  ///< indices in id order
};

/// What a comparison needs of one finished run.
struct Result {
    bool ok = false;
    int exit_code = 0;
    std::string error;
    std::vector<std::tuple<std::string, std::optional<double>, std::optional<bool>, double>> rules;  // id, value, pass, target
    std::shared_ptr<const CompoundList> compounds;
    std::map<std::string, std::vector<char>> reached;   // reach rule -> per compound (as listed): reached
    std::string additions_rejected;                      // add_facilities given, none usable (exit 4): why
};

bool same_layer(const LayerSpec& a, const LayerSpec& b) {
    return a.present == b.present && a.path == b.path && a.layer == b.layer && a.where == b.where && a.crs == b.crs &&
           a.encoding == b.encoding && a.fields == b.fields && a.attributes == b.attributes && a.type_map == b.type_map &&
           a.kind_map == b.kind_map && a.operator_map == b.operator_map && a.exclude == b.exclude;
}

/// Can a scenario start from the base's inputs (read once) and its cached results?
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

/// `like`: the base's compound list, shared when this run has the same compounds.
Result summarise(const Inputs& in, const Analysed& x, const std::shared_ptr<const CompoundList>& like) {
    Result r;
    r.ok = true;
    for (auto& rr : x.a.rules) r.rules.emplace_back(rr.rule->id, rr.value, rr.pass, rr.target);
    auto list = std::make_shared<CompoundList>();
    list->id.reserve(in.compounds.size());
    list->street.reserve(in.compounds.size());
    for (auto& c : in.compounds) {
        list->id.push_back(c.id);
        list->street.push_back(c.unit[kStreet] == kNone ? std::string() : in.units[kStreet][c.unit[kStreet]].id);
    }
    if (like && like->id == list->id && like->street == list->street) {
        r.compounds = like;
    } else {
        list->by_id.resize(list->id.size());
        for (size_t i = 0; i < list->by_id.size(); ++i) list->by_id[i] = static_cast<int>(i);
        std::sort(list->by_id.begin(), list->by_id.end(), [&](int a, int b) { return list->id[a] < list->id[b]; });
        r.compounds = std::move(list);
    }
    for (auto& rr : x.a.rules) {
        if (rr.rule->check != Check::ReachShare) continue;
        std::vector<size_t> ts;
        for (size_t t = 0; t < x.r.types.size(); ++t)
            if (std::find(rr.rule->types.begin(), rr.rule->types.end(), x.r.types[t]) != rr.rule->types.end()) ts.push_back(t);
        auto& m = r.reached[rr.rule->id];
        m.assign(in.compounds.size(), 0);
        for (size_t c = 0; c < in.compounds.size(); ++c)
            for (size_t t : ts) m[c] |= x.r.reached[t][c] != 0;
    }
    return r;
}

std::string csv_escape(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

std::string num(const std::optional<double>& v) {
    if (!v) return "";
    char b[40];
    std::snprintf(b, sizeof b, "%.9g", *v);
    return b;
}

json jnum(const std::optional<double>& v) {
    if (!v) return nullptr;
    return std::round(*v * 1e9) / 1e9;
}

}  // namespace

BatchOutcome run_batch(const fs::path& batch_file_in, const BatchOptions& opt) {
    if (batch_file_in.empty()) throw ConfigError("the batch file path is empty");
    fs::path batch_file = fs::absolute(batch_file_in).lexically_normal();
    std::string bf = batch_file.u8string();
    json doc = read_json_file(batch_file);
    if (!doc.is_object()) throw ConfigError(bf + ": a batch must be an object {\"base\": ..., \"scenarios\": [...]}");
    for (auto it = doc.begin(); it != doc.end(); ++it)
        if (it.key() != "base" && it.key() != "scenarios" && it.key() != "name" && it.key() != "description")
            throw ConfigError(bf + ": /" + it.key() + ": unknown key (allowed: base, scenarios, name, description)");
    if (!doc.contains("base") || !doc["base"].is_string())
        throw ConfigError(bf + ": /base: missing; name the project file (relative to the batch file)");
    if (!doc.contains("scenarios") || !doc["scenarios"].is_array())
        throw ConfigError(bf + ": /scenarios: missing; a list of {\"id\": ..., \"patch\": {...}}");
    fs::path base_file = (batch_file.parent_path() / fs::u8path(doc["base"].get<std::string>())).lexically_normal();
    std::vector<Entry> entries;
    // "base" and the batch's own files: a scenario folder of that name would clash with them
    std::set<std::string> ids = {"base", "comparison.csv", "comparison.json", "comparison_streets.csv"};
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
                              "comparison.csv, comparison.json and comparison_streets.csv are the batch's own files)");
        json patch = s.contains("patch") ? s["patch"] : json::object();
        entries.push_back({id, patch, ptr});
    }
    if (opt.format != "geojson" && opt.format != "gpkg") throw ConfigError("--format: expected geojson or gpkg");
    auto say = [&](const std::string& s, double f) { if (opt.progress) opt.progress(s, f); };

    // The base: read once, analysed once; its results fill the cache the scenarios reuse.
    Project pb = load_project(base_file);
    std::vector<fs::path> inputs = input_paths(pb);
    inputs.push_back(batch_file);
    for (auto& e : entries)
        if (e.patch.is_string()) inputs.push_back(batch_file.parent_path() / fs::u8path(e.patch.get<std::string>()));
    OutputFolder folder(opt.out, "batch", inputs, opt.notice);
    say("read inputs", 0);
    Inputs raw = read_inputs(pb);
    place_units_and_compounds(raw);  // once for every scenario that keeps these inputs
    fs::path staging = folder.staging();
    BatchOutcome outcome;
    std::vector<Result> results(entries.size());
    Result base_result;
    try {
        RunOptions ropt;
        ropt.format = opt.format;
        ropt.lang = opt.lang;
        std::shared_ptr<net::Graph> graph;  // network mode: the road graph, built once
        {
            Inputs ib = clone_inputs(raw);
            Analysed xb = analyse(pb, ib, {});
            graph = xb.r.graph;
            fs::create_directory(staging / "base");
            write_output_folder(staging / "base", pb, ib, xb, ropt);
            base_result = summarise(ib, xb, nullptr);
        }
        std::atomic<size_t> next{0}, done{0};
        std::mutex say_mutex;
        auto fail = [&](size_t i, const Error& err) {
            Result& res = results[i];
            res = Result{};
            res.exit_code = err.code;
            res.error = err.what();
            fs::path dir = staging / entries[i].id;
            std::error_code ec;
            fs::remove_all(dir, ec);
            fs::create_directory(dir, ec);
            write_text(dir / "error.txt", res.error + "\n");
        };
        auto run_one = [&](size_t i) {
            const Entry& e = entries[i];
            Result& res = results[i];
            fs::path dir = staging / e.id;
            fs::create_directory(dir);
            try {
                Scenario s;
                if (e.patch.is_string()) {
                    fs::path pf = (batch_file.parent_path() / fs::u8path(e.patch.get<std::string>())).lexically_normal();
                    s = load_scenario(pf);
                } else {
                    s = parse_scenario(e.patch, batch_file.parent_path(), bf + ": " + e.pointer + "/patch");
                }
                s.id = e.id;
                Project ps = load_with_scenarios(base_file, {s});
                bool reuse = same_inputs(pb, ps);
                Inputs in = reuse ? clone_inputs(raw, true) : read_inputs(ps);
                place_units_and_compounds(in);
                auto additions_rejected = apply_facility_changes(ps, {s}, in);
                Analysed x = analyse(ps, in, {}, reuse ? graph : nullptr);
                write_output_folder(dir, ps, in, x, ropt);
                res = summarise(in, x, base_result.compounds);
                if (!additions_rejected.empty()) res.additions_rejected = additions_rejected.front();
            } catch (const Error& err) {
                fail(i, err);
            }
            std::lock_guard<std::mutex> lock(say_mutex);
            say("scenario " + e.id, static_cast<double>(++done) / entries.size());
        };
        int jobs = std::max(1, std::min<int>(opt.jobs, static_cast<int>(entries.size())));
        auto run_all = [&] {
            for (size_t i; (i = next.fetch_add(1)) < entries.size();) run_one(i);
        };
        if (jobs == 1) {
            run_all();
        } else {
            std::vector<std::thread> ts;
            std::exception_ptr fatal;
            std::mutex fm;
            for (int j = 0; j < jobs; ++j)
                ts.emplace_back([&, j] {
                    // Each job its own GEOS contexts; the cores go to the jobs, not inside them.
                    set_job_slot(j + 1);
                    set_worker_limit(1);
                    try {
                        run_all();
                    } catch (...) {
                        std::lock_guard<std::mutex> lock(fm);
                        if (!fatal) fatal = std::current_exception();
                    }
                });
            for (auto& t : ts) t.join();
            if (fatal) std::rethrow_exception(fatal);
        }

        // comparison.json / comparison.csv / comparison_streets.csv
        json cmp = json::object();
        cmp["base"] = base_file.u8string();
        json jb = json::array();
        for (auto& [id, v, pass, target] : base_result.rules)
            jb.push_back({{"id", id}, {"value", jnum(v)}, {"target", target}, {"pass", pass ? json(*pass) : json(nullptr)}});
        cmp["base_rules"] = jb;
        json js = json::array();
        std::string csv = "\xEF\xBB\xBFscenario,status,rule_id,value,target,pass,base_value,change,newly_reached,no_longer_reached\n";
        std::string scsv = "\xEF\xBB\xBFscenario,rule_id,street_id,newly_reached,no_longer_reached,newly_reached_ids,no_longer_reached_ids\n";
        for (auto& [id, v, pass, target] : base_result.rules)
            csv += "base,ok," + csv_escape(id) + "," + num(v) + "," + num(target) + "," + (pass ? (*pass ? "true" : "false") : "") +
                   "," + num(v) + "," + (v ? "0" : "") + ",,\n";
        for (size_t i = 0; i < entries.size(); ++i) {
            const Result& r = results[i];
            json s = {{"id", entries[i].id}, {"status", r.ok ? "ok" : "failed"}};
            ScenarioStatus st{entries[i].id, r.ok, r.exit_code, r.error};
            outcome.scenarios.push_back(st);
            if (!r.ok) {
                s["error"] = r.error;
                s["exit_code"] = r.exit_code;
                js.push_back(s);
                csv += csv_escape(entries[i].id) + ",failed,,,,,,,,\n";
                if (outcome.exit_code == 0) outcome.exit_code = r.exit_code;
                continue;
            }
            // Its figures are the base's: flag it rather than report "ok, change 0".
            const std::string status = r.additions_rejected.empty() ? "ok" : "additions_rejected";
            if (!r.additions_rejected.empty()) {
                s["status"] = status;
                s["error"] = r.additions_rejected;
                outcome.scenarios.back().error = r.additions_rejected;
                if (outcome.exit_code == 0) outcome.exit_code = kExitStrict;
            }
            json rules = json::array();
            for (auto& [rid, v, pass, target] : r.rules) {
                std::optional<double> bv;
                for (auto& [bid, bval, bp, bt] : base_result.rules)
                    if (bid == rid) bv = bval;
                std::optional<double> change;
                if (v && bv) change = *v - *bv;
                json jr = {{"id", rid}, {"value", jnum(v)}, {"target", target}, {"pass", pass ? json(*pass) : json(nullptr)},
                           {"base_value", jnum(bv)}, {"change", jnum(change)}};
                long up = 0, down = 0;
                auto rit = r.reached.find(rid);
                auto bit = base_result.reached.find(rid);
                if (rit != r.reached.end() && bit != base_result.reached.end()) {
                    // per street: compounds that become reached / stop being reached
                    const CompoundList& L = *r.compounds;
                    const CompoundList& B = *base_result.compounds;
                    bool same = r.compounds == base_result.compounds;
                    std::unordered_map<std::string, int> base_index;
                    if (!same)
                        for (size_t c = 0; c < B.id.size(); ++c) base_index.emplace(B.id[c], static_cast<int>(c));
                    std::map<std::string, std::pair<std::vector<std::string>, std::vector<std::string>>> per_street;
                    const std::vector<int>& order = L.by_id;
                    for (int c : order) {
                        bool now = rit->second[c] != 0;
                        bool before = false;
                        if (same) {
                            before = bit->second[c] != 0;
                        } else {
                            auto b = base_index.find(L.id[c]);
                            before = b != base_index.end() && bit->second[b->second] != 0;
                        }
                        if (now == before) continue;
                        auto& ps = per_street[L.street[c]];
                        (now ? ps.first : ps.second).push_back(L.id[c]);
                        (now ? up : down)++;
                    }
                    json streets = json::object();
                    for (auto& [sid, lists] : per_street) {
                        streets[sid.empty() ? "(none)" : sid] = {{"newly_reached", lists.first}, {"no_longer_reached", lists.second}};
                        auto join = [](const std::vector<std::string>& v) {
                            std::string o;
                            for (auto& x : v) o += (o.empty() ? "" : " ") + x;
                            return o;
                        };
                        scsv += csv_escape(entries[i].id) + "," + csv_escape(rid) + "," + csv_escape(sid) + "," +
                                std::to_string(lists.first.size()) + "," + std::to_string(lists.second.size()) + "," +
                                csv_escape(join(lists.first)) + "," + csv_escape(join(lists.second)) + "\n";
                    }
                    jr["newly_reached"] = up;
                    jr["no_longer_reached"] = down;
                    jr["streets"] = streets;
                }
                rules.push_back(jr);
                csv += csv_escape(entries[i].id) + "," + status + "," + csv_escape(rid) + "," + num(v) + "," + num(target) + "," +
                       (pass ? (*pass ? "true" : "false") : "") + "," + num(bv) + "," + num(change) + "," +
                       (rit != r.reached.end() ? std::to_string(up) : "") + "," +
                       (rit != r.reached.end() ? std::to_string(down) : "") + "\n";
            }
            s["rules"] = rules;
            js.push_back(s);
        }
        cmp["scenarios"] = js;
        write_text(staging / "comparison.json", cmp.dump(1) + "\n");
        write_text(staging / "comparison.csv", csv);
        write_text(staging / "comparison_streets.csv", scsv);
        folder.commit();
    } catch (...) {
        std::error_code ec;
        fs::remove_all(staging, ec);
        throw;
    }
    return outcome;
}

}  // namespace lc
