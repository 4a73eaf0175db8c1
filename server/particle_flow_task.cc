#include "server/particle_flow_task.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/particles/gradient_flow.h"
#include "server/field_checks.h"
#include "server/flow_inputs.h"
#include "server/matrix_convert.h"
#include "server/particle_inputs.h"
#include "server/potential_input.h"

namespace advect::server {
namespace {

absl::StatusOr<Interaction> InteractionFromSpec(const v1::ParticleFlowSpec& spec) {
  if (!v1::ParticleInteraction_IsValid(spec.interaction())) {
    return absl::InvalidArgumentError(
        absl::StrCat("interaction: unknown value ", static_cast<int>(spec.interaction())));
  }
  const bool gaussian = spec.interaction() == v1::PARTICLE_INTERACTION_GAUSSIAN;
  const bool powers = spec.interaction() == v1::PARTICLE_INTERACTION_ATTRACTION_REPULSION;
  if (!gaussian && (spec.interaction_strength() != 0.0 || spec.kernel_width() != 0.0)) {
    return absl::InvalidArgumentError(
        "interaction_strength, kernel_width: only for interaction PARTICLE_INTERACTION_GAUSSIAN");
  }
  if (!powers && (spec.attraction_power() != 0.0 || spec.repulsion_power() != 0.0)) {
    return absl::InvalidArgumentError(
        "attraction_power, repulsion_power: only for interaction "
        "PARTICLE_INTERACTION_ATTRACTION_REPULSION");
  }
  switch (spec.interaction()) {
    case v1::PARTICLE_INTERACTION_UNSPECIFIED:
    case v1::PARTICLE_INTERACTION_NONE:
      return Interaction::None();
    case v1::PARTICLE_INTERACTION_GAUSSIAN:
      return Interaction::Gaussian(
          spec.interaction_strength() == 0.0 ? 1.0 : spec.interaction_strength(),
          spec.kernel_width() == 0.0 ? 1.0 : spec.kernel_width());
    case v1::PARTICLE_INTERACTION_ATTRACTION_REPULSION:
      return Interaction::AttractionRepulsion(
          spec.attraction_power() == 0.0 ? 2.0 : spec.attraction_power(),
          spec.repulsion_power() == 0.0 ? 1.0 : spec.repulsion_power());
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("interaction: unknown value ", static_cast<int>(spec.interaction())));
  }
}

absl::StatusOr<std::unique_ptr<Task>> Prepare(const v1::ParticleFlowSpec& spec,
                                              const Limits& limits, absl::string_view prefix) {
  absl::StatusOr<Interaction> interaction = InteractionFromSpec(spec);
  if (!interaction.ok()) return interaction.status();
  absl::StatusOr<Eigen::MatrixXd> x =
      ParticlesFromProto(spec.x(), "x", interaction->kind() != Interaction::Kind::kNone, limits);
  if (!x.ok()) return x.status();
  absl::StatusOr<Potential> potential = PotentialFromSpec(spec, x->cols(), limits);
  if (!potential.ok()) return potential.status();
  absl::StatusOr<ParticleStepping> stepping =
      SteppingFromSpec(spec.step_size(), spec.steps(), spec.noise(), spec.seed());
  if (!stepping.ok()) return stepping.status();
  GradientFlowModel model{*std::move(potential), *std::move(interaction), limits.threads_per_job};
  auto run = [model = std::move(model), x = *std::move(x), stepping = *stepping,
              prefix = std::string(prefix)](Observer& observer) -> absl::StatusOr<v1::JobResult> {
    absl::StatusOr<ParticleRun> out = RunGradientFlow(model, x, stepping, observer);
    if (!out.ok()) return WithFieldPrefix(prefix, out.status());
    v1::JobResult result;
    v1::ParticleFlowResult* r = result.mutable_particle_flow();
    FillRunRecord(*out, r);
    r->set_initial_energy(out->energy.front());
    r->set_final_energy(out->energy.back());
    r->mutable_energy()->Add(out->energy.begin(), out->energy.end());
    return result;
  };
  return std::unique_ptr<Task>(
      std::make_unique<FunctionTask>("particle_flow", true, std::move(run)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Task>> PrepareParticleFlow(const v1::ParticleFlowSpec& spec,
                                                          const Limits& limits,
                                                          absl::string_view prefix) {
  return WithFieldPrefix(prefix, Prepare(spec, limits, prefix));
}

}  // namespace advect::server
