#include "core/solvers/entropic_jko.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace advect {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

constexpr double kLogScalingCap = 345.0;  // exp(345) ~ 1e150
const double kScalingCap = std::exp(kLogScalingCap);

double Spacing(const JkoGrid& g, size_t k) {
  return (g.hi[k] - g.lo[k]) / static_cast<double>(g.n[k] - 1);
}

// exp(-(i h - j h)^2 / eps) along one axis.
MatrixXd AxisKernel(int64_t n, double h, double epsilon) {
  MatrixXd k(n, n);
  for (Index i = 0; i < n; ++i) {
    for (Index j = 0; j < n; ++j) {
      const double t = static_cast<double>(i - j) * h;
      k(i, j) = std::exp(-t * t / epsilon);
    }
  }
  return k;
}

// y = K x for the separable kernel (K symmetric, so also K^T x).
class SeparableKernel {
 public:
  SeparableKernel(const JkoGrid& g, double epsilon) {
    for (size_t k = 0; k < g.n.size(); ++k)
      axes_.push_back(AxisKernel(g.n[k], Spacing(g, k), epsilon));
  }
  VectorXd Apply(const VectorXd& x) const {
    if (axes_.size() == 1) return axes_[0] * x;
    const Index n0 = axes_[0].rows(), n1 = axes_[1].rows();
    // Flat index i n1 + j: column-major n1 x n0 with (j, i).
    Eigen::Map<const MatrixXd> m(x.data(), n1, n0);
    VectorXd y(x.size());
    Eigen::Map<MatrixXd>(y.data(), n1, n0) = axes_[1] * m * axes_[0];  // K_0 symmetric
    return y;
  }

 private:
  std::vector<MatrixXd> axes_;
};

double Energy(const VectorXd& alpha, const VectorXd& v, double s, double log_cell) {
  double e = alpha.dot(v);
  if (s > 0.0) {
    for (Index i = 0; i < alpha.size(); ++i) {
      if (alpha[i] > 0.0) e += s * alpha[i] * (std::log(alpha[i]) - log_cell);
    }
  }
  return e;
}

}  // namespace

MatrixXd JkoGridPoints(const JkoGrid& g) {
  const Index d = static_cast<Index>(g.n.size());
  Index total = 1;
  for (int64_t n : g.n) total *= n;
  MatrixXd x(total, d);
  for (Index flat = 0; flat < total; ++flat) {
    Index rest = flat;
    for (Index k = d - 1; k >= 0; --k) {
      const int64_t n = g.n[static_cast<size_t>(k)];
      x(flat, k) = g.lo[static_cast<size_t>(k)] +
                   static_cast<double>(rest % n) * Spacing(g, static_cast<size_t>(k));
      rest /= n;
    }
  }
  return x;
}

absl::StatusOr<double> CheckJkoInput(const JkoGrid& grid, const VectorXd& density,
                                     const VectorXd& v, const JkoOptions& o) {
  const size_t d = grid.n.size();
  if (d < 1 || d > 2 || grid.lo.size() != d || grid.hi.size() != d) {
    return absl::InvalidArgumentError("grid: needs 1 or 2 axes, each with n, lo and hi");
  }
  Index total = 1;
  double max_spacing = 0.0, log_cell = 0.0;
  for (size_t k = 0; k < d; ++k) {
    if (grid.n[k] < 2 || grid.n[k] > 4096) {
      return absl::InvalidArgumentError(
          absl::StrCat("grid: axis ", k, " needs 2 to 4096 points, got ", grid.n[k]));
    }
    if (!(std::isfinite(grid.lo[k]) && std::isfinite(grid.hi[k]) && grid.lo[k] < grid.hi[k])) {
      return absl::InvalidArgumentError(absl::StrCat(
          "grid: axis ", k, " needs finite lo < hi, got [", grid.lo[k], ", ", grid.hi[k], "]"));
    }
    total *= grid.n[k];
    max_spacing = std::max(max_spacing, Spacing(grid, k));
    log_cell += std::log(Spacing(grid, k));
  }
  if (density.size() != total || !density.allFinite() || density.minCoeff() < 0.0 ||
      !(density.sum() > 0.0)) {
    return absl::InvalidArgumentError(absl::StrCat("density: needs ", total,
                                                   " finite values >= 0 with a positive sum, got ",
                                                   density.size(), " values"));
  }
  if (v.size() != total || !v.allFinite()) {
    return absl::InvalidArgumentError(
        absl::StrCat("potential: needs ", total, " finite values on the grid"));
  }
  if (!(std::isfinite(o.tau) && o.tau > 0.0)) {
    return absl::InvalidArgumentError(absl::StrCat("tau: must be finite and > 0, got ", o.tau));
  }
  if (o.steps < 1 || o.steps > 100000) {
    return absl::InvalidArgumentError(absl::StrCat("steps: must be in [1, 100000], got ", o.steps));
  }
  if (!(std::isfinite(o.sigma) && o.sigma >= 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("sigma: must be finite and >= 0, got ", o.sigma));
  }
  if (o.max_iterations < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_iterations: must be >= 1, got ", o.max_iterations));
  }
  const double epsilon = o.epsilon == 0.0 ? 4.0 * max_spacing * max_spacing : o.epsilon;
  if (!(std::isfinite(epsilon) && epsilon > 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("epsilon: must be finite and > 0 (0 = (2 spacing)^2), got ", o.epsilon));
  }
  (void)log_cell;
  return epsilon;
}

