#include "core/parallel.hpp"

#include "core/ingest.hpp"

#include <cstdlib>
#include <memory>
#include <mutex>

namespace lc {

int worker_count() {
    if (const char* e = std::getenv("LIFECIRCLE_THREADS")) {
        int n = std::atoi(e);
        if (n > 0) return n;
    }
    unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : static_cast<int>(n);
}

GeosContext& worker_geos(int i) {
    if (i == 0) return main_geos();
    static std::mutex m;
    static std::vector<std::unique_ptr<GeosContext>> pool;
    std::lock_guard<std::mutex> lock(m);
    while (static_cast<int>(pool.size()) < i) pool.push_back(std::make_unique<GeosContext>());
    return *pool[i - 1];
}

}  // namespace lc
