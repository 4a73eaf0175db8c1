// Runs one job for an `advect ot ...` command: streams it with Run (or submits
// it with SubmitJob under --detach), shows progress, writes --out and prints
// the typed result as text or JSON.
#ifndef ADVECT_CLIENT_CLI_JOB_RUNNER_H_
#define ADVECT_CLIENT_CLI_JOB_RUNNER_H_

#include <cstdint>

#include "absl/status/status.h"
#include "advect/v1/job.pb.h"
#include "client/cli/common_flags.h"
#include "client/cli/context.h"

namespace advect::cli {

// What the progress line measures progress against (0: unknown).
struct ProgressScale {
  int64_t max_iterations = 0;
  double tolerance = 0.0;
};

// Sets the spec's frame options from `run`, then runs it. Job failures are
// JobFailedError (exit 5); RPC errors keep their gRPC code.
absl::Status RunJob(const Context& context, v1::JobSpec spec, const RunFlags& run,
                    ProgressScale scale);

}  // namespace advect::cli

#endif  // ADVECT_CLIENT_CLI_JOB_RUNNER_H_
