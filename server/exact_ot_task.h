// The exact_ot job kind: ExactOtSpec -> core network simplex -> ExactOtResult.
#ifndef ADVECT_SERVER_EXACT_OT_TASK_H_
#define ADVECT_SERVER_EXACT_OT_TASK_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "advect/v1/exact_ot.pb.h"
#include "server/limits.h"
#include "server/task.h"

namespace advect::server {

// Validates `spec` (measures, cost, max_iterations, sizes) and returns a
// runnable task. Errors are INVALID_ARGUMENT naming the field after `prefix`.
// From points, n * m beyond --max-cost-entries is solved without storing the
// cost (O(n + m) memory), so only --max-points bounds n and m; an explicit
// cost matrix is bounded by --max-cost-entries.
absl::StatusOr<std::unique_ptr<Task>> PrepareExactOt(const v1::ExactOtSpec& spec,
                                                     const Limits& limits,
                                                     absl::string_view prefix);

}  // namespace advect::server

#endif  // ADVECT_SERVER_EXACT_OT_TASK_H_
