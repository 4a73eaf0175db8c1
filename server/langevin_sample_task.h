// The langevin_sample job kind: LangevinSampleSpec -> the mixture's exact
// score (core/diffusion/mixture_velocity.h) and unadjusted Langevin
// (core/diffusion/langevin.h) -> LangevinSampleResult.
#ifndef ADVECT_SERVER_LANGEVIN_SAMPLE_TASK_H_
#define ADVECT_SERVER_LANGEVIN_SAMPLE_TASK_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "advect/v1/flow.pb.h"
#include "server/limits.h"
#include "server/task.h"

namespace advect::server {

// Validates `spec` and returns a runnable task; errors are INVALID_ARGUMENT
// naming the field after `prefix`.
absl::StatusOr<std::unique_ptr<Task>> PrepareLangevinSample(const v1::LangevinSampleSpec& spec,
                                                            const Limits& limits,
                                                            absl::string_view prefix);

}  // namespace advect::server

#endif  // ADVECT_SERVER_LANGEVIN_SAMPLE_TASK_H_
