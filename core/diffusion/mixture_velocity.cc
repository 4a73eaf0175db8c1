#include "core/diffusion/mixture_velocity.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/diffusion/mixture_kernel.h"
#include "core/linalg/gemm.h"
#include "core/random/normal.h"
#include "core/random/splitmix64.h"
#include "core/solvers/stop_flag.h"
#include "core/solvers/vector_exp.h"

namespace advect {
namespace {

using Eigen::ArrayXd;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

// Points per block: a block's working matrices (block x d) stay in cache.
constexpr Index kBlockRows = 256;
// Training points per block of an empirical target.
constexpr Index kBlockPoints = 512;
// A running log-sum-exp keeps an old maximum until a new term exceeds it by
// this much: exp(300) ~ 1e130 leaves ample room below overflow, and most
// components then cost no rescaling exp.
constexpr double kRescaleMargin = 300.0;
// Drops zero weights: returns the kept indices.
std::vector<Index> Kept(const VectorXd& weights) {
  std::vector<Index> kept;
  for (Index j = 0; j < weights.size(); ++j) {
    if (weights[j] > 0.0) kept.push_back(j);
  }
  return kept;
}

// The streaming state of one block: the log-sum-exp shift per point, the sum
// of exp(l - top) and the weighted sum of the per-component quantity.
struct Accumulator {
  ArrayXd top;
  ArrayXd total;
  MatrixXd sum;

  Accumulator(Index rows, Index d)
      : top(ArrayXd::Constant(rows, -std::numeric_limits<double>::infinity())),
        total(ArrayXd::Zero(rows)),
        sum(MatrixXd::Zero(rows, d)) {}

  // Brings `top` to within kRescaleMargin of `candidate` (per point) where it
  // is further below, rescaling what was summed so far.
  void Shift(const ArrayXd& candidate) {
    for (Index i = 0; i < top.size(); ++i) {
      if (candidate[i] > top[i] + kRescaleMargin) {
        const double scale = std::exp(top[i] - candidate[i]);  // 0 the first time
        total[i] *= scale;
        sum.row(i) *= scale;
        top[i] = candidate[i];
      }
    }
  }
};

}  // namespace

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
  if (!(std::isfinite(sigma) && sigma > 0.0)) {
    return absl::InvalidArgumentError(absl::StrCat("sigma: must be finite and > 0, got ", sigma));
  }
  MixtureVelocity v;
  const std::vector<Index> kept = Kept(mixture.weights);
  const Index kk = static_cast<Index>(kept.size());
  v.means_.resize(kk, d);
  v.weights_.resize(kk);
  v.eigenvalues_.resize(kk, d);
  v.rotated_means_.resize(kk, d);
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
  for (Index jj = 0; jj < kk; ++jj) {
    const Index j = kept[jj];
    const Eigen::SelfAdjointEigenSolver<MatrixXd> eig(mixture.covs[j]);
    if (eig.info() != Eigen::Success || !(eig.eigenvalues().minCoeff() > 0.0)) {
      return absl::InvalidArgumentError(
          absl::StrCat("gmm_covs[", j, "]: not positive definite (eigenvalues)"));
    }
    v.means_.row(jj) = mixture.means.row(j);
    v.weights_[jj] = mixture.weights[j];
    v.eigenvalues_.row(jj) = eig.eigenvalues().transpose();
    v.bases_.push_back(eig.eigenvectors());
    v.rotated_means_.row(jj) = mixture.means.row(j) * eig.eigenvectors();
  }
  v.weights_ /= v.weights_.sum();
  v.log_weights_ = v.weights_.array().log();
  v.sigma_ = sigma;
  v.schedule_ = schedule;
  return v;
}

