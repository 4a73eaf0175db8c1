#include "core/solvers/unbalanced_sinkhorn.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/geometry/weights.h"
#include "core/solvers/log_domain.h"
#include "core/solvers/vector_exp.h"

namespace advect {
namespace {

using Eigen::ArrayXd;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

absl::Status Stopped() { return absl::CancelledError("the solver was asked to stop"); }

using log_domain::kNegligibleExponent;
using log_domain::SoftMinColumns;
using log_domain::EpsilonStages;
using log_domain::TransposeInterruptibly;

// The plan-column helper follows sinkhorn.cc line for line (same clamping, same
// stop polling); it is repeated rather than shared only to keep this change out
// of sinkhorn.cc for now.

// Calls visit(j, column j of P) for P_ij = a_i b_j exp((f_i + g_j - C_ij) / eps).
// Returns false on a stop request.
template <typename Visit>
bool ForEachPlanColumn(const MatrixXd& cost, const ArrayXd& log_a, const ArrayXd& log_b,
                       const VectorXd& f, const VectorXd& g, double eps, const Observer& observer,
                       Visit visit) {
  const double inv_eps = 1.0 / eps;
  const ArrayXd base = log_a + f.array() * inv_eps;
  ArrayXd exponent(cost.rows());
  ArrayXd column(cost.rows());
  for (Index j = 0; j < cost.cols(); ++j) {
    if (observer.StopRequested()) return false;
    exponent = base + (log_b[j] + g[j] * inv_eps) - cost.col(j).array() * inv_eps;
    vector_exp::ExpOrZero(exponent.data(), column.data(), exponent.size(), kNegligibleExponent);
    visit(j, column);
  }
  return true;
}

// Masses used as given (not normalised); empty means `fallback`.
absl::StatusOr<VectorXd> Masses(const Eigen::Ref<const VectorXd>& masses, const VectorXd& fallback,
                                const char* field) {
  if (masses.size() == 0) return fallback;
  if (masses.size() != fallback.size()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": expected ", fallback.size(),
                                                   " masses (one per point), got ", masses.size()));
  }
  if (absl::Status s = CheckFinite(masses, field); !s.ok()) return s;
  if (masses.minCoeff() < 0.0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": masses must be non-negative, got ", masses.minCoeff()));
  }
  const double total = masses.sum();
  if (!(total > 0.0) || !std::isfinite(total)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": masses must have a positive, finite total, got ", total));
  }
  return VectorXd(masses);
}

// Generalised KL(p | q) = sum p log(p / q) - p + q, written as p t - q expm1(t)
// with t = log(p / q): the naive form cancels to O(1e-16 q) per entry, which rho
// (large in the near-balanced regime) would amplify, while this one is accurate
// to O(1e-16 q |t|), i.e. O(1e-16 |f|) after multiplying by rho.
double GeneralizedKl(const VectorXd& p, const VectorXd& q) {
  double sum = 0.0;
  for (Index i = 0; i < p.size(); ++i) {
    if (p[i] == 0.0) {
      sum += q[i];
    } else if (q[i] > 0.0) {
      const double t = std::log(p[i] / q[i]);
      sum += p[i] * t - q[i] * std::expm1(t);
    }
    // q_i = 0 < p_i cannot happen: rows and columns without mass are exactly 0.
  }
  return sum;
}

// -rho <a, exp(-f/rho) - 1> - rho <b, exp(-g/rho) - 1> - eps (mass - |a| |b|), where
// mass = sum P = <a x b, exp((f + g - C) / eps)> (expm1 keeps large rho accurate).
double DualObjective(const VectorXd& a, const VectorXd& b, const VectorXd& f, const VectorXd& g,
                     double mass, double eps, double rho) {
  const double fa = (a.array() * (-f.array() / rho).unaryExpr([](double t) {
                      return std::expm1(t);
                    })).sum();
  const double gb = (b.array() * (-g.array() / rho).unaryExpr([](double t) {
                      return std::expm1(t);
                    })).sum();
  return -rho * fa - rho * gb - eps * (mass - a.sum() * b.sum());
}

// The barycentric image of the source points under the current plan.
bool BarycentricFrame(const LinearProblem& problem, const ArrayXd& log_a, const ArrayXd& log_b,
                      const VectorXd& f, const VectorXd& g, double eps, const Observer& observer,
                      MatrixXd& positions) {
  positions = MatrixXd::Zero(problem.n(), problem.y().cols());
  VectorXd mass = VectorXd::Zero(problem.n());
  const bool done = ForEachPlanColumn(problem.cost(), log_a, log_b, f, g, eps, observer,
                                      [&](Index j, const ArrayXd& column) {
                                        positions.noalias() += column.matrix() * problem.y().row(j);
                                        mass += column.matrix();
                                      });
  if (!done) return false;
  for (Index i = 0; i < problem.n(); ++i) {
    // A source point whose mass is (or has been) destroyed stays where it is.
    positions.row(i) = mass[i] > 0.0 ? VectorXd(positions.row(i) / mass[i]).transpose()
                                     : VectorXd(problem.x().row(i)).transpose();
  }
  return true;
}

}  // namespace

absl::Status ValidateUnbalancedSinkhornOptions(const UnbalancedSinkhornOptions& options) {
  SinkhornOptions shared;  // the checks common with balanced Sinkhorn
  shared.epsilon = options.epsilon;
  shared.tolerance = options.tolerance;
  shared.max_iterations = options.max_iterations;
  shared.epsilon_scaling = options.epsilon_scaling;
  if (absl::Status s = ValidateSinkhornOptions(shared); !s.ok()) return s;
  if (!(std::isfinite(options.rho) && options.rho > 0.0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "rho: must be finite and > 0 (for rho = infinity use balanced Sinkhorn), got ",
        options.rho));
  }
  return absl::OkStatus();
}

