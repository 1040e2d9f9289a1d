#include "common/text_file.hpp"

#include "common/errors.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace lc {

namespace {
// Large enough that a layer of tens of megabytes takes few system calls.
constexpr size_t kBuffer = size_t{1} << 20;
}  // namespace

TextFile::TextFile(const std::filesystem::path& file) : file_(file) {
    fd_ = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd_ < 0) throw OutputError(file.u8string() + ": cannot create the file (" + std::strerror(errno) + ")");
    buf_.reserve(kBuffer);
}

TextFile::~TextFile() {
    if (fd_ >= 0) ::close(fd_);
}

void TextFile::fail(int err, const char* what) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    throw OutputError(file_.u8string() + ": " + what + " (" + std::strerror(err) + "; is the disk full?)");
}

void TextFile::write_all(const char* p, size_t n) {
    while (n > 0) {
        ssize_t w = ::write(fd_, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) fail(errno, "write failed");
        if (w == 0) fail(ENOSPC, "write failed");
        p += w;
        n -= static_cast<size_t>(w);
    }
}

void TextFile::flush() {
    write_all(buf_.data(), buf_.size());
    buf_.clear();
}

void TextFile::write(const char* data, size_t n) {
    if (fd_ < 0) throw OutputError(file_.u8string() + ": written after it was closed (internal error)");
    if (buf_.size() + n > kBuffer) flush();
    if (n >= kBuffer) {
        write_all(data, n);  // one large piece: written as it is
        return;
    }
    buf_.append(data, n);
}

void TextFile::close() {
    if (fd_ < 0) return;
    flush();
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0 && errno != EINTR) {
        int err = errno;
        throw OutputError(file_.u8string() + ": write failed (" + std::strerror(err) + "; is the disk full?)");
    }
}

void write_file_text(const std::filesystem::path& file, const std::string& text) {
    TextFile f(file);
    f.write(text);
    f.close();
}

}  // namespace lc
