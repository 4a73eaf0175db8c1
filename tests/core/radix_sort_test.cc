// The radix sort behind the 1-D and sliced solvers: it must order exactly as
// std::sort, keep weights with their values, and stop when asked.
#include "core/solvers/radix_sort.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace advect {
namespace {

std::vector<double> Values(const std::vector<uint64_t>& keys) {
  std::vector<double> v;
  for (uint64_t k : keys) v.push_back(KeyToDouble(k));
  return v;
}

TEST(RadixSortTest, KeysRoundTripAndOrderLikeDoubles) {
  const double special[] = {-std::numeric_limits<double>::infinity(),
                            -1e300,
                            -1.0,
                            -1e-310,
                            0.0,
                            1e-310,
                            0.5,
                            1.0,
                            3.0,
                            1e300,
                            std::numeric_limits<double>::infinity()};
  for (size_t i = 0; i < std::size(special); ++i) {
    EXPECT_EQ(KeyToDouble(OrderedKey(special[i])), special[i]);
    if (i > 0) {
      EXPECT_LT(OrderedKey(special[i - 1]), OrderedKey(special[i]));
    }
  }
  EXPECT_LT(OrderedKey(-0.0), OrderedKey(0.0));
}

// Sizes around every threshold of the sort, on data with mixed signs, many
// exponents, duplicates and a narrow cluster (keys sharing their top bits).
TEST(RadixSortTest, SortsLikeStdSort) {
  for (Eigen::Index n : {1, 2, 47, 48, 49, 1000, 5000, 70'000, 300'000}) {
    const Eigen::VectorXd u = testing::UniformPoints(n, 1, 1000 + n).col(0);
    Eigen::VectorXd v(n);
    for (Eigen::Index i = 0; i < n; ++i) {
      switch (i % 4) {
        case 0:
          v[i] = u[i] - 0.5;
          break;
        case 1:
          v[i] = std::exp(40.0 * (u[i] - 0.5));
          break;
        case 2:
          v[i] = std::round(10.0 * u[i]);
          break;
        default:
          v[i] = 1.0 + 1e-12 * u[i];
          break;
      }
    }
    std::vector<double> expected(v.data(), v.data() + n);
    std::sort(expected.begin(), expected.end());
    std::vector<uint64_t> keys, scratch;
    ASSERT_TRUE(SortedKeys(v, keys, scratch, NullObserver()));
    EXPECT_EQ(Values(keys), expected) << "n = " << n;

    // Weighted: each value keeps its own weight (weights encode the value), divided
    // by the divisor.
    const Eigen::VectorXd w = 4.0 * v;
    std::vector<KeyWeight> records, record_scratch;
    ASSERT_TRUE(SortedKeyWeights(v, w, 2.0, records, record_scratch, NullObserver()));
    for (Eigen::Index i = 0; i < n; ++i) {
      const KeyWeight& r = records[static_cast<size_t>(i)];
      ASSERT_EQ(KeyToDouble(r.key), expected[static_cast<size_t>(i)]);
      ASSERT_EQ(r.weight, 2.0 * KeyToDouble(r.key));
    }
  }
}

class CountingStop : public Observer {
 public:
  explicit CountingStop(int allowed) : allowed_(allowed) {}
  bool StopRequested() const override { return ++calls_ > allowed_; }
  int calls() const { return calls_; }

 private:
  int allowed_;
  mutable int calls_ = 0;
};

// A 10^6 sort polls at least once per 2^16 records, so a stop
// request mid-sort is seen within a millisecond or so, and it is obeyed.
TEST(RadixSortTest, PollsOftenAndStopsMidSort) {
  const Eigen::VectorXd v = testing::UniformPoints(1'000'000, 1, 5).col(0);
  std::vector<uint64_t> keys, scratch;
  CountingStop never(1 << 30);
  ASSERT_TRUE(SortedKeys(v, keys, scratch, never));
  EXPECT_GE(never.calls(), 1'000'000 >> 16);
  CountingStop soon(3);
  EXPECT_FALSE(SortedKeys(v, keys, scratch, soon));
  EXPECT_EQ(soon.calls(), 4);
}

}  // namespace
}  // namespace advect
