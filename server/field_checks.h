// Small validation helpers shared by the job kinds' Prepare functions.
#ifndef ADVECT_SERVER_FIELD_CHECKS_H_
#define ADVECT_SERVER_FIELD_CHECKS_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace advect::server {

// INVALID_ARGUMENT "<field>: <count> <what> exceed the server limit of <limit>
// (advectd <flag>)" when count > limit.
absl::Status CheckCount(absl::string_view field, int64_t count, int64_t limit,
                        absl::string_view what, absl::string_view flag);

// `status` with `prefix` (e.g. "spec.exact_ot.") put before its message when it
// is INVALID_ARGUMENT, so that errors name the full field path; other codes
// (CANCELLED, RESOURCE_EXHAUSTED, ...) pass through unchanged.
absl::Status WithFieldPrefix(absl::string_view prefix, const absl::Status& status);

// The same for a value or an error: each job kind's Prepare returns
// WithFieldPrefix(prefix, Prepare(spec, limits)).
template <typename T>
absl::StatusOr<T> WithFieldPrefix(absl::string_view prefix, absl::StatusOr<T> value) {
  if (value.ok()) return value;
  return WithFieldPrefix(prefix, value.status());
}

}  // namespace advect::server

#endif  // ADVECT_SERVER_FIELD_CHECKS_H_
