// Free-support barycenter (core/solvers/free_support_barycenter.h): exact
// cases (one cloud, translates, 1-D quantiles), POT, observer, input errors.
#include "core/solvers/free_support_barycenter.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "absl/status/status.h"
#include "core/observer.h"
#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace advect {
namespace {

using ::advect::testing::UniformPoints;
using Eigen::MatrixXd;
using Eigen::RowVectorXd;
using Eigen::VectorXd;

// Largest distance from a row of `x` to the nearest row of `y`: 0 iff the
// rows of x are among those of y (with n = m and distinct rows, a permutation).
double MaxDistanceToNearest(const MatrixXd& x, const MatrixXd& y) {
  double worst = 0.0;
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    worst = std::max(worst, std::sqrt((y.rowwise() - x.row(i)).rowwise().squaredNorm().minCoeff()));
  }
  return worst;
}

VectorXd Sorted(const MatrixXd& column) {
  VectorXd v = column.col(0);
  std::sort(v.data(), v.data() + v.size());
  return v;
}

TEST(FreeSupportBarycenterTest, SingleCloudIsReturnedAfterOneIteration) {
  const MatrixXd y = UniformPoints(30, 3, 1);
  const MatrixXd x0 = UniformPoints(30, 3, 2);
  absl::StatusOr<FreeSupportBarycenterOutput> out = SolveFreeSupportBarycenter(
      {{y, VectorXd()}}, VectorXd(), x0, VectorXd(), {.max_iterations = 1});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->iterations, 1);
  EXPECT_LT(MaxDistanceToNearest(out->support, y), 1e-15);
  EXPECT_LT(MaxDistanceToNearest(y, out->support), 1e-15);
  EXPECT_LT(out->cost, 1e-28);
}

// Y_2 = Y_1 + t: every coupling that is optimal for Y_1 is optimal for Y_2
// (the cross term <x - y, t> sums to a constant), so the support becomes
// Y_1 + t/2 and the cost 1/2 |t/2|^2 + 1/2 |t/2|^2 = |t|^2 / 4.
TEST(FreeSupportBarycenterTest, TranslatesMeetHalfway) {
  const MatrixXd y1 = UniformPoints(25, 2, 3);
  const RowVectorXd t{{3.0, -1.0}};
  const MatrixXd y2 = y1.rowwise() + t;
  absl::StatusOr<FreeSupportBarycenterOutput> out =
      SolveFreeSupportBarycenter({{y1, VectorXd()}, {y2, VectorXd()}}, VectorXd{{0.5, 0.5}},
                                 UniformPoints(25, 2, 4), VectorXd(), {.max_iterations = 10});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(out->converged);
  EXPECT_EQ(out->iterations, 2);  // the first update lands; the second one confirms it
  const MatrixXd expected = y1.rowwise() + 0.5 * t;
  EXPECT_LT(MaxDistanceToNearest(out->support, expected), 1e-14);
  EXPECT_LT(MaxDistanceToNearest(expected, out->support), 1e-14);
  EXPECT_NEAR(out->cost, t.squaredNorm() / 4.0, 1e-13);
}

// In 1-D with n = m uniform points, the W2 barycenter's quantile function is
// the weighted mean of the inputs' quantile functions: sorted(X) =
// sum_k lambda_k sorted(Y_k). The exact plans are the monotone matchings.
TEST(FreeSupportBarycenterTest, OneDimensionalQuantilesAreAveraged) {
  const int n = 40;
  const MatrixXd y1 = UniformPoints(n, 1, 5);
  const MatrixXd y2 = 4.0 * UniformPoints(n, 1, 6).array().square().matrix();
  const MatrixXd y3 = -2.0 + UniformPoints(n, 1, 7).array();
  const VectorXd lambda{{0.5, 0.3, 0.2}};
  absl::StatusOr<FreeSupportBarycenterOutput> out = SolveFreeSupportBarycenter(
      {{y1, VectorXd()}, {y2, VectorXd()}, {y3, VectorXd()}}, lambda, UniformPoints(n, 1, 8),
      VectorXd(), {.max_iterations = 10});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(out->converged);
  const VectorXd expected = 0.5 * Sorted(y1) + 0.3 * Sorted(y2) + 0.2 * Sorted(y3);
  EXPECT_LT((Sorted(out->support) - expected).cwiseAbs().maxCoeff(), 1e-14);
  // The cost: sum_k lambda_k (1/n) sum_i (q_i - sorted(Y_k)_i)^2.
  const double cost = (0.5 * (expected - Sorted(y1)).squaredNorm() +
                       0.3 * (expected - Sorted(y2)).squaredNorm() +
                       0.2 * (expected - Sorted(y3)).squaredNorm()) / n;
  EXPECT_NEAR(out->cost, cost, 1e-14);
}

