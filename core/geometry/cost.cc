#include "core/geometry/cost.h"

#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace advect {

absl::Status ValidateGroundCost(const GroundCost& cost) {
  if (cost.kind == CostKind::kPower && !(std::isfinite(cost.p) && cost.p > 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("cost.p: the exponent of a power cost must be finite and > 0, got ", cost.p));
  }
  return absl::OkStatus();
}

absl::StatusOr<Eigen::MatrixXd> CostMatrix(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                           const Eigen::Ref<const Eigen::MatrixXd>& y,
                                           const GroundCost& cost, const Observer& observer) {
  if (absl::Status s = ValidateGroundCost(cost); !s.ok()) return s;
  if (x.cols() != y.cols()) {
    return absl::InvalidArgumentError(absl::StrCat("y: points have dimension ", y.cols(),
                                                   " but x has dimension ", x.cols()));
  }
  const Eigen::Index n = x.rows();
  const Eigen::Index m = y.rows();
  // Column j of C holds c(x_i, y_j) for all i, computed a dimension at a time
  // over contiguous columns of x.
  Eigen::MatrixXd c(n, m);
  Eigen::ArrayXd column(n);
  for (Eigen::Index j = 0; j < m; ++j) {
    if (observer.StopRequested()) return absl::CancelledError("stopped while computing the cost");
    CostColumn(x, y.row(j).transpose(), cost, column);
    c.col(j) = column.matrix();
  }
  return c;
}

void CostColumn(const Eigen::Ref<const Eigen::MatrixXd>& x,
                const Eigen::Ref<const Eigen::VectorXd>& y, const GroundCost& cost,
                Eigen::ArrayXd& out) {
  if (x.cols() == 0) {
    out.setZero(x.rows());
    return;
  }
  out = (x.col(0).array() - y[0]).square();
  for (Eigen::Index k = 1; k < x.cols(); ++k) out += (x.col(k).array() - y[k]).square();
  switch (cost.kind) {
    case CostKind::kSquaredEuclidean:
      break;
    case CostKind::kEuclidean:
      out = out.sqrt();
      break;
    case CostKind::kPower:
      out = out.pow(0.5 * cost.p);
      break;
  }
}

}  // namespace advect
