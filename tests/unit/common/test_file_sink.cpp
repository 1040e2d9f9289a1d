#include "common/errors.hpp"
#include "common/file_sink.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <csignal>
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

fs::path scratch(const char* name) {
    // Beside the build (a real disk, where O_DIRECT is taken), not in a tmpfs /tmp.
    fs::path d = fs::current_path() / "file_sink_scratch";
    fs::create_directories(d);
    return d / name;
}
}  // namespace

TEST_CASE("FileSink writes every byte whatever the sizes around block and buffer edges") {
    // Sizes at the 4096-byte block and 1 MiB buffer edges, written in uneven pieces:
    // the direct blocks, the memmove of the remainder and the buffered tail all show.
    const size_t sizes[] = {0, 1, 4095, 4096, 4097, (1u << 20) - 1, 1u << 20, (1u << 20) + 1, 3 * (1u << 20) + 17};
    for (size_t n : sizes) {
        std::string text(n, '\0');
        for (size_t i = 0; i < n; ++i) text[i] = static_cast<char>('a' + (i * 7919) % 26);
        fs::path p = scratch("sink.txt");
        lc::FileSink s(p);
        for (size_t at = 0, piece = 1; at < n; piece = piece * 3 + 1) {
            size_t k = std::min(n - at, piece % 70001);
            s.append(text.data() + at, k);
            at += k;
        }
        s.close();
        CAPTURE(n);
        CHECK(fs::file_size(p) == n);
        CHECK(slurp(p) == text);
        lc::write_file_bytes(p, text);
        CHECK(slurp(p) == text);
    }
    fs::remove_all(scratch("x").parent_path());
}

TEST_CASE("FileSink names the file when it cannot be created") {
    fs::path p = fs::current_path() / "no_such_folder_for_sink" / "a.txt";
    try {
        lc::FileSink s(p);
        FAIL("expected an error");
    } catch (const lc::OutputError& e) {
        std::string m = e.what();
        CHECK(m.find("no_such_folder_for_sink/a.txt") != std::string::npos);
        CHECK(m.find("cannot create") != std::string::npos);
    }
}

TEST_CASE("WriteGroup writes files on its threads and reports a failed write at wait()") {
    fs::path a = scratch("a.txt"), b = scratch("b.txt");
    std::string big(3 * (1u << 20) + 5, 'x');
    {
        lc::WriteGroup g;
        {
            lc::WriteGroup::File f = g.open(a);
            std::vector<lc::WritePiece> first;
            first.emplace_back(std::string("head,"));
            first.emplace_back(big.data(), big.size());  // written in place, not copied
            f.push(std::move(first));
            std::vector<lc::WritePiece> second;
            second.emplace_back(std::string(",tail"));
            f.push(std::move(second));
        }
        g.write_file(b, big);
        g.wait();
    }
    CHECK(slurp(a) == "head," + big + ",tail");
    CHECK(slurp(b) == big);

    // A file-size limit of 1 MiB: the write fails with EFBIG on the group's thread.
    struct rlimit old {};
    getrlimit(RLIMIT_FSIZE, &old);
    auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = old;
    small.rlim_cur = 1u << 20;
    REQUIRE(setrlimit(RLIMIT_FSIZE, &small) == 0);
    std::string message;
    {
        lc::WriteGroup g;
        g.write_file(b, big);
        try {
            g.wait();
        } catch (const lc::OutputError& e) {
            message = e.what();
        }
    }
    setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, old_handler);
    CHECK(message.find("b.txt") != std::string::npos);
    CHECK(message.find("File too large") != std::string::npos);
    fs::remove_all(a.parent_path());
}
