#include "ingest/census.hpp"

#include "common/errors.hpp"
#include "ingest/values.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <mutex>

namespace lc {

namespace fs = std::filesystem;

namespace {

std::string lower_ext(const fs::path& p) {
    std::string e = p.extension().string();
    std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return e;
}

/// The open options that make each kind of table read as written: every CSV cell as
/// text (codes keep their leading zeros, "约3000" is read by us), spreadsheet headers
/// taken from the first row even when every cell of it is text.
std::vector<std::string> open_options(const fs::path& path) {
    std::string ext = lower_ext(path);
    if (ext == ".csv" || ext == ".txt") return {"AUTODETECT_TYPE=NO", "KEEP_GEOM_COLUMNS=YES"};
    if (ext == ".xlsx" || ext == ".ods" || ext == ".xls") return {"HEADERS=FORCE"};
    return {};
}

}  // namespace

CensusTable read_census_table(const CensusSpec& spec, const std::string& project_file) {
    static std::once_flag once;
    std::call_once(once, [] { GDALAllRegister(); });
    CensusTable t;
    t.label = spec.path.u8string() + (spec.layer.empty() ? "" : " (layer " + spec.layer + ")");
    const std::string where = project_file + ": " + spec.pointer;
    std::error_code ec;
    std::string path = spec.path.u8string();
    if (path.rfind("/vsi", 0) != 0 && !fs::exists(spec.path, ec))
        throw InputError(t.label + ": file not found (census table " + spec.pointer + " in " + project_file +
                         "; paths are relative to the project file)");
    std::vector<std::string> opts = open_options(spec.path);
    std::vector<const char*> copts;
    for (auto& o : opts) copts.push_back(o.c_str());
    copts.push_back(nullptr);
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, copts.data(), nullptr));
    if (!ds)
        throw InputError(t.label + ": cannot be read as a table (" + std::string(CPLGetLastErrorMsg()) +
                         "); a census table is a CSV, spreadsheet (.xlsx, .ods) or any OGR table");
    OGRLayer* layer = spec.layer.empty() ? (ds->GetLayerCount() > 0 ? ds->GetLayer(0) : nullptr) : ds->GetLayerByName(spec.layer.c_str());
    if (!layer) {
        std::string names;
        for (auto* l : ds->GetLayers()) names += (names.empty() ? "" : ", ") + std::string(l->GetName());
        throw InputError(t.label + ": has no " + (spec.layer.empty() ? std::string("table") : "layer \"" + spec.layer + "\"") +
                         (names.empty() ? "" : " (layers: " + names + ")"));
    }
    if (!spec.where.empty() && layer->SetAttributeFilter(spec.where.c_str()) != OGRERR_NONE)
        throw ConfigError(where + "/where: OGR SQL filter \"" + spec.where + "\" is not valid for " + t.label);
    // Columns by their (decoded) header; a GBK header is matched after decoding.
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    bool recoded = false;
    std::vector<std::string> headers;
    for (int i = 0; i < defn->GetFieldCount(); ++i) headers.push_back(text_to_utf8(defn->GetFieldDefn(i)->GetNameRef(), spec.encoding, recoded));
    auto column = [&](const std::string& name, const std::string& mapped_as) {
        for (size_t i = 0; i < headers.size(); ++i)
            if (headers[i] == name) return static_cast<int>(i);
        std::string avail;
        for (auto& h : headers) avail += (avail.empty() ? "" : ", ") + h;
        throw InputError(t.label + ": has no column \"" + name + "\" (mapped as " + mapped_as + " in " + spec.pointer +
                         "); its columns are: " + avail);
    };
    int id_col = spec.level >= 0 ? column(spec.fields.at("id"), "id") : -1;
    std::array<int, kFigures> fig;
    for (int f = 0; f < kFigures; ++f) {
        auto it = spec.fields.find(figure_name(f));
        fig[f] = it == spec.fields.end() ? -1 : column(it->second, figure_name(f));
    }
    std::vector<std::pair<std::string, int>> attr_cols;
    for (auto& [attr, col] : spec.attributes) attr_cols.emplace_back(attr, column(col, "attribute " + attr));

    layer->ResetReading();
    long idx = 0;
    for (OGRFeatureUniquePtr f(layer->GetNextFeature()); f; f.reset(layer->GetNextFeature()), ++idx) {
        auto text = [&](int col) -> std::optional<std::string> {
            if (col < 0 || !f->IsFieldSetAndNotNull(col)) return std::nullopt;
            return text_to_utf8(f->GetFieldAsString(col), spec.encoding, recoded);
        };
        CensusRow row;
        row.feature_index = idx;
        if (id_col >= 0) row.code = attr_from_text(text(id_col).value_or("")).text.value_or("");
        const std::string id = row.code.empty() ? "row " + std::to_string(idx + 1) : row.code;
        for (int k = 0; k < kFigures; ++k) {
            if (fig[k] < 0 || !f->IsFieldSetAndNotNull(fig[k])) continue;
            OGRFieldType ft = defn->GetFieldDefn(fig[k])->GetType();
            if (ft == OFTInteger || ft == OFTInteger64 || ft == OFTReal) row.value[k] = f->GetFieldAsDouble(fig[k]);
            else row.value[k] = number_from_text(*text(fig[k]), "census", figure_name(k), id, t.repairs, t.unreadable);
        }
        for (auto& [attr, col] : attr_cols)
            if (auto v = text(col)) row.attrs[attr] = attr_from_text(*v);
        t.rows.push_back(std::move(row));
    }
    if (recoded)
        t.warnings.push_back(t.label + ": text is not UTF-8; read as " + (spec.encoding.empty() ? std::string("GB18030 (GBK)") : spec.encoding) +
                             " (set \"encoding\" on the census table to be explicit)");
    if (spec.level < 0 && t.rows.size() != 1)
        throw InputError(t.label + ": a census table of level \"area\" holds one row, the whole study area's figures; this one has " +
                         std::to_string(t.rows.size()) + " (pick the row with \"where\" in " + spec.pointer + ")");
    return t;
}

}  // namespace lc
