// SolveSinkhorn against POT 0.8.2 (tests/data/pot_cases, see its README.md):
// ot.sinkhorn / ot.sinkhorn2 on Mn = M / max(M) for two point-cloud cases and
// two regularisations, and the entropic-to-exact limit against ot.emd.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <limits>
#include <string>

#include <Eigen/Core>

#include "absl/strings/str_cat.h"
#include "core/geometry/cost.h"
#include "core/problems/linear_problem.h"
#include "core/solvers/sinkhorn.h"
#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace advect {
namespace {

using ::advect::testing::LoadPotArray;
using ::advect::testing::PotCaseProblem;
using ::advect::testing::ReferenceNumber;
using Eigen::MatrixXd;
using Eigen::VectorXd;

// Our stopping tolerance on the L1 marginal error |P1 - a|_1 + |P^T 1 - b|_1.
// POT stopped on the L2 norm of the column error <= 1e-9, which left an L1
// column error of 1e-8 to 1.5e-9 (reference.json, col_marg_err_l1).
constexpr double kTolerance = 1e-9;

// Relative agreement required of <Mn, P> with POT's sinkhorn2 value (brief).
constexpr double kCostRelTol = 1e-6;

// Agreement of the log-scalings, in units of epsilon (f / eps vs log u - log a,
// after removing the constant that f and g can trade). Both solvers stop a
// little short of the fixed point (L1 marginal errors <= 1e-9 here, 1.5e-9 to
// 1e-8 for POT), and the potentials are less well determined than the
// marginals: their error is the marginal error amplified by the inverse
// spectral gap of the Sinkhorn map, which grows as eps shrinks. Measured
// deviations: 2e-8 to 6e-8 at reg 0.05, 2.5e-7 for n1000_d2 and 4.6e-6 for
// n2000_d10 at reg 0.01 (and 1.4e-5 between our own plain and epsilon-scaled
// solves there). 1e-4 (a relative change of 1e-4 in plan
// entries) leaves room for that and still catches real mistakes, which are
// O(1): a wrong epsilon, a missing log-weight, a swapped f and g.
constexpr double kLogScalingTol = 1e-4;

struct PotCase {
  const char* name;  // directory under tests/data/pot_cases
  double reg;
  const char* reg_text;  // as spelled in the file names and reference.json
};

std::string CaseLabel(const PotCase& c) { return absl::StrCat(c.name, "_reg", c.reg_text); }

// Readable parameter values in test names and failure messages.
void PrintTo(const PotCase& c, std::ostream* os) { *os << CaseLabel(c); }

class SinkhornPotTest : public ::testing::TestWithParam<PotCase> {
 protected:
  void SetUp() override {
    const PotCase& c = GetParam();
    absl::StatusOr<LinearProblem> problem = PotCaseProblem(c.name);
    ASSERT_TRUE(problem.ok()) << problem.status();
    ASSERT_TRUE(problem->NormalizeCost().ok());
    problem_.emplace(*std::move(problem));
  }

  // A scalar of this case's POT run; `method` is "sinkhorn" or "sinkhorn_log".
  double Reference(absl::string_view method, absl::string_view key) {
    const PotCase& c = GetParam();
    const std::string run = absl::StrCat(method, "_reg", c.reg_text);
    absl::StatusOr<double> v = ReferenceNumber({"cases", c.name, "sinkhorn", run, key});
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? *v : std::nan("");
  }

  VectorXd PotVector(absl::string_view method, absl::string_view what) {
    const PotCase& c = GetParam();
    absl::StatusOr<MatrixXd> v =
        LoadPotArray(absl::StrCat(c.name, "/", method, "_reg", c.reg_text, "_", what, ".npy"));
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? VectorXd(v->col(0)) : VectorXd();
  }

  SinkhornOptions Options() const {
    SinkhornOptions options;
    options.epsilon = GetParam().reg;
    options.tolerance = kTolerance;
    options.max_iterations = 10000;
    return options;
  }

