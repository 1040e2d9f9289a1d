#include "ingest/census.hpp"

#include "common/errors.hpp"
#include "common/file_kind.hpp"
#include "common/gdal_setup.hpp"
#include <cpl_conv.h>
#include "ingest/records.hpp"
#include "ingest/textnum.hpp"
#include "ingest/values.hpp"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <iterator>

namespace lc {

namespace fs = std::filesystem;

namespace {

/// The open options that make a CSV read as written: every cell as text (codes keep
/// their leading zeros, "约3000" is read by us, no coordinate columns are looked for).
std::vector<std::string> open_options(const fs::path& path) {
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext == ".csv" || ext == ".txt") return {"AUTODETECT_TYPE=NO"};
    return {};
}

/// A code as a spreadsheet may have written it: "530102001001.0" (the column read as
/// numbers) or "'530102001001" (Excel's mark for text) is the code 530102001001.
std::string spreadsheet_code(const std::string& code) {
    std::string s = code;
    if (!s.empty() && (s[0] == '\'' || s[0] == '`')) s.erase(0, 1);
    const size_t dot = s.find('.');
    const std::string digits = s.substr(0, dot);
    if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) return code;
    if (dot != std::string::npos) {
        const std::string frac = s.substr(dot + 1);
        if (frac.empty() || !std::all_of(frac.begin(), frac.end(), [](char ch) { return ch == '0'; })) return code;
    }
    return digits;
}

/// A census row's figures against each other: every household has a resident, and the
/// elderly and the infants are some of the residents. A figure that breaks this is read
/// as unknown (repairs.csv, warned per figure), as a compound's would be; the row's other
/// figures stand.
void check_row(ingest::Ctx& c, const std::string& id, CensusRow& row) {
    auto& pop = row.value[figure_index("population")];
    auto& hh = row.value[figure_index("households")];
    if (pop && *pop == 0) {
        for (const char* n : {"households", "elderly", "infants"})
            if (auto& v = row.value[figure_index(n)]; v && *v > 0) {
                ingest::impossible_figure(c, "census", id, "population", 0,
                                          std::string("is impossible beside ") + n + " " + ingest::format_number(*v) +
                                              " (a missing figure written as 0?)");
                pop.reset();
                break;
            }
    }
    if (!pop) return;
    for (const char* n : {"elderly", "infants"})
        if (auto& v = row.value[figure_index(n)]; v && *v > *pop) {
            ingest::impossible_figure(c, "census", id, n, *v, "exceeds the population " + ingest::format_number(*pop));
            v.reset();
        }
    if (hh && *hh > *pop) {
        ingest::impossible_figure(c, "census", id, "households", *hh,
                                  "exceed the population " + ingest::format_number(*pop) + " (every household has a resident)");
        hh.reset();
    }
}

/// Every column the census table is read for.
std::vector<std::string> mapped_columns(const CensusSpec& spec) {
    std::vector<std::string> cols;
    for (auto& [figure, col] : spec.fields) cols.push_back(col);
    for (auto& [attr, col] : spec.attributes) cols.push_back(col);
    return cols;
}

}  // namespace

