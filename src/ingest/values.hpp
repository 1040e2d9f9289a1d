#pragma once
// Reading cell values the way every input layer and census table does: text decoded to
// UTF-8, numbers as a planner reads them (with a note when text was reinterpreted or
// could not be read), attributes as text, number and yes/no at once.
#include "common/model.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lc {

/// Text that is not UTF-8 (a GBK file without .cpg or "encoding") is read as
/// `encoding`, by default GB18030, the superset of GBK, which is what such files are in
/// practice; anything still undecodable keeps its valid part. `recoded` is set when
/// the text was decoded.
std::string text_to_utf8(const std::string& s, const std::string& encoding, bool& recoded);

/// An optional number read from source text ("约3000户", "80万"): unknown markers and
/// unreadable text are null, never 0. Reinterpreted text is noted in `repairs` (layer,
/// id), unreadable text also counted in `unreadable["layer.canon"]`.
std::optional<double> number_from_text(const std::string& text, const std::string& layer, const std::string& canon,
                                       const std::string& id, std::vector<Repair>& repairs,
                                       std::map<std::string, long>& unreadable);

/// An attribute as mapped in `attributes`: the trimmed text, and the number and yes/no
/// it reads as (1/0, true/false, 是/否, Y/N ...).
AttrValue attr_from_text(const std::string& text);

/// A service grade as profiles.md reads it: "三级", "3级", "三星", "三星级" and "3星" are
/// all "三级" (KM25 措施13 "三级(含三星)"); other text is kept as written.
std::string canonical_grade(const std::string& text);

}  // namespace lc