  std::optional<LinearProblem> problem_;
};

TEST_P(SinkhornPotTest, CostAndPlanMarginalsMatchPot) {
  SinkhornOptions options = Options();
  options.return_plan = true;
  absl::StatusOr<SinkhornOutput> out = SolveSinkhorn(*problem_, options);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(out->converged);
  EXPECT_LE(out->marginal_error, kTolerance);
  EXPECT_EQ(out->epsilon, GetParam().reg);
  for (absl::string_view method : {"sinkhorn", "sinkhorn_log"}) {
    const double reference = Reference(method, "value_normalized_cost");
    EXPECT_NEAR(out->transport_cost, reference, kCostRelTol * reference) << method;
  }
  std::cout << CaseLabel(GetParam()) << ": cost relative difference to POT "
            << out->transport_cost / Reference("sinkhorn", "value_normalized_cost") - 1.0
            << ", iterations "
            << out->iterations << " (POT " << Reference("sinkhorn", "niter")
            << "), marginal error " << out->marginal_error << "\n";
  // On the original scale the cost is <M, P> = cost_scale * <Mn, P>.
  const double original = Reference("sinkhorn", "value_original_cost");
  EXPECT_NEAR(out->transport_cost * problem_->cost_scale(), original, kCostRelTol * original);
  ASSERT_TRUE(out->plan.has_value());
  ASSERT_EQ(out->plan->rows(), problem_->n());
  ASSERT_EQ(out->plan->cols(), problem_->m());
  ASSERT_TRUE(out->plan->allFinite());
  EXPECT_GE(out->plan->minCoeff(), 0.0);
  const VectorXd rows = out->plan->rowwise().sum();
  const VectorXd cols = out->plan->colwise().sum().transpose();
  // The reported error is the error of the returned plan.
  const double measured =
      (rows - problem_->a()).lpNorm<1>() + (cols - problem_->b()).lpNorm<1>();
  EXPECT_NEAR(out->marginal_error, measured, 1e-12);
  // The transport cost is <C, P> of the returned plan.
  EXPECT_NEAR(out->transport_cost, problem_->cost().cwiseProduct(*out->plan).sum(),
              1e-12 * out->transport_cost);

  for (absl::string_view method : {"sinkhorn", "sinkhorn_log"}) {
    const VectorXd pot_rows = PotVector(method, "rowsum");
    const VectorXd pot_cols = PotVector(method, "colsum");
    ASSERT_EQ(pot_rows.size(), rows.size());
    ASSERT_EQ(pot_cols.size(), cols.size());
    // Triangle inequality through the target marginals: |ours - POT|_1 <=
    // |ours - a|_1 + |a - POT|_1, with both errors known (POT's from reference.json).
    // The factor 1.01 absorbs the summation rounding of the two measurements.
    const double row_bound =
        1.01 * ((rows - problem_->a()).lpNorm<1>() + Reference(method, "row_marg_err_l1")) +
        1e-15;
    const double col_bound =
        1.01 * ((cols - problem_->b()).lpNorm<1>() + Reference(method, "col_marg_err_l1")) +
        1e-15;
    EXPECT_LE((rows - pot_rows).lpNorm<1>(), row_bound) << method;
    EXPECT_LE((cols - pot_cols).lpNorm<1>(), col_bound) << method;
    std::cout << CaseLabel(GetParam()) << " " << method << ": |rowsum - POT|_1 "
              << (rows - pot_rows).lpNorm<1>() << ", |colsum - POT|_1 "
              << (cols - pot_cols).lpNorm<1>() << "\n";
  }
}

TEST_P(SinkhornPotTest, PotentialsMatchPotLogScalings) {
  absl::StatusOr<SinkhornOutput> out = SolveSinkhorn(*problem_, Options());
  ASSERT_TRUE(out.ok()) << out.status();
  const double eps = GetParam().reg;
  // POT: P = diag(u) K diag(v), K = exp(-Mn / eps). Ours: P = a_i b_j exp((f_i + g_j - C_ij) / eps).
  // Hence f / eps = log u - log a + c and g / eps = log v - log b - c for one constant c.
  const VectorXd logu = PotVector("sinkhorn_log", "logu");
  const VectorXd logv = PotVector("sinkhorn_log", "logv");
  ASSERT_EQ(logu.size(), problem_->n());
  ASSERT_EQ(logv.size(), problem_->m());
  const VectorXd df = out->f / eps - (logu - VectorXd(problem_->a().array().log()));
  const VectorXd dg = out->g / eps - (logv - VectorXd(problem_->b().array().log()));
  const double c = 0.5 * (df.mean() - dg.mean());
  const double f_err = (df.array() - c).abs().maxCoeff();
  const double g_err = (dg.array() + c).abs().maxCoeff();
  std::cout << CaseLabel(GetParam()) << ": shift " << c << ", max |f/eps - (log u - log a) - c| "
            << f_err << ", max |g/eps - (log v - log b) + c| " << g_err << "\n";
  EXPECT_LE(f_err, kLogScalingTol);
  EXPECT_LE(g_err, kLogScalingTol);

  // POT's plain (non-log) 'sinkhorn' scalings describe the same plan.
  const VectorXd u = PotVector("sinkhorn", "u");
  const VectorXd v = PotVector("sinkhorn", "v");
  ASSERT_GT(u.minCoeff(), 0.0);
  ASSERT_GT(v.minCoeff(), 0.0);
  const VectorXd du = out->f / eps - VectorXd(u.array().log() - problem_->a().array().log());
  const VectorXd dv = out->g / eps - VectorXd(v.array().log() - problem_->b().array().log());
  const double c2 = 0.5 * (du.mean() - dv.mean());
  EXPECT_LE((du.array() - c2).abs().maxCoeff(), kLogScalingTol);
  EXPECT_LE((dv.array() + c2).abs().maxCoeff(), kLogScalingTol);
}

TEST_P(SinkhornPotTest, EpsilonScalingMatchesPot) {
  SinkhornOptions options = Options();
  options.epsilon_scaling = EpsilonScaling{};  // from max(Mn) = 1, halving
  absl::StatusOr<SinkhornOutput> out = SolveSinkhorn(*problem_, options);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(out->converged);
  EXPECT_LE(out->marginal_error, kTolerance);
  EXPECT_EQ(out->epsilon, GetParam().reg);
  const double reference = Reference("sinkhorn", "value_normalized_cost");
  EXPECT_NEAR(out->transport_cost, reference, kCostRelTol * reference);
  const double eps = GetParam().reg;
  const VectorXd df = out->f / eps - (PotVector("sinkhorn_log", "logu") -
                                      VectorXd(problem_->a().array().log()));
  const VectorXd dg = out->g / eps - (PotVector("sinkhorn_log", "logv") -
                                      VectorXd(problem_->b().array().log()));
  const double c = 0.5 * (df.mean() - dg.mean());
  EXPECT_LE((df.array() - c).abs().maxCoeff(), kLogScalingTol);
  EXPECT_LE((dg.array() + c).abs().maxCoeff(), kLogScalingTol);
  std::cout << CaseLabel(GetParam()) << " with epsilon scaling: " << out->iterations
            << " iterations (POT without: " << Reference("sinkhorn", "niter") << ")\n";
}

INSTANTIATE_TEST_SUITE_P(PotCases, SinkhornPotTest,
                         ::testing::Values(PotCase{"n1000_d2", 0.05, "0.05"},
                                           PotCase{"n1000_d2", 0.01, "0.01"},
                                           PotCase{"n2000_d10", 0.05, "0.05"},
                                           PotCase{"n2000_d10", 0.01, "0.01"}),
                         [](const ::testing::TestParamInfo<PotCase>& info) {
                           std::string label = CaseLabel(info.param);
                           std::replace(label.begin(), label.end(), '.', 'p');
                           return label;
                         });

}  // namespace
}  // namespace advect

