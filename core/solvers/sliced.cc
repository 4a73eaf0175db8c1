#include "core/solvers/sliced.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/geometry/weights.h"
#include "core/problems/linear_problem.h"
#include "core/random/normal.h"
#include "core/solvers/ot_1d_sorted.h"
#include "core/solvers/radix_sort.h"
#include "core/solvers/stop_flag.h"

namespace advect {
namespace {

constexpr double kUnitTolerance = 1e-6;
// Directions are projected a block at a time with one matrix product (x * D_block
// reads x once per block instead of once per direction), and threads take blocks
// in turn. Small blocks keep the threads' shares even; measured at n = 10^5,
// d = 10, blocks of 4, 8 and 16 cost the same. A block holds at most
// kProjectionBudget doubles per thread, and its width depends only on (n, m),
// never on the thread count, so every direction's value is computed identically.
constexpr Eigen::Index kMaxBlock = 4;
constexpr Eigen::Index kProjectionBudget = Eigen::Index{1} << 23;  // 64 MiB

absl::Status Stopped() { return absl::CancelledError("the solver was asked to stop"); }

// The directions shared out between threads, block by block, and their values.
class SlicedWork {
 public:
  SlicedWork(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::MatrixXd>& y,
             const Eigen::VectorXd& a, const Eigen::VectorXd& b, bool uniform, double p,
             const Eigen::MatrixXd& directions)
      : x_(x),
        y_(y),
        a_(a),
        b_(b),
        uniform_(uniform),
        p_(p),
        directions_(directions),
        block_(std::clamp(kProjectionBudget / (x.rows() + y.rows()), Eigen::Index{1}, kMaxBlock)),
        num_blocks_((directions.cols() + block_ - 1) / block_),
        values_(static_cast<size_t>(directions.cols())),
        done_(new std::atomic<bool>[static_cast<size_t>(directions.cols())]) {
    for (Eigen::Index j = 0; j < directions.cols(); ++j) done_[static_cast<size_t>(j)] = false;
  }

  Eigen::Index num_blocks() const { return num_blocks_; }
  bool done(Eigen::Index j) const {
    return done_[static_cast<size_t>(j)].load(std::memory_order_acquire);
  }
  double value(Eigen::Index j) const { return values_[static_cast<size_t>(j)]; }

  // Takes blocks until none is left or `stop` asks to stop; calls `after_each`
  // after every direction.
  void Run(const Observer& stop, const std::function<void()>& after_each) {
    Buffers buffers;
    Eigen::MatrixXd px(x_.rows(), block_);
    Eigen::MatrixXd py(y_.rows(), block_);
    for (;;) {
      const Eigen::Index block = next_block_.fetch_add(1, std::memory_order_relaxed);
      if (block >= num_blocks_ || stop.StopRequested()) return;
      const Eigen::Index first = block * block_;
      const Eigen::Index width = std::min(block_, directions_.cols() - first);
      px.leftCols(width).noalias() = x_ * directions_.middleCols(first, width);
      py.leftCols(width).noalias() = y_ * directions_.middleCols(first, width);
      for (Eigen::Index c = 0; c < width; ++c) {
        const std::optional<double> cost = DirectionCost(px.col(c), py.col(c), buffers, stop);
        if (!cost) return;
        const auto j = static_cast<size_t>(first + c);
        values_[j] = *cost;
        done_[j].store(true, std::memory_order_release);
        after_each();
      }
    }
  }

 private:
  struct Buffers {
    std::vector<uint64_t> keys_x, keys_y, keys_scratch;
    std::vector<KeyWeight> records_x, records_y, records_scratch;
  };

  std::optional<double> DirectionCost(const Eigen::Ref<const Eigen::VectorXd>& px,
                                      const Eigen::Ref<const Eigen::VectorXd>& py, Buffers& buf,
                                      const Observer& stop) const {
    if (uniform_) {
      if (!SortedKeys(px, buf.keys_x, buf.keys_scratch, stop) ||
          !SortedKeys(py, buf.keys_y, buf.keys_scratch, stop)) {
        return std::nullopt;
      }
      return SortedUniformCost(buf.keys_x, buf.keys_y, p_, stop);
    }
    if (!SortedKeyWeights(px, a_, 1.0, buf.records_x, buf.records_scratch, stop) ||
        !SortedKeyWeights(py, b_, 1.0, buf.records_y, buf.records_scratch, stop)) {
      return std::nullopt;
    }
    return SortedWeightedCost(buf.records_x, buf.records_y, p_, stop);
  }

