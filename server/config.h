// advectd's settings: every one has a flag and an ADVECT_* environment variable
// (a flag wins over the environment, which wins over the built-in default).
#ifndef ADVECT_SERVER_CONFIG_H_
#define ADVECT_SERVER_CONFIG_H_

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/security.h"
#include "server/server.h"

namespace advect::server {

struct DaemonConfig {
  ServerOptions server;
  std::chrono::milliseconds shutdown_grace{10'000};
  std::string log_level = "info";
  std::string log_format = "text";  // or "json"
  SecurityFiles security;  // read at start-up into server.security
  bool help = false;
};

// Parses `args` (without the program name) over `env`. Accepts --name=value and
// --name value. INVALID_ARGUMENT names the flag (or variable) and the problem.
absl::StatusOr<DaemonConfig> ParseDaemonConfig(const std::vector<std::string>& args,
                                               const std::map<std::string, std::string>& env);

// The --help text: every flag, its variable, default and meaning.
std::string DaemonUsage();

}  // namespace advect::server

#endif  // ADVECT_SERVER_CONFIG_H_
