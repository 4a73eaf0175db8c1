// The sinkhorn_divergence job kind: SinkhornDivergenceSpec -> core
// SolveSinkhornDivergence -> SinkhornDivergenceResult.
#ifndef ADVECT_SERVER_SINKHORN_DIVERGENCE_TASK_H_
#define ADVECT_SERVER_SINKHORN_DIVERGENCE_TASK_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "advect/v1/sinkhorn_divergence.pb.h"
#include "server/limits.h"
#include "server/task.h"

namespace advect::server {

// Validates `spec` (clouds, cost, Sinkhorn options; n*n, n*m and m*m within
// --max-cost-entries) and returns a runnable task. Errors are INVALID_ARGUMENT
// naming the field after `prefix`.
absl::StatusOr<std::unique_ptr<Task>> PrepareSinkhornDivergence(
    const v1::SinkhornDivergenceSpec& spec, const Limits& limits, absl::string_view prefix);

}  // namespace advect::server

#endif  // ADVECT_SERVER_SINKHORN_DIVERGENCE_TASK_H_
