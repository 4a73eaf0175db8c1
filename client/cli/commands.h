// The table of advect commands, their flags and help texts.
#ifndef ADVECT_CLIENT_CLI_COMMANDS_H_
#define ADVECT_CLIENT_CLI_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "client/cli/flags.h"

namespace advect::cli {

// One command: `advect GROUP NAME [POSITIONALS] [FLAGS]`.
struct CommandDef {
  std::string group;            // "ot", "jobs", ...; a one-word command ("health") is a group
  std::string name;             // "sinkhorn", "list", ...; empty for a one-word command
  std::string summary;          // one line, for the group and top-level help
  std::vector<std::string> synopsis;  // usage lines after "advect [GLOBAL FLAGS] "
  std::string description;      // wrapped paragraphs
  std::string positional;       // e.g. "ID"; empty when none
  std::vector<FlagDef> flags;   // the command's own flags (global flags come on top)
  bool positional_optional = false;  // the command also runs without it
};

// Flags every command accepts, anywhere on the command line.
const std::vector<FlagDef>& GlobalFlags();

// "group name", or "group" for a one-word command.
std::string CommandName(const CommandDef& command);

// All commands, in help order.
const std::vector<CommandDef>& Commands();

// The command GROUP NAME; null when unknown.
const CommandDef* FindCommand(absl::string_view group, absl::string_view name);

// True when `group` is "ot" or "jobs".
bool IsGroup(absl::string_view group);

// The flags the command accepts: its own plus the global ones.
std::vector<FlagDef> AllFlags(const CommandDef& command);

}  // namespace advect::cli

#endif  // ADVECT_CLIENT_CLI_COMMANDS_H_
