// Kernel-free ("online") Sinkhorn on point clouds (SCIENCE.md a5): the
// log-domain iteration of SolveSinkhorn with every cost c(x_i, y_j) computed
// when it is needed, in the same bits as CostMatrix. Nothing of size n x m is
// stored (unless the plan is asked for), so memory is O((n + m) d): n = m =
// 30,000 in d = 3 takes a few MB where the dense solvers would need 14 GB.
// Each half-step recomputes all n * m costs, so it costs more per iteration
// than the dense log domain; use it when the cost does not fit.
#ifndef ADVECT_CORE_SOLVERS_SINKHORN_ONLINE_H_
#define ADVECT_CORE_SOLVERS_SINKHORN_ONLINE_H_

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "core/geometry/cost.h"
#include "core/observer.h"
#include "core/solvers/sinkhorn.h"

namespace advect {

// Weighted point clouds with their ground cost, divided by `cost_scale`
// (1, or the largest cost when normalising as POT's M / M.max()).
struct OnlineProblem {
  Eigen::MatrixXd x;  // n x d
  Eigen::MatrixXd y;  // m x d
  Eigen::VectorXd a;  // n weights, >= 0, sum 1
  Eigen::VectorXd b;  // m weights, >= 0, sum 1
  GroundCost cost;
  double cost_scale = 1.0;
};

// max_ij c(x_i, y_j), in one pass over the pairs (2 threads when num_threads
// > 1). Returns Cancelled on a stop request.
absl::StatusOr<double> MaxCostOnline(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y,
                                     const GroundCost& cost, int num_threads,
                                     const Observer& observer = NullObserver());

// Solves the problem as SolveSinkhorn would in the log domain (method and
// precision are ignored: the online form is always float64 log-sum-exp).
// Output, progress and frames are those of SolveSinkhorn, with
// log_domain_iterations = iterations and no kernel builds; out.plan only when
// options.return_plan. Errors: the options (as ValidateSinkhornOptions), and
// x, y, a, b, cost.p when the clouds do not fit together.
absl::StatusOr<SinkhornOutput> SolveSinkhornOnline(const OnlineProblem& problem,
                                                   const SinkhornOptions& options,
                                                   Observer& observer = NullObserver());

}  // namespace advect

#endif  // ADVECT_CORE_SOLVERS_SINKHORN_ONLINE_H_
