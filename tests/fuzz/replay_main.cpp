// A main() for the fuzz targets when libFuzzer is not available (GCC builds, the
// sanitizer build): runs LLVMFuzzerTestOneInput once on every file given, or on every
// file of every folder given, so that CTest replays the committed corpora and the
// regression inputs on any compiler.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

int main(int argc, char** argv) {
    namespace fs = std::filesystem;
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
    std::vector<fs::path> files;
    for (int i = 1; i < argc; ++i) {
        fs::path a = argv[i];
        if (fs::is_directory(a)) {
            for (auto& e : fs::recursive_directory_iterator(a))
                if (e.is_regular_file()) files.push_back(e.path());
        } else {
            files.push_back(a);
        }
    }
    if (files.empty()) {
        std::fprintf(stderr, "usage: %s FILE_OR_FOLDER...\n(no input found)\n", argv[0]);
        return 2;
    }
    for (auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    }
    std::printf("replayed %zu input(s) without a crash\n", files.size());
    return 0;
}
