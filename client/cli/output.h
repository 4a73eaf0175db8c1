// What the CLI prints: proto3 JSON for --json, text for people, and the
// arrays of a result as .npy files for --out.
#ifndef ADVECT_CLIENT_CLI_OUTPUT_H_
#define ADVECT_CLIENT_CLI_OUTPUT_H_

#include <string>
#include <utility>
#include <vector>

#include <google/protobuf/message.h>

#include "absl/status/statusor.h"
#include "advect/v1/advect_service.pb.h"
#include "core/io/npy.h"

namespace advect::cli {

// One-line proto3 JSON with the proto's snake_case field names and every
// primitive field (also when it has its default value). No trailing newline.
std::string ToJson(const google::protobuf::Message& message);

// The typed result held by a JobResult (e.g. its EntropicOtResult); null when
// none is set.
const google::protobuf::Message* TypedResult(const v1::JobResult& result);

// The array fields of a message, in field order: each repeated double (or
// integer, as doubles) field
// as a 1-D array, each set advect.v1.Matrix field as a 2-D array, and each set
// advect.v1.SparseMatrix field as a k x 3 array of (row, col, value) triplets.
std::vector<std::pair<std::string, Array>> ResultArrays(const google::protobuf::Message& message);

// Writes ResultArrays(message) as dir/<field>.npy, creating dir if missing.
// Returns the paths written. Errors are input errors (exit 3).
absl::StatusOr<std::vector<std::string>> WriteResultArrays(const std::string& dir,
                                                           const google::protobuf::Message& message);

// Client-side facts about a Run call, shown with its result.
struct RunInfo {
  std::string job_id;
  double elapsed_seconds = 0.0;
  int frames = 0;
};

// The people-readable summary of an entropic OT result ("name  value" lines).
std::string FormatOtResult(const v1::EntropicOtResult& result);
// The summary of any typed result: FormatOtResult for entropic OT; otherwise
// one line per field (numbers, flags and states as values, arrays by their size).
std::string FormatResult(const v1::JobResult& result);
std::string FormatRunInfo(const RunInfo& info);

// A job as "name  value" lines, with its result summary when present.
std::string FormatJob(const v1::Job& job);

// One line per job, with a header line, then the next-page hint when there is one.
std::string FormatJobList(const v1::ListJobsResponse& response);

// One line for an event: sequence, time, what happened.
std::string FormatEvent(const v1::JobEvent& event);

// A timestamp as 2026-11-23T16:05:01.123Z; "-" when unset (zero).
std::string FormatTimestamp(const google::protobuf::Timestamp& time);

}  // namespace advect::cli

#endif  // ADVECT_CLIENT_CLI_OUTPUT_H_
