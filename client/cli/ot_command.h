// `advect ot sinkhorn|exact|1d|sliced|gaussian`.
#ifndef ADVECT_CLIENT_CLI_OT_COMMAND_H_
#define ADVECT_CLIENT_CLI_OT_COMMAND_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "client/cli/context.h"
#include "client/cli/flags.h"

namespace advect::cli {

// Builds the spec of `advect ot <name>` from the flags and files, then streams
// the job with Run (or submits it with SubmitJob under --detach) and prints
// the outcome.
absl::Status RunOtCommand(const Context& context, absl::string_view name,
                          const ParsedFlags& flags);

}  // namespace advect::cli

#endif  // ADVECT_CLIENT_CLI_OT_COMMAND_H_
