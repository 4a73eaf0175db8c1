// The unbalanced_ot job kind: UnbalancedOtSpec -> core unbalanced Sinkhorn ->
// UnbalancedOtResult.
#ifndef ADVECT_SERVER_UNBALANCED_OT_TASK_H_
#define ADVECT_SERVER_UNBALANCED_OT_TASK_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "advect/v1/unbalanced_ot.pb.h"
#include "server/limits.h"
#include "server/task.h"

namespace advect::server {

// Validates `spec` (measures, masses, epsilon, rho, options, sizes) and returns
// a runnable task. Errors are INVALID_ARGUMENT naming the field after `prefix`.
absl::StatusOr<std::unique_ptr<Task>> PrepareUnbalancedOt(const v1::UnbalancedOtSpec& spec,
                                                          const Limits& limits,
                                                          absl::string_view prefix);

}  // namespace advect::server

#endif  // ADVECT_SERVER_UNBALANCED_OT_TASK_H_
