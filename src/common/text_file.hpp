#pragma once
// Output files: ordinary files written through the page cache, with errors that name
// the file and the system's reason.
#include <filesystem>
#include <string>

namespace lc {

/// A new file (created or truncated), appended to in order. Errors are thrown as
/// OutputError naming the file; the destructor closes without reporting, so call
/// close() to learn whether everything reached the file.
class TextFile {
public:
    explicit TextFile(const std::filesystem::path& file);
    ~TextFile();
    TextFile(const TextFile&) = delete;
    TextFile& operator=(const TextFile&) = delete;

    void write(const char* data, size_t n);
    void write(const std::string& s) { write(s.data(), s.size()); }
    /// Writes what is buffered and closes; throws on any failure.
    void close();

private:
    void flush();
    void write_all(const char* p, size_t n);
    [[noreturn]] void fail(int err, const char* what);

    std::filesystem::path file_;
    int fd_ = -1;
    std::string buf_;
};

/// Writes `text` as the whole content of `file`.
void write_file_text(const std::filesystem::path& file, const std::string& text);

}  // namespace lc
