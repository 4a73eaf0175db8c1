#include "core/solvers/ot_1d.h"

#include <cmath>
#include <functional>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/geometry/weights.h"
#include "core/solvers/ot_1d_sorted.h"
#include "core/solvers/radix_sort.h"
#include "core/solvers/stop_flag.h"

namespace advect {
namespace {

absl::Status Stopped() { return absl::CancelledError("the solver was asked to stop"); }

// Below this many points in all, a second thread costs more than it saves.
constexpr Eigen::Index kParallelMinPoints = Eigen::Index{1} << 16;

// Sorts both sides, on two threads when `parallel`; false if stopped.
bool SortBoth(const std::function<bool(const Observer&)>& sort_x,
              const std::function<bool(const Observer&)>& sort_y, bool parallel,
              const Observer& observer) {
  if (parallel) return RunBesideHelper(sort_x, sort_y, observer);
  return sort_x(observer) && sort_y(observer);
}

// Sorting dominates. Values are sorted directly (as radix keys, with their
// weights alongside when weighted) rather than through an index permutation:
// that halves the memory traffic and avoids the random reads of x[order[i]].
absl::StatusOr<double> UniformCost(const Eigen::Ref<const Eigen::VectorXd>& x,
                                   const Eigen::Ref<const Eigen::VectorXd>& y, double p,
                                   bool parallel, Observer& observer) {
  std::vector<uint64_t> sx, sy, scratch_x, scratch_y;
  std::vector<uint64_t>& scratch_for_y = parallel ? scratch_y : scratch_x;  // shared in turn
  if (!SortBoth([&](const Observer& o) { return SortedKeys(x, sx, scratch_x, o); },
                [&](const Observer& o) { return SortedKeys(y, sy, scratch_for_y, o); }, parallel,
                observer)) {
    return Stopped();
  }
  const std::optional<double> cost = SortedUniformCost(sx, sy, p, observer);
  if (!cost) return Stopped();
  return *cost;
}

absl::StatusOr<double> WeightedCost(const Eigen::Ref<const Eigen::VectorXd>& x,
                                    const Eigen::Ref<const Eigen::VectorXd>& y,
                                    const Eigen::Ref<const Eigen::VectorXd>& a, double total_a,
                                    const Eigen::Ref<const Eigen::VectorXd>& b, double total_b,
                                    double p, bool parallel, Observer& observer) {
  std::vector<KeyWeight> sx, sy, scratch_x, scratch_y;
  std::vector<KeyWeight>& scratch_for_y = parallel ? scratch_y : scratch_x;
  if (!SortBoth(
          [&](const Observer& o) { return SortedKeyWeights(x, a, total_a, sx, scratch_x, o); },
          [&](const Observer& o) { return SortedKeyWeights(y, b, total_b, sy, scratch_for_y, o); },
          parallel, observer)) {
    return Stopped();
  }
  const std::optional<double> cost = SortedWeightedCost(sx, sy, p, observer);
  if (!cost) return Stopped();
  return *cost;
}

}  // namespace

absl::StatusOr<Ot1dOutput> SolveOt1d(const Eigen::Ref<const Eigen::VectorXd>& x,
                                     const Eigen::Ref<const Eigen::VectorXd>& y,
                                     const Eigen::Ref<const Eigen::VectorXd>& a,
                                     const Eigen::Ref<const Eigen::VectorXd>& b, double p,
                                     Observer& observer) {
  return SolveOt1d(x, y, a, b, Ot1dOptions{p, 1}, observer);
}

absl::StatusOr<Ot1dOutput> SolveOt1d(const Eigen::Ref<const Eigen::VectorXd>& x,
                                     const Eigen::Ref<const Eigen::VectorXd>& y,
                                     const Eigen::Ref<const Eigen::VectorXd>& a,
                                     const Eigen::Ref<const Eigen::VectorXd>& b,
                                     const Ot1dOptions& options, Observer& observer) {
  const double p = options.p;
  if (!(std::isfinite(p) && p > 0.0)) {
    return absl::InvalidArgumentError(absl::StrCat("p: must be finite and > 0, got ", p));
  }
  if (x.size() == 0) return absl::InvalidArgumentError("x: the source measure has no points");
  if (y.size() == 0) return absl::InvalidArgumentError("y: the target measure has no points");
  if (absl::Status s = CheckFinite(x, "x"); !s.ok()) return s;
  if (absl::Status s = CheckFinite(y, "y"); !s.ok()) return s;
  if (options.num_threads < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("num_threads: must be >= 1, got ", options.num_threads));
  }
  const bool parallel = options.num_threads >= 2 && x.size() + y.size() >= kParallelMinPoints;

  // Empty weights mean uniform: no weights to carry through the sort, and the
  // walk can count integer units of mass.
  absl::StatusOr<double> cost = 0.0;
  if (a.size() == 0 && b.size() == 0) {
    if (observer.StopRequested()) return Stopped();
    cost = UniformCost(x, y, p, parallel, observer);
  } else {
    // The weights are divided by their totals as they are copied for the sort.
    absl::StatusOr<double> total_a = ValidatedWeightTotal(a, x.size(), "a");
    if (!total_a.ok()) return total_a.status();
    absl::StatusOr<double> total_b = ValidatedWeightTotal(b, y.size(), "b");
    if (!total_b.ok()) return total_b.status();
    if (observer.StopRequested()) return Stopped();
    // One side may be uniform: all-ones weights over their count.
    using ConstRef = Eigen::Ref<const Eigen::VectorXd>;
    const Eigen::VectorXd ones_a =
        a.size() == 0 ? Eigen::VectorXd::Ones(x.size()) : Eigen::VectorXd();
    const Eigen::VectorXd ones_b =
        b.size() == 0 ? Eigen::VectorXd::Ones(y.size()) : Eigen::VectorXd();
    const ConstRef wa = a.size() == 0 ? ConstRef(ones_a) : a;
    const ConstRef wb = b.size() == 0 ? ConstRef(ones_b) : b;
    cost = WeightedCost(x, y, wa, *total_a, wb, *total_b, p, parallel, observer);
  }
  if (!cost.ok()) return cost.status();
  Ot1dOutput out;
  out.transport_cost = *cost;
  observer.OnProgress({1, 0.0, out.transport_cost});
  return out;
}

}  // namespace advect
