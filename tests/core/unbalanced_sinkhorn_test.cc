// SolveUnbalancedSinkhorn against oracles: a closed form (constant cost), a
// direct Newton minimisation of the primal (2 x 2), POT 0.8.2 after the change
// of entropy reference, duality, the first-order conditions, the balanced limit
// rho -> infinity, and the Observer contract (progress, frames, stop).
#include "core/solvers/unbalanced_sinkhorn.h"

#include <cmath>
#include <iostream>
#include <limits>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/problems/linear_problem.h"
#include "core/solvers/sinkhorn.h"
#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace advect {
namespace {

using ::advect::testing::UniformPoints;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

LinearProblem PointProblem(const MatrixXd& x, const MatrixXd& y) {
  absl::StatusOr<LinearProblem> p =
      LinearProblem::FromPoints(x, y, VectorXd(), VectorXd(), GroundCost{});
  EXPECT_TRUE(p.ok()) << p.status();
  return *std::move(p);
}

LinearProblem MatrixProblem(const MatrixXd& cost) {
  absl::StatusOr<LinearProblem> p = LinearProblem::FromCostMatrix(cost, VectorXd(), VectorXd());
  EXPECT_TRUE(p.ok()) << p.status();
  return *std::move(p);
}

UnbalancedSinkhornOptions Options(double epsilon, double rho, double tolerance = 1e-12) {
  UnbalancedSinkhornOptions options;
  options.epsilon = epsilon;
  options.rho = rho;
  options.tolerance = tolerance;
  options.max_iterations = 1000000;
  options.return_plan = true;
  return options;
}

// Positive masses in [lo, lo + 1) from SplitMix64(seed).
VectorXd Masses(Index n, uint64_t seed, double lo) {
  return (UniformPoints(n, 1, seed).array() + lo).matrix();
}

double Kl(const VectorXd& p, const VectorXd& q) {
  double sum = 0.0;
  for (Index i = 0; i < p.size(); ++i) {
    sum += (p[i] > 0.0 ? p[i] * std::log(p[i] / q[i]) : 0.0) - p[i] + q[i];
  }
  return sum;
}

// The primal objective evaluated directly on a plan, entry by entry.
double Primal(const MatrixXd& plan, const MatrixXd& cost, const VectorXd& a, const VectorXd& b,
              double eps, double rho) {
  const MatrixXd ab = a * b.transpose();
  const Eigen::Map<const VectorXd> p(plan.data(), plan.size());
  const Eigen::Map<const VectorXd> q(ab.data(), ab.size());
  return cost.cwiseProduct(plan).sum() + eps * Kl(p, q) +
         rho * Kl(plan.rowwise().sum(), a) + rho * Kl(plan.colwise().sum().transpose(), b);
}

// ---------------------------------------------------------------- validation

void ExpectRejected(const UnbalancedSinkhornOptions& options, const VectorXd& a,
                    const VectorXd& b, absl::string_view field) {
  const LinearProblem problem = MatrixProblem(MatrixXd::Ones(2, 3));
  absl::StatusOr<UnbalancedSinkhornOutput> out = SolveUnbalancedSinkhorn(problem, a, b, options);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(out.status().message(), absl::StrCat(field, ":")))
      << out.status();
}

TEST(UnbalancedSinkhornOptionsTest, ErrorsNameTheField) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const VectorXd none;
  EXPECT_TRUE(ValidateUnbalancedSinkhornOptions(Options(0.1, 1.0)).ok());
  for (double eps : {0.0, -1.0, kNaN, kInf}) ExpectRejected(Options(eps, 1.0), none, none, "epsilon");
  for (double rho : {0.0, -1.0, kNaN, kInf}) ExpectRejected(Options(0.1, rho), none, none, "rho");
  ExpectRejected(UnbalancedSinkhornOptions{}, none, none, "epsilon");  // both unset
  UnbalancedSinkhornOptions unset_rho;
  unset_rho.epsilon = 0.1;
  ExpectRejected(unset_rho, none, none, "rho");
  ExpectRejected(Options(0.1, 1.0, -1.0), none, none, "tolerance");
  UnbalancedSinkhornOptions options = Options(0.1, 1.0);
  options.max_iterations = -1;
  ExpectRejected(options, none, none, "max_iterations");
  options = Options(0.1, 1.0);
  options.epsilon_scaling = EpsilonScaling{0.0, 1.5};
  ExpectRejected(options, none, none, "epsilon_scaling.decay");
  const VectorXd good_b = VectorXd::Ones(3);
  ExpectRejected(Options(0.1, 1.0), VectorXd::Ones(3), good_b, "a");  // wrong size
  ExpectRejected(Options(0.1, 1.0), VectorXd::Zero(2), good_b, "a");  // no mass
  ExpectRejected(Options(0.1, 1.0), VectorXd::Constant(2, kNaN), good_b, "a");
  ExpectRejected(Options(0.1, 1.0), VectorXd::Constant(2, -1.0), good_b, "a");
  ExpectRejected(Options(0.1, 1.0), VectorXd::Ones(2), VectorXd::Constant(3, kInf), "b");
  ExpectRejected(Options(0.1, 1.0), VectorXd::Ones(2), VectorXd::Ones(4), "b");
}

