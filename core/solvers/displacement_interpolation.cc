#include "core/solvers/displacement_interpolation.h"

#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/geometry/weights.h"

namespace advect {

InterpolationParticles ParticlesOfSparsePlan(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                             const Eigen::Ref<const Eigen::MatrixXd>& y,
                                             const std::vector<int64_t>& rows,
                                             const std::vector<int64_t>& cols,
                                             const std::vector<double>& values) {
  const auto k = static_cast<Eigen::Index>(values.size());
  InterpolationParticles p;
  p.start.resize(k, x.cols());
  p.end.resize(k, y.cols());
  p.weights.resize(k);
  for (Eigen::Index e = 0; e < k; ++e) {
    p.start.row(e) = x.row(rows[e]);
    p.end.row(e) = y.row(cols[e]);
    p.weights[e] = values[e];
  }
  return p;
}

InterpolationParticles ParticlesOfMap(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                      const Eigen::Ref<const Eigen::MatrixXd>& map,
                                      const Eigen::Ref<const Eigen::VectorXd>& a) {
  return {x, map, a};
}

Eigen::MatrixXd InterpolantPositions(const InterpolationParticles& particles, double t) {
  return (1.0 - t) * particles.start + t * particles.end;
}

Eigen::MatrixXd BarycentricMapOfSparsePlan(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                           const Eigen::Ref<const Eigen::MatrixXd>& y,
                                           const std::vector<int64_t>& rows,
                                           const std::vector<int64_t>& cols,
                                           const std::vector<double>& values) {
  Eigen::MatrixXd sum = Eigen::MatrixXd::Zero(x.rows(), y.cols());
  Eigen::VectorXd mass = Eigen::VectorXd::Zero(x.rows());
  for (size_t e = 0; e < values.size(); ++e) {
    sum.row(rows[e]) += values[e] * y.row(cols[e]);
    mass[rows[e]] += values[e];
  }
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    sum.row(i) = mass[i] > 0.0 ? Eigen::RowVectorXd(sum.row(i) / mass[i])
                               : Eigen::RowVectorXd(x.row(i));
  }
  return sum;
}

Eigen::MatrixXd BarycentricMapOfPlan(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                     const Eigen::Ref<const Eigen::MatrixXd>& y,
                                     const Eigen::Ref<const Eigen::MatrixXd>& plan) {
  Eigen::MatrixXd map = plan * y;
  const Eigen::VectorXd mass = plan.rowwise().sum();
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    map.row(i) = mass[i] > 0.0 ? Eigen::RowVectorXd(map.row(i) / mass[i])
                               : Eigen::RowVectorXd(x.row(i));
  }
  return map;
}

absl::StatusOr<Eigen::MatrixXd> EntropicMap(const Eigen::Ref<const Eigen::MatrixXd>& z,
                                            const Eigen::Ref<const Eigen::MatrixXd>& y,
                                            const Eigen::Ref<const Eigen::VectorXd>& b,
                                            const Eigen::Ref<const Eigen::VectorXd>& g,
                                            double epsilon, const GroundCost& cost) {
  if (z.cols() != y.cols()) {
    return absl::InvalidArgumentError(absl::StrCat("new_points: have dimension ", z.cols(),
                                                   " but the target points have ", y.cols()));
  }
  if (absl::Status s = CheckFinite(z, "new_points"); !s.ok()) return s;
  absl::StatusOr<Eigen::MatrixXd> c = CostMatrix(z, y, cost);
  if (!c.ok()) return c.status();
  // Row k: log-weights b_j exp((g_j - c(z_k, y_j)) / eps), normalised with a
  // max shift so that no exponent overflows or all underflow.
  const Eigen::RowVectorXd base = (b.array().log() + g.array() / epsilon).matrix().transpose();
  Eigen::MatrixXd out(z.rows(), y.cols());
  Eigen::RowVectorXd w(y.rows());
  for (Eigen::Index k = 0; k < z.rows(); ++k) {
    w = base - c->row(k) / epsilon;
    w = (w.array() - w.maxCoeff()).exp().matrix();
    out.row(k) = (w * y) / w.sum();
  }
  return out;
}

}  // namespace advect
