// advectd's log output: spdlog's default logger (stdout) as text lines or as JSON objects (one
// a line: time in UTC, level, thread, msg, and job_id for lines about a job).
#ifndef ADVECT_SERVER_LOGGING_H_
#define ADVECT_SERVER_LOGGING_H_

#include <string>

#include "absl/status/status.h"

namespace advect::server {

// Sets spdlog's level ("trace" ... "off") and format ("text" or "json").
// INVALID_ARGUMENT for an unknown format.
absl::Status ConfigureLogging(const std::string& level, const std::string& format);

// The JSON line of a message: {"time":...,"level":...,"thread":...,"msg":...}
// plus "job_id" when the message starts with "job <id> " (the job engine's
// convention). Exposed for tests.
std::string JsonLogLine(const std::string& time_utc, const std::string& level, size_t thread,
                        const std::string& message);

}  // namespace advect::server

#endif  // ADVECT_SERVER_LOGGING_H_
