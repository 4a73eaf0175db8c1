// Points of any dimension shown in the plane: d = 2 as they are, d = 1 on a
// line, d > 2 through a PCA projection that the figure states.
#ifndef ADVECT_CLIENT_PLOT_PROJECTION_H_
#define ADVECT_CLIENT_PLOT_PROJECTION_H_

#include <string>
#include <vector>

#include <Eigen/Core>

namespace advect::plot {

struct Projection {
  int input_dim = 2;
  Eigen::RowVectorXd mean;  // subtracted before projecting (d > 2 only)
  Eigen::MatrixXd basis;    // d x 2, orthonormal columns (d > 2 only)
  double explained = 1.0;   // fraction of the variance the two axes hold

  // n x d points -> n x 2 (d = 1: the second column is 0).
  Eigen::MatrixXd Apply(const Eigen::Ref<const Eigen::MatrixXd>& points) const;
  std::string AxisLabel(int axis) const;  // "x1", "x2" or "PC1", "PC2"
  // "" for d <= 2; else e.g. "PCA projection of 5-D points: the axes hold 83% of the variance".
  std::string Note() const;
};

// The projection for a set of clouds of the same dimension d (their pooled
// points fit the PCA). The sign of each component is fixed (largest entry
// positive), so the same points always give the same picture.
Projection FitProjection(const std::vector<const Eigen::MatrixXd*>& clouds);

}  // namespace advect::plot

#endif  // ADVECT_CLIENT_PLOT_PROJECTION_H_
