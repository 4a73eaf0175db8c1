#include "client/cli/errors.h"

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "client/lib/status.h"

namespace advect::cli {
namespace {

constexpr char kExitCodeUrl[] = "advect.cli/exit_code";

absl::Status Tagged(absl::string_view message, int code) {
  absl::Status status(absl::StatusCode::kUnknown, message);
  status.SetPayload(kExitCodeUrl, absl::Cord(absl::StrCat(code)));
  return status;
}

}  // namespace

absl::Status UsageError(absl::string_view message) { return Tagged(message, kExitUsage); }
absl::Status InputError(absl::string_view message) { return Tagged(message, kExitInput); }
absl::Status RpcError(const grpc::Status& status) {
  return Tagged(client::FormatStatus(status), kExitRpc);
}
absl::Status JobFailedError(absl::string_view message) {
  return Tagged(message, kExitJobFailed);
}

int ExitCodeOf(const absl::Status& status) {
  if (status.ok()) return kExitOk;
  int code = 1;
  if (auto payload = status.GetPayload(kExitCodeUrl)) {
    if (!absl::SimpleAtoi(std::string(*payload), &code)) code = 1;
  }
  return code;
}

std::string ErrorLine(const absl::Status& status) {
  const int code = ExitCodeOf(status);
  const bool local = code == kExitUsage || code == kExitInput;
  return absl::StrCat(local ? "advect: " : "error: ", status.message());
}

}  // namespace advect::cli