absl::StatusOr<JkoOutput> RunEntropicJko(const JkoGrid& grid, VectorXd density, const VectorXd& v,
                                         const JkoOptions& o, Observer& observer) {
  absl::StatusOr<double> checked = CheckJkoInput(grid, density, v, o);
  if (!checked.ok()) return checked.status();
  const double epsilon = *checked;
  const size_t d = grid.n.size();
  Index total = density.size();
  double log_cell = 0.0;
  for (size_t k = 0; k < d; ++k) log_cell += std::log(Spacing(grid, k));
  const SeparableKernel kernel(grid, epsilon);
  const double gamma = 2.0 * o.tau / epsilon;
  const double s = o.sigma * o.sigma;
  const double power = 1.0 / (1.0 + gamma * s);
  // log prox(z) = (log z - gamma V - gamma s (1 - log h^d)) / (1 + gamma s).
  const VectorXd shift = -gamma * v.array() - gamma * s * (1.0 - log_cell);
  const absl::Status stopped = absl::CancelledError("the JKO scheme was asked to stop");
  JkoOutput out;
  out.epsilon = epsilon;
  out.energy.push_back(Energy(density, v, s, log_cell));
  auto frame = [&](int64_t k, const VectorXd& alpha) {
    if (!observer.WantsFrame(k)) return;
    MatrixXd m =
        d == 1
            ? MatrixXd(alpha)
            : MatrixXd(Eigen::Map<const MatrixXd>(alpha.data(), grid.n[1], grid.n[0]).transpose());
    observer.OnFrame({k, static_cast<double>(k) * o.tau, std::move(m)});
  };
  frame(0, density);
  VectorXd b = VectorXd::Ones(total);
  VectorXd a(total), z(total), q(total);
  for (int64_t step = 1; step <= o.steps; ++step) {
    const VectorXd& p = density;
    double error = 0.0;
    int64_t it = 0;
    for (; it < o.max_iterations; ++it) {
      if (observer.StopRequested()) return stopped;  // every iteration: O(total) work
      const VectorXd kb = kernel.Apply(b);
      // Where the mass is negligible the scalings can grow without bound; capping them at
      // kScalingCap changes the plan only there, and keeps a K b finite.
      for (Index i = 0; i < total; ++i) {
        a[i] = p[i] > 0.0 ? std::min(p[i] / kb[i], kScalingCap) : 0.0;
      }
      z = kernel.Apply(a);
      for (Index i = 0; i < total; ++i) {
        if (z[i] > 0.0) {
          const double log_z = std::log(z[i]);
          const double log_q = power * (log_z + shift[i]);
          q[i] = std::exp(log_q);
          b[i] = std::exp(std::min(log_q - log_z, kLogScalingCap));
        } else {
          q[i] = 0.0;
          b[i] = 0.0;
        }
      }
      error = (a.cwiseProduct(kernel.Apply(b)) - p).lpNorm<1>();
      if (!std::isfinite(error)) {
        return absl::InvalidArgumentError(
            absl::StrCat("epsilon: the scaling iterations overflowed at step ", step, " (epsilon ",
                         epsilon, "); raise epsilon or refine the grid"));
      }
      if (error <= o.tolerance * p.sum()) break;
    }
    out.iterations.push_back(it + 1);
    if (error > o.tolerance * p.sum()) out.converged = false;
    density = q * (p.sum() / q.sum());  // the second marginal (mass kept exactly)
    out.energy.push_back(Energy(density, v, s, log_cell));
    observer.OnProgress({step, error, out.energy.back()});
    frame(step, density);
  }
  out.density = std::move(density);
  return out;
}

}  // namespace advect
