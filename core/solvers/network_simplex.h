// Exact (unregularised) optimal transport by the primal network simplex
// (SCIENCE.md a1):
//   min <P, C>  s.t.  P 1 = a,  P^T 1 = b,  P >= 0,
// solved as an uncapacitated min-cost flow on the complete bipartite graph
// sources -> targets. The plan returned is a basic solution (a spanning tree of
// the graph), hence has at most n + m - 1 nonzeros, and the dual potentials come
// from the same tree.
//
// References: Kelly & O'Neill, "The minimum cost flow problem and the network
// simplex solution method" (1991), for the tree (thread) representation and the
// block-search pivot rule; Cunningham, "A network simplex method" (1976), for
// strongly feasible trees (no cycling under degeneracy); Bonneel, van de Panne,
// Paris & Heidrich, "Displacement interpolation using Lagrangian mass transport"
// (2011), whose LEMON-derived solver is POT's ot.emd. Written from those papers,
// not from either code base.
#ifndef ADVECT_CORE_SOLVERS_NETWORK_SIMPLEX_H_
#define ADVECT_CORE_SOLVERS_NETWORK_SIMPLEX_H_

#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "core/geometry/cost.h"
#include "core/observer.h"
#include "core/problems/linear_problem.h"

namespace advect {

struct ExactOtOptions {
  // Pivots allowed; 0 means no limit (always run to optimality). >= 0.
  int64_t max_iterations = 0;
};

enum class ExactOtStatus {
  kOptimal,         // no arc has a negative reduced cost (up to the tolerance below)
  kIterationLimit,  // stopped after max_iterations pivots: feasible but NOT optimal
};

struct ExactOtOutput {
  double transport_cost = 0.0;  // <P, C> in the units of the cost given
  // The plan as (row, col, value) triplets: at most n + m - 1 of them, no zeros,
  // sorted by (row, col). Row sums are a and column sums b (up to rounding).
  std::vector<int64_t> plan_rows;
  std::vector<int64_t> plan_cols;
  std::vector<double> plan_values;
  // Dual potentials. At kOptimal: C_ij - f_i - g_j >= -tolerance for all (i, j)
  // and = 0 (up to rounding) on the plan's support. Centred as POT's
  // center_dual=True: a constant c is added to f and subtracted from g so that
  // sum_i a_i f_i = sum_j b_j g_j. Points of zero weight get feasible potentials
  // too (POT leaves them at 0). At kIterationLimit they are the current
  // (infeasible) simplex multipliers.
  Eigen::VectorXd f;
  Eigen::VectorXd g;
  double dual_objective = 0.0;  // <f, a> + <g, b>; equals transport_cost at kOptimal
  int64_t iterations = 0;       // pivots done
  ExactOtStatus status = ExactOtStatus::kOptimal;
};

// An arc counts as improving when its reduced cost is below
// -kExactOtRelativeTolerance * max(|C_ij|, |f_i|, |g_j|): a few hundred
// rounding units of the numbers it is computed from, so that floating-point
// noise neither keeps the solver pivoting for ever nor hides a real
// improvement. At kOptimal, the cost is therefore optimal up to about that
// tolerance times the potentials' magnitude (times the total mass, 1).
inline constexpr double kExactOtRelativeTolerance = 1e-14;

// Checks the options (max_iterations >= 0); errors name max_iterations.
absl::Status ValidateExactOtOptions(const ExactOtOptions& options);

// Solves the problem with its dense cost matrix. Progress goes to the observer
// every 1024 pivots and once at the end (iteration = pivots, error = magnitude
// of the most negative reduced cost in the last search, objective = current
// <P, C> of the tree's real arcs). Returns Cancelled when the observer asks to
// stop; hitting max_iterations is a result (status kIterationLimit), not an error.
absl::StatusOr<ExactOtOutput> SolveExactOt(const LinearProblem& problem,
                                           const ExactOtOptions& options,
                                           Observer& observer = NullObserver());

// The same from point clouds x (n x d) and y (m x d) with weights a and b (empty
// means uniform, otherwise normalised to sum 1) and a ground cost. The n x m cost
// is never stored: each arc's cost is computed when it is priced, so memory is
// O((n + m) d). Validation and error fields as LinearProblem::FromPoints (x, y,
// a, b, cost.p).
absl::StatusOr<ExactOtOutput> SolveExactOtFromPoints(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                                     const Eigen::Ref<const Eigen::MatrixXd>& y,
                                                     const Eigen::VectorXd& a,
                                                     const Eigen::VectorXd& b,
                                                     const GroundCost& cost,
                                                     const ExactOtOptions& options,
                                                     Observer& observer = NullObserver());

}  // namespace advect

#endif  // ADVECT_CORE_SOLVERS_NETWORK_SIMPLEX_H_
