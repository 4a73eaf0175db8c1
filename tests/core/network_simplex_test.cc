// SolveExactOt / SolveExactOtFromPoints (network simplex) against POT 0.8.2's
// ot.emd (tests/data/pot_cases and small pasted cases), brute-force assignment,
// the 1-D solver, and an optimality certificate: a feasible plan and feasible
// duals with equal objectives prove optimality on their own (LP duality), so
// CheckCertificate is an oracle independent of the solver's internals.
#include "core/solvers/network_simplex.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "absl/strings/str_cat.h"
#include "core/geometry/cost.h"
#include "core/problems/linear_problem.h"
#include "core/solvers/ot_1d.h"
#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace advect {
namespace {

using ::advect::testing::LoadPotArray;
using ::advect::testing::PotCaseProblem;
using ::advect::testing::ReferenceNumber;
using ::advect::testing::UniformPoints;
using Eigen::MatrixXd;
using Eigen::VectorXd;

// Dual constraints and complementary slackness, in units of max |C|. The
// solver's own tolerance is ~1e-14 relative; 1e-9 leaves room for rounding in
// potentials that are sums along tree paths, and still catches any real error
// (a wrong pivot or potential update is off by a cost difference, O(1)).
constexpr double kDualTol = 1e-9;
// Marginals of the plan (the brief: exact to 1e-12).
constexpr double kMarginalTol = 1e-12;

LinearProblem CostProblem(const MatrixXd& cost, const VectorXd& a = VectorXd(),
                          const VectorXd& b = VectorXd()) {
  absl::StatusOr<LinearProblem> problem = LinearProblem::FromCostMatrix(cost, a, b);
  EXPECT_TRUE(problem.ok()) << problem.status();
  return *std::move(problem);
}

// Checks that `out` is an optimal solution of min <P, C> over couplings of a and
// b (a, b normalised) by verifying a primal-dual certificate.
void CheckCertificate(const MatrixXd& c, const VectorXd& a, const VectorXd& b,
                      const ExactOtOutput& out) {
  const Eigen::Index n = c.rows();
  const Eigen::Index m = c.cols();
  ASSERT_EQ(out.status, ExactOtStatus::kOptimal);
  const size_t nnz = out.plan_values.size();
  ASSERT_EQ(out.plan_rows.size(), nnz);
  ASSERT_EQ(out.plan_cols.size(), nnz);
  EXPECT_LE(static_cast<Eigen::Index>(nnz), n + m - 1);
  VectorXd rows = VectorXd::Zero(n);
  VectorXd cols = VectorXd::Zero(m);
  double cost = 0.0;
  for (size_t k = 0; k < nnz; ++k) {
    const int64_t i = out.plan_rows[k];
    const int64_t j = out.plan_cols[k];
    ASSERT_TRUE(i >= 0 && i < n && j >= 0 && j < m) << i << ", " << j;
    if (k > 0) {
      EXPECT_TRUE(out.plan_rows[k - 1] < i || (out.plan_rows[k - 1] == i && out.plan_cols[k - 1] < j))
          << "entries not sorted by (row, col) at " << k;
    }
    EXPECT_GT(out.plan_values[k], 0.0);
    rows[i] += out.plan_values[k];
    cols[j] += out.plan_values[k];
    cost += out.plan_values[k] * c(i, j);
  }
  EXPECT_LE((rows - a).cwiseAbs().maxCoeff(), kMarginalTol);
  EXPECT_LE((cols - b).cwiseAbs().maxCoeff(), kMarginalTol);
  const double scale = std::max(c.cwiseAbs().maxCoeff(), 1e-300);
  EXPECT_NEAR(out.transport_cost, cost, 1e-12 * scale);

  ASSERT_EQ(out.f.size(), n);
  ASSERT_EQ(out.g.size(), m);
  ASSERT_TRUE(out.f.allFinite() && out.g.allFinite());
  MatrixXd reduced = c;
  reduced.colwise() -= out.f;
  reduced.rowwise() -= out.g.transpose();
  EXPECT_GE(reduced.minCoeff(), -kDualTol * scale) << "dual infeasible";
  for (size_t k = 0; k < nnz; ++k) {
    EXPECT_NEAR(reduced(out.plan_rows[k], out.plan_cols[k]), 0.0, kDualTol * scale)
        << "complementary slackness at (" << out.plan_rows[k] << ", " << out.plan_cols[k] << ")";
  }
  EXPECT_NEAR(out.dual_objective, a.dot(out.f) + b.dot(out.g), 1e-12 * scale);
  EXPECT_NEAR(out.dual_objective, out.transport_cost, kDualTol * scale);
  // POT's centring: <f, a> = <g, b>.
  EXPECT_NEAR(a.dot(out.f), b.dot(out.g), 1e-12 * scale);
}

VectorXd Normalized(const VectorXd& w) { return w / w.sum(); }

VectorXd RandomWeights(Eigen::Index n, uint64_t seed) {
  return (UniformPoints(n, 1, seed).col(0).array() + 0.05).matrix();
}

// ---------------------------------------------------------------------------
// POT reference cases.

class ExactOtPotTest : public ::testing::TestWithParam<const char*> {};

TEST_P(ExactOtPotTest, DenseAndFromPointsMatchPotEmd) {
  const std::string name = GetParam();
  absl::StatusOr<LinearProblem> problem = PotCaseProblem(name);
  ASSERT_TRUE(problem.ok()) << problem.status();
  absl::StatusOr<double> reference = ReferenceNumber({"cases", name, "emd", "cost"});
  ASSERT_TRUE(reference.ok()) << reference.status();

  absl::StatusOr<ExactOtOutput> dense = SolveExactOt(*problem, ExactOtOptions{});
  ASSERT_TRUE(dense.ok()) << dense.status();
  absl::StatusOr<ExactOtOutput> points = SolveExactOtFromPoints(
      problem->x(), problem->y(), VectorXd(), VectorXd(), GroundCost{}, ExactOtOptions{});
  ASSERT_TRUE(points.ok()) << points.status();
  for (const ExactOtOutput* out : {&*dense, &*points}) {
    SCOPED_TRACE(out == &*dense ? "dense" : "from points");
    EXPECT_NEAR(out->transport_cost, *reference, 1e-9 * *reference);
    CheckCertificate(problem->cost(), problem->a(), problem->b(), *out);
    std::cout << name << (out == &*dense ? " dense" : " points") << ": cost relative difference "
              << out->transport_cost / *reference - 1.0 << ", pivots " << out->iterations << "\n";
  }
  // Both entry points price the same costs in the same order.
  EXPECT_EQ(dense->plan_rows, points->plan_rows);
  EXPECT_EQ(dense->plan_cols, points->plan_cols);
  EXPECT_EQ(dense->iterations, points->iterations);

  // Uniform weights, n = m: the optimum is a permutation; in general position it
  // is unique, so POT's plan must be ours.
  absl::StatusOr<MatrixXd> pot_i = LoadPotArray(absl::StrCat(name, "/emd_plan_i.npy"));
  absl::StatusOr<MatrixXd> pot_j = LoadPotArray(absl::StrCat(name, "/emd_plan_j.npy"));
  ASSERT_TRUE(pot_i.ok() && pot_j.ok());
  ASSERT_EQ(static_cast<size_t>(pot_i->size()), dense->plan_rows.size());
  for (size_t k = 0; k < dense->plan_rows.size(); ++k) {
    EXPECT_EQ(dense->plan_rows[k], static_cast<int64_t>((*pot_i)(k)));
    EXPECT_EQ(dense->plan_cols[k], static_cast<int64_t>((*pot_j)(k)));
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, ExactOtPotTest, ::testing::Values("n1000_d2", "n2000_d10"));

// ---------------------------------------------------------------------------
// Small problems against independent oracles.

// Values computed with POT 0.8.2 (/usr/bin/python3), inputs from SplitMix64 as in
// tests/data/pot_cases/README.md:
//   def U(n, d, seed): SplitMix64 stream `seed`, n*d values, reshape(n, d)
//   for (n, m, d, sx, sy, sa, sb, metric) in [(4, 6, 2, 101, 202, 303, 404, 'sqeuclidean'),
//                                              (6, 3, 3, 505, 606, 707, 808, 'sqeuclidean'),
//                                              (5, 5, 2, 909, 1010, 1111, 1212, 'euclidean')]:
//       x = U(n, d, sx); y = U(m, d, sy)
//       a = U(n, 1, sa)[:, 0] + 0.05; b = U(m, 1, sb)[:, 0] + 0.05
//       a /= a.sum(); b /= b.sum()
//       print(ot.emd2(a, b, ot.dist(x, y, metric=metric), numItermax=10**8))
struct SmallPotCase {
  int n, m, d;
  uint64_t sx, sy, sa, sb;
  CostKind kind;
  double emd2;
};

TEST(ExactOtTest, SmallWeightedProblemsMatchPot) {
  const SmallPotCase cases[] = {
      {4, 6, 2, 101, 202, 303, 404, CostKind::kSquaredEuclidean, 0.13297828213832583},
      {6, 3, 3, 505, 606, 707, 808, CostKind::kSquaredEuclidean, 0.12514466433574947},
      {5, 5, 2, 909, 1010, 1111, 1212, CostKind::kEuclidean, 0.35082078186784277},
  };
  for (const SmallPotCase& c : cases) {
    SCOPED_TRACE(absl::StrCat(c.n, "x", c.m));
    const MatrixXd x = UniformPoints(c.n, c.d, c.sx);
    const MatrixXd y = UniformPoints(c.m, c.d, c.sy);
    const VectorXd a = RandomWeights(c.n, c.sa);
    const VectorXd b = RandomWeights(c.m, c.sb);
    const GroundCost cost{c.kind, 2.0};
    absl::StatusOr<LinearProblem> problem = LinearProblem::FromPoints(x, y, a, b, cost);
    ASSERT_TRUE(problem.ok());
    absl::StatusOr<ExactOtOutput> out = SolveExactOt(*problem, ExactOtOptions{});
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_NEAR(out->transport_cost, c.emd2, 1e-12);
    CheckCertificate(problem->cost(), problem->a(), problem->b(), *out);
    absl::StatusOr<ExactOtOutput> from_points =
        SolveExactOtFromPoints(x, y, a, b, cost, ExactOtOptions{});
    ASSERT_TRUE(from_points.ok()) << from_points.status();
    EXPECT_NEAR(from_points->transport_cost, c.emd2, 1e-12);
  }
}

// Many random small problems (n != m, non-uniform weights, some zero weights,
// costs of both signs): the certificate alone proves optimality.
TEST(ExactOtTest, RandomSmallProblemsHaveOptimalityCertificates) {
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<int> size(1, 6);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int trial = 0; trial < 300; ++trial) {
    const int n = size(rng);
    const int m = size(rng);
    SCOPED_TRACE(absl::StrCat("trial ", trial, ": ", n, " x ", m));
    MatrixXd c(n, m);
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < m; ++j) {
        // Every third problem has few distinct costs (ties, degeneracy).
        c(i, j) = trial % 3 == 0 ? std::floor(3.0 * unit(rng)) : 4.0 * unit(rng) - 1.0;
      }
    }
    VectorXd a(n);
    VectorXd b(m);
    for (int i = 0; i < n; ++i) a[i] = trial % 4 == 1 && i % 2 == 1 ? 0.0 : unit(rng) + 0.01;
    for (int j = 0; j < m; ++j) b[j] = trial % 5 == 2 && j % 3 == 0 && m > 1 ? 0.0 : unit(rng);
    const LinearProblem problem = CostProblem(c, a, b);
    absl::StatusOr<ExactOtOutput> out = SolveExactOt(problem, ExactOtOptions{});
    ASSERT_TRUE(out.ok()) << out.status();
    CheckCertificate(problem.cost(), problem.a(), problem.b(), *out);
  }
}