  const Eigen::Ref<const Eigen::MatrixXd>& x_;
  const Eigen::Ref<const Eigen::MatrixXd>& y_;
  const Eigen::VectorXd& a_;
  const Eigen::VectorXd& b_;
  const bool uniform_;
  const double p_;
  const Eigen::MatrixXd& directions_;
  const Eigen::Index block_;
  const Eigen::Index num_blocks_;
  std::atomic<Eigen::Index> next_block_{0};
  std::vector<double> values_;  // values_[j] is written once, before done_[j]
  std::unique_ptr<std::atomic<bool>[]> done_;
};

}  // namespace

absl::Status ValidateSlicedOptions(const SlicedOptions& options, Eigen::Index dim) {
  if (!(std::isfinite(options.p) && options.p > 0.0)) {
    return absl::InvalidArgumentError(absl::StrCat("p: must be finite and > 0, got ", options.p));
  }
  if (options.num_threads < 1 || options.num_threads > kSlicedMaxThreads) {
    return absl::InvalidArgumentError(absl::StrCat(
        "num_threads: must be in [1, ", kSlicedMaxThreads, "], got ", options.num_threads));
  }
  if (!options.directions.has_value()) {
    if (options.num_directions < 1 || options.num_directions > kSlicedMaxDirections) {
      return absl::InvalidArgumentError(absl::StrCat("num_directions: must be in [1, ",
                                                     kSlicedMaxDirections, "], got ",
                                                     options.num_directions));
    }
    return absl::OkStatus();
  }
  const Eigen::MatrixXd& d = *options.directions;
  if (d.rows() != dim) {
    return absl::InvalidArgumentError(absl::StrCat(
        "directions: expected ", dim, " rows (the dimension of the points), got ", d.rows()));
  }
  if (d.cols() < 1 || d.cols() > kSlicedMaxDirections) {
    return absl::InvalidArgumentError(absl::StrCat(
        "directions: expected between 1 and ", kSlicedMaxDirections, " columns, got ", d.cols()));
  }
  if (absl::Status s = CheckFinite(d, "directions"); !s.ok()) return s;
  for (Eigen::Index j = 0; j < d.cols(); ++j) {
    const double norm = d.col(j).norm();
    if (!(std::abs(norm - 1.0) <= kUnitTolerance)) {
      return absl::InvalidArgumentError(absl::StrCat("directions: column ", j, " has norm ", norm,
                                                     "; directions must be unit vectors (within ",
                                                     kUnitTolerance, ")"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<SlicedOutput> SolveSliced(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                         const Eigen::Ref<const Eigen::MatrixXd>& y,
                                         const Eigen::Ref<const Eigen::VectorXd>& a,
                                         const Eigen::Ref<const Eigen::VectorXd>& b,
                                         const SlicedOptions& options, Observer& observer) {
  if (absl::Status s = ValidatePoints(x, y); !s.ok()) return s;
  if (absl::Status s = ValidateSlicedOptions(options, x.cols()); !s.ok()) return s;
  const bool uniform = a.size() == 0 && b.size() == 0;
  Eigen::VectorXd wa;
  Eigen::VectorXd wb;
  if (!uniform) {
    absl::StatusOr<Eigen::VectorXd> na = NormalizedWeights(a, x.rows(), "a");
    if (!na.ok()) return na.status();
    absl::StatusOr<Eigen::VectorXd> nb = NormalizedWeights(b, y.rows(), "b");
    if (!nb.ok()) return nb.status();
    wa = *std::move(na);
    wb = *std::move(nb);
  }

  SlicedOutput out;
  out.directions = options.directions.has_value()
                       ? *options.directions
                       : RandomUnitDirections(x.cols(), options.num_directions, options.seed);
  const Eigen::Index k = out.directions.cols();
  SlicedWork work(x, y, wa, wb, uniform, options.p, out.directions);

  // Progress goes out from the calling thread only, in direction order, and the
  // running sum is the one the final mean uses: the reports and the result are
  // the same whatever the thread count and the order in which threads finish.
  std::atomic<bool> stop{false};
  const CallerStop client_stop(observer, stop);
  Eigen::Index reported = 0;
  double sum = 0.0;
  auto report = [&] {
    while (reported < k && work.done(reported)) {
      sum += work.value(reported);
      ++reported;
      observer.OnProgress({reported, 0.0, sum / static_cast<double>(reported)});
    }
  };

  std::mutex mutex;
  std::condition_variable progressed;
  const HelperStop helper_stop(stop);
  const auto notify = [&] {
    { const std::lock_guard<std::mutex> lock(mutex); }
    progressed.notify_one();
  };
  std::vector<std::jthread> helpers;
  const int num_helpers =
      static_cast<int>(std::min<Eigen::Index>(options.num_threads - 1, work.num_blocks() - 1));
  for (int t = 0; t < num_helpers; ++t) {
    try {
      helpers.emplace_back([&] { work.Run(helper_stop, notify); });
    } catch (const std::system_error&) {
      break;  // fewer threads; the result is the same
    }
  }
  work.Run(client_stop, report);
  // The caller's share is done; keep reporting (and listening for a stop) while
  // the helpers finish theirs.
  while (reported < k && !client_stop.StopRequested()) {
    std::unique_lock<std::mutex> lock(mutex);
    progressed.wait_for(lock, std::chrono::milliseconds(1));
    lock.unlock();
    report();
  }
  helpers.clear();  // joins
  if (reported < k) return Stopped();

  out.per_direction.resize(k);
  for (Eigen::Index j = 0; j < k; ++j) out.per_direction[j] = work.value(j);
  out.transport_cost = sum / static_cast<double>(k);
  return out;
}

}  // namespace advect
