#include "outputs/output_folder.hpp"

#include "common/errors.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <random>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace lc {

namespace fs = std::filesystem;

namespace {

const char* kMarker = ".lifecircle-output";

}  // namespace

/// Removes a folder tree, its subfolders side by side: removing a batch's previous
/// output (thousands of files) waits on the file system for each file far more than
/// it computes, so several removals in flight take a fraction of the time.
static void remove_tree(const fs::path& dir, std::error_code& ec) {
    std::vector<fs::path> subs;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
        std::error_code e;
        if (it->is_directory(e) && !it->is_symlink(e)) subs.push_back(it->path());
    }
    ec.clear();
    if (subs.size() >= 4) {
        std::atomic<size_t> next{0};
        std::vector<std::thread> ts;
        auto work = [&] {
            for (size_t i; (i = next.fetch_add(1)) < subs.size();) {
                std::error_code e;
                fs::remove_all(subs[i], e);
            }
        };
        try {
            for (size_t j = 0; j < std::min<size_t>(8, subs.size()); ++j) ts.emplace_back(work);
        } catch (const std::system_error&) {
            // no more threads: the ones started and the removal below finish the job
        }
        for (auto& t : ts) t.join();
    }
    fs::remove_all(dir, ec);
}

/// Removes a previous output. A large one (a batch's: thousands of files, gigabytes)
/// goes to ".NAME.trash-PID" and a detached `rm -rf` deletes it after we return:
/// freeing it took a tenth of a metro batch's time, and nothing waits for it. The
/// next run removes a trash folder that is still there.
static void discard_tree(const fs::path& old) {
    std::error_code ec;
    size_t subs = 0;
    for (auto it = fs::directory_iterator(old, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
        std::error_code e;
        subs += it->is_directory(e) && !it->is_symlink(e);
    }
    constexpr size_t kBackground = 20;  // sub-folders: scenarios of a batch
    if (ec || subs < kBackground) {
        remove_tree(old, ec);
        return;
    }
    std::string name = old.filename().u8string();
    name = name.substr(0, name.rfind(".old-")) + ".trash-" + std::to_string(getpid());
    fs::path trash = old.parent_path() / name;
    fs::rename(old, trash, ec);
    if (!ec) {
        // sh backgrounds rm and exits at once: rm is nobody's child to wait for.
        std::string t = trash.string();
        const char* argv[] = {"sh", "-c", "rm -rf -- \"$1\" </dev/null >/dev/null 2>&1 &", "sh", t.c_str(), nullptr};
        pid_t pid = -1;
        if (posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char* const*>(argv), environ) == 0) {
            int status = 0;
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
        }
        remove_tree(trash, ec);
        return;
    }
    remove_tree(old, ec);
}

/// Folders left beside `out` by a run that was killed (its process is gone): the
/// next run removes them, so no half-written output lingers.
static void remove_stale_staging(const fs::path& abs) {
    std::error_code ec;
    const std::string stem = "." + abs.filename().u8string();
    for (auto it = fs::directory_iterator(abs.parent_path(), ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
        std::string n = it->path().filename().u8string();
        for (const char* kind : {".tmp-", ".old-", ".trash-"}) {
            std::string prefix = stem + kind;
            if (n.rfind(prefix, 0) != 0) continue;
            long pid = std::atol(n.c_str() + prefix.size());
            if (std::string(kind) == ".trash-") {
                // Left by a deletion that stopped (discard_tree); one that changed in
                // the last minute is still being deleted. Its marker may be gone
                // already, so the name is the test.
                std::error_code e2;
                auto age = fs::file_time_type::clock::now() - fs::last_write_time(it->path(), e2);
                if (!e2 && pid > 0 && pid != getpid() && age > std::chrono::minutes(1)) remove_tree(it->path(), e2);
                continue;
            }
            if (pid > 0 && pid != getpid() && kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH &&
                fs::exists(it->path() / kMarker)) {
                std::error_code e2;
                // Killed between moving the previous output aside and moving the new one
                // in: the aside folder is the only output there is; put it back.
                if (std::string(kind) == ".old-" && !fs::exists(abs, e2)) fs::rename(it->path(), abs, e2);
                else remove_tree(it->path(), e2);
            }
        }
    }
}

static bool is_replaceable(const fs::path& out) {
    std::error_code ec;
    if (!fs::exists(out, ec)) return true;
    if (!fs::is_directory(out, ec)) return false;
    if (fs::exists(out / kMarker, ec)) return true;
    return fs::is_empty(out, ec);
}

void check_output_target(const fs::path& out) {
    if (out.empty()) throw ConfigError("--out: the output folder name is empty");
    {
        fs::path abs = fs::absolute(out).lexically_normal();
        if (abs.filename().empty()) abs = abs.parent_path();
        remove_stale_staging(abs);
    }
    std::error_code ec;
    if (fs::exists(out, ec) && !is_replaceable(out))
        throw OutputError(out.u8string() + ": exists and is not a lifecircle output folder; refusing to replace it (choose another --out or remove it)");
    fs::path parent = fs::absolute(out).parent_path();
    if (!fs::exists(parent, ec)) {
        fs::create_directories(parent, ec);
        if (ec) throw OutputError(parent.u8string() + ": cannot create the folder for --out (" + ec.message() + ")");
    }
    if (access(parent.c_str(), W_OK) != 0)
        throw OutputError(parent.u8string() + ": not writable; the output folder is created beside it (choose another --out)");
}

void write_output_marker(const fs::path& dir, const Reuse& reuse) {
    write_output_file(dir, kMarker, "lifecircle output folder; safe to replace by lifecircle\n", reuse);
}

fs::path make_staging_dir(const fs::path& out) {
    fs::path abs = fs::absolute(out).lexically_normal();
    if (abs.filename().empty()) abs = abs.parent_path();
    remove_stale_staging(abs);
    std::random_device rd;
    for (int i = 0; i < 100; ++i) {
        fs::path p = abs.parent_path() / ("." + abs.filename().u8string() + ".tmp-" + std::to_string(getpid()) + "-" + std::to_string(rd() % 100000));
        std::error_code ec;
        if (fs::create_directory(p, ec)) {
            write_output_marker(p);
            return p;
        }
        if (ec && ec != std::errc::file_exists) throw OutputError(p.u8string() + ": cannot create the temporary output folder (" + ec.message() + ")");
    }
    throw OutputError(abs.u8string() + ": cannot create a temporary folder beside it");
}

void commit_output(const fs::path& staging, const fs::path& out_in) {
    fs::path out = fs::absolute(out_in).lexically_normal();
    if (out.filename().empty()) out = out.parent_path();
    std::error_code ec;
    if (!is_replaceable(out))
        throw OutputError(out.u8string() + ": exists and is not a lifecircle output folder; refusing to replace it");
    fs::path old;
    if (fs::exists(out, ec)) {
        old = out.parent_path() / ("." + out.filename().u8string() + ".old-" + std::to_string(getpid()));
        fs::rename(out, old, ec);
        if (ec) throw OutputError(out.u8string() + ": cannot move the previous output aside (" + ec.message() + ")");
    }
    fs::rename(staging, out, ec);
    if (ec) {
        if (!old.empty()) fs::rename(old, out);
        throw OutputError(out.u8string() + ": cannot move the new output into place (" + ec.message() + ")");
    }
    if (!old.empty()) discard_tree(old);
}

}  // namespace lc
