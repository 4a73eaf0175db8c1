// The Observer contract of SolveSinkhorn and CostMatrix (core/observer.h):
// stop requests end the work quickly with kCancelled, progress arrives once per
// iteration, and frames arrive when wanted with the barycentric image of the
// source points.
#include <atomic>
#include <chrono>
#include <cmath>
#include <iostream>
#include <limits>
#include <thread>
#include <vector>

#include <Eigen/Core>

#include "absl/status/status.h"
#include "core/geometry/cost.h"
#include "core/observer.h"
#include "core/problems/linear_problem.h"
#include "core/solvers/sinkhorn.h"
#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace advect {
namespace {

using ::advect::testing::LoadPotArray;
using ::advect::testing::UniformPoints;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using Clock = std::chrono::steady_clock;

// How long a stop may take to be honoured, from the moment StopRequested()
// first returns true. The solvers poll once per cost column (microseconds
// here); the margin is for thread scheduling on a loaded 2-core machine.
constexpr std::chrono::milliseconds kStopLatency(250);

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

LinearProblem PotCaseProblem(const char* name, bool normalize) {
  absl::StatusOr<MatrixXd> xs = LoadPotArray(std::string(name) + "/xs.npy");
  absl::StatusOr<MatrixXd> xt = LoadPotArray(std::string(name) + "/xt.npy");
  EXPECT_TRUE(xs.ok() && xt.ok());
  absl::StatusOr<LinearProblem> p =
      LinearProblem::FromPoints(*xs, *xt, VectorXd(), VectorXd(), GroundCost{});
  EXPECT_TRUE(p.ok()) << p.status();
  if (normalize) {
    EXPECT_TRUE(p->NormalizeCost().ok());
  }
  return *std::move(p);
}

// Asks to stop once `after` progress reports have arrived, and remembers when.
class StopAfterProgress : public Observer {
 public:
  explicit StopAfterProgress(int after) : after_(after) {}
  void OnProgress(const ProgressReport& /*report*/) override {
    if (++reports_ == after_) flipped_at_ = Clock::now();
  }
  bool StopRequested() const override { return reports_ >= after_; }
  int reports() const { return reports_; }
  Clock::time_point flipped_at() const { return flipped_at_; }

 private:
  const int after_;
  int reports_ = 0;
  Clock::time_point flipped_at_;
};

// Asks to stop after `after` polls of StopRequested().
class StopAfterPolls : public Observer {
 public:
  explicit StopAfterPolls(int after) : after_(after) {}
  bool StopRequested() const override {
    const int polls = ++polls_;
    if (polls - 1 == after_) flipped_at_ = Clock::now();
    return polls > after_;
  }
  int polls() const { return polls_; }
  Clock::time_point flipped_at() const { return flipped_at_; }

 private:
  const int after_;
  mutable std::atomic<int> polls_{0};
  mutable Clock::time_point flipped_at_;
};

// A stop flag set from another thread, as the server does on cancellation.
class StopFlag : public Observer {
 public:
  bool StopRequested() const override { return stop_.load(std::memory_order_relaxed); }
  void Stop() { stop_.store(true, std::memory_order_relaxed); }

 private:
  std::atomic<bool> stop_{false};
};

// Records progress and the frames of every step that is a multiple of `every`.
class Recorder : public Observer {
 public:
  explicit Recorder(int64_t every) : every_(every) {}
  void OnProgress(const ProgressReport& report) override { reports.push_back(report); }
  bool WantsFrame(int64_t step) const override { return every_ > 0 && step % every_ == 0; }
  void OnFrame(Frame frame) override { frames.push_back(std::move(frame)); }
  std::vector<ProgressReport> reports;
  std::vector<Frame> frames;

 private:
  const int64_t every_;
};

// Wants exactly the frame of the iteration whose error passes `tolerance`:
// progress for an iteration is reported before the frame is offered, so this
// captures the final (converged) state without paying for earlier frames.
class FinalFrame : public Observer {
 public:
  explicit FinalFrame(double tolerance) : tolerance_(tolerance) {}
  void OnProgress(const ProgressReport& report) override { last_error_ = report.error; }
  bool WantsFrame(int64_t /*step*/) const override { return last_error_ <= tolerance_; }
  void OnFrame(Frame frame) override { frame_ = std::move(frame); }
  const Frame& frame() const { return frame_; }

