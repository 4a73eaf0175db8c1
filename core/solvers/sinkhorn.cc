#include "core/solvers/sinkhorn.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/solvers/log_domain.h"

namespace advect {
namespace {

using Eigen::ArrayXd;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using log_domain::EpsilonStages;
using log_domain::kNegligibleExponent;
using log_domain::SoftMinColumns;
using log_domain::TransposeInterruptibly;

absl::Status Stopped() { return absl::CancelledError("the solver was asked to stop"); }

// Calls visit(j, column j of the plan) for every column of
// P_ij = a_i b_j exp((f_i + g_j - C_ij) / eps). Returns false on a stop request.
template <typename Visit>
bool ForEachPlanColumn(const LinearProblem& problem, const VectorXd& f, const VectorXd& g,
                       double eps, const Observer& observer, Visit visit) {
  const double inv_eps = 1.0 / eps;
  const ArrayXd base = problem.a().array().log() + f.array() * inv_eps;
  ArrayXd exponent(problem.n());
  ArrayXd column(problem.n());
  for (Index j = 0; j < problem.m(); ++j) {
    if (observer.StopRequested()) return false;
    exponent = base + (std::log(problem.b()[j]) + g[j] * inv_eps) -
               problem.cost().col(j).array() * inv_eps;
    // Exact zeros for zero weights and negligible entries (see kNegligibleExponent).
    column = (exponent < kNegligibleExponent)
                 .select(0.0, exponent.max(kNegligibleExponent).exp());
    visit(j, column);
  }
  return true;
}

double DualObjective(const LinearProblem& problem, const VectorXd& f, const VectorXd& g) {
  return problem.a().dot(f) + problem.b().dot(g);
}

// The barycentric image of the source points under the current plan.
bool BarycentricFrame(const LinearProblem& problem, const VectorXd& f, const VectorXd& g,
                      double eps, const Observer& observer, MatrixXd& positions) {
  positions = MatrixXd::Zero(problem.n(), problem.y().cols());
  VectorXd mass = VectorXd::Zero(problem.n());
  const bool done = ForEachPlanColumn(problem, f, g, eps, observer,
                                      [&](Index j, const ArrayXd& column) {
                                        positions.noalias() += column.matrix() * problem.y().row(j);
                                        mass += column.matrix();
                                      });
  if (!done) return false;
  for (Index i = 0; i < problem.n(); ++i) {
    // A source point with no mass (a_i = 0) stays where it is.
    positions.row(i) = mass[i] > 0.0 ? VectorXd(positions.row(i) / mass[i]).transpose()
                                     : VectorXd(problem.x().row(i)).transpose();
  }
  return true;
}

}  // namespace

absl::Status ValidateSinkhornOptions(const SinkhornOptions& options) {
  if (!(std::isfinite(options.epsilon) && options.epsilon > 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("epsilon: must be finite and > 0, got ", options.epsilon));
  }
  if (!(std::isfinite(options.tolerance) && options.tolerance >= 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("tolerance: must be finite and >= 0, got ", options.tolerance));
  }
  if (options.max_iterations < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_iterations: must be >= 0, got ", options.max_iterations));
  }
  if (options.epsilon_scaling.has_value()) {
    const EpsilonScaling& s = *options.epsilon_scaling;
    if (!(std::isfinite(s.initial_epsilon) && s.initial_epsilon >= 0.0)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "epsilon_scaling.initial_epsilon: must be finite and >= 0, got ", s.initial_epsilon));
    }
    if (!(s.decay > 0.0 && s.decay < 1.0)) {
      return absl::InvalidArgumentError(
          absl::StrCat("epsilon_scaling.decay: must be in (0, 1), got ", s.decay));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<SinkhornOutput> SolveSinkhorn(const LinearProblem& problem,
                                             const SinkhornOptions& options, Observer& observer) {
  if (absl::Status s = ValidateSinkhornOptions(options); !s.ok()) return s;
  const Index n = problem.n();
  const Index m = problem.m();
  const MatrixXd& cost = problem.cost();
  MatrixXd cost_t;  // column i = row i of C, so both half-steps read contiguous columns
  if (!TransposeInterruptibly(cost, observer, cost_t)) return Stopped();
  const ArrayXd log_a = problem.a().array().log();
  const ArrayXd log_b = problem.b().array().log();

  SinkhornOutput out;
  VectorXd f = VectorXd::Zero(n);
  VectorXd g = VectorXd::Zero(m);
  VectorXd g_next(m);
  ArrayXd scratch_n(n);
  ArrayXd scratch_m(m);
  int64_t iteration = 0;
  double eps = options.epsilon;

  const std::vector<double> stages = EpsilonStages(options.epsilon, options.epsilon_scaling, cost);
  for (size_t stage = 0; stage < stages.size(); ++stage) {
    eps = stages[stage];
    const bool final_stage = stage + 1 == stages.size();
    const double stage_tol =
        final_stage ? options.tolerance : std::max(options.tolerance, kSinkhornStageTolerance);
    // Make the row marginals exact for the current g; the error is then all in the columns.
    if (!SoftMinColumns(cost_t, g, log_b, eps, observer, f, scratch_m)) return Stopped();
    bool stage_converged = false;
    while (iteration < options.max_iterations) {
      ++iteration;
      if (!SoftMinColumns(cost, f, log_a, eps, observer, g_next, scratch_n)) return Stopped();
      // Column sums of the current plan are b_j exp((g_j - g_next_j) / eps).
      const double error =
          (problem.b().array() * (((g - g_next).array() / eps).exp() - 1.0).abs()).sum();
      observer.OnProgress({iteration, error, DualObjective(problem, f, g)});
      if (problem.has_points() && observer.WantsFrame(iteration)) {
        Frame frame{iteration, static_cast<double>(iteration), MatrixXd()};
        if (!BarycentricFrame(problem, f, g, eps, observer, frame.positions)) return Stopped();
        observer.OnFrame(std::move(frame));
      }
      if (error <= stage_tol) {
        stage_converged = true;
        break;
      }
      g.swap(g_next);
      if (!SoftMinColumns(cost_t, g, log_b, eps, observer, f, scratch_m)) return Stopped();
    }
    out.converged = final_stage && stage_converged;
    if (iteration >= options.max_iterations && !stage_converged) break;
  }

  // Measure the returned plan: cost, marginals, and the plan itself if asked.
  if (options.return_plan) out.plan.emplace(n, m);
  VectorXd row_sums = VectorXd::Zero(n);
  VectorXd col_sums(m);
  double transport = 0.0;
  const bool measured = ForEachPlanColumn(problem, f, g, eps, observer,
                                          [&](Index j, const ArrayXd& column) {
                                            transport += (column * cost.col(j).array()).sum();
                                            row_sums += column.matrix();
                                            col_sums[j] = column.sum();
                                            if (out.plan) out.plan->col(j) = column.matrix();
                                          });
  if (!measured) return Stopped();
  out.transport_cost = transport;
  out.dual_objective = DualObjective(problem, f, g);
  out.marginal_error = (row_sums - problem.a()).lpNorm<1>() + (col_sums - problem.b()).lpNorm<1>();
  out.iterations = iteration;
  out.epsilon = eps;
  out.f = std::move(f);
  out.g = std::move(g);
  return out;
}

}  // namespace advect