absl::StatusOr<MixtureVelocity> MixtureVelocity::CreateEmpirical(Eigen::MatrixXd points,
                                                                 Eigen::VectorXd weights,
                                                                 double sigma,
                                                                 ScheduleKind schedule) {
  if (points.rows() == 0 || points.cols() == 0 || !points.allFinite()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "target: expected at least one finite point of dimension >= 1, got ", points.rows(),
        " x ", points.cols()));
  }
  if (weights.size() == 0) weights = VectorXd::Ones(points.rows());
  if (weights.size() != points.rows()) {
    return absl::InvalidArgumentError(absl::StrCat("target_weights: expected ", points.rows(),
                                                   " values (one per target point), got ",
                                                   weights.size()));
  }
  if (!weights.allFinite() || (weights.array() < 0.0).any() || !(weights.sum() > 0.0)) {
    return absl::InvalidArgumentError(
        "target_weights: weights must be finite and >= 0 with a positive sum");
  }
  if (!(std::isfinite(sigma) && sigma > 0.0)) {
    return absl::InvalidArgumentError(absl::StrCat("sigma: must be finite and > 0, got ", sigma));
  }
  MixtureVelocity v;
  v.empirical_ = true;
  const std::vector<Index> kept = Kept(weights);
  v.means_.resize(static_cast<Index>(kept.size()), points.cols());
  v.weights_.resize(static_cast<Index>(kept.size()));
  for (Index jj = 0; jj < static_cast<Index>(kept.size()); ++jj) {
    v.means_.row(jj) = points.row(kept[jj]);
    v.weights_[jj] = weights[kept[jj]];
  }
  v.weights_ /= v.weights_.sum();
  v.log_weights_ = v.weights_.array().log();
  v.squared_norms_ = v.means_.rowwise().squaredNorm();
  v.sigma_ = sigma;
  v.schedule_ = schedule;
  return v;
}

MatrixXd MixtureVelocity::Draw(Index count, uint64_t seed) const {
  SplitMix64 uniform(seed);
  NormalStream normal(seed + 1);
  VectorXd cumulative(weights_.size());
  double running = 0.0;
  for (Index j = 0; j < weights_.size(); ++j) cumulative[j] = running += weights_[j];
  MatrixXd out(count, dimension());
  VectorXd xi(dimension());
  for (Index i = 0; i < count; ++i) {
    const double u = uniform.NextUniform() * running;
    const Index j = std::min<Index>(
        std::upper_bound(cumulative.data(), cumulative.data() + cumulative.size(), u) -
            cumulative.data(),
        weights_.size() - 1);
    out.row(i) = means_.row(j);
    if (empirical_) continue;
    for (Index c = 0; c < xi.size(); ++c) xi[c] = normal.Next();
    out.row(i) += (bases_[j] * (eigenvalues_.row(j).transpose().cwiseSqrt().cwiseProduct(xi)))
                      .transpose();
  }
  return out;
}

bool MixtureVelocity::Evaluate(double t, const MatrixXd& z, const Observer& observer,
                               MatrixXd& out) const {
  const ScheduleValues s = EvaluateSchedule(schedule_, t);
  return Posterior(t, {s.da, s.da * s.a, s.db * s.b * sigma_ * sigma_}, z, observer, out);
}

bool MixtureVelocity::Denoise(double t, const MatrixXd& z, const Observer& observer,
                              MatrixXd& out) const {
  const ScheduleValues s = EvaluateSchedule(schedule_, t);
  return Posterior(t, {1.0, s.a, 0.0}, z, observer, out);
}

bool MixtureVelocity::Score(double t, const MatrixXd& z, const Observer& observer,
                            MatrixXd& out) const {
  return Posterior(t, {0.0, 0.0, -1.0}, z, observer, out);
}

