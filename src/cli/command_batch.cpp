#include "cli/commands.hpp"

namespace lc::cli {

void register_batch(CLI::App&, Action&) {}

}  // namespace lc::cli
