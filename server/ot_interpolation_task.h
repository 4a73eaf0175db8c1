// The ot_interpolation job kind: OtInterpolationSpec -> an exact or entropic
// plan -> displacement interpolation frames and OtInterpolationResult.
#ifndef ADVECT_SERVER_OT_INTERPOLATION_TASK_H_
#define ADVECT_SERVER_OT_INTERPOLATION_TASK_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "advect/v1/ot_interpolation.pb.h"
#include "server/limits.h"
#include "server/task.h"

namespace advect::server {

// Validates `spec` and returns a runnable task. Errors are INVALID_ARGUMENT
// naming the field after `prefix`.
absl::StatusOr<std::unique_ptr<Task>> PrepareOtInterpolation(const v1::OtInterpolationSpec& spec,
                                                             const Limits& limits,
                                                             absl::string_view prefix);

}  // namespace advect::server

#endif  // ADVECT_SERVER_OT_INTERPOLATION_TASK_H_
