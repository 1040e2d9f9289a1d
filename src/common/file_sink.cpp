#include "common/file_sink.hpp"

#include "common/errors.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace lc {

namespace {
// O_DIRECT needs the buffer, the file offset and the length aligned to the device's
// logical block; 4096 covers every common device.
constexpr size_t kAlign = 4096;
constexpr size_t kBuffer = size_t{1} << 20;
// Below this a file goes through the page cache anyway: one small write.
constexpr size_t kDirectMin = 256 * 1024;
// What a Stream holds before its producer waits: a whole metro compounds layer, so a
// batch scenario rarely waits for the disk.
constexpr size_t kQueueBytes = size_t{64} << 20;
}  // namespace

FileSink::FileSink(const std::filesystem::path& file) : file_(file) {
    int flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC;
#ifdef O_DIRECT
    fd_ = ::open(file.c_str(), flags | O_DIRECT, 0666);
    direct_ = fd_ >= 0;
    if (fd_ < 0 && errno == EINVAL) fd_ = ::open(file.c_str(), flags, 0666);
#else
    fd_ = ::open(file.c_str(), flags, 0666);
#endif
    if (fd_ < 0) throw OutputError(file.u8string() + ": cannot create the file (" + std::strerror(errno) + ")");
    buf_ = static_cast<char*>(std::aligned_alloc(kAlign, kBuffer));
    if (!buf_) {
        ::close(fd_);
        throw OutputError(file.u8string() + ": out of memory for the write buffer");
    }
}

FileSink::~FileSink() {
    if (fd_ >= 0) ::close(fd_);
    std::free(buf_);
}

void FileSink::fail(int err, const char* what) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    throw OutputError(file_.u8string() + ": " + what + " (" + std::strerror(err) + "; is the disk full?)");
}

void FileSink::write_fully(const char* p, size_t n) {
    while (n > 0) {
        ssize_t w = ::write(fd_, p, n);
        if (w < 0 && errno == EINTR) continue;
#ifdef O_DIRECT
        if (w < 0 && errno == EINVAL && direct_) {
            // The file system took the flag but not the I/O: write the ordinary way.
            direct_ = false;
            if (::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) & ~O_DIRECT) != 0) fail(errno, "write failed");
            continue;
        }
#endif
        if (w < 0) fail(errno, "write failed");
        if (w == 0) fail(ENOSPC, "write failed");
        p += w;
        n -= static_cast<size_t>(w);
    }
}

void FileSink::flush_blocks(bool all) {
    size_t whole = direct_ ? used_ / kAlign * kAlign : used_;
    if (whole > 0) {
        write_fully(buf_, whole);
        std::memmove(buf_, buf_ + whole, used_ - whole);
        used_ -= whole;
    }
    if (all && used_ > 0) {
#ifdef O_DIRECT
        // The last partial block cannot go direct.
        if (direct_) {
            direct_ = false;
            if (::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) & ~O_DIRECT) != 0) fail(errno, "write failed");
        }
#endif
        write_fully(buf_, used_);
        used_ = 0;
    }
}

void FileSink::append(const char* data, size_t n) {
    if (fd_ < 0) throw OutputError(file_.u8string() + ": write after close");
    while (n > 0) {
        size_t k = std::min(n, kBuffer - used_);
        std::memcpy(buf_ + used_, data, k);
        used_ += k;
        data += k;
        n -= k;
        if (used_ == kBuffer) flush_blocks(false);
    }
}

void FileSink::close() {
    if (fd_ < 0) return;
#ifdef O_DIRECT
    // A small file in one buffered write: cheaper than a direct block and a tail.
    if (direct_ && used_ < kDirectMin && lseek(fd_, 0, SEEK_CUR) == 0) {
        direct_ = false;
        if (::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) & ~O_DIRECT) != 0) fail(errno, "write failed");
    }
#endif
    flush_blocks(true);
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) {
        int e = errno;
        throw OutputError(file_.u8string() + ": write failed (" + std::strerror(e) + "; is the disk full?)");
    }
}

