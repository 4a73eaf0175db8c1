// The particle_flow job kind: ParticleFlowSpec -> the Wasserstein gradient
// flow of particles (core/particles/gradient_flow.h) -> ParticleFlowResult.
#ifndef ADVECT_SERVER_PARTICLE_FLOW_TASK_H_
#define ADVECT_SERVER_PARTICLE_FLOW_TASK_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "advect/v1/particles.pb.h"
#include "server/limits.h"
#include "server/task.h"

namespace advect::server {

// Validates `spec` and returns a runnable task; errors are INVALID_ARGUMENT
// naming the field after `prefix`.
absl::StatusOr<std::unique_ptr<Task>> PrepareParticleFlow(const v1::ParticleFlowSpec& spec,
                                                          const Limits& limits,
                                                          absl::string_view prefix);

}  // namespace advect::server

#endif  // ADVECT_SERVER_PARTICLE_FLOW_TASK_H_
