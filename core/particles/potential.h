// External potentials V of a particle gradient flow (SCIENCE.md c1): each
// particle feels -grad V(x_i), and the energy counts the mean of V.
#ifndef ADVECT_CORE_PARTICLES_POTENTIAL_H_
#define ADVECT_CORE_PARTICLES_POTENTIAL_H_

#include <vector>

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "core/diffusion/mixture_velocity.h"
#include "core/observer.h"

namespace advect {

class Potential {
 public:
  enum class Kind { kNone, kQuadratic, kDoubleWell, kGaussianMixture, kKernelTarget };

  // V = 0.
  static Potential None(Eigen::Index d);
  // V(x) = (x - c)^T H (x - c) / 2 with H symmetric (d x d; not necessarily
  // definite: a negative direction pushes the particles away). Errors name
  // `center` and `hessian`.
  static absl::StatusOr<Potential> Quadratic(Eigen::VectorXd center, Eigen::MatrixXd hessian);
  // V(x) = (x_1^2 - 1)^2 / 4 + sum_{k >= 2} x_k^2 / 2: wells at x_1 = +-1,
  // a barrier of height 1/4 at x_1 = 0.
  static Potential DoubleWell(Eigen::Index d);
  // V(x) = -log sum_j w_j N(x; c_j, S_j), the negative log density of a
  // mixture (its gradient is minus the score; with noise 1 the flow samples
  // the mixture). Errors name gmm_covs (not positive definite).
  static absl::StatusOr<Potential> NegativeLogMixture(const GaussianMixture& mixture);

  // V(x) = -(1/m) sum_l k(x, y_l) with the Gaussian kernel
  // k(x, y) = exp(-|x - y|^2 / (2 width^2)) and target points y (m x d): with
  // the interaction W = k (Interaction::Gaussian(1, width)) the gradient flow
  // is the MMD flow toward the y (Arbel et al. 2019), whose energy is
  // MMD^2(alpha, beta) / 2 - (1 / 2m^2) sum_{l,k} k(y_l, y_k). Errors name
  // `target` and `kernel_width`.
  static absl::StatusOr<Potential> KernelTarget(Eigen::MatrixXd target, double width);

  Kind kind() const { return kind_; }
  Eigen::Index dimension() const { return d_; }

  // grad += grad V at every row of x; when `mean_value` is not null, adds the
  // mean of V over the rows to it. Returns false, grad unspecified, when the
  // observer asked to stop (polled every row for the mixture and the kernel
  // target, whose rows cost K d^2 and m d).
  bool Accumulate(const Eigen::MatrixXd& x, const Observer& observer, Eigen::MatrixXd& grad,
                  double* mean_value) const;

  // V at every row of x (e.g. a grid's points, for the JKO scheme).
  Eigen::VectorXd Values(const Eigen::MatrixXd& x) const;

 private:
  Kind kind_ = Kind::kNone;
  Eigen::Index d_ = 0;
  Eigen::VectorXd center_;
  Eigen::MatrixXd hessian_;
  // Mixture: log w_j - log det(2 pi S_j) / 2, the precisions and the means.
  Eigen::VectorXd log_normalizers_;
  std::vector<Eigen::MatrixXd> precisions_;
  Eigen::MatrixXd means_;  // K x d; the target points y (m x d) for kKernelTarget
  double width_ = 1.0;
};

}  // namespace advect

#endif  // ADVECT_CORE_PARTICLES_POTENTIAL_H_