// n = m with uniform weights is an assignment problem (Birkhoff): the best of
// the n! permutations is the optimum.
TEST(ExactOtTest, UniformSquareEqualsBestPermutation) {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal(0.0, 1.0);
  for (int n = 1; n <= 6; ++n) {
    MatrixXd c(n, n);
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) c(i, j) = normal(rng);  // negative entries too
    }
    std::vector<int> perm(n);
    std::iota(perm.begin(), perm.end(), 0);
    double best = INFINITY;
    do {
      double total = 0.0;
      for (int i = 0; i < n; ++i) total += c(i, perm[i]) / n;
      best = std::min(best, total);
    } while (std::next_permutation(perm.begin(), perm.end()));
    const LinearProblem problem = CostProblem(c);
    absl::StatusOr<ExactOtOutput> out = SolveExactOt(problem, ExactOtOptions{});
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_NEAR(out->transport_cost, best, 1e-12) << "n = " << n;
    CheckCertificate(problem.cost(), problem.a(), problem.b(), *out);
  }
}

// ---------------------------------------------------------------------------
// Special shapes and degenerate inputs.

TEST(ExactOtTest, OneByOne) {
  const LinearProblem problem = CostProblem(MatrixXd::Constant(1, 1, -2.5));
  absl::StatusOr<ExactOtOutput> out = SolveExactOt(problem, ExactOtOptions{});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->plan_rows, std::vector<int64_t>{0});
  EXPECT_EQ(out->plan_cols, std::vector<int64_t>{0});
  EXPECT_EQ(out->plan_values, std::vector<double>{1.0});
  EXPECT_EQ(out->transport_cost, -2.5);
  EXPECT_NEAR(out->f[0], -1.25, 1e-15);  // centred: f = g
  EXPECT_NEAR(out->g[0], -1.25, 1e-15);
}

