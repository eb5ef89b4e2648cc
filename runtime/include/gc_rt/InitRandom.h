//===- InitRandom.h - Seeded, platform-independent initial values -*- C++
//-*-===//
//
// The random numbers behind generated inputs: gc-run's for an .mlir function
// (gc/Execution/Inputs.h) and gc_rt's for a compiled step (StepAbi.h's init
// rules) draw from the same streams, so an interpreted and a compiled step
// started from the same seed see the same parameters and batch.
//
// Each tensor draws from its own stream, keyed by an FNV-1a hash of its name
// mixed with the seed, so values do not depend on argument order. The
// generator is SplitMix64 (Steele, Lea & Flood, "Fast splittable
// pseudorandom number generators", OOPSLA 2014); normal variates come from
// the Box-Muller transform. Only integer arithmetic and the correctly
// specified sqrt plus the C library's log and cos are involved, so values
// are the same on every platform this project targets.
//
//===----------------------------------------------------------------------===//

#ifndef GC_RT_INITRANDOM_H
#define GC_RT_INITRANDOM_H

#include <cmath>
#include <cstdint>
#include <string_view>

namespace gc::rt {

/// SplitMix64: a 64-bit generator with a one-word state.
class SplitMix64 {
public:
  explicit SplitMix64(uint64_t state) : state(state) {}
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform in (0, 1): 53 random bits, never 0 (Box-Muller takes a log).
  double uniform() { return ((next() >> 11) + 0.5) * 0x1.0p-53; }
  /// A standard normal variate (Box-Muller, one of the pair).
  double normal() {
    double radius = std::sqrt(-2.0 * std::log(uniform()));
    return radius * std::cos(2.0 * 3.14159265358979323846 * uniform());
  }

private:
  uint64_t state;
};

/// The initial state of the stream of the tensor `name` under `seed`:
/// FNV-1a of the name, mixed with the seed.
inline uint64_t initStreamKey(uint64_t seed, std::string_view name) {
  uint64_t hash = 0xCBF29CE484222325ull;
  for (char c : name)
    hash = (hash ^ static_cast<uint8_t>(c)) * 0x100000001B3ull;
  return hash ^ (seed * 0x9E3779B97F4A7C15ull);
}

} // namespace gc::rt

#endif // GC_RT_INITRANDOM_H
