// Entropic optimal transport by Sinkhorn's algorithm (SCIENCE.md a5).
//
// Minimises <P, C> + epsilon * KL(P | a x b) over couplings of a and b. The
// optimal plan is P_ij = a_i b_j exp((f_i + g_j - C_ij) / epsilon) and the
// updates are the soft-min (log-sum-exp) forms
//   g_j <- -eps log sum_i a_i exp((f_i - C_ij) / eps),
//   f_i <- -eps log sum_j b_j exp((g_j - C_ij) / eps),
// stable at any epsilon > 0. By default the iterations run in the scaling form
// u = 1 / (K (b v)), v = 1 / (K^T (a u)) on a stabilised kernel
// K = exp((f0 + g0 - C) / eps) that absorbs large scalings into the potentials
// (sinkhorn_scaling.h): one fused pass over K per iteration and no exp() in the
// loop. Where the kernel cannot represent a stage (it would under- or overflow
// even right after absorption), that stage runs in the log domain instead.
// Reference: Peyre & Cuturi, Computational Optimal Transport (2019), ch. 4;
// absorption and epsilon scaling as in Schmitzer (2019).
#ifndef ADVECT_CORE_SOLVERS_SINKHORN_H_
#define ADVECT_CORE_SOLVERS_SINKHORN_H_

#include <cstdint>
#include <optional>

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "core/observer.h"
#include "core/problems/linear_problem.h"

namespace advect {

// Epsilon scaling: stages eps_k = max(epsilon, initial_epsilon * decay^k), each
// warm-started from the previous potentials. Intermediate stages stop at
// a marginal error of max(tolerance, kSinkhornStageTolerance).
struct EpsilonScaling {
  double initial_epsilon = 0.0;  // 0: the maximum of the cost
  double decay = 0.5;            // in (0, 1)
};

inline constexpr double kSinkhornStageTolerance = 1e-3;

enum class SinkhornMethod {
  kAuto,       // the scaling form, falling back to the log domain where it must
  kLogDomain,  // log-sum-exp updates only (an exp() per entry per half-step)
};

// The number type of the kernel in the scaling form. Potentials, sums across
// rows and the returned plan stay in double; float halves the memory and the
// bytes read per iteration.
enum class SinkhornPrecision { kFloat64, kFloat32 };

// The smallest marginal error the float32 kernel can be asked for. The float
// kernel perturbs each entry by up to 6e-8 relative and its sums along a
// column are accumulated in float, so the error measured in double on the
// returned plan sits a few 1e-7 away from the error the float iterations see.
// Smaller tolerances are raised to this (the output's `tolerance` says so);
// the float iterations stop at half the tolerance, and `converged` also
// requires the measured marginal_error to be within it.
inline constexpr double kFloat32ToleranceFloor = 1e-5;
inline constexpr int kSinkhornMaxThreads = 64;

struct SinkhornOptions {
  double epsilon = 0.0;        // required, > 0, in units of the cost
  double tolerance = 1e-9;     // on |P1 - a|_1 + |P^T 1 - b|_1, >= 0
  int64_t max_iterations = 1000;  // over all stages, >= 0
  std::optional<EpsilonScaling> epsilon_scaling;
  bool return_plan = false;
  SinkhornMethod method = SinkhornMethod::kAuto;
  SinkhornPrecision precision = SinkhornPrecision::kFloat64;
  // Threads for the passes over the kernel, in [1, kSinkhornMaxThreads]. The
  // rows are split in two halves whatever the count, so the result does not
  // depend on it; more than 2 does not help yet.
  int num_threads = 1;
};

struct SinkhornOutput {
  double transport_cost = 0.0;  // <P, C>
  double dual_objective = 0.0;  // <f, a> + <g, b>
  Eigen::VectorXd f;
  Eigen::VectorXd g;
  int64_t iterations = 0;
  double marginal_error = 0.0;  // measured on the returned plan
  bool converged = false;       // the stopping test passed at the final epsilon
  double epsilon = 0.0;
  std::optional<Eigen::MatrixXd> plan;
  double tolerance = 0.0;               // the tolerance applied at the final epsilon
  int64_t log_domain_iterations = 0;    // iterations run in the log domain
  int64_t kernel_builds = 0;            // kernels built for the scaling form
};

// The tolerance the solver applies: options.tolerance, raised to
// kFloat32ToleranceFloor for the float32 kernel.
double EffectiveSinkhornTolerance(const SinkhornOptions& options);

// Checks the options; errors name epsilon, tolerance, max_iterations,
// epsilon_scaling.* or num_threads as in the public API.
absl::Status ValidateSinkhornOptions(const SinkhornOptions& options);

// Solves the problem. Progress is reported once per iteration (error = the L1
// marginal error of the current iterate, objective = the dual objective).
// When the problem has points and the observer wants a frame, the frame holds
// the barycentric image of the source points under the current plan,
// T(x_i) = sum_j P_ij y_j / sum_j P_ij, at time = iteration. Returns Cancelled
// when the observer requests a stop; not converging is reported in the output.
absl::StatusOr<SinkhornOutput> SolveSinkhorn(const LinearProblem& problem,
                                             const SinkhornOptions& options,
                                             Observer& observer = NullObserver());

}  // namespace advect

#endif  // ADVECT_CORE_SOLVERS_SINKHORN_H_