TEST(ExactOtTest, OneSourceShipsTheTargetWeights) {
  MatrixXd c(1, 4);
  c << 3.0, -1.0, 0.5, 2.0;
  const VectorXd b = Eigen::Vector4d(0.1, 0.2, 0.3, 0.4);
  const LinearProblem problem = CostProblem(c, VectorXd(), b);
  absl::StatusOr<ExactOtOutput> out = SolveExactOt(problem, ExactOtOptions{});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->plan_cols, (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_NEAR(out->transport_cost, 0.3 - 0.2 + 0.15 + 0.8, 1e-15);
  CheckCertificate(problem.cost(), problem.a(), problem.b(), *out);
  // And the transpose (m sources, one target).
  const LinearProblem transposed = CostProblem(c.transpose(), b, VectorXd());
  absl::StatusOr<ExactOtOutput> out_t = SolveExactOt(transposed, ExactOtOptions{});
  ASSERT_TRUE(out_t.ok()) << out_t.status();
  EXPECT_NEAR(out_t->transport_cost, out->transport_cost, 1e-15);
  CheckCertificate(transposed.cost(), transposed.a(), transposed.b(), *out_t);
}

TEST(ExactOtTest, ZeroWeightPointsCarryNoMassAndGetFeasibleDuals) {
  const MatrixXd x = UniformPoints(30, 2, 1);
  const MatrixXd y = UniformPoints(20, 2, 2);
  VectorXd a = RandomWeights(30, 3);
  VectorXd b = RandomWeights(20, 4);
  for (int i = 0; i < 30; i += 4) a[i] = 0.0;
  for (int j = 1; j < 20; j += 3) b[j] = 0.0;
  absl::StatusOr<LinearProblem> problem = LinearProblem::FromPoints(x, y, a, b, GroundCost{});
  ASSERT_TRUE(problem.ok());
  absl::StatusOr<ExactOtOutput> out = SolveExactOt(*problem, ExactOtOptions{});
  ASSERT_TRUE(out.ok()) << out.status();
  CheckCertificate(problem->cost(), problem->a(), problem->b(), *out);
  for (size_t k = 0; k < out->plan_rows.size(); ++k) {
    EXPECT_NE(a[out->plan_rows[k]], 0.0);
    EXPECT_NE(b[out->plan_cols[k]], 0.0);
  }
  // Without the zero-weight points the problem is the same.
  std::vector<int> keep_x, keep_y;
  for (int i = 0; i < 30; ++i) {
    if (a[i] > 0.0) keep_x.push_back(i);
  }
  for (int j = 0; j < 20; ++j) {
    if (b[j] > 0.0) keep_y.push_back(j);
  }
  absl::StatusOr<ExactOtOutput> reduced = SolveExactOtFromPoints(
      x(keep_x, Eigen::all), y(keep_y, Eigen::all), a(keep_x), b(keep_y), GroundCost{},
      ExactOtOptions{});
  ASSERT_TRUE(reduced.ok()) << reduced.status();
  EXPECT_NEAR(reduced->transport_cost, out->transport_cost, 1e-14);
}

TEST(ExactOtTest, AllEqualCostsAreHeavilyDegenerate) {
  for (const auto& [n, m] : {std::pair{50, 50}, std::pair{40, 70}}) {
    const LinearProblem problem =
        CostProblem(MatrixXd::Constant(n, m, 0.75), RandomWeights(n, 8), RandomWeights(m, 9));
    absl::StatusOr<ExactOtOutput> out = SolveExactOt(problem, ExactOtOptions{});
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_NEAR(out->transport_cost, 0.75, 1e-15);
    CheckCertificate(problem.cost(), problem.a(), problem.b(), *out);
  }
}

TEST(ExactOtTest, DuplicatedPointsMoveNothing) {
  // Every point twice, target = source (shuffled): cost 0.
  MatrixXd x(40, 3);
  x.topRows(20) = UniformPoints(20, 3, 21);
  x.bottomRows(20) = x.topRows(20);
  const MatrixXd y = x.colwise().reverse();
  const VectorXd w = RandomWeights(20, 22);
  VectorXd a(40);
  a << w, w;
  const VectorXd b = a.reverse();
  absl::StatusOr<LinearProblem> problem = LinearProblem::FromPoints(x, y, a, b, GroundCost{});
  ASSERT_TRUE(problem.ok());
  absl::StatusOr<ExactOtOutput> out = SolveExactOt(*problem, ExactOtOptions{});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->transport_cost, 0.0);
  CheckCertificate(problem->cost(), problem->a(), problem->b(), *out);
}

