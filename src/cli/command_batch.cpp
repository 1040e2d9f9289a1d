#include "cli/commands.hpp"
#include "batch/batch.hpp"

#include <iostream>
#include <memory>

namespace lc::cli {

void register_batch(CLI::App& app, Action& action) {
    struct Opts {
        std::string batch, out = "out-batch", format = "geojson", lang = "zh";
        int jobs = 1;
        bool quiet = false;
    };
    auto o = std::make_shared<Opts>();
    auto* b = app.add_subcommand("batch", "Run the scenarios of a batch file and compare them with the base");
    b->add_option("BATCH", o->batch, "Batch file: {\"base\": \"project.json\", \"scenarios\": [{\"id\": ..., \"patch\": {...}}]}")
        ->required();
    b->add_option("--out", o->out, "Output folder: one sub-folder per scenario, plus comparison.csv/json (its own default, apart from run's out/)")->capture_default_str();
    b->add_option("--jobs", o->jobs, "Scenarios run side by side")->check(CLI::Range(1, 64))->capture_default_str();
    b->add_option("--format", o->format, "Vector format: geojson or gpkg")->check(CLI::IsMember({"geojson", "gpkg"}))->capture_default_str();
    b->add_option("--lang", o->lang, "Report language: zh or en")->check(CLI::IsMember({"zh", "en"}))->capture_default_str();
    b->add_flag("--quiet", o->quiet, "No progress and no closing lines");
    b->callback([o, &action] {
        action = [o] {
            BatchOptions opt;
            opt.out = o->out;
            opt.jobs = o->jobs;
            opt.format = o->format;
            opt.lang = o->lang;
            opt.progress = terminal_progress(o->quiet);
            opt.notice = terminal_notice();
            auto res = run_batch(o->batch, opt);
            for (auto& s : res.scenarios)
                if (!s.ok) std::cerr << "lifecircle: scenario " << s.id << " failed: " << s.error << "\n";
                else if (!s.error.empty()) std::cerr << "lifecircle: scenario " << s.id << ": " << s.error << "\n";
            if (!o->quiet) {
                size_t ok = 0;
                for (auto& s : res.scenarios) ok += s.ok;
                std::cerr << "lifecircle: batch: " << ok << " of " << res.scenarios.size() << " scenario(s) ran; wrote " << o->out
                          << "\n";
            }
            return res.exit_code;
        };
    });
}

}  // namespace lc::cli
