// lifecircle merge: the shards of one batch (batch --shard K/N) joined into the output
// of the whole batch.
#include "batch/batch.hpp"
#include "batch/comparison.hpp"
#include "common/errors.hpp"
#include "outputs/output_folder.hpp"
#include "outputs/outputs.hpp"

#include <map>
#include <optional>

namespace lc {

namespace fs = std::filesystem;

namespace {

struct Shard {
    fs::path dir;
    json doc;
    Comparison cmp;
};

Shard read_shard(const fs::path& dir) {
    Shard s;
    s.dir = fs::absolute(dir).lexically_normal();
    fs::path file = s.dir / "shard.json";
    std::error_code ec;
    if (!fs::is_regular_file(file, ec))
        throw InputError(s.dir.u8string() + ": no shard.json here; merge joins folders written by `lifecircle batch --shard K/N`");
    s.doc = read_json_file(file);
    const std::string where = file.u8string();
    try {
        if (s.doc.at("lifecircle_shard").get<int>() != 1) throw InputError(where + ": written by another version of lifecircle");
        s.doc.at("batch").get<std::string>();
        s.doc.at("shard").get<int>();
        s.doc.at("of").get<int>();
        s.doc.at("scenarios").get<size_t>();
        s.doc.at("indices").get<std::vector<size_t>>();
        s.doc.at("outputs").get<std::string>();
    } catch (const json::exception& e) {
        throw InputError(where + ": not a shard record of lifecircle batch (" + e.what() + ")");
    }
    s.cmp = comparison_from_record(s.doc.at("comparison"), where);
    if (s.cmp.scenarios.size() != s.doc["indices"].size()) throw InputError(where + ": its scenarios and indices disagree");
    return s;
}

void copy_tree(const fs::path& from, const fs::path& to) {
    std::error_code ec;
    fs::copy(from, to, fs::copy_options::recursive, ec);
    if (ec) throw OutputError(to.u8string() + ": cannot copy " + from.u8string() + " here (" + ec.message() + ")");
}

}  // namespace

BatchOutcome merge_shards(const std::vector<fs::path>& dirs, const fs::path& out, const Notice& notice) {
    if (dirs.empty()) throw ConfigError("merge: name the folders of the shards (DIR...)");
    const fs::path out_abs = fs::absolute(out).lexically_normal();
    std::vector<Shard> shards;
    for (auto& d : dirs) {
        shards.push_back(read_shard(d));
        if (shards.back().dir == out_abs)
            throw ConfigError("--out: " + out.u8string() + " is one of the shards being merged; choose another folder");
    }
    // All shards of one batch, each once.
    const json& first = shards[0].doc;
    const int n = first["of"].get<int>();
    const size_t total = first["scenarios"].get<size_t>();
    std::map<int, const Shard*> by_number;
    for (auto& s : shards) {
        for (const char* k : {"batch", "of", "scenarios", "outputs"})
            if (s.doc[k] != first[k])
                throw InputError(s.dir.u8string() + ": a shard of another batch (its \"" + k + "\" is " + s.doc[k].dump() + ", " +
                                 shards[0].dir.u8string() + " says " + first[k].dump() + ")");
        if (s.cmp.base != shards[0].cmp.base) throw InputError(s.dir.u8string() + ": a shard of a batch over another base project");
        const int k = s.doc["shard"].get<int>();
        if (!by_number.emplace(k, &s).second)
            throw InputError(s.dir.u8string() + ": shard " + std::to_string(k) + "/" + std::to_string(n) + " is given twice (also " +
                             by_number[k]->dir.u8string() + ")");
    }
    for (int k = 1; k <= n; ++k)
        if (!by_number.count(k))
            throw InputError("merge: shard " + std::to_string(k) + "/" + std::to_string(n) + " is missing; give the folder of every shard");

    // Every scenario in its place in the batch.
    std::vector<std::optional<ScenarioComparison>> rows(total);
    std::vector<const Shard*> from(total, nullptr);
    for (auto& s : shards) {
        auto idx = s.doc["indices"].get<std::vector<size_t>>();
        for (size_t j = 0; j < idx.size(); ++j) {
            if (idx[j] >= total || rows[idx[j]])
                throw InputError(s.dir.u8string() + ": shard.json: scenario index " + std::to_string(idx[j]) + " out of place");
            rows[idx[j]] = s.cmp.scenarios[j];
            from[idx[j]] = &s;
        }
    }
    Comparison cmp{shards[0].cmp.base, shards[0].cmp.base_rules, {}};
    BatchOutcome outcome;
    for (size_t i = 0; i < total; ++i) {
        if (!rows[i]) throw InputError("merge: scenario " + std::to_string(i + 1) + " of " + std::to_string(total) + " is in no shard");
        record_status(outcome, *rows[i]);
        cmp.scenarios.push_back(std::move(*rows[i]));
    }

    std::vector<fs::path> inputs;
    for (auto& s : shards) inputs.push_back(s.dir);
    OutputFolder folder(out, "batch", inputs, notice);
    fs::path staging = folder.staging();  // removed by `folder` unless committed
    const bool full = first["outputs"] == "full";
    if (full) copy_tree(shards[0].dir / "base", staging / "base");
    for (size_t i = 0; i < total; ++i) {
        const ScenarioComparison& sc = cmp.scenarios[i];
        fs::path src = from[i]->dir / sc.id;
        std::error_code ec;
        if (full || (!sc.ok && fs::exists(src, ec))) copy_tree(src, staging / sc.id);
    }
    write_comparison(staging, cmp);
    folder.commit();
    return outcome;
}

}  // namespace lc
