//===- cpu-probe.cpp - Measured rates of gc's CPU kernels -----------------===//
//
// Usage: gc-cpu-probe [--threads N]
//
// Measures, with gc's own CPU kernels on N threads (default: all cores),
// the rates the cost model's `cpu` device profile needs, and prints them as
// a device-profile JSON object (docs/cost-model.md) on stdout:
//   - matmul: f32 GEMMs of BERT layer shapes (x W^T, dY W, X^T dY at 1024
//     tokens, hidden 256 and 1024) -> peak_fp32_simt_flops with
//     simt_matmul_efficiency;
//   - memory: a streaming add over 3 x 4 MiB (activation-sized, cache
//     resident as a step's working set mostly is) -> memory_bandwidth;
//   - elementwise compute: GeLU on an L2-resident vector, priced at the
//     cost model's T + 6A = 14 FLOPs per element -> simt_efficiency;
//   - integer work: dropout on an L2-resident vector, priced at the cost
//     model's Philox work -> peak_int32_simt_ops (divided by
//     simt_efficiency, which the cost model applies to integer work too);
//   - launch overhead: a parallel kernel of empty tasks -> the per-call
//     dispatch cost of the thread pool, launch_overhead_seconds.
// Each figure is the median of repeated timings. bench/cpu/bench-cpu.py
// runs it and writes the profile gc-compile --device-profile reads.
//
//===----------------------------------------------------------------------===//

#include "gc_rt/cpu/Kernels.h"
#include "gc_rt/cpu/Parallel.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace gc::rt::cpu;

namespace {

/// The median over `repeats` timings of `body` (seconds per call), after
/// one warm-up call.
template <typename Body> double medianSeconds(int repeats, Body body) {
  body();
  std::vector<double> times;
  for (int r = 0; r < repeats; ++r) {
    auto start = std::chrono::steady_clock::now();
    body();
    times.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

double measureMatmulFlops() {
  struct Gemm {
    int64_t m, k, n;
    bool transposeLhs, transposeRhs;
  };
  const Gemm gemms[] = {{1024, 256, 1024, false, true},
                        {1024, 1024, 256, false, false},
                        {256, 1024, 1024, true, false},
                        {1024, 256, 256, false, true}};
  double flops = 0, seconds = 0;
  for (const Gemm &g : gemms) {
    std::vector<float> lhs(g.m * g.k, 0.5f), rhs(g.k * g.n, 0.25f),
        out(g.m * g.n);
    std::vector<int64_t> lhsShape = g.transposeLhs
                                        ? std::vector<int64_t>{g.k, g.m}
                                        : std::vector<int64_t>{g.m, g.k};
    std::vector<int64_t> rhsShape = g.transposeRhs
                                        ? std::vector<int64_t>{g.n, g.k}
                                        : std::vector<int64_t>{g.k, g.n};
    seconds += medianSeconds(9, [&] {
      matmul(lhs.data(), rhs.data(), out.data(), Shape(lhsShape),
             Shape(rhsShape), g.transposeLhs, g.transposeRhs);
    });
    flops += 2.0 * g.m * g.n * g.k;
  }
  return flops / seconds;
}

double measureBandwidth() {
  // 4 MiB per array: the size of a BERT activation ([1024, 1024] f32), so
  // the three arrays stay in a server CPU's last-level cache as a step's
  // working set mostly does; DRAM streaming would price most kernels of a
  // step several times too high.
  const int64_t n = int64_t(1) << 20;
  std::vector<float> a(n, 1.0f), b(n, 2.0f), c(n);
  double seconds = medianSeconds(
      51, [&] { binary(BinaryOp::Add, a.data(), b.data(), c.data(), n); });
  return 3.0 * n * sizeof(float) / seconds;
}

double measureGeluFlops() {
  const int64_t n = 64 * 1024; // 256 KiB in, 256 KiB out
  std::vector<float> x(n, 0.3f), y(n);
  double seconds = medianSeconds(51, [&] {
    for (int r = 0; r < 16; ++r)
      gelu(x.data(), y.data(), n, GeluApproximation::None);
  });
  return 14.0 * n * 16 / seconds; // the cost model's T + 6A per element
}

double measureDropoutIntOps() {
  const int64_t n = 64 * 1024;
  const int64_t seed = 7;
  std::vector<float> x(n, 0.3f), y(n);
  double seconds = medianSeconds(51, [&] {
    for (int r = 0; r < 16; ++r)
      dropout(x.data(), &seed, y.data(), n, 0.1, 1);
  });
  // The cost model's Philox work: 98 integer ops per block of four, plus a
  // shift per element.
  return (98.0 / 4 + 1) * n * 16 / seconds;
}

double measureLaunchSeconds() {
  // A parallel kernel of empty tasks, two per thread: the dispatch alone.
  volatile int64_t sink = 0;
  const int64_t tasks = 2 * getNumThreads();
  return medianSeconds(2001,
                       [&] {
                         for (int r = 0; r < 10; ++r)
                           parallelFor(tasks,
                                       [&](int64_t task) { sink = task; });
                       }) /
         10;
}

} // namespace

int main(int argc, char **argv) {
  int threads = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      char *end = nullptr;
      long value = std::strtol(argv[++i], &end, 10);
      if (*end != '\0' || value < 1 || value > 4096) {
        std::fprintf(stderr,
                     "gc-cpu-probe: error: --threads expects a "
                     "positive count, got '%s'\n",
                     argv[i]);
        return 1;
      }
      threads = static_cast<int>(value);
    } else {
      std::fprintf(stderr, "usage: gc-cpu-probe [--threads N]\n");
      return 1;
    }
  }
  setNumThreads(threads);
  const double matmulFlops = measureMatmulFlops();
  const double bandwidth = measureBandwidth();
  const double geluFlops = measureGeluFlops();
  const double intOps = measureDropoutIntOps();
  const double launch = measureLaunchSeconds();
  const double peak = std::max(matmulFlops, geluFlops);
  std::printf("{\n"
              "  \"name\": \"cpu\",\n"
              "  \"description\": \"measured by gc-cpu-probe with %d "
              "threads\",\n"
              "  \"peak_fp32_simt_flops\": %.6g,\n"
              "  \"simt_matmul_efficiency\": %.6g,\n"
              "  \"simt_efficiency\": %.6g,\n"
              "  \"peak_int32_simt_ops\": %.6g,\n"
              "  \"memory_bandwidth\": %.6g,\n"
              "  \"memory_efficiency\": 1,\n"
              "  \"launch_overhead_seconds\": %.6g\n"
              "}\n",
              getNumThreads(), peak, matmulFlops / peak, geluFlops / peak,
              intOps / (geluFlops / peak), bandwidth, launch);
  return 0;
}
