// ot_core_bench: one timed call of one advect OT solver on inputs read from .npy
// files, for the side-by-side comparison with POT driven by bench/ot_vs_pot.py.
//
// One process per repetition. The inputs are read and any cost matrix is built
// (and, for Sinkhorn, normalised by its maximum) BEFORE the timer; only the
// solver call is timed, with std::chrono::steady_clock. The process then prints
// one JSON line on stdout:
//   {"solver": ..., "seconds": ..., "value": ..., "iterations": ...,
//    "peak_rss_kb": ..., ...solver-specific fields}
// peak_rss_kb is getrusage(RUSAGE_SELF).ru_maxrss at the end: the peak of the
// whole process, inputs and cost matrix included.
//
// Solvers:
//   exact         SolveExactOt on the dense squared-Euclidean cost of x, y (uniform weights)
//   exact_points  SolveExactOtFromPoints (costs computed when priced, no matrix)
//   sinkhorn      SolveSinkhorn on that cost divided by its maximum, --epsilon in
//                 those units, --tolerance on the L1 marginal error;
//                 --threads, --precision float64|float32, --method auto|log
//   sinkhorn_online  SolveSinkhornOnline: the same problem without any matrix
//                 (the maximum and every cost computed in the timer), --threads
//   sliced        SolveSliced with the directions of --directions (d x k), p = 2
//   1d            SolveOt1d of the 1-D arrays x, y (weights --a, --b if given), p = 2
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "core/geometry/cost.h"
#include "core/io/npy.h"
#include "core/observer.h"
#include "core/problems/linear_problem.h"
#include "core/solvers/network_simplex.h"
#include "core/solvers/ot_1d.h"
#include "core/solvers/sinkhorn.h"
#include "core/solvers/sinkhorn_online.h"
#include "core/solvers/sliced.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Flags {
  std::string solver;
  std::string x, y, a, b, directions;
  double epsilon = 0.0;    // sinkhorn, in units of the normalised cost
  double tolerance = 1e-6;  // sinkhorn, L1 marginal error
  int64_t max_iterations = 100000;
  int threads = 1;  // sliced, sinkhorn
  std::string precision = "float64";  // sinkhorn: float64|float32
  std::string method = "auto";        // sinkhorn: auto|log
};

void Usage() {
  std::cout
      << "Usage: ot_core_bench --solver=exact|exact_points|sinkhorn|sinkhorn_online|sliced|1d --x=X.npy --y=Y.npy\n"
         "                     [--a=A.npy --b=B.npy] [--epsilon=E] [--tolerance=T]\n"
         "                     [--max-iterations=N] [--directions=D.npy] [--threads=N]\n"
         "                     [--precision=float64|float32] [--method=auto|log]  (sinkhorn)\n"
         "Times one solver call (inputs and cost matrix prepared before the timer) and\n"
         "prints one JSON line. Driven by bench/run-ot-bench; see bench/README.md.\n";
}

[[noreturn]] void Fail(const std::string& message) {
  std::cerr << "ot_core_bench: " << message << "\n";
  std::exit(1);
}

double ParseDouble(const std::string& flag, const std::string& value) {
  char* end = nullptr;
  const double v = std::strtod(value.c_str(), &end);
  if (value.empty() || *end != '\0') Fail(flag + ": expected a number, got \"" + value + "\"");
  return v;
}

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      Usage();
      std::exit(0);
    }
    std::string value;
    const size_t eq = arg.find('=');
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    }
    if (arg == "--solver") {
      f.solver = value;
    } else if (arg == "--x") {
      f.x = value;
    } else if (arg == "--y") {
      f.y = value;
    } else if (arg == "--a") {
      f.a = value;
    } else if (arg == "--b") {
      f.b = value;
    } else if (arg == "--directions") {
      f.directions = value;
    } else if (arg == "--epsilon") {
      f.epsilon = ParseDouble(arg, value);
    } else if (arg == "--tolerance") {
      f.tolerance = ParseDouble(arg, value);
    } else if (arg == "--max-iterations") {
      f.max_iterations = static_cast<int64_t>(ParseDouble(arg, value));
    } else if (arg == "--precision") {
      f.precision = value;
    } else if (arg == "--method") {
      f.method = value;
    } else if (arg == "--threads") {
      f.threads = static_cast<int>(ParseDouble(arg, value));
    } else {
      std::cerr << "ot_core_bench: unknown flag " << arg << "\n";
      Usage();
      std::exit(2);
    }
  }
  if (f.solver.empty() || f.x.empty() || f.y.empty()) {
    Usage();
    std::exit(2);
  }
  return f;
}

