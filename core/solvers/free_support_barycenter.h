// Free-support Wasserstein-2 barycenter (SCIENCE.md a8).
//
// Given K weighted point clouds (Y_k, b_k) and weights lambda_k, looks for the
// n support points X of a measure sum_i a_i delta_{X_i} (a fixed) minimising
//   sum_k lambda_k W2^2(X, Y_k),  with the cost |x - y|^2.
// The iteration alternates exact OT plans P_k between (X, a) and (Y_k, b_k)
// with the update X <- sum_k lambda_k diag(1/a) P_k Y_k, i.e. every support
// point moves to the weighted mean of its barycentric images. It is a
// block-coordinate descent (the cost never increases) and reaches a fixed point
// in finitely many steps, a local minimum in general.
//
// References: Cuturi & Doucet, "Fast computation of Wasserstein barycenters"
// (ICML 2014), Algorithm 2; Peyre & Cuturi, Computational Optimal Transport
// (2019), sec. 9.2.
#ifndef ADVECT_CORE_SOLVERS_FREE_SUPPORT_BARYCENTER_H_
#define ADVECT_CORE_SOLVERS_FREE_SUPPORT_BARYCENTER_H_

#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "core/observer.h"

namespace advect {

// A discrete measure: points (m x d, row = point) and weights (m entries >= 0
// with a positive sum, normalised; empty means uniform 1/m).
struct WeightedCloud {
  Eigen::MatrixXd points;
  Eigen::VectorXd weights;
};

struct FreeSupportBarycenterOptions {
  int64_t max_iterations = 100;  // support updates, >= 0
  // Stop when the largest move of a support point in one update,
  // max_i |X'_i - X_i| (Euclidean norm), is <= tolerance. Finite and >= 0.
  double tolerance = 1e-9;
};

struct FreeSupportBarycenterOutput {
  Eigen::MatrixXd support;  // X, n x d; its weights are the (normalised) a given
  int64_t iterations = 0;   // support updates done
  double displacement = 0.0;  // max_i |X'_i - X_i| of the last update (0 if none)
  bool converged = false;     // displacement <= tolerance
  // sum_k lambda_k W2^2(X, Y_k) for the returned X (exact, squared Euclidean).
  double cost = 0.0;
};

// Checks the options; errors name max_iterations or tolerance.
absl::Status ValidateFreeSupportBarycenterOptions(const FreeSupportBarycenterOptions& options);

// Runs the iteration from `initial_support` (n x d) with weights
// `support_weights` (empty = uniform). `weights` has one entry per cloud, >= 0
// with a positive sum (normalised; empty = uniform). Errors name clouds,
// clouds[k].points, clouds[k].weights, weights, initial_support,
// support_weights and the options.
// Every iteration solves K exact OT problems (core/solvers/network_simplex.h)
// on the current support, so the reported cost is always that of the support
// it comes with. Progress: iteration 0 for the initial support, then once per
// update (error = displacement, objective = cost). Frames: the support X
// (step = time = iteration, 0 for the initial support) when WantsFrame. Stop
// requests reach the exact solver and return Cancelled; reaching
// max_iterations is a result with converged = false.
absl::StatusOr<FreeSupportBarycenterOutput> SolveFreeSupportBarycenter(
    const std::vector<WeightedCloud>& clouds, const Eigen::VectorXd& weights,
    const Eigen::Ref<const Eigen::MatrixXd>& initial_support,
    const Eigen::VectorXd& support_weights, const FreeSupportBarycenterOptions& options,
    Observer& observer = NullObserver());

}  // namespace advect

#endif  // ADVECT_CORE_SOLVERS_FREE_SUPPORT_BARYCENTER_H_
