#include "core/solvers/sinkhorn.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/solvers/log_domain.h"
#include "core/solvers/sinkhorn_scaling.h"
#include "core/solvers/stop_flag.h"
#include "core/solvers/vector_exp.h"

namespace advect {
namespace {

using Eigen::ArrayXd;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using log_domain::EpsilonStages;
using log_domain::kNegligibleExponent;
using log_domain::SoftMinColumnsInHalves;
using log_domain::TransposeInterruptibly;

absl::Status Stopped() { return absl::CancelledError("the solver was asked to stop"); }

// Calls visit(j, column j of the plan) for the columns j in [begin, end) of
// P_ij = a_i b_j exp((f_i + g_j - C_ij) / eps). Returns false on a stop request.
template <typename Visit>
bool ForEachPlanColumn(const LinearProblem& problem, const VectorXd& f, const VectorXd& g,
                       double eps, Index begin, Index end, const Observer& observer,
                       Visit visit) {
  const double inv_eps = 1.0 / eps;
  const ArrayXd base = problem.a().array().log() + f.array() * inv_eps;
  ArrayXd exponent(problem.n());
  ArrayXd column(problem.n());
  for (Index j = begin; j < end; ++j) {
    if (observer.StopRequested()) return false;
    exponent = base + (std::log(problem.b()[j]) + g[j] * inv_eps) -
               problem.cost().col(j).array() * inv_eps;
    // Exact zeros for zero weights and negligible entries (see kNegligibleExponent).
    vector_exp::ExpOrZero(exponent.data(), column.data(), exponent.size(), kNegligibleExponent);
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
  const bool done = ForEachPlanColumn(problem, f, g, eps, 0, problem.m(), observer,
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

double EffectiveSinkhornTolerance(const SinkhornOptions& options) {
  if (options.precision == SinkhornPrecision::kFloat32 &&
      options.method != SinkhornMethod::kLogDomain) {
    return std::max(options.tolerance, kFloat32ToleranceFloor);
  }
  return options.tolerance;
}

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
  if (options.num_threads < 1 || options.num_threads > kSinkhornMaxThreads) {
    return absl::InvalidArgumentError(absl::StrCat(
        "num_threads: must be in [1, ", kSinkhornMaxThreads, "], got ", options.num_threads));
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
  MatrixXd cost_t;  // column i = row i of C, built when a log-domain stage first needs it
  const ArrayXd log_a = problem.a().array().log();
  const ArrayXd log_b = problem.b().array().log();

  SinkhornOutput out;
  VectorXd f = VectorXd::Zero(n);
  VectorXd g = VectorXd::Zero(m);
  VectorXd g_next(m);
  // Two threads only pay off beyond a thread start per half-step.
  const bool parallel = options.num_threads > 1 && n * m >= (Index{1} << 16);
  int64_t iteration = 0;
  double eps = options.epsilon;
  const double tolerance = EffectiveSinkhornTolerance(options);

  // Progress and frames of one iteration; false when a frame was cut short.
  auto report = [&](int64_t it, double error, const VectorXd& fi, const VectorXd& gi) {
    observer.OnProgress({it, error, DualObjective(problem, fi, gi)});
    if (problem.has_points() && observer.WantsFrame(it)) {
      Frame frame{it, static_cast<double>(it), MatrixXd()};
      if (!BarycentricFrame(problem, fi, gi, eps, observer, frame.positions)) return false;
      observer.OnFrame(std::move(frame));
    }
    return true;
  };

  // The returned plan's cost, marginals and entries; the scaling form fills it
  // from its kernel when it ends the solve, else the pass below does.
  log_domain::PlanMeasurement measurement(n, m, options.return_plan);
  bool measured_by_stage = false;

  const std::vector<double> stages = EpsilonStages(options.epsilon, options.epsilon_scaling, cost);
  for (size_t stage = 0; stage < stages.size(); ++stage) {
    eps = stages[stage];
    const bool final_stage = stage + 1 == stages.size();
    const double stage_tol = final_stage ? tolerance : std::max(tolerance, kSinkhornStageTolerance);
    bool stage_converged = false;
    bool log_domain = options.method == SinkhornMethod::kLogDomain;
    measured_by_stage = false;
    if (!log_domain) {
      sinkhorn_internal::ScalingStageStats stats;
      const double scaling_tol = options.precision == SinkhornPrecision::kFloat32
                                     ? 0.5 * stage_tol
                                     : stage_tol;
      const sinkhorn_internal::StageEnd end = sinkhorn_internal::RunScalingStage(
          problem, eps, scaling_tol, options.max_iterations, options.precision,
          options.num_threads, observer, report, iteration, f, g, stats, final_stage,
          &measurement);
      out.kernel_builds += stats.kernel_builds;
      measured_by_stage = stats.measured;
      switch (end) {
        case sinkhorn_internal::StageEnd::kStopped:
          return Stopped();
        case sinkhorn_internal::StageEnd::kConverged:
          stage_converged = true;
          break;
        case sinkhorn_internal::StageEnd::kIterationLimit:
          break;
        case sinkhorn_internal::StageEnd::kNeedsLogDomain:
          // f is valid; the log-domain loop below starts from g.
          if (!SoftMinColumnsInHalves(cost, f, log_a, eps, parallel, observer, g)) return Stopped();
          log_domain = true;
          break;
      }
    }
    if (log_domain) {
      if (cost_t.size() == 0 && !TransposeInterruptibly(cost, observer, cost_t)) return Stopped();
      // Make the row marginals exact for the current g; the error is then all in the columns.
      if (!SoftMinColumnsInHalves(cost_t, g, log_b, eps, parallel, observer, f)) return Stopped();
      while (iteration < options.max_iterations) {
        ++iteration;
        ++out.log_domain_iterations;
        if (!SoftMinColumnsInHalves(cost, f, log_a, eps, parallel, observer, g_next)) {
          return Stopped();
        }
        // Column sums of the current plan are b_j exp((g_j - g_next_j) / eps).
        const double error =
            (problem.b().array() * (((g - g_next).array() / eps).exp() - 1.0).abs()).sum();
        if (!report(iteration, error, f, g)) return Stopped();
        if (error <= stage_tol) {
          stage_converged = true;
          break;
        }
        g.swap(g_next);
        if (!SoftMinColumnsInHalves(cost_t, g, log_b, eps, parallel, observer, f)) return Stopped();
      }
    }
    out.converged = final_stage && stage_converged;
    if (iteration >= options.max_iterations && !stage_converged) break;
  }

  // Measure the returned plan: cost, marginals, and the plan itself if asked.
  if (!measured_by_stage) {
    const bool measured = RunTwoParts(parallel, observer, [&](int part, const Observer& o) {
      const Index begin = part == 0 ? 0 : m / 2;
      const Index end = part == 0 ? m / 2 : m;
      return ForEachPlanColumn(problem, f, g, eps, begin, end, o,
                               [&](Index j, const ArrayXd& column) {
                                 measurement.Add(part, j, cost.col(j).array(), column);
                               });
    });
    if (!measured) return Stopped();
  }
  measurement.Finish(problem.a(), problem.b(), out);
  out.dual_objective = DualObjective(problem, f, g);
  // The float kernel's own error estimate is not the measured one (see
  // kFloat32ToleranceFloor); converged means the returned plan is within tolerance.
  if (options.precision == SinkhornPrecision::kFloat32 && out.marginal_error > tolerance) {
    out.converged = false;
  }
  out.iterations = iteration;
  out.epsilon = eps;
  out.tolerance = tolerance;
  out.f = std::move(f);
  out.g = std::move(g);
  return out;
}

}  // namespace advect