// ------------------------------------------------------------------ oracles

TEST(UnbalancedSinkhornTest, ConstantCostHasAClosedForm) {
  // With C_ij = c the optimal plan is P = s a b^T: the objective restricted to
  // that family is, per unit |a||b|, c s + eps (s log s - s + 1)
  // + rho (s log(s |b|) - s + 1/|b|) + rho (s log(s |a|) - s + 1/|a|), stationary at
  //   log s = -(c + rho log(|a| |b|)) / (eps + 2 rho),
  // and P then satisfies the first-order conditions of the full problem. The
  // 1 x 1 case is the scalar problem p c + eps KL(p | ab) + rho KL(p | a) + rho KL(p | b).
  struct Case {
    Index n, m;
    double c, eps, rho;
  };
  for (const Case& k : {Case{1, 1, 0.7, 0.1, 1.0}, Case{1, 1, 0.0, 1.0, 0.3},
                        Case{4, 3, 2.0, 0.05, 0.5}, Case{5, 7, 0.3, 2.0, 10.0}}) {
    SCOPED_TRACE(::testing::Message() << k.n << "x" << k.m << " c " << k.c << " eps " << k.eps
                                      << " rho " << k.rho);
    const VectorXd a = Masses(k.n, 1, 0.2);
    const VectorXd b = 2.0 * Masses(k.m, 2, 0.5);
    const LinearProblem problem = MatrixProblem(MatrixXd::Constant(k.n, k.m, k.c));
    absl::StatusOr<UnbalancedSinkhornOutput> out =
        SolveUnbalancedSinkhorn(problem, a, b, Options(k.eps, k.rho, 1e-14));
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_TRUE(out->converged);
    const double s = std::exp(-(k.c + k.rho * std::log(a.sum() * b.sum())) / (k.eps + 2 * k.rho));
    const MatrixXd expected = s * a * b.transpose();
    EXPECT_LE((*out->plan - expected).cwiseAbs().maxCoeff(), 1e-12 * expected.maxCoeff());
    EXPECT_NEAR(out->plan_mass, s * a.sum() * b.sum(), 1e-12 * out->plan_mass);
    const double primal = Primal(expected, problem.cost(), a, b, k.eps, k.rho);
    EXPECT_NEAR(out->primal_objective, primal, 1e-12 * std::abs(primal) + 1e-14);
    EXPECT_NEAR(out->dual_objective, primal, 1e-12 * std::abs(primal) + 1e-14);
  }
  // Mass is not always between the totals: a high cost destroys it below both.
  const VectorXd a = VectorXd::Constant(2, 0.5);
  const VectorXd b = VectorXd::Constant(2, 1.0);
  absl::StatusOr<UnbalancedSinkhornOutput> out = SolveUnbalancedSinkhorn(
      MatrixProblem(MatrixXd::Constant(2, 2, 5.0)), a, b, Options(0.1, 1.0));
  ASSERT_TRUE(out.ok());
  EXPECT_LT(out->plan_mass, 1.0);  // |a| = 1, |b| = 2
}