bool MixtureVelocity::Posterior(double t, const Combination& c, const MatrixXd& z,
                                const Observer& observer, MatrixXd& out) const {
  const Index n = z.rows();
  const Index d = dimension();
  out.resize(n, d);
  // Small d: the fused kernel on P_j = Sigma_j^-1 and G_j, built once here.
  const bool kernel = !empirical_ && d <= mixture_kernel::kMaxKernelDimension;
  std::vector<double> precision, gain, offset;
  mixture_kernel::Mixture mixture;
  if (kernel) {
    const ScheduleValues s = EvaluateSchedule(schedule_, t);
    const double noise = s.b * s.b * sigma_ * sigma_;
    const Index k = means_.rows();
    precision.resize(static_cast<size_t>(k * d * d));
    gain.resize(static_cast<size_t>(k * d * d));
    offset.resize(static_cast<size_t>(k));
    for (Index j = 0; j < k; ++j) {
      const ArrayXd var = (s.a * s.a) * eigenvalues_.row(j).transpose().array() + noise;
      const ArrayXd g = (c.p * eigenvalues_.row(j).transpose().array() + c.q) / var;
      Eigen::Map<MatrixXd>(precision.data() + j * d * d, d, d) =
          bases_[j] * var.inverse().matrix().asDiagonal() * bases_[j].transpose();
      Eigen::Map<MatrixXd>(gain.data() + j * d * d, d, d) =
          bases_[j] * g.matrix().asDiagonal() * bases_[j].transpose();
      offset[static_cast<size_t>(j)] = log_weights_[j] - 0.5 * var.log().sum();
    }
    mixture = {d, k, precision.data(), gain.data(), means_.data(), offset.data(), s.a, c.alpha};
  }
  // The kernel reads c_j as rows of d values: means_ is column-major, so copy.
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> means_rows =
      kernel ? Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>(means_)
             : Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>();
  mixture.means = means_rows.data();
  const Index half = (n / 2 + kBlockRows - 1) / kBlockRows * kBlockRows;
  const bool ok = RunTwoParts(
      num_threads_ > 1 && n > kBlockRows, observer, [&](int part, const Observer& o) {
        const Index first = part == 0 ? 0 : std::min(half, n);
        const Index last = part == 0 ? std::min(half, n) : n;
        std::vector<double> scratch(kernel ? static_cast<size_t>((d + 3) * kBlockRows) : 0);
        for (Index b = first; b < last; b += kBlockRows) {
          if (o.StopRequested()) return false;
          const Index e = std::min(b + kBlockRows, last);
          bool done = false;
          if (kernel) {
            done = mixture_kernel::Accumulate(mixture, z.data() + b, n, e - b, out.data() + b, n,
                                              scratch.data(), o);
          } else {
            done = empirical_ ? EmpiricalBlock(t, z, b, e, o, out)
                              : MixtureBlock(t, c, z, b, e, o, out);
          }
          if (!done) return false;
        }
        return true;
      });
  if (!ok || !empirical_) return ok;
  // out holds the denoiser D; every quantity is alpha D + (q / D_t)(z - a D)
  // with D_t = b^2 sigma^2 (S_j = 0).
  const ScheduleValues s = EvaluateSchedule(schedule_, t);
  const double noise = s.b * s.b * sigma_ * sigma_;
  if (c.q == 0.0 || noise == 0.0) {
    out *= c.alpha;
  } else {
    out = c.alpha * out + (c.q / noise) * (z - s.a * out);
  }
  return true;
}

