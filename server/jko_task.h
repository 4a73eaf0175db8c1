// The jko job kind: JkoSpec -> the entropic JKO scheme on a grid
// (core/solvers/entropic_jko.h) -> JkoResult.
#ifndef ADVECT_SERVER_JKO_TASK_H_
#define ADVECT_SERVER_JKO_TASK_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "advect/v1/particles.pb.h"
#include "server/limits.h"
#include "server/task.h"

namespace advect::server {

// Validates `spec` and returns a runnable task; errors are INVALID_ARGUMENT
// naming the field after `prefix`.
absl::StatusOr<std::unique_ptr<Task>> PrepareJko(const v1::JkoSpec& spec, const Limits& limits,
                                                 absl::string_view prefix);

}  // namespace advect::server

#endif  // ADVECT_SERVER_JKO_TASK_H_
