// The closed-form fields of diffusion sampling when the data law is a Gaussian
// mixture sum_j w_j N(c_j, S_j) or an empirical measure (S_j = 0)
// (SCIENCE.md b2). With X the data and Y ~ N(0, sigma^2 I) independent,
// Z_t = a_t X + b_t Y has the law sum_j w_j N(a_t c_j, Sigma_j(t)) with
// Sigma_j(t) = a_t^2 S_j + b_t^2 sigma^2 I. Given component j,
//   E[X | z, j] = c_j + a_t S_j Sigma_j^-1 (z - a_t c_j),
//   E[Y | z, j] = b_t sigma^2 Sigma_j^-1 (z - a_t c_j),
// weighted by the responsibilities r_j(z) proportional to
// w_j N(z; a_t c_j, Sigma_j(t)) (a log-sum-exp over components). From them:
//  * the probability-flow velocity v_t(z) = a'_t E[X | z] + b'_t E[Y | z],
//    equal to (a'/a) z + (a' b^2 / a - b' b) sigma^2 grad log p_t(z) but finite
//    at a_t = 0 where the score form divides by 0;
//  * the denoiser D_t(z) = E[X | Z_t = z];
//  * the score grad log p_t(z) = -sum_j r_j Sigma_j^-1 (z - a_t c_j).
//
// Every one is sum_j r_j (alpha c_j + S_j-shaped correction), evaluated in the
// eigenbasis S_j = U_j diag(lambda_j) U_j^T computed once: Sigma_j(t) is then
// diagonal there, so no factorisation happens per time. Points are processed
// in blocks, components streamed with a running log-sum-exp; two threads take
// fixed halves of the points (results do not depend on the thread count).
//
// An empirical target (points c_j, S_j = 0) has Sigma_j = b_t^2 sigma^2 I:
// the responsibilities are a softmax of -|z - a_t c_j|^2 / (2 b_t^2 sigma^2),
// computed with dense products by blocks of training points. Its fields are
// singular at t = 0 (b_t = 0), where the denoiser becomes the nearest training
// point; samplers take their last step with the denoiser (ode_sampler.h).
#ifndef ADVECT_CORE_DIFFUSION_MIXTURE_VELOCITY_H_
#define ADVECT_CORE_DIFFUSION_MIXTURE_VELOCITY_H_

#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "core/diffusion/schedule.h"
#include "core/observer.h"

namespace advect {

struct GaussianMixture {
  Eigen::VectorXd weights;            // K values, >= 0, positive sum (normalised)
  Eigen::MatrixXd means;              // K x d, row j = c_j
  std::vector<Eigen::MatrixXd> covs;  // K matrices d x d, symmetric positive definite
};

class MixtureVelocity {
 public:
  // Checks the mixture (errors name gmm_weights, gmm_means, gmm_covs[j]) and
  // sigma. Components of weight 0 are dropped.
  static absl::StatusOr<MixtureVelocity> Create(GaussianMixture mixture, double sigma,
                                                ScheduleKind schedule);

  // An empirical target: the rows of `points` (m x d, finite) with `weights`
  // (empty = uniform; else m values >= 0 with a positive sum). Errors name
  // target and target_weights. Points of weight 0 are dropped.
  static absl::StatusOr<MixtureVelocity> CreateEmpirical(Eigen::MatrixXd points,
                                                         Eigen::VectorXd weights, double sigma,
                                                         ScheduleKind schedule);

  // out.row(i) = v_t(z.row(i)) for t in [0, 1] (t > 0 for an empirical
  // target). Polls the observer between blocks; returns false (out
  // unspecified) if it asked to stop.
  bool Evaluate(double t, const Eigen::MatrixXd& z, const Observer& observer,
                Eigen::MatrixXd& out) const;

  // out.row(i) = E[X | Z_t = z.row(i)]. For an empirical target at t = 0 this
  // is the nearest training point (the limit b_t -> 0).
  bool Denoise(double t, const Eigen::MatrixXd& z, const Observer& observer,
               Eigen::MatrixXd& out) const;

  // out.row(i) = grad log p_t(z.row(i)) (t > 0 for an empirical target).
  bool Score(double t, const Eigen::MatrixXd& z, const Observer& observer,
             Eigen::MatrixXd& out) const;

  // `count` independent draws from the data law (rows): component j with
  // probability w_j (uniforms of SplitMix64(seed)), then c_j + U_j
  // diag(sqrt(lambda_j)) xi with xi from NormalStream(seed + 1); for an
  // empirical target the chosen training point itself.
  Eigen::MatrixXd Draw(Eigen::Index count, uint64_t seed) const;

  // 1 (the default) or 2: threads over fixed halves of the points.
  void set_num_threads(int num_threads) { num_threads_ = num_threads; }

  Eigen::Index dimension() const { return means_.cols(); }
  Eigen::Index num_components() const { return means_.rows(); }
  bool empirical() const { return empirical_; }
  double sigma() const { return sigma_; }
  ScheduleKind schedule() const { return schedule_; }
  // The component means (the training points of an empirical target) and
  // their normalised weights, zero weights dropped.
  const Eigen::MatrixXd& means() const { return means_; }
  const Eigen::VectorXd& weights() const { return weights_; }

 private:
  // The quantity sum_j r_j (alpha c_j + U_j diag((p lambda + q) / D) y_j),
  // y_j = U_j^T (z - a c_j), D = a^2 lambda + b^2 sigma^2.
  struct Combination {
    double alpha = 0.0;
    double p = 0.0;
    double q = 0.0;
  };

  MixtureVelocity() = default;
  bool Posterior(double t, const Combination& c, const Eigen::MatrixXd& z,
                 const Observer& observer, Eigen::MatrixXd& out) const;
  bool MixtureBlock(double t, const Combination& c, const Eigen::MatrixXd& z, Eigen::Index begin,
                    Eigen::Index end, const Observer& observer, Eigen::MatrixXd& out) const;
  bool EmpiricalBlock(double t, const Eigen::MatrixXd& z, Eigen::Index begin, Eigen::Index end,
                      const Observer& observer, Eigen::MatrixXd& out) const;

  bool empirical_ = false;
  Eigen::MatrixXd means_;                 // K x d
  Eigen::VectorXd weights_;               // K, normalised
  Eigen::VectorXd log_weights_;           // K
  std::vector<Eigen::MatrixXd> bases_;    // U_j (mixture only)
  Eigen::MatrixXd eigenvalues_;           // K x d, row j = lambda_j (mixture only)
  Eigen::MatrixXd rotated_means_;         // K x d, row j = c_j^T U_j (mixture only)
  Eigen::VectorXd squared_norms_;         // |c_j|^2 (empirical only)
  double sigma_ = 1.0;
  ScheduleKind schedule_ = ScheduleKind::kLinear;
  int num_threads_ = 1;
};

}  // namespace advect

#endif  // ADVECT_CORE_DIFFUSION_MIXTURE_VELOCITY_H_
