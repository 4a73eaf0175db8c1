// The scaling (kernel) form of Sinkhorn with absorption, one epsilon stage at a
// time. Internal to SolveSinkhorn (sinkhorn.cc).
//
// The iterate is held as P_ij = a_i u_i K_ij v_j b_j with the stabilised kernel
// K_ij = exp((f0_i + g0_j - C_ij) / eps), where f0 is the source potential when
// the kernel was built and g0_j = min_i (C_ij - f0_i) its hard c-transform, so
// every column of K has an entry equal to 1 and none above 1. K is stored
// column-major like the cost, so a build streams through the cost once. The
// potentials are f = f0 + eps log u and g = g0 + eps log v. An iteration is one
// fused pass over the columns of K (sinkhorn_row_pass.h): v = 1 / (K^T (a u))
// and, from the same reads, K (b v), then u = 1 / (K (b v)). When u or v leave
// [1/B, B] they are absorbed into the potentials and K is rebuilt (Schmitzer
// 2019, sec. 4). If the pass fails right after a rebuild (a row or column of K
// under- or overflowed), the stage hands back to the log-domain iteration.
#ifndef ADVECT_CORE_SOLVERS_SINKHORN_SCALING_H_
#define ADVECT_CORE_SOLVERS_SINKHORN_SCALING_H_

#include <cstdint>
#include <functional>

#include <Eigen/Core>

#include "core/observer.h"
#include "core/problems/linear_problem.h"
#include "core/solvers/log_domain.h"
#include "core/solvers/sinkhorn.h"

namespace advect::sinkhorn_internal {

enum class StageEnd {
  kConverged,       // the marginal error reached the stage tolerance
  kIterationLimit,  // the iteration budget ran out
  kStopped,         // the observer asked to stop
  kNeedsLogDomain,  // the kernel cannot represent this stage; f is still valid
};

// Called after every iteration with its number, the L1 marginal error of the
// plan (f, g) and the potentials; returns false to stop.
using IterationCallback =
    std::function<bool(int64_t iteration, double error, const Eigen::VectorXd& f,
                       const Eigen::VectorXd& g)>;

struct ScalingStageStats {
  int64_t kernel_builds = 0;
  bool measured = false;  // the plan was measured into RunScalingStage's `measurement`
};

// Runs scaling iterations at `eps` starting from f (g is recomputed) until the
// marginal error is <= tolerance or `iteration` reaches max_iterations.
// On return f and g are the potentials of the last iterate (g exact for f, so
// the column marginals are exact), and `iteration` counts the iterations done.
// On kNeedsLogDomain only f is valid.
//
// With a float64 kernel and a non-null `measurement`, the returned plan
// P_ij = a_i u_i K_ij v_j b_j is measured from the kernel (no exp(); the same
// plan as exp((f_i + g_j - C_ij) / eps) a_i b_j to rounding) when the stage
// ends at the iteration limit, or when it converges and `final_stage`; then
// stats.measured is set.
StageEnd RunScalingStage(const LinearProblem& problem, double eps, double tolerance,
                         int64_t max_iterations, SinkhornPrecision precision, int num_threads,
                         Observer& observer, const IterationCallback& on_iteration,
                         int64_t& iteration, Eigen::VectorXd& f, Eigen::VectorXd& g,
                         ScalingStageStats& stats, bool final_stage = true,
                         log_domain::PlanMeasurement* measurement = nullptr);

}  // namespace advect::sinkhorn_internal

#endif  // ADVECT_CORE_SOLVERS_SINKHORN_SCALING_H_
