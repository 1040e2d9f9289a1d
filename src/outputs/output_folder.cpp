#include "outputs/output_folder.hpp"

#include "common/errors.hpp"
#include "outputs/output_manifest.hpp"

#include <fcntl.h>
#include <limits.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>
#include <system_error>
#include <utility>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

namespace lc {

namespace fs = std::filesystem;
using Kind = OutputManifest::Kind;

namespace output_folder_testing {
bool no_exchange = false;
}

namespace {

/// renameat2(2) by its system call (glibc before 2.28 has no wrapper); -1 and errno
/// EINVAL or ENOSYS where the file system or kernel cannot do it.
int rename2(const fs::path& from, const fs::path& to, unsigned flags) {
#ifdef SYS_renameat2
    return static_cast<int>(::syscall(SYS_renameat2, AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), flags));
#else
    (void)from, (void)to, (void)flags;
    errno = ENOSYS;
    return -1;
#endif
}

bool unsupported(int err) { return err == EINVAL || err == ENOSYS || err == EOPNOTSUPP; }

std::string why(int err) { return std::strerror(err); }

/// `a` is `b` or lies inside it (both absolute and normal).
bool within(const fs::path& a, const fs::path& b) {
    auto m = std::mismatch(b.begin(), b.end(), a.begin(), a.end());
    return m.first == b.end();
}

struct Resolved {
    fs::path target;
    fs::path missing;  ///< the first folder on the way that does not exist yet (empty: none)
};

/// --out resolved as the system resolves it: links followed where they are (".." after
/// a link goes up from the folder it names), "." and ".." taken in order. A path the
/// system cannot follow is refused now rather than after the analysis.
Resolved resolve(const fs::path& out, const std::string& given) {
    const fs::path abs = fs::absolute(out);
    const fs::path rel = abs.relative_path();
    const std::vector<fs::path> parts(rel.begin(), rel.end());
    auto trivial = [](const fs::path& p) { return p.empty() || p == "."; };
    Resolved r;
    fs::path cur = abs.root_path();
    for (size_t i = 0; i < parts.size(); ++i) {
        if (trivial(parts[i])) continue;
        if (parts[i] == "..") {
            if (!r.missing.empty())
                throw OutputError(given + ": the folder " + r.missing.u8string() +
                                  " does not exist, so \"..\" after it leads nowhere; create it, or give --out without \"..\"");
            cur = cur.parent_path();
            continue;
        }
        fs::path next = cur / parts[i];
        if (!r.missing.empty()) {
            cur = next;
            continue;
        }
        struct stat st;
        if (::lstat(next.c_str(), &st) != 0) {
            if (errno != ENOENT) throw OutputError(given + ": " + next.u8string() + ": " + why(errno) + "; choose another --out");
            r.missing = cur = next;
            continue;
        }
        if (S_ISLNK(st.st_mode)) {
            std::error_code ec, ec2;
            fs::path to = fs::canonical(next, ec);
            if (ec || ::stat(to.c_str(), &st) != 0)
                throw OutputError(given + ": " + next.u8string() + " is a symbolic link to " + fs::read_symlink(next, ec2).u8string() +
                                  ", which cannot be followed (" + ec.message() +
                                  "); create the folder it names, or give --out without the link");
            next = to;
        }
        bool more = std::any_of(parts.begin() + static_cast<long>(i) + 1, parts.end(), [&](const fs::path& p) { return !trivial(p); });
        if (more && !S_ISDIR(st.st_mode))
            throw OutputError(given + ": " + next.u8string() + " is a file, not a folder; choose another --out");
        cur = next;
    }
    r.target = cur;
    return r;
}

/// Why `dir` may not be replaced by the output of `command` ("" when it may).
std::string refusal(const fs::path& dir, const std::string& shown, const std::string& command) {
    struct stat st;
    if (::lstat(dir.c_str(), &st) != 0) return {};
    if (!S_ISDIR(st.st_mode)) return shown + ": is a file, not a folder; refusing to replace it (choose another --out)";
    const OutputManifest m = read_manifest(dir);
    const std::string refusing = "; refusing to replace it: ";
    if (m.kind == Kind::legacy || m.kind == Kind::staging)
        return shown + ": its " + kOutputMarker +
               " does not list the files lifecircle wrote (an older lifecircle made it, or it is damaged), so they cannot be told "
               "from yours" + refusing + "check the folder and delete it yourself, or choose another --out";
    if (m.kind == Kind::output && m.command != command)
        return shown + ": holds the output of `lifecircle " + m.command + "`" + refusing + "`lifecircle " + command +
               "` replaces only its own outputs; choose another --out (the defaults: run out/, batch out-batch/, site out-site/)";
    Foreign f = foreign_entries(dir, m);
    if (!f.count) return {};
    if (m.kind == Kind::none)
        return shown + ": is not a lifecircle output folder (it has no " + kOutputMarker + ") and holds " + f.text() + refusing +
               "choose a new or empty folder for --out";
    return shown + ": holds " + std::to_string(f.count) + " item(s) lifecircle did not write there: " + f.text() + refusing +
           "move them out of it, or choose another --out";
}

std::string read_lock_holder(int fd) {
    char buf[200];
    ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    std::string s(buf, n > 0 ? static_cast<size_t>(n) : 0);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

/// Locks `file` (flock, made if need be), waiting for another holder with a notice. A
/// holder removes the file as it finishes, so the file locked must still be the one at
/// `file`, or we lock the new one. `locked` is false where the file system has no locks.
int take_lock(const fs::path& file, const std::string& shown, const std::string& command, const Notice& notice, bool& locked) {
    locked = false;
    bool said = false;
    for (;;) {
        int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0)
            throw OutputError(file.parent_path().u8string() + ": cannot create the lock file " + file.filename().u8string() + " (" +
                              why(errno) + "); lifecircle writes beside --out: choose another --out");
        struct stat st;
        if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_size > 0 && read_lock_holder(fd).rfind("lifecircle ", 0) != 0)) {
            ::close(fd);
            throw OutputError(file.u8string() + ": is in the way of the lock file of " + shown +
                              " and was not made by lifecircle; move it away, or choose another --out");
        }
        if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            if (e != EWOULDBLOCK) {
                // No locks on this file system (some network mounts): go on, and say so.
                if (notice)
                    notice("warning: " + file.u8string() + ": cannot lock it (" + why(e) + "); do not run two lifecircle commands on " +
                           shown + " at the same time");
                return fd;  // not locked
            }
            if (!said) {
                std::string who = read_lock_holder(fd);
                if (notice)
                    notice("waiting: another " + (who.empty() ? std::string("lifecircle") : who) + " is writing " + shown + "; this " +
                           command + " goes on when it has finished");
                said = true;
            }
            while (::flock(fd, LOCK_EX) != 0) {
                if (errno != EINTR) {
                    int e2 = errno;
                    ::close(fd);
                    throw OutputError(file.u8string() + ": cannot lock it (" + why(e2) + ")");
                }
            }
        }
        struct stat now;
        if (::stat(file.c_str(), &now) != 0 || now.st_ino != st.st_ino || now.st_dev != st.st_dev) {
            ::close(fd);
            continue;
        }
        locked = true;
        std::string me = "lifecircle " + command + " (pid " + std::to_string(::getpid()) + ")\n";
        if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, me.data(), me.size(), 0) < 0) {
            // The holder's name is only for the waiting message; the lock holds without it.
        }
        return fd;
    }
}

}  // namespace

