// Ground costs c(x, y) between point clouds (SCIENCE.md, conventions).
#ifndef ADVECT_CORE_GEOMETRY_COST_H_
#define ADVECT_CORE_GEOMETRY_COST_H_

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "core/observer.h"

namespace advect {

enum class CostKind {
  kSquaredEuclidean,  // |x - y|^2, no factor 1/2 (POT's ot.dist default)
  kEuclidean,         // |x - y|
  kPower,             // |x - y|^p, p > 0
};

struct GroundCost {
  CostKind kind = CostKind::kSquaredEuclidean;
  double p = 2.0;  // used by kPower only
};

// Checks the parameters of a ground cost ("p" must be finite and > 0 for kPower).
absl::Status ValidateGroundCost(const GroundCost& cost);

// One column of the cost: out_i = c(x_i, y) for every row x_i of x (n x d)
// and one point y (d values), summing (x_ik - y_k)^2 over k in order, one
// dimension at a time across all points. CostMatrix builds its columns with
// it, so a solver that computes costs on the fly gets the same bits.
void CostColumn(const Eigen::Ref<const Eigen::MatrixXd>& x,
                const Eigen::Ref<const Eigen::VectorXd>& y, const GroundCost& cost,
                Eigen::ArrayXd& out);

// The n x m matrix C_ij = c(x_i, y_j), computed entry by entry (no |x|^2+|y|^2-2<x,y>
// expansion, so no cancellation). x is n x d, y is m x d. Returns Cancelled if the
// observer asks to stop part-way.
absl::StatusOr<Eigen::MatrixXd> CostMatrix(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                           const Eigen::Ref<const Eigen::MatrixXd>& y,
                                           const GroundCost& cost,
                                           const Observer& observer = NullObserver());

}  // namespace advect

#endif  // ADVECT_CORE_GEOMETRY_COST_H_
