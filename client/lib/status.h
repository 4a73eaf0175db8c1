// Names and messages for gRPC status codes and job states, for printing.
#ifndef ADVECT_CLIENT_LIB_STATUS_H_
#define ADVECT_CLIENT_LIB_STATUS_H_

#include <optional>
#include <string>

#include <grpcpp/support/status.h>

#include "absl/strings/string_view.h"
#include "advect/v1/job.pb.h"

namespace advect::client {

// The canonical name of a status code, e.g. "INVALID_ARGUMENT"; "CODE_<n>" when unknown.
// Accepts grpc::StatusCode values and google.rpc.Code numbers (JobError.code).
std::string StatusCodeName(int code);

// "CODE_NAME: message" (just the name when the message is empty).
std::string FormatStatus(const grpc::Status& status);
std::string FormatJobError(const v1::JobError& error);

// Short lower-case name of a job state: "queued", "running", "succeeded",
// "failed", "cancelled" ("unspecified" for 0).
std::string JobStateName(v1::JobState state);

// Parses a short name (case-insensitive) or the full enum name (JOB_STATE_RUNNING).
std::optional<v1::JobState> ParseJobState(absl::string_view text);

// True for SUCCEEDED, FAILED and CANCELLED.
bool IsTerminal(v1::JobState state);

}  // namespace advect::client

#endif  // ADVECT_CLIENT_LIB_STATUS_H_
