// The sliced_ot job kind: SlicedOtSpec -> core SolveSliced -> SlicedOtResult.
#ifndef ADVECT_SERVER_SLICED_OT_TASK_H_
#define ADVECT_SERVER_SLICED_OT_TASK_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "advect/v1/sliced_ot.pb.h"
#include "server/limits.h"
#include "server/task.h"

namespace advect::server {

// Validates `spec` (points, weights, p, directions) and returns a runnable
// task. Errors are INVALID_ARGUMENT naming the field after `prefix`.
absl::StatusOr<std::unique_ptr<Task>> PrepareSlicedOt(const v1::SlicedOtSpec& spec,
                                                      const Limits& limits,
                                                      absl::string_view prefix);

}  // namespace advect::server

#endif  // ADVECT_SERVER_SLICED_OT_TASK_H_
