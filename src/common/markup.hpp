#pragma once
// Text helpers shared by the XML (QGIS), SVG and HTML writers: escaping that survives
// any input text, and number formatting that does not depend on the locale.
#include <string>
#include <string_view>

namespace lc {

/// Escapes text for XML/HTML content and attribute values. Control characters that
/// XML 1.0 forbids are dropped and invalid UTF-8 becomes U+FFFD, because a single bad
/// byte in a source name must not make QGIS or a browser reject the whole file.
std::string xml_escape(std::string_view s);

/// Valid UTF-8 (invalid bytes become U+FFFD), cut at a character boundary to at most
/// `max_bytes` bytes (fixed-width fields such as dBASE's).
std::string utf8_valid(std::string_view s, size_t max_bytes = std::string::npos);

/// Fixed decimals, "C" formatting, no "-0".
std::string fmt_fixed(double v, int decimals);
/// Like fmt_fixed, then trailing zeros (and a trailing point) removed.
std::string fmt_trim(double v, int decimals);
/// Integer part with thousands separators: 1234567.8 -> "1,234,568".
std::string fmt_thousands(double v);
/// A share 0..1 as a percentage with up to `decimals` decimals: 0.9935 -> "99.4%".
std::string fmt_percent(double share, int decimals = 1);

/// Picks the text of the report language ("zh" or "en").
inline const char* tr(const std::string& lang, const char* zh, const char* en) { return lang == "en" ? en : zh; }

}  // namespace lc