bool MixtureVelocity::MixtureBlock(double t, const Combination& c, const MatrixXd& z, Index begin,
                                   Index end, const Observer& observer, MatrixXd& out) const {
  const ScheduleValues s = EvaluateSchedule(schedule_, t);
  const double noise = s.b * s.b * sigma_ * sigma_;
  const Index rows = end - begin;
  const Index d = dimension();
  const Index k = means_.rows();
  // Per component, in its eigenbasis: 1 / D_jk, the gain (p lambda + q) / D_jk
  // and log w_j - log det(Sigma_j) / 2.
  const Eigen::ArrayXXd var = (s.a * s.a) * eigenvalues_.array() + noise;
  const Eigen::ArrayXXd inv_var = var.inverse();
  const Eigen::ArrayXXd gain = (c.p * eigenvalues_.array() + c.q) * inv_var;
  const ArrayXd offset = log_weights_.array() - 0.5 * var.log().rowwise().sum();
  const auto zb = z.middleRows(begin, rows);
  Accumulator acc(rows, d);
  MatrixXd y(rows, d);
  ArrayXd log_r(rows);
  ArrayXd r(rows);
  for (Index j = 0; j < k; ++j) {
    if ((j & 15) == 15 && observer.StopRequested()) return false;
    // y = (z - a c_j) U_j, one row per point.
    Gemm(zb, false, bases_[j], false, 1.0, 0.0, y);
    y.rowwise() -= s.a * rotated_means_.row(j);
    log_r = offset[j] -
            0.5 * (y.array().square().rowwise() * inv_var.row(j)).rowwise().sum();
    if (j == 0 || (log_r - acc.top).maxCoeff() > kRescaleMargin) acc.Shift(log_r);
    r = log_r - acc.top;
    vector_exp::ExpOrZero(r.data(), r.data(), rows, -708.0);
    acc.total += r;
    // sum += r (alpha c_j + (y .* gain) U_j^T).
    y.array().rowwise() *= gain.row(j);
    y.array().colwise() *= r;
    Gemm(y, false, bases_[j], true, 1.0, 1.0, acc.sum);
    if (c.alpha != 0.0) acc.sum.noalias() += r.matrix() * (c.alpha * means_.row(j));
  }
  out.middleRows(begin, rows) = acc.sum.array().colwise() / acc.total;
  return true;
}

bool MixtureVelocity::EmpiricalBlock(double t, const MatrixXd& z, Index begin, Index end,
                                     const Observer& observer, MatrixXd& out) const {
  const ScheduleValues s = EvaluateSchedule(schedule_, t);
  const double noise = s.b * s.b * sigma_ * sigma_;
  const Index rows = end - begin;
  const Index m = means_.rows();
  const auto zb = z.middleRows(begin, rows);
  Accumulator acc(rows, dimension());
  std::vector<Index> nearest(static_cast<size_t>(rows), 0);
  MatrixXd l(rows, std::min(kBlockPoints, m));
  for (Index p = 0; p < m; p += kBlockPoints) {
    if (observer.StopRequested()) return false;
    const Index q = std::min(kBlockPoints, m - p);
    const auto points = means_.middleRows(p, q);
    l.resize(rows, q);
    // -|z - a c|^2 / 2 up to the per-point |z|^2 term, which the softmax drops.
    l.noalias() = s.a * (zb * points.transpose());
    l.rowwise() -= (0.5 * s.a * s.a) * squared_norms_.segment(p, q).transpose();
    if (noise == 0.0) {
      // t = 0: the limit is the nearest point (ties to the lowest index).
      for (Index i = 0; i < rows; ++i) {
        Index at = 0;
        const double best = l.row(i).maxCoeff(&at);
        if (best > acc.top[i]) {
          acc.top[i] = best;
          nearest[static_cast<size_t>(i)] = p + at;
        }
      }
      continue;
    }
    l /= noise;
    l.rowwise() += log_weights_.segment(p, q).transpose();
    const ArrayXd block_max = l.rowwise().maxCoeff().array();
    acc.Shift(block_max);
    l.array().colwise() -= acc.top;
    vector_exp::ExpOrZero(l.data(), l.data(), l.size(), -708.0);
    acc.total += l.rowwise().sum().array();
    acc.sum.noalias() += l * points;
  }
  if (noise == 0.0) {
    for (Index i = 0; i < rows; ++i) {
      out.row(begin + i) = means_.row(nearest[static_cast<size_t>(i)]);
    }
    return true;
  }
  out.middleRows(begin, rows) = acc.sum.array().colwise() / acc.total;
  return true;
}

}  // namespace advect