absl::StatusOr<UnbalancedSinkhornOutput> SolveUnbalancedSinkhorn(
    const LinearProblem& problem, const Eigen::Ref<const VectorXd>& a_in,
    const Eigen::Ref<const VectorXd>& b_in, const UnbalancedSinkhornOptions& options,
    Observer& observer) {
  if (absl::Status s = ValidateUnbalancedSinkhornOptions(options); !s.ok()) return s;
  absl::StatusOr<VectorXd> a_or = Masses(a_in, problem.a(), "a");
  if (!a_or.ok()) return a_or.status();
  absl::StatusOr<VectorXd> b_or = Masses(b_in, problem.b(), "b");
  if (!b_or.ok()) return b_or.status();
  const VectorXd& a = *a_or;
  const VectorXd& b = *b_or;
  const Index n = problem.n();
  const Index m = problem.m();
  const MatrixXd& cost = problem.cost();
  MatrixXd cost_t;  // column i = row i of C, so both half-steps read contiguous columns
  if (!TransposeInterruptibly(cost, observer, cost_t)) return Stopped();
  const ArrayXd log_a = a.array().log();
  const ArrayXd log_b = b.array().log();
  const double rho = options.rho;

  UnbalancedSinkhornOutput out;
  VectorXd f = VectorXd::Zero(n);
  VectorXd g = VectorXd::Zero(m);
  VectorXd f_next(n);
  VectorXd g_next(m);
  ArrayXd scratch_n(n);
  ArrayXd scratch_m(m);
  int64_t iteration = 0;
  double eps = options.epsilon;

  const std::vector<double> stages = EpsilonStages(options.epsilon, options.epsilon_scaling, cost);
  for (size_t stage = 0; stage < stages.size(); ++stage) {
    eps = stages[stage];
    // The damping of the balanced update: the "proxdiv" operator of rho KL in
    // Chizat et al. (2018), written in the log domain.
    const double k = rho / (rho + eps);
    const bool final_stage = stage + 1 == stages.size();
    const double stage_tol =
        final_stage ? options.tolerance : std::max(options.tolerance, kSinkhornStageTolerance);
    // Start every stage from an f-update, so rows satisfy f = -rho log(P1 / a).
    if (!SoftMinColumns(cost_t, g, log_b, eps, observer, f, scratch_m)) return Stopped();
    f *= k;
    bool stage_converged = false;
    while (iteration < options.max_iterations) {
      ++iteration;
      if (!SoftMinColumns(cost, f, log_a, eps, observer, g_next, scratch_n)) return Stopped();
      g_next *= k;
      if (!SoftMinColumns(cost_t, g_next, log_b, eps, observer, f_next, scratch_m)) {
        return Stopped();
      }
      f_next *= k;
      const double change =
          std::max((f_next - f).lpNorm<Eigen::Infinity>(), (g_next - g).lpNorm<Eigen::Infinity>()) /
          eps;
      f.swap(f_next);
      g.swap(g_next);
      out.potential_change = change;
      // Right after an f-update the row sums are exactly a exp(-f / rho), so the
      // plan mass, and with it the dual objective, costs O(n) rather than O(nm).
      const double mass = (a.array() * (-f.array() / rho).exp()).sum();
      observer.OnProgress({iteration, change, DualObjective(a, b, f, g, mass, eps, rho)});
      if (problem.has_points() && observer.WantsFrame(iteration)) {
        Frame frame{iteration, static_cast<double>(iteration), MatrixXd()};
        if (!BarycentricFrame(problem, log_a, log_b, f, g, eps, observer, frame.positions)) {
          return Stopped();
        }
        observer.OnFrame(std::move(frame));
      }
      if (change <= stage_tol) {
        stage_converged = true;
        break;
      }
    }
    out.converged = final_stage && stage_converged;
    if (iteration >= options.max_iterations && !stage_converged) break;
  }

  // Measure the returned plan: cost, marginals, mass, and the plan if asked.
  if (options.return_plan) out.plan.emplace(n, m);
  VectorXd row_sums = VectorXd::Zero(n);
  VectorXd col_sums(m);
  double transport = 0.0;
  const bool measured = ForEachPlanColumn(cost, log_a, log_b, f, g, eps, observer,
                                          [&](Index j, const ArrayXd& column) {
                                            transport += (column * cost.col(j).array()).sum();
                                            row_sums += column.matrix();
                                            col_sums[j] = column.sum();
                                            if (out.plan) out.plan->col(j) = column.matrix();
                                          });
  if (!measured) return Stopped();
  const double mass = row_sums.sum();
  // On the support log(P_ij / (a_i b_j)) = (f_i + g_j - C_ij) / eps, so
  // eps KL(P | a x b) = <f, P1> + <g, P^T 1> - <P, C> - eps (mass - |a| |b|)
  // without a second pass over the plan.
  const double entropic =
      f.dot(row_sums) + g.dot(col_sums) - transport - eps * (mass - a.sum() * b.sum());
  out.transport_cost = transport;
  out.plan_mass = mass;
  out.primal_objective =
      transport + entropic + rho * GeneralizedKl(row_sums, a) + rho * GeneralizedKl(col_sums, b);
  out.dual_objective = DualObjective(a, b, f, g, mass, eps, rho);
  out.iterations = iteration;
  out.epsilon = eps;
  out.f = std::move(f);
  out.g = std::move(g);
  return out;
}

}  // namespace advect
