#include "project/scenario.hpp"

#include "common/errors.hpp"
#include "project/validate.hpp"

#include <algorithm>

namespace lc {

namespace fs = std::filesystem;

Scenario parse_scenario(const json& patch, const fs::path& base_dir, const std::string& origin) {
    if (!patch.is_object()) throw ConfigError(origin + ": a scenario patch must be a JSON object");
    Scenario s;
    s.base_dir = base_dir;
    s.origin = origin;
    s.patch = patch;
    if (patch.contains("add_facilities")) {
        const json& a = patch["add_facilities"];
        FacilityAddition fa;
        fa.origin = origin + ": /add_facilities";
        if (a.is_string()) {
            if (std::string why = network_path_kind(a.get<std::string>()); !why.empty() && !allow_network_paths())
                throw ConfigError(fa.origin + ": \"" + a.get<std::string>() + "\" is " + why +
                                  "; lifecircle reads local files only (download it, or run with --allow-network-paths)");
            fs::path pth = fs::u8path(a.get<std::string>());
            fa.text_or_path = (pth.is_absolute() ? pth : (base_dir / pth).lexically_normal()).u8string();
            // error_code form: a name too long for the file system must be a ConfigError too
            std::error_code ec;
            if (a.get<std::string>().empty() || !fs::exists(fs::u8path(fa.text_or_path), ec))
                throw ConfigError(fa.origin + ": file not found: " + fa.text_or_path + " (paths are relative to the scenario's file)");
        } else if (a.is_object() && a.contains("type") && a["type"] == "FeatureCollection") {
            fa.text_or_path = a.dump();
            fa.is_text = true;
        } else {
            throw ConfigError(fa.origin + ": expected a GeoJSON FeatureCollection or the path of one");
        }
        s.add.push_back(fa);
        s.patch.erase("add_facilities");
    }
    if (patch.contains("remove_facilities")) {
        const json& r = patch["remove_facilities"];
        if (!r.is_array()) throw ConfigError(origin + ": /remove_facilities: expected a list of facility ids");
        for (size_t i = 0; i < r.size(); ++i) {
            std::string ptr = origin + ": /remove_facilities/" + std::to_string(i);
            std::string id;
            if (r[i].is_string()) id = r[i].get<std::string>();
            else if (r[i].is_number_integer()) id = std::to_string(r[i].get<long long>());
            else throw ConfigError(ptr + ": expected a facility id");
            // A repeated id is a slip (the second removal would find nothing): name both.
            auto first = std::find(s.remove.begin(), s.remove.end(), id);
            if (first != s.remove.end())
                throw ConfigError(ptr + ": \"" + id + "\" is already listed at /remove_facilities/" +
                                  std::to_string(first - s.remove.begin()) + "; list each facility once");
            s.remove.push_back(id);
        }
        s.patch.erase("remove_facilities");
    }
    return s;
}

Scenario load_scenario(const fs::path& file) {
    // fs::absolute throws filesystem_error on "" (exit 1 "internal error" in the CLI)
    if (file.empty()) throw ConfigError("a scenario file path is empty (name the scenario patch JSON file)");
    fs::path abs = fs::absolute(file).lexically_normal();
    Scenario s = parse_scenario(read_json_file(abs), abs.parent_path(), abs.u8string());
    s.id = abs.stem().u8string();
    return s;
}

json apply_patches(const json& project_doc, const fs::path& project_file, const std::vector<Scenario>& scenarios) {
    json doc = project_doc;
    fs::path pdir = fs::absolute(project_file).parent_path();
    // Make the project's own layer paths absolute first, so a patch in another folder
    // does not change what they point to.
    if (doc.contains("layers") && doc["layers"].is_object())
        for (auto& [k, v] : doc["layers"].items())
            if (v.is_object() && v.contains("path") && v["path"].is_string()) {
                fs::path pth = fs::u8path(v["path"].get<std::string>());
                if (!pth.is_absolute() && v["path"].get<std::string>().rfind("/vsi", 0) != 0 &&
                    network_path_kind(v["path"].get<std::string>()).empty())
                    v["path"] = (pdir / pth).lexically_normal().u8string();
            }
    for (auto& s : scenarios) {
        json patch = s.patch;
        if (patch.contains("layers") && patch["layers"].is_object())
            for (auto& [k, v] : patch["layers"].items())
                if (v.is_object() && v.contains("path") && v["path"].is_string()) {
                    fs::path pth = fs::u8path(v["path"].get<std::string>());
                    if (!pth.is_absolute() && v["path"].get<std::string>().rfind("/vsi", 0) != 0 &&
                        network_path_kind(v["path"].get<std::string>()).empty())
                        v["path"] = (s.base_dir / pth).lexically_normal().u8string();
                }
        doc.merge_patch(patch);
    }
    return doc;
}

}  // namespace lc
