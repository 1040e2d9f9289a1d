#include "outputs/output_manifest.hpp"

#include "common/errors.hpp"
#include "common/engine.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

namespace lc {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

const char* const kOutputMarker = ".lifecircle-output";

namespace {

constexpr int kFormat = 2;  // 1: the bare marker of lifecircle before the file list

/// A path the marker may list: relative, '/'-separated, no empty, "." or ".." part.
bool plain_relative(const std::string& rel) {
    if (rel.empty() || rel.front() == '/' || rel.back() == '/') return false;
    size_t a = 0;
    while (a <= rel.size()) {
        size_t b = rel.find('/', a);
        if (b == std::string::npos) b = rel.size();
        std::string part = rel.substr(a, b - a);
        if (part.empty() || part == "." || part == "..") return false;
        a = b + 1;
    }
    return true;
}

enum class Type { file, folder, link, other };

/// Calls visit(rel, type, size) for every entry under `dir`, in name order, the marker
/// at the top aside; a folder's entries follow when visit returns true. Entries that
/// vanish while we look are skipped; anything unreadable throws OutputError.
template <class Visit>
void walk(const fs::path& dir, const std::string& prefix, Visit& visit) {
    std::error_code ec;
    std::vector<std::string> names;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) names.push_back(it->path().filename().native());
    if (ec) {
        if (ec == std::errc::no_such_file_or_directory && !prefix.empty()) return;
        throw OutputError(dir.u8string() + ": cannot be read (" + ec.message() + ")");
    }
    std::sort(names.begin(), names.end());
    for (auto& name : names) {
        if (prefix.empty() && name == kOutputMarker) continue;
        fs::path p = dir / name;
        std::string rel = prefix.empty() ? name : prefix + "/" + name;
        struct stat st;
        if (::lstat(p.c_str(), &st) != 0) {
            if (errno == ENOENT) continue;
            throw OutputError(p.u8string() + ": cannot be read (" + std::strerror(errno) + ")");
        }
        if (S_ISDIR(st.st_mode)) {
            if (visit(rel, Type::folder, std::uintmax_t{0})) walk(p, rel, visit);
        } else {
            Type t = S_ISREG(st.st_mode) ? Type::file : S_ISLNK(st.st_mode) ? Type::link : Type::other;
            visit(rel, t, static_cast<std::uintmax_t>(st.st_size));
        }
    }
}

void write_small_file(const fs::path& file, const std::string& text) {
    auto fail = [&](int err) {
        throw OutputError(file.u8string() + ": cannot write the file (" + std::strerror(err) + (err == ENOSPC || err == EFBIG ? "; is the disk full?" : "") + ")");
    };
    ::unlink(file.c_str());  // never write through a link (a batch's files may be hard links)
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) fail(errno);
    for (size_t done = 0; done < text.size();) {
        ssize_t w = ::write(fd, text.data() + done, text.size() - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            int e = w < 0 ? errno : ENOSPC;
            ::close(fd);
            fail(e);
        }
        done += static_cast<size_t>(w);
    }
    if (::close(fd) != 0) fail(errno);
}

}  // namespace

OutputManifest read_manifest(const fs::path& dir) {
    OutputManifest m;
    std::ifstream f(dir / kOutputMarker, std::ios::binary);
    if (!f) {
        std::error_code ec;
        if (fs::exists(fs::symlink_status(dir / kOutputMarker, ec))) m.kind = OutputManifest::Kind::legacy;
        return m;
    }
    std::stringstream ss;
    ss << f.rdbuf();
    m.kind = OutputManifest::Kind::legacy;
    try {
        json j = json::parse(ss.str());
        const json& v = j.at("lifecircle_output");
        m.command = j.at("command").get<std::string>();
        if (v == "staging") {
            m.kind = OutputManifest::Kind::staging;
            return m;
        }
        if (v != kFormat) return OutputManifest{OutputManifest::Kind::legacy, {}, {}, {}};
        for (auto& d : j.at("folders")) {
            std::string rel = d.get<std::string>();
            if (!plain_relative(rel)) return OutputManifest{OutputManifest::Kind::legacy, {}, {}, {}};
            m.folders.insert(rel);
        }
        for (auto it = j.at("files").begin(); it != j.at("files").end(); ++it) {
            if (!plain_relative(it.key())) return OutputManifest{OutputManifest::Kind::legacy, {}, {}, {}};
            m.files[it.key()] = it.value().get<std::uintmax_t>();
        }
        m.kind = OutputManifest::Kind::output;
    } catch (const json::exception&) {
        return OutputManifest{OutputManifest::Kind::legacy, {}, {}, {}};
    }
    return m;
}

