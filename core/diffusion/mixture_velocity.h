// The closed-form probability-flow velocity of a Gaussian-mixture data law
// (SCIENCE.md b2). With X ~ sum_j w_j N(c_j, S_j) and Y ~ N(0, sigma^2 I)
// independent, Z_t = a_t X + b_t Y has the law sum_j w_j N(a_t c_j, Sigma_j(t))
// with Sigma_j(t) = a_t^2 S_j + b_t^2 sigma^2 I, and the velocity of the
// probability flow is the conditional mean of dZ_t/dt:
//   v_t(z) = a'_t E[X | Z_t = z] + b'_t E[Y | Z_t = z],
// where, given component j, E[X | z, j] = c_j + a_t S_j Sigma_j^-1 (z - a_t c_j)
// and E[Y | z, j] = b_t sigma^2 Sigma_j^-1 (z - a_t c_j), weighted by the
// responsibilities r_j(z) proportional to w_j N(z; a_t c_j, Sigma_j(t)) (a
// log-sum-exp over components). This equals the score form
// (a'/a) z + (a' b^2 / a - b' b) sigma^2 grad log p_t(z), and stays finite at
// a_t = 0 (t = 1 of the linear schedule) where the score form divides by 0.
#ifndef ADVECT_CORE_DIFFUSION_MIXTURE_VELOCITY_H_
#define ADVECT_CORE_DIFFUSION_MIXTURE_VELOCITY_H_

#include <vector>

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "core/diffusion/schedule.h"
#include "core/observer.h"

namespace advect {

struct GaussianMixture {
  Eigen::VectorXd weights;           // K values, >= 0, positive sum (normalised)
  Eigen::MatrixXd means;             // K x d, row j = c_j
  std::vector<Eigen::MatrixXd> covs;  // K matrices d x d, symmetric positive definite
};

class MixtureVelocity {
 public:
  // Checks the mixture (errors name gmm_weights, gmm_means, gmm_covs) and sigma.
  static absl::StatusOr<MixtureVelocity> Create(GaussianMixture mixture, double sigma,
                                                ScheduleKind schedule);

  // out.row(i) = v_t(z.row(i)) for t in [0, 1]. Polls the observer once per
  // component; returns false (out unspecified) if it asked to stop.
  bool Evaluate(double t, const Eigen::MatrixXd& z, const Observer& observer,
                Eigen::MatrixXd& out) const;

  Eigen::Index dimension() const { return mixture_.means.cols(); }

 private:
  MixtureVelocity() = default;

  GaussianMixture mixture_;
  Eigen::VectorXd log_weights_;
  double sigma_ = 1.0;
  ScheduleKind schedule_ = ScheduleKind::kLinear;
};

}  // namespace advect

#endif  // ADVECT_CORE_DIFFUSION_MIXTURE_VELOCITY_H_
