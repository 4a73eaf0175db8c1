// The map a flow produces against the optimal transport (Brenier) map, for
// Gaussians (SCIENCE.md b6). Between N(m0, S0) at t = 0 and N(m1, S1) at
// t = 1, the linear interpolant x_t = (1 - t) x0 + t x1 of the independent
// coupling (flow matching's, and rectified flow's first pass) has Gaussian
// marginals N(mu_t, C_t), C_t = (1 - t)^2 S0 + t^2 S1, and the marginal
// velocity E[x1 - x0 | x_t = z] = (m1 - m0) + B_t (z - mu_t) with
// B_t = C_t^-1 (t S1 - (1 - t) S0) (symmetric products, transposed). Its flow
// map is affine, T(x) = m1 + M (x - m0), with dM/dt = B_t M, M(0) = I,
// integrated here by RK4. M pushes S0 to S1 like the Brenier map
// A = S0^-1/2 (S0^1/2 S1 S0^1/2)^1/2 S0^-1/2, but is in general not
// symmetric: writing M = S1^1/2 R_f S0^-1/2 and A = S1^1/2 R_b S0^-1/2 with R
// orthogonal, the hidden rotation Q = R_b^T R_f is the identity only when the
// maps agree (e.g. when S0 and S1 commute).
#ifndef ADVECT_CORE_DIFFUSION_GAUSSIAN_FLOW_MAP_H_
#define ADVECT_CORE_DIFFUSION_GAUSSIAN_FLOW_MAP_H_

#include <cstdint>

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "core/observer.h"
#include "core/solvers/gaussian.h"

namespace advect {

inline constexpr int64_t kMaxFlowMapSteps = 100'000;

struct GaussianFlowMapOutput {
  // T_flow(x) = flow_matrix x + flow_offset; T_brenier likewise.
  Eigen::MatrixXd flow_matrix;
  Eigen::VectorXd flow_offset;
  Eigen::MatrixXd brenier_matrix;
  Eigen::VectorXd brenier_offset;
  // E|T_flow(x) - T_brenier(x)|^2 for x ~ source: tr((M - A) S0 (M - A)^T).
  double map_distance = 0.0;
  // E|T(x) - x|^2 under the source: the flow's cost >= W_2^2, the Brenier cost.
  double flow_cost = 0.0;
  double w2_squared = 0.0;
  // Q = R_b^T R_f (orthogonal) and its largest rotation angle in radians
  // (max |arg| of its eigenvalues; 0 when the maps agree).
  Eigen::MatrixXd hidden_rotation;
  double rotation_angle = 0.0;
  // |M S0 M^T - S1|_F / |S1|_F: the integration's accuracy (0 when exact).
  double pushforward_error = 0.0;
};

// Both covariances must be positive definite (errors name cov1 for the
// source, cov2 for the target, as SolveGaussianOt). `steps` RK4 steps in
// [1, kMaxFlowMapSteps] (error names steps). Progress once per step (iteration
// = step, error = 0, objective = t); Cancelled on a stop request.
absl::StatusOr<GaussianFlowMapOutput> CompareFlowAndBrenierMaps(
    const Gaussian& source, const Gaussian& target, int64_t steps,
    Observer& observer = NullObserver());

}  // namespace advect

#endif  // ADVECT_CORE_DIFFUSION_GAUSSIAN_FLOW_MAP_H_
