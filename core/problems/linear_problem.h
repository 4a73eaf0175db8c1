// A linear (Kantorovich) OT problem: a cost matrix and two marginals, with the
// points behind the cost when it came from point clouds.
#ifndef ADVECT_CORE_PROBLEMS_LINEAR_PROBLEM_H_
#define ADVECT_CORE_PROBLEMS_LINEAR_PROBLEM_H_

#include <optional>

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "core/geometry/cost.h"
#include "core/observer.h"

namespace advect {

// The checks FromPoints makes on its clouds (non-empty, same dimension, finite
// values; errors name x or y), cheap enough to run before any work is queued.
absl::Status ValidatePoints(const Eigen::Ref<const Eigen::MatrixXd>& x,
                            const Eigen::Ref<const Eigen::MatrixXd>& y);

// The checks FromCostMatrix makes on its matrix (non-empty, finite; errors name cost_matrix).
absl::Status ValidateCostMatrix(const Eigen::Ref<const Eigen::MatrixXd>& cost);

class LinearProblem {
 public:
  // From point clouds x (n x d) and y (m x d) with weights a and b (empty means
  // uniform; otherwise normalised to sum 1) and a ground cost. Errors name the
  // fields x, y, a, b, cost.p.
  static absl::StatusOr<LinearProblem> FromPoints(Eigen::MatrixXd x, Eigen::MatrixXd y,
                                                  const Eigen::VectorXd& a,
                                                  const Eigen::VectorXd& b,
                                                  const GroundCost& cost,
                                                  const Observer& observer = NullObserver());
  // From an explicit n x m cost matrix. Errors name cost_matrix, a, b.
  static absl::StatusOr<LinearProblem> FromCostMatrix(Eigen::MatrixXd cost,
                                                      const Eigen::VectorXd& a,
                                                      const Eigen::VectorXd& b);

  // Divides the cost by its maximum (POT's M / M.max()); fails if that maximum
  // is not positive. cost_scale() then returns the divisor.
  absl::Status NormalizeCost();

  Eigen::Index n() const { return cost_.rows(); }
  Eigen::Index m() const { return cost_.cols(); }
  const Eigen::MatrixXd& cost() const { return cost_; }
  const Eigen::VectorXd& a() const { return a_; }
  const Eigen::VectorXd& b() const { return b_; }
  double cost_scale() const { return cost_scale_; }
  bool has_points() const { return x_.has_value(); }
  // Source and target points; only valid when has_points().
  const Eigen::MatrixXd& x() const { return *x_; }
  const Eigen::MatrixXd& y() const { return *y_; }

 private:
  LinearProblem() = default;

  Eigen::MatrixXd cost_;
  Eigen::VectorXd a_;
  Eigen::VectorXd b_;
  double cost_scale_ = 1.0;
  std::optional<Eigen::MatrixXd> x_;
  std::optional<Eigen::MatrixXd> y_;
};

}  // namespace advect

#endif  // ADVECT_CORE_PROBLEMS_LINEAR_PROBLEM_H_
