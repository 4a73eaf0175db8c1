// The entropic JKO scheme on a grid (SCIENCE.md c3; Peyré 2015, "Entropic
// approximation of Wasserstein gradient flows"): the Eulerian twin of the
// particle gradient flow. Each step solves
//   alpha^{k+1} = argmin_alpha  W_eps(alpha^k, alpha) / (2 tau) + F(alpha),
//   F(alpha) = sum_i V(x_i) alpha_i + sigma^2 sum_i alpha_i log(alpha_i / h^d),
// with W_eps the entropic transport cost for c = |x - y|^2 on the grid's
// points (cell volume h^d), by Sinkhorn-like scaling iterations
//   a <- alpha^k / (K b),   b <- prox(K^T a) / (K^T a),
//   prox(z) = (z exp(-gamma V))^(1 / (1 + gamma sigma^2)) h^(-d gamma sigma^2 / (1 + ...)),
// gamma = 2 tau / eps. The Gibbs kernel K = exp(-|x - y|^2 / eps) of a
// regular grid is separable, applied axis by axis in O(N (n_1 + ... + n_d)).
// Mass is conserved. The entropic blur adds diffusion of order eps / tau:
// keep eps well below tau sigma^2 and the kernel width sqrt(eps / 2) above
// the spacing.
#ifndef ADVECT_CORE_SOLVERS_ENTROPIC_JKO_H_
#define ADVECT_CORE_SOLVERS_ENTROPIC_JKO_H_

#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "core/observer.h"

namespace advect {

// A regular grid in 1 or 2 dimensions: n[k] points from lo[k] to hi[k]
// inclusive along axis k. Point (i, j) has flat index i * n[1] + j.
struct JkoGrid {
  std::vector<int64_t> n;
  std::vector<double> lo, hi;
};

struct JkoOptions {
  double tau = 0.05;        // the step
  int64_t steps = 20;       // JKO steps
  double epsilon = 0.0;     // 0: (2 spacing)^2, a kernel two cells wide
  double sigma = 0.0;       // the entropy's weight is sigma^2 (the noise of the particle twin)
  double tolerance = 1e-6;  // L1 error of the first marginal
  int64_t max_iterations = 5000;  // per step
};

struct JkoOutput {
  Eigen::VectorXd density;          // the final alpha (sums to the initial mass)
  std::vector<double> energy;       // F after each step, F(alpha^0) first
  std::vector<int64_t> iterations;  // scaling iterations per step
  bool converged = true;            // every step reached the tolerance
  double epsilon = 0.0;             // the epsilon used
};

// The grid's points, N x d (row = flat index).
Eigen::MatrixXd JkoGridPoints(const JkoGrid& grid);

// Checks the grid, density, potential values and options (errors as
// RunEntropicJko's) and returns the epsilon to use.
absl::StatusOr<double> CheckJkoInput(const JkoGrid& grid, const Eigen::VectorXd& density,
                                     const Eigen::VectorXd& v, const JkoOptions& options);

// Runs `steps` JKO steps from `density` (N >= 0 values, positive mass) with
// the potential values `v` at the grid points (N values). Frames (step k,
// time k tau) carry the density as n[0] x n[1] (2-D) or N x 1 (1-D);
// progress per step (iteration = step, error = the step's marginal error,
// objective = F). Errors: INVALID_ARGUMENT naming grid, density, potential,
// tau, steps, epsilon, sigma; CANCELLED on a stop.
absl::StatusOr<JkoOutput> RunEntropicJko(const JkoGrid& grid, Eigen::VectorXd density,
                                         const Eigen::VectorXd& v, const JkoOptions& options,
                                         Observer& observer = NullObserver());

}  // namespace advect

#endif  // ADVECT_CORE_SOLVERS_ENTROPIC_JKO_H_
