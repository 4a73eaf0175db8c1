// Fixed-support entropic barycenter (core/solvers/barycenter.h): the POT
// reference, closed forms on a 1-D grid, mass, input errors and cancellation.
#include "core/solvers/barycenter.h"

#include <cmath>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "absl/status/status.h"
#include "core/geometry/cost.h"
#include "core/observer.h"
#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace advect {
namespace {

using ::advect::testing::LoadPotArray;
using Eigen::MatrixXd;
using Eigen::VectorXd;

// The grid 0..n-1 as points (n x 1) and its squared-distance cost (POT's dist0).
VectorXd Grid(int n) { return VectorXd::LinSpaced(n, 0.0, n - 1.0); }
MatrixXd GridCost(int n) {
  const VectorXd x = Grid(n);
  return (x.replicate(1, n) - x.transpose().replicate(n, 1)).array().square().matrix();
}

// exp(-(i - m)^2 / (2 s^2)), normalised: POT's make_1D_gauss.
VectorXd Gauss(int n, double m, double s) {
  VectorXd h = (-(Grid(n).array() - m).square() / (2.0 * s * s)).exp().matrix();
  return h / h.sum();
}

class CountingObserver : public Observer {
 public:
  explicit CountingObserver(int stop_after_polls) : stop_after_(stop_after_polls) {}
  void OnProgress(const ProgressReport& report) override { reports.push_back(report); }
  bool StopRequested() const override { return ++polls_ > stop_after_; }
  std::vector<ProgressReport> reports;

