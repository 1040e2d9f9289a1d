#include "common/suggest.hpp"

#include <algorithm>

namespace lc {

size_t edit_distance(const std::string& a, const std::string& b) {
    // Optimal string alignment: insertions, deletions, substitutions and transpositions
    // of neighbours ("=>" is one edit from ">=").
    const size_t n = a.size(), m = b.size();
    std::vector<std::vector<size_t>> d(n + 1, std::vector<size_t>(m + 1));
    for (size_t i = 0; i <= n; ++i) d[i][0] = i;
    for (size_t j = 0; j <= m; ++j) d[0][j] = j;
    for (size_t i = 1; i <= n; ++i)
        for (size_t j = 1; j <= m; ++j) {
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[n][m];
}

std::string nearest_name(const std::string& word, const std::vector<std::string>& choices) {
    std::string best;
    size_t best_d = 0;
    for (auto& c : choices) {
        if (c == word) continue;  // known but not usable here: nothing to suggest
        size_t d = edit_distance(word, c);
        // "safety" for "safety_net": a name cut short is as likely as a typo
        bool prefix = std::min(word.size(), c.size()) >= 3 && (c.compare(0, word.size(), word) == 0 || word.compare(0, c.size(), c) == 0);
        if (prefix) d = std::min<size_t>(d, 1);
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