namespace advect {
namespace {

// The plain and the epsilon-scaled solve agree with each other directly (the
// parametrised test above compares each with POT). n1000_d2 only, to keep the
// test short; the iteration counts are printed, not asserted.
TEST(SinkhornEpsilonScalingTest, SameAnswerAsThePlainSolve) {
  absl::StatusOr<LinearProblem> problem = PotCaseProblem("n1000_d2");
  ASSERT_TRUE(problem.ok()) << problem.status();
  ASSERT_TRUE(problem->NormalizeCost().ok());
  for (double eps : {0.05, 0.01}) {
    SinkhornOptions options;
    options.epsilon = eps;
    options.tolerance = kTolerance;
    options.max_iterations = 10000;
    absl::StatusOr<SinkhornOutput> plain = SolveSinkhorn(*problem, options);
    options.epsilon_scaling = EpsilonScaling{0.0, 0.5};
    absl::StatusOr<SinkhornOutput> scaled = SolveSinkhorn(*problem, options);
    ASSERT_TRUE(plain.ok() && scaled.ok());
    EXPECT_TRUE(plain->converged);
    EXPECT_TRUE(scaled->converged);
    EXPECT_NEAR(scaled->transport_cost, plain->transport_cost,
                kCostRelTol * plain->transport_cost);
    const VectorXd df = (scaled->f - plain->f) / eps;
    const VectorXd dg = (scaled->g - plain->g) / eps;
    const double c = 0.5 * (df.mean() - dg.mean());
    EXPECT_LE((df.array() - c).abs().maxCoeff(), kLogScalingTol);
    EXPECT_LE((dg.array() + c).abs().maxCoeff(), kLogScalingTol);
    std::cout << "eps " << eps << ": iterations plain " << plain->iterations
              << ", with epsilon scaling " << scaled->iterations << "\n";
  }
}

// Entropic-to-exact limit on n1000_d2, with the cost M in its own units (the
// EMD reference is on M, not on M / max(M)). Let P_eps be the entropic plan
// and sigma POT's optimal permutation. What we assert, and why:
//  * 0 <= <P_eps, M> - EMD <= eps log n. The entropic plan minimises
//    <P, M> + eps KL(P | a x b); comparing with the exact plan P*, for which
//    KL(P* | a x b) = log n (a permutation / n), and using KL >= 0 gives the
//    upper bound; the lower bound is the optimality of P*. Our plan is only
//    within `marginal_error` of the marginals; rounding it onto them moves the
//    cost by at most 2 max(M) |error|_1 (Altschuler, Weed & Rigollet 2017,
//    Lemma 7), which we add as slack on both sides.
//  * The transport cost decreases with eps (<P_eps, M> is non-decreasing in eps).
//  * Calibrated, not proven: for d-dimensional data the transport part of the
//    gap behaves like (d / 2) eps as eps -> 0 (e.g. exactly so for Gaussians),
//    and discrete measures sit below it; measured 0.86 eps at eps = 1e-2 and
//    0.65 eps at eps = 1e-3, so we require gap <= (d / 2) eps = eps here.
// eps = 1e-3 is as small as fits the time budget (about 500 iterations); the
// gap there is still 44% of the EMD cost, which is what the bounds predict.
TEST(SinkhornLimitTest, TransportCostApproachesTheExactCost) {
  absl::StatusOr<LinearProblem> problem = PotCaseProblem("n1000_d2");
  ASSERT_TRUE(problem.ok()) << problem.status();
  absl::StatusOr<double> emd = ReferenceNumber({"cases", "n1000_d2", "emd", "cost"});
  ASSERT_TRUE(emd.ok()) << emd.status();
  const double n = static_cast<double>(problem->n());
  const double d = static_cast<double>(problem->x().cols());
  const double max_cost = problem->cost().maxCoeff();
  double previous_gap = std::numeric_limits<double>::infinity();
  for (double eps : {1e-2, 1e-3}) {
    SinkhornOptions options;
    options.epsilon = eps;
    options.tolerance = 1e-4;
    options.max_iterations = 20000;
    options.epsilon_scaling = EpsilonScaling{};
    absl::StatusOr<SinkhornOutput> out = SolveSinkhorn(*problem, options);
    ASSERT_TRUE(out.ok()) << out.status();
    ASSERT_TRUE(out->converged);
    const double gap = out->transport_cost - *emd;
    const double slack = 2.0 * max_cost * out->marginal_error;
    std::cout << "eps " << eps << ": <P, M> - EMD = " << gap << " (" << gap / *emd
              << " of EMD, " << gap / eps << " eps; bound eps log n = " << eps * std::log(n)
              << "), " << out->iterations << " iterations\n";
    EXPECT_GE(gap, -slack);
    EXPECT_LE(gap, eps * std::log(n) + slack);
    EXPECT_LE(gap, 0.5 * d * eps + slack);
    EXPECT_LT(gap, previous_gap);
    previous_gap = gap;
  }
}

}  // namespace
}  // namespace advect
