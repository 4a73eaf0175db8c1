// The flow_map job kind: FlowMapSpec -> the flow map of the independent
// interpolant against the Brenier map (core/diffusion/gaussian_flow_map.h).
#ifndef ADVECT_SERVER_FLOW_MAP_TASK_H_
#define ADVECT_SERVER_FLOW_MAP_TASK_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "advect/v1/flow.pb.h"
#include "server/limits.h"
#include "server/task.h"

namespace advect::server {

// Validates `spec` and returns a runnable task; errors are INVALID_ARGUMENT
// naming the field after `prefix`.
absl::StatusOr<std::unique_ptr<Task>> PrepareFlowMap(const v1::FlowMapSpec& spec,
                                                     const Limits& limits,
                                                     absl::string_view prefix);

}  // namespace advect::server

#endif  // ADVECT_SERVER_FLOW_MAP_TASK_H_