// POT 0.8.2 on a small case with non-uniform weights and n != m_k:
//   rng = np.random.RandomState(0)
//   Y1 = rng.rand(6, 2); Y2 = rng.rand(5, 2) + [1.0, 0.5]
//   b1 = np.array([0.1, 0.2, 0.3, 0.1, 0.2, 0.1]); b2 = np.ones(5) / 5
//   X0 = rng.rand(4, 2)
//   X = ot.lp.free_support_barycenter([Y1, Y2], [b1, b2], X0, weights=np.array([0.3, 0.7]),
//                                     numItermax=100, stopThr=1e-20)
//   cost = 0.3 * ot.emd2(np.ones(4) / 4, b1, ot.dist(X, Y1))
//        + 0.7 * ot.emd2(np.ones(4) / 4, b2, ot.dist(X, Y2))
// POT needed 2 updates (the second moved nothing).
TEST(FreeSupportBarycenterTest, MatchesPot) {
  const MatrixXd y1{{0.5488135039273248, 0.7151893663724195},
                    {0.6027633760716439, 0.5448831829968969},
                    {0.4236547993389047, 0.6458941130666561},
                    {0.4375872112626925, 0.8917730007820798},
                    {0.9636627605010293, 0.3834415188257777},
                    {0.7917250380826646, 0.5288949197529045}};
  const MatrixXd y2{{1.5680445610939322, 1.425596638292661},
                    {1.0710360581978868, 0.5871292997015407},
                    {1.0202183974403258, 1.332619845547938},
                    {1.7781567509498504, 1.3700121482468193},
                    {1.978618342232764, 1.2991585642167236}};
  const MatrixXd x0{{0.46147936225293185, 0.7805291762864555},
                    {0.11827442586893322, 0.6399210213275238},
                    {0.1433532874090464, 0.9446689170495839},
                    {0.5218483217500717, 0.4146619399905236}};
  const MatrixXd pot_x{{1.3780450250473926, 1.1370778200900387},
                       {0.8697072080341337, 0.7091274201295709},
                       {1.011331577814374, 1.1904565246946182},
                       {1.6357507815885335, 1.0430901564192805}};
  const double pot_cost = 0.2970710095444277;
  const VectorXd b1{{0.1, 0.2, 0.3, 0.1, 0.2, 0.1}};
  absl::StatusOr<FreeSupportBarycenterOutput> out =
      SolveFreeSupportBarycenter({{y1, b1}, {y2, VectorXd()}}, VectorXd{{0.3, 0.7}}, x0,
                                 VectorXd(), {.max_iterations = 100});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(out->converged);
  EXPECT_EQ(out->iterations, 2);
  // Same plans, same arithmetic up to the order of the sums.
  EXPECT_LT((out->support - pot_x).cwiseAbs().maxCoeff(), 1e-14);
  EXPECT_NEAR(out->cost, pot_cost, 1e-14);
}

class RecordingObserver : public Observer {
 public:
  explicit RecordingObserver(int64_t stop_after_polls = INT64_MAX)
      : stop_after_(stop_after_polls) {}
  void OnProgress(const ProgressReport& report) override { reports.push_back(report); }
  bool WantsFrame(int64_t /*step*/) const override { return true; }
  void OnFrame(Frame frame) override { frames.push_back(std::move(frame)); }
  bool StopRequested() const override { return ++polls_ > stop_after_; }
  int64_t polls() const { return polls_; }
  std::vector<ProgressReport> reports;
  std::vector<Frame> frames;

 private:
  const int64_t stop_after_;
  mutable int64_t polls_ = 0;
};

