#pragma once
// Writing output files fast: large outputs bypass the page cache where the file
// system allows it.
#include <cstddef>
#include <filesystem>
#include <string>

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

}  // namespace lc
