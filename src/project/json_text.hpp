#pragma once
// Reading JSON text (project files, scenario patches, batch files) so that no text can
// crash or stall the program: nesting depth is bounded before anything recurses over
// the document, a number no double can hold is an error at its JSON pointer, and
// messages quote a bounded piece of what they complain about.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>

namespace lc {

/// Deepest nesting of arrays and objects accepted. A project, patch or GeoJSON
/// FeatureCollection needs about 10; dumping or destroying a value is recursive.
constexpr std::size_t kMaxJsonDepth = 64;

/// Parses `text` (a UTF-8 BOM already removed). Throws ConfigError naming `label` and,
/// where it applies, the byte offset or JSON pointer of the problem.
nlohmann::ordered_json parse_json_text(const std::string& text, const std::string& label);

/// A key as one token of a JSON pointer (RFC 6901: "~" is "~0", "/" is "~1").
std::string pointer_token(const std::string& key);

/// A value as messages quote it: its JSON text, cut to about `max` bytes (at a UTF-8
/// character boundary) with the length of the rest said.
std::string quote_json(const nlohmann::ordered_json& j, std::size_t max = 80);

}  // namespace lc
