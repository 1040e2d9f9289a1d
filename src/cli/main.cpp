// The lifecircle command line: parses arguments and calls the core library.
#include "core/errors.hpp"
#include "core/pipeline.hpp"

#include <CLI/CLI.hpp>
#include <cpl_error.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace {

/// A one-line progress bar on stderr, only when stderr is a terminal.
lc::Progress terminal_progress(bool quiet) {
    if (quiet || !isatty(STDERR_FILENO)) return {};
    return [](const std::string& stage, double f) {
        int w = 30, n = static_cast<int>(f * w + 0.5);
        std::fprintf(stderr, "\r%-22s [%s%s] %3d%%", stage.c_str(), std::string(n, '#').c_str(), std::string(w - n, ' ').c_str(),
                     static_cast<int>(f * 100 + 0.5));
        if (f >= 1) std::fprintf(stderr, "\n");
        std::fflush(stderr);
    };
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"lifecircle — where elderly-care facilities fail the people around them.\n"
                 "Computes 15-minute walking reach, rolls coverage up per community, street and district,\n"
                 "checks it against Kunming/Yuxi plan targets and writes GeoJSON layers and tables."};
    app.set_version_flag("--version", std::string("lifecircle ") + LIFECIRCLE_VERSION);
    app.require_subcommand(1);

    std::string project, out = "out", format = "geojson", lang = "zh";
    std::vector<std::string> scenarios;
    bool strict = false, quiet = false;
    auto* run = app.add_subcommand("run", "Run the analysis of a project file and write the output folder");
    run->add_option("PROJECT", project, "Project file (JSON)")->required();
    run->add_option("--out", out, "Output folder (replaced atomically)")->capture_default_str();
    run->add_option("--scenario", scenarios, "Scenario patch file(s), applied in order");
    run->add_option("--format", format, "Vector format: geojson or gpkg")->check(CLI::IsMember({"geojson", "gpkg"}))->capture_default_str();
    run->add_option("--lang", lang, "Report language: zh or en")->check(CLI::IsMember({"zh", "en"}))->capture_default_str();
    run->add_flag("--strict", strict, "Exit with status 4 when any record is rejected");
    run->add_flag("--quiet", quiet, "No progress bar");

    std::string vproject;
    bool vstrict = false;
    auto* validate = app.add_subcommand("validate", "Read every input and report problems; writes nothing");
    validate->add_option("PROJECT", vproject, "Project file (JSON)")->required();
    validate->add_flag("--strict", vstrict, "Exit with status 4 when any record would be rejected");

    // GDAL's own messages are quoted in ours where they matter; never raw on stderr.
    CPLSetErrorHandler(CPLQuietErrorHandler);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? 0 : lc::kExitUsage;
    }

    try {
        if (*run) {
            lc::RunOptions opt;
            opt.out = out;
            opt.format = format;
            opt.strict = strict;
            opt.lang = lang;
            for (auto& s : scenarios) opt.scenario_files.emplace_back(s);
            opt.progress = terminal_progress(quiet);
            auto res = lc::run_project(project, opt);
            for (auto& m : res.strict_messages) std::cerr << "lifecircle: rejected: " << m << "\n";
            if (res.exit_code == lc::kExitStrict)
                std::cerr << "lifecircle: --strict: " << res.rejected << " record(s) rejected (see rejected.csv in " << out << ")\n";
            else if (!quiet)
                std::cerr << "lifecircle: wrote " << out << " (" << res.rejected << " record(s) rejected)\n";
            return res.exit_code;
        }
        if (*validate) {
            auto v = lc::validate_project(vproject, vstrict);
            std::cout << v.report;
            if (v.exit_code == lc::kExitStrict)
                std::cerr << "lifecircle: --strict: some records would be rejected (listed above)\n";
            return v.exit_code;
        }
    } catch (const lc::Error& e) {
        std::cerr << "lifecircle: error: " << e.what() << "\n";
        return e.code;
    } catch (const std::exception& e) {
        std::cerr << "lifecircle: internal error: " << e.what() << "\n(please report this with the project file)\n";
        return lc::kExitInternal;
    }
    return 0;
}
