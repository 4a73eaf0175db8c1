#include "server/particle_inputs.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/field_checks.h"

namespace advect::server {
namespace {

constexpr double kDefaultStepSize = 0.01;
constexpr int32_t kDefaultSteps = 1000;

}  // namespace

int64_t InteractingLimit(const Limits& limits) {
  return std::min(limits.max_points, limits.max_interacting_particles);
}

const char* InteractingLimitFlag(const Limits& limits) {
  return limits.max_interacting_particles <= limits.max_points ? "--max-interacting-particles"
                                                               : "--max-points";
}

absl::StatusOr<Eigen::MatrixXd> ParticlesFromProto(const v1::Matrix& m, const char* field,
                                                   bool interacting, const Limits& limits) {
  if (IsUnset(m)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": the initial particles are required"));
  }
  if (absl::Status s =
          CheckCount(field, m.rows(), interacting ? InteractingLimit(limits) : limits.max_points,
                     "particles", interacting ? InteractingLimitFlag(limits) : "--max-points");
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          CheckCount(field, m.cols(), limits.max_dimension, "dimensions", "--max-dimension");
      !s.ok()) {
    return s;
  }
  absl::StatusOr<Eigen::MatrixXd> x = FromProto(m, field);
  if (!x.ok()) return x.status();
  if (x->rows() < 1 || x->cols() < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": needs at least 1 particle in dimension >= 1, got ", x->rows(), " x ", x->cols()));
  }
  if (!x->allFinite() || x->cwiseAbs().maxCoeff() > 1e100) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": must be finite, with |coordinates| <= 1e100"));
  }
  return x;
}

absl::StatusOr<ParticleStepping> SteppingFromSpec(double step_size, int32_t steps, double noise,
                                                  uint64_t seed) {
  ParticleStepping stepping;
  stepping.step_size = step_size == 0.0 ? kDefaultStepSize : step_size;
  stepping.steps = steps == 0 ? kDefaultSteps : steps;
  stepping.noise = noise;
  stepping.seed = seed;
  if (!(std::isfinite(stepping.step_size) && stepping.step_size > 0.0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "step_size: must be finite and > 0 (0 = ", kDefaultStepSize, "), got ", step_size));
  }
  if (stepping.steps < 1 || stepping.steps > kMaxParticleSteps) {
    return absl::InvalidArgumentError(absl::StrCat("steps: must be in [1, ", kMaxParticleSteps,
                                                   "] (0 = ", kDefaultSteps, "), got ", steps));
  }
  if (!(std::isfinite(noise) && noise >= 0.0)) {
    return absl::InvalidArgumentError(absl::StrCat("noise: must be finite and >= 0, got ", noise));
  }
  return stepping;
}

}  // namespace advect::server
