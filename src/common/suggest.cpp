#include "common/suggest.hpp"

#include <algorithm>

namespace lc {

size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

std::string nearest_name(const std::string& word, const std::vector<std::string>& choices) {
    std::string best;
    size_t best_d = 0;
    for (auto& c : choices) {
        size_t d = edit_distance(word, c);
        size_t limit = std::max<size_t>(2, std::max(word.size(), c.size()) / 3);
        if (d <= limit && (best.empty() || d < best_d)) {
            best = c;
            best_d = d;
        }
    }
    return best;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& choices) {
    std::string n = nearest_name(word, choices);
    return n.empty() ? std::string() : " (did you mean \"" + n + "\"?)";
}

}  // namespace lc
