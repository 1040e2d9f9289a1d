#include "units/demographics.hpp"

#include "ingest/census.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <tuple>
#include <unordered_map>

namespace lc {

namespace {

std::string level_or_area(int level) { return level < 0 ? "area" : level_name(level); }

std::string plural(int level) {
    static const char* n[] = {"districts", "streets/townships", "communities/villages"};
    return n[level];
}

/// "1 street/township", "3 streets/townships"
std::string count_of(size_t n, int level) {
    static const char* one[] = {"district", "street/township", "community/village"};
    return std::to_string(n) + " " + (n == 1 ? one[level] : plural(level));
}

std::string num_text(double v) {
    char b[40];
    std::snprintf(b, sizeof b, "%.15g", v);
    return b;
}

/// "C1, C2, … (N in all)": at most `k` ids, then the count.
std::string id_list(const std::vector<std::string>& ids, size_t k = 10) {
    std::string s;
    for (size_t i = 0; i < ids.size() && i < k; ++i) s += (i ? ", " : "") + ids[i];
    if (ids.size() > k) s += ", … (" + std::to_string(ids.size()) + " in all; summary.json lists every one)";
    return s;
}

/// What reading the tables noted, given to `in` once, where a run reads them: after
/// what the layers' reading and any scenario's changes noted.
void give_notes(Inputs& in) {
    if (in.census_notes_given) return;
    in.census_notes_given = true;
    for (auto& [spec, table] : in.census_tables) {
        in.repairs.insert(in.repairs.end(), table->repairs.begin(), table->repairs.end());
        for (auto& [key, n] : table->unreadable) in.unreadable[key] += n;
        in.warnings.insert(in.warnings.end(), table->warnings.begin(), table->warnings.end());
    }
}

void set_row(Demographics& d, const CensusRow& row, const CensusSpec& spec) {
    d.has_row = true;
    for (int f = 0; f < kFigures; ++f)
        if (spec.fields.count(figure_name(f)) && row.value[f]) {
            d.value[f] = row.value[f];
            d.origin[f] = Demographics::Row;
        }
}

void join(const CensusSpec& spec, const CensusTable& t, Inputs& in) {
    CensusReport& rep = in.census;
    CensusReport::Table info{spec.path.u8string(), spec.level, static_cast<long>(t.rows.size()), 0};
    if (spec.level < 0) {
        set_row(in.area_census, t.rows.at(0), spec);
        rep.area_row = true;
        info.matched = 1;
        rep.tables.push_back(info);
        return;
    }
    const int L = spec.level;
    rep.level_has_table[L] = true;
    std::unordered_map<std::string, int> unit_of;
    for (size_t u = 0; u < in.units[L].size(); ++u) unit_of.emplace(in.units[L][u].id, static_cast<int>(u));
    std::unordered_map<std::string, long> seen;
    std::vector<std::string> no_unit, duplicate, no_code, conflict;
    for (const CensusRow& row : t.rows) {
        if (row.code.empty()) {
            no_code.push_back("row " + std::to_string(row.feature_index + 2));  // the header is line 1
            rep.mismatches.push_back({L, "", "missing_code"});
            continue;
        }
        if (!seen.emplace(row.code, row.feature_index).second) {
            duplicate.push_back(row.code);
            rep.mismatches.push_back({L, row.code, "duplicate_code"});
            continue;
        }
        auto it = unit_of.find(row.code);
        if (it == unit_of.end()) {
            no_unit.push_back(row.code);
            rep.mismatches.push_back({L, row.code, "no_unit"});
            continue;
        }
        Unit& u = in.units[L][it->second];
        // An earlier table of this level gave this unit a different figure (one table
        // split in two files that overlap, or two editions): said, never silently replaced.
        for (int f = 0; f < kFigures; ++f) {
            const auto& had = u.census.value[f];
            if (spec.fields.count(figure_name(f)) && row.value[f] && u.census.origin[f] == Demographics::Row && had &&
                *had != *row.value[f]) {
                char b[96];
                std::snprintf(b, sizeof b, " %s %.15g -> %.15g", figure_name(f), *had, *row.value[f]);
                conflict.push_back(row.code + b);
            }
        }
        set_row(u.census, row, spec);
        for (auto& [k, v] : row.attrs) u.attrs[k] = v;
        ++info.matched;
    }
    rep.tables.push_back(info);
    const std::string lv = level_name(L);
    if (!no_unit.empty())
        in.census.warnings.push_back(t.label + ": " + std::to_string(no_unit.size()) + " code(s) match no " + lv + " id: " + id_list(no_unit) +
                              " (their figures are not used)");
    if (!duplicate.empty())
        in.census.warnings.push_back(t.label + ": " + std::to_string(duplicate.size()) + " code(s) appear twice; the first row is used: " +
                              id_list(duplicate));
    if (!no_code.empty())
        in.census.warnings.push_back(t.label + ": " + std::to_string(no_code.size()) + " row(s) without a code are not used: " + id_list(no_code));
    if (!conflict.empty())
        in.census.warnings.push_back(t.label + ": " + std::to_string(conflict.size()) + " figure(s) differ from those an earlier census table of level " +
                                     lv + " gives; this table's, listed later in the project, are used: " + id_list(conflict));
}

/// The units one level finer than `level` (the next level present), by parent.
std::vector<std::vector<int>> children_of(const Inputs& in, int level, int& finer) {
    finer = level + 1;
    while (finer < kLevels && !in.has_level[finer]) ++finer;
    std::vector<std::vector<int>> ch(level < 0 ? 1 : in.units[level].size());
    if (finer >= kLevels) return ch;
    for (size_t u = 0; u < in.units[finer].size(); ++u) {
        int parent = level < 0 ? 0 : in.units[finer][u].parent;
        if (parent != kNone) ch[parent].push_back(static_cast<int>(u));
    }
    return ch;
}

/// A unit without its own figure takes its children's sum when every child has it; a
/// unit with both is compared. `level` -1 is the whole area (children: the top level).
void roll_up(Inputs& in, int level, Demographics& d, const std::vector<int>& kids, int finer, const std::string& id,
             std::array<long, kFigures>& incomplete) {
    for (int f = 0; f < kFigures; ++f) {
        if (kids.empty()) continue;
        double sum = 0;
        long known = 0;
        for (int k : kids)
            if (const auto& v = in.units[finer][k].census.value[f]) {
                sum += *v;
                ++known;
            }
        const bool complete = known == static_cast<long>(kids.size());
        if (d.value[f]) {
            if (d.origin[f] == Demographics::Row && complete && std::abs(*d.value[f] - sum) > 0.5) {
                in.census.disagreements.push_back({level, id, figure_name(f), *d.value[f], sum});
            }
        } else if (complete) {
            d.value[f] = sum;
            d.origin[f] = Demographics::Children;
        } else if (known > 0) {
            incomplete[f]++;  // some children have it, some not: unknown, never a partial sum
        }
    }
}

void roll_up_all(Inputs& in) {
    for (int level = kLevels - 2; level >= -1; --level) {
        if (level >= 0 && !in.has_level[level]) continue;
        int finer = 0;
        auto ch = children_of(in, level, finer);
        if (finer >= kLevels) continue;
        std::array<long, kFigures> incomplete{0, 0, 0, 0};
        if (level < 0) roll_up(in, level, in.area_census, ch[0], finer, "area", incomplete);
        else
            for (size_t u = 0; u < in.units[level].size(); ++u)
                roll_up(in, level, in.units[level][u].census, ch[u], finer, in.units[level][u].id, incomplete);
        // One line per level and count: "population, elderly unknown for 2 streets/townships: ..."
        std::map<long, std::string> figures;
        for (int f = 0; f < kFigures; ++f)
            if (incomplete[f]) figures[incomplete[f]] += (figures[incomplete[f]].empty() ? "" : ", ") + std::string(figure_name(f));
        for (auto& [n, names] : figures)
            in.census.warnings.push_back("census: " + names + " unknown for " + (level < 0 ? std::string("the study area") : count_of(n, level)) +
                                         ": some but not all of " + (level < 0 || n > 1 ? "their " : "its ") + plural(finer) +
                                         " have a figure (a partial sum would understate it)");
        if (level < 0) break;
    }
    std::vector<std::string> lines;
    for (auto& d : in.census.disagreements)
        lines.push_back(level_or_area(d.level) + " " + d.unit_id + " " + d.figure + ": its own row gives " + num_text(d.own) +
                        ", its parts sum to " + num_text(d.children) + " (the own row is used)");
    for (size_t i = 0; i < lines.size() && i < 20; ++i) in.census.warnings.push_back("census: " + lines[i]);
    if (lines.size() > 20)
        in.census.warnings.push_back("census: " + std::to_string(lines.size() - 20) + " more disagreements (summary.json lists every one)");
}

/// The compound's units from the smallest up, then the area.
std::vector<const Demographics*> chain(const Inputs& in, const Compound& c) {
    std::vector<const Demographics*> v;
    for (int l = kLevels - 1; l >= 0; --l)
        if (c.unit[l] != kNone) v.push_back(&in.units[l][c.unit[l]].census);
    v.push_back(&in.area_census);
    return v;
}

/// The first rate num/den along the chain where both are known and den > 0.
std::optional<double> rate(const std::vector<const Demographics*>& ch, int num, int den) {
    for (const Demographics* d : ch)
        if (d->value[num] && d->value[den] && *d->value[den] > 0) return *d->value[num] / *d->value[den];
    return std::nullopt;
}

void estimate(const Project& p, Inputs& in) {
    enum { Pop = 0, Hh = 1, Old = 2, Inf = 3 };
    CensusReport& rep = in.census;
    for (Compound& c : in.compounds) {
        // Earlier estimates are made again (idempotent); given figures are never touched.
        if (c.population_source == FigureSource::Estimated) c.population.reset(), c.population_source = FigureSource::Unknown;
        if (c.elderly_source == FigureSource::Estimated) c.elderly.reset(), c.elderly_source = FigureSource::Unknown;
        if (c.infants_source == FigureSource::Estimated) c.infants.reset(), c.infants_source = FigureSource::Unknown;
        if (p.estimate_compounds) {
            auto ch = chain(in, c);
            if (!c.population && c.households) {
                auto pph = rate(ch, Pop, Hh);
                if (!pph && p.persons_per_household) {
                    pph = p.persons_per_household;
                    rep.persons_per_household_default++;
                }
                if (pph) c.population = *c.households * *pph, c.population_source = FigureSource::Estimated;
            }
            for (auto [fig, value, source] : {std::make_tuple(Old, &c.elderly, &c.elderly_source),
                                              std::make_tuple(Inf, &c.infants, &c.infants_source)})
                if (!*value && c.population)
                    if (auto r = rate(ch, fig, Pop)) *value = *c.population * *r, *source = FigureSource::Estimated;
        }
        const std::array<FigureSource, kFigures> src = {c.population_source, FigureSource::Unknown, c.elderly_source, c.infants_source};
        for (int f = 0; f < kFigures; ++f) {
            rep.compounds_estimated[f] += src[f] == FigureSource::Estimated;
            rep.compounds_given[f] += src[f] == FigureSource::Data;
        }
        rep.compounds_given[Hh] += c.households.has_value();
    }
}

}  // namespace

void read_census_tables(const Project& p, Inputs& in) {
    bool same = in.census_tables.size() == p.census.size();
    for (size_t i = 0; same && i < p.census.size(); ++i) same = in.census_tables[i].first == p.census[i];
    if (same) return;
    in.census_tables.clear();
    in.census_notes_given = false;
    for (auto& spec : p.census) in.census_tables.emplace_back(spec, std::make_shared<CensusTable>(read_census_table(p, spec)));
}

void apply_demographics(const Project& p, Inputs& in) {
    read_census_tables(p, in);
    give_notes(in);
    // A second call replaces the first one's warnings instead of repeating them.
    for (auto& w : in.census.warnings) {
        auto it = std::find(in.warnings.begin(), in.warnings.end(), w);
        if (it != in.warnings.end()) in.warnings.erase(it);
    }
    in.census = CensusReport{};
    in.area_census = Demographics{};
    for (int l = 0; l < kLevels; ++l)
        for (auto& u : in.units[l]) u.census = Demographics{};
    for (auto& [spec, table] : in.census_tables) join(spec, *table, in);
    for (int l = 0; l < kLevels; ++l) {
        if (!in.census.level_has_table[l]) continue;
        for (auto& u : in.units[l])
            if (!u.census.has_row) in.census.units_without_row[l].push_back(u.id);
        auto& miss = in.census.units_without_row[l];
        std::sort(miss.begin(), miss.end());
        if (!miss.empty())
            in.census.warnings.push_back("census: " + count_of(miss.size(), l) + " of " + std::to_string(in.units[l].size()) +
                                         " ha" + (miss.size() == 1 ? "s" : "ve") + " no row in any census table: " + id_list(miss));
    }
    roll_up_all(in);
    estimate(p, in);
    for (auto& w : in.census.warnings) in.warnings.push_back(w);
}

}  // namespace lc
