// The barycenter job kinds: BarycenterSpec (fixed support, entropic) and
// FreeSupportBarycenterSpec (point clouds) -> core solvers -> their results.
#ifndef ADVECT_SERVER_BARYCENTER_TASK_H_
#define ADVECT_SERVER_BARYCENTER_TASK_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "advect/v1/barycenter.pb.h"
#include "server/limits.h"
#include "server/task.h"

namespace advect::server {

// Validates `spec` and returns a runnable task. Errors are INVALID_ARGUMENT
// naming the field after `prefix`.
absl::StatusOr<std::unique_ptr<Task>> PrepareBarycenter(const v1::BarycenterSpec& spec,
                                                        const Limits& limits,
                                                        absl::string_view prefix);
absl::StatusOr<std::unique_ptr<Task>> PrepareFreeSupportBarycenter(
    const v1::FreeSupportBarycenterSpec& spec, const Limits& limits, absl::string_view prefix);

}  // namespace advect::server

#endif  // ADVECT_SERVER_BARYCENTER_TASK_H_
