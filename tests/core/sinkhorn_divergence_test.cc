// SolveSinkhornDivergence: S(alpha, alpha) = 0, positivity, symmetry, the exact
// shift identity for translations, the limits eps -> 0 (brute-force W_2^2) and
// eps -> infinity (energy distance), and the Observer contract.
#include "core/solvers/sinkhorn_divergence.h"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <limits>
#include <numeric>
#include <vector>

#include <Eigen/Core>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "core/geometry/cost.h"
#include "core/solvers/sinkhorn.h"
#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace advect {
namespace {

using ::advect::testing::UniformPoints;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

SinkhornOptions Options(double epsilon, double tolerance = 1e-11) {
  SinkhornOptions options;
  options.epsilon = epsilon;
  options.tolerance = tolerance;
  options.max_iterations = 1000000;
  return options;
}

SinkhornDivergenceOutput Divergence(const MatrixXd& x, const MatrixXd& y, const VectorXd& a,
                                    const VectorXd& b, const SinkhornOptions& options,
                                    const GroundCost& cost = GroundCost{}) {
  absl::StatusOr<SinkhornDivergenceOutput> out =
      SolveSinkhornDivergence(x, y, a, b, cost, options);
  EXPECT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(out->converged);
  return *out;
}

// Positive weights in [0.1, 1.1) from SplitMix64(seed).
VectorXd Weights(Index n, uint64_t seed) {
  return (UniformPoints(n, 1, seed).array() + 0.1).matrix();
}

TEST(SinkhornDivergenceTest, ValidationErrorsNameTheField) {
  const MatrixXd x = UniformPoints(5, 2, 1);
  const MatrixXd y = UniformPoints(4, 2, 2);
  const struct {
    absl::StatusOr<SinkhornDivergenceOutput> out;
    const char* field;
  } cases[] = {
      {SolveSinkhornDivergence(x, y, VectorXd(), VectorXd(), GroundCost{}, Options(0.0)),
       "epsilon"},
      {SolveSinkhornDivergence(x, UniformPoints(4, 3, 2), VectorXd(), VectorXd(), GroundCost{},
                               Options(0.1)),
       "y"},
      {SolveSinkhornDivergence(MatrixXd(0, 2), y, VectorXd(), VectorXd(), GroundCost{},
                               Options(0.1)),
       "x"},
      {SolveSinkhornDivergence(x, y, VectorXd::Ones(3), VectorXd(), GroundCost{}, Options(0.1)),
       "a"},
      {SolveSinkhornDivergence(x, y, VectorXd(), -VectorXd::Ones(4), GroundCost{}, Options(0.1)),
       "b"},
      {SolveSinkhornDivergence(x, y, VectorXd(), VectorXd(), GroundCost{CostKind::kPower, -1.0},
                               Options(0.1)),
       "cost.p"},
  };
  for (const auto& c : cases) {
    ASSERT_FALSE(c.out.ok()) << c.field;
    EXPECT_EQ(c.out.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StartsWith(c.out.status().message(), c.field)) << c.out.status();
  }
}

TEST(SinkhornDivergenceTest, DivergenceOfAMeasureWithItselfIsZero) {
  // Same input: the xy solve is the xx solve, so S = 0 to the last bit. Points
  // given in another order: the same measure, a different solve, and S = 0 up
  // to the solves' accuracy (each value within max|g| * 1e-11 of its fixed point).
  for (uint64_t seed : {1, 2, 3}) {
    for (bool uniform : {true, false}) {
      SCOPED_TRACE(::testing::Message() << "seed " << seed << " uniform " << uniform);
      const Index n = 20 + 10 * static_cast<Index>(seed);
      const MatrixXd x = UniformPoints(n, 2 + static_cast<Index>(seed) % 2, seed);
      const VectorXd a = uniform ? VectorXd() : Weights(n, seed + 100);
      for (double eps : {0.01, 0.1, 1.0}) {
        const SinkhornDivergenceOutput same = Divergence(x, x, a, a, Options(eps));
        EXPECT_EQ(same.divergence, 0.0);
        EXPECT_EQ(same.ot_xy, same.ot_xx);

        std::vector<Index> order(n);
        std::iota(order.begin(), order.end(), 0);
        std::reverse(order.begin(), order.end());
        std::rotate(order.begin(), order.begin() + 3, order.end());
        const MatrixXd y = x(order, Eigen::all);
        const VectorXd b = uniform ? VectorXd() : VectorXd(a(order));
        const SinkhornDivergenceOutput permuted = Divergence(x, y, a, b, Options(eps));
        EXPECT_NEAR(permuted.divergence, 0.0, 1e-9) << "eps " << eps;
        EXPECT_NEAR(permuted.ot_xx, permuted.ot_yy, 1e-9);
        // The regularised value of a measure with itself is not 0 (it is
        // about eps log n at small eps): the debiasing is doing real work.
        EXPECT_GT(permuted.ot_xy, 0.0);
      }
    }
  }
}

TEST(SinkhornDivergenceTest, PositiveAndSymmetricForDifferentMeasures) {
  const MatrixXd x = UniformPoints(30, 2, 11);
  const MatrixXd y = UniformPoints(25, 2, 12);
  const VectorXd a = Weights(30, 13);
  for (double eps : {0.01, 0.1, 1.0, 10.0}) {
    SCOPED_TRACE(::testing::Message() << "eps " << eps);
    const SinkhornDivergenceOutput xy = Divergence(x, y, a, VectorXd(), Options(eps));
    const SinkhornDivergenceOutput yx = Divergence(y, x, VectorXd(), a, Options(eps));
    EXPECT_GT(xy.divergence, 1e-4);
    EXPECT_NEAR(xy.divergence, yx.divergence, 1e-9);
    EXPECT_NEAR(xy.ot_xx, yx.ot_yy, 1e-12);  // the same solve, on the same side
    // Same points, different weights: still positive.
    const SinkhornDivergenceOutput reweighted = Divergence(x, x, a, VectorXd(), Options(eps));
    EXPECT_GT(reweighted.divergence, 0.0);
  }
}

TEST(SinkhornDivergenceTest, TransportCostAndValueAreThoseOfSinkhorn) {
  // The x-y term is entropic OT itself: its value and plan cost agree with
  // SolveSinkhorn's dual objective and <P, C> (same problem, same tolerance).
  const MatrixXd x = UniformPoints(30, 2, 21);
  const MatrixXd y = UniformPoints(25, 2, 22);
  const VectorXd a = Weights(30, 23);
  for (double eps : {0.05, 0.5}) {
    SCOPED_TRACE(::testing::Message() << "eps " << eps);
    const SinkhornDivergenceOutput s = Divergence(x, y, a, VectorXd(), Options(eps));
    absl::StatusOr<LinearProblem> problem =
        LinearProblem::FromPoints(x, y, a, VectorXd(), GroundCost{});
    ASSERT_TRUE(problem.ok());
    absl::StatusOr<SinkhornOutput> direct = SolveSinkhorn(*problem, Options(eps));
    ASSERT_TRUE(direct.ok() && direct->converged);
    EXPECT_NEAR(s.ot_xy, direct->dual_objective, 1e-9 * std::abs(direct->dual_objective));
    EXPECT_NEAR(s.transport_cost, direct->transport_cost, 1e-8 * direct->transport_cost);
    EXPECT_GT(s.transport_cost, 0.0);
  }
}

TEST(SinkhornDivergenceTest, TranslationGivesTheSquaredShiftAtEveryEpsilon) {
  // For c = |x - y|^2, C(x_i, x_j + t) = C(x_i, x_j) - 2 <x_i, t> + 2 <x_j, t> + |t|^2:
  // the extra terms are separable, so every coupling of alpha and alpha + t pays
  // exactly |t|^2 more and OT_eps(alpha, alpha + t) = OT_eps(alpha, alpha) + |t|^2,
  // while OT_eps(beta, beta) = OT_eps(alpha, alpha) by translation invariance.
  // Hence S_eps = |t|^2 for every eps, not only in the limit eps -> 0.
  // (Small eps is not needed to see it, and is slow: the plan of a cloud to its
  // translate is then close to the identity permutation.)
  const MatrixXd x = UniformPoints(20, 3, 21);
  const VectorXd a = Weights(20, 22);
  Eigen::RowVector3d t(0.3, -0.2, 0.5);
  const MatrixXd y = x.rowwise() + t;
  for (double eps : {0.05, 0.2, 1.0, 10.0}) {
    const SinkhornDivergenceOutput out = Divergence(x, y, a, a, Options(eps));
    EXPECT_NEAR(out.divergence, t.squaredNorm(), 1e-9) << "eps " << eps;
  }
}

// W_2^2 between uniform measures on n points each by trying all n! assignments
// (an optimal plan of uniform n-point measures is a permutation; Birkhoff).
double BruteForceW22(const MatrixXd& x, const MatrixXd& y) {
  std::vector<Index> perm(x.rows());
  std::iota(perm.begin(), perm.end(), 0);
  double best = std::numeric_limits<double>::infinity();
  do {
    double cost = 0.0;
    for (Index i = 0; i < x.rows(); ++i) cost += (x.row(i) - y.row(perm[i])).squaredNorm();
    best = std::min(best, cost / static_cast<double>(x.rows()));
  } while (std::next_permutation(perm.begin(), perm.end()));
  return best;
}

TEST(SinkhornDivergenceTest, SmallEpsilonApproachesExactW2) {
  // OT_eps(alpha, beta) = W + eps log n + o(eps) when the optimal permutation is
  // unique and OT_eps(alpha, alpha) = eps log n + o(eps): the first-order terms
  // cancel in S, which leaves corrections of order exp(-gap / eps) (gap = the
  // cost margin of the optimal assignment). Stated tolerance at eps = 1e-3:
  // 1e-3 W (measured 4e-6 W to 4e-5 W). Intermediate eps (1e-2 to 3e-3 here)
  // is left out: where two assignments nearly tie, Sinkhorn (alternating or
  // averaged alike) needs more than 1e5 iterations there on some of these
  // clouds; the three cases below converge at both eps.
  for (uint64_t seed : {31, 33, 47}) {
    const Index n = 4 + static_cast<Index>(seed % 3);  // 5, 4, 6 points
    const MatrixXd x = UniformPoints(n, 2, seed);
    const MatrixXd y = UniformPoints(n, 2, seed + 50);
    const double w = BruteForceW22(x, y);
    double previous = std::numeric_limits<double>::infinity();
    for (double eps : {0.1, 0.001}) {
      SinkhornOptions options = Options(eps, 1e-8);
      options.max_iterations = 100000;
      options.epsilon_scaling = EpsilonScaling{};
      const SinkhornDivergenceOutput out = Divergence(x, y, VectorXd(), VectorXd(), options);
      const double error = std::abs(out.divergence - w);
      std::cout << "n " << n << " eps " << eps << ": S = " << out.divergence << ", W = " << w
                << ", |S - W| / W = " << error / w << ", " << out.iterations << " iterations\n";
      EXPECT_LT(error, previous);
      previous = error;
    }
    EXPECT_LE(previous, 1e-3 * w) << "n " << n;
  }
}

TEST(SinkhornDivergenceTest, LargeEpsilonApproachesTheEnergyDistance) {
  // As eps -> infinity, OT_eps(alpha, beta) = <a x b, C> - Var_{a x b}(C) / (2 eps) + ...
  // (Feydy et al. 2019, Prop. 1), so S tends to -<a - b, C (a - b)> / 2 with an
  // O(max C^2 / eps) error. For |x - y|^2 that limit is |mean(alpha) - mean(beta)|^2.
  const MatrixXd x = UniformPoints(30, 2, 41);
  const MatrixXd y = (UniformPoints(20, 2, 42).array() * 1.5).matrix();
  const VectorXd a = Weights(30, 43) / Weights(30, 43).sum();
  const VectorXd b = VectorXd::Constant(20, 1.0 / 20);
  for (const GroundCost& cost : {GroundCost{}, GroundCost{CostKind::kEuclidean, 1.0}}) {
    absl::StatusOr<MatrixXd> cxy = CostMatrix(x, y, cost);
    absl::StatusOr<MatrixXd> cxx = CostMatrix(x, x, cost);
    absl::StatusOr<MatrixXd> cyy = CostMatrix(y, y, cost);
    ASSERT_TRUE(cxy.ok() && cxx.ok() && cyy.ok());
    const double energy = a.dot(*cxy * b) - 0.5 * a.dot(*cxx * a) - 0.5 * b.dot(*cyy * b);
    if (cost.kind == CostKind::kSquaredEuclidean) {
      const Eigen::RowVectorXd shift = a.transpose() * x - b.transpose() * y;
      EXPECT_NEAR(energy, shift.squaredNorm(), 1e-14);
    }
    double previous = std::numeric_limits<double>::infinity();
    for (double eps : {1e2, 1e3, 1e4}) {
      const SinkhornDivergenceOutput out = Divergence(x, y, a, b, Options(eps, 1e-13), cost);
      const double error = std::abs(out.divergence - energy);
      std::cout << "eps " << eps << ": |S - energy| = " << error << " (energy " << energy
                << ")\n";
      // Each variance is at most max(C)^2 / 4, and max C <= 2 * 1.5^2 = 4.5 here.
      EXPECT_LE(error, 4.5 * 4.5 / eps);
      EXPECT_LT(error, previous);
      previous = error;
    }
  }
}

// ----------------------------------------------------------------- observer

class Recorder : public Observer {
 public:
  void OnProgress(const ProgressReport& report) override { reports.push_back(report); }
  bool WantsFrame(int64_t /*step*/) const override { return true; }
  void OnFrame(Frame frame) override { frames.push_back(std::move(frame)); }
  std::vector<ProgressReport> reports;
  std::vector<Frame> frames;
};

TEST(SinkhornDivergenceObserverTest, ProgressIsOneSequenceAcrossTheThreeSolves) {
  const MatrixXd x = UniformPoints(30, 2, 51);
  const MatrixXd y = UniformPoints(20, 2, 52);
  Recorder recorder;
  absl::StatusOr<SinkhornDivergenceOutput> out = SolveSinkhornDivergence(
      x, y, VectorXd(), VectorXd(), GroundCost{}, Options(0.05, 1e-9), recorder);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(static_cast<int64_t>(recorder.reports.size()), out->iterations);
  // The objective of each report is that of its own solve: the last report of
  // a solve carries its value, and the three boundaries are where it jumps to
  // the next solve's first iterate (zero potentials, objective 0).
  std::vector<size_t> starts;
  for (size_t k = 0; k < recorder.reports.size(); ++k) {
    EXPECT_EQ(recorder.reports[k].iteration, static_cast<int64_t>(k) + 1);
    if (recorder.reports[k].objective == 0.0) starts.push_back(k);
  }
  ASSERT_EQ(starts.size(), 3u);
  EXPECT_EQ(starts[0], 0u);
  EXPECT_EQ(recorder.reports[starts[1] - 1].objective, out->ot_xy);
  EXPECT_EQ(recorder.reports[starts[2] - 1].objective, out->ot_xx);
  EXPECT_EQ(recorder.reports.back().objective, out->ot_yy);
  for (size_t s : {starts[1] - 1, starts[2] - 1, recorder.reports.size() - 1}) {
    EXPECT_LE(recorder.reports[s].error, 1e-9);
  }
  EXPECT_TRUE(recorder.frames.empty());
}

// Asks to stop after `after` polls of StopRequested().
class StopAfterPolls : public Observer {
 public:
  explicit StopAfterPolls(int after) : after_(after) {}
  bool StopRequested() const override { return ++polls_ > after_; }
  int polls() const { return polls_; }

 private:
  const int after_;
  mutable int polls_ = 0;
};

TEST(SinkhornDivergenceObserverTest, StopsInEveryPhase) {
  // The polls run through the three cost matrices and the three solves; stopping
  // after k of them for k spread over the whole run hits each.
  const MatrixXd x = UniformPoints(40, 2, 61);
  const MatrixXd y = UniformPoints(30, 2, 62);
  const SinkhornOptions options = Options(0.05, 1e-9);
  StopAfterPolls counter(std::numeric_limits<int>::max());
  ASSERT_TRUE(
      SolveSinkhornDivergence(x, y, VectorXd(), VectorXd(), GroundCost{}, options, counter).ok());
  const int total = counter.polls();
  for (int after : {0, 1, 50, total / 4, total / 2, 3 * total / 4, total - 1}) {
    StopAfterPolls observer(after);
    absl::StatusOr<SinkhornDivergenceOutput> out =
        SolveSinkhornDivergence(x, y, VectorXd(), VectorXd(), GroundCost{}, options, observer);
    EXPECT_EQ(out.status().code(), absl::StatusCode::kCancelled) << "after " << after;
    EXPECT_EQ(observer.polls(), after + 1) << "after " << after;
  }
}

}  // namespace
}  // namespace advect
