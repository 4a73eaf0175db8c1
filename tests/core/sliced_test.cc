// Sliced Wasserstein against POT 0.8.2, the 1-D solver, brute-force W2 and its
// own invariances; reproducibility, progress and cancellation.
#include "core/solvers/sliced.h"

#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <vector>

#include "core/solvers/ot_1d.h"
#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace advect {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

struct PotCase {
  MatrixXd xs, xt, directions;
};

PotCase LoadCase() {
  PotCase c;
  absl::StatusOr<MatrixXd> xs = testing::LoadPotArray("n2000_d10/xs.npy");
  absl::StatusOr<MatrixXd> xt = testing::LoadPotArray("n2000_d10/xt.npy");
  absl::StatusOr<MatrixXd> dirs = testing::LoadPotArray("sliced_projections_d10_p50_seed0.npy");
  EXPECT_TRUE(xs.ok() && xt.ok() && dirs.ok());
  if (xs.ok() && xt.ok() && dirs.ok()) c = {*xs, *xt, *dirs};
  return c;
}

SlicedOutput Solve(const MatrixXd& x, const MatrixXd& y, const VectorXd& a, const VectorXd& b,
                   const SlicedOptions& options, Observer& observer = NullObserver()) {
  absl::StatusOr<SlicedOutput> out = SolveSliced(x, y, a, b, options, observer);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? *std::move(out) : SlicedOutput{};
}

// POT 0.8.2 on tests/data/pot_cases/n2000_d10 with its 50 reference directions P,
// the mean of the 1-D values (POT's value before the 1/p root):
//   r = ot.sliced_wasserstein_distance(xs, xt, a, b, n_projections=50, p=p,
//                                      projections=P, log=True)
//   np.sum(r[1]["projected_emds"]) / 50
// with a = U(111, 2000), b = U(222, 1500) normalised (SplitMix64 streams).
TEST(SlicedTest, MatchesPotWithTheReferenceDirections) {
  const PotCase c = LoadCase();
  SlicedOptions options;
  options.directions = c.directions;
  struct Expected {
    Eigen::Index n, m;
    bool weighted;
    double p, value;
  };
  for (const Expected& e : {Expected{2000, 2000, false, 2.0, 0.0002635964429329664},
                            Expected{2000, 1500, true, 2.0, 0.00044606457395870167},
                            Expected{1500, 2000, false, 1.0, 0.013401475087794686},
                            Expected{2000, 2000, false, 1.5, 0.0017090145428095924}}) {
    options.p = e.p;
    const VectorXd a = e.weighted ? VectorXd(testing::UniformPoints(e.n, 1, 111)) : VectorXd();
    const VectorXd b = e.weighted ? VectorXd(testing::UniformPoints(e.m, 1, 222)) : VectorXd();
    const SlicedOutput out = Solve(c.xs.topRows(e.n), c.xt.topRows(e.m), a, b, options);
    EXPECT_NEAR(out.transport_cost, e.value, 1e-12 * e.value) << e.n << " " << e.m << " " << e.p;
    EXPECT_EQ(out.per_direction.size(), 50);
    EXPECT_EQ(out.directions, c.directions);
  }
}

bool SameBits(const MatrixXd& u, const MatrixXd& v) {
  return u.rows() == v.rows() && u.cols() == v.cols() &&
         std::memcmp(u.data(), v.data(), sizeof(double) * static_cast<size_t>(u.size())) == 0;
}

TEST(SlicedTest, SameSeedSameBitsWhateverTheThreadCount) {
  const MatrixXd x = testing::UniformPoints(5000, 4, 1);
  const MatrixXd y = testing::UniformPoints(4000, 4, 2).array().square();
  const VectorXd b = testing::UniformPoints(4000, 1, 3);
  SlicedOptions options;
  options.num_directions = 37;
  options.seed = 9;
  const SlicedOutput first = Solve(x, y, VectorXd(), b, options);
  for (int threads : {1, 2, 3}) {
    options.num_threads = threads;
    const SlicedOutput again = Solve(x, y, VectorXd(), b, options);
    EXPECT_TRUE(SameBits(again.directions, first.directions));
    EXPECT_TRUE(SameBits(again.per_direction, first.per_direction));
    EXPECT_EQ(std::memcmp(&again.transport_cost, &first.transport_cost, sizeof(double)), 0);
  }
  options.seed = 10;
  const SlicedOutput other = Solve(x, y, VectorXd(), b, options);
  EXPECT_NE(other.transport_cost, first.transport_cost);
  EXPECT_FALSE(SameBits(other.directions, first.directions));
}

