// The flow_train job kind: FlowTrainSpec -> conditional flow matching
// (core/flow_matching) -> FlowTrainResult with the model, its loss curve and
// path measures.
#ifndef ADVECT_SERVER_FLOW_TRAIN_TASK_H_
#define ADVECT_SERVER_FLOW_TRAIN_TASK_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "advect/v1/flow_matching.pb.h"
#include "server/limits.h"
#include "server/task.h"

namespace advect::server {

// Validates `spec` and returns a runnable task; errors are INVALID_ARGUMENT
// naming the field after `prefix`.
absl::StatusOr<std::unique_ptr<Task>> PrepareFlowTrain(const v1::FlowTrainSpec& spec,
                                                       const Limits& limits,
                                                       absl::string_view prefix);

}  // namespace advect::server

#endif  // ADVECT_SERVER_FLOW_TRAIN_TASK_H_
