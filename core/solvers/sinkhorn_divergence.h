// The Sinkhorn divergence (SCIENCE.md a7; Feydy, Sejourne, Vialard, Amari,
// Trouve & Peyre, "Interpolating between optimal transport and MMD using
// Sinkhorn divergences", AISTATS 2019):
//   S_eps(alpha, beta) = OT_eps(alpha, beta) - OT_eps(alpha, alpha) / 2 - OT_eps(beta, beta) / 2,
// where OT_eps is the regularised value min_P <P, C> + eps KL(P | a x b), i.e.
// the dual objective <f, a> + <g, b> of balanced Sinkhorn at its fixed point,
// not the transport cost <P, C>. With that value and a cost whose Gibbs kernel
// exp(-C / eps) is positive definite and universal (|x - y|^2, |x - y|), S is
// symmetric, >= 0 and zero only when alpha = beta (Feydy et al., Thm 1); it
// tends to the OT cost as eps -> 0 and to the energy distance
// -<alpha - beta, C (alpha - beta)> / 2 as eps -> infinity.
#ifndef ADVECT_CORE_SOLVERS_SINKHORN_DIVERGENCE_H_
#define ADVECT_CORE_SOLVERS_SINKHORN_DIVERGENCE_H_

#include <cstdint>

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "core/geometry/cost.h"
#include "core/observer.h"
#include "core/solvers/sinkhorn.h"

namespace advect {

struct SinkhornDivergenceOutput {
  double divergence = 0.0;  // ot_xy - (ot_xx + ot_yy) / 2
  double transport_cost = 0.0;  // <P, C> of the entropic x-y plan
  double ot_xy = 0.0;       // regularised values (dual objectives) of the three solves
  double ot_xx = 0.0;
  double ot_yy = 0.0;
  int64_t iterations = 0;  // total over the three solves (each capped by max_iterations)
  bool converged = false;  // all three converged
};

// S_eps between the measures (x, a) and (y, b): points n x d and m x d, weights
// as in LinearProblem::FromPoints (empty = uniform, otherwise normalised).
// The three terms are solved in the order xy, xx, yy, each from zero
// potentials, by the averaged log-domain Sinkhorn update of Feydy et al.
// (f <- (f + T(g)) / 2, g <- (g + T(f)) / 2; for xx and yy with g = f), not
// by SolveSinkhorn: its alternating update converges very slowly when the two
// measures are close at small eps, which is exactly where S is evaluated most.
// `options` applies to each solve (epsilon, tolerance on the L1 marginal
// error, max_iterations per solve, epsilon_scaling); return_plan is ignored.
//
// Progress is one sequence across the three solves: iteration numbers continue
// from one solve to the next (the last report carries `iterations`), and
// error / objective are those of the current solve. There are no frames (no
// single trajectory belongs to S). Errors name x, y, a, b, cost.p or the
// options' fields; returns Cancelled when the observer asks to stop.
absl::StatusOr<SinkhornDivergenceOutput> SolveSinkhornDivergence(
    const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::MatrixXd>& y,
    const Eigen::VectorXd& a, const Eigen::VectorXd& b, const GroundCost& cost,
    const SinkhornOptions& options, Observer& observer = NullObserver());

}  // namespace advect

#endif  // ADVECT_CORE_SOLVERS_SINKHORN_DIVERGENCE_H_