OutputManifest list_folder(const fs::path& dir) {
    OutputManifest m;
    m.kind = OutputManifest::Kind::output;
    auto visit = [&](const std::string& rel, Type t, std::uintmax_t size) {
        if (t == Type::folder) m.folders.insert(rel);
        else if (t == Type::file) m.files[rel] = size;
        return t == Type::folder;
    };
    walk(dir, "", visit);
    return m;
}

void write_manifest(const fs::path& dir, const OutputManifest& m) {
    json j;
    if (m.kind == OutputManifest::Kind::staging) {
        j["lifecircle_output"] = "staging";
        j["note"] = "The temporary folder of a lifecircle run that has not finished. If that run was stopped, "
                    "the next run on the same --out removes this folder.";
        j["command"] = m.command;
        j["pid"] = static_cast<long>(::getpid());
    } else {
        j["lifecircle_output"] = kFormat;
        j["note"] = "lifecircle wrote this folder. A later lifecircle " + m.command +
                    " replaces it only while it holds exactly the files listed here, with these sizes in bytes, "
                    "and these folders; anything else in it (a file of yours, a changed file) makes lifecircle refuse.";
        j["command"] = m.command;
        j["tool"] = std::string("lifecircle ") + LIFECIRCLE_VERSION;
        j["folders"] = json::array();
        for (auto& d : m.folders) j["folders"].push_back(d);
        j["files"] = json::object();
        for (auto& [rel, size] : m.files) j["files"][rel] = size;
    }
    write_small_file(dir / kOutputMarker, j.dump(1, ' ', false, json::error_handler_t::replace) + "\n");
}

std::string Foreign::text() const {
    std::string s;
    for (size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + items[i];
    if (count > items.size()) s += " and " + std::to_string(count - items.size()) + " more";
    return s;
}

Foreign foreign_entries(const fs::path& dir, const OutputManifest& m, size_t max) {
    Foreign f;
    auto add = [&](std::string item) {
        if (f.items.size() < max) f.items.push_back(std::move(item));
        ++f.count;
    };
    auto visit = [&](const std::string& rel, Type t, std::uintmax_t size) {
        switch (t) {
        case Type::folder: {
            if (m.folders.count(rel)) return true;
            std::error_code ec;
            bool nested = fs::exists(fs::symlink_status(dir / fs::u8path(rel) / kOutputMarker, ec));
            add(rel + "/" + (nested ? " (another lifecircle output)" : ""));
            return false;
        }
        case Type::file: {
            auto it = m.files.find(rel);
            if (it == m.files.end()) add(rel);
            else if (it->second != size) add(rel + " (changed since lifecircle wrote it)");
            return false;
        }
        case Type::link: add(rel + " (a symbolic link)"); return false;
        case Type::other: add(rel); return false;
        }
        return false;
    };
    walk(dir, "", visit);
    return f;
}

bool remove_output(const fs::path& dir, const OutputManifest& m) {
    OutputManifest now = list_folder(dir);
    std::vector<fs::path> files;
    bool all = true;
    for (auto& [rel, size] : now.files) {
        if (m.files.count(rel)) files.push_back(dir / fs::u8path(rel));
        else all = false;
    }
    // Unlinking waits on the file system, not on the CPU: several at a time.
    parallel_for(files.size(), files.size() >= 256 ? 8 : 1, [&](size_t i, int) { ::unlink(files[i].c_str()); });
    // Deepest first: a folder's entries sort after it.
    for (auto it = now.folders.rbegin(); it != now.folders.rend(); ++it)
        if (!m.folders.count(*it) || ::rmdir((dir / fs::u8path(*it)).c_str()) != 0) all = false;
    if (!all) return false;
    ::unlink((dir / kOutputMarker).c_str());
    return ::rmdir(dir.c_str()) == 0;
}

}  // namespace lc
