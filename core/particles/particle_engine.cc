#include "core/particles/particle_engine.h"

#include <cmath>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/random/normal.h"

namespace advect {

absl::StatusOr<ParticleRun> RunParticles(const ParticleField& field, Eigen::MatrixXd x0,
                                         const ParticleStepping& stepping, Observer& observer) {
  const int64_t steps = stepping.steps;
  const double h = stepping.step_size;
  if (steps < 1 || steps > kMaxParticleSteps) {
    return absl::InvalidArgumentError(
        absl::StrCat("steps: must be in [1, ", kMaxParticleSteps, "], got ", steps));
  }
  if (!(std::isfinite(h) && h > 0.0)) {
    return absl::InvalidArgumentError(absl::StrCat("step_size: must be finite and > 0, got ", h));
  }
  if (!(std::isfinite(stepping.noise) && stepping.noise >= 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("noise: must be finite and >= 0, got ", stepping.noise));
  }
  if (!x0.allFinite()) return absl::InvalidArgumentError("x: the positions must be finite");
  const absl::Status stopped = absl::CancelledError("the particle system was asked to stop");
  const int64_t stride = (steps + kMaxEnergyRecords - 2) / (kMaxEnergyRecords - 1);
  const double spread = std::sqrt(2.0 * h) * stepping.noise;
  NormalStream normal(stepping.seed);
  ParticleRun run;
  Eigen::MatrixXd x = std::move(x0);
  Eigen::MatrixXd v;
  const double count = static_cast<double>(x.rows());
  if (observer.WantsFrame(0)) observer.OnFrame({0, 0.0, x});
  for (int64_t k = 0;; ++k) {
    if (observer.StopRequested()) return stopped;
    const bool record = k % stride == 0 || k == steps;
    double energy = 0.0;
    ++run.evaluations;
    if (!field(x, observer, v, record ? &energy : nullptr)) return stopped;
    if (!v.allFinite() || (record && !std::isfinite(energy))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "step_size: the field is not finite at step ", k, " (time ", static_cast<double>(k) * h,
          "); the particles diverged or collided, try a smaller step_size (", h, ")"));
    }
    if (record) {
      const double speed = count > 0 ? v.squaredNorm() / count : 0.0;
      run.energy_steps.push_back(k);
      run.energy.push_back(energy);
      run.speed.push_back(speed);
      if (k > 0) observer.OnProgress({k, speed, energy});
    }
    if (k == steps) break;
    x += h * v;
    if (spread > 0.0) {
      for (Eigen::Index i = 0; i < x.rows(); ++i) {
        for (Eigen::Index c = 0; c < x.cols(); ++c) x(i, c) += spread * normal.Next();
      }
    }
    if (stepping.project) stepping.project(x);
    if (observer.WantsFrame(k + 1)) observer.OnFrame({k + 1, static_cast<double>(k + 1) * h, x});
  }
  run.positions = std::move(x);
  return run;
}

}  // namespace advect
