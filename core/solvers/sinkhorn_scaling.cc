#include "core/solvers/sinkhorn_scaling.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/solvers/sinkhorn_row_pass.h"
#include "core/solvers/stop_flag.h"
#include "core/solvers/vector_exp.h"

namespace advect::sinkhorn_internal {
namespace {

using Eigen::ArrayXd;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr Index kPollColumns = 64;  // kernel columns between stop polls
// Below this many kernel entries one thread does both halves of a pass (a
// thread start costs more than the pass).
constexpr Index kMinEntriesForHelper = Index{1} << 16;

template <typename T>
struct Limits;
template <>
struct Limits<double> {
  static constexpr double kMinExponent = -700.0;  // exp() is a normal double above this
  static constexpr double kBound = 1e50;          // absorb u, v outside [1/kBound, kBound]
};
template <>
struct Limits<float> {
  static constexpr double kMinExponent = -87.0;  // a normal float above this
  static constexpr double kBound = 1e15;
};

// The stabilised kernel of one build, column-major like the cost.
template <typename T>
struct Kernel {
  Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> k;
  VectorXd f0;
  VectorXd g0;
};

// K_ij = exp((f0_i + g0_j - C_ij) / eps) with f0 = f and g0_j = min_i (C_ij - f0_i)
// over the rows of positive weight: one streaming pass over the cost.
template <typename T>
bool BuildKernel(const LinearProblem& problem, const VectorXd& f, double eps, bool parallel,
                 Index half, const Observer& observer, Kernel<T>& kernel) {
  const MatrixXd& cost = problem.cost();
  const Index n = problem.n();
  const Index m = problem.m();
  const double inv_eps = 1.0 / eps;
  constexpr double kMin = Limits<T>::kMinExponent;
  kernel.f0 = f;
  kernel.g0.resize(m);
  kernel.k.resize(n, m);
  // Rows of zero weight take no part in the c-transform, so every column has
  // a 1 in a row that counts.
  const ArrayXd f_counted =
      (problem.a().array() > 0.0).select(f.array(), -std::numeric_limits<double>::infinity());
  auto build_columns = [&](int part, const Observer& o) {
    const Index begin = part == 0 ? 0 : half;
    const Index end = part == 0 ? half : m;
    ArrayXd exponent(n);
    for (Index j = begin; j < end; ++j) {
      if ((j - begin) % kPollColumns == 0 && o.StopRequested()) return false;
      const double g0 = (cost.col(j).array() - f_counted).minCoeff();
      kernel.g0[j] = g0;
      exponent = (f.array() + (g0 - cost.col(j).array())) * inv_eps;
      vector_exp::ExpOrZero(exponent.data(), exponent.data(), n, kMin);
      kernel.k.col(j) = exponent.matrix().template cast<T>();
    }
    return true;
  };
  return RunTwoParts(parallel, observer, build_columns);
}

enum class PassEnd { kDone, kStopped, kFailed };

bool PositiveFinite(double x) { return x > 0.0 && x < std::numeric_limits<double>::infinity(); }

// Feeds P_ij = (a_i u_i) K_ij (b_j v_j) column by column to `measurement`.
template <typename T>
bool MeasureFromKernel(const LinearProblem& problem, const Kernel<T>& kernel, const VectorXd& u,
                       const VectorXd& v, bool parallel, Index half, const Observer& observer,
                       log_domain::PlanMeasurement& measurement) {
  const ArrayXd au = problem.a().array() * u.array();
  return RunTwoParts(parallel, observer, [&](int part, const Observer& o) {
    const Index begin = part == 0 ? 0 : half;
    const Index end = part == 0 ? half : problem.m();
    ArrayXd column(problem.n());
    for (Index j = begin; j < end; ++j) {
      if ((j - begin) % kPollColumns == 0 && o.StopRequested()) return false;
      column = au * kernel.k.col(j).array().template cast<double>() * (problem.b()[j] * v[j]);
      measurement.Add(part, j, problem.cost().col(j).array(), column);
    }
    return true;
  });
}

template <typename T>
StageEnd RunTyped(const LinearProblem& problem, double eps, double tolerance,
                  int64_t max_iterations, int num_threads, Observer& observer,
                  const IterationCallback& on_iteration, int64_t& iteration, VectorXd& f,
                  VectorXd& g, ScalingStageStats& stats, bool final_stage,
                  log_domain::PlanMeasurement* measurement) {
  const Index n = problem.n();
  const Index m = problem.m();
  const VectorXd& a = problem.a();
  const VectorXd& b = problem.b();
  const ArrayXd positive_a = (a.array() > 0.0).cast<double>();
  const bool parallel = num_threads > 1 && n * m >= kMinEntriesForHelper && m >= 2;
  const Index half = m / 2;
  constexpr double kBound = Limits<T>::kBound;

  Kernel<T> kernel;
  VectorXd u = VectorXd::Ones(n);  // f = f0 + eps log u
  VectorXd v(m);
  VectorXd acc(n);
  VectorXd acc_second(n);
  Eigen::Matrix<T, Eigen::Dynamic, 1> w(n);
  bool fresh = false;  // no iteration since the last build

  // Absorbs u into f and rebuilds the kernel around it.
  auto rebuild = [&]() {
    f = kernel.f0.array() + eps * u.array().log();
    if (!BuildKernel(problem, f, eps, parallel, half, observer, kernel)) return false;
    u.setOnes();
    fresh = true;
    ++stats.kernel_builds;
    return true;
  };
  kernel.f0 = f;
  if (!rebuild()) return StageEnd::kStopped;

  while (true) {
    // One pass over the columns of K: v = 1 / (K^T (a u)) column by column,
    // and acc = K (b v) from the same reads.
    w = (a.array() * u.array()).template cast<T>();
    acc.setZero();
    acc_second.setZero();
    PassEnd ends[2] = {PassEnd::kDone, PassEnd::kDone};
    auto pass = [&](int part, const Observer& o) {
      const Index begin = part == 0 ? 0 : half;
      const Index end = part == 0 ? half : m;
      double* out = part == 0 ? acc.data() : acc_second.data();
      for (Index j0 = begin; j0 < end; j0 += kPollColumns) {
        if (o.StopRequested()) {
          ends[part] = PassEnd::kStopped;
          return false;
        }
        if (!row_pass::RowPass(kernel.k.data(), n, j0, std::min(end, j0 + kPollColumns),
                               w.data(), b.data(), v.data(), out)) {
          ends[part] = PassEnd::kFailed;
          return false;
        }
      }
      return true;
    };
    RunTwoParts(parallel, observer, pass);
    if (ends[0] == PassEnd::kStopped || ends[1] == PassEnd::kStopped) return StageEnd::kStopped;
    acc += acc_second;
    bool ok = ends[0] == PassEnd::kDone && ends[1] == PassEnd::kDone;
    for (Index i = 0; ok && i < n; ++i) ok = !(a[i] > 0.0) || PositiveFinite(acc[i]);
    if (!ok) {
      if (fresh) {
        f = kernel.f0;
        return StageEnd::kNeedsLogDomain;
      }
      if (!rebuild()) return StageEnd::kStopped;
      continue;  // the failed pass does not count as an iteration
    }
    fresh = false;
    f = kernel.f0.array() + eps * u.array().log();
    g = kernel.g0.array() + eps * v.array().log();
    // Out of iterations: the pass just made g exact for f, as the log domain's
    // closing half-step does for f.
    if (iteration >= max_iterations) {
      if (measurement != nullptr) {
        if (!MeasureFromKernel(problem, kernel, u, v, parallel, half, observer, *measurement)) {
          return StageEnd::kStopped;
        }
        stats.measured = true;
      }
      return StageEnd::kIterationLimit;
    }
    ++iteration;
    // Row sums of the plan (u, v) are a_i u_i acc_i; its column sums are exact.
    const double error = (a.array() * (u.array() * acc.array() - 1.0).abs() * positive_a).sum();
    if (!on_iteration(iteration, error, f, g)) return StageEnd::kStopped;
    if (error <= tolerance) {
      if (measurement != nullptr && final_stage) {
        if (!MeasureFromKernel(problem, kernel, u, v, parallel, half, observer, *measurement)) {
          return StageEnd::kStopped;
        }
        stats.measured = true;
      }
      return StageEnd::kConverged;
    }
    for (Index i = 0; i < n; ++i) {
      const double next = 1.0 / acc[i];
      if (a[i] > 0.0) {
        u[i] = next;
      } else if (std::isfinite(next)) {
        // Rows of zero weight carry no mass; their u only has to stay bounded.
        u[i] = std::clamp(next, 1.0 / kBound, kBound);
      }
    }
    const bool in_range = u.minCoeff() >= 1.0 / kBound && u.maxCoeff() <= kBound &&
                          v.minCoeff() >= 1.0 / kBound && v.maxCoeff() <= kBound;
    if (!in_range && !rebuild()) return StageEnd::kStopped;
  }
}

}  // namespace

StageEnd RunScalingStage(const LinearProblem& problem, double eps, double tolerance,
                         int64_t max_iterations, SinkhornPrecision precision, int num_threads,
                         Observer& observer, const IterationCallback& on_iteration,
                         int64_t& iteration, VectorXd& f, VectorXd& g, ScalingStageStats& stats,
                         bool final_stage, log_domain::PlanMeasurement* measurement) {
  // The float kernel's entries are rounded to 6e-8: its plan is measured from
  // the potentials instead, in double (by the caller).
  if (precision == SinkhornPrecision::kFloat32) {
    return RunTyped<float>(problem, eps, tolerance, max_iterations, num_threads, observer,
                           on_iteration, iteration, f, g, stats, final_stage, nullptr);
  }
  return RunTyped<double>(problem, eps, tolerance, max_iterations, num_threads, observer,
                          on_iteration, iteration, f, g, stats, final_stage, measurement);
}

}  // namespace advect::sinkhorn_internal