TEST(FreeSupportBarycenterTest, ReportsProgressFramesAndStops) {
  const std::vector<WeightedCloud> clouds = {{UniformPoints(50, 2, 9), VectorXd()},
                                             {UniformPoints(70, 2, 10).array() + 1.0, VectorXd()}};
  const MatrixXd x0 = UniformPoints(20, 2, 11);
  RecordingObserver observer;
  absl::StatusOr<FreeSupportBarycenterOutput> out = SolveFreeSupportBarycenter(
      clouds, VectorXd(), x0, VectorXd(), {.max_iterations = 50}, observer);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(out->converged);
  ASSERT_EQ(observer.reports.size(), static_cast<size_t>(out->iterations + 1));
  ASSERT_EQ(observer.frames.size(), observer.reports.size());
  EXPECT_EQ(observer.frames.front().positions, x0);
  EXPECT_EQ(observer.frames.back().positions, out->support);
  EXPECT_EQ(observer.frames.back().step, out->iterations);
  EXPECT_EQ(observer.reports.back().objective, out->cost);
  EXPECT_EQ(observer.reports.back().error, out->displacement);
  // Block-coordinate descent: the cost never increases.
  for (size_t i = 1; i < observer.reports.size(); ++i) {
    EXPECT_LE(observer.reports[i].objective, observer.reports[i - 1].objective + 1e-15) << i;
  }

  // The exact solver polls the observer: a stop anywhere ends with Cancelled.
  for (int64_t k : {int64_t{0}, observer.polls() / 3, observer.polls() - 1}) {
    RecordingObserver stop(k);
    absl::StatusOr<FreeSupportBarycenterOutput> stopped = SolveFreeSupportBarycenter(
        clouds, VectorXd(), x0, VectorXd(), {.max_iterations = 50}, stop);
    EXPECT_EQ(stopped.status().code(), absl::StatusCode::kCancelled) << "after " << k;
  }
}

TEST(FreeSupportBarycenterTest, InvalidInputsNameTheField) {
  const MatrixXd y = UniformPoints(4, 2, 12);
  const MatrixXd x0 = UniformPoints(3, 2, 13);
  const std::vector<WeightedCloud> ok = {{y, VectorXd()}, {y, VectorXd()}};
  auto expect = [](const absl::StatusOr<FreeSupportBarycenterOutput>& r, const std::string& field) {
    ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_EQ(r.status().message().substr(0, field.size() + 1), field + ":") << r.status();
  };
  MatrixXd nan_y = y;
  nan_y(1, 1) = NAN;
  expect(SolveFreeSupportBarycenter({}, VectorXd(), x0, VectorXd(), {}), "clouds");
  expect(SolveFreeSupportBarycenter({{y, VectorXd()}, {nan_y, VectorXd()}}, VectorXd(), x0,
                                    VectorXd(), {}),
         "clouds[1].points");
  expect(SolveFreeSupportBarycenter({{MatrixXd(0, 2), VectorXd()}}, VectorXd(), x0, VectorXd(), {}),
         "clouds[0].points");
  expect(SolveFreeSupportBarycenter({{UniformPoints(4, 3, 1), VectorXd()}}, VectorXd(), x0,
                                    VectorXd(), {}),
         "clouds[0].points");
  expect(SolveFreeSupportBarycenter({{y, VectorXd()}, {y, -VectorXd::Ones(4)}}, VectorXd(), x0,
                                    VectorXd(), {}),
         "clouds[1].weights");
  expect(SolveFreeSupportBarycenter(ok, VectorXd{{1.0, 2.0, 3.0}}, x0, VectorXd(), {}), "weights");
  expect(SolveFreeSupportBarycenter(ok, VectorXd{{0.0, 0.0}}, x0, VectorXd(), {}), "weights");
  expect(SolveFreeSupportBarycenter(ok, VectorXd(), MatrixXd(0, 2), VectorXd(), {}),
         "initial_support");
  MatrixXd nan_x = x0;
  nan_x(0, 0) = INFINITY;
  expect(SolveFreeSupportBarycenter(ok, VectorXd(), nan_x, VectorXd(), {}), "initial_support");
  expect(SolveFreeSupportBarycenter(ok, VectorXd(), x0, VectorXd::Ones(2), {}), "support_weights");
  expect(SolveFreeSupportBarycenter(ok, VectorXd(), x0, VectorXd(), {.max_iterations = -1}),
         "max_iterations");
  expect(SolveFreeSupportBarycenter(ok, VectorXd(), x0, VectorXd(), {.tolerance = NAN}),
         "tolerance");
}

}  // namespace
}  // namespace advect