TEST(ExactOtTest, NegativeCostsAndShiftInvariance) {
  // Adding a constant to C changes the cost by that constant and not the plan.
  const MatrixXd base = UniformPoints(25, 17, 31);
  const VectorXd a = RandomWeights(25, 32);
  const VectorXd b = RandomWeights(17, 33);
  const LinearProblem p0 = CostProblem(base, a, b);
  const LinearProblem p1 = CostProblem(base.array() - 3.0, a, b);
  absl::StatusOr<ExactOtOutput> out0 = SolveExactOt(p0, ExactOtOptions{});
  absl::StatusOr<ExactOtOutput> out1 = SolveExactOt(p1, ExactOtOptions{});
  ASSERT_TRUE(out0.ok() && out1.ok());
  EXPECT_NEAR(out1->transport_cost, out0->transport_cost - 3.0, 1e-13);
  CheckCertificate(p1.cost(), p1.a(), p1.b(), *out1);
  CheckCertificate(p0.cost(), p0.a(), p0.b(), *out0);
}

// ---------------------------------------------------------------------------
// Agreement with the 1-D solver (sorting), weighted, n != m.

TEST(ExactOtTest, AgreesWithTheOneDimensionalSolver) {
  const MatrixXd x = UniformPoints(300, 1, 41);
  const MatrixXd y = (UniformPoints(200, 1, 42).array().square() * 1.5 - 0.2).matrix();
  const VectorXd a = RandomWeights(300, 43);
  const VectorXd b = RandomWeights(200, 44);
  for (double p : {2.0, 1.0}) {
    const GroundCost cost = p == 2.0 ? GroundCost{} : GroundCost{CostKind::kEuclidean, 1.0};
    absl::StatusOr<Ot1dOutput> one_d = SolveOt1d(x.col(0), y.col(0), a, b, p);
    ASSERT_TRUE(one_d.ok());
    absl::StatusOr<ExactOtOutput> out = SolveExactOtFromPoints(x, y, a, b, cost, ExactOtOptions{});
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_NEAR(out->transport_cost, one_d->transport_cost, 1e-12) << "p = " << p;
  }
  // A general power goes through the same path as p = 2.
  absl::StatusOr<Ot1dOutput> one_d = SolveOt1d(x.col(0), y.col(0), a, b, 3.0);
  absl::StatusOr<ExactOtOutput> out = SolveExactOtFromPoints(
      x, y, a, b, GroundCost{CostKind::kPower, 3.0}, ExactOtOptions{});
  ASSERT_TRUE(one_d.ok() && out.ok());
  EXPECT_NEAR(out->transport_cost, one_d->transport_cost, 1e-12);
}

