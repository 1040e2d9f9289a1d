// The output folder's life cycle: the marker's file list, what counts as foreign, and
// replacing a previous output (by exchange and by two renames) without touching
// anything lifecircle did not write.
#include "common/errors.hpp"
#include "outputs/output_folder.hpp"
#include "outputs/output_manifest.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <string>

using namespace lc;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        path = fs::temp_directory_path() / ("lc-outdir-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    static int& counter() {
        static int n = 0;
        return n;
    }
};

void put(const fs::path& file, const std::string& text) {
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
}

std::string get(const fs::path& file) {
    std::ifstream f(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
}

/// Writes an output like a command does: files in the staging folder, then commit.
void write_output(const fs::path& out, const std::string& command, const std::string& text) {
    OutputFolder folder(out, command, {});
    put(folder.staging() / "summary.json", text);
    put(folder.staging() / "maps" / "a.svg", "<svg/>");
    folder.commit();
}

std::vector<std::string> beside(const fs::path& dir) {
    std::vector<std::string> v;
    for (auto& e : fs::directory_iterator(dir)) v.push_back(e.path().filename().string());
    std::sort(v.begin(), v.end());
    return v;
}

}  // namespace

TEST_CASE("output manifest: lists files with sizes and folders, and reads back") {
    TempDir t;
    put(t.path / "a.csv", "12345");
    put(t.path / "maps" / "m.svg", "");
    fs::create_directories(t.path / "styles" / "empty");
    OutputManifest m = list_folder(t.path);
    m.command = "run";
    CHECK(m.files == std::map<std::string, std::uintmax_t>{{"a.csv", 5}, {"maps/m.svg", 0}});
    CHECK(m.folders == std::set<std::string>{"maps", "styles", "styles/empty"});
    write_manifest(t.path, m);
    OutputManifest r = read_manifest(t.path);
    CHECK(r.kind == OutputManifest::Kind::output);
    CHECK(r.command == "run");
    CHECK(r.files == m.files);
    CHECK(r.folders == m.folders);
    // the marker itself is not listed, so a second listing is the same
    CHECK(list_folder(t.path).files == m.files);
    CHECK(foreign_entries(t.path, r).count == 0);
}

TEST_CASE("output manifest: a bare or damaged marker lists nothing") {
    TempDir t;
    CHECK(read_manifest(t.path).kind == OutputManifest::Kind::none);
    put(t.path / kOutputMarker, "lifecircle output folder; safe to replace by lifecircle\n");  // lifecircle before the file list
    CHECK(read_manifest(t.path).kind == OutputManifest::Kind::legacy);
    put(t.path / kOutputMarker, R"({"lifecircle_output": 2, "command": "run", "folders": [], "files": {"../notes.txt": 3}})");
    CHECK(read_manifest(t.path).kind == OutputManifest::Kind::legacy);  // a path leaving the folder is never ours
    put(t.path / kOutputMarker, R"({"lifecircle_output": 2, "command": "run", "folders": [], "files": {"/etc/passwd": 3}})");
    CHECK(read_manifest(t.path).kind == OutputManifest::Kind::legacy);
    put(t.path / kOutputMarker, R"({"lifecircle_output": 2, "command": "run", "folders": [], "files": {"a.csv": 3})");  // cut
    CHECK(read_manifest(t.path).kind == OutputManifest::Kind::legacy);
}

TEST_CASE("output manifest: what the file list does not account for") {
    TempDir t;
    put(t.path / "coverage.csv", "abc");
    put(t.path / "maps" / "m.svg", "x");
    OutputManifest m = list_folder(t.path);
    m.command = "run";
    write_manifest(t.path, m);
    put(t.path / "notes.txt", "mine");                      // a file of the user's
    put(t.path / "coverage.csv", "abcd");                   // an output edited in place (3 -> 4 bytes)
    put(t.path / "maps" / "draft.svg", "mine");             // inside a listed folder
    put(t.path / "site" / kOutputMarker, "x");              // another output nested in it
    put(t.path / "site" / "proposed.geojson", "{}");        // (counted once, with its folder)
    fs::create_symlink("/etc", t.path / "link");
    fs::remove(t.path / "maps" / "m.svg");                  // a listed file gone: not foreign
    Foreign f = foreign_entries(t.path, read_manifest(t.path), 10);
    CHECK(f.count == 5);
    CHECK(f.items == std::vector<std::string>{"coverage.csv (changed since lifecircle wrote it)", "link (a symbolic link)", "maps/draft.svg",
                                              "notes.txt", "site/ (another lifecircle output)"});
    Foreign two = foreign_entries(t.path, read_manifest(t.path), 2);
    CHECK(two.count == 5);
    CHECK(two.text() == "coverage.csv (changed since lifecircle wrote it), link (a symbolic link) and 3 more");
}

