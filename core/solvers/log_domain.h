// Internal kernels of the log-domain solvers (Sinkhorn, unbalanced, divergence,
// barycenter): the column-wise soft-min, the clamp that keeps exp() out of
// subnormals, an interruptible transpose and the epsilon-scaling schedule.
// Not part of the public API.
#ifndef ADVECT_CORE_SOLVERS_LOG_DOMAIN_H_
#define ADVECT_CORE_SOLVERS_LOG_DOMAIN_H_

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <vector>

#include <Eigen/Core>

#include "core/observer.h"
#include "core/solvers/sinkhorn.h"  // EpsilonScaling
#include "core/solvers/stop_flag.h"
#include "core/solvers/vector_exp.h"

namespace advect::log_domain {

// exp(t) for t below this is negligible next to the O(1) quantities it is
// summed with, so it is treated as 0. Eigen's vectorised exp() never returns 0:
// it clamps t at -709.78 and returns the subnormal 5.6e-309 there, and
// subnormal arithmetic is several times slower than normal arithmetic.
inline constexpr double kNegligibleExponent = -700.0;

// out_k = -eps * log sum_l exp(logw_l + (pot_l - cost(l, k)) / eps) for the
// columns k in [begin, end) of `cost` (columns are contiguous, so the reads
// stream memory). Polls the observer once per column; returns false if it
// asked to stop.
inline bool SoftMinColumnRange(const Eigen::MatrixXd& cost, const Eigen::VectorXd& pot,
                               const Eigen::ArrayXd& logw, double eps, Eigen::Index begin,
                               Eigen::Index end, const Observer& observer, Eigen::VectorXd& out,
                               Eigen::ArrayXd& scratch) {
  const double inv_eps = 1.0 / eps;
  const Eigen::ArrayXd base = logw + pot.array() * inv_eps;
  for (Eigen::Index k = begin; k < end; ++k) {
    if (observer.StopRequested()) return false;
    scratch = base - cost.col(k).array() * inv_eps;
    const double top = scratch.maxCoeff();
    // The largest term is e^0 = 1, so terms below e^kNegligibleExponent cannot
    // change the sum.
    scratch -= top;
    vector_exp::ExpOrZero(scratch.data(), scratch.data(), scratch.size(), kNegligibleExponent);
    out[k] = -eps * (top + std::log(scratch.sum()));
  }
  return true;
}

inline bool SoftMinColumns(const Eigen::MatrixXd& cost, const Eigen::VectorXd& pot,
                           const Eigen::ArrayXd& logw, double eps, const Observer& observer,
                           Eigen::VectorXd& out, Eigen::ArrayXd& scratch) {
  return SoftMinColumnRange(cost, pot, logw, eps, 0, cost.cols(), observer, out, scratch);
}

// SoftMinColumns with the columns split in two fixed halves, run beside each
// other when `parallel` (the result does not depend on it).
inline bool SoftMinColumnsInHalves(const Eigen::MatrixXd& cost, const Eigen::VectorXd& pot,
                                   const Eigen::ArrayXd& logw, double eps, bool parallel,
                                   const Observer& observer, Eigen::VectorXd& out) {
  const Eigen::Index half = cost.cols() / 2;
  out.resize(cost.cols());
  return RunTwoParts(parallel, observer, [&](int part, const Observer& o) {
    Eigen::ArrayXd scratch(cost.rows());
    return part == 0 ? SoftMinColumnRange(cost, pot, logw, eps, 0, half, o, out, scratch)
                     : SoftMinColumnRange(cost, pot, logw, eps, half, cost.cols(), o, out, scratch);
  });
}

// Sums a plan's columns as they are produced by two fixed halves of the
// columns (part 0 and part 1, possibly on two threads): its cost <P, C>, row
// and column sums, and the plan itself when asked. Finish() fills the output's
// transport_cost and marginal_error the same way whatever produced the columns.
class PlanMeasurement {
 public:
  PlanMeasurement(Eigen::Index n, Eigen::Index m, bool keep_plan)
      : row_sums_(Eigen::MatrixXd::Zero(n, 2)), col_sums_(m), keep_plan_(keep_plan) {
    if (keep_plan_) plan_.resize(n, m);
  }
  // Column j of the plan and of the cost, from `part`.
  void Add(int part, Eigen::Index j, const Eigen::Ref<const Eigen::ArrayXd>& cost,
           const Eigen::ArrayXd& column) {
    transport_[part] += (column * cost).sum();
    row_sums_.col(part) += column.matrix();
    col_sums_[j] = column.sum();
    if (keep_plan_) plan_.col(j) = column.matrix();
  }
  void Finish(const Eigen::VectorXd& a, const Eigen::VectorXd& b, SinkhornOutput& out) {
    const Eigen::VectorXd rows = row_sums_.col(0) + row_sums_.col(1);
    out.transport_cost = transport_[0] + transport_[1];
    out.marginal_error = (rows - a).lpNorm<1>() + (col_sums_ - b).lpNorm<1>();
    if (keep_plan_) out.plan = std::move(plan_);
  }

 private:
  Eigen::MatrixXd row_sums_;
  Eigen::VectorXd col_sums_;
  double transport_[2] = {0.0, 0.0};
  bool keep_plan_;
  Eigen::MatrixXd plan_;
};

// C^T, copied in blocks of rows so that a stop request is honoured within
// milliseconds even for the largest matrices. Returns false on a stop request.
inline bool TransposeInterruptibly(const Eigen::MatrixXd& c, const Observer& observer,
                                   Eigen::MatrixXd& out) {
  constexpr Eigen::Index kBlock = 256;
  out.resize(c.cols(), c.rows());
  for (Eigen::Index i = 0; i < c.rows(); i += kBlock) {
    if (observer.StopRequested()) return false;
    const Eigen::Index rows = std::min(kBlock, c.rows() - i);
    out.middleCols(i, rows) = c.middleRows(i, rows).transpose();
  }
  return true;
}

// The epsilon schedule of SinkhornOptions: max(epsilon, initial * decay^k),
// starting at the cost's maximum when initial_epsilon is 0, ending at epsilon.
// `max_cost` is called only when the schedule needs the cost's maximum.
inline std::vector<double> EpsilonStages(double epsilon,
                                         const std::optional<EpsilonScaling>& scaling,
                                         const std::function<double()>& max_cost) {
  std::vector<double> stages;
  if (scaling.has_value()) {
    double eps = scaling->initial_epsilon > 0.0 ? scaling->initial_epsilon : max_cost();
    while (eps > epsilon) {
      stages.push_back(eps);
      eps *= scaling->decay;
    }
  }
  stages.push_back(epsilon);
  return stages;
}

inline std::vector<double> EpsilonStages(double epsilon,
                                         const std::optional<EpsilonScaling>& scaling,
                                         const Eigen::MatrixXd& cost) {
  return EpsilonStages(epsilon, scaling, [&cost] { return cost.maxCoeff(); });
}

}  // namespace advect::log_domain

#endif  // ADVECT_CORE_SOLVERS_LOG_DOMAIN_H_