// ---------------------------------------------------------------------------
// Iteration limit, options, validation.

TEST(ExactOtTest, IterationLimitReturnsAFeasibleSuboptimalPlan) {
  const MatrixXd x = UniformPoints(150, 2, 51);
  const MatrixXd y = UniformPoints(120, 2, 52);
  const VectorXd a = Normalized(RandomWeights(150, 53));
  const VectorXd b = Normalized(RandomWeights(120, 54));
  absl::StatusOr<LinearProblem> problem = LinearProblem::FromPoints(x, y, a, b, GroundCost{});
  ASSERT_TRUE(problem.ok());
  absl::StatusOr<ExactOtOutput> optimum = SolveExactOt(*problem, ExactOtOptions{});
  ASSERT_TRUE(optimum.ok());
  ASSERT_GT(optimum->iterations, 50);
  for (int64_t limit : {1, 10, 50}) {
    SCOPED_TRACE(absl::StrCat("max_iterations = ", limit));
    absl::StatusOr<ExactOtOutput> out = SolveExactOt(*problem, ExactOtOptions{limit});
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(out->status, ExactOtStatus::kIterationLimit);
    EXPECT_EQ(out->iterations, limit);
    EXPECT_LE(static_cast<int64_t>(out->plan_values.size()), 150 + 120 - 1);
    VectorXd rows = VectorXd::Zero(150);
    VectorXd cols = VectorXd::Zero(120);
    double cost = 0.0;
    for (size_t k = 0; k < out->plan_values.size(); ++k) {
      EXPECT_GT(out->plan_values[k], 0.0);
      rows[out->plan_rows[k]] += out->plan_values[k];
      cols[out->plan_cols[k]] += out->plan_values[k];
      cost += out->plan_values[k] * problem->cost()(out->plan_rows[k], out->plan_cols[k]);
    }
    EXPECT_LE((rows - problem->a()).cwiseAbs().maxCoeff(), kMarginalTol);
    EXPECT_LE((cols - problem->b()).cwiseAbs().maxCoeff(), kMarginalTol);
    EXPECT_NEAR(out->transport_cost, cost, 1e-14);
    EXPECT_GT(out->transport_cost, optimum->transport_cost);
  }
  // A limit that is not reached changes nothing.
  absl::StatusOr<ExactOtOutput> loose =
      SolveExactOt(*problem, ExactOtOptions{optimum->iterations + 1});
  ASSERT_TRUE(loose.ok());
  EXPECT_EQ(loose->status, ExactOtStatus::kOptimal);
  EXPECT_EQ(loose->transport_cost, optimum->transport_cost);
}

