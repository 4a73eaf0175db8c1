#include "core/solvers/gaussian.h"

#include <Eigen/Eigenvalues>
#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "core/geometry/weights.h"

namespace advect {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr double kSymmetryTolerance = 1e-10;  // relative to max |C_ij|
constexpr double kPsdTolerance = 1e-10;       // relative to max |C_ij|

// The spectrum of a symmetric matrix with round-off negatives clamped to 0.
struct Spectrum {
  MatrixXd vectors;
  VectorXd values;  // increasing, >= 0
};

Spectrum SymmetricSpectrum(const MatrixXd& symmetric) {
  const Eigen::SelfAdjointEigenSolver<MatrixXd> solver(symmetric);
  return {solver.eigenvectors(), solver.eigenvalues().cwiseMax(0.0)};
}

// V f(L) V^T, exactly symmetric.
MatrixXd Reconstruct(const Spectrum& s, const VectorXd& f) {
  MatrixXd r = s.vectors * f.asDiagonal() * s.vectors.transpose();
  return (0.5 * (r + r.transpose())).eval();
}

MatrixXd Symmetrized(const MatrixXd& m) { return 0.5 * (m + m.transpose()); }

}  // namespace

absl::Status ValidateGaussian(const Gaussian& g, absl::string_view suffix) {
  const std::string mean = absl::StrCat("mean", suffix);
  const std::string cov = absl::StrCat("cov", suffix);
  const Eigen::Index d = g.mean.size();
  if (d == 0) return absl::InvalidArgumentError(absl::StrCat(mean, ": the mean is empty"));
  if (g.cov.rows() != d || g.cov.cols() != d) {
    return absl::InvalidArgumentError(absl::StrCat(cov, ": expected a ", d, " x ", d,
                                                   " matrix (the mean has ", d, " entries), got ",
                                                   g.cov.rows(), " x ", g.cov.cols()));
  }
  if (absl::Status s = CheckFinite(g.mean, mean); !s.ok()) return s;
  if (absl::Status s = CheckFinite(g.cov, cov); !s.ok()) return s;
  const double scale = g.cov.cwiseAbs().maxCoeff();
  const double asymmetry = (g.cov - g.cov.transpose()).cwiseAbs().maxCoeff();
  if (asymmetry > kSymmetryTolerance * scale) {
    return absl::InvalidArgumentError(absl::StrCat(
        cov, ": the covariance must be symmetric, but max |C - C^T| is ", asymmetry, " (tolerance ",
        kSymmetryTolerance, " * max |C| = ", kSymmetryTolerance * scale, ")"));
  }
  const double smallest =
      Eigen::SelfAdjointEigenSolver<MatrixXd>(Symmetrized(g.cov), Eigen::EigenvaluesOnly)
          .eigenvalues()[0];
  if (smallest < -kPsdTolerance * scale) {
    return absl::InvalidArgumentError(absl::StrCat(
        cov, ": the covariance must be positive semidefinite, but its smallest eigenvalue is ",
        smallest));
  }
  return absl::OkStatus();
}

