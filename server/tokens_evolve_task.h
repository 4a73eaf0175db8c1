// The tokens_evolve job kind: TokenEvolveSpec -> the token dynamics
// (core/particles/token_dynamics.h) -> TokenEvolveResult.
#ifndef ADVECT_SERVER_TOKENS_EVOLVE_TASK_H_
#define ADVECT_SERVER_TOKENS_EVOLVE_TASK_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "advect/v1/tokens.pb.h"
#include "server/limits.h"
#include "server/task.h"

namespace advect::server {

// Validates `spec` and returns a runnable task; errors are INVALID_ARGUMENT
// naming the field after `prefix`.
absl::StatusOr<std::unique_ptr<Task>> PrepareTokensEvolve(const v1::TokenEvolveSpec& spec,
                                                          const Limits& limits,
                                                          absl::string_view prefix);

}  // namespace advect::server

#endif  // ADVECT_SERVER_TOKENS_EVOLVE_TASK_H_
