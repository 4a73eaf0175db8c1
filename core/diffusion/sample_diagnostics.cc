#include "core/diffusion/sample_diagnostics.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/random/splitmix64.h"
#include "core/solvers/sinkhorn_divergence.h"

namespace advect {
namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr Index kBlock = 512;

// The reference side of the divergence: points and weights.
void Reference(const MixtureVelocity& target, Index count, uint64_t seed, MatrixXd& points,
               VectorXd& weights) {
  if (!target.empirical()) {
    points = target.Draw(count, seed);
    weights = VectorXd();  // uniform
    return;
  }
  const Index m = target.num_components();
  if (m <= count) {
    points = target.means();
    weights = target.weights();
    return;
  }
  // A seeded Fisher-Yates prefix: `count` distinct points, uniformly chosen.
  std::vector<Index> order(static_cast<size_t>(m));
  std::iota(order.begin(), order.end(), Index{0});
  SplitMix64 uniform(seed);
  for (Index i = 0; i < count; ++i) {
    const Index j = i + std::min<Index>(static_cast<Index>(uniform.NextUniform() * (m - i)),
                                        m - i - 1);
    std::swap(order[static_cast<size_t>(i)], order[static_cast<size_t>(j)]);
  }
  points.resize(count, target.dimension());
  weights.resize(count);
  for (Index i = 0; i < count; ++i) {
    points.row(i) = target.means().row(order[static_cast<size_t>(i)]);
    weights[i] = target.weights()[order[static_cast<size_t>(i)]];
  }
}

}  // namespace

bool NearestDistances(const MatrixXd& z, const MatrixXd& points, const Observer& observer,
                      VectorXd& out) {
  const Index n = z.rows();
  out.resize(n);
  const VectorXd point_norms = points.rowwise().squaredNorm();
  MatrixXd block;
  for (Index b = 0; b < n; b += kBlock) {
    if (observer.StopRequested()) return false;
    const Index rows = std::min(kBlock, n - b);
    // The candidate by |c|^2 - 2 <z, c> (dense products), then the distance
    // to it computed directly, so a copy of a training point measures 0.
    std::vector<double> best(static_cast<size_t>(rows), std::numeric_limits<double>::infinity());
    std::vector<Index> at(static_cast<size_t>(rows), 0);
    for (Index p = 0; p < points.rows(); p += kBlock) {
      const Index q = std::min(kBlock, points.rows() - p);
      block.noalias() = z.middleRows(b, rows) * points.middleRows(p, q).transpose();
      for (Index i = 0; i < rows; ++i) {
        for (Index j = 0; j < q; ++j) {
          const double key = point_norms[p + j] - 2.0 * block(i, j);
          if (key < best[static_cast<size_t>(i)]) {
            best[static_cast<size_t>(i)] = key;
            at[static_cast<size_t>(i)] = p + j;
          }
        }
      }
    }
    for (Index i = 0; i < rows; ++i) {
      out[b + i] = (z.row(b + i) - points.row(at[static_cast<size_t>(i)])).norm();
    }
  }
  return true;
}

absl::StatusOr<SampleDiagnostics> DiagnoseSamples(const MatrixXd& samples,
                                                  const MixtureVelocity& target,
                                                  const SampleDiagnosticsOptions& options,
                                                  Observer& observer) {
  if (options.max_points < 1 || options.max_points > kMaxDiagnosticPoints) {
    return absl::InvalidArgumentError(absl::StrCat("max_points: must be in [1, ",
                                                   kMaxDiagnosticPoints, "], got ",
                                                   options.max_points));
  }
  if (!(std::isfinite(options.epsilon) && options.epsilon >= 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("epsilon: must be finite and >= 0, got ", options.epsilon));
  }
  SampleDiagnostics out;
  MatrixXd reference;
  VectorXd reference_weights;
  Reference(target, options.max_points, options.seed, reference, reference_weights);
  const Index used = std::min<Index>(samples.rows(), options.max_points);
  double epsilon = options.epsilon;
  if (epsilon == 0.0) {
    const MatrixXd centred = reference.rowwise() - reference.colwise().mean();
    epsilon = 0.1 * centred.rowwise().squaredNorm().mean();
    if (!(epsilon > 0.0)) epsilon = 1e-3;  // all reference points equal
  }
  SinkhornOptions sinkhorn;
  sinkhorn.epsilon = epsilon;
  sinkhorn.tolerance = 1e-3;
  sinkhorn.max_iterations = 5000;
  sinkhorn.epsilon_scaling = EpsilonScaling{};
  absl::StatusOr<SinkhornDivergenceOutput> divergence = SolveSinkhornDivergence(
      samples.topRows(used), reference, VectorXd(), reference_weights, GroundCost{}, sinkhorn,
      observer);
  if (!divergence.ok()) return divergence.status();
  out.sinkhorn_divergence = divergence->divergence;
  out.epsilon = epsilon;
  out.divergence_samples = used;
  out.divergence_reference_points = reference.rows();
  out.divergence_converged = divergence->converged;
  if (target.empirical()) {
    if (!NearestDistances(samples, target.means(), observer, out.nearest_training_distance)) {
      return absl::CancelledError("the diagnostics were asked to stop");
    }
    std::vector<double> sorted(out.nearest_training_distance.data(),
                               out.nearest_training_distance.data() +
                                   out.nearest_training_distance.size());
    std::sort(sorted.begin(), sorted.end());
    const size_t n = sorted.size();
    out.median_nearest_training_distance =
        n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    const MatrixXd centred = target.means().rowwise() - target.means().colwise().mean();
    const double radius = std::sqrt(centred.rowwise().squaredNorm().mean());
    const double close = 1e-6 * (radius > 0.0 ? radius : 1.0);
    out.memorised_fraction =
        static_cast<double>((out.nearest_training_distance.array() <= close).count()) /
        static_cast<double>(n);
  }
  return out;
}

}  // namespace advect
