// Displacement interpolation, barycentric maps and the entropic map of new
// points, against closed forms (translations) and the entropic plan itself.
#include "core/solvers/displacement_interpolation.h"

#include <Eigen/Core>

#include "core/problems/linear_problem.h"
#include "core/solvers/network_simplex.h"
#include "core/solvers/sinkhorn.h"
#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace advect {
namespace {

using ::advect::testing::UniformPoints;
using Eigen::MatrixXd;
using Eigen::VectorXd;

TEST(DisplacementInterpolationTest, ExactPlanOfATranslationMovesEveryPointByIt) {
  const MatrixXd x = UniformPoints(20, 2, 31);
  const Eigen::RowVector2d shift(0.3, -0.2);
  const MatrixXd y = x.rowwise() + shift;
  absl::StatusOr<ExactOtOutput> out =
      SolveExactOtFromPoints(x, y, VectorXd(), VectorXd(), GroundCost{}, ExactOtOptions{});
  ASSERT_TRUE(out.ok());
  const InterpolationParticles p =
      ParticlesOfSparsePlan(x, y, out->plan_rows, out->plan_cols, out->plan_values);
  ASSERT_EQ(p.weights.size(), 20);
  EXPECT_NEAR(p.weights.sum(), 1.0, 1e-14);
  for (double t : {0.0, 0.25, 1.0}) {
    const MatrixXd pos = InterpolantPositions(p, t);
    EXPECT_LT(((pos - p.start).rowwise() - t * shift).cwiseAbs().maxCoeff(), 1e-14) << t;
  }
  const MatrixXd map =
      BarycentricMapOfSparsePlan(x, y, out->plan_rows, out->plan_cols, out->plan_values);
  EXPECT_LT(((map - x).rowwise() - shift).cwiseAbs().maxCoeff(), 1e-14);
}

TEST(DisplacementInterpolationTest, EntropicMapAtTheSourcePointsIsTheBarycentricMap) {
  const MatrixXd x = UniformPoints(25, 2, 32);
  const MatrixXd y = UniformPoints(30, 2, 33);
  absl::StatusOr<LinearProblem> problem =
      LinearProblem::FromPoints(x, y, VectorXd(), VectorXd(), GroundCost{});
  ASSERT_TRUE(problem.ok());
  SinkhornOptions options;
  options.epsilon = 0.05;
  options.tolerance = 1e-12;
  options.max_iterations = 100000;
  options.return_plan = true;
  absl::StatusOr<SinkhornOutput> out = SolveSinkhorn(*problem, options);
  ASSERT_TRUE(out.ok() && out->converged);
  const MatrixXd bary = BarycentricMapOfPlan(x, y, *out->plan);
  absl::StatusOr<MatrixXd> mapped = EntropicMap(x, y, problem->b(), out->g, 0.05, GroundCost{});
  ASSERT_TRUE(mapped.ok());
  // f is the soft c-transform of g up to the stopping tolerance, so the two agree.
  EXPECT_LT((*mapped - bary).cwiseAbs().maxCoeff(), 1e-9);
  // New points map into the convex hull of y.
  absl::StatusOr<MatrixXd> fresh =
      EntropicMap(UniformPoints(5, 2, 34), y, problem->b(), out->g, 0.05, GroundCost{});
  ASSERT_TRUE(fresh.ok());
  EXPECT_GE(fresh->minCoeff(), y.minCoeff());
  EXPECT_LE(fresh->maxCoeff(), y.maxCoeff());
  EXPECT_FALSE(EntropicMap(UniformPoints(5, 3, 35), y, problem->b(), out->g, 0.05, GroundCost{})
                   .ok());
}

}  // namespace
}  // namespace advect
