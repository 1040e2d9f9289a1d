// The engine: parallel_for's coverage and failure, and one GEOS context per worker
// that no other worker or engine shares.
#include "common/engine.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace lc;

TEST_CASE("engine: parallel_for calls every index exactly once, on a worker of the engine") {
    for (int threads : {1, 4}) {
        CAPTURE(threads);
        Engine e(threads);
        CHECK(e.threads() == threads);
        const size_t n = 10007;  // not a multiple of any chunk size
        std::vector<std::atomic<int>> calls(n);
        std::atomic<int> bad_worker{0};
        e.parallel_for(n, [&](size_t i, int w) {
            calls[i]++;
            if (w < 0 || w >= threads) bad_worker++;
        });
        size_t once = 0;
        for (auto& c : calls) once += c == 1;
        CHECK(once == n);
        CHECK(bad_worker == 0);
    }
    Engine e(4);
    int calls = 0;
    e.parallel_for(0, [&](size_t, int) { ++calls; });
    CHECK(calls == 0);
    CHECK(Engine(0).threads() == 1);  // at least one thread
}

TEST_CASE("engine: an exception in one worker is rethrown once every worker has stopped") {
    Engine e(4);
    const size_t n = 1000000;
    std::atomic<bool> thrown{false};
    std::atomic<size_t> started{0}, active{0};
    // Item 0 (the first of the first chunk, so no item waits before it on its worker)
    // throws; every other item waits until it has, so the others are all still running
    // when it fails.
    auto run = [&] {
        e.parallel_for(n, [&](size_t i, int) {
            started++;
            active++;
            if (i == 0) {
                thrown = true;
                active--;
                throw std::runtime_error("item 0 failed");
            }
            while (!thrown) std::this_thread::yield();
            active--;
        });
    };
    CHECK_THROWS_WITH_AS(run(), "item 0 failed", std::runtime_error);
    CHECK(active == 0);        // no call still running: all workers were joined
    CHECK(started < n / 2);    // and they stopped taking items instead of finishing the range
}

TEST_CASE("engine: each worker has its own GEOS context; main() is worker 0's") {
    Engine e(4);
    std::set<GeosContext*> distinct;
    for (int w = 0; w < e.threads(); ++w) distinct.insert(&e.geos(w));
    CHECK(distinct.size() == 4);
    CHECK(&e.main() == &e.geos(0));
    CHECK_THROWS_AS(e.geos(4), std::logic_error);
    CHECK_THROWS_AS(e.geos(-1), std::logic_error);

    // Inside parallel_for a worker uses its own context only.
    std::mutex m;
    std::set<std::pair<int, GEOSContextHandle_t>> used;
    std::atomic<int> wrong{0};
    e.parallel_for(4000, [&](size_t i, int w) {
        GEOSContextHandle_t h = e.geos(w);
        GeomPtr pt = make_point(h, static_cast<double>(i), 0);
        double x = -1;
        GEOSGeomGetX_r(h, pt.get(), &x);
        if (x != static_cast<double>(i)) wrong++;
        std::lock_guard<std::mutex> lock(m);
        used.insert({w, h});
    });
    CHECK(wrong == 0);
    for (auto& [w, h] : used) CHECK(h == e.geos(w).get());
}

TEST_CASE("engine: two engines used from two threads at once share no GEOS context") {
    // Both engines live throughout, so a context of one cannot reuse the other's memory.
    Engine a(2), b(2);
    std::set<GEOSContextHandle_t> used_a, used_b;
    std::atomic<int> ready{0};
    auto job = [&](Engine& e, std::set<GEOSContextHandle_t>& used) {
        ready++;
        while (ready < 2) std::this_thread::yield();  // both jobs run at the same time
        std::mutex m;
        e.parallel_for(2000, [&](size_t i, int w) {
            GEOSContextHandle_t h = e.geos(w);
            GeomPtr pt = make_point(h, static_cast<double>(i), 1);
            std::lock_guard<std::mutex> lock(m);
            used.insert(h);
        });
    };
    std::thread ta(job, std::ref(a), std::ref(used_a));
    std::thread tb(job, std::ref(b), std::ref(used_b));
    ta.join();
    tb.join();
    CHECK(!used_a.empty());
    CHECK(!used_b.empty());
    for (GEOSContextHandle_t h : used_a) CHECK(used_b.count(h) == 0);
    std::set<GEOSContextHandle_t> own_a{a.geos(0).get(), a.geos(1).get()}, own_b{b.geos(0).get(), b.geos(1).get()};
    for (GEOSContextHandle_t h : used_a) CHECK(own_a.count(h) == 1);
    for (GEOSContextHandle_t h : used_b) CHECK(own_b.count(h) == 1);
    for (GEOSContextHandle_t h : own_a) CHECK(own_b.count(h) == 0);
}
