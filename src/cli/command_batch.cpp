#include "cli/commands.hpp"
#include "batch/batch.hpp"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

namespace lc::cli {

namespace {

/// Failed scenarios on stderr (always), and a closing line unless quiet. `folders`:
/// the scenarios' folders were written (--outputs full), whose rejected.csv the message
/// of a scenario whose additions were all rejected points to; otherwise the way to them
/// is said (on stderr only: the comparison tables are the same bytes either way).
int report(const BatchOutcome& res, const std::string& out, bool quiet, const char* what, bool folders = true) {
    for (auto& s : res.scenarios)
        if (!s.ok) std::cerr << "lifecircle: scenario " << s.id << " failed: " << s.error << "\n";
        else if (!s.error.empty())
            std::cerr << "lifecircle: scenario " << s.id << ": " << s.error
                      << (folders ? "" : " (--outputs comparison writes no rejected.csv: run it with --outputs full, or "
                                         "lifecircle run --scenario, to see each reason)")
                      << "\n";
    if (!quiet) {
        size_t ok = 0;
        for (auto& s : res.scenarios) ok += s.ok;
        std::cerr << "lifecircle: " << what << ": " << ok << " of " << res.scenarios.size() << " scenario(s) ran; wrote " << out << "\n";
    }
    return res.exit_code;
}

}  // namespace

void register_batch(CLI::App& app, Action& action) {
    struct Opts {
        std::string batch, out = "out-batch", format = "geojson", lang = "zh", outputs = "full", shard;
        int jobs = 1;
        bool quiet = false, link = false;
    };
    auto o = std::make_shared<Opts>();
    auto* b = app.add_subcommand("batch", "Run the scenarios of a batch file and compare them with the base");
    b->add_option("BATCH", o->batch, "Batch file: {\"base\": \"project.json\", \"scenarios\": [{\"id\": ..., \"patch\": {...}}]}")
        ->required();
    b->add_option("--out", o->out, "Output folder: one sub-folder per scenario, plus comparison.csv/json (its own default, apart from run's out/)")->capture_default_str();
    b->add_option("--jobs", o->jobs, "Scenarios run side by side")->check(CLI::Range(1, 64))->capture_default_str();
    b->add_option("--format", o->format, "Vector format: geojson or gpkg")->check(CLI::IsMember({"geojson", "gpkg"}))->capture_default_str();
    b->add_option("--lang", o->lang, "Report language: zh or en")->check(CLI::IsMember({"zh", "en"}))->capture_default_str();
    b->add_option("--outputs", o->outputs,
                  "full: every scenario's output folder; comparison: only comparison.csv/json (and error.txt of failed "
                  "scenarios), for sweeps of many scenarios")
        ->check(CLI::IsMember({"full", "comparison"}))
        ->capture_default_str();
    b->add_option("--shard", o->shard, "K/N: run only scenarios K, K+N, K+2N... (1-based); join the shards with `lifecircle merge`")
        ->check([](const std::string& v) {
            int k = 0, n = 0;
            char rest = 0;
            if (std::sscanf(v.c_str(), "%d/%d%c", &k, &n, &rest) != 2 || n < 1 || k < 1 || k > n)
                return std::string("expected K/N with 1 <= K <= N, e.g. 3/8");
            return std::string();
        });
    b->add_flag("--link-unchanged", o->link,
                "Make scenario files whose bytes equal the base's hard links to them (saves disk; editing one then "
                "changes all)");
    b->add_flag("--quiet", o->quiet, "No progress and no closing lines");
    b->callback([o, &action] {
        action = [o] {
            BatchOptions opt;
            opt.out = o->out;
            opt.jobs = o->jobs;
            opt.format = o->format;
            opt.lang = o->lang;
            opt.outputs = o->outputs;
            opt.link_unchanged = o->link;
            if (!o->shard.empty()) std::sscanf(o->shard.c_str(), "%d/%d", &opt.shard, &opt.shards);
            opt.progress = terminal_progress(o->quiet);
            opt.notice = terminal_notice();
            Engine engine(thread_count());
            return report(run_batch(engine, o->batch, opt), o->out, o->quiet, "batch", o->outputs == "full");
        };
    });
}

void register_merge(CLI::App& app, Action& action) {
    struct Opts {
        std::vector<std::string> dirs;
        std::string out;
        bool quiet = false;
    };
    auto o = std::make_shared<Opts>();
    auto* m = app.add_subcommand("merge", "Join the output folders of the shards of one batch (batch --shard K/N)");
    m->add_option("DIR", o->dirs, "The shards' output folders, every shard once (any order)")->required();
    m->add_option("--out", o->out, "Output folder of the whole batch")->required();
    m->add_flag("--quiet", o->quiet, "No closing lines");
    m->callback([o, &action] {
        action = [o] {
            std::vector<std::filesystem::path> dirs(o->dirs.begin(), o->dirs.end());
            return report(merge_shards(dirs, o->out, terminal_notice()), o->out, o->quiet, "merge");
        };
    });
}

}  // namespace lc::cli