OutputFolder::OutputFolder(const fs::path& out, const std::string& command, const std::vector<fs::path>& inputs, Notice notice)
    : command_(command), notice_(std::move(notice)) {
    if (out.empty()) throw ConfigError("--out: the output folder name is empty");
    const std::string given = out.u8string();
    Resolved r = resolve(out, given);
    target_ = r.target;
    fs::path plain = fs::absolute(out).lexically_normal();
    if (plain.filename().empty() && plain.has_parent_path()) plain = plain.parent_path();
    shown_ = plain == target_ ? given : given + " (" + target_.u8string() + ")";
    if (target_ == target_.root_path())
        throw OutputError(shown_ + ": is the root folder; refusing to replace it (choose another --out)");
    const fs::path parent = target_.parent_path();
    const std::string stem = "." + target_.filename().native();
    // `.<name>.tmp-<pid>-<n>` must fit in a file name as well
    if (stem.size() + 24 > NAME_MAX)
        throw OutputError(shown_ + ": the folder name is too long (lifecircle writes `." + "<name>.tmp-<number>` beside it); choose a shorter --out");

    struct stat st;
    if (::lstat(target_.c_str(), &st) == 0 && !S_ISDIR(st.st_mode))
        throw OutputError(shown_ + ": is a file, not a folder; refusing to replace it (choose another --out)");
    std::error_code ec;
    fs::path cwd = fs::current_path(ec);
    if (!ec && within(cwd, target_))
        throw OutputError(shown_ + ": is the current folder or holds it; lifecircle replaces --out as a whole, which would pull the folder " +
                          "from under you; refusing: give a folder beside it or inside it, e.g. --out out");
    for (auto& in : inputs) {
        fs::path p = fs::weakly_canonical(fs::absolute(in), ec);
        if (!ec && within(p, target_))
            throw OutputError(shown_ + ": holds " + p.u8string() + ", an input of this " + command +
                              "; lifecircle replaces --out as a whole, so it would be deleted; refusing: choose another --out, or move "
                              "the input out of it");
    }
    for (fs::path up = parent;; up = up.parent_path()) {
        OutputManifest m = read_manifest(up);
        if (m.kind == Kind::output || m.kind == Kind::legacy)
            throw OutputError(shown_ + ": is inside " + up.u8string() + ", a lifecircle output" +
                              (m.command.empty() ? std::string() : " (of `lifecircle " + m.command + "`)") +
                              ", which is replaced as a whole; refusing to write into it: choose a --out outside it");
        if (up == up.root_path()) break;
    }
    if (!r.missing.empty() && r.missing != target_) {
        fs::create_directories(parent, ec);
        if (ec) throw OutputError(parent.u8string() + ": cannot create the folder for --out (" + ec.message() + "); choose another --out");
    }
    if (::access(parent.c_str(), W_OK) != 0)
        throw OutputError(parent.u8string() + ": not writable (" + why(errno) +
                          "); lifecircle writes the output folder and a temporary folder beside it there: choose another --out");

    lock_file_ = parent / (stem + ".lock");
    bool locked = false;
    lock_fd_ = take_lock(lock_file_, shown_, command_, notice_, locked);
    try {
        // Without a lock, what looks stale may be another command's work in progress.
        if (locked) remove_stale();
        check_existing();
    } catch (...) {
        ::unlink(lock_file_.c_str());
        ::close(lock_fd_);
        lock_fd_ = -1;
        throw;
    }
}

