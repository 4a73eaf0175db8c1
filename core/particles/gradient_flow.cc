#include "core/particles/gradient_flow.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace advect {

ParticleField GradientFlowField(GradientFlowModel model) {
  return [model = std::move(model)](const Eigen::MatrixXd& x, const Observer& observer,
                                    Eigen::MatrixXd& velocity, double* energy) {
    velocity.setZero(x.rows(), x.cols());  // grad F first, then negated
    if (energy != nullptr) *energy = 0.0;
    if (!model.potential.Accumulate(x, observer, velocity, energy)) return false;
    if (!model.interaction.Accumulate(x, observer, model.num_threads, velocity, energy)) {
      return false;
    }
    velocity = -velocity;
    return true;
  };
}

absl::StatusOr<ParticleRun> RunGradientFlow(const GradientFlowModel& model, Eigen::MatrixXd x0,
                                            const ParticleStepping& stepping, Observer& observer) {
  if (x0.cols() != model.potential.dimension()) {
    return absl::InvalidArgumentError(absl::StrCat("x: has ", x0.cols(),
                                                   " columns, the potential is in dimension ",
                                                   model.potential.dimension()));
  }
  return RunParticles(GradientFlowField(model), std::move(x0), stepping, observer);
}

}  // namespace advect
