#include "cli/commands.hpp"

namespace lc::cli {

void register_site(CLI::App&, Action&) {}

}  // namespace lc::cli
