// The --help texts of advect.
#ifndef ADVECT_CLIENT_CLI_USAGE_H_
#define ADVECT_CLIENT_CLI_USAGE_H_

#include <string>

#include "absl/strings/string_view.h"
#include "client/cli/commands.h"

namespace advect::cli {

// Help texts; each ends with a newline.
std::string TopLevelHelp();
std::string GroupHelp(absl::string_view group);  // "ot" or "jobs"
std::string CommandHelp(const CommandDef& command);

}  // namespace advect::cli

#endif  // ADVECT_CLIENT_CLI_USAGE_H_
