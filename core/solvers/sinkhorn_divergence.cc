#include "core/solvers/sinkhorn_divergence.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "core/problems/linear_problem.h"
#include "core/solvers/log_domain.h"
#include "core/solvers/vector_exp.h"

namespace advect {
namespace {

using Eigen::ArrayXd;
using Eigen::MatrixXd;
using Eigen::VectorXd;

// Forwards progress to the caller's observer with iteration numbers shifted by
// the iterations of the solves already done, so the three solves read as one run.
class ContinuingObserver : public Observer {
 public:
  ContinuingObserver(Observer& inner, int64_t offset) : inner_(inner), offset_(offset) {}
  void OnProgress(const ProgressReport& report) override {
    inner_.OnProgress({offset_ + report.iteration, report.error, report.objective});
  }
  bool StopRequested() const override { return inner_.StopRequested(); }

 private:
  Observer& inner_;
  const int64_t offset_;
};

struct TermResult {
  double value = 0.0;           // <a, f> + <b, g>
  double transport_cost = 0.0;  // <P, C> of the final plan
  int64_t iterations = 0;
  bool converged = false;
};

// OT_eps of one problem by the averaged update of Feydy et al. (2019, Sec. 3):
//   f <- (f + T_b(g)) / 2,  g <- (g + T_a(f)) / 2   (both from the old f, g),
// with T_b(g)_i = -eps log sum_j b_j exp((g_j - C_ij) / eps) and T_a alike. The
// plain alternating update converges very slowly when the two measures are
// close at small eps (the kernel is then nearly a permutation, T_b(g) ~ -g + const,
// and f and g swap values back and forth: more than 2e5 iterations at eps = 0.01
// on 5 points); averaging cancels that oscillation, and as a Krasnoselskii-Mann
// iteration of a sup-norm non-expansive map it converges in general.
// `symmetric` (x against itself) keeps g = f and halves the work; the bits are
// those the general path would produce on the same input.
// Progress: error = |P1 - a|_1 + |P^T 1 - b|_1 for the plan of the current (f, g),
// objective = <a, f> + <b, g>; the stopping test is as in SolveSinkhorn.
// Returns nullopt on a stop request.
std::optional<TermResult> SolveAveraged(const LinearProblem& problem, bool symmetric,
                                        const SinkhornOptions& options, Observer& observer) {
  const VectorXd& a = problem.a();
  const VectorXd& b = problem.b();
  MatrixXd cost_t;  // columns = rows of C; unused for a symmetric cost
  if (!symmetric && !log_domain::TransposeInterruptibly(problem.cost(), observer, cost_t)) {
    return std::nullopt;
  }
  const ArrayXd log_a = a.array().log();
  const ArrayXd log_b = b.array().log();
  VectorXd f = VectorXd::Zero(problem.n());
  VectorXd g = VectorXd::Zero(problem.m());
  VectorXd tf(problem.n());  // T_b(g)
  VectorXd tg(problem.m());  // T_a(f)
  ArrayXd scratch_n(problem.n());
  ArrayXd scratch_m(problem.m());
  TermResult result;
  const std::vector<double> stages =
      log_domain::EpsilonStages(options.epsilon, options.epsilon_scaling, problem.cost());
  for (size_t stage = 0; stage < stages.size(); ++stage) {
    const double eps = stages[stage];
    const bool final_stage = stage + 1 == stages.size();
    const double stage_tol =
        final_stage ? options.tolerance : std::max(options.tolerance, kSinkhornStageTolerance);
    bool stage_converged = false;
    while (result.iterations < options.max_iterations) {
      ++result.iterations;
      if (!log_domain::SoftMinColumns(problem.cost(), f, log_a, eps, observer, tg, scratch_n)) {
        return std::nullopt;
      }
      if (symmetric) {
        tf = tg;
      } else if (!log_domain::SoftMinColumns(cost_t, g, log_b, eps, observer, tf, scratch_m)) {
        return std::nullopt;
      }
      // Row sums of the plan of (f, g) are a_i exp((f_i - T_b(g)_i) / eps), columns alike.
      const double error =
          (a.array() * (((f - tf).array() / eps).exp() - 1.0).abs()).sum() +
          (b.array() * (((g - tg).array() / eps).exp() - 1.0).abs()).sum();
      result.value = a.dot(f) + b.dot(g);
      observer.OnProgress({result.iterations, error, result.value});
      if (error <= stage_tol) {
        stage_converged = true;
        break;
      }
      f = 0.5 * (f + tf);
      g = symmetric ? f : VectorXd(0.5 * (g + tg));
    }
    result.converged = final_stage && stage_converged;
    if (!stage_converged && result.iterations >= options.max_iterations) break;
  }
  // <P, C> with P_ij = a_i b_j exp((f_i + g_j - C_ij) / eps) at the last epsilon,
  // one column at a time (C is symmetric or not; columns are contiguous).
  const double eps = stages.back();
  const ArrayXd row_part = log_a + f.array() / eps;
  for (Eigen::Index j = 0; j < problem.m(); ++j) {
    if (observer.StopRequested()) return std::nullopt;
    const auto column = problem.cost().col(j).array();
    scratch_n = row_part + (log_b[j] + g[j] / eps) - column / eps;
    vector_exp::ExpOrZero(scratch_n.data(), scratch_n.data(), scratch_n.size(),
                          log_domain::kNegligibleExponent);
    result.transport_cost += (scratch_n * column).sum();
  }
  return result;
}

}  // namespace

absl::StatusOr<SinkhornDivergenceOutput> SolveSinkhornDivergence(
    const Eigen::Ref<const MatrixXd>& x, const Eigen::Ref<const MatrixXd>& y, const VectorXd& a,
    const VectorXd& b, const GroundCost& cost, const SinkhornOptions& options,
    Observer& observer) {
  // Check all inputs before the first (possibly long) piece of work: building
  // the xy problem checks x, y, a, b and the cost.
  if (absl::Status s = ValidateSinkhornOptions(options); !s.ok()) return s;
  if (absl::Status s = ValidatePoints(x, y); !s.ok()) return s;
  SinkhornDivergenceOutput out;
  out.converged = true;
  const struct {
    const Eigen::Ref<const MatrixXd>& source;
    const VectorXd& source_weights;
    const Eigen::Ref<const MatrixXd>& target;
    const VectorXd& target_weights;
    bool symmetric;
    double* value;
  } terms[] = {{x, a, y, b, false, &out.ot_xy},
               {x, a, x, a, true, &out.ot_xx},
               {y, b, y, b, true, &out.ot_yy}};
  for (const auto& term : terms) {
    ContinuingObserver continuing(observer, out.iterations);
    absl::StatusOr<LinearProblem> problem = LinearProblem::FromPoints(
        term.source, term.target, term.source_weights, term.target_weights, cost, continuing);
    if (!problem.ok()) return problem.status();
    std::optional<TermResult> solved =
        SolveAveraged(*problem, term.symmetric, options, continuing);
    if (!solved.has_value()) return absl::CancelledError("the solver was asked to stop");
    *term.value = solved->value;
    if (term.value == &out.ot_xy) out.transport_cost = solved->transport_cost;
    out.iterations += solved->iterations;
    out.converged = out.converged && solved->converged;
  }
  out.divergence = out.ot_xy - 0.5 * (out.ot_xx + out.ot_yy);
  return out;
}

}  // namespace advect
