#include "outputs/base_output.hpp"
#include "common/file_sink.hpp"

#include "outputs/outputs.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace lc {

namespace fs = std::filesystem;

int LayerText::align(const std::string& key, int prev) const {
    size_t next = static_cast<size_t>(prev + 1);
    if (next < keys.size() && keys[next] == key) return prev + 1;
    auto it = by_key.find(key);
    if (it == by_key.end()) return -1;
    auto after = std::upper_bound(it->second.begin(), it->second.end(), prev);
    return after != it->second.end() ? *after : it->second.front();
}

bool same_value(const Value& x, const Value& y) {
    if (x.index() != y.index()) return false;
    if (auto d = std::get_if<double>(&x)) return std::memcmp(d, std::get_if<double>(&y), sizeof(double)) == 0;
    return x == y;
}

bool same_values(const std::vector<Value>& a, const std::vector<Value>& b) {
    if (a.size() != b.size()) return false;
    for (size_t k = 0; k < a.size(); ++k)
        if (!same_value(a[k], b[k])) return false;
    return true;
}

bool same_fields(const std::vector<Field>& a, const std::vector<Field>& b) {
    if (a.size() != b.size()) return false;
    for (size_t k = 0; k < a.size(); ++k)
        if (a[k].name != b[k].name || a[k].type != b[k].type) return false;
    return true;
}

const BaseOutput::Paths* BaseOutput::paths(const svg::Frame& f) const {
    std::lock_guard<std::mutex> l(m_);
    return paths_ && paths_->frame == f ? paths_.get() : nullptr;
}

BaseOutput::Paths& BaseOutput::fill_paths(const svg::Frame& f) {
    std::lock_guard<std::mutex> l(m_);
    if (!paths_) {
        paths_ = std::make_unique<Paths>();
        paths_->frame = f;
    }
    return *paths_;
}

const LayerText* BaseOutput::layer(const std::string& name) const {
    std::lock_guard<std::mutex> l(m_);
    auto it = layers_.find(name);
    return it == layers_.end() ? nullptr : it->second.get();
}

LayerText& BaseOutput::add_layer(const std::string& name) {
    std::lock_guard<std::mutex> l(m_);
    auto& p = layers_[name];
    p = std::make_unique<LayerText>();
    return *p;
}

const std::string* BaseOutput::file(const std::string& rel) const {
    std::lock_guard<std::mutex> l(m_);
    auto it = files_.find(rel);
    return it == files_.end() ? nullptr : &it->second;
}

void BaseOutput::add_file(const std::string& rel, const std::string& text) {
    std::lock_guard<std::mutex> l(m_);
    files_[rel] = text;
}

bool link_file(const fs::path& from, const fs::path& to) { return ::link(from.c_str(), to.c_str()) == 0; }

const BaseOutput::KeptMap* BaseOutput::map(const std::string& rule_id) const {
    std::lock_guard<std::mutex> lock(m_);
    auto it = maps_.find(rule_id);
    return it == maps_.end() ? nullptr : &it->second;
}

void BaseOutput::add_map(const std::string& rule_id, KeptMap m) {
    std::lock_guard<std::mutex> lock(m_);
    maps_[rule_id] = std::move(m);
}

void write_output_file(const fs::path& dir, const std::string& rel, std::string text, const Reuse& reuse) {
    fs::path file = dir / fs::u8path(rel);
    if (reuse.fill) reuse.fill->add_file(rel, text);
    if (reuse.use) {
        const std::string* base = reuse.use->file(rel);
        if (base && *base == text && link_file(reuse.use->dir() / fs::u8path(rel), file)) return;
    }
    if (reuse.group) reuse.group->write_file(file, std::move(text));
    else write_text(file, text);
}

}  // namespace lc
