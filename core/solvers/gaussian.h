// Optimal transport between Gaussians (Bures-Wasserstein; SCIENCE.md a4), the
// closed forms used as analytic oracles for the other solvers.
//   W_2^2 = |m1 - m2|^2 + tr(S1 + S2 - 2 (S1^1/2 S2 S1^1/2)^1/2),
//   Monge map T(x) = m2 + A (x - m1), A = S1^-1/2 (S1^1/2 S2 S1^1/2)^1/2 S1^-1/2,
//   McCann interpolant N(m_t, S_t), m_t = (1-t) m1 + t m2,
//   S_t = ((1-t) I + t A) S1 ((1-t) I + t A).
// Reference: Peyre & Cuturi, Computational Optimal Transport (2019), remark 2.31
// and sec. 8.2 (Bures metric); the map is the one POT's OT_mapping_linear fits.
//
// Matrix square roots come from symmetric eigendecompositions with negative
// round-off eigenvalues clamped to 0, and tr (S1^1/2 S2 S1^1/2)^1/2 is the sum
// of the singular values of S2^1/2 S1^1/2 (an SVD keeps the small ones
// accurate where the eigenvalues of S1^1/2 S2 S1^1/2 would square the condition
// number). The distance is defined for positive semidefinite covariances; the
// map needs S1 positive definite, so it is an option (GaussianOtOptions).
//
// Accuracy, measured (tests/core/gaussian_test.cc and a d = 8..50 sweep):
//  * the map: |A S1 A - S2| / |S2| is 5e-15 at cond(S1) = 10, 1.4e-14 at 1e3,
//    1.7e-12 at 1e6 and 1.8e-10 at 1e8, i.e. it grows like eps * cond(S1);
//    against POT 0.8.2's OT_mapping_linear (n = 10^4, d = 50) A and b agree to
//    2e-14 relative;
//  * the distance: absolute error about d * eps * (tr S1 + tr S2), from the
//    cancellation in the trace formula: W_2^2(g, g) <= 2e-15 tr S, and two
//    Gaussians at W_2^2 = 1e-12 with traces 8 come out 0.4% off. Where W_2^2 is
//    not tiny next to the traces it is accurate to ~1e-15 relative.
#ifndef ADVECT_CORE_SOLVERS_GAUSSIAN_H_
#define ADVECT_CORE_SOLVERS_GAUSSIAN_H_

#include <Eigen/Core>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace advect {

struct Gaussian {
  Eigen::VectorXd mean;  // d
  Eigen::MatrixXd cov;   // d x d, symmetric positive semidefinite
};

// Checks one Gaussian of a request. `suffix` identifies it in the API: errors
// name "mean" + suffix and "cov" + suffix (e.g. mean1, cov1). The mean must be
// non-empty and finite; the covariance d x d, finite, symmetric (|C - C^T| <=
// 1e-10 max|C| entrywise) and positive semidefinite (smallest eigenvalue >=
// -1e-10 max|C|).
absl::Status ValidateGaussian(const Gaussian& g, absl::string_view suffix);

struct GaussianOtOptions {
  // The map needs cov1 positive definite (numerically: its smallest eigenvalue
  // above d * 2^-52 times its largest); without it SolveGaussianOt fails with
  // FailedPrecondition naming cov1. Set false for the distance alone, which is
  // defined for any positive semidefinite covariances.
  bool compute_map = true;
};

struct GaussianOtOutput {
  double transport_cost = 0.0;  // W_2^2
  // T(x) = map_matrix * x + map_offset; A is symmetric positive semidefinite
  // and b = m2 - A m1. Both empty when the map was not asked for.
  Eigen::MatrixXd map_matrix;
  Eigen::VectorXd map_offset;
};

// g1 is the source (errors name mean1, cov1), g2 the target (mean2, cov2).
absl::StatusOr<GaussianOtOutput> SolveGaussianOt(const Gaussian& g1, const Gaussian& g2,
                                                 const GaussianOtOptions& options = {});

// The McCann (displacement) interpolant at time t between g1 (t = 0) and its
// image under `map` (t = 1); t outside [0, 1] extrapolates along the geodesic.
// `map` must come from SolveGaussianOt(g1, ...) with the map computed;
// otherwise the result is an empty Gaussian.
Gaussian McCannInterpolate(const Gaussian& g1, const GaussianOtOutput& map, double t);

// The weighted mean and biased covariance sum_i w_i (x_i - m)(x_i - m)^T
// (weights normalised to sum 1; empty = uniform) plus regularization * I, as
// POT's OT_mapping_linear. x is n x d; errors name `field` (x),
// `weights_field` (weights) or regularization (must be finite and >= 0).
absl::StatusOr<Gaussian> EmpiricalGaussian(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                           const Eigen::Ref<const Eigen::VectorXd>& weights,
                                           double regularization, absl::string_view field,
                                           absl::string_view weights_field = "weights");

}  // namespace advect

#endif  // ADVECT_CORE_SOLVERS_GAUSSIAN_H_
