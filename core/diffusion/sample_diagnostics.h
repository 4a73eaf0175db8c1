// How close samples are to the law they were drawn for (SCIENCE.md b2): the
// Sinkhorn divergence between the samples and reference points of the target,
// and, for an empirical target, each sample's distance to its nearest training
// point (memorisation: the exact field returns copies of training points).
#ifndef ADVECT_CORE_DIFFUSION_SAMPLE_DIAGNOSTICS_H_
#define ADVECT_CORE_DIFFUSION_SAMPLE_DIAGNOSTICS_H_

#include <cstdint>

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "core/diffusion/mixture_velocity.h"
#include "core/observer.h"

namespace advect {

inline constexpr int64_t kDefaultDiagnosticPoints = 500;
inline constexpr int64_t kMaxDiagnosticPoints = 20000;

struct SampleDiagnosticsOptions {
  // Of the divergence (cost |x - y|^2); 0: 0.1 times the mean squared
  // distance of the reference points to their mean.
  double epsilon = 0.0;
  // Points on each side of the divergence, in [1, kMaxDiagnosticPoints].
  int64_t max_points = kDefaultDiagnosticPoints;
  // Seeds the order of an empirical target's points and the mixture draws.
  uint64_t seed = 0;
};

struct SampleDiagnostics {
  double sinkhorn_divergence = 0.0;
  double epsilon = 0.0;
  int64_t divergence_samples = 0;
  int64_t divergence_reference_points = 0;
  bool divergence_converged = false;
  // Empirical targets only (else empty / 0).
  Eigen::VectorXd nearest_training_distance;
  double median_nearest_training_distance = 0.0;
  double memorised_fraction = 0.0;
};

// Reference points: an empirical target's points (all of them when they are
// at most max_points, else max_points of them in a seeded random order, with
// their weights), or max_points draws from the mixture. The divergence uses
// the first min(n, max_points) samples, uniform weights, tolerance 1e-3 on
// the marginals, epsilon scaling from the largest cost. Errors name epsilon
// and max_points; Cancelled on a stop.
absl::StatusOr<SampleDiagnostics> DiagnoseSamples(const Eigen::MatrixXd& samples,
                                                  const MixtureVelocity& target,
                                                  const SampleDiagnosticsOptions& options,
                                                  Observer& observer = NullObserver());

// Distance from each row of `z` to the nearest row of `points` (both
// n x d, m x d), by blocks of dense products; polls the observer per block.
bool NearestDistances(const Eigen::MatrixXd& z, const Eigen::MatrixXd& points,
                      const Observer& observer, Eigen::VectorXd& out);

}  // namespace advect

#endif  // ADVECT_CORE_DIFFUSION_SAMPLE_DIAGNOSTICS_H_