OutputFolder::~OutputFolder() {
    std::error_code ec;
    if (!staging_.empty()) fs::remove_all(staging_, ec);
    if (lock_fd_ >= 0) {
        ::unlink(lock_file_.c_str());  // while still locked: see take_lock
        ::close(lock_fd_);
    }
}

void OutputFolder::check_existing() const {
    std::string no = refusal(target_, shown_, command_);
    if (!no.empty()) throw OutputError(no);
}

/// What a run on this --out that was stopped (killed, power cut) left beside it; no
/// run is writing here while we hold the lock. Only folders that are provably ours go:
/// a temporary folder with its lifecircle marker, or a previous output whose marker
/// lists everything in it. A previous output set aside by a run that stopped before
/// moving its new output in is the only output there is: it is put back.
void OutputFolder::remove_stale() const {
    const std::string stem = "." + target_.filename().native();
    std::error_code ec;
    std::vector<fs::path> found;
    for (fs::directory_iterator it(target_.parent_path(), ec), end; !ec && it != end; it.increment(ec)) {
        const std::string n = it->path().filename().native();
        if (n.rfind(stem + ".tmp-", 0) == 0 || n.rfind(stem + ".old-", 0) == 0) found.push_back(it->path());
    }
    std::sort(found.begin(), found.end());  // ".old-" before ".tmp-"
    for (auto& p : found) {
        struct stat st;
        if (::lstat(p.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
        try {
            OutputManifest m = read_manifest(p);
            bool aside = p.filename().native().rfind(stem + ".old-", 0) == 0;
            if (m.kind == Kind::staging) {
                fs::remove_all(p, ec);
            } else if (m.kind == Kind::output) {
                if (aside && ::lstat(target_.c_str(), &st) != 0 && errno == ENOENT) {
                    if (::rename(p.c_str(), target_.c_str()) == 0) continue;
                }
                if (!foreign_entries(p, m).count) remove_output(p, m);
            } else if (m.kind == Kind::none) {
                ::rmdir(p.c_str());  // empty: a removal stopped after its last file
            }
        } catch (const Error&) {
            // unreadable: not provably ours, left alone
        }
    }
}

const fs::path& OutputFolder::staging() {
    if (!staging_.empty()) return staging_;
    const fs::path parent = target_.parent_path();
    const std::string stem = "." + target_.filename().native() + ".tmp-" + std::to_string(::getpid()) + "-";
    std::random_device rd;
    for (int i = 0; i < 100; ++i) {
        fs::path p = parent / (stem + std::to_string(rd() % 100000));
        if (::mkdir(p.c_str(), 0777) == 0) {
            staging_ = p;
            OutputManifest m;
            m.kind = Kind::staging;
            m.command = command_;
            write_manifest(p, m);
            return staging_;
        }
        if (errno != EEXIST) throw OutputError(p.u8string() + ": cannot create the temporary output folder (" + why(errno) + ")");
    }
    throw OutputError(shown_ + ": cannot create a temporary folder beside it");
}

void OutputFolder::commit() {
    const fs::path made = staging();
    OutputManifest m = list_folder(made);
    m.command = command_;
    write_manifest(made, m);
    // Again: the user may have put something into the previous output while we ran.
    check_existing();

    struct stat st;
    if (::lstat(target_.c_str(), &st) != 0) {
        if (rename2(made, target_, RENAME_NOREPLACE) != 0 && (!unsupported(errno) || ::rename(made.c_str(), target_.c_str()) != 0))
            throw OutputError(shown_ + ": cannot move the new output into place (" + why(errno) + ")");
        staging_.clear();
        return;
    }
    // One step where the file system can (renameat2 RENAME_EXCHANGE: --out is never
    // missing, not even for an instant); else two renames, which a later run completes
    // if this one stops between them (remove_stale).
    fs::path old;
    bool exchanged = false;
    if (!output_folder_testing::no_exchange && rename2(made, target_, RENAME_EXCHANGE) == 0) {
        old = made;
        exchanged = true;
    } else {
        int e = output_folder_testing::no_exchange ? EINVAL : errno;
        if (!unsupported(e)) throw OutputError(shown_ + ": cannot exchange the new output with the previous one (" + why(e) + ")");
        old = target_.parent_path() / ("." + target_.filename().native() + ".old-" + std::to_string(::getpid()));
        if (::rename(target_.c_str(), old.c_str()) != 0)
            throw OutputError(shown_ + ": cannot move the previous output aside (" + why(errno) + ")");
        if (::rename(made.c_str(), target_.c_str()) != 0) {
            e = errno;
            ::rename(old.c_str(), target_.c_str());
            throw OutputError(shown_ + ": cannot move the new output into place (" + why(e) + ")");
        }
    }
    staging_.clear();
    // The previous output, now where no one looks, is checked once more before anything
    // of it is removed: something that arrived since the check above puts it back.
    std::string late;
    try {
        late = refusal(old, shown_, command_);
    } catch (const Error& err) {
        late = err.what();
    }
    if (!late.empty()) {
        if (exchanged) rename2(old, target_, RENAME_EXCHANGE);
        else if (::rename(target_.c_str(), made.c_str()) == 0) ::rename(old.c_str(), target_.c_str());
        staging_ = exchanged ? old : made;  // now the new output: removed by the destructor
        throw OutputError(late);
    }
    bool gone = false;
    try {
        gone = remove_output(old, read_manifest(old));
    } catch (const Error&) {
    }
    if (!gone && notice_)
        notice_("warning: " + old.u8string() + ": the previous output of " + shown_ +
                " could not be removed completely (something else is in it); it is left there for you to check");
}

}  // namespace lc
