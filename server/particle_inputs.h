// Pieces shared by the particle-system job kinds (particle_flow, mmd_flow,
// svgd): the particles and the stepping, checked, and the run's record copied
// into a result.
#ifndef ADVECT_SERVER_PARTICLE_INPUTS_H_
#define ADVECT_SERVER_PARTICLE_INPUTS_H_

#include <cstdint>

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "advect/v1/array.pb.h"
#include "core/particles/particle_engine.h"
#include "server/limits.h"
#include "server/matrix_convert.h"

namespace advect::server {

// The particles of `field`: required, at least 1 x 1, finite (|x| <= 1e100),
// at most max_points rows, or max_interacting_particles when `interacting`
// (all pairs per step), and max_dimension columns. Errors name `field`.
absl::StatusOr<Eigen::MatrixXd> ParticlesFromProto(const v1::Matrix& m, const char* field,
                                                   bool interacting, const Limits& limits);

// The row limit of an interacting job and the flag that sets it.
int64_t InteractingLimit(const Limits& limits);
const char* InteractingLimitFlag(const Limits& limits);

// step_size (0 means 0.01), steps (0 means 1000; at most kMaxParticleSteps),
// noise >= 0 and the seed, checked; errors name them.
absl::StatusOr<ParticleStepping> SteppingFromSpec(double step_size, int32_t steps, double noise,
                                                  uint64_t seed);

// positions, record_steps, mean_squared_velocity and field_evaluations of a
// particle result from the run (the kind's own series are set by the caller).
template <typename Result>
void FillRunRecord(const ParticleRun& run, Result* r) {
  ToProto(run.positions, r->mutable_positions());
  r->mutable_record_steps()->Add(run.energy_steps.begin(), run.energy_steps.end());
  r->mutable_mean_squared_velocity()->Add(run.speed.begin(), run.speed.end());
  r->set_field_evaluations(run.evaluations);
}

}  // namespace advect::server

#endif  // ADVECT_SERVER_PARTICLE_INPUTS_H_
