// SolveSinkhorn on small problems with known answers: closed-form limits,
// duality, non-uniform weights (with zeros), symmetry, non-convergence and
// determinism. The POT comparisons are in sinkhorn_pot_test.cc.
#include "core/solvers/sinkhorn.h"

#include <cmath>

#include <Eigen/Core>

#include "core/problems/linear_problem.h"
#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace advect {
namespace {

using ::advect::testing::UniformPoints;
using Eigen::MatrixXd;
using Eigen::VectorXd;

LinearProblem PointProblem(const MatrixXd& x, const MatrixXd& y, const VectorXd& a = VectorXd(),
                           const VectorXd& b = VectorXd()) {
  absl::StatusOr<LinearProblem> p = LinearProblem::FromPoints(x, y, a, b, GroundCost{});
  EXPECT_TRUE(p.ok()) << p.status();
  return *std::move(p);
}

SinkhornOptions Options(double epsilon, double tolerance = 1e-10) {
  SinkhornOptions options;
  options.epsilon = epsilon;
  options.tolerance = tolerance;
  options.max_iterations = 100000;
  options.return_plan = true;
  return options;
}

// Checks the returned plan against the problem's marginals and the reported
// numbers; `tolerance` bounds the L1 marginal error.
void ExpectConsistentPlan(const LinearProblem& problem, const SinkhornOutput& out,
                          double tolerance) {
  ASSERT_TRUE(out.plan.has_value());
  const MatrixXd& plan = *out.plan;
  ASSERT_TRUE(plan.allFinite());
  ASSERT_TRUE(out.f.allFinite());
  ASSERT_TRUE(out.g.allFinite());
  EXPECT_GE(plan.minCoeff(), 0.0);
  const VectorXd rows = plan.rowwise().sum();
  const VectorXd cols = plan.colwise().sum().transpose();
  const double error = (rows - problem.a()).lpNorm<1>() + (cols - problem.b()).lpNorm<1>();
  EXPECT_LE(error, tolerance);
  EXPECT_NEAR(out.marginal_error, error, 1e-13);
  EXPECT_NEAR(out.transport_cost, problem.cost().cwiseProduct(plan).sum(),
              1e-13 * std::abs(out.transport_cost) + 1e-300);
  EXPECT_NEAR(out.dual_objective, problem.a().dot(out.f) + problem.b().dot(out.g),
              1e-13 * std::abs(out.dual_objective) + 1e-15);
}

TEST(SinkhornTest, OneSourcePointSendsItsMassEverywhere) {
  // With one source point the only coupling is P = b^T; Sinkhorn reaches it
  // on the second iteration, at any epsilon.
  MatrixXd x(1, 2);
  x << 0.5, 0.5;
  const MatrixXd y = UniformPoints(5, 2, 3);
  VectorXd b(5);
  b << 1, 2, 3, 4, 0;
  const LinearProblem problem = PointProblem(x, y, VectorXd(), b);
  for (double eps : {1e-3, 1.0}) {
    // Rounding in f + g - C is amplified by 1 / eps in the exponent: ~1e-13 at eps = 1e-3.
    absl::StatusOr<SinkhornOutput> out = SolveSinkhorn(problem, Options(eps, 1e-12));
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_TRUE(out->converged);
    EXPECT_LE(out->iterations, 2);
    EXPECT_NEAR(out->transport_cost, problem.cost().row(0).dot(problem.b()), 1e-12);
    EXPECT_LE((out->plan->row(0).transpose() - problem.b()).lpNorm<1>(), 1e-12);
    EXPECT_EQ(out->plan->col(4).cwiseAbs().maxCoeff(), 0.0);  // b_4 = 0
    ExpectConsistentPlan(problem, *out, 1e-12);
  }
}

TEST(SinkhornTest, LargeEpsilonGivesTheIndependentCoupling) {
  // As eps -> infinity the plan tends to a (x) b with P_ij = a_i b_j (1 + O(C / eps)),
  // so <P, C> = a^T C b + O(max(C)^2 / eps); costs here are <= 2.
  const LinearProblem problem = PointProblem(UniformPoints(30, 2, 1), UniformPoints(20, 2, 2));
  absl::StatusOr<SinkhornOutput> out = SolveSinkhorn(problem, Options(1e6));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(out->converged);
  const double independent = problem.a().dot(problem.cost() * problem.b());
  EXPECT_NEAR(out->transport_cost, independent, 4.0 / 1e6 * 10);
  const MatrixXd outer = problem.a() * problem.b().transpose();
  EXPECT_LE((*out->plan - outer).cwiseAbs().maxCoeff(), 1e-5 * outer.maxCoeff());
}

TEST(SinkhornTest, DualObjectiveEqualsEntropicPrimal) {
  // At the fixed point P = a b^T exp((f + g - C) / eps), so
  // eps KL(P | a x b) = <f, P1> + <g, P^T 1> - <P, C>. Rows are exact (the last
  // half-step is the f-update) and the columns are off by delta with
  // |delta|_1 <= marginal_error, hence
  // |dual - (<P, C> + eps KL)| = |<g, delta>| <= max|g| * marginal_error.
  const LinearProblem problem = PointProblem(UniformPoints(200, 3, 5), UniformPoints(150, 3, 6));
  const double eps = 0.05;
  absl::StatusOr<SinkhornOutput> out = SolveSinkhorn(problem, Options(eps));
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_TRUE(out->converged);
  ExpectConsistentPlan(problem, *out, 1e-10);
  const MatrixXd& plan = *out->plan;
  double kl = 0.0;
  for (Eigen::Index j = 0; j < plan.cols(); ++j) {
    for (Eigen::Index i = 0; i < plan.rows(); ++i) {
      const double p = plan(i, j);
      if (p > 0.0) kl += p * std::log(p / (problem.a()[i] * problem.b()[j]));
    }
  }
  EXPECT_GT(kl, 0.0);
  const double bound = out->g.cwiseAbs().maxCoeff() * out->marginal_error + 1e-14;
  EXPECT_NEAR(out->dual_objective, out->transport_cost + eps * kl, bound);
  // So the dual objective exceeds the transport cost by the entropic term.
  EXPECT_GT(out->dual_objective, out->transport_cost);
}

TEST(SinkhornTest, NonUniformWeightsWithZerosKeepTheirMarginals) {
  const MatrixXd x = UniformPoints(60, 2, 11);
  const MatrixXd y = UniformPoints(40, 2, 12);
  VectorXd a = (UniformPoints(60, 1, 13).array() + 0.1).matrix();
  VectorXd b = (UniformPoints(40, 1, 14).array().square() + 0.01).matrix();
  a[0] = 0.0;
  a[17] = 0.0;
  b[39] = 0.0;
  const LinearProblem problem = PointProblem(x, y, a, b);
  for (double eps : {0.1, 1e-3}) {
    for (bool scaling : {false, true}) {
      SinkhornOptions options = Options(eps, 1e-9);
      if (scaling) options.epsilon_scaling = EpsilonScaling{};
      absl::StatusOr<SinkhornOutput> out = SolveSinkhorn(problem, options);
      ASSERT_TRUE(out.ok()) << out.status();
      SCOPED_TRACE(::testing::Message() << "eps " << eps << " scaling " << scaling);
      EXPECT_TRUE(out->converged);
      EXPECT_TRUE(std::isfinite(out->transport_cost));
      EXPECT_TRUE(std::isfinite(out->dual_objective));
      ExpectConsistentPlan(problem, *out, 1e-9);
      // Points without mass send and receive nothing.
      EXPECT_EQ(out->plan->row(0).cwiseAbs().maxCoeff(), 0.0);
      EXPECT_EQ(out->plan->row(17).cwiseAbs().maxCoeff(), 0.0);
      EXPECT_EQ(out->plan->col(39).cwiseAbs().maxCoeff(), 0.0);
    }
  }
}

TEST(SinkhornTest, SwappingSourceAndTargetTransposesThePlan) {
  const MatrixXd x = UniformPoints(50, 2, 21);
  const MatrixXd y = UniformPoints(70, 2, 22);
  VectorXd a = (UniformPoints(50, 1, 23).array() + 0.5).matrix();
  const LinearProblem forward = PointProblem(x, y, a);
  const LinearProblem backward = PointProblem(y, x, VectorXd(), a);
  absl::StatusOr<SinkhornOutput> f = SolveSinkhorn(forward, Options(0.01));
  absl::StatusOr<SinkhornOutput> b = SolveSinkhorn(backward, Options(0.01));
  ASSERT_TRUE(f.ok() && b.ok());
  // Both stop within 1e-10 of their marginals; the plans are then within a
  // few 1e-10 of the common fixed point (in L1), and costs are <= 2.
  EXPECT_NEAR(f->transport_cost, b->transport_cost, 1e-8);
  EXPECT_LE((*f->plan - b->plan->transpose()).lpNorm<1>(), 1e-8);
}

TEST(SinkhornTest, NotConvergingIsAResultNotAnError) {
  const LinearProblem problem = PointProblem(UniformPoints(80, 2, 31), UniformPoints(80, 2, 32));
  SinkhornOptions options = Options(1e-3, 0.0);
  options.max_iterations = 3;
  absl::StatusOr<SinkhornOutput> out = SolveSinkhorn(problem, options);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_FALSE(out->converged);
  EXPECT_EQ(out->iterations, 3);
  EXPECT_GT(out->marginal_error, 0.0);
  EXPECT_TRUE(std::isfinite(out->transport_cost));
  ExpectConsistentPlan(problem, *out, 2.0);

  // No iterations at all: the plan of the first half-step, one marginal exact.
  options.max_iterations = 0;
  out = SolveSinkhorn(problem, options);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_FALSE(out->converged);
  EXPECT_EQ(out->iterations, 0);
  ASSERT_TRUE(out->plan.has_value());
  EXPECT_LE(std::min((out->plan->rowwise().sum() - problem.a()).lpNorm<1>(),
                     (out->plan->colwise().sum().transpose() - problem.b()).lpNorm<1>()),
            1e-14);

  // Running out of iterations during epsilon scaling is not converged either.
  options.max_iterations = 5;
  options.tolerance = 1e-9;
  options.epsilon_scaling = EpsilonScaling{};
  out = SolveSinkhorn(problem, options);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_FALSE(out->converged);
  EXPECT_EQ(out->iterations, 5);
}

TEST(SinkhornTest, EpsilonScalingEndsAtTheRequestedEpsilon) {
  // The iteration budget is shared by all stages; with epsilon scaling the
  // solver must still finish at the requested epsilon when the budget allows.
  const LinearProblem problem = PointProblem(UniformPoints(40, 2, 41), UniformPoints(40, 2, 42));
  SinkhornOptions options = Options(1e-2, 1e-9);
  options.epsilon_scaling = EpsilonScaling{0.0, 0.5};
  absl::StatusOr<SinkhornOutput> out = SolveSinkhorn(problem, options);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(out->converged);
  EXPECT_EQ(out->epsilon, 1e-2);
  EXPECT_LE(out->marginal_error, 1e-9);
}

TEST(SinkhornTest, SameInputSameBits) {
  const LinearProblem problem = PointProblem(UniformPoints(100, 3, 51), UniformPoints(90, 3, 52));
  SinkhornOptions options = Options(0.02);
  options.epsilon_scaling = EpsilonScaling{};
  absl::StatusOr<SinkhornOutput> first = SolveSinkhorn(problem, options);
  absl::StatusOr<SinkhornOutput> second = SolveSinkhorn(problem, options);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->transport_cost, second->transport_cost);
  EXPECT_EQ(first->dual_objective, second->dual_objective);
  EXPECT_EQ(first->iterations, second->iterations);
  EXPECT_EQ(first->f, second->f);
  EXPECT_EQ(first->g, second->g);
  EXPECT_EQ(*first->plan, *second->plan);
}

TEST(SinkhornTest, ExplicitCostMatrixMatchesPoints) {
  const MatrixXd x = UniformPoints(30, 2, 61);
  const MatrixXd y = UniformPoints(25, 2, 62);
  const LinearProblem from_points = PointProblem(x, y);
  absl::StatusOr<LinearProblem> from_matrix =
      LinearProblem::FromCostMatrix(from_points.cost(), VectorXd(), VectorXd());
  ASSERT_TRUE(from_matrix.ok()) << from_matrix.status();
  absl::StatusOr<SinkhornOutput> p = SolveSinkhorn(from_points, Options(0.05));
  absl::StatusOr<SinkhornOutput> m = SolveSinkhorn(*from_matrix, Options(0.05));
  ASSERT_TRUE(p.ok() && m.ok());
  EXPECT_EQ(p->transport_cost, m->transport_cost);
  EXPECT_EQ(*p->plan, *m->plan);
}

}  // namespace
}  // namespace advect
