// The lifecircle command line: parses arguments and calls the core library.
#include "cli/commands.hpp"
#include "common/errors.hpp"
#include "common/gdal_setup.hpp"
#include "project/validate.hpp"

#include <cpl_error.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <memory>
#include <string>
#include <cstdio>
#include <iostream>
#include <thread>

namespace lc::cli {

int thread_count() {
    if (const char* e = std::getenv("LIFECIRCLE_THREADS")) {
        int n = std::atoi(e);
        if (n > 0) return n;
    }
    unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : static_cast<int>(n);
}

std::function<void(const std::string&, double)> terminal_progress(bool quiet) {
    // LIFECIRCLE_PROGRESS=lines: one "progress PERCENT STAGE" line per change on stderr,
    // for a program that runs lifecircle and shows the progress itself (the QGIS plugin).
    const char* mode = std::getenv("LIFECIRCLE_PROGRESS");
    if (mode && std::string(mode) == "lines") {
        auto last = std::make_shared<std::string>();
        return [last](const std::string& stage, double f) {
            std::string line = "progress " + std::to_string(static_cast<int>(f * 100 + 0.5)) + " " + stage + "\n";
            if (line == *last) return;
            *last = line;
            std::fputs(line.c_str(), stderr);
            std::fflush(stderr);
        };
    }
    if (quiet || !isatty(STDERR_FILENO)) return {};
    return [](const std::string& stage, double f) {
        int w = 30, n = static_cast<int>(f * w + 0.5);
        std::fprintf(stderr, "\r%-22s [%s%s] %3d%%", stage.c_str(), std::string(n, '#').c_str(),
                     std::string(w - n, ' ').c_str(), static_cast<int>(f * 100 + 0.5));
        if (f >= 1) std::fprintf(stderr, "\n");
        std::fflush(stderr);
    };
}

std::function<void(const std::string&)> terminal_notice() {
    return [](const std::string& line) { std::cerr << "lifecircle: " << line << std::endl; };
}

}  // namespace lc::cli

int main(int argc, char** argv) {
    CLI::App app{"lifecircle — where elderly-care facilities fail the people around them.\n"
                 "Computes 15-minute walking reach, rolls coverage up per community, street and district,\n"
                 "checks it against Kunming/Yuxi plan targets and writes GeoJSON layers, a QGIS project and a report."};
    app.set_version_flag("--version", std::string("lifecircle ") + LIFECIRCLE_VERSION);
    app.require_subcommand(1);
    // Given before or after the subcommand (fallthrough): any command that reads a project.
    bool allow_network = false;
    app.add_flag("--allow-network-paths", allow_network,
                 "Let layer and add_facilities paths be URLs or GDAL network paths (/vsicurl/, http://...); "
                 "refused by default so that a shared project file cannot make lifecircle fetch them");
    app.fallthrough();
    lc::cli::Action action;
    lc::cli::register_run(app, action);
    lc::cli::register_validate(app, action);
    lc::cli::register_batch(app, action);
    lc::cli::register_merge(app, action);
    lc::cli::register_site(app, action);

    // Past a file-size limit (ulimit -f) a write should fail with EFBIG and be reported,
    // not kill the program halfway.
    std::signal(SIGXFSZ, SIG_IGN);
    // GDAL's own messages are quoted in ours where they matter; never raw on stderr.
    CPLSetErrorHandler(CPLQuietErrorHandler);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? 0 : lc::kExitUsage;
    }
    lc::set_allow_network_paths(allow_network);
    lc::init_gdal();
    try {
        return action ? action() : lc::kExitUsage;
    } catch (const lc::Error& e) {
        std::cerr << "lifecircle: error: " << e.what() << "\n";
        return e.code;
    } catch (const std::exception& e) {
        std::cerr << "lifecircle: internal error: " << e.what() << "\n(please report this with the project file)\n";
        return lc::kExitInternal;
    }
}
