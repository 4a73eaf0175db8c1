#include "core/diffusion/gaussian_flow_map.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <utility>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace advect {
namespace {

using Eigen::MatrixXd;

// S^p for a symmetric positive definite S.
MatrixXd SymmetricPower(const MatrixXd& s, double p) {
  const Eigen::SelfAdjointEigenSolver<MatrixXd> eig(s);
  return eig.eigenvectors() * eig.eigenvalues().array().pow(p).matrix().asDiagonal() *
         eig.eigenvectors().transpose();
}

// Positive definite, numerically: the smallest eigenvalue above d 2^-52 times
// the largest.
bool PositiveDefinite(const MatrixXd& s) {
  const Eigen::VectorXd ev = Eigen::SelfAdjointEigenSolver<MatrixXd>(s).eigenvalues();
  return ev.minCoeff() > static_cast<double>(s.rows()) * 0x1.0p-52 * ev.maxCoeff();
}

}  // namespace

absl::StatusOr<GaussianFlowMapOutput> CompareFlowAndBrenierMaps(const Gaussian& source,
                                                                 const Gaussian& target,
                                                                 int64_t steps,
                                                                 Observer& observer) {
  if (absl::Status s = ValidateGaussian(source, "1"); !s.ok()) return s;
  if (absl::Status s = ValidateGaussian(target, "2"); !s.ok()) return s;
  if (source.mean.size() != target.mean.size()) {
    return absl::InvalidArgumentError(absl::StrCat("mean2: has ", target.mean.size(),
                                                   " values but mean1 has ",
                                                   source.mean.size()));
  }
  if (!PositiveDefinite(source.cov)) {
    return absl::InvalidArgumentError("cov1: must be positive definite for the maps");
  }
  if (!PositiveDefinite(target.cov)) {
    return absl::InvalidArgumentError("cov2: must be positive definite for the maps");
  }
  if (steps < 1 || steps > kMaxFlowMapSteps) {
    return absl::InvalidArgumentError(
        absl::StrCat("steps: must be in [1, ", kMaxFlowMapSteps, "], got ", steps));
  }
  const MatrixXd& s0 = source.cov;
  const MatrixXd& s1 = target.cov;
  const Eigen::Index d = s0.rows();
  // B_t = C_t^-1 K_t transposed, K_t = t S1 - (1 - t) S0 (both symmetric).
  auto velocity = [&](double t, const MatrixXd& m) -> MatrixXd {
    const MatrixXd c = (1.0 - t) * (1.0 - t) * s0 + t * t * s1;
    const MatrixXd k = t * s1 - (1.0 - t) * s0;
    const MatrixXd b = Eigen::LLT<MatrixXd>(c).solve(k).transpose();
    return b * m;
  };
  MatrixXd m = MatrixXd::Identity(d, d);
  const double h = 1.0 / static_cast<double>(steps);
  for (int64_t k = 0; k < steps; ++k) {
    if (observer.StopRequested()) return absl::CancelledError("the job was asked to stop");
    const double t = static_cast<double>(k) * h;
    const MatrixXd k1 = velocity(t, m);
    const MatrixXd k2 = velocity(t + 0.5 * h, m + (0.5 * h) * k1);
    const MatrixXd k3 = velocity(t + 0.5 * h, m + (0.5 * h) * k2);
    const MatrixXd k4 = velocity(t + h, m + h * k3);
    m += (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
    observer.OnProgress({k + 1, 0.0, static_cast<double>(k + 1) * h});
  }
  absl::StatusOr<GaussianOtOutput> brenier = SolveGaussianOt(source, target);
  if (!brenier.ok()) return brenier.status();

  GaussianFlowMapOutput out;
  out.flow_matrix = m;
  out.flow_offset = target.mean - m * source.mean;
  out.brenier_matrix = brenier->map_matrix;
  out.brenier_offset = brenier->map_offset;
  const MatrixXd diff = m - brenier->map_matrix;
  out.map_distance = (diff * s0 * diff.transpose()).trace();
  const MatrixXd id = MatrixXd::Identity(d, d);
  const Eigen::VectorXd shift = target.mean - source.mean;
  out.flow_cost = shift.squaredNorm() + ((m - id) * s0 * (m - id).transpose()).trace();
  out.w2_squared = brenier->transport_cost;
  const MatrixXd s0_half = SymmetricPower(s0, 0.5);
  const MatrixXd s1_inv_half = SymmetricPower(s1, -0.5);
  const MatrixXd r_flow = s1_inv_half * m * s0_half;
  const MatrixXd r_brenier = s1_inv_half * brenier->map_matrix * s0_half;
  out.hidden_rotation = r_brenier.transpose() * r_flow;
  const Eigen::EigenSolver<MatrixXd> rotation(out.hidden_rotation, false);
  for (const std::complex<double>& lambda : rotation.eigenvalues()) {
    out.rotation_angle = std::max(out.rotation_angle, std::abs(std::arg(lambda)));
  }
  out.pushforward_error = (m * s0 * m.transpose() - s1).norm() / s1.norm();
  return out;
}

}  // namespace advect