TEST_CASE("output manifest: removing an output removes only what it lists") {
    TempDir t;
    fs::path out = t.path / "out";
    put(out / "a.csv", "1");
    put(out / "maps" / "m.svg", "2");
    OutputManifest m = list_folder(out);
    write_manifest(out, m);
    put(out / "maps" / "mine.txt", "keep");
    CHECK_FALSE(remove_output(out, m));
    CHECK(get(out / "maps" / "mine.txt") == "keep");
    CHECK_FALSE(fs::exists(out / "a.csv"));
    fs::remove(out / "maps" / "mine.txt");
    CHECK(remove_output(out, m));
    CHECK_FALSE(fs::exists(out));
}

/// Runs `body(dir, out)` with a previous output "first" at `out`, replacing by exchange
/// and then by two renames (file systems without RENAME_EXCHANGE).
template <class Body>
void both_ways(Body&& body) {
    for (bool exchange : {true, false}) {
        CAPTURE(exchange);
        output_folder_testing::no_exchange = !exchange;
        TempDir t;
        fs::path out = t.path / "out";
        write_output(out, "run", "first");
        body(t.path, out);
        output_folder_testing::no_exchange = false;
    }
}

TEST_CASE("output folder: a previous output is replaced, by exchange and by two renames") {
    both_ways([](const fs::path& dir, const fs::path& out) {
        CHECK(get(out / "summary.json") == "first");
        CHECK(read_manifest(out).files.size() == 2);
        write_output(out, "run", "second, longer");
        CHECK(get(out / "summary.json") == "second, longer");
        CHECK(read_manifest(out).files.at("summary.json") == 14);
        CHECK(beside(dir) == std::vector<std::string>{"out"});  // no temporary, previous or lock folder left
    });
}

TEST_CASE("output folder: a file of the user's that appears during the run is kept") {
    both_ways([](const fs::path& dir, const fs::path& out) {
        {
            OutputFolder folder(out, "run", {});
            put(folder.staging() / "summary.json", "second");
            put(out / "notes.txt", "mine");  // after the check before the run, before the commit
            CHECK_THROWS_WITH_AS(folder.commit(), doctest::Contains("notes.txt"), OutputError);
        }
        CHECK(get(out / "notes.txt") == "mine");
        CHECK(get(out / "summary.json") == "first");
        CHECK(beside(dir) == std::vector<std::string>{"out"});
    });
}

TEST_CASE("output folder: the pre-flight refuses before anything is written") {
    TempDir t;
    fs::path out = t.path / "out";
    write_output(out, "site", "proposal");
    CHECK_THROWS_WITH_AS(OutputFolder(out, "run", {}), doctest::Contains("holds the output of `lifecircle site`"), OutputError);
    fs::path mine = t.path / "mine";
    put(mine / "project.json", "{}");
    CHECK_THROWS_WITH_AS(OutputFolder(mine, "run", {mine / "project.json"}), doctest::Contains("an input of this run"), OutputError);
    CHECK_THROWS_WITH_AS(OutputFolder(out / "inner", "run", {}), doctest::Contains("is inside"), OutputError);
    CHECK_THROWS_AS(OutputFolder("", "run", {}), ConfigError);
    CHECK(beside(t.path) == std::vector<std::string>{"mine", "out"});
    CHECK(get(out / "summary.json") == "proposal");
}

TEST_CASE("output folder: an unfinished run leaves nothing; the next removes what a stopped one left") {
    TempDir t;
    fs::path out = t.path / "out";
    write_output(out, "run", "first");
    {
        OutputFolder folder(out, "run", {});
        put(folder.staging() / "summary.json", "half");
    }  // an error before commit
    CHECK(beside(t.path) == std::vector<std::string>{"out"});
    // A stopped run's temporary folder (its staging marker) goes; a look-alike without it stays.
    fs::path stopped = t.path / ".out.tmp-999999-1";
    put(stopped / "summary.json", "half");
    OutputManifest staging;
    staging.kind = OutputManifest::Kind::staging;
    staging.command = "run";
    write_manifest(stopped, staging);
    fs::path lookalike = t.path / ".out.tmp-999999-2";
    put(lookalike / "notes.txt", "mine");
    OutputFolder next(out, "run", {});
    CHECK_FALSE(fs::exists(stopped));
    CHECK(get(lookalike / "notes.txt") == "mine");
}
