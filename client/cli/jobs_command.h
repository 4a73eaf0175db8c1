// `advect jobs list|get|watch|cancel`.
#ifndef ADVECT_CLIENT_CLI_JOBS_COMMAND_H_
#define ADVECT_CLIENT_CLI_JOBS_COMMAND_H_

#include "absl/status/status.h"
#include "client/cli/context.h"
#include "client/cli/flags.h"

namespace advect::cli {

absl::Status RunJobsList(const Context& context, const ParsedFlags& flags);
absl::Status RunJobsGet(const Context& context, const ParsedFlags& flags);
absl::Status RunJobsWatch(const Context& context, const ParsedFlags& flags);
absl::Status RunJobsCancel(const Context& context, const ParsedFlags& flags);

// Builds the ListJobs request from --state, --page-size and --page-token (usage errors).
absl::StatusOr<v1::ListJobsRequest> ListJobsRequestFromFlags(const ParsedFlags& flags);

}  // namespace advect::cli

#endif  // ADVECT_CLIENT_CLI_JOBS_COMMAND_H_
