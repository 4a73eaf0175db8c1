// The ot_1d job kind: Ot1dSpec -> core SolveOt1d -> Ot1dResult.
#ifndef ADVECT_SERVER_OT_1D_TASK_H_
#define ADVECT_SERVER_OT_1D_TASK_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "advect/v1/ot_1d.pb.h"
#include "server/limits.h"
#include "server/task.h"

namespace advect::server {

// Validates `spec` (sizes, finite values, weights, p) and returns a runnable
// task. Errors are INVALID_ARGUMENT naming the field after `prefix`.
absl::StatusOr<std::unique_ptr<Task>> PrepareOt1d(const v1::Ot1dSpec& spec, const Limits& limits,
                                                  absl::string_view prefix);

}  // namespace advect::server

#endif  // ADVECT_SERVER_OT_1D_TASK_H_
