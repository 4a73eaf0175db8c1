// `advect health`: the server's overall status from the gRPC health service.
#ifndef ADVECT_CLIENT_CLI_HEALTH_COMMAND_H_
#define ADVECT_CLIENT_CLI_HEALTH_COMMAND_H_

#include "absl/status/status.h"
#include "client/cli/context.h"
#include "client/cli/flags.h"

namespace advect::cli {

// Calls grpc.health.v1.Health/Check (service "") on context.channel within
// --timeout seconds and prints the status. OK only when it is SERVING; an RPC
// error (exit 4) otherwise.
absl::Status RunHealth(const Context& context, const ParsedFlags& flags);

}  // namespace advect::cli

#endif  // ADVECT_CLIENT_CLI_HEALTH_COMMAND_H_
