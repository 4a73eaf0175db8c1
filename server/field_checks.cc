#include "server/field_checks.h"

#include "absl/strings/str_cat.h"

namespace advect::server {

absl::Status CheckCount(absl::string_view field, int64_t count, int64_t limit,
                        absl::string_view what, absl::string_view flag) {
  if (count <= limit) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", count, " ", what,
                                                 " exceed the server limit of ", limit,
                                                 " (advectd ", flag, ")"));
}

absl::Status WithFieldPrefix(absl::string_view prefix, const absl::Status& status) {
  if (status.code() != absl::StatusCode::kInvalidArgument) return status;
  return absl::InvalidArgumentError(absl::StrCat(prefix, status.message()));
}

}  // namespace advect::server
