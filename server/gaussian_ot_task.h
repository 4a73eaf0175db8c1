// The gaussian_ot job kind: GaussianOtSpec -> core Bures-Wasserstein closed
// forms -> GaussianOtResult.
#ifndef ADVECT_SERVER_GAUSSIAN_OT_TASK_H_
#define ADVECT_SERVER_GAUSSIAN_OT_TASK_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "advect/v1/gaussian_ot.pb.h"
#include "server/limits.h"
#include "server/task.h"

namespace advect::server {

// Validates `spec` (either the two Gaussians or the two clouds, the
// regularisation and the interpolation times) and returns a runnable task.
// Errors are INVALID_ARGUMENT naming the field after `prefix`.
absl::StatusOr<std::unique_ptr<Task>> PrepareGaussianOt(const v1::GaussianOtSpec& spec,
                                                        const Limits& limits,
                                                        absl::string_view prefix);

}  // namespace advect::server

#endif  // ADVECT_SERVER_GAUSSIAN_OT_TASK_H_
