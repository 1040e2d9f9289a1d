#include "common/errors.hpp"
#include "common/text_file.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/resource.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {
std::string slurp(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

// A folder of this process's own, removed when it exits: two test processes started in
// one folder would otherwise write each other's files.
const fs::path& scratch_dir() {
    static const struct Dir {
        fs::path path = fs::current_path() / ("text_file_scratch-" + std::to_string(::getpid()));
        ~Dir() {
            std::error_code ec;
            fs::remove_all(path, ec);
        }
    } dir;
    return dir.path;
}

fs::path scratch(const char* name) {
    fs::create_directories(scratch_dir());
    return scratch_dir() / name;
}
}  // namespace

TEST_CASE("TextFile writes every byte whatever the sizes of the pieces around its buffer's edge") {
    const size_t sizes[] = {0, 1, 4095, (1u << 20) - 1, 1u << 20, (1u << 20) + 1, 3 * (1u << 20) + 17};
    for (size_t n : sizes) {
        std::string text(n, '\0');
        for (size_t i = 0; i < n; ++i) text[i] = static_cast<char>('a' + (i * 7919) % 26);
        fs::path p = scratch("file.txt");
        {
            lc::TextFile f(p);
            for (size_t at = 0, piece = 1; at < n; piece = piece * 3 + 1) {
                size_t k = std::min(n - at, piece % 2000001);
                f.write(text.data() + at, k);
                at += k;
            }
            f.close();
        }
        CAPTURE(n);
        CHECK(fs::file_size(p) == n);
        CHECK(slurp(p) == text);
        CHECK(fs::hard_link_count(p) == 1);
        lc::write_file_text(p, text);
        CHECK(slurp(p) == text);
    }
    fs::remove_all(scratch("x").parent_path());
}

TEST_CASE("TextFile names the file when it cannot be created") {
    fs::path p = fs::current_path() / "no_such_folder_for_text_file" / "a.txt";
    try {
        lc::TextFile f(p);
        FAIL("expected an error");
    } catch (const lc::OutputError& e) {
        std::string m = e.what();
        CHECK(m.find("no_such_folder_for_text_file/a.txt") != std::string::npos);
        CHECK(m.find("cannot create") != std::string::npos);
    }
}

TEST_CASE("TextFile reports a write that fails, naming the file") {
    fs::path b = scratch("b.txt");
    std::string big(3 * (1u << 20) + 5, 'x');
    // A file-size limit of 1 MiB: the write fails with EFBIG.
    struct rlimit old {};
    getrlimit(RLIMIT_FSIZE, &old);
    auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = old;
    small.rlim_cur = 1u << 20;
    REQUIRE(setrlimit(RLIMIT_FSIZE, &small) == 0);
    std::string message;
    try {
        lc::write_file_text(b, big);
    } catch (const lc::OutputError& e) {
        message = e.what();
    }
    setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, old_handler);
    CHECK(message.find("b.txt") != std::string::npos);
    CHECK(message.find("File too large") != std::string::npos);
    fs::remove_all(b.parent_path());
}
