#include "core/solvers/radix_sort.h"

#include <algorithm>
#include <bit>
#include <cstddef>
#include <memory>
#include <utility>

namespace advect {
namespace {

constexpr int kDigitBits = 11;
constexpr size_t kBuckets = size_t{1} << kDigitBits;
constexpr int kMaxDepth = (64 + kDigitBits - 1) / kDigitBits;  // 6
// Buckets this small are finished by insertion sort, in cache.
constexpr size_t kInsertionSize = 48;
// Splitting this many records between two polls takes well under a millisecond.
constexpr size_t kPollSize = size_t{1} << 16;

inline uint64_t KeyOf(uint64_t key) { return key; }
inline uint64_t KeyOf(const KeyWeight& record) { return record.key; }

template <typename Record>
void InsertionSort(Record* a, size_t n) {
  for (size_t i = 1; i < n; ++i) {
    const Record r = a[i];
    size_t j = i;
    for (; j > 0 && KeyOf(a[j - 1]) > KeyOf(r); --j) a[j] = a[j - 1];
    a[j] = r;
  }
}

// Most-significant-digit radix sort with ping-pong buffers: one pass splits by
// the next 11-bit digit, then each bucket is sorted on its own. Keys of real
// data share their top bits (sign, exponent) in large groups and buckets soon
// fit in cache, so this makes fewer passes over memory than LSD's fixed six.
class MsdSorter {
 public:
  explicit MsdSorter(const Observer& observer) : observer_(observer) {}

  // Sorts a[0, n) by the key bits below `top` (the bits above are equal). The
  // result ends in `a` if into_a, else in `b`; b is scratch of the same size.
  template <typename Record>
  bool Sort(Record* a, Record* b, size_t n, int top, bool into_a, int depth) {
    if (n <= kInsertionSize || top <= 0) {
      InsertionSort(a, n);
      if (!into_a) std::copy(a, a + n, b);
      return true;
    }
    // Poll by work done, at any depth: most of the work happens in buckets far
    // smaller than kPollSize.
    unpolled_ += n;
    if (unpolled_ >= kPollSize) {
      unpolled_ = 0;
      if (observer_.StopRequested()) return false;
    }
    // Small inputs get fewer buckets (about 8 records each): scanning 2048
    // counters for a few hundred records would cost more than the split.
    const int bits =
        std::min({kDigitBits, top, std::max(4, static_cast<int>(std::bit_width(n)) - 3)});
    const int shift = top - bits;
    const size_t buckets = size_t{1} << bits;
    const uint64_t mask = buckets - 1;
    size_t* count = counts_[depth];
    std::fill(count, count + buckets, size_t{0});
    for (size_t i = 0; i < n; ++i) ++count[(KeyOf(a[i]) >> shift) & mask];
    // One shared digit: nothing to split at this level.
    if (count[(KeyOf(a[0]) >> shift) & mask] == n) {
      return Sort(a, b, n, shift, into_a, depth);
    }
    size_t* next = next_[depth];
    size_t offset = 0;
    for (size_t d = 0; d < buckets; ++d) {
      next[d] = offset;
      offset += count[d];
    }
    for (size_t i = 0; i < n; ++i) {
      const Record& r = a[i];
      b[next[(KeyOf(r) >> shift) & mask]++] = r;
    }
    // The buckets now live in b, in order; sort each back into place. next[d]
    // is now the end of bucket d.
    size_t start = 0;
    for (size_t d = 0; d < buckets; ++d) {
      const size_t end = next[d];
      if (end > start && !Sort(b + start, a + start, end - start, shift, !into_a, depth + 1)) {
        return false;
      }
      start = end;
    }
    return true;
  }

 private:
  const Observer& observer_;
  size_t unpolled_ = 0;  // records split since the last poll
  // Per recursion level; a level's arrays are done with before its buckets recurse
  // (next_ is read, not written, while recursing).
  size_t counts_[kMaxDepth + 1][kBuckets];
  size_t next_[kMaxDepth + 1][kBuckets];
};

// `low` and `high` are the smallest and largest keys of `data`.
template <typename Record>
bool SortRecords(std::vector<Record>& data, std::vector<Record>& scratch, uint64_t low,
                 uint64_t high, const Observer& observer) {
  if (data.empty()) return true;
  // Bits above the highest one in which the smallest and the largest key differ
  // are shared by every key: start the first digit just below them, so that it
  // splits the data instead of sorting a common sign and exponent.
  const int top = 64 - std::countl_zero(low ^ high);
  scratch.resize(data.size());
  // About 200 KB of bucket counts: on the heap, not the (thread's) stack.
  auto sorter = std::make_unique<MsdSorter>(observer);
  return sorter->Sort(data.data(), scratch.data(), data.size(), top, true, 0);
}

}  // namespace

bool SortedKeys(const Eigen::Ref<const Eigen::VectorXd>& values, std::vector<uint64_t>& keys,
                std::vector<uint64_t>& scratch, const Observer& observer) {
  const auto n = static_cast<size_t>(values.size());
  keys.resize(n);
  uint64_t low = ~uint64_t{0};
  uint64_t high = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t key = OrderedKey(values[static_cast<Eigen::Index>(i)]);
    keys[i] = key;
    low = std::min(low, key);
    high = std::max(high, key);
  }
  return SortRecords(keys, scratch, low, high, observer);
}

bool SortedKeyWeights(const Eigen::Ref<const Eigen::VectorXd>& values,
                      const Eigen::Ref<const Eigen::VectorXd>& weights, double divisor,
                      std::vector<KeyWeight>& records, std::vector<KeyWeight>& scratch,
                      const Observer& observer) {
  const auto n = static_cast<size_t>(values.size());
  records.resize(n);
  uint64_t low = ~uint64_t{0};
  uint64_t high = 0;
  for (size_t i = 0; i < n; ++i) {
    const auto e = static_cast<Eigen::Index>(i);
    const uint64_t key = OrderedKey(values[e]);
    records[i] = {key, weights[e] / divisor};
    low = std::min(low, key);
    high = std::max(high, key);
  }
  return SortRecords(records, scratch, low, high, observer);
}

}  // namespace advect
