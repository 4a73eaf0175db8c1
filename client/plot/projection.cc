#include "client/plot/projection.h"

#include <Eigen/Eigenvalues>

#include "absl/strings/str_format.h"

namespace advect::plot {

Eigen::MatrixXd Projection::Apply(const Eigen::Ref<const Eigen::MatrixXd>& points) const {
  Eigen::MatrixXd out = Eigen::MatrixXd::Zero(points.rows(), 2);
  if (points.cols() == 0) return out;
  if (input_dim <= 2) {
    out.leftCols(std::min<Eigen::Index>(2, points.cols())) =
        points.leftCols(std::min<Eigen::Index>(2, points.cols()));
    return out;
  }
  return (points.rowwise() - mean) * basis;
}

std::string Projection::AxisLabel(int axis) const {
  if (input_dim > 2) return absl::StrFormat("PC%d", axis + 1);
  if (input_dim == 1) return axis == 0 ? "x" : "";
  return absl::StrFormat("x%d", axis + 1);
}

std::string Projection::Note() const {
  if (input_dim <= 2) return "";
  return absl::StrFormat("PCA projection of %d-D points: the axes hold %.0f%% of the variance",
                         input_dim, 100.0 * explained);
}

Projection FitProjection(const std::vector<const Eigen::MatrixXd*>& clouds) {
  Projection p;
  Eigen::Index n = 0;
  for (const Eigen::MatrixXd* c : clouds) {
    if (c->rows() > 0) p.input_dim = static_cast<int>(c->cols());
    n += c->rows();
  }
  if (p.input_dim <= 2 || n == 0) return p;
  const int d = p.input_dim;
  Eigen::MatrixXd pooled(n, d);
  Eigen::Index row = 0;
  for (const Eigen::MatrixXd* c : clouds) {
    if (c->cols() != d) continue;
    pooled.middleRows(row, c->rows()) = *c;
    row += c->rows();
  }
  pooled.conservativeResize(row, d);
  p.mean = pooled.colwise().mean();
  const Eigen::MatrixXd centred = pooled.rowwise() - p.mean;
  const Eigen::MatrixXd cov = centred.transpose() * centred / std::max<Eigen::Index>(1, row - 1);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(cov);
  // Eigenvalues ascend: the last two columns are the leading components.
  p.basis.resize(d, 2);
  for (int k = 0; k < 2; ++k) {
    Eigen::VectorXd v = eig.eigenvectors().col(d - 1 - k);
    Eigen::Index arg;
    v.cwiseAbs().maxCoeff(&arg);
    if (v(arg) < 0) v = -v;
    p.basis.col(k) = v;
  }
  const double total = eig.eigenvalues().sum();
  p.explained = total > 0 ? (eig.eigenvalues()(d - 1) + eig.eigenvalues()(d - 2)) / total : 1.0;
  return p;
}

}  // namespace advect::plot
