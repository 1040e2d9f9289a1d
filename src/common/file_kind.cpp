#include "common/file_kind.hpp"

#include <sys/stat.h>

namespace lc {

std::string special_file_problem(const std::filesystem::path& path, bool allow_folder) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return {};  // missing or unreachable: the opener says which
    if (S_ISREG(st.st_mode)) return {};
    if (S_ISDIR(st.st_mode)) return allow_folder ? std::string() : "is a folder, not a file";
    const char* what = S_ISFIFO(st.st_mode)  ? "a FIFO (named pipe)"
                       : S_ISCHR(st.st_mode)  ? "a character device"
                       : S_ISBLK(st.st_mode)  ? "a block device"
                       : S_ISSOCK(st.st_mode) ? "a socket"
                                              : "a special file";
    return std::string("is ") + what + ", not a regular file; reading it could block or never end";
}

}  // namespace lc
