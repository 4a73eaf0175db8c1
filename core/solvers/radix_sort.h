// Radix sort of doubles (and of (double, weight) records), the sorting step
// of the 1-D and sliced solvers.
//
// Doubles are sorted through an order-preserving map of their IEEE 754 bit
// pattern to uint64 (flip every bit of a negative number, only the sign bit of
// a positive one), so that unsigned order is numeric order (-0 sorts before +0;
// NaN is excluded by the callers' validation). Most-significant-digit first,
// 11-bit digits, buckets of <= 48 records finished by insertion sort; levels
// whose digit is shared by every key are skipped. At 10^5..10^6 keys this is
// 2-3x faster than std::sort (radix_sort.cc; bench/sort_solvers_bench) and,
// unlike std::sort, it polls the observer once per 2^16 records split (a sort
// splits each record two or three times), so a stop request is seen within
// about a millisecond.
#ifndef ADVECT_CORE_SOLVERS_RADIX_SORT_H_
#define ADVECT_CORE_SOLVERS_RADIX_SORT_H_

#include <Eigen/Core>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/observer.h"

namespace advect {

inline uint64_t OrderedKey(double value) {
  uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  const uint64_t flip = (0 - (bits >> 63)) | 0x8000000000000000ULL;
  return bits ^ flip;
}

inline double KeyToDouble(uint64_t key) {
  // Undo the flip without a branch: the top bit of the key says which one it was.
  const uint64_t flip = ((key >> 63) - 1) | 0x8000000000000000ULL;
  const uint64_t bits = key ^ flip;
  double value = 0.0;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

// A point of a weighted 1-D measure, by its ordered key.
struct KeyWeight {
  uint64_t key;
  double weight;
};

// Fills `keys` with the ordered keys of `values`, sorted increasingly.
// `scratch` is working memory (resized as needed, reusable across calls).
// Returns false, leaving `keys` unspecified, if the observer asked to stop.
bool SortedKeys(const Eigen::Ref<const Eigen::VectorXd>& values, std::vector<uint64_t>& keys,
                std::vector<uint64_t>& scratch, const Observer& observer);

// Same for weighted values: records (key of values[i], weights[i] / divisor)
// sorted by key (the divisor normalises the weights on the way).
bool SortedKeyWeights(const Eigen::Ref<const Eigen::VectorXd>& values,
                      const Eigen::Ref<const Eigen::VectorXd>& weights, double divisor,
                      std::vector<KeyWeight>& records, std::vector<KeyWeight>& scratch,
                      const Observer& observer);

}  // namespace advect

#endif  // ADVECT_CORE_SOLVERS_RADIX_SORT_H_
