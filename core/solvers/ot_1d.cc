#include "core/solvers/ot_1d.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/geometry/weights.h"

namespace advect {
namespace {

// Indices of `values` in increasing order of value.
std::vector<Eigen::Index> SortedOrder(const Eigen::Ref<const Eigen::VectorXd>& values) {
  std::vector<Eigen::Index> order(static_cast<size_t>(values.size()));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  std::sort(order.begin(), order.end(),
            [&](Eigen::Index i, Eigen::Index j) { return values[i] < values[j]; });
  return order;
}

double Power(double distance, double p) {
  if (p == 1.0) return distance;
  if (p == 2.0) return distance * distance;
  return std::pow(distance, p);
}

}  // namespace

absl::StatusOr<Ot1dOutput> SolveOt1d(const Eigen::Ref<const Eigen::VectorXd>& x,
                                     const Eigen::Ref<const Eigen::VectorXd>& y,
                                     const Eigen::Ref<const Eigen::VectorXd>& a,
                                     const Eigen::Ref<const Eigen::VectorXd>& b, double p,
                                     Observer& observer) {
  if (!(std::isfinite(p) && p > 0.0)) {
    return absl::InvalidArgumentError(absl::StrCat("p: must be finite and > 0, got ", p));
  }
  if (x.size() == 0) return absl::InvalidArgumentError("x: the source measure has no points");
  if (y.size() == 0) return absl::InvalidArgumentError("y: the target measure has no points");
  if (absl::Status s = CheckFinite(x, "x"); !s.ok()) return s;
  if (absl::Status s = CheckFinite(y, "y"); !s.ok()) return s;
  absl::StatusOr<Eigen::VectorXd> wa = NormalizedWeights(a, x.size(), "a");
  if (!wa.ok()) return wa.status();
  absl::StatusOr<Eigen::VectorXd> wb = NormalizedWeights(b, y.size(), "b");
  if (!wb.ok()) return wb.status();

  const std::vector<Eigen::Index> ix = SortedOrder(x);
  if (observer.StopRequested()) return absl::CancelledError("the solver was asked to stop");
  const std::vector<Eigen::Index> iy = SortedOrder(y);

  // Walk both quantile functions together: each step moves the smaller of the
  // two remaining masses between the current source and target points.
  constexpr size_t kPollEvery = 1 << 14;
  Ot1dOutput out;
  size_t steps = 0;
  size_t i = 0;
  size_t j = 0;
  double left_a = (*wa)[ix[0]];
  double left_b = (*wb)[iy[0]];
  while (i < ix.size() && j < iy.size()) {
    if (++steps % kPollEvery == 0 && observer.StopRequested()) {
      return absl::CancelledError("the solver was asked to stop");
    }
    const double cost = Power(std::abs(x[ix[i]] - y[iy[j]]), p);
    if (left_a < left_b) {
      out.transport_cost += left_a * cost;
      left_b -= left_a;
      if (++i < ix.size()) left_a = (*wa)[ix[i]];
    } else {
      out.transport_cost += left_b * cost;
      left_a -= left_b;
      if (++j < iy.size()) left_b = (*wb)[iy[j]];
    }
  }
  observer.OnProgress({1, 0.0, out.transport_cost});
  return out;
}

}  // namespace advect