void write_file_bytes(const std::filesystem::path& file, const std::string& text) {
    if (text.size() >= kDirectMin) {
        FileSink f(file);
        f.append(text);
        f.close();
        return;
    }
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) throw OutputError(file.u8string() + ": cannot create the file (" + std::strerror(errno) + ")");
    const char* p = text.data();
    size_t n = text.size();
    int err = 0;
    while (n > 0 && !err) {
        ssize_t w = ::write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) err = w < 0 ? errno : ENOSPC;
        else p += w, n -= static_cast<size_t>(w);
    }
    if (::close(fd) != 0 && !err) err = errno;
    if (err) throw OutputError(file.u8string() + ": write failed (" + std::strerror(err) + "; is the disk full?)");
}

WriteGroup::~WriteGroup() {
    for (auto& t : threads_)
        if (t.joinable()) t.join();
}

void WriteGroup::fail(std::exception_ptr e) {
    std::lock_guard<std::mutex> lock(m_);
    if (!error_) error_ = e;
}

WriteGroup::File WriteGroup::open(const std::filesystem::path& file) {
    std::shared_ptr<Stream> s(new Stream(file));
    std::lock_guard<std::mutex> lock(m_);
    threads_.emplace_back([this, s] { s->run(*this); });
    return File(s);
}

WriteGroup::File::~File() {
    if (s_) s_->close();
}

void WriteGroup::File::push(std::vector<WritePiece> pieces) { s_->push(std::move(pieces)); }

bool WriteGroup::File::failed() const { return s_->failed(); }

void WriteGroup::Stream::run(WriteGroup& g) {
    try {
        for (;;) {
            std::vector<WritePiece> pieces;
            {
                std::unique_lock<std::mutex> lock(m_);
                cv_.wait(lock, [&] { return !queue_.empty() || closed_; });
                if (queue_.empty()) break;
                pieces = std::move(queue_.front());
                queue_.pop_front();
            }
            size_t bytes = 0;
            for (const WritePiece& p : pieces) {
                if (p.ref) sink_.append(p.ref, p.len);
                else sink_.append(p.own);
                bytes += p.size();
            }
            {
                std::lock_guard<std::mutex> lock(m_);
                queued_ -= bytes;
            }
            cv_.notify_all();
        }
        sink_.close();
    } catch (...) {
        failed_ = true;
        {
            std::lock_guard<std::mutex> lock(m_);
            queue_.clear();
            queued_ = 0;
        }
        cv_.notify_all();
        g.fail(std::current_exception());
    }
}

void WriteGroup::Stream::push(std::vector<WritePiece> pieces) {
    size_t bytes = 0;
    for (auto& p : pieces) bytes += p.size();
    std::unique_lock<std::mutex> lock(m_);
    cv_.wait(lock, [&] { return queued_ < kQueueBytes || failed_; });
    if (failed_) return;
    queued_ += bytes;
    queue_.push_back(std::move(pieces));
    lock.unlock();
    cv_.notify_all();
}

void WriteGroup::Stream::close() {
    {
        std::lock_guard<std::mutex> lock(m_);
        closed_ = true;
    }
    cv_.notify_all();
}

void WriteGroup::write_file(const std::filesystem::path& file, std::string text) {
    if (text.size() < kDirectMin) {
        write_file_bytes(file, text);
        return;
    }
    File f = open(file);
    std::vector<WritePiece> one;
    one.emplace_back(std::move(text));
    f.push(std::move(one));
}

void WriteGroup::wait() {
    std::vector<std::thread> ts;
    {
        std::lock_guard<std::mutex> lock(m_);
        ts.swap(threads_);
    }
    for (auto& t : ts) t.join();
    std::lock_guard<std::mutex> lock(m_);
    if (error_) {
        std::exception_ptr e = error_;
        error_ = nullptr;
        std::rethrow_exception(e);
    }
}

}  // namespace lc
