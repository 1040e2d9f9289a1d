#pragma once
// Scenario patches (SPEC 7): an RFC 7386 merge patch over the project file, plus
// facilities to add and to remove.
#include "project/project.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace lc {

struct FacilityAddition {
    std::string text_or_path;  ///< inline GeoJSON text, or an absolute path
    bool is_text = false;
    std::string origin;        ///< where it was given, for messages
};

struct Scenario {
    std::string id;
    json patch;                                   ///< merge patch without the special keys
    std::vector<FacilityAddition> add;
    std::vector<std::string> remove;
    std::filesystem::path base_dir;               ///< resolves relative paths in the patch
    std::string origin;                           ///< file or batch pointer, for messages
};

/// Parses a patch object; `origin` names where it came from (file or JSON pointer).
Scenario parse_scenario(const json& patch, const std::filesystem::path& base_dir, const std::string& origin);
Scenario load_scenario(const std::filesystem::path& file);

/// Applies the merge patches of the scenarios (in order) to a project document. Layer
/// paths given in a patch are made absolute against that patch's folder.
json apply_patches(const json& project_doc, const std::filesystem::path& project_file, const std::vector<Scenario>& scenarios);

}  // namespace lc