 private:
  const double tolerance_;
  double last_error_ = std::numeric_limits<double>::infinity();
  Frame frame_;
};

TEST(SinkhornStopTest, StopsRightAfterTheRequest) {
  const LinearProblem problem = PotCaseProblem("n1000_d2", true);
  SinkhornOptions options;
  options.epsilon = 0.01;
  options.tolerance = 1e-12;
  options.max_iterations = 100000;
  StopAfterProgress observer(3);
  absl::StatusOr<SinkhornOutput> out = SolveSinkhorn(problem, options, observer);
  const Clock::time_point returned = Clock::now();
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kCancelled) << out.status();
  // The request is seen inside the next half-step: no fourth iteration completes.
  EXPECT_EQ(observer.reports(), 3);
  EXPECT_LT(returned - observer.flipped_at(), kStopLatency);
}

TEST(SinkhornStopTest, StopBeforeStartDoesNoWork) {
  const LinearProblem problem = PotCaseProblem("n1000_d2", true);
  SinkhornOptions options;
  options.epsilon = 0.05;
  StopAfterProgress observer(0);  // stop is requested from the start
  absl::StatusOr<SinkhornOutput> out = SolveSinkhorn(problem, options, observer);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(observer.reports(), 0);
}

class SinkhornStopPhaseTest : public ::testing::TestWithParam<SinkhornMethod> {};

TEST_P(SinkhornStopPhaseTest, StopsDuringEverySolverPhase) {
  // The log-domain solver polls once per cost column (and per block of rows
  // while transposing); the scaling form once per block of rows while building
  // the kernel and during each pass. Stopping after k polls lands the request
  // in each phase in turn: the set-up (transpose or kernel), the iterations,
  // and the final measurement of the plan.
  const LinearProblem problem = PotCaseProblem("n1000_d2", true);
  SinkhornOptions options;
  options.epsilon = 0.05;
  options.tolerance = 1e-12;
  options.method = GetParam();
  StopAfterPolls counter(std::numeric_limits<int>::max());
  ASSERT_TRUE(SolveSinkhorn(problem, options, counter).ok());
  const int total = counter.polls();
  ASSERT_GT(total, 500);
  for (int after : {0, 1, 5, total / 8, total / 4, total / 2, 3 * total / 4, total - 5, total - 1}) {
    StopAfterPolls observer(after);
    absl::StatusOr<SinkhornOutput> out = SolveSinkhorn(problem, options, observer);
    const Clock::time_point returned = Clock::now();
    EXPECT_EQ(out.status().code(), absl::StatusCode::kCancelled) << "after " << after;
    // Honoured at the first poll that says stop.
    EXPECT_EQ(observer.polls(), after + 1) << "after " << after;
    EXPECT_LT(returned - observer.flipped_at(), kStopLatency);
  }
}

INSTANTIATE_TEST_SUITE_P(Methods, SinkhornStopPhaseTest,
                         ::testing::Values(SinkhornMethod::kAuto, SinkhornMethod::kLogDomain),
                         [](const ::testing::TestParamInfo<SinkhornMethod>& info) {
                           return std::string(info.param == SinkhornMethod::kAuto ? "Scaling"
                                                                                  : "LogDomain");
                         });

TEST(SinkhornStopTest, StopFromAnotherThreadOnALargeProblem) {
  const LinearProblem problem = PotCaseProblem("n2000_d10", true);
  SinkhornOptions options;
  options.epsilon = 0.001;
  options.tolerance = 0.0;
  options.max_iterations = 1000000;  // would run for hours
  StopFlag observer;
  Clock::time_point stopped_at;
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    stopped_at = Clock::now();
    observer.Stop();
  });
  absl::StatusOr<SinkhornOutput> out = SolveSinkhorn(problem, options, observer);
  const Clock::time_point returned = Clock::now();
  stopper.join();
  EXPECT_EQ(out.status().code(), absl::StatusCode::kCancelled) << out.status();
  std::cout << "stop latency " << Seconds(returned - stopped_at) * 1e3 << " ms\n";
  EXPECT_LT(returned - stopped_at, kStopLatency);
}

TEST(CostMatrixStopTest, StopsAfterTheRequestedPoll) {
  const MatrixXd x = UniformPoints(2000, 5, 1);
  const MatrixXd y = UniformPoints(3000, 5, 2);
  StopAfterPolls observer(10);
  absl::StatusOr<MatrixXd> c = CostMatrix(x, y, GroundCost{}, observer);
  EXPECT_EQ(c.status().code(), absl::StatusCode::kCancelled) << c.status();
  EXPECT_EQ(observer.polls(), 11);
  // The problem builder passes the observer down and the error up.
  StopAfterPolls again(10);
  absl::StatusOr<LinearProblem> p =
      LinearProblem::FromPoints(x, y, VectorXd(), VectorXd(), GroundCost{}, again);
  EXPECT_EQ(p.status().code(), absl::StatusCode::kCancelled) << p.status();
  EXPECT_EQ(again.polls(), 11);
}

