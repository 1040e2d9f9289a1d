#include "project/json_text.hpp"

#include "common/errors.hpp"
#include "common/file_kind.hpp"
#include "project/project.hpp"

#include <fstream>
#include <sstream>
#include <vector>

namespace lc {

namespace {

namespace fs = std::filesystem;

/// Cuts `s` to at most `max` bytes without splitting a UTF-8 character.
std::string cut(const std::string& s, std::size_t max) {
    if (s.size() <= max) return s;
    std::size_t n = max;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    return s.substr(0, n) + "… (" + std::to_string(s.size() - n) + " more bytes)";
}

/// A SAX pass before the real parse: tracks the JSON pointer of the value being read,
/// stops at the depth limit, and keeps the pointer of a number that overflows.
struct Scout : nlohmann::json_sax<json> {
    struct Frame {
        bool array = false;
        std::size_t next = 0;  ///< array: elements begun
        std::string key;       ///< object: the current key
    };
    std::vector<Frame> stack;
    std::string problem;       ///< set when the scan stopped

    /// Pointer of the value being read; `pending` when its first token has not been
    /// reported yet (a number the lexer could not convert).
    std::string pointer(bool pending) const {
        std::string p;
        for (std::size_t i = 0; i < stack.size(); ++i) {
            const Frame& f = stack[i];
            if (f.array) {
                std::size_t idx = f.next - ((pending && i + 1 == stack.size()) ? 0 : 1);
                p += "/" + std::to_string(idx);
            } else {
                p += "/" + pointer_token(f.key);
            }
        }
        return p.empty() ? "/" : p;
    }
    void begin_value() {
        if (!stack.empty() && stack.back().array) ++stack.back().next;
    }
    bool scalar() {
        begin_value();
        return true;
    }
    bool open(bool array) {
        begin_value();
        if (stack.size() >= kMaxJsonDepth) {
            problem = pointer(false) + ": nested deeper than " + std::to_string(kMaxJsonDepth) +
                      " levels of arrays and objects; a project, patch or FeatureCollection needs about 10";
            return false;
        }
        stack.push_back(Frame{array, 0, {}});
        return true;
    }

    bool null() override { return scalar(); }
    bool boolean(bool) override { return scalar(); }
    bool number_integer(number_integer_t) override { return scalar(); }
    bool number_unsigned(number_unsigned_t) override { return scalar(); }
    bool number_float(number_float_t, const string_t&) override { return scalar(); }
    bool string(string_t&) override { return scalar(); }
    bool binary(binary_t&) override { return scalar(); }
    bool start_object(std::size_t) override { return open(false); }
    bool start_array(std::size_t) override { return open(true); }
    bool end_object() override {
        stack.pop_back();
        return true;
    }
    bool end_array() override {
        stack.pop_back();
        return true;
    }
    bool key(string_t& k) override {
        stack.back().key = k;
        return true;
    }
    bool parse_error(std::size_t byte, const std::string& token, const nlohmann::detail::exception& ex) override {
        if (ex.id == 406)  // out_of_range.406: number overflow
            problem = pointer(true) + ": the number " + cut(token, 40) +
                      " is too large to be held (numbers end near 1.8e308); give a plausible value";
        else
            problem = "not valid JSON at byte " + std::to_string(byte) + ": " + cut(ex.what(), 240);
        return false;
    }
};

bool looks_utf16(const std::string& t) {
    if (t.size() >= 2 && ((t[0] == '\xFF' && t[1] == '\xFE') || (t[0] == '\xFE' && t[1] == '\xFF'))) return true;
    // UTF-16 without a BOM: ASCII text has a NUL in every other byte
    return t.size() >= 4 && (t[0] == '\0' || t[1] == '\0' || t[2] == '\0' || t[3] == '\0');
}

}  // namespace

std::string pointer_token(const std::string& key) {
    std::string e;
    for (char c : key) e += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
    return e;
}

json parse_json_text(const std::string& text, const std::string& label) {
    if (looks_utf16(text))
        throw ConfigError(label + ": not valid JSON: the file looks like UTF-16 text (\"Unicode\" in Windows Notepad); "
                                  "save it as UTF-8");
    Scout scout;
    bool ok = json::sax_parse(text, &scout);
    if (!ok || !scout.problem.empty()) {
        std::string why = scout.problem.empty() ? std::string("not valid JSON") : scout.problem;
        if (why.find("ill-formed UTF-8") != std::string::npos)
            why += " (the file is not UTF-8, perhaps GBK: save it as UTF-8)";
        throw ConfigError(label + ": " + why);
    }
    return json::parse(text);  // the scout has seen it whole: this cannot fail
}

std::string quote_json(const json& j, std::size_t max) {
    // dump() recurses, but parse_json_text has bounded the depth of every document
    return cut(j.dump(), max);
}

json read_json_file(const fs::path& file) {
    if (file.empty()) throw ConfigError("the file path is empty (name a JSON file)");
    if (std::string why = special_file_problem(file, false); !why.empty())
        throw ConfigError(file.string() + ": " + why + " (name a JSON file)");
    std::ifstream in(file, std::ios::binary);
    if (!in) throw ConfigError(file.string() + ": cannot open the file (check the path and permissions)");
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
    return parse_json_text(text, file.string());
}

}  // namespace lc
