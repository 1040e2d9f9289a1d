#include "common/engine.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <stdexcept>
#include <string>
#include <thread>

namespace lc {

void parallel_for(size_t n, int workers, const std::function<void(size_t, int)>& fn) {
    workers = static_cast<int>(std::min<size_t>(static_cast<size_t>(std::max(workers, 1)), std::max<size_t>(n, 1)));
    if (workers <= 1) {
        for (size_t i = 0; i < n; ++i) fn(i, 0);
        return;
    }
    std::atomic<size_t> next{0};
    std::exception_ptr err;
    std::atomic<bool> failed{false};
    // Small chunks balance uneven items; 16 per worker keeps the counter cheap.
    const size_t chunk = std::max<size_t>(1, n / (static_cast<size_t>(workers) * 16));
    auto run = [&](int w) {
        try {
            for (;;) {
                size_t a = next.fetch_add(chunk);
                if (a >= n || failed) break;
                size_t b = std::min(n, a + chunk);
                for (size_t i = a; i < b && !failed; ++i) fn(i, w);
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

Engine::Engine(int threads) {
    for (int i = 0; i < std::max(threads, 1); ++i) geos_.push_back(std::make_unique<GeosContext>());
}

GeosContext& Engine::geos(int worker) {
    if (worker < 0 || worker >= threads())
        throw std::logic_error("Engine::geos: worker " + std::to_string(worker) + " of " + std::to_string(threads()));
    return *geos_[static_cast<size_t>(worker)];
}

void Engine::parallel_for(size_t n, const std::function<void(size_t, int)>& fn) const { lc::parallel_for(n, threads(), fn); }

}  // namespace lc