TEST(ExactOtTest, ValidatesOptionsAndInputs) {
  absl::Status s = ValidateExactOtOptions(ExactOtOptions{-1});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("max_iterations"), std::string::npos) << s;
  EXPECT_TRUE(ValidateExactOtOptions(ExactOtOptions{}).ok());
  const LinearProblem problem = CostProblem(MatrixXd::Ones(2, 2));
  EXPECT_EQ(SolveExactOt(problem, ExactOtOptions{-5}).status().code(),
            absl::StatusCode::kInvalidArgument);

  const MatrixXd x = UniformPoints(4, 2, 1);
  const MatrixXd y = UniformPoints(3, 2, 2);
  auto field_of = [](const absl::StatusOr<ExactOtOutput>& out) {
    EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
    const std::string message(out.status().message());
    return message.substr(0, message.find(':'));
  };
  EXPECT_EQ(field_of(SolveExactOtFromPoints(MatrixXd(0, 2), y, {}, {}, {}, {})), "x");
  EXPECT_EQ(field_of(SolveExactOtFromPoints(x, UniformPoints(3, 3, 2), {}, {}, {}, {})), "y");
  EXPECT_EQ(field_of(SolveExactOtFromPoints(x, y, VectorXd::Ones(3), {}, {}, {})), "a");
  EXPECT_EQ(field_of(SolveExactOtFromPoints(x, y, {}, -VectorXd::Ones(3), {}, {})), "b");
  EXPECT_EQ(field_of(SolveExactOtFromPoints(x, y, {}, {}, GroundCost{CostKind::kPower, -1.0},
                                            {})),
            "cost.p");
  EXPECT_EQ(field_of(SolveExactOtFromPoints(x, y, {}, {}, {}, ExactOtOptions{-1})),
            "max_iterations");
}

