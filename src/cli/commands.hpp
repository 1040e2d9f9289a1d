#pragma once
// Each subcommand registers its options on the app and sets `action` when chosen;
// main() only parses, runs the action and maps errors to exit codes.
#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace lc::cli {

using Action = std::function<int()>;

void register_run(CLI::App& app, Action& action);
void register_validate(CLI::App& app, Action& action);
void register_batch(CLI::App& app, Action& action);
void register_merge(CLI::App& app, Action& action);
void register_site(CLI::App& app, Action& action);

/// Threads for the command's Engine: LIFECIRCLE_THREADS when a positive count, else
/// the hardware threads (at least 1). Only the program reads the environment.
int thread_count();

/// Warnings on stderr: the first ten, then how many more and where they all are.
void print_warnings(const std::vector<std::string>& warnings, const std::string& where_all);

/// A one-line progress bar on stderr, only when stderr is a terminal and not quiet.
std::function<void(const std::string&, double)> terminal_progress(bool quiet);
/// Lines for the user on stderr, prefixed "lifecircle: " (shown even with --quiet: they
/// say why a command waits, or what it left).
std::function<void(const std::string&)> terminal_notice();

}  // namespace lc::cli