absl::StatusOr<GaussianOtOutput> SolveGaussianOt(const Gaussian& g1, const Gaussian& g2,
                                                 const GaussianOtOptions& options) {
  if (absl::Status s = ValidateGaussian(g1, "1"); !s.ok()) return s;
  if (absl::Status s = ValidateGaussian(g2, "2"); !s.ok()) return s;
  const Eigen::Index d = g1.mean.size();
  if (g2.mean.size() != d) {
    return absl::InvalidArgumentError(absl::StrCat("mean2: the target has dimension ",
                                                   g2.mean.size(), " but the source has ", d));
  }
  const MatrixXd s1 = Symmetrized(g1.cov);
  const MatrixXd s2 = Symmetrized(g2.cov);
  const Spectrum e1 = SymmetricSpectrum(s1);
  const double largest = e1.values[d - 1];
  const double smallest = e1.values[0];
  const bool s1_definite =
      smallest > static_cast<double>(d) * std::numeric_limits<double>::epsilon() * largest;
  if (options.compute_map && !s1_definite) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cov1: the Monge map needs a positive definite source covariance, but its eigenvalues "
        "range from ",
        smallest, " to ", largest, "; ask for the distance alone (compute_map = false)"));
  }

  // (S1^1/2 S2 S1^1/2)^1/2 = (B^T B)^1/2 for B = S2^1/2 S1^1/2 = U Sigma W^T, so it
  // is W Sigma W^T and its trace is the sum of the singular values of B. Taking
  // them from an SVD of B, rather than square roots of the eigenvalues of
  // S1^1/2 S2 S1^1/2 (whose condition number is squared), keeps the small ones
  // accurate: the trace is then good to about eps * |B| per term instead of
  // eps * |B|^2 / sigma_min.
  const Spectrum e2 = SymmetricSpectrum(s2);
  const VectorXd root1_values = e1.values.cwiseSqrt();
  const MatrixXd root1 = Reconstruct(e1, root1_values);
  const MatrixXd root2 = Reconstruct(e2, e2.values.cwiseSqrt());
  const Eigen::BDCSVD<MatrixXd> svd(root2 * root1, options.compute_map ? Eigen::ComputeThinV : 0);
  const VectorXd& sigma = svd.singularValues();

  GaussianOtOutput out;
  // Rounding can leave a tiny negative where the Gaussians coincide.
  out.transport_cost = std::max(
      0.0, (g1.mean - g2.mean).squaredNorm() + s1.trace() + s2.trace() - 2.0 * sigma.sum());
  if (!options.compute_map) return out;

  // A = S1^-1/2 W Sigma W^T S1^-1/2, assembled in the eigenbasis V of S1:
  // with W' = V^T W, A = V D^-1/2 W' Sigma W'^T D^-1/2 V^T.
  const MatrixXd w =
      root1_values.cwiseInverse().asDiagonal() * (e1.vectors.transpose() * svd.matrixV());
  const MatrixXd a_in_basis = w * sigma.asDiagonal() * w.transpose();
  out.map_matrix = Symmetrized(e1.vectors * a_in_basis * e1.vectors.transpose());
  out.map_offset = g2.mean - out.map_matrix * g1.mean;
  return out;
}

Gaussian McCannInterpolate(const Gaussian& g1, const GaussianOtOutput& map, double t) {
  const Eigen::Index d = g1.mean.size();
  if (map.map_matrix.rows() != d || map.map_matrix.cols() != d || map.map_offset.size() != d) {
    return Gaussian{};
  }
  // The interpolating map T_t = (1-t) Id + t T is affine: x -> B x + t b.
  const MatrixXd b = (1.0 - t) * MatrixXd::Identity(d, d) + t * map.map_matrix;
  Gaussian out;
  out.mean = b * g1.mean + t * map.map_offset;
  out.cov = Symmetrized(b * g1.cov * b.transpose());
  return out;
}

absl::StatusOr<Gaussian> EmpiricalGaussian(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                           const Eigen::Ref<const Eigen::VectorXd>& weights,
                                           double regularization, absl::string_view field,
                                           absl::string_view weights_field) {
  if (x.rows() == 0 || x.cols() == 0) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": the point cloud is empty"));
  }
  if (absl::Status s = CheckFinite(x, field); !s.ok()) return s;
  if (!(std::isfinite(regularization) && regularization >= 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("regularization: must be finite and >= 0, got ", regularization));
  }
  absl::StatusOr<VectorXd> w = NormalizedWeights(weights, x.rows(), weights_field);
  if (!w.ok()) return w.status();
  Gaussian g;
  g.mean = x.transpose() * *w;
  const MatrixXd centered = x.rowwise() - g.mean.transpose();
  const MatrixXd weighted = centered.array().colwise() * w->array();
  g.cov = Symmetrized(centered.transpose() * weighted);
  g.cov.diagonal().array() += regularization;
  return g;
}

}  // namespace advect