TEST(CostMatrixStopTest, StopFromAnotherThreadDuringALargeCostMatrix) {
  // 4000 x 4000 in dimension 64: ~1e9 flops, far longer than the 20 ms wait.
  const MatrixXd x = UniformPoints(4000, 64, 3);
  const MatrixXd y = UniformPoints(4000, 64, 4);
  StopFlag observer;
  Clock::time_point stopped_at;
  const Clock::time_point start = Clock::now();
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    stopped_at = Clock::now();
    observer.Stop();
  });
  absl::StatusOr<MatrixXd> c = CostMatrix(x, y, GroundCost{CostKind::kPower, 1.5}, observer);
  const Clock::time_point returned = Clock::now();
  stopper.join();
  ASSERT_EQ(c.status().code(), absl::StatusCode::kCancelled)
      << "finished in " << Seconds(returned - start) << " s before the stop";
  std::cout << "stop latency " << Seconds(returned - stopped_at) * 1e3 << " ms\n";
  EXPECT_LT(returned - stopped_at, kStopLatency);
}

TEST(SinkhornProgressTest, OneReportPerIteration) {
  const LinearProblem problem = PotCaseProblem("n1000_d2", true);
  SinkhornOptions options;
  options.epsilon = 0.05;
  options.tolerance = 1e-9;
  Recorder recorder(0);
  absl::StatusOr<SinkhornOutput> out = SolveSinkhorn(problem, options, recorder);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_TRUE(out->converged);
  ASSERT_EQ(static_cast<int64_t>(recorder.reports.size()), out->iterations);
  for (size_t k = 0; k < recorder.reports.size(); ++k) {
    EXPECT_EQ(recorder.reports[k].iteration, static_cast<int64_t>(k) + 1);
    EXPECT_TRUE(std::isfinite(recorder.reports[k].error));
    EXPECT_TRUE(std::isfinite(recorder.reports[k].objective));
  }
  const ProgressReport& last = recorder.reports.back();
  EXPECT_LE(last.error, options.tolerance);
  EXPECT_GT(recorder.reports.front().error, options.tolerance);
  // The last report describes the returned potentials and plan.
  EXPECT_EQ(last.objective, out->dual_objective);
  EXPECT_NEAR(last.error, out->marginal_error, 1e-12);
  EXPECT_TRUE(recorder.frames.empty());
}

TEST(SinkhornFrameTest, FramesArriveEveryKSteps) {
  const LinearProblem problem = PotCaseProblem("n1000_d2", true);
  SinkhornOptions options;
  options.epsilon = 0.05;
  options.tolerance = 1e-9;
  constexpr int64_t kEvery = 5;
  Recorder recorder(kEvery);
  absl::StatusOr<SinkhornOutput> out = SolveSinkhorn(problem, options, recorder);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_TRUE(out->converged);
  ASSERT_EQ(static_cast<int64_t>(recorder.frames.size()), out->iterations / kEvery);
  ASSERT_GE(recorder.frames.size(), 2u);
  for (size_t k = 0; k < recorder.frames.size(); ++k) {
    const Frame& frame = recorder.frames[k];
    EXPECT_EQ(frame.step, kEvery * static_cast<int64_t>(k + 1));
    EXPECT_EQ(frame.time, static_cast<double>(frame.step));
    ASSERT_EQ(frame.positions.rows(), problem.n());
    ASSERT_EQ(frame.positions.cols(), problem.x().cols());
    ASSERT_TRUE(frame.positions.allFinite());
    // Barycentres of targets in [0, 1)^2 stay in the square.
    EXPECT_GE(frame.positions.minCoeff(), 0.0);
    EXPECT_LT(frame.positions.maxCoeff(), 1.0);
  }
  // The solution is the same with or without frames.
  absl::StatusOr<SinkhornOutput> plain = SolveSinkhorn(problem, options);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->iterations, out->iterations);
  EXPECT_EQ(plain->transport_cost, out->transport_cost);
}

TEST(SinkhornFrameTest, CostMatrixProblemsHaveNoFrames) {
  absl::StatusOr<LinearProblem> problem = LinearProblem::FromCostMatrix(
      PotCaseProblem("n1000_d2", true).cost(), VectorXd(), VectorXd());
  ASSERT_TRUE(problem.ok());
  SinkhornOptions options;
  options.epsilon = 0.05;
  Recorder recorder(1);
  absl::StatusOr<SinkhornOutput> out = SolveSinkhorn(*problem, options, recorder);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_FALSE(recorder.reports.empty());
  EXPECT_TRUE(recorder.frames.empty());
}

