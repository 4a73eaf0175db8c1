// The Wasserstein gradient flow of particles (SCIENCE.md c1) of
//   F(alpha) = int V d alpha + 1/2 int int W(x - y) d alpha d alpha
//              + sigma^2 int alpha log alpha:
// x_i' = -grad V(x_i) - (1/n) sum_j grad W(x_i - x_j), plus sqrt(2 sigma^2)
// dB for the entropy (the engine's noise). The energy reported is F without
// its entropy term (particles have no density):
//   E(x) = (1/n) sum_i V(x_i) + (1 / 2n^2) sum_{i,j} W(x_i - x_j).
// Without noise E decreases along the flow (for small enough steps).
#ifndef ADVECT_CORE_PARTICLES_GRADIENT_FLOW_H_
#define ADVECT_CORE_PARTICLES_GRADIENT_FLOW_H_

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "core/observer.h"
#include "core/particles/interaction.h"
#include "core/particles/particle_engine.h"
#include "core/particles/potential.h"

namespace advect {

struct GradientFlowModel {
  Potential potential;
  Interaction interaction;
  int num_threads = 2;  // for the interaction sums
};

// The field -grad V - grad W * alpha and the energy E, for RunParticles. The
// model is copied into the field.
ParticleField GradientFlowField(GradientFlowModel model);

// Runs the flow from x0 (n x d, d = the potential's dimension). Errors as
// RunParticles, and INVALID_ARGUMENT naming `x` when its dimension differs
// from the potential's.
absl::StatusOr<ParticleRun> RunGradientFlow(const GradientFlowModel& model, Eigen::MatrixXd x0,
                                            const ParticleStepping& stepping,
                                            Observer& observer = NullObserver());

}  // namespace advect

#endif  // ADVECT_CORE_PARTICLES_GRADIENT_FLOW_H_
