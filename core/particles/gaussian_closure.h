// Gaussian closure (SCIENCE.md c4): a field affine in x, v(x) = b + A (x - m)
// with b and A functions of the current mean m and covariance S, keeps
// Gaussians Gaussian: m' = b, S' = A S + S A^T (+ 2 sigma^2 I with Langevin
// noise sigma). An exact oracle for the particle engine: under the explicit
// Euler step x <- x + h v(x) every cloud's empirical moments follow
// EulerClosureStep exactly (any cloud, not only Gaussian ones), and tend to
// the ODE's solution as h -> 0.
#ifndef ADVECT_CORE_PARTICLES_GAUSSIAN_CLOSURE_H_
#define ADVECT_CORE_PARTICLES_GAUSSIAN_CLOSURE_H_

#include <cstdint>
#include <functional>

#include <Eigen/Core>

#include "absl/status/statusor.h"

namespace advect {

struct GaussianMoments {
  Eigen::VectorXd mean;  // m
  Eigen::MatrixXd cov;   // S (d x d, symmetric)
};

// (m, S) -> (b, A) of v(x) = b + A (x - m).
using AffineField =
    std::function<void(const GaussianMoments& moments, Eigen::VectorXd& b, Eigen::MatrixXd& a)>;

// The field of the quadratic potential V(x) = (x - c)^T H (x - c) / 2:
// b = -H (m - c), A = -H.
AffineField QuadraticPotentialField(Eigen::VectorXd center, Eigen::MatrixXd hessian);

// The empirical moments of a cloud (rows), with the 1/n covariance.
GaussianMoments EmpiricalMoments(const Eigen::MatrixXd& x);

// One explicit Euler step of the closure: m + h b, (I + h A) S (I + h A)^T.
GaussianMoments EulerClosureStep(const AffineField& field, const GaussianMoments& moments,
                                 double h);

// Integrates m' = b, S' = A S + S A^T + 2 noise^2 I over [0, duration] by
// `steps` classical Runge-Kutta steps. INVALID_ARGUMENT for steps < 1,
// duration < 0 or noise < 0 (naming them).
absl::StatusOr<GaussianMoments> IntegrateGaussianClosure(const AffineField& field,
                                                         GaussianMoments start, double duration,
                                                         int64_t steps, double noise = 0.0);

}  // namespace advect

#endif  // ADVECT_CORE_PARTICLES_GAUSSIAN_CLOSURE_H_
