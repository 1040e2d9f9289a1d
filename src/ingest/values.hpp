#pragma once
// Attribute values as the profiles read them: text, number and yes/no at once, and
// service grades with star ratings read as grades.
#include "common/model.hpp"

#include <string>

namespace lc {

/// An attribute as mapped in `attributes`: the trimmed text, and the number and yes/no
/// it reads as (1/0, true/false, 是/否, Y/N ...).
AttrValue attr_from_text(const std::string& text);

/// A service grade as profiles.md reads it: "三级", "3级", "三星", "三星级" and "3星" are
/// all "三级" (KM25 措施13 "三级(含三星)"); other text is kept as written (trimmed).
std::string canonical_grade(const std::string& text);

}  // namespace lc
