#include "core/diffusion/mixture_velocity.h"

#include <cmath>
#include <limits>
#include <utility>

#include <Eigen/Cholesky>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace advect {

using Eigen::ArrayXd;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

absl::StatusOr<MixtureVelocity> MixtureVelocity::Create(GaussianMixture mixture, double sigma,
                                                        ScheduleKind schedule) {
  const Index k = mixture.weights.size();
  if (k == 0) return absl::InvalidArgumentError("gmm_weights: at least one component is needed");
  if (!mixture.weights.allFinite() || (mixture.weights.array() < 0.0).any() ||
      !(mixture.weights.sum() > 0.0)) {
    return absl::InvalidArgumentError(
        "gmm_weights: weights must be finite and >= 0 with a positive sum");
  }
  if (mixture.means.rows() != k || mixture.means.cols() == 0 || !mixture.means.allFinite()) {
    return absl::InvalidArgumentError(absl::StrCat("gmm_means: expected ", k,
                                                   " finite rows (one per weight) of d >= 1 "
                                                   "values, got ",
                                                   mixture.means.rows(), " x ",
                                                   mixture.means.cols()));
  }
  const Index d = mixture.means.cols();
  if (static_cast<Index>(mixture.covs.size()) != k) {
    return absl::InvalidArgumentError(absl::StrCat("gmm_covs: expected ", k,
                                                   " covariance matrices, got ",
                                                   mixture.covs.size()));
  }
  for (Index j = 0; j < k; ++j) {
    const MatrixXd& s = mixture.covs[j];
    if (s.rows() != d || s.cols() != d || !s.allFinite()) {
      return absl::InvalidArgumentError(absl::StrCat("gmm_covs[", j, "]: expected a finite ", d,
                                                     " x ", d, " matrix"));
    }
    if ((s - s.transpose()).cwiseAbs().maxCoeff() > 1e-10 * (1.0 + s.cwiseAbs().maxCoeff())) {
      return absl::InvalidArgumentError(absl::StrCat("gmm_covs[", j, "]: not symmetric"));
    }
    if (Eigen::LLT<MatrixXd>(s).info() != Eigen::Success) {
      return absl::InvalidArgumentError(
          absl::StrCat("gmm_covs[", j, "]: not positive definite"));
    }
  }
  if (!(std::isfinite(sigma) && sigma > 0.0)) {
    return absl::InvalidArgumentError(absl::StrCat("sigma: must be finite and > 0, got ", sigma));
  }
  MixtureVelocity v;
  mixture.weights /= mixture.weights.sum();
  v.log_weights_ = mixture.weights.array().log();
  v.mixture_ = std::move(mixture);
  v.sigma_ = sigma;
  v.schedule_ = schedule;
  return v;
}

bool MixtureVelocity::Evaluate(double t, const MatrixXd& z, const Observer& observer,
                               MatrixXd& out) const {
  const ScheduleValues s = EvaluateSchedule(schedule_, t);
  const Index n = z.rows();
  const Index d = dimension();
  const double noise = s.b * s.b * sigma_ * sigma_;
  // Streaming log-sum-exp over components: for each point the running largest
  // log-responsibility `top`, the sum of exp(l - top), and the sums of the
  // conditional means weighted the same way.
  ArrayXd top = ArrayXd::Constant(n, -std::numeric_limits<double>::infinity());
  ArrayXd total = ArrayXd::Zero(n);
  MatrixXd sum_x = MatrixXd::Zero(n, d);
  MatrixXd sum_y = MatrixXd::Zero(n, d);
  for (Index j = 0; j < mixture_.weights.size(); ++j) {
    if (observer.StopRequested()) return false;
    if (mixture_.weights[j] == 0.0) continue;
    const MatrixXd& cov = mixture_.covs[j];
    MatrixXd sigma_j = (s.a * s.a) * cov;
    sigma_j.diagonal().array() += noise;
    const Eigen::LLT<MatrixXd> llt(sigma_j);
    const MatrixXd diff =
        z.rowwise() - (s.a * mixture_.means.row(j));  // n x d, z - a c_j
    const MatrixXd w = llt.solve(diff.transpose());    // d x n, Sigma_j^-1 (z - a c_j)
    const double log_det = 2.0 * llt.matrixLLT().diagonal().array().log().sum();
    const ArrayXd log_r =
        log_weights_[j] - 0.5 * (diff.transpose().array() * w.array()).colwise().sum().transpose() -
        0.5 * log_det;
    // E[X | z, j] = c_j + a S_j w and E[Y | z, j] = b sigma^2 w, row per point.
    const MatrixXd ex = (s.a * (cov * w)).transpose().rowwise() + mixture_.means.row(j);
    const MatrixXd ey = (s.b * sigma_ * sigma_) * w.transpose();
    for (Index i = 0; i < n; ++i) {
      if (log_r[i] > top[i]) {
        const double rescale = std::exp(top[i] - log_r[i]);  // 0 on the first component
        total[i] *= rescale;
        sum_x.row(i) *= rescale;
        sum_y.row(i) *= rescale;
        top[i] = log_r[i];
      }
      const double r = std::exp(log_r[i] - top[i]);
      total[i] += r;
      sum_x.row(i) += r * ex.row(i);
      sum_y.row(i) += r * ey.row(i);
    }
  }
  out = (s.da * sum_x + s.db * sum_y).array().colwise() / total;
  return true;
}

}  // namespace advect
