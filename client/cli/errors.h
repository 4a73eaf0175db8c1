// Exit codes of the advect CLI and errors that carry them.
#ifndef ADVECT_CLIENT_CLI_ERRORS_H_
#define ADVECT_CLIENT_CLI_ERRORS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace advect::cli {

// Documented in every --help text (see usage.cc).
enum ExitCode : int {
  kExitOk = 0,
  kExitUsage = 2,      // unknown flag, missing required flag, bad number
  kExitInput = 3,      // bad input file (missing, unreadable, wrong shape) or unwritable --out
  kExitRpc = 4,        // the server or the RPC failed
  kExitJobFailed = 5,  // the job ended FAILED or CANCELLED
};

// absl::Status values tagged with the exit code they map to. The message is
// printed after "advect: " (usage and input errors) or "error: " (the others).
absl::Status UsageError(absl::string_view message);
absl::Status InputError(absl::string_view message);
absl::Status RpcError(const grpc::Status& status);  // message "CODE_NAME: message"
absl::Status JobFailedError(absl::string_view message);

// The exit code of a tagged status: 0 for OK, 1 for an untagged error.
int ExitCodeOf(const absl::Status& status);

// The line printed to stderr for a failed status, without a trailing newline.
std::string ErrorLine(const absl::Status& status);

}  // namespace advect::cli

#endif  // ADVECT_CLIENT_CLI_ERRORS_H_