TEST(SlicedTest, InOneDimensionEqualsTheOneDimensionalSolver) {
  const VectorXd x = testing::UniformPoints(3000, 1, 4).col(0);
  const VectorXd y = testing::UniformPoints(2000, 1, 5).col(0).array().cube();
  const VectorXd a = testing::UniformPoints(3000, 1, 6).col(0);
  for (double p : {1.0, 2.0, 3.5}) {
    for (bool weighted : {false, true}) {
      const VectorXd w = weighted ? a : VectorXd();
      absl::StatusOr<Ot1dOutput> reference = SolveOt1d(x, y, w, VectorXd(), p);
      ASSERT_TRUE(reference.ok());
      SlicedOptions options;
      options.p = p;
      options.num_directions = 3;  // each direction is +1 or -1
      const SlicedOutput out = Solve(x, y, w, VectorXd(), options);
      for (Eigen::Index j = 0; j < 3; ++j) {
        EXPECT_NEAR(out.per_direction[j], reference->transport_cost,
                    1e-13 * reference->transport_cost);
      }
      options.directions = MatrixXd::Ones(1, 1);
      EXPECT_EQ(Solve(x, y, w, VectorXd(), options).transport_cost, reference->transport_cost);
    }
  }
}

// Brute-force W_2^2 between n equal-weight points: the best of all n! matchings.
double BruteForceW2(const MatrixXd& x, const MatrixXd& y) {
  std::vector<int> perm(static_cast<size_t>(x.rows()));
  std::iota(perm.begin(), perm.end(), 0);
  double best = INFINITY;
  do {
    double cost = 0.0;
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      cost += (x.row(i) - y.row(perm[static_cast<size_t>(i)])).squaredNorm();
    }
    best = std::min(best, cost / static_cast<double>(x.rows()));
  } while (std::next_permutation(perm.begin(), perm.end()));
  return best;
}

// Projections are 1-Lipschitz, so every direction's W_2^2 is at most W_2^2.
TEST(SlicedTest, SlicedW2IsAtMostW2) {
  for (uint64_t seed = 0; seed < 5; ++seed) {
    const MatrixXd x = testing::UniformPoints(7, 3, 100 + seed);
    const MatrixXd y = 0.5 * testing::UniformPoints(7, 3, 200 + seed).array() + 0.3;
    const double w2 = BruteForceW2(x, y);
    SlicedOptions options;
    options.num_directions = 500;
    options.seed = seed;
    const SlicedOutput out = Solve(x, y, VectorXd(), VectorXd(), options);
    EXPECT_LE(out.per_direction.maxCoeff(), w2 * (1 + 1e-12)) << seed;
    EXPECT_LT(out.transport_cost, w2);
    EXPECT_GT(out.transport_cost, 0.0);
  }
}

// SW is an expectation over uniform directions, which rotations preserve: the
// estimates for (x, y) and (Rx, Ry) agree within their statistical error.
TEST(SlicedTest, IsRotationInvariantInExpectation) {
  const MatrixXd x = testing::UniformPoints(400, 3, 7);
  const MatrixXd y = testing::UniformPoints(300, 3, 8).array().square() * 2.0;
  const MatrixXd r = Eigen::HouseholderQR<MatrixXd>(testing::UniformPoints(3, 3, 9)).householderQ();
  SlicedOptions options;
  options.num_directions = 4000;
  const SlicedOutput plain = Solve(x, y, VectorXd(), VectorXd(), options);
  options.seed = 1;
  const SlicedOutput rotated =
      Solve(x * r.transpose(), y * r.transpose(), VectorXd(), VectorXd(), options);
  const double sd =
      std::sqrt((plain.per_direction.array() - plain.transport_cost).square().mean() / 4000.0);
  EXPECT_NEAR(plain.transport_cost, rotated.transport_cost, 6.0 * sd);
  EXPECT_GT(sd, 0.0);
}