TEST(SinkhornFrameTest, FinalFrameIsTheBarycentricMapOfThePlan) {
  const MatrixXd x = UniformPoints(50, 3, 71);
  const MatrixXd y = UniformPoints(40, 3, 72);
  VectorXd a = VectorXd::Ones(50);
  a[7] = 0.0;  // a source point without mass
  absl::StatusOr<LinearProblem> problem =
      LinearProblem::FromPoints(x, y, a, VectorXd(), GroundCost{});
  ASSERT_TRUE(problem.ok());
  SinkhornOptions options;
  options.epsilon = 0.01;
  options.tolerance = 1e-10;
  options.max_iterations = 100000;
  options.return_plan = true;
  FinalFrame observer(options.tolerance);
  absl::StatusOr<SinkhornOutput> out = SolveSinkhorn(*problem, options, observer);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_TRUE(out->converged);
  const Frame& frame = observer.frame();
  EXPECT_EQ(frame.step, out->iterations);
  ASSERT_EQ(frame.positions.rows(), 50);
  ASSERT_EQ(frame.positions.cols(), 3);
  // T(x_i) = sum_j P_ij y_j / sum_j P_ij.
  const MatrixXd& plan = *out->plan;
  for (Eigen::Index i = 0; i < 50; ++i) {
    if (i == 7) {
      EXPECT_EQ(frame.positions.row(i), x.row(i));  // stays where it is
      continue;
    }
    const Eigen::RowVectorXd expected = (plan.row(i) * y) / plan.row(i).sum();
    EXPECT_LE((frame.positions.row(i) - expected).cwiseAbs().maxCoeff(), 1e-13) << i;
  }
}

TEST(SinkhornFrameTest, SmallEpsilonFramesApproachTheExactTargets) {
  // POT's exact plan for n1000_d2 is a permutation sigma (emd_plan_i/j.npy), so
  // the Monge map sends x_i to y_sigma(i). The entropic plan spreads each
  // source over targets within a few sqrt(eps) (its kernel exp(-|x - y|^2 / eps)
  // has standard deviation sqrt(eps / 2) per axis), and its barycentric image
  // lies on average within about that distance of y_sigma(i). We check the
  // mean distance against sqrt(eps / 2) = 0.022 at eps = 1e-3 (cost M in its
  // own units; measured 0.016), and that it is far better than not moving
  // (the mean |x_i - y_sigma(i)| is 0.035).
  const LinearProblem problem = PotCaseProblem("n1000_d2", false);
  absl::StatusOr<MatrixXd> plan_i = LoadPotArray("n1000_d2/emd_plan_i.npy");
  absl::StatusOr<MatrixXd> plan_j = LoadPotArray("n1000_d2/emd_plan_j.npy");
  ASSERT_TRUE(plan_i.ok() && plan_j.ok());
  ASSERT_EQ(plan_i->rows(), 1000);
  MatrixXd exact_targets(1000, 2);
  std::vector<bool> seen(1000, false);
  for (Eigen::Index k = 0; k < 1000; ++k) {
    const auto i = static_cast<Eigen::Index>((*plan_i)(k, 0));
    const auto j = static_cast<Eigen::Index>((*plan_j)(k, 0));
    ASSERT_FALSE(seen[i]);
    seen[i] = true;
    exact_targets.row(i) = problem.y().row(j);
  }
  SinkhornOptions options;
  options.epsilon = 1e-3;
  options.tolerance = 1e-4;
  options.max_iterations = 20000;
  options.epsilon_scaling = EpsilonScaling{};
  FinalFrame observer(options.tolerance);
  const Clock::time_point start = Clock::now();
  absl::StatusOr<SinkhornOutput> out = SolveSinkhorn(problem, options, observer);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_TRUE(out->converged);
  const Frame& frame = observer.frame();
  ASSERT_EQ(frame.step, out->iterations);
  ASSERT_EQ(frame.positions.rows(), 1000);
  ASSERT_EQ(frame.positions.cols(), 2);
  const double mean_error = (frame.positions - exact_targets).rowwise().norm().mean();
  const double mean_displacement = (problem.x() - exact_targets).rowwise().norm().mean();
  std::cout << "eps 1e-3: mean |T(x_i) - y_sigma(i)| = " << mean_error
            << ", mean |x_i - y_sigma(i)| = " << mean_displacement << ", " << out->iterations
            << " iterations, " << Seconds(Clock::now() - start) << " s\n";
  EXPECT_LE(mean_error, std::sqrt(options.epsilon / 2.0));
  EXPECT_LT(mean_error, 0.5 * mean_displacement);
}

}  // namespace
}  // namespace advect
