#include "core/particles/potential.h"

#include <cmath>
#include <numbers>
#include <utility>

#include <Eigen/Cholesky>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace advect {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

Potential Potential::None(Index d) {
  Potential p;
  p.d_ = d;
  return p;
}

absl::StatusOr<Potential> Potential::Quadratic(VectorXd center, MatrixXd hessian) {
  const Index d = center.size();
  if (!center.allFinite()) return absl::InvalidArgumentError("center: must be finite");
  if (hessian.rows() != d || hessian.cols() != d) {
    return absl::InvalidArgumentError(absl::StrCat("hessian: must be ", d, " x ", d, ", got ",
                                                   hessian.rows(), " x ", hessian.cols()));
  }
  if (!hessian.allFinite()) return absl::InvalidArgumentError("hessian: must be finite");
  const double asymmetry = (hessian - hessian.transpose()).cwiseAbs().maxCoeff();
  if (asymmetry > 1e-12 * std::max(1.0, hessian.cwiseAbs().maxCoeff())) {
    return absl::InvalidArgumentError(
        absl::StrCat("hessian: must be symmetric, |H - H^T|_max = ", asymmetry));
  }
  Potential p;
  p.kind_ = Kind::kQuadratic;
  p.d_ = d;
  p.center_ = std::move(center);
  p.hessian_ = 0.5 * (hessian + hessian.transpose());
  return p;
}

Potential Potential::DoubleWell(Index d) {
  Potential p;
  p.kind_ = Kind::kDoubleWell;
  p.d_ = d;
  return p;
}

absl::StatusOr<Potential> Potential::NegativeLogMixture(const GaussianMixture& mixture) {
  const Index k = mixture.means.rows();
  const Index d = mixture.means.cols();
  Potential p;
  p.kind_ = Kind::kGaussianMixture;
  p.d_ = d;
  p.means_ = mixture.means;
  p.log_normalizers_.resize(k);
  const double total = mixture.weights.sum();
  for (Index j = 0; j < k; ++j) {
    Eigen::LLT<MatrixXd> llt(mixture.covs[static_cast<size_t>(j)]);
    if (llt.info() != Eigen::Success) {
      return absl::InvalidArgumentError(
          absl::StrCat("gmm_covs[", j, "]: must be symmetric positive definite"));
    }
    const double log_det = 2.0 * llt.matrixLLT().diagonal().array().log().sum();
    p.log_normalizers_[j] =
        std::log(mixture.weights[j] / total) -
        0.5 * (log_det + static_cast<double>(d) * std::log(2.0 * std::numbers::pi));
    p.precisions_.push_back(llt.solve(MatrixXd::Identity(d, d)));
  }
  return p;
}

absl::StatusOr<Potential> Potential::KernelTarget(MatrixXd target, double width) {
  if (target.rows() < 1 || target.cols() < 1 || !target.allFinite()) {
    return absl::InvalidArgumentError("target: needs at least 1 finite point");
  }
  if (!(std::isfinite(width) && width > 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("kernel_width: must be finite and > 0, got ", width));
  }
  Potential p;
  p.kind_ = Kind::kKernelTarget;
  p.d_ = target.cols();
  p.means_ = std::move(target);
  p.width_ = width;
  return p;
}

VectorXd Potential::Values(const MatrixXd& x) const {
  VectorXd values(x.rows());
  MatrixXd grad = MatrixXd::Zero(1, x.cols());
  for (Index i = 0; i < x.rows(); ++i) {
    double value = 0.0;
    Accumulate(x.row(i), NullObserver(), grad, &value);
    values[i] = value;
  }
  return values;
}

bool Potential::Accumulate(const MatrixXd& x, const Observer& observer, MatrixXd& grad,
                           double* mean_value) const {
  const Index n = x.rows();
  double sum = 0.0;
  switch (kind_) {
    case Kind::kNone:
      return true;
    case Kind::kQuadratic: {
      const MatrixXd diff = x.rowwise() - center_.transpose();
      const MatrixXd pulled = diff * hessian_;  // H symmetric
      grad += pulled;
      if (mean_value != nullptr) sum = 0.5 * (diff.array() * pulled.array()).sum();
      break;
    }
    case Kind::kDoubleWell:
      for (Index i = 0; i < n; ++i) {
        const double x1 = x(i, 0);
        grad(i, 0) += x1 * (x1 * x1 - 1.0);
        double v = 0.25 * (x1 * x1 - 1.0) * (x1 * x1 - 1.0);
        for (Index c = 1; c < d_; ++c) {
          grad(i, c) += x(i, c);
          v += 0.5 * x(i, c) * x(i, c);
        }
        sum += v;
      }
      break;
    case Kind::kGaussianMixture: {
      const Index k = means_.rows();
      VectorXd log_terms(k);
      MatrixXd pulled(d_, k);  // column j = P_j (x - c_j)
      for (Index i = 0; i < n; ++i) {
        if (observer.StopRequested()) return false;
        for (Index j = 0; j < k; ++j) {
          const VectorXd diff = x.row(i).transpose() - means_.row(j).transpose();
          pulled.col(j) = precisions_[static_cast<size_t>(j)] * diff;
          log_terms[j] = log_normalizers_[j] - 0.5 * diff.dot(pulled.col(j));
        }
        const double top = log_terms.maxCoeff();
        const VectorXd r = (log_terms.array() - top).exp().matrix();
        const double total = r.sum();
        grad.row(i) += (pulled * r).transpose() / total;  // sum_j r_j P_j (x - c_j)
        sum -= top + std::log(total);
      }
      break;
    }
    case Kind::kKernelTarget: {
      // grad V = (1/m) sum_l k(x, y_l) (x - y_l) / w^2.
      const Index m = means_.rows();
      const double inv_w2 = 1.0 / (width_ * width_);
      for (Index i = 0; i < n; ++i) {
        if (observer.StopRequested()) return false;
        Eigen::RowVectorXd g = Eigen::RowVectorXd::Zero(d_);
        double total = 0.0;
        for (Index l = 0; l < m; ++l) {
          const Eigen::RowVectorXd diff = x.row(i) - means_.row(l);
          const double k = std::exp(-0.5 * diff.squaredNorm() * inv_w2);
          total += k;
          g += k * diff;
        }
        grad.row(i) += g * (inv_w2 / static_cast<double>(m));
        sum -= total / static_cast<double>(m);
      }
      break;
    }
  }
  if (mean_value != nullptr && n > 0) *mean_value += sum / static_cast<double>(n);
  return true;
}

}  // namespace advect
