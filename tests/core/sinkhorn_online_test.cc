// SolveSinkhornOnline (kernel-free Sinkhorn) against the dense log domain of
// SolveSinkhorn: the same iterations on the same cost bits, so the same
// answers to rounding, for every ground cost, with normalisation, epsilon
// scaling, zero weights and frames; and a stop request honoured.
#include "core/solvers/sinkhorn_online.h"

#include <cmath>
#include <vector>

#include <Eigen/Core>

#include "core/problems/linear_problem.h"
#include "core/solvers/sinkhorn.h"
#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace advect {
namespace {

using ::advect::testing::UniformPoints;
using Eigen::MatrixXd;
using Eigen::VectorXd;

class FrameRecorder : public Observer {
 public:
  bool WantsFrame(int64_t step) const override { return step % 3 == 0; }
  void OnFrame(Frame frame) override { frames.push_back(std::move(frame)); }
  std::vector<Frame> frames;
};

class StopAfterReports : public Observer {
 public:
  explicit StopAfterReports(int reports) : left_(reports) {}
  void OnProgress(const ProgressReport&) override { --left_; }
  bool StopRequested() const override { return left_ <= 0; }

 private:
  int left_;
};

struct Case {
  const char* name;
  GroundCost cost;
  bool normalize;
  bool scaling;
  bool weights;
};

TEST(SinkhornOnlineTest, SameAnswersAsTheDenseLogDomain) {
  const MatrixXd x = UniformPoints(150, 3, 21);
  const MatrixXd y = UniformPoints(130, 3, 22);
  VectorXd a = VectorXd::LinSpaced(150, 0.0, 2.0);  // a_0 = 0
  a /= a.sum();
  const VectorXd b = VectorXd::Constant(130, 1.0 / 130);
  const std::vector<Case> cases = {
      {"sqeuclidean", GroundCost{}, false, false, false},
      {"euclidean normalised, scaling", GroundCost{CostKind::kEuclidean, 2.0}, true, true, false},
      {"power 1.5, weights with a zero", GroundCost{CostKind::kPower, 1.5}, true, false, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const VectorXd wa = c.weights ? a : VectorXd::Constant(150, 1.0 / 150);
    absl::StatusOr<LinearProblem> dense = LinearProblem::FromPoints(x, y, wa, b, c.cost);
    ASSERT_TRUE(dense.ok()) << dense.status();
    OnlineProblem online{x, y, wa, b, c.cost, 1.0};
    if (c.normalize) {
      ASSERT_TRUE(dense->NormalizeCost().ok());
      absl::StatusOr<double> max_cost = MaxCostOnline(x, y, c.cost, 1);
      ASSERT_TRUE(max_cost.ok());
      EXPECT_EQ(*max_cost, dense->cost_scale());  // the same bits as CostMatrix
      online.cost_scale = *max_cost;
    }
    SinkhornOptions options;
    options.epsilon = c.normalize ? 0.02 : 0.05;
    options.tolerance = 1e-10;
    options.max_iterations = 100000;
    options.method = SinkhornMethod::kLogDomain;
    options.return_plan = true;
    if (c.scaling) options.epsilon_scaling = EpsilonScaling{};
    FrameRecorder dense_frames;
    FrameRecorder online_frames;
    absl::StatusOr<SinkhornOutput> want = SolveSinkhorn(*dense, options, dense_frames);
    absl::StatusOr<SinkhornOutput> got = SolveSinkhornOnline(online, options, online_frames);
    ASSERT_TRUE(want.ok() && got.ok()) << want.status() << got.status();
    ASSERT_TRUE(got->converged);
    EXPECT_EQ(got->iterations, want->iterations);
    EXPECT_EQ(got->log_domain_iterations, got->iterations);
    EXPECT_EQ(got->kernel_builds, 0);
    EXPECT_NEAR(got->transport_cost, want->transport_cost, 1e-12 * want->transport_cost);
    EXPECT_NEAR(got->dual_objective, want->dual_objective, 1e-12 * std::abs(want->dual_objective));
    EXPECT_LE((got->f - want->f).lpNorm<Eigen::Infinity>(), 1e-12);
    EXPECT_LE((got->g - want->g).lpNorm<Eigen::Infinity>(), 1e-12);
    EXPECT_LE((*got->plan - *want->plan).lpNorm<Eigen::Infinity>(), 1e-14);
    EXPECT_NEAR(got->marginal_error, want->marginal_error, 1e-14);
    EXPECT_LE(got->marginal_error, 1e-10);
    ASSERT_EQ(online_frames.frames.size(), dense_frames.frames.size());
    ASSERT_FALSE(online_frames.frames.empty());
    for (size_t k = 0; k < online_frames.frames.size(); ++k) {
      EXPECT_EQ(online_frames.frames[k].step, dense_frames.frames[k].step);
      EXPECT_LE((online_frames.frames[k].positions - dense_frames.frames[k].positions)
                    .lpNorm<Eigen::Infinity>(),
                1e-12);
    }
  }
}

TEST(SinkhornOnlineTest, ThreadsDoNotChangeTheResult) {
  OnlineProblem problem{UniformPoints(400, 2, 23), UniformPoints(300, 2, 24),
                        VectorXd::Constant(400, 1.0 / 400), VectorXd::Constant(300, 1.0 / 300),
                        GroundCost{}, 1.0};
  SinkhornOptions options;
  options.epsilon = 0.02;
  options.max_iterations = 100000;
  absl::StatusOr<SinkhornOutput> one = SolveSinkhornOnline(problem, options);
  options.num_threads = 2;
  absl::StatusOr<SinkhornOutput> two = SolveSinkhornOnline(problem, options);
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_EQ(one->iterations, two->iterations);
  EXPECT_EQ(one->transport_cost, two->transport_cost);
  EXPECT_TRUE(one->f == two->f && one->g == two->g);
}

TEST(SinkhornOnlineTest, HonoursAStopAndChecksItsInput) {
  OnlineProblem problem{UniformPoints(300, 2, 25), UniformPoints(300, 2, 26),
                        VectorXd::Constant(300, 1.0 / 300), VectorXd::Constant(300, 1.0 / 300),
                        GroundCost{}, 1.0};
  SinkhornOptions options;
  options.epsilon = 1e-3;
  options.tolerance = 0.0;
  options.max_iterations = 1000000;
  StopAfterReports stop(3);
  absl::StatusOr<SinkhornOutput> out = SolveSinkhornOnline(problem, options, stop);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kCancelled) << out.status();

  OnlineProblem bad = problem;
  bad.y = UniformPoints(300, 3, 27);
  out = SolveSinkhornOnline(bad, options);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(out.status().message().find("y: points have dimension 3"), std::string::npos)
      << out.status();
  bad = problem;
  bad.cost_scale = 0.0;
  EXPECT_EQ(SolveSinkhornOnline(bad, options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options.epsilon = 0.0;
  out = SolveSinkhornOnline(problem, options);
  EXPECT_NE(out.status().message().find("epsilon"), std::string::npos) << out.status();
}

}  // namespace
}  // namespace advect
