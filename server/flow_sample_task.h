// The flow_sample job kind: FlowSampleSpec -> core closed-form mixture
// fields, ODE and SDE samplers, diagnostics (core/diffusion) -> FlowSampleResult.
#ifndef ADVECT_SERVER_FLOW_SAMPLE_TASK_H_
#define ADVECT_SERVER_FLOW_SAMPLE_TASK_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "advect/v1/flow.pb.h"
#include "server/flow_model.h"
#include "server/limits.h"
#include "server/task.h"

namespace advect::server {

// Validates `spec` (the mixture, sigma, schedule, sampler, steps, the number
// of samples or the initial noise) and returns a runnable task. Errors are
// INVALID_ARGUMENT naming the field after `prefix`.
// `lookup` finds models by id (FlowSampleSpec.model_id).
absl::StatusOr<std::unique_ptr<Task>> PrepareFlowSample(const v1::FlowSampleSpec& spec,
                                                        const Limits& limits,
                                                        absl::string_view prefix,
                                                        const ModelLookup& lookup = nullptr);

}  // namespace advect::server

#endif  // ADVECT_SERVER_FLOW_SAMPLE_TASK_H_
