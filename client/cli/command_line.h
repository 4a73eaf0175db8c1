// Splitting argv into global options, the command and the command's flags.
#ifndef ADVECT_CLIENT_CLI_COMMAND_LINE_H_
#define ADVECT_CLIENT_CLI_COMMAND_LINE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/cli/commands.h"
#include "client/cli/flags.h"

namespace advect::cli {

// Options every command shares.
struct GlobalOptions {
  std::string server;  // resolved: --server, else $ADVECT_SERVER, else the default
  bool json = false;
  bool tls = false;
  std::string tls_ca, tls_cert, tls_key;  // file paths, empty when not given
  std::string token;                      // --token as given (ADVECT_TOKEN is read by main)
};

// A parsed command line.
struct CommandLine {
  // When help is true, print the help of `command`, or of `group` when command
  // is null, or the top-level help when both are empty.
  bool help = false;
  std::string group;
  const CommandDef* command = nullptr;
  GlobalOptions globals;
  ParsedFlags flags;  // the command's flags and positionals (global flags removed)
};

// Parses the arguments after argv[0]. Global flags (--server, --json, --help)
// are accepted anywhere; the command's flags after the command words.
// `env_server` is the value of $ADVECT_SERVER (may be null). Errors are usage errors.
absl::StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args,
                                             const char* env_server);

}  // namespace advect::cli

#endif  // ADVECT_CLIENT_CLI_COMMAND_LINE_H_