// The minimiser of the primal objective on a 2 x 2 problem by a damped Newton
// method on the four entries of P (the objective is strictly convex in P):
// gradient C_ij + eps log(P_ij / (a_i b_j)) + rho log(r_i / a_i) + rho log(c_j / b_j),
// Hessian eps / P_ij on the diagonal + rho / r_i within a row + rho / c_j within a column.
MatrixXd NewtonMinimiser(const MatrixXd& cost, const VectorXd& a, const VectorXd& b, double eps,
                         double rho) {
  MatrixXd plan = a * b.transpose();
  for (int step = 0; step < 200; ++step) {
    const VectorXd r = plan.rowwise().sum();
    const VectorXd c = plan.colwise().sum().transpose();
    VectorXd grad(4);
    MatrixXd hess = MatrixXd::Zero(4, 4);
    for (Index v = 0; v < 4; ++v) {
      const Index i = v % 2, j = v / 2;  // column-major, as Eigen stores P
      grad[v] = cost(i, j) + eps * std::log(plan(i, j) / (a[i] * b[j])) +
                rho * std::log(r[i] / a[i]) + rho * std::log(c[j] / b[j]);
      for (Index w = 0; w < 4; ++w) {
        const Index k = w % 2, l = w / 2;
        hess(v, w) = (v == w ? eps / plan(i, j) : 0.0) + (i == k ? rho / r[i] : 0.0) +
                     (j == l ? rho / c[j] : 0.0);
      }
    }
    const VectorXd d = -hess.llt().solve(grad);
    double t = 1.0;
    const double before = Primal(plan, cost, a, b, eps, rho);
    while (true) {
      MatrixXd trial = plan;
      for (Index v = 0; v < 4; ++v) trial(v % 2, v / 2) += t * d[v];
      if (trial.minCoeff() > 0.0 && Primal(trial, cost, a, b, eps, rho) <= before + 1e-15) {
        plan = trial;
        break;
      }
      t *= 0.5;
      if (t < 1e-12) return plan;  // no further progress at double precision
    }
  }
  return plan;
}

TEST(UnbalancedSinkhornTest, TwoByTwoMatchesDirectMinimisation) {
  MatrixXd cost(2, 2);
  cost << 0.1, 1.3, 0.9, 0.2;
  VectorXd a(2), b(2);
  a << 0.7, 1.6;
  b << 0.4, 0.5;
  for (double eps : {0.05, 1.0}) {
    for (double rho : {0.2, 3.0}) {
      SCOPED_TRACE(::testing::Message() << "eps " << eps << " rho " << rho);
      const MatrixXd expected = NewtonMinimiser(cost, a, b, eps, rho);
      absl::StatusOr<UnbalancedSinkhornOutput> out =
          SolveUnbalancedSinkhorn(MatrixProblem(cost), a, b, Options(eps, rho, 1e-14));
      ASSERT_TRUE(out.ok()) << out.status();
      EXPECT_TRUE(out->converged);
      // Newton ends at the double-precision minimiser; Sinkhorn within 1e-14 eps of
      // its fixed point in the potentials, i.e. ~1e-13 relative in P.
      EXPECT_LE((*out->plan - expected).cwiseAbs().maxCoeff(), 1e-10 * expected.maxCoeff())
          << *out->plan << "\nvs\n" << expected;
      EXPECT_NEAR(out->primal_objective, Primal(expected, cost, a, b, eps, rho), 1e-12);
    }
  }
}

