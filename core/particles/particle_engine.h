// The particle engine shared by the particle systems of SCIENCE.md (c) and
// (d): n particles x_i in R^d advected by a field that depends on the whole
// particle measure, x <- x + h v(x) (explicit Euler, the time step of a
// gradient flow and the residual step of a transformer layer), optionally
// plus sqrt(2 sigma^2 h) xi (Langevin noise, the entropy term) and a
// projection after each step (e.g. onto the sphere). It streams frames and
// progress, polls for a stop every step, and records the energy.
#ifndef ADVECT_CORE_PARTICLES_PARTICLE_ENGINE_H_
#define ADVECT_CORE_PARTICLES_PARTICLE_ENGINE_H_

#include <cstdint>
#include <functional>
#include <vector>

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "core/observer.h"

namespace advect {

// v(x, observer, velocity, energy): velocity = the field at every row of x
// (n x d); when `energy` is not null, *energy = the model's energy of x.
// Returns false when the observer asked to stop.
using ParticleField = std::function<bool(const Eigen::MatrixXd& x, const Observer& observer,
                                         Eigen::MatrixXd& velocity, double* energy)>;

inline constexpr int64_t kMaxParticleSteps = 1'000'000;
// At most this many energies are recorded (and progress reports sent): every
// ceil(steps / 1000) steps, and the last step.
inline constexpr int64_t kMaxEnergyRecords = 1001;

struct ParticleStepping {
  int64_t steps = 1000;     // >= 1
  double step_size = 0.01;  // h > 0
  double noise = 0.0;       // sigma >= 0: adds sqrt(2 sigma^2 h) xi, xi ~ N(0, I)
  uint64_t seed = 0;        // of the noise: step k uses the next n x d variates, row by row
  // Applied to the positions after every step (and to nothing else); empty
  // means none.
  std::function<void(Eigen::MatrixXd&)> project;
};

struct ParticleRun {
  Eigen::MatrixXd positions;          // after the last step
  std::vector<int64_t> energy_steps;  // the steps whose energy was recorded, 0 first
  std::vector<double> energy;         // the energy after those steps
  std::vector<double> speed;          // mean |v|^2 at those steps (the dissipation rate)
  int64_t evaluations = 0;            // field evaluations (steps + 1)
};

// Runs the stepping from x0. The energy and mean squared speed of state k
// (after k steps) are recorded for k = 0, every stride = ceil(steps / 1000)
// steps and k = steps; each recorded k >= 1 is also reported as progress
// (iteration = k, error = mean |v|^2, objective = the energy). Frames of the
// positions when the observer wants step k (step 0 is x0; time = k h).
// Errors: INVALID_ARGUMENT naming steps, step_size or noise; INVALID_ARGUMENT
// naming step_size when the positions stop being finite (the step is too
// large for the field); CANCELLED on a stop request.
absl::StatusOr<ParticleRun> RunParticles(const ParticleField& field, Eigen::MatrixXd x0,
                                         const ParticleStepping& stepping,
                                         Observer& observer = NullObserver());

}  // namespace advect

#endif  // ADVECT_CORE_PARTICLES_PARTICLE_ENGINE_H_