 private:
  const int stop_after_;
  mutable int polls_ = 0;
};

TEST(BarycenterTest, MatchesPotReference) {
  absl::StatusOr<MatrixXd> a = LoadPotArray("barycenter_inputs_A.npy");
  absl::StatusOr<MatrixXd> expected = LoadPotArray("barycenter_output.npy");
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(expected.ok()) << expected.status();
  ASSERT_EQ(a->rows(), 200);
  ASSERT_EQ(a->cols(), 2);
  const VectorXd ref = Eigen::Map<const VectorXd>(expected->data(), expected->size());
  ASSERT_EQ(ref.size(), 200);
  MatrixXd cost = GridCost(200);
  cost /= cost.maxCoeff();
  BarycenterOptions options{.epsilon = 1e-3, .tolerance = 1e-12, .max_iterations = 5000};
  CountingObserver observer(1 << 30);
  absl::StatusOr<BarycenterOutput> out =
      SolveBarycenter(cost, *a, VectorXd{{0.8, 0.2}}, options, observer);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(out->converged) << out->iterations << " iterations, error " << out->error;
  // POT stopped at its own criterion 1e-12 (sum over bins of the std of the
  // column marginals), which is of the same order as ours; POT also adds 1e-15
  // to every input entry before the log. Observed: 254 iterations, L1 2e-13.
  EXPECT_LT((out->barycenter - ref).lpNorm<1>(), 1e-11)
      << "after " << out->iterations << " iterations (POT: 251)";
  EXPECT_NEAR(out->barycenter.sum(), 1.0, 1e-11);
  // The objective of the README (0.018767), recomputed with POT from the
  // reference barycenter: sum_k lambda_k (<P_k, M> + reg sum P_k (log P_k - 1))
  // with P_k = ot.sinkhorn(A[:, k], b / b.sum(), M, reg, method='sinkhorn_log',
  // stopThr=1e-13) gives 0.018766635189431738.
  ASSERT_FALSE(observer.reports.empty());
  EXPECT_NEAR(observer.reports.back().objective, 0.018766635189431738, 1e-10);
}

TEST(BarycenterTest, SingleHistogramIsReturnedAtSmallEpsilon) {
  const int n = 60;
  const VectorXd h = 0.7 * Gauss(n, 20.0, 4.0) + 0.3 * Gauss(n, 45.0, 2.0);
  // With C in grid units, neighbours are damped by exp(-1 / eps) = e^-10:
  // the blur K^T (h / K 1) moves about 2 e^-10 of the mass.
  BarycenterOptions options{.epsilon = 0.1, .tolerance = 1e-12, .max_iterations = 100};
  absl::StatusOr<BarycenterOutput> one = SolveBarycenter(GridCost(n), h, VectorXd(), options);
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_TRUE(one->converged);
  EXPECT_LT((one->barycenter - h).lpNorm<1>(), 1e-3);

  // A second histogram of weight 0 changes nothing.
  MatrixXd two(n, 2);
  two << h, Gauss(n, 5.0, 3.0);
  absl::StatusOr<BarycenterOutput> weighted =
      SolveBarycenter(GridCost(n), two, VectorXd{{1.0, 0.0}}, options);
  ASSERT_TRUE(weighted.ok()) << weighted.status();
  EXPECT_LT((weighted->barycenter - one->barycenter).lpNorm<1>(), 1e-12);
}

// Two Diracs at 10 and 40 with weights 1/2: the couplings are forced
// (P_k = delta_{x_k} x b), so the optimal b is proportional to
// exp(-(C(10, j) + C(40, j)) / (2 eps)) = const * exp(-(j - 25)^2 / eps):
// a narrow bump at the midpoint (displacement), not the mixture of the two.
TEST(BarycenterTest, TwoDiracsMeetAtTheMidpoint) {
  const int n = 51;
  const double eps = 2.0;
  MatrixXd h = MatrixXd::Zero(n, 2);
  h(10, 0) = 1.0;
  h(40, 1) = 1.0;
  BarycenterOptions options{.epsilon = eps, .tolerance = 1e-13, .max_iterations = 1000};
  absl::StatusOr<BarycenterOutput> out = SolveBarycenter(GridCost(n), h, VectorXd(), options);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(out->converged) << out->error;
  VectorXd expected = (-(Grid(n).array() - 25.0).square() / eps).exp().matrix();
  expected /= expected.sum();
  EXPECT_LT((out->barycenter - expected).lpNorm<1>(), 1e-10);
  EXPECT_NEAR(out->barycenter.dot(Grid(n)), 25.0, 1e-9);
  EXPECT_LT(out->barycenter[10] + out->barycenter[40], 1e-40);
}

TEST(BarycenterTest, FromPointsUsesTheGroundCost) {
  const int n = 40;
  MatrixXd h(n, 3);
  h << Gauss(n, 8.0, 3.0), Gauss(n, 20.0, 5.0), Gauss(n, 30.0, 2.0);
  const VectorXd lambda{{0.2, 0.5, 0.3}};
  BarycenterOptions options{.epsilon = 0.5, .tolerance = 1e-11, .max_iterations = 2000};
  absl::StatusOr<BarycenterOutput> from_cost = SolveBarycenter(GridCost(n), h, lambda, options);
  absl::StatusOr<BarycenterOutput> from_points =
      SolveBarycenterFromPoints(Grid(n), GroundCost{}, h, lambda, options);
  ASSERT_TRUE(from_cost.ok()) << from_cost.status();
  ASSERT_TRUE(from_points.ok()) << from_points.status();
  EXPECT_TRUE(from_points->converged);
  EXPECT_EQ(from_cost->iterations, from_points->iterations);
  EXPECT_LT((from_cost->barycenter - from_points->barycenter).lpNorm<1>(), 1e-12);
  // Mass 1 up to the stopping error; the mean is the weighted mean of the means
  // (displacement interpolation in 1-D), up to the entropic blur and the tails.
  EXPECT_NEAR(from_points->barycenter.sum(), 1.0, 1e-11);
  EXPECT_NEAR(from_points->barycenter.dot(Grid(n)), 0.2 * 8.0 + 0.5 * 20.0 + 0.3 * 30.0, 0.05);
}

TEST(BarycenterTest, ReportsProgressAndStopsWhenAsked) {
  const int n = 30;
  MatrixXd h(n, 2);
  h << Gauss(n, 5.0, 2.0), Gauss(n, 22.0, 3.0);
  BarycenterOptions options{.epsilon = 1.0, .tolerance = 0.0, .max_iterations = 20};
  CountingObserver never(1 << 30);
  absl::StatusOr<BarycenterOutput> out =
      SolveBarycenter(GridCost(n), h, VectorXd(), options, never);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_FALSE(out->converged);
  EXPECT_EQ(out->iterations, 20);
  ASSERT_EQ(never.reports.size(), 20u);
  EXPECT_EQ(never.reports.back().iteration, 20);
  EXPECT_EQ(never.reports.back().error, out->error);

  // One iteration polls once per cost column in each of 2 K soft-mins.
  for (int k : {0, 5, 4 * n + 3}) {
    CountingObserver stop(k);
    absl::StatusOr<BarycenterOutput> stopped =
        SolveBarycenter(GridCost(n), h, VectorXd(), options, stop);
    EXPECT_EQ(stopped.status().code(), absl::StatusCode::kCancelled) << "after " << k;
    EXPECT_LE(stop.reports.size(), 1u);
  }
}

TEST(BarycenterTest, InvalidInputsNameTheField) {
  const int n = 5;
  const MatrixXd cost = GridCost(n);
  const MatrixXd h = MatrixXd::Constant(n, 2, 0.2);
  const BarycenterOptions ok{.epsilon = 1.0};
  auto expect = [](const absl::StatusOr<BarycenterOutput>& r, const std::string& field) {
    ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_EQ(r.status().message().substr(0, field.size()), field) << r.status();
  };
  MatrixXd bad_h = h;
  bad_h(2, 1) = -0.1;
  MatrixXd nan_cost = cost;
  nan_cost(1, 3) = NAN;
  expect(SolveBarycenter(cost, bad_h, VectorXd(), ok), "histograms[1]");
  expect(SolveBarycenter(cost, MatrixXd::Zero(n, 1), VectorXd(), ok), "histograms[0]");
  expect(SolveBarycenter(cost, MatrixXd::Constant(n + 1, 2, 0.1), VectorXd(), ok), "histograms");
  expect(SolveBarycenter(cost, MatrixXd(n, 0), VectorXd(), ok), "histograms");
  expect(SolveBarycenter(nan_cost, h, VectorXd(), ok), "cost_matrix");
  expect(SolveBarycenter(MatrixXd::Ones(n, n + 1), h, VectorXd(), ok), "cost_matrix");
  expect(SolveBarycenter(MatrixXd(), h, VectorXd(), ok), "cost_matrix");
  expect(SolveBarycenter(cost, h, VectorXd{{1.0}}, ok), "weights");
  expect(SolveBarycenter(cost, h, VectorXd{{0.0, 0.0}}, ok), "weights");
  expect(SolveBarycenter(cost, h, VectorXd{{1.0, -1.0}}, ok), "weights");
  expect(SolveBarycenter(cost, h, VectorXd(), {.epsilon = 0.0}), "epsilon");
  expect(SolveBarycenter(cost, h, VectorXd(), {.epsilon = INFINITY}), "epsilon");
  expect(SolveBarycenter(cost, h, VectorXd(), {.epsilon = 1.0, .tolerance = -1.0}), "tolerance");
  expect(SolveBarycenter(cost, h, VectorXd(), {.epsilon = 1.0, .max_iterations = 0}),
         "max_iterations");
  expect(SolveBarycenterFromPoints(MatrixXd(0, 1), GroundCost{}, h, VectorXd(), ok), "support");
  MatrixXd nan_points = Grid(n);
  nan_points(2, 0) = NAN;
  expect(SolveBarycenterFromPoints(nan_points, GroundCost{}, h, VectorXd(), ok), "support");
  expect(SolveBarycenterFromPoints(Grid(n), GroundCost{CostKind::kPower, -1.0}, h, VectorXd(), ok),
         "cost.p");
  expect(SolveBarycenterFromPoints(Grid(n + 1), GroundCost{}, h, VectorXd(), ok), "histograms");
}

}  // namespace
}  // namespace advect
