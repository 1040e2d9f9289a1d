#pragma once
// Errors that stop a run. Each carries the exit status of SPEC section 2; the message
// already names the file, layer, feature or JSON pointer and what to do.
#include <stdexcept>
#include <string>

namespace lc {

constexpr int kExitOk = 0, kExitUsage = 2, kExitInput = 3, kExitStrict = 4, kExitInternal = 1;

struct Error : std::runtime_error {
    int code;
    Error(int c, const std::string& m) : std::runtime_error(m), code(c) {}
};
/// Bad command line or project file (exit 2).
struct ConfigError : Error {
    explicit ConfigError(const std::string& m) : Error(kExitUsage, m) {}
};
/// An input cannot be read or lacks a required field (exit 3).
struct InputError : Error {
    explicit InputError(const std::string& m) : Error(kExitInput, m) {}
};
/// The output folder cannot be written (exit 3: it is an I/O problem, not a usage one).
struct OutputError : Error {
    explicit OutputError(const std::string& m) : Error(kExitInput, m) {}
};

}  // namespace lc
