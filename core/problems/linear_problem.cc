#include "core/problems/linear_problem.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/geometry/weights.h"

namespace advect {

absl::Status ValidatePoints(const Eigen::Ref<const Eigen::MatrixXd>& x,
                            const Eigen::Ref<const Eigen::MatrixXd>& y) {
  if (x.rows() == 0 || x.cols() == 0) {
    return absl::InvalidArgumentError("x: the source point cloud is empty");
  }
  if (y.rows() == 0 || y.cols() == 0) {
    return absl::InvalidArgumentError("y: the target point cloud is empty");
  }
  if (x.cols() != y.cols()) {
    return absl::InvalidArgumentError(absl::StrCat("y: points have dimension ", y.cols(),
                                                   " but x has dimension ", x.cols()));
  }
  if (absl::Status s = CheckFinite(x, "x"); !s.ok()) return s;
  return CheckFinite(y, "y");
}

absl::Status ValidateCostMatrix(const Eigen::Ref<const Eigen::MatrixXd>& cost) {
  if (cost.rows() == 0 || cost.cols() == 0) {
    return absl::InvalidArgumentError("cost_matrix: the cost matrix is empty");
  }
  return CheckFinite(cost, "cost_matrix");
}

absl::StatusOr<LinearProblem> LinearProblem::FromPoints(Eigen::MatrixXd x, Eigen::MatrixXd y,
                                                        const Eigen::VectorXd& a,
                                                        const Eigen::VectorXd& b,
                                                        const GroundCost& cost,
                                                        const Observer& observer) {
  if (absl::Status s = ValidatePoints(x, y); !s.ok()) return s;
  LinearProblem problem;
  absl::StatusOr<Eigen::VectorXd> wa = NormalizedWeights(a, x.rows(), "a");
  if (!wa.ok()) return wa.status();
  absl::StatusOr<Eigen::VectorXd> wb = NormalizedWeights(b, y.rows(), "b");
  if (!wb.ok()) return wb.status();
  absl::StatusOr<Eigen::MatrixXd> c = CostMatrix(x, y, cost, observer);
  if (!c.ok()) return c.status();
  problem.cost_ = *std::move(c);
  problem.a_ = *std::move(wa);
  problem.b_ = *std::move(wb);
  problem.x_ = std::move(x);
  problem.y_ = std::move(y);
  return problem;
}

absl::StatusOr<LinearProblem> LinearProblem::FromCostMatrix(Eigen::MatrixXd cost,
                                                            const Eigen::VectorXd& a,
                                                            const Eigen::VectorXd& b) {
  if (absl::Status s = ValidateCostMatrix(cost); !s.ok()) return s;
  LinearProblem problem;
  absl::StatusOr<Eigen::VectorXd> wa = NormalizedWeights(a, cost.rows(), "a");
  if (!wa.ok()) return wa.status();
  absl::StatusOr<Eigen::VectorXd> wb = NormalizedWeights(b, cost.cols(), "b");
  if (!wb.ok()) return wb.status();
  problem.cost_ = std::move(cost);
  problem.a_ = *std::move(wa);
  problem.b_ = *std::move(wb);
  return problem;
}

absl::Status LinearProblem::NormalizeCost() {
  const double max_cost = cost_.maxCoeff();
  if (!(max_cost > 0.0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "normalize_cost: the cost's maximum is ", max_cost, "; only a positive maximum can be used"));
  }
  cost_ /= max_cost;
  cost_scale_ *= max_cost;
  return absl::OkStatus();
}

}  // namespace advect
