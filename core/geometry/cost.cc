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
  // Column j of C holds c(x_i, y_j) for all i; compute it from the transposed
  // source so that each inner loop reads contiguous memory.
  const Eigen::MatrixXd xt = x.transpose();  // d x n
  Eigen::MatrixXd c(n, m);
  Eigen::ArrayXd sq(n);
  for (Eigen::Index j = 0; j < m; ++j) {
    if (observer.StopRequested()) return absl::CancelledError("stopped while computing the cost");
    sq = (xt.colwise() - y.row(j).transpose()).colwise().squaredNorm().transpose().array();
    switch (cost.kind) {
      case CostKind::kSquaredEuclidean:
        c.col(j) = sq.matrix();
        break;
      case CostKind::kEuclidean:
        c.col(j) = sq.sqrt().matrix();
        break;
      case CostKind::kPower:
        c.col(j) = sq.pow(0.5 * cost.p).matrix();
        break;
    }
  }
  return c;
}

}  // namespace advect
