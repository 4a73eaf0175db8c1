#include "client/cli/usage.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace advect::cli {
namespace {

constexpr char kExitCodes[] =
    "Exit codes:\n"
    "  0  success\n"
    "  2  usage error (unknown flag, missing required flag, bad number)\n"
    "  3  bad input file (missing, unreadable, wrong shape) or unwritable --out DIR\n"
    "  4  server or RPC error (printed as \"error: CODE: message\")\n"
    "  5  the job ended FAILED or CANCELLED\n";

std::string FlagLabel(const FlagDef& flag) {
  return flag.IsBool() ? absl::StrCat("--", flag.name)
                       : absl::StrCat("--", flag.name, " ", flag.value_name);
}

// "  --name VALUE   help", help lines aligned in a column.
void AppendFlagTable(std::string* out, const std::vector<FlagDef>& flags, bool with_help) {
  size_t width = with_help ? std::string("-h, --help").size() : 0;
  for (const FlagDef& f : flags) width = std::max(width, FlagLabel(f).size());
  const std::string indent(2 + width + 2, ' ');
  auto add = [&](const std::string& label, const std::string& help) {
    std::string line = absl::StrCat("  ", label);
    line.append(indent.size() - line.size(), ' ');
    bool first = true;
    for (absl::string_view part : absl::StrSplit(help, '\n')) {
      absl::StrAppend(out, first ? line : indent, part, "\n");
      first = false;
    }
  };
  for (const FlagDef& f : flags) add(FlagLabel(f), f.help);
  if (with_help) add("-h, --help", "show this help");
}

std::string CommandTable(absl::string_view group) {
  std::string out;
  for (const CommandDef& c : Commands()) {
    if (!group.empty() && c.group != group) continue;
    std::string label = absl::StrCat("  ", CommandName(c));
    label.resize(std::max<size_t>(label.size() + 2, 18), ' ');
    absl::StrAppend(&out, label, c.summary, "\n");
  }
  return out;
}

}  // namespace

std::string TopLevelHelp() {
  std::string out =
      "Usage: advect [--server HOST:PORT] [--json] COMMAND [FLAGS]\n"
      "\n"
      "advect is the command-line client of advectd, the optimal transport service.\n"
      "\n"
      "Commands:\n";
  absl::StrAppend(&out, CommandTable(""));
  absl::StrAppend(&out, "\nGlobal flags (accepted anywhere on the command line):\n");
  AppendFlagTable(&out, GlobalFlags(), /*with_help=*/true);
  absl::StrAppend(&out,
                  "\nRun 'advect COMMAND --help' for the flags of a command, e.g.\n"
                  "  advect ot sinkhorn --x examples/x.npy --y examples/y.npy --epsilon 0.05\n\n",
                  kExitCodes);
  return out;
}

std::string GroupHelp(absl::string_view group) {
  std::string out = absl::StrCat("Usage: advect [GLOBAL FLAGS] ", group, " COMMAND [FLAGS]\n\n",
                                 "Commands:\n", CommandTable(group),
                                 "\nGlobal flags (accepted anywhere on the command line):\n");
  AppendFlagTable(&out, GlobalFlags(), /*with_help=*/true);
  absl::StrAppend(&out, "\nRun 'advect ", group, " COMMAND --help' for details.\n\n",
                  kExitCodes);
  return out;
}

std::string CommandHelp(const CommandDef& command) {
  std::string out;
  for (size_t i = 0; i < command.synopsis.size(); ++i) {
    absl::StrAppend(&out, i == 0 ? "Usage: " : "       ", "advect [GLOBAL FLAGS] ",
                    command.synopsis[i], "\n");
  }
  absl::StrAppend(&out, "\n", command.description, "\n");
  if (!command.flags.empty()) {
    absl::StrAppend(&out, "\nFlags:\n");
    AppendFlagTable(&out, command.flags, /*with_help=*/false);
  }
  absl::StrAppend(&out, "\nGlobal flags (accepted anywhere on the command line):\n");
  AppendFlagTable(&out, GlobalFlags(), /*with_help=*/true);
  absl::StrAppend(&out, "\n", kExitCodes);
  return out;
}

}  // namespace advect::cli
