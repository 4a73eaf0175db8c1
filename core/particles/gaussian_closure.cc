#include "core/particles/gaussian_closure.h"

#include <cmath>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace advect {

using Eigen::MatrixXd;
using Eigen::VectorXd;

AffineField QuadraticPotentialField(VectorXd center, MatrixXd hessian) {
  return [center = std::move(center), hessian = std::move(hessian)](const GaussianMoments& moments,
                                                                    VectorXd& b, MatrixXd& a) {
    b = -hessian * (moments.mean - center);
    a = -hessian;
  };
}

GaussianMoments EmpiricalMoments(const MatrixXd& x) {
  GaussianMoments m;
  const double n = static_cast<double>(x.rows());
  m.mean = x.colwise().sum().transpose() / n;
  const MatrixXd centered = x.rowwise() - m.mean.transpose();
  m.cov = centered.transpose() * centered / n;
  return m;
}

GaussianMoments EulerClosureStep(const AffineField& field, const GaussianMoments& moments,
                                 double h) {
  VectorXd b;
  MatrixXd a;
  field(moments, b, a);
  const MatrixXd step = MatrixXd::Identity(a.rows(), a.cols()) + h * a;
  return {moments.mean + h * b, step * moments.cov * step.transpose()};
}

namespace {

// The closure's right-hand side at (m, S).
GaussianMoments Derivative(const AffineField& field, const GaussianMoments& at, double diffusion) {
  VectorXd b;
  MatrixXd a;
  field(at, b, a);
  MatrixXd ds = a * at.cov + at.cov * a.transpose();
  ds.diagonal().array() += diffusion;
  return {std::move(b), std::move(ds)};
}

GaussianMoments Advance(const GaussianMoments& from, const GaussianMoments& slope, double h) {
  return {from.mean + h * slope.mean, from.cov + h * slope.cov};
}

}  // namespace

absl::StatusOr<GaussianMoments> IntegrateGaussianClosure(const AffineField& field,
                                                         GaussianMoments start, double duration,
                                                         int64_t steps, double noise) {
  if (steps < 1)
    return absl::InvalidArgumentError(absl::StrCat("steps: must be >= 1, got ", steps));
  if (!(std::isfinite(duration) && duration >= 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("duration: must be finite and >= 0, got ", duration));
  }
  if (!(std::isfinite(noise) && noise >= 0.0)) {
    return absl::InvalidArgumentError(absl::StrCat("noise: must be finite and >= 0, got ", noise));
  }
  const double h = duration / static_cast<double>(steps);
  const double diffusion = 2.0 * noise * noise;
  GaussianMoments m = std::move(start);
  for (int64_t k = 0; k < steps; ++k) {
    const GaussianMoments k1 = Derivative(field, m, diffusion);
    const GaussianMoments k2 = Derivative(field, Advance(m, k1, h / 2), diffusion);
    const GaussianMoments k3 = Derivative(field, Advance(m, k2, h / 2), diffusion);
    const GaussianMoments k4 = Derivative(field, Advance(m, k3, h), diffusion);
    m.mean += h / 6 * (k1.mean + 2 * k2.mean + 2 * k3.mean + k4.mean);
    m.cov += h / 6 * (k1.cov + 2 * k2.cov + 2 * k3.cov + k4.cov);
    m.cov = 0.5 * (m.cov + m.cov.transpose());
  }
  return m;
}

}  // namespace advect