// ---------------------------------------------------------------------------
// Observer: progress and cancellation.

class CountingObserver : public Observer {
 public:
  explicit CountingObserver(int64_t stop_after_polls) : stop_after_(stop_after_polls) {}
  bool StopRequested() const override { return ++polls_ > stop_after_; }
  void OnProgress(const ProgressReport& report) override { reports.push_back(report); }
  int64_t polls() const { return polls_; }
  std::vector<ProgressReport> reports;

 private:
  int64_t stop_after_;
  mutable int64_t polls_ = 0;
};

TEST(ExactOtTest, ReportsProgressAndStopsWhenAsked) {
  const MatrixXd x = UniformPoints(400, 2, 61);
  const MatrixXd y = UniformPoints(400, 2, 62);
  CountingObserver watcher(INT64_MAX);
  absl::StatusOr<ExactOtOutput> out =
      SolveExactOtFromPoints(x, y, {}, {}, GroundCost{}, ExactOtOptions{}, watcher);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_GT(out->iterations, 1024);
  ASSERT_GE(watcher.reports.size(), 2u);
  EXPECT_EQ(watcher.reports.back().iteration, out->iterations);
  EXPECT_EQ(watcher.reports.back().objective, out->transport_cost);
  for (size_t k = 0; k + 1 < watcher.reports.size(); ++k) {
    EXPECT_EQ(watcher.reports[k].iteration, 1024 * static_cast<int64_t>(k + 1));
  }
  // Polled at least once per pivot's search.
  EXPECT_GE(watcher.polls(), out->iterations);

  for (int64_t k : {0, 1, 100, 1000}) {
    CountingObserver stopper(k);
    absl::StatusOr<ExactOtOutput> stopped =
        SolveExactOtFromPoints(x, y, {}, {}, GroundCost{}, ExactOtOptions{}, stopper);
    EXPECT_EQ(stopped.status().code(), absl::StatusCode::kCancelled) << "after " << k;
    EXPECT_EQ(stopper.polls(), k + 1) << "no work after a stop request";
  }
}

// Heavy (n = m = 3000, dense cost 72 MB): a stop request raised mid-solve from
// the clock must end the solve within milliseconds.
class ClockStopObserver : public Observer {
 public:
  using Clock = std::chrono::steady_clock;
  explicit ClockStopObserver(Clock::duration after) : deadline_(Clock::now() + after) {}
  bool StopRequested() const override {
    if (Clock::now() < deadline_) return false;
    if (!requested_) {
      requested_ = true;
      requested_at_ = Clock::now();
    }
    return true;
  }
  Clock::time_point requested_at() const { return requested_at_; }

 private:
  Clock::time_point deadline_;
  mutable bool requested_ = false;
  mutable Clock::time_point requested_at_;
};

TEST(ExactOtHeavyTest, StopArrivesWithinMillisecondsAtN3000) {
  absl::StatusOr<LinearProblem> problem = LinearProblem::FromPoints(
      UniformPoints(3000, 2, 71), UniformPoints(3000, 2, 72), {}, {}, GroundCost{});
  ASSERT_TRUE(problem.ok());
  for (bool dense : {true, false}) {
    ClockStopObserver observer(std::chrono::milliseconds(100));
    absl::StatusOr<ExactOtOutput> out =
        dense ? SolveExactOt(*problem, ExactOtOptions{}, observer)
              : SolveExactOtFromPoints(problem->x(), problem->y(), {}, {}, GroundCost{},
                                       ExactOtOptions{}, observer);
    const auto returned = ClockStopObserver::Clock::now();
    ASSERT_EQ(out.status().code(), absl::StatusCode::kCancelled);
    const double latency_ms =
        std::chrono::duration<double, std::milli>(returned - observer.requested_at()).count();
    std::cout << (dense ? "dense" : "from points") << ": returned " << latency_ms
              << " ms after the stop request\n";
    EXPECT_LT(latency_ms, 200.0);
  }
}

}  // namespace
}  // namespace advect
