// Unbalanced entropic optimal transport by log-domain Sinkhorn (SCIENCE.md a6).
//
// Minimises over P >= 0
//   <P, C> + eps KL(P | a x b) + rho KL(P1 | a) + rho KL(P^T 1 | b),
// with the generalised KL(p | q) = sum p log(p / q) - p + q, so a and b are
// arbitrary non-negative masses (their totals may differ) and the marginals of
// P are only pulled towards them. The optimal plan is
// P_ij = a_i b_j exp((f_i + g_j - C_ij) / eps), and with k = rho / (rho + eps)
// the updates are the balanced soft-min steps damped by k:
//   f_i <- -k eps log sum_j b_j exp((g_j - C_ij) / eps),
//   g_j <- -k eps log sum_i a_i exp((f_i - C_ij) / eps).
// At the fixed point f = -rho log(P1 / a) and g = -rho log(P^T 1 / b).
// References: Chizat, Peyre, Schmitzer & Vialard, "Scaling algorithms for
// unbalanced optimal transport problems" (Math. Comp. 2018); Sejourne, Feydy,
// Vialard, Trouve & Peyre, "Sinkhorn divergences for unbalanced optimal
// transport" (2019), whose dual is the one reported here.
//
// The entropy is relative to a x b, as in Sinkhorn (a5). POT 0.8.2's
// ot.unbalanced.sinkhorn_unbalanced uses the counting measure instead; since
// eps KL(P | a x b) = eps KL(P | 1) + <P, -eps (log a_i + log b_j)> + const,
// POT gives this plan when called on C_ij - eps (log a_i + log b_j).
#ifndef ADVECT_CORE_SOLVERS_UNBALANCED_SINKHORN_H_
#define ADVECT_CORE_SOLVERS_UNBALANCED_SINKHORN_H_

#include <cstdint>
#include <optional>

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "core/observer.h"
#include "core/problems/linear_problem.h"
#include "core/solvers/sinkhorn.h"  // EpsilonScaling, kSinkhornStageTolerance

namespace advect {

struct UnbalancedSinkhornOptions {
  double epsilon = 0.0;  // required, finite and > 0, in units of the cost
  // Required, finite and > 0, in units of the cost: the price of creating or
  // destroying mass. rho -> infinity is balanced OT (use SolveSinkhorn); the
  // iteration contracts by (rho / (rho + eps))^2 per step, so large rho / eps
  // needs many iterations.
  double rho = 0.0;
  // Stop when max(|f' - f|_inf, |g' - g|_inf) / epsilon <= tolerance over one
  // iteration (f' and g' the updated potentials). The marginal error is not a
  // criterion here since the marginals are not matched. Plan entries then
  // change by a factor within exp(+-2 tolerance) per iteration; the distance to
  // the fixed point is at most k^2 / (1 - k^2) times that, k = rho / (rho + eps).
  double tolerance = 1e-9;
  int64_t max_iterations = 1000;  // over all stages, >= 0
  // As in Sinkhorn; intermediate stages stop at max(tolerance, kSinkhornStageTolerance).
  std::optional<EpsilonScaling> epsilon_scaling;
  bool return_plan = false;
};

struct UnbalancedSinkhornOutput {
  double transport_cost = 0.0;    // <P, C>
  double plan_mass = 0.0;         // sum_ij P_ij
  double primal_objective = 0.0;  // all four terms, on the returned plan
  // -rho <a, exp(-f/rho) - 1> - rho <b, exp(-g/rho) - 1> - eps <a x b, exp((f+g-C)/eps) - 1>;
  // equal to the primal objective at the fixed point (strong duality).
  double dual_objective = 0.0;
  Eigen::VectorXd f;
  Eigen::VectorXd g;
  int64_t iterations = 0;
  double potential_change = 0.0;  // the stopping measure of the last iteration
  bool converged = false;         // the stopping test passed at the final epsilon
  double epsilon = 0.0;
  std::optional<Eigen::MatrixXd> plan;
};

// Checks the options; errors name epsilon, rho, tolerance, max_iterations or
// epsilon_scaling.*.
absl::Status ValidateUnbalancedSinkhornOptions(const UnbalancedSinkhornOptions& options);

// Solves the problem for the cost (and points) of `problem` and the masses a
// (n entries) and b (m entries), which are used as given: LinearProblem
// normalises its weights to probability vectors, which is right for balanced
// OT but would discard the total masses that unbalanced OT compares. Empty a
// or b means the problem's (normalised) weights. Masses must be finite, >= 0,
// with a positive total; errors name a or b.
//
// Progress is reported once per iteration (error = the potential change above,
// objective = the dual objective of the iterate). When the problem has points
// and the observer wants a frame, the frame holds the barycentric image
// T(x_i) = sum_j P_ij y_j / sum_j P_ij of the current plan at time = iteration.
// Returns Cancelled when the observer requests a stop; not converging is
// reported in the output.
absl::StatusOr<UnbalancedSinkhornOutput> SolveUnbalancedSinkhorn(
    const LinearProblem& problem, const Eigen::Ref<const Eigen::VectorXd>& a,
    const Eigen::Ref<const Eigen::VectorXd>& b, const UnbalancedSinkhornOptions& options,
    Observer& observer = NullObserver());

}  // namespace advect

#endif  // ADVECT_CORE_SOLVERS_UNBALANCED_SINKHORN_H_
