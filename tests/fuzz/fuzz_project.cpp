// libFuzzer target: the project file parser. Any JSON document must either give a
// Project or a ConfigError (exit 2) naming the JSON pointer; anything else (a library
// exception, a sanitizer report) is a bug, because the CLI would report it as an
// internal error (SPEC 8: no input ever crashes the program).
#include "common/errors.hpp"
#include "project/json_text.hpp"
#include "project/project.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // read_json_file strips a BOM before parsing; do the same so BOM seeds go deep.
    if (size >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF) data += 3, size -= 3;
    try {
        // As read_json_file reads a file: nesting depth and numbers checked first.
        lc::json doc = lc::parse_json_text(std::string(reinterpret_cast<const char*>(data), size), "fuzz.json");
        lc::Project p = lc::parse_project(doc, "/nonexistent/fuzz/project.json");
        // summary.json is written from this; it must be serialisable.
        (void)lc::resolved_config(p).dump();
        for (auto& r : p.rules) (void)r.raw.dump();
        for (auto& [k, l] : p.layers) (void)l.path.u8string();
    } catch (const lc::Error&) {
    }
    return 0;
}
