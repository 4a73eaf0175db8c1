#include "client/lib/status.h"

#include <iterator>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace advect::client {

std::string StatusCodeName(int code) {
  static constexpr const char* kNames[] = {
      "OK",                 "CANCELLED",         "UNKNOWN",   "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED",  "NOT_FOUND",         "ALREADY_EXISTS", "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
      "UNIMPLEMENTED",      "INTERNAL",          "UNAVAILABLE", "DATA_LOSS",
      "UNAUTHENTICATED"};
  if (code >= 0 && code < static_cast<int>(std::size(kNames))) return kNames[code];
  return absl::StrCat("CODE_", code);
}

std::string FormatStatus(const grpc::Status& status) {
  std::string out = StatusCodeName(status.error_code());
  if (!status.error_message().empty()) absl::StrAppend(&out, ": ", status.error_message());
  return out;
}

std::string FormatJobError(const v1::JobError& error) {
  std::string out = StatusCodeName(error.code());
  if (!error.message().empty()) absl::StrAppend(&out, ": ", error.message());
  return out;
}

std::string JobStateName(v1::JobState state) {
  switch (state) {
    case v1::JOB_STATE_QUEUED: return "queued";
    case v1::JOB_STATE_RUNNING: return "running";
    case v1::JOB_STATE_SUCCEEDED: return "succeeded";
    case v1::JOB_STATE_FAILED: return "failed";
    case v1::JOB_STATE_CANCELLED: return "cancelled";
    default: return "unspecified";
  }
}

std::optional<v1::JobState> ParseJobState(absl::string_view text) {
  std::string lower = absl::AsciiStrToLower(text);
  absl::string_view name = lower;
  absl::ConsumePrefix(&name, "job_state_");
  for (v1::JobState s : {v1::JOB_STATE_QUEUED, v1::JOB_STATE_RUNNING, v1::JOB_STATE_SUCCEEDED,
                         v1::JOB_STATE_FAILED, v1::JOB_STATE_CANCELLED}) {
    if (name == JobStateName(s)) return s;
  }
  if (name == "canceled") return v1::JOB_STATE_CANCELLED;
  return std::nullopt;
}

bool IsTerminal(v1::JobState state) {
  return state == v1::JOB_STATE_SUCCEEDED || state == v1::JOB_STATE_FAILED ||
         state == v1::JOB_STATE_CANCELLED;
}

}  // namespace advect::client
