// The entropic_ot job kind: EntropicOtSpec -> core Sinkhorn -> EntropicOtResult.
#ifndef ADVECT_SERVER_ENTROPIC_OT_TASK_H_
#define ADVECT_SERVER_ENTROPIC_OT_TASK_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "advect/v1/ot.pb.h"
#include "server/limits.h"
#include "server/task.h"

namespace advect::server {

// Validates `spec` completely (shapes, finite values, weights, options, size
// limits) and returns a runnable task. Errors are INVALID_ARGUMENT and name the
// field with `prefix` (e.g. "spec.entropic_ot.epsilon: ...").
absl::StatusOr<std::unique_ptr<Task>> PrepareEntropicOt(const v1::EntropicOtSpec& spec,
                                                        const Limits& limits,
                                                        absl::string_view prefix);

}  // namespace advect::server

#endif  // ADVECT_SERVER_ENTROPIC_OT_TASK_H_
