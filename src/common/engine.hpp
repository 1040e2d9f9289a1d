#pragma once
// The engine of a run: how many threads its stages may use and one GEOS context per
// worker. Made by the caller (the CLI, a batch job, a test) and passed to the stages,
// so that nothing about threads or GEOS contexts is hidden in the library.
#include "common/geos.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace lc {

/// Calls fn(i, worker) for i in [0, n) on up to `workers` threads (the calling thread is
/// worker 0), in small chunks; the first exception is rethrown after all workers stop.
void parallel_for(size_t n, int workers, const std::function<void(size_t, int)>& fn);

/// Joins a side thread on every way out of the scope that started it (a thread still
/// joinable when destroyed ends the program).
struct JoinOnExit {
    std::thread& th;
    ~JoinOnExit() {
        if (th.joinable()) th.join();
    }
};

class Engine {
public:
    /// `threads` >= 1 (a smaller value is taken as 1).
    explicit Engine(int threads);
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    int threads() const { return static_cast<int>(geos_.size()); }
    /// The GEOS context of worker `worker` (0 <= worker < threads()). Geometries made on
    /// it stay valid as long as the engine.
    GeosContext& geos(int worker);
    /// Worker 0's context: the calling thread's, which owns what outlives a stage
    /// (the ingested geometries, the layers written).
    GeosContext& main() { return geos(0); }

    /// parallel_for over this engine's threads; fn's worker indexes geos().
    void parallel_for(size_t n, const std::function<void(size_t, int)>& fn) const;

private:
    std::vector<std::unique_ptr<GeosContext>> geos_;
};

}  // namespace lc