CensusTable read_census_table(const Project& p, const CensusSpec& spec) {
    if (!gdal_ready()) throw std::logic_error("lc::init_gdal() must run before any input is read");
    Inputs in;  // takes the notes of the reading, which the table keeps
    ingest::Source src;
    src.label = spec.path.u8string() + (spec.layer.empty() ? "" : " (layer " + spec.layer + ")");
    src.encoding = spec.encoding;
    src.warnings_out = &in.warnings;
    const std::string path = spec.path.u8string();
    std::error_code ec;
    if (path.rfind("/vsi", 0) != 0) {
        if (!fs::exists(spec.path, ec))
            throw InputError(src.label + ": file not found (census table " + spec.pointer + " in " + p.file.u8string() +
                             "; paths are relative to the project file)");
        std::string why = special_file_problem(spec.path, false);
        if (!why.empty()) throw InputError(src.label + ": " + why + " (census table " + spec.pointer + ")");
    }
    if (path.rfind("/vsi", 0) != 0) {
        src.utf8.path = ingest::utf16_as_utf8(spec.path, src.label, in.warnings);
        if (src.utf8.path.empty()) ingest::decide_text_encoding(spec.path, src);
    }
    std::vector<std::string> opts = open_options(src.utf8.path.empty() ? spec.path : fs::path(src.utf8.path));
    std::vector<const char*> copts;
    for (auto& o : opts) copts.push_back(o.c_str());
    copts.push_back(nullptr);
    // Until the table is read (sheet_with_columns looks into every sheet).
    ingest::SpreadsheetHeaders headers;
    ingest::GdalErrors errs;
    src.ds.reset(GDALDataset::Open((src.utf8.path.empty() ? path : src.utf8.path).c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr,
                                   copts.data(), nullptr));
    if (!src.ds)
        throw InputError(src.label + ": cannot be read as a table" + (errs.last().empty() ? "" : " (" + errs.last() + ")") +
                         "; a census table is a CSV, a spreadsheet (.xlsx, .ods) or any OGR table");
    src.layer = spec.layer.empty() ? (src.ds->GetLayerCount() > 0 ? src.ds->GetLayer(0) : nullptr)
                                   : src.ds->GetLayerByName(spec.layer.c_str());
    // A workbook of several sheets (the first often notes): the one holding every
    // mapped column.
    if (spec.layer.empty() && src.ds->GetLayerCount() > 1) {
        const std::vector<std::string> cols = mapped_columns(spec);
        src.layer = ingest::sheet_with_columns(
            src, [&] { return std::all_of(cols.begin(), cols.end(), [&](const std::string& c) { return ingest::lookup_field(src, c) >= 0; }); },
            "the columns " + spec.pointer + " maps", "\"layer\" in " + spec.pointer, in.warnings);
    }
    if (!src.layer) {
        std::string names;
        for (auto* l : src.ds->GetLayers()) names += (names.empty() ? "" : ", ") + std::string(l->GetName());
        throw InputError(src.label + ": has no " + (spec.layer.empty() ? std::string("table") : "layer \"" + spec.layer + "\"") +
                         (names.empty() ? "" : " (layers: " + names + ")"));
    }
    src.utf8_declared = spec.encoding == "UTF-8" || spec.encoding == "utf-8" || spec.encoding == "UTF8";
    if (!spec.where.empty()) {
        src.filtered = true;
        if (src.layer->SetAttributeFilter(spec.where.c_str()) != OGRERR_NONE)
            throw ConfigError(p.file.u8string() + ": " + spec.pointer + "/where: OGR SQL filter \"" + spec.where + "\" is not valid for " +
                              src.label);
    }
    // Every mapped column must be there: a census table is read for them alone.
    OGRFeatureDefn* defn = src.layer->GetLayerDefn();
    auto column = [&](const std::string& name, const std::string& mapped_as) {
        int idx = ingest::lookup_field(src, name);
        if (idx >= 0) return idx;
        std::string avail;
        for (int i = 0; i < defn->GetFieldCount(); ++i) avail += (i ? ", " : "") + ingest::to_utf8(defn->GetFieldDefn(i)->GetNameRef(), src);
        throw InputError(src.label + ": has no column \"" + name + "\" (mapped as " + mapped_as + " in " + spec.pointer +
                         "); its columns are: " + avail);
    };
    if (spec.level >= 0) src.field_index["id"] = column(spec.fields.at("id"), "id");
    for (int f = 0; f < kFigures; ++f)
        if (auto it = spec.fields.find(figure_name(f)); it != spec.fields.end()) src.field_index[figure_name(f)] = column(it->second, figure_name(f));
    for (auto& [attr, col] : spec.attributes) src.field_index["attr:" + attr] = column(col, "attribute " + attr);

    CensusTable t;
    t.label = src.label;
    ingest::Ctx c{p, in, nullptr, OGRSpatialReference(), OGRSpatialReference()};  // no geometries read
    long as_number = 0;  // codes a spreadsheet wrote as a number or marked as text
    std::string example;
    ingest::for_each_feature(src, [&](OGRFeature* f, long idx) {
        CensusRow row;
        row.feature_index = idx;
        if (spec.level >= 0) row.code = text::trim(ingest::field_text(f, src, "id").value_or(""));
        if (std::string plain = spreadsheet_code(row.code); plain != row.code) {
            if (as_number++ == 0) example = row.code + " as " + plain;
            row.code = plain;
        }
        const std::string id = row.code.empty() ? "row " + std::to_string(idx + 1) : row.code;
        for (int k = 0; k < kFigures; ++k)
            if (src.field_index.count(figure_name(k))) row.value[k] = ingest::read_number(c, f, src, "census", figure_name(k), id);
        check_row(c, id, row);
        for (auto& [attr, col] : spec.attributes)
            if (auto v = ingest::field_text(f, src, "attr:" + attr)) row.attrs[attr] = attr_from_text(*v);
        t.rows.push_back(std::move(row));
    });
    ingest::flush_impossible(c);
    if (as_number > 0)
        in.warnings.push_back(src.label + ": " + std::to_string(as_number) + " code(s) written by a spreadsheet as a number or as text (" +
                              example + ") read as plain codes");
    if (spec.level < 0 && t.rows.size() != 1)
        throw InputError(t.label + ": a census table of level \"area\" holds one row, the whole study area's figures; this one has " +
                         std::to_string(t.rows.size()) + " (pick the row with \"where\" in " + spec.pointer + ")");
    t.repairs = std::move(in.repairs);
    t.unreadable = std::move(in.unreadable);
    t.warnings = std::move(in.warnings);
    return t;
}

}  // namespace lc
