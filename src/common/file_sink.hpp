#pragma once
// Writing output files fast: large outputs bypass the page cache where the file
// system allows it.
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace lc {

/// Appends bytes to a new file. Where the file system supports O_DIRECT, whole 1 MiB
/// blocks go straight to the device: a batch writes gigabytes that nobody reads back
/// soon, and copying them into the page cache cost more CPU (about 2.5 ns per byte on
/// the benchmark VM) than formatting them. The tail, or everything on a file system
/// without O_DIRECT (tmpfs, some network mounts), is written the ordinary way.
/// Errors are thrown as OutputError naming the file and the system's reason.
class FileSink {
public:
    explicit FileSink(const std::filesystem::path& file);
    ~FileSink();
    FileSink(const FileSink&) = delete;
    FileSink& operator=(const FileSink&) = delete;

    void append(const char* data, size_t n);
    void append(const std::string& s) { append(s.data(), s.size()); }
    /// Writes what is buffered and closes; throws on any failure so far.
    void close();

private:
    void flush_blocks(bool all);
    void write_fully(const char* p, size_t n);
    [[noreturn]] void fail(int err, const char* what);

    std::filesystem::path file_;
    int fd_ = -1;
    bool direct_ = false;
    char* buf_ = nullptr;
    size_t used_ = 0;
};

/// Writes `text` as the whole content of `file` (through FileSink).
void write_file_bytes(const std::filesystem::path& file, const std::string& text);

/// A piece of a file: its own text, or `len` bytes at `ref` that outlive the write
/// (a batch base's text, which scenarios write from without copying).
struct WritePiece {
    std::string own;
    const char* ref = nullptr;
    size_t len = 0;
    WritePiece() = default;
    WritePiece(std::string s) : own(std::move(s)) {}
    WritePiece(const char* p, size_t n) : ref(p), len(n) {}
    size_t size() const { return ref ? len : own.size(); }
};

/// The large files of one output folder, written on threads of their own while the
/// caller goes on computing; wait() collects them. With O_DIRECT a write waits for the
/// device, and a batch scenario would otherwise sit idle for each of its 40 MB.
/// A file that cannot be created fails at once; a write that fails shows at wait().
class WriteGroup {
public:
    class Stream;
    /// The producer's end of a Stream: closes it when it goes, whatever happened.
    class File {
    public:
        explicit File(std::shared_ptr<Stream> s) : s_(std::move(s)) {}
        File(File&&) = default;
        ~File();
        void push(std::vector<WritePiece> pieces);
        bool failed() const;

    private:
        std::shared_ptr<Stream> s_;
    };
    WriteGroup() = default;
    WriteGroup(const WriteGroup&) = delete;
    WriteGroup& operator=(const WriteGroup&) = delete;
    /// Waits for every file (errors dropped: call wait() to see them).
    ~WriteGroup();

    /// A new file written from the pieces given to File::push, in order.
    File open(const std::filesystem::path& file);
    /// `text` as the whole of `file`: small texts at once, large ones on a thread.
    void write_file(const std::filesystem::path& file, std::string text);
    /// Waits for every file; throws the first failure (an OutputError naming the file).
    void wait();

private:
    void fail(std::exception_ptr e);
    std::mutex m_;
    std::vector<std::thread> threads_;
    std::exception_ptr error_;
};

class WriteGroup::Stream {
public:
    /// Queues pieces; blocks while 64 MiB are still to be written, which bounds the
    /// memory a slow disk holds.
    void push(std::vector<WritePiece> pieces);
    /// No more pieces: the file is closed once they are written.
    void close();
    /// True once a write has failed (later pieces are dropped).
    bool failed() const { return failed_; }

private:
    friend class WriteGroup;
    explicit Stream(const std::filesystem::path& file) : sink_(file) {}
    void run(WriteGroup& g);
    FileSink sink_;
    std::mutex m_;
    std::condition_variable cv_;
    std::deque<std::vector<WritePiece>> queue_;
    size_t queued_ = 0;  ///< bytes in queue_ and being written
    bool closed_ = false;
    std::atomic<bool> failed_{false};
};

}  // namespace lc
