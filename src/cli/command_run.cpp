#include "cli/commands.hpp"
#include "common/errors.hpp"
#include "pipeline/pipeline.hpp"

#include <iostream>
#include <memory>
#include <optional>

namespace lc::cli {

void print_warnings(const std::vector<std::string>& warnings, const std::string& where_all) {
    constexpr size_t kShown = 10;  // the loud ones come first (ingest, pipeline)
    for (size_t i = 0; i < warnings.size() && i < kShown; ++i) std::cerr << "lifecircle: warning: " << warnings[i] << "\n";
    if (warnings.size() > kShown)
        std::cerr << "lifecircle: ... and " << warnings.size() - kShown << " more warning(s) (all in " << where_all << ")\n";
}

void register_run(CLI::App& app, Action& action) {
    struct Opts {
        std::string project, out = "out", format = "geojson", lang = "zh", output_crs;
        std::vector<std::string> scenarios;
        bool strict = false, quiet = false;
        std::optional<int> as_of;
    };
    auto o = std::make_shared<Opts>();
    auto* run = app.add_subcommand("run", "Run the analysis of a project file and write the output folder");
    run->add_option("PROJECT", o->project, "Project file (JSON)")->required();
    run->add_option("--out", o->out, "Output folder (replaced as a whole, only while it holds nothing but a previous run's output: docs/outputs.md)")->capture_default_str();
    run->add_option("--scenario", o->scenarios, "Scenario patch file(s), applied in order");
    run->add_option("--format", o->format,
                    "Layers for desktop GIS beside the GeoJSON: geojson (none), gpkg (lifecircle.gpkg) or shp (Shapefiles, UTF-8)")
        ->check(CLI::IsMember({"geojson", "gpkg", "shp"}))
        ->capture_default_str();
    run->add_option("--output-crs", o->output_crs,
                    "CRS of the gpkg/shp layers, e.g. EPSG:4490 (CGCS2000) or EPSG:4543 (CGCS2000 3-degree Gauss-Kruger CM 102E, Kunming); GeoJSON stays EPSG:4326");
    run->add_option("--lang", o->lang, "Report language: zh or en")->check(CLI::IsMember({"zh", "en"}))->capture_default_str();
    run->add_option("--as-of", o->as_of, "Evaluate only the targets due by this year (the others are listed as not yet due)")
        ->check(CLI::Range(1000, 9999));
    run->add_flag("--strict", o->strict, "Exit with status 4 when any record is rejected");
    run->add_flag("--quiet", o->quiet, "No progress bar and no closing line");
    run->callback([o, &action] {
        action = [o] {
            RunOptions opt;
            opt.out = o->out;
            opt.format = o->format;
            opt.output_crs = o->output_crs;
            opt.strict = o->strict;
            opt.lang = o->lang;
            opt.as_of = o->as_of;
            for (auto& s : o->scenarios) opt.scenario_files.emplace_back(s);
            opt.progress = terminal_progress(o->quiet);
            opt.notice = terminal_notice();
            Engine engine(thread_count());
            auto res = run_project(engine, o->project, opt);
            print_warnings(res.warnings, "summary.json in " + o->out);
            for (auto& m : res.strict_messages) std::cerr << "lifecircle: rejected: " << m << "\n";
            if (res.exit_code == kExitStrict && o->strict)
                std::cerr << "lifecircle: --strict: " << res.rejected << " record(s) rejected (see rejected.csv in " << o->out << ")\n";
            else if (res.exit_code == kExitStrict)
                std::cerr << "lifecircle: a scenario's added facilities were all rejected; its output in " << o->out
                          << " shows the base unchanged (exit 4)\n";
            else if (!o->quiet)
                std::cerr << "lifecircle: wrote " << o->out << " (" << res.rejected << " record(s) rejected)\n";
            return res.exit_code;
        };
    });
}

void register_validate(CLI::App& app, Action& action) {
    struct Opts {
        std::string project;
        bool strict = false;
    };
    auto o = std::make_shared<Opts>();
    auto* v = app.add_subcommand("validate", "Read every input and report problems; writes nothing");
    v->add_option("PROJECT", o->project, "Project file (JSON)")->required();
    v->add_flag("--strict", o->strict, "Exit with status 4 when any record would be rejected");
    v->callback([o, &action] {
        action = [o] {
            Engine engine(thread_count());
            auto res = validate_project(engine, o->project, o->strict);
            std::cout << res.report << std::flush;
            for (auto& e : res.errors) std::cerr << "lifecircle: error: " << e << "\n";
            if (res.exit_code == kExitStrict) std::cerr << "lifecircle: --strict: some records would be rejected (listed above)\n";
            return res.exit_code;
        };
    });
}

}  // namespace lc::cli
