#include "common/csv.hpp"

#include <cstring>
#include <stdexcept>

namespace lc {

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) {
        if (c == '"') q += '"';
        q += c;
    }
    return q + "\"";
}

std::string csv_row(const std::vector<std::string>& fields) {
    std::string out;
    for (size_t k = 0; k < fields.size(); ++k) {
        if (k) out += ',';
        out += csv_field(fields[k]);
    }
    return out + "\n";
}

std::vector<std::vector<std::string>> csv_parse(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    size_t i = text.compare(0, 3, kUtf8Bom) == 0 ? 3 : 0;
    std::vector<std::string> row;
    std::string field;
    bool any = false;  // the current row has begun
    while (i < text.size()) {
        char c = text[i];
        if (c == '"') {
            any = true;
            for (++i;; ++i) {
                if (i >= text.size()) throw std::invalid_argument("unterminated quoted CSV field");
                if (text[i] == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        field += '"';
                        ++i;
                    } else {
                        ++i;
                        break;
                    }
                } else {
                    field += text[i];
                }
            }
            continue;
        }
        ++i;
        if (c == ',') {
            row.push_back(std::move(field));
            field.clear();
            any = true;
        } else if (c == '\n') {
            row.push_back(std::move(field));
            field.clear();
            rows.push_back(std::move(row));
            row.clear();
            any = false;
        } else {
            field += c;
            any = true;
        }
    }
    if (any) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
    }
    return rows;
}

}  // namespace lc