Eigen::MatrixXd Load(const std::string& path) {
  absl::StatusOr<advect::Array> array = advect::ReadNpy(path);
  if (!array.ok()) Fail(path + ": " + std::string(array.status().message()));
  return std::move(array->values);
}

Eigen::VectorXd LoadVector(const std::string& path) {
  if (path.empty()) return Eigen::VectorXd();
  Eigen::MatrixXd m = Load(path);
  if (m.cols() != 1) Fail(path + ": expected a 1-D array");
  return m.col(0);
}

template <typename T>
T Check(absl::StatusOr<T> result, const std::string& what) {
  if (!result.ok()) Fail(what + ": " + result.status().ToString());
  return std::move(*result);
}

long PeakRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;  // kilobytes on Linux
}

double Seconds(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

// Times the first and last progress report, for a per-iteration time that
// leaves out the set-up before the first iteration and the measuring after
// the last.
class IterationClock final : public advect::Observer {
 public:
  void OnProgress(const advect::ProgressReport& report) override {
    const Clock::time_point now = Clock::now();
    if (count_ == 0) first_ = now;
    last_ = now;
    first_iteration_ = count_ == 0 ? report.iteration : first_iteration_;
    last_iteration_ = report.iteration;
    ++count_;
  }
  Clock::time_point first() const { return first_; }
  Clock::time_point last() const { return last_; }
  // Seconds per iteration between the first and last report, or -1.
  double PerIteration() const {
    if (last_iteration_ <= first_iteration_) return -1.0;
    return Seconds(first_, last_) / static_cast<double>(last_iteration_ - first_iteration_);
  }

 private:
  int64_t count_ = 0;
  int64_t first_iteration_ = 0, last_iteration_ = 0;
  Clock::time_point first_, last_;
};

void Print(const std::string& solver, double seconds, double value, int64_t iterations,
           const std::string& extra) {
  std::printf("{\"solver\": \"%s\", \"seconds\": %.9g, \"value\": %.17g, \"iterations\": %lld, "
              "\"peak_rss_kb\": %ld%s}\n",
              solver.c_str(), seconds, value, static_cast<long long>(iterations), PeakRssKb(),
              extra.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  const Flags flags = ParseFlags(argc, argv);
  Eigen::MatrixXd x = Load(flags.x);
  Eigen::MatrixXd y = Load(flags.y);
  const Eigen::VectorXd a = LoadVector(flags.a);
  const Eigen::VectorXd b = LoadVector(flags.b);
  const advect::GroundCost cost;  // squared Euclidean

  if (flags.solver == "exact") {
    advect::LinearProblem problem =
        Check(advect::LinearProblem::FromPoints(x, y, a, b, cost), "FromPoints");
    const Clock::time_point start = Clock::now();
    advect::ExactOtOutput out = Check(advect::SolveExactOt(problem, {}), "SolveExactOt");
    const double seconds = Seconds(start, Clock::now());
    char extra[128];
    std::snprintf(extra, sizeof extra, ", \"optimal\": %s",
                  out.status == advect::ExactOtStatus::kOptimal ? "true" : "false");
    Print(flags.solver, seconds, out.transport_cost, out.iterations, extra);
  } else if (flags.solver == "exact_points") {
    const Clock::time_point start = Clock::now();
    advect::ExactOtOutput out =
        Check(advect::SolveExactOtFromPoints(x, y, a, b, cost, {}), "SolveExactOtFromPoints");
    const double seconds = Seconds(start, Clock::now());
    char extra[128];
    std::snprintf(extra, sizeof extra, ", \"optimal\": %s",
                  out.status == advect::ExactOtStatus::kOptimal ? "true" : "false");
    Print(flags.solver, seconds, out.transport_cost, out.iterations, extra);
  } else if (flags.solver == "sinkhorn") {
    advect::LinearProblem problem =
        Check(advect::LinearProblem::FromPoints(x, y, a, b, cost), "FromPoints");
    if (absl::Status s = problem.NormalizeCost(); !s.ok()) Fail(s.ToString());
    advect::SinkhornOptions options;
    options.epsilon = flags.epsilon;
    options.tolerance = flags.tolerance;
    options.max_iterations = flags.max_iterations;
    options.num_threads = flags.threads;
    if (flags.precision == "float32") {
      options.precision = advect::SinkhornPrecision::kFloat32;
    } else if (flags.precision != "float64") {
      Fail("--precision must be float64 or float32");
    }
    if (flags.method == "log") {
      options.method = advect::SinkhornMethod::kLogDomain;
    } else if (flags.method != "auto") {
      Fail("--method must be auto or log");
    }
    IterationClock clock;
    const Clock::time_point start = Clock::now();
    advect::SinkhornOutput out =
        Check(advect::SolveSinkhorn(problem, options, clock), "SolveSinkhorn");
    const double seconds = Seconds(start, Clock::now());
    char extra[512];
    std::snprintf(extra, sizeof extra,
                  ", \"marginal_error_l1\": %.6g, \"converged\": %s, \"seconds_per_iteration\": %.6g"
                  ", \"threads\": %d, \"precision\": \"%s\", \"kernel_builds\": %lld"
                  ", \"log_domain_iterations\": %lld, \"to_first_report\": %.4g"
                  ", \"after_last_report\": %.4g",
                  out.marginal_error, out.converged ? "true" : "false", clock.PerIteration(),
                  flags.threads, flags.precision.c_str(), static_cast<long long>(out.kernel_builds),
                  static_cast<long long>(out.log_domain_iterations), Seconds(start, clock.first()),
                  Seconds(clock.last(), start + std::chrono::duration_cast<Clock::duration>(
                                                    std::chrono::duration<double>(seconds))));
    // value: <P, C> in units of the normalised cost, as POT's <P, M / M.max()>.
    Print(flags.solver, seconds, out.transport_cost, out.iterations, extra);
  } else if (flags.solver == "sinkhorn_online") {
    // No cost matrix at all: the normalisation's maximum and every cost are
    // computed from the points inside the timer.
    const Eigen::Index n = x.rows();
    const Eigen::Index m = y.rows();
    advect::OnlineProblem problem{x, y, a.size() ? a : Eigen::VectorXd::Constant(n, 1.0 / n),
                                  b.size() ? b : Eigen::VectorXd::Constant(m, 1.0 / m), cost,
                                  1.0};
    advect::SinkhornOptions options;
    options.epsilon = flags.epsilon;
    options.tolerance = flags.tolerance;
    options.max_iterations = flags.max_iterations;
    options.num_threads = flags.threads;
    IterationClock clock;
    const Clock::time_point start = Clock::now();
    problem.cost_scale =
        Check(advect::MaxCostOnline(x, y, cost, flags.threads), "MaxCostOnline");
    advect::SinkhornOutput out =
        Check(advect::SolveSinkhornOnline(problem, options, clock), "SolveSinkhornOnline");
    const double seconds = Seconds(start, Clock::now());
    char extra[256];
    std::snprintf(extra, sizeof extra,
                  ", \"marginal_error_l1\": %.6g, \"converged\": %s, \"seconds_per_iteration\": %.6g"
                  ", \"threads\": %d",
                  out.marginal_error, out.converged ? "true" : "false", clock.PerIteration(),
                  flags.threads);
    Print(flags.solver, seconds, out.transport_cost, out.iterations, extra);
  } else if (flags.solver == "sliced") {
    advect::SlicedOptions options;
    options.p = 2.0;
    if (flags.directions.empty()) Fail("--directions is required for sliced");
    options.directions = Load(flags.directions);
    options.num_threads = flags.threads;
    const Clock::time_point start = Clock::now();
    advect::SlicedOutput out = Check(advect::SolveSliced(x, y, a, b, options), "SolveSliced");
    const double seconds = Seconds(start, Clock::now());
    char extra[64];
    std::snprintf(extra, sizeof extra, ", \"threads\": %d", flags.threads);
    // value: SW_2^2, the mean over directions of W_2^2.
    Print(flags.solver, seconds, out.transport_cost, out.per_direction.size(), extra);
  } else if (flags.solver == "1d") {
    if (x.cols() != 1 || y.cols() != 1) Fail("1d: x and y must be 1-D arrays");
    const Clock::time_point start = Clock::now();
    advect::Ot1dOutput out = Check(advect::SolveOt1d(x.col(0), y.col(0), a, b, 2.0), "SolveOt1d");
    const double seconds = Seconds(start, Clock::now());
    Print(flags.solver, seconds, out.transport_cost, 0, "");
  } else {
    Fail("unknown --solver " + flags.solver);
  }
  return 0;
}
