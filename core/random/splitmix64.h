// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number
// generators", OOPSLA 2014): the seeded stream behind every random choice in
// core/. It is pure 64-bit integer arithmetic, so the same seed gives the same
// bits on every platform and compiler:
//   state += 0x9E3779B97F4A7C15;  z = state;
//   z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
//   z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
//   return z ^ (z >> 31);
// NextUniform() is (NextBits() >> 11) * 2^-53, a double in [0, 1) with 53
// random bits, exact. This is also the recipe of the reference point clouds in
// tests/data/pot_cases (README.md there).
#ifndef ADVECT_CORE_RANDOM_SPLITMIX64_H_
#define ADVECT_CORE_RANDOM_SPLITMIX64_H_

#include <cstdint>

namespace advect {

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}

  uint64_t NextBits() {
    state_ += 0x9E3779B97F4A7C15ULL;
    uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  double NextUniform() { return static_cast<double>(NextBits() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

}  // namespace advect

#endif  // ADVECT_CORE_RANDOM_SPLITMIX64_H_