TEST(SlicedTest, BadInputNamesTheField) {
  const MatrixXd x = testing::UniformPoints(10, 3, 1);
  auto message = [&](const SlicedOptions& options, const MatrixXd& y = MatrixXd(),
                     const VectorXd& a = VectorXd()) {
    absl::StatusOr<SlicedOutput> out = SolveSliced(x, y.size() ? y : x, a, VectorXd(), options);
    EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(out.status().message());
  };
  auto starts = [](const std::string& text, const char* prefix) {
    return text.rfind(prefix, 0) == 0;
  };
  SlicedOptions bad_p;
  bad_p.p = 0.0;
  EXPECT_EQ(message(bad_p), "p: must be finite and > 0, got 0");
  SlicedOptions no_directions;
  no_directions.num_directions = 0;
  EXPECT_EQ(message(no_directions), "num_directions: must be in [1, 1000000], got 0");
  SlicedOptions no_threads;
  no_threads.num_threads = 0;
  EXPECT_TRUE(starts(message(no_threads), "num_threads:"));
  SlicedOptions wrong_rows;
  wrong_rows.directions = MatrixXd::Identity(2, 2);
  EXPECT_EQ(message(wrong_rows),
            "directions: expected 3 rows (the dimension of the points), got 2");
  SlicedOptions not_unit;
  not_unit.directions = MatrixXd::Identity(3, 2) * 1.01;
  EXPECT_TRUE(starts(message(not_unit), "directions: column 0 has norm 1.01"));
  MatrixXd with_nan = MatrixXd::Identity(3, 2);
  with_nan(1, 1) = NAN;
  SlicedOptions not_finite;
  not_finite.directions = with_nan;
  EXPECT_TRUE(starts(message(not_finite), "directions: values must be finite"));
  const SlicedOptions defaults;
  EXPECT_TRUE(
      starts(message(defaults, testing::UniformPoints(10, 2, 1)), "y: points have dimension 2"));
  EXPECT_TRUE(starts(message(defaults, MatrixXd(), -VectorXd::Ones(10)),
                     "a: weights must be non-negative"));
}

class Recorder : public Observer {
 public:
  explicit Recorder(int64_t stop_after = -1) : stop_after_(stop_after) {}
  void OnProgress(const ProgressReport& report) override { reports.push_back(report); }
  bool StopRequested() const override {
    return stop_after_ >= 0 && static_cast<int64_t>(reports.size()) >= stop_after_;
  }
  std::vector<ProgressReport> reports;

 private:
  int64_t stop_after_;
};

TEST(SlicedTest, ReportsEachDirectionInOrder) {
  const MatrixXd x = testing::UniformPoints(3000, 5, 1);
  const MatrixXd y = testing::UniformPoints(2000, 5, 2);
  for (int threads : {1, 2}) {
    SlicedOptions options;
    options.num_directions = 40;
    options.num_threads = threads;
    Recorder recorder;
    const SlicedOutput out = Solve(x, y, VectorXd(), VectorXd(), options, recorder);
    ASSERT_EQ(recorder.reports.size(), 40u);
    double sum = 0.0;
    for (int64_t j = 0; j < 40; ++j) {
      sum += out.per_direction[j];
      EXPECT_EQ(recorder.reports[static_cast<size_t>(j)].iteration, j + 1);
      EXPECT_EQ(recorder.reports[static_cast<size_t>(j)].objective,
                sum / static_cast<double>(j + 1));
    }
    EXPECT_EQ(recorder.reports.back().objective, out.transport_cost);
  }
}

// Heavy-ish: 2 x 10^5 points so that the stop lands inside the work.
TEST(SlicedTest, StopRequestGivesCancelled) {
  const MatrixXd x = testing::UniformPoints(100'000, 3, 1);
  for (int threads : {1, 2}) {
    for (int64_t stop_after : {0, 3}) {
      SlicedOptions options;
      options.num_directions = 50;
      options.num_threads = threads;
      Recorder recorder(stop_after);
      absl::StatusOr<SlicedOutput> out =
          SolveSliced(x, x, VectorXd(), VectorXd(), options, recorder);
      EXPECT_EQ(out.status().code(), absl::StatusCode::kCancelled);
      EXPECT_LT(recorder.reports.size(), 50u);
    }
  }
}

}  // namespace
}  // namespace advect