TEST(UnbalancedSinkhornTest, MatchesPotAfterChangingTheEntropyReference) {
  // POT 0.8.2 minimises with eps KL(P | 1) (counting measure). Since
  // eps KL(P | a x b) = eps KL(P | 1) - <P, eps (log a_i + log b_j)> + const, our
  // problem is POT's on C'_ij = C_ij - eps (log a_i + log b_j). Generated by
  //   C = ot.dist(x, y); Cp = C - eps * (log(a)[:, None] + log(b)[None, :])
  //   ot.unbalanced.sinkhorn_unbalanced(a, b, Cp, 0.1, 0.5, numItermax=100000, stopThr=1e-16)
  // (its first-order conditions hold to 1.7e-16 there).
  MatrixXd x(4, 2), y(3, 2);
  x << 0.0, 0.0, 1.0, 0.2, 0.3, 0.8, 0.6, 0.5;
  y << 0.1, 0.4, 0.9, 0.9, 0.5, 0.0;
  VectorXd a(4), b(3);
  a << 0.3, 0.5, 0.2, 0.4;
  b << 0.6, 0.9, 0.5;
  MatrixXd pot(4, 3);
  pot << 0.22383599602257948, 4.027684139943926e-07, 0.06956304865289707,  //
      0.0012760369313170481, 0.15076113368423083, 0.2386693259930084,     //
      0.1167334329477013, 0.07608343333346475, 0.0006644556650283588,     //
      0.07619815905883309, 0.30044805096042276, 0.05270219977751211;
  absl::StatusOr<UnbalancedSinkhornOutput> out =
      SolveUnbalancedSinkhorn(PointProblem(x, y), a, b, Options(0.1, 0.5, 1e-14));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(out->converged);
  EXPECT_LE((*out->plan - pot).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_NEAR(out->plan_mass, 1.3069356757954091, 1e-12);
  EXPECT_NEAR(out->transport_cost, 0.3616983295562978, 1e-12);
}

// A 40 x 30 problem with total masses 2 (source) and below 1 (target).
struct RandomCase {
  LinearProblem problem = PointProblem(UniformPoints(40, 2, 5), UniformPoints(30, 2, 6));
  VectorXd a = 2.0 * Masses(40, 7, 0.1) / Masses(40, 7, 0.1).sum();
  VectorXd b = Masses(30, 8, 0.05).cwiseProduct(Masses(30, 8, 0.05)) / 20.0;
};

TEST(UnbalancedSinkhornTest, PrimalEqualsDualAtConvergence) {
  const RandomCase c;
  for (double rho : {0.05, 1.0, 20.0}) {
    const double eps = 0.02;
    absl::StatusOr<UnbalancedSinkhornOutput> out =
        SolveUnbalancedSinkhorn(c.problem, c.a, c.b, Options(eps, rho));
    ASSERT_TRUE(out.ok()) << out.status();
    SCOPED_TRACE(::testing::Message() << "rho " << rho << ", " << out->iterations << " iterations");
    EXPECT_TRUE(out->converged);
    const MatrixXd& plan = *out->plan;
    // The reported primal is the objective of the returned plan (computed entry by entry here).
    const double primal = Primal(plan, c.problem.cost(), c.a, c.b, eps, rho);
    EXPECT_NEAR(out->primal_objective, primal, 1e-12 * std::abs(primal));
    EXPECT_NEAR(out->transport_cost, c.problem.cost().cwiseProduct(plan).sum(), 1e-14);
    EXPECT_NEAR(out->plan_mass, plan.sum(), 1e-14);
    // Strong duality. The iterate is within ~1e-12 eps of the fixed point in its
    // potentials (times k^2 / (1 - k^2) <= 500 at rho = 20), and the gap is
    // first order in that distance times the O(1) marginals.
    EXPECT_NEAR(out->dual_objective, out->primal_objective, 1e-10);
    // Weak duality at a non-optimal point: the primal of a perturbed plan is larger.
    EXPECT_GT(Primal(plan * 1.01, c.problem.cost(), c.a, c.b, eps, rho), out->dual_objective);
  }
}

TEST(UnbalancedSinkhornTest, FirstOrderConditionsHold) {
  // f_i = -rho log(P1_i / a_i) and g_j = -rho log(P^T 1_j / b_j): the row
  // condition holds by construction (each iteration ends with an f-update), the
  // column one within the stopping tolerance.
  const RandomCase c;
  const double eps = 0.05, rho = 0.5;
  absl::StatusOr<UnbalancedSinkhornOutput> out =
      SolveUnbalancedSinkhorn(c.problem, c.a, c.b, Options(eps, rho));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(out->converged);
  const VectorXd rows = out->plan->rowwise().sum();
  const VectorXd cols = out->plan->colwise().sum().transpose();
  const VectorXd f_expected = -rho * (rows.array() / c.a.array()).log().matrix();
  const VectorXd g_expected = -rho * (cols.array() / c.b.array()).log().matrix();
  EXPECT_LE((out->f - f_expected).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_LE((out->g - g_expected).cwiseAbs().maxCoeff(), 1e-10);
  // And the plan has the Gibbs form of its potentials.
  for (Index j = 0; j < c.problem.m(); ++j) {
    for (Index i = 0; i < c.problem.n(); ++i) {
      const double p = c.a[i] * c.b[j] *
                       std::exp((out->f[i] + out->g[j] - c.problem.cost()(i, j)) / eps);
      EXPECT_NEAR((*out->plan)(i, j), p, 1e-14 + 1e-13 * p);
    }
  }
}

TEST(UnbalancedSinkhornTest, PlanMassLiesBetweenTheTotalsWhenCostsAreSmall) {
  // Mass 1 against mass 3 on nearby clouds (cost <= 2 << rho = 10): the mass
  // settles near the geometric mean sqrt(3) (the C = 0 limit of the closed
  // form above), between the two totals. Not a theorem for large costs (see
  // ConstantCostHasAClosedForm).
  const LinearProblem problem = PointProblem(UniformPoints(30, 2, 9), UniformPoints(25, 2, 10));
  const VectorXd a = problem.a();        // total 1
  const VectorXd b = 3.0 * problem.b();  // total 3
  for (double eps : {0.01, 0.1}) {
    absl::StatusOr<UnbalancedSinkhornOutput> out =
        SolveUnbalancedSinkhorn(problem, a, b, Options(eps, 10.0, 1e-10));
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_TRUE(out->converged);
    EXPECT_GT(out->plan_mass, 1.0);
    EXPECT_LT(out->plan_mass, 3.0);
    // Swapping the roles of the measures transposes the problem: same mass.
    const LinearProblem swapped = PointProblem(problem.y(), problem.x());
    absl::StatusOr<UnbalancedSinkhornOutput> back =
        SolveUnbalancedSinkhorn(swapped, b, a, Options(eps, 10.0, 1e-10));
    ASSERT_TRUE(back.ok());
    EXPECT_NEAR(back->plan_mass, out->plan_mass, 1e-9);
    EXPECT_NEAR(back->primal_objective, out->primal_objective, 1e-9);
  }
}

TEST(UnbalancedSinkhornTest, LargeRhoRecoversBalancedSinkhorn) {
  // With probability masses the marginals are r = a exp(-f / rho) = a (1 + O(|f| / rho)),
  // so the plan and its cost approach the balanced ones at rate 1 / rho. The bound
  // checked is 1 / rho (costs and potentials here are below 1); measured
  // rho * |difference| is about 0.007 for the cost and 0.08 for the plan (L1).
  const LinearProblem problem = PointProblem(UniformPoints(30, 2, 11), UniformPoints(20, 2, 12));
  const double eps = 0.1;
  SinkhornOptions balanced_options;
  balanced_options.epsilon = eps;
  balanced_options.tolerance = 1e-13;
  balanced_options.max_iterations = 100000;
  balanced_options.return_plan = true;
  absl::StatusOr<SinkhornOutput> balanced = SolveSinkhorn(problem, balanced_options);
  ASSERT_TRUE(balanced.ok() && balanced->converged);
  double previous = std::numeric_limits<double>::infinity();
  for (double rho : {1.0, 10.0, 100.0}) {
    absl::StatusOr<UnbalancedSinkhornOutput> out =
        SolveUnbalancedSinkhorn(problem, VectorXd(), VectorXd(), Options(eps, rho, 1e-13));
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_TRUE(out->converged);
    const double cost_gap = std::abs(out->transport_cost - balanced->transport_cost);
    const double plan_gap = (*out->plan - *balanced->plan).lpNorm<1>();
    std::cout << "rho " << rho << ": |cost - balanced| = " << cost_gap
              << ", |P - P_balanced|_1 = " << plan_gap << ", mass " << out->plan_mass << ", "
              << out->iterations << " iterations\n";
    EXPECT_LE(cost_gap, 1.0 / rho);
    EXPECT_LE(plan_gap, 1.0 / rho);
    EXPECT_NEAR(out->plan_mass, 1.0, 1.0 / rho);
    EXPECT_LT(plan_gap, previous);
    previous = plan_gap;
  }
}

TEST(UnbalancedSinkhornTest, ZeroMassesSendAndReceiveNothing) {
  const RandomCase c;
  VectorXd a = c.a, b = c.b;
  a[3] = 0.0;
  b[0] = 0.0;
  absl::StatusOr<UnbalancedSinkhornOutput> out =
      SolveUnbalancedSinkhorn(c.problem, a, b, Options(0.01, 1.0));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(out->converged);
  EXPECT_EQ(out->plan->row(3).cwiseAbs().maxCoeff(), 0.0);
  EXPECT_EQ(out->plan->col(0).cwiseAbs().maxCoeff(), 0.0);
  EXPECT_TRUE(std::isfinite(out->primal_objective));
  EXPECT_NEAR(out->dual_objective, out->primal_objective, 1e-10);
}

TEST(UnbalancedSinkhornTest, EpsilonScalingReachesTheSameFixedPoint) {
  const RandomCase c;
  UnbalancedSinkhornOptions options = Options(0.005, 0.5, 1e-11);
  absl::StatusOr<UnbalancedSinkhornOutput> plain =
      SolveUnbalancedSinkhorn(c.problem, c.a, c.b, options);
  options.epsilon_scaling = EpsilonScaling{};
  absl::StatusOr<UnbalancedSinkhornOutput> scaled =
      SolveUnbalancedSinkhorn(c.problem, c.a, c.b, options);
  ASSERT_TRUE(plain.ok() && scaled.ok());
  EXPECT_TRUE(plain->converged && scaled->converged);
  EXPECT_EQ(scaled->epsilon, 0.005);
  std::cout << "eps 0.005: " << plain->iterations << " iterations plain, " << scaled->iterations
            << " with epsilon scaling\n";
  EXPECT_NEAR(plain->primal_objective, scaled->primal_objective, 1e-9);
  EXPECT_LE((*plain->plan - *scaled->plan).lpNorm<1>(), 1e-7);
}

TEST(UnbalancedSinkhornTest, NotConvergingIsAResultNotAnError) {
  const RandomCase c;
  UnbalancedSinkhornOptions options = Options(0.001, 1.0, 0.0);
  options.max_iterations = 3;
  absl::StatusOr<UnbalancedSinkhornOutput> out =
      SolveUnbalancedSinkhorn(c.problem, c.a, c.b, options);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_FALSE(out->converged);
  EXPECT_EQ(out->iterations, 3);
  EXPECT_GT(out->potential_change, 0.0);
  EXPECT_TRUE(std::isfinite(out->primal_objective) && std::isfinite(out->dual_objective));
  options.max_iterations = 0;
  out = SolveUnbalancedSinkhorn(c.problem, c.a, c.b, options);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_FALSE(out->converged);
  EXPECT_EQ(out->iterations, 0);
}

// ----------------------------------------------------------------- observer

class Recorder : public Observer {
 public:
  void OnProgress(const ProgressReport& report) override { reports.push_back(report); }
  bool WantsFrame(int64_t /*step*/) const override { return true; }
  void OnFrame(Frame frame) override { last_frame = std::move(frame); }
  std::vector<ProgressReport> reports;
  Frame last_frame;
};

TEST(UnbalancedSinkhornObserverTest, ProgressEveryIterationAndBarycentricFrames) {
  const RandomCase c;
  Recorder recorder;
  absl::StatusOr<UnbalancedSinkhornOutput> out =
      SolveUnbalancedSinkhorn(c.problem, c.a, c.b, Options(0.02, 1.0, 1e-10), recorder);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_TRUE(out->converged);
  ASSERT_EQ(static_cast<int64_t>(recorder.reports.size()), out->iterations);
  for (size_t k = 0; k < recorder.reports.size(); ++k) {
    EXPECT_EQ(recorder.reports[k].iteration, static_cast<int64_t>(k) + 1);
  }
  EXPECT_EQ(recorder.reports.back().error, out->potential_change);
  // The in-loop objective uses the exact row sums a exp(-f / rho) instead of a pass over P.
  EXPECT_NEAR(recorder.reports.back().objective, out->dual_objective, 1e-13);
  // The last frame is T(x_i) = sum_j P_ij y_j / sum_j P_ij of the returned plan.
  const Frame& frame = recorder.last_frame;
  EXPECT_EQ(frame.step, out->iterations);
  const MatrixXd& plan = *out->plan;
  const MatrixXd expected =
      (plan * c.problem.y()).array().colwise() / plan.rowwise().sum().array();
  ASSERT_EQ(frame.positions.rows(), c.problem.n());
  EXPECT_LE((frame.positions - expected).cwiseAbs().maxCoeff(), 1e-13);
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

TEST(UnbalancedSinkhornObserverTest, StopsAtTheFirstPollThatSaysSo) {
  // Polls happen once per cost column (and per block of rows in the transpose),
  // so stopping after k polls lands in every phase: the transpose, the first
  // f-update, the iterations, and the final measurement of the plan.
  const RandomCase c;
  const UnbalancedSinkhornOptions options = Options(0.05, 1.0, 1e-10);
  StopAfterPolls counter(std::numeric_limits<int>::max());
  ASSERT_TRUE(SolveUnbalancedSinkhorn(c.problem, c.a, c.b, options, counter).ok());
  const int total = counter.polls();
  for (int after : {0, 1, 30, 100, total / 2, total - 10, total - 1}) {
    StopAfterPolls observer(after);
    absl::StatusOr<UnbalancedSinkhornOutput> out =
        SolveUnbalancedSinkhorn(c.problem, c.a, c.b, options, observer);
    EXPECT_EQ(out.status().code(), absl::StatusCode::kCancelled) << "after " << after;
    EXPECT_EQ(observer.polls(), after + 1) << "after " << after;
  }
}

}  // namespace
}  // namespace advect
