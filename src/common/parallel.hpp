#pragma once
// A minimal parallel-for over indices and per-worker GEOS contexts.
#include "common/geos.hpp"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <thread>
#include <vector>

namespace lc {

/// Number of worker threads to use (hardware threads, at least 1).
int worker_count();

/// GEOS context of worker `i` of the calling job slot; lives for the whole process,
/// so geometries made on a worker stay valid after the parallel section ends.
GeosContext& worker_geos(int i);

/// Batches run scenarios side by side: each job thread takes its own slot, so that no
/// two threads ever share a GEOS context. Slot 0 is the main thread's.
void set_job_slot(int slot);
int job_slot();
/// Upper bound on workers for parallel_for on this thread (0 = no bound).
void set_worker_limit(int n);
int worker_limit();

/// Calls fn(i, worker) for i in [0, n), spread over the workers in small chunks;
/// the first exception is rethrown after all workers stop.
inline void parallel_for(size_t n, const std::function<void(size_t, int)>& fn, int workers = 0) {
    if (workers <= 0) workers = worker_count();
    if (worker_limit() > 0) workers = std::min(workers, worker_limit());
    const int slot = job_slot();
    workers = static_cast<int>(std::min<size_t>(static_cast<size_t>(workers), std::max<size_t>(n, 1)));
    if (workers <= 1) {
        for (size_t i = 0; i < n; ++i) fn(i, 0);
        return;
    }
    std::atomic<size_t> next{0};
    std::exception_ptr err;
    std::atomic<bool> failed{false};
    size_t chunk = std::max<size_t>(1, n / (static_cast<size_t>(workers) * 16));
    auto run = [&](int w) {
        set_job_slot(slot);
        try {
            for (;;) {
                size_t a = next.fetch_add(chunk);
                if (a >= n || failed) break;
                size_t b = std::min(n, a + chunk);
                for (size_t i = a; i < b; ++i) fn(i, w);
            }
        } catch (...) {
            if (!failed.exchange(true)) err = std::current_exception();
        }
    };
    std::vector<std::thread> ts;
    for (int w = 1; w < workers; ++w) ts.emplace_back(run, w);
    run(0);
    for (auto& t : ts) t.join();
    if (err) std::rethrow_exception(err);
}

}  // namespace lc
