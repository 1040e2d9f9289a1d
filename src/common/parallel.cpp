#include "common/parallel.hpp"

#include "ingest/ingest.hpp"

#include <cstdlib>
#include <map>
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

namespace {
thread_local int tl_slot = 0;
thread_local int tl_limit = 0;
}  // namespace

void set_job_slot(int slot) { tl_slot = slot; }
int job_slot() { return tl_slot; }
void set_worker_limit(int n) { tl_limit = n; }
int worker_limit() { return tl_limit; }

GeosContext& worker_geos(int i) {
    // Called for nearly every geometry operation: remember this thread's contexts so
    // the lock is taken only the first time (a shared lock serialised batch jobs).
    thread_local int cached_slot = -1;
    thread_local std::vector<GeosContext*> cached;
    if (cached_slot != tl_slot) {
        cached_slot = tl_slot;
        cached.clear();
    }
    if (i >= 0 && static_cast<size_t>(i) < cached.size() && cached[i]) return *cached[i];
    static std::mutex m;
    static std::map<std::pair<int, int>, std::unique_ptr<GeosContext>> pool;
    std::lock_guard<std::mutex> lock(m);
    auto& c = pool[{tl_slot, i}];
    if (!c) c = std::make_unique<GeosContext>();
    if (i >= 0) {
        if (cached.size() <= static_cast<size_t>(i)) cached.resize(i + 1, nullptr);
        cached[i] = c.get();
    }
    return *c;
}

}  // namespace lc
