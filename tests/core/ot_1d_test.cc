// 1-D optimal transport against POT 0.8.2 (10^6 points), brute-force assignment,
// and closed forms.
#include "core/solvers/ot_1d.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace advect {
namespace {

using Eigen::VectorXd;

// x_a ~ U[0,1) (SplitMix64 seed 12345), x_b = U^2 (seed 67890), n = 10^6, as in
// tests/data/pot_cases/reference.json "one_d".
TEST(Ot1dTest, MatchesPotOnAMillionPoints) {
  const Eigen::Index n = 1'000'000;
  const VectorXd xa = testing::UniformPoints(n, 1, 12345).col(0);
  const VectorXd xb = testing::UniformPoints(n, 1, 67890).col(0).array().square();
  for (const auto& [p, key] : {std::pair{2.0, "wasserstein_1d_p2"},
                               std::pair{1.0, "wasserstein_1d_p1"}}) {
    absl::StatusOr<double> expected = testing::ReferenceNumber({"one_d", key});
    ASSERT_TRUE(expected.ok()) << expected.status();
    absl::StatusOr<Ot1dOutput> out = SolveOt1d(xa, xb, VectorXd(), VectorXd(), p);
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_NEAR(out->transport_cost, *expected, 1e-9 * *expected) << "p = " << p;
  }
}

// For n points against n points with uniform weights, OT is an assignment
// problem: for p >= 1 the 1-D solver must equal the best of all n! matchings.
TEST(Ot1dTest, EqualsTheBestAssignmentForUniformWeights) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(0.0, 1.0);
  VectorXd x(6);
  VectorXd y(6);
  for (int i = 0; i < 6; ++i) {
    x[i] = normal(rng);
    y[i] = 0.5 + 2.0 * normal(rng);
  }
  for (double p : {1.0, 1.5, 2.0, 3.0}) {
    std::vector<int> perm(6);
    std::iota(perm.begin(), perm.end(), 0);
    double best = INFINITY;
    do {
      double cost = 0.0;
      for (int i = 0; i < 6; ++i) cost += std::pow(std::abs(x[i] - y[perm[i]]), p) / 6.0;
      best = std::min(best, cost);
    } while (std::next_permutation(perm.begin(), perm.end()));
    absl::StatusOr<Ot1dOutput> out = SolveOt1d(x, y, VectorXd(), VectorXd(), p);
    ASSERT_TRUE(out.ok());
    EXPECT_NEAR(out->transport_cost, best, 1e-12) << "p = " << p;
  }
}

// A translated copy with the same weights: W_p^p = |shift|^p, whatever the order.
TEST(Ot1dTest, TranslationCostsTheShiftToThePowerP) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const int n = 500;
  VectorXd x(n);
  VectorXd w(n);
  for (int i = 0; i < n; ++i) {
    x[i] = unit(rng);
    w[i] = unit(rng);
  }
  std::vector<int> shuffled(n);
  std::iota(shuffled.begin(), shuffled.end(), 0);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  VectorXd y(n);
  VectorXd wy(n);
  for (int i = 0; i < n; ++i) {
    y[i] = x[shuffled[i]] + 0.3;
    wy[i] = w[shuffled[i]];
  }
  for (double p : {0.5, 1.0, 2.0, 3.0}) {
    absl::StatusOr<Ot1dOutput> out = SolveOt1d(x, y, w, wy, p);
    ASSERT_TRUE(out.ok());
    EXPECT_NEAR(out->transport_cost, std::pow(0.3, p), 1e-12) << "p = " << p;
  }
}

TEST(Ot1dTest, SplitsMassBetweenUnequalWeights) {
  // Half the mass at 0 and half at 1, all of it to 0.25: 0.5 * 0.25^2 + 0.5 * 0.75^2.
  const VectorXd x = (VectorXd(2) << 1.0, 0.0).finished();
  const VectorXd y = (VectorXd(1) << 0.25).finished();
  absl::StatusOr<Ot1dOutput> out = SolveOt1d(x, y, VectorXd(), VectorXd(), 2.0);
  ASSERT_TRUE(out.ok());
  EXPECT_DOUBLE_EQ(out->transport_cost, 0.3125);
  // Weights 3:1 on {0, 1} against uniform {0, 1, 2, 3}: quantiles 0,0,0,1 vs 0,1,2,3.
  const VectorXd x2 = (VectorXd(2) << 0.0, 1.0).finished();
  const VectorXd a2 = (VectorXd(2) << 3.0, 1.0).finished();
  const VectorXd y2 = (VectorXd(4) << 3.0, 1.0, 2.0, 0.0).finished();
  out = SolveOt1d(x2, y2, a2, VectorXd(), 1.0);
  ASSERT_TRUE(out.ok());
  EXPECT_DOUBLE_EQ(out->transport_cost, (0.0 + 1.0 + 2.0 + 2.0) / 4.0);
}

TEST(Ot1dTest, BadInputNamesTheField) {
  const VectorXd x = VectorXd::LinSpaced(4, 0.0, 1.0);
  auto message = [](const absl::StatusOr<Ot1dOutput>& out) {
    EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(out.status().message());
  };
  EXPECT_EQ(message(SolveOt1d(x, x, VectorXd(), VectorXd(), 0.0)),
            "p: must be finite and > 0, got 0");
  EXPECT_EQ(message(SolveOt1d(VectorXd(), x, VectorXd(), VectorXd(), 2.0)),
            "x: the source measure has no points");
  VectorXd bad = x;
  bad[2] = NAN;
  EXPECT_EQ(message(SolveOt1d(x, bad, VectorXd(), VectorXd(), 2.0))
                .rfind("y: values must be finite", 0),
            0u);
  const VectorXd negative = (VectorXd(4) << 1.0, -1.0, 1.0, 1.0).finished();
  EXPECT_EQ(message(SolveOt1d(x, x, negative, VectorXd(), 2.0))
                .rfind("a: weights must be non-negative", 0),
            0u);
}

TEST(Ot1dTest, HonoursAStopRequest) {
  class StopNow : public Observer {
   public:
    bool StopRequested() const override { return true; }
  } stop;
  const VectorXd x = VectorXd::LinSpaced(100'000, 0.0, 1.0);
  absl::StatusOr<Ot1dOutput> out = SolveOt1d(x, x, VectorXd(), VectorXd(), 2.0, stop);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kCancelled);
}

}  // namespace
}  // namespace advect

namespace advect {
namespace {

// Two threads sort the two sides at once; the answer keeps its bits.
TEST(Ot1dThreadsTest, TwoThreadsGiveTheSameBits) {
  const Eigen::Index n = 200'000;
  const VectorXd x = testing::UniformPoints(n, 1, 1).col(0);
  const VectorXd y = testing::UniformPoints(n - 1, 1, 2).col(0).array().square();
  const VectorXd a = testing::UniformPoints(n, 1, 3).col(0);
  for (bool weighted : {false, true}) {
    const VectorXd w = weighted ? a : VectorXd();
    absl::StatusOr<Ot1dOutput> one = SolveOt1d(x, y, w, VectorXd(), Ot1dOptions{2.0, 1});
    absl::StatusOr<Ot1dOutput> two = SolveOt1d(x, y, w, VectorXd(), Ot1dOptions{2.0, 2});
    ASSERT_TRUE(one.ok() && two.ok());
    EXPECT_EQ(one->transport_cost, two->transport_cost) << weighted;
  }
  absl::StatusOr<Ot1dOutput> bad = SolveOt1d(x, y, VectorXd(), VectorXd(), Ot1dOptions{2.0, 0});
  EXPECT_EQ(bad.status().message(), "num_threads: must be >= 1, got 0");
}

// The stop lands mid-sort (after a few polls), on either thread count.
TEST(Ot1dThreadsTest, StopMidSortGivesCancelled) {
  class StopAfter : public Observer {
   public:
    bool StopRequested() const override { return ++calls_ > 3; }

   private:
    mutable int calls_ = 0;
  };
  const VectorXd x = testing::UniformPoints(1'000'000, 1, 4).col(0);
  for (int threads : {1, 2}) {
    StopAfter stop;
    absl::StatusOr<Ot1dOutput> out =
        SolveOt1d(x, x, VectorXd(), VectorXd(), Ot1dOptions{1.0, threads}, stop);
    EXPECT_EQ(out.status().code(), absl::StatusCode::kCancelled) << threads;
  }
}

}  // namespace
}  // namespace advect
