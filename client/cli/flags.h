// A small hand-written flag parser: --name VALUE, --name=VALUE, boolean
// --name, "--" to end the flags, -h/--help.
#ifndef ADVECT_CLIENT_CLI_FLAGS_H_
#define ADVECT_CLIENT_CLI_FLAGS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace advect::cli {

// One flag a command accepts.
struct FlagDef {
  std::string name;        // without the dashes, e.g. "epsilon"
  std::string value_name;  // e.g. "E"; empty for a boolean flag
  std::string help;        // one or more lines, already wrapped
  bool IsBool() const { return value_name.empty(); }
};

// The result of ParseFlags.
struct ParsedFlags {
  std::map<std::string, std::string> values;  // last value of each given flag ("" for booleans)
  std::vector<std::string> positionals;       // the other arguments, in order
  bool help = false;                          // -h or --help was given

  bool Has(const std::string& name) const { return values.count(name) > 0; }
  std::optional<std::string> Get(const std::string& name) const;
};

// Finds `name` in `defs`; null when absent.
const FlagDef* FindFlag(const std::vector<FlagDef>& defs, absl::string_view name);

// Parses `args` against `defs`. `context` names the command in error messages
// (e.g. "ot sinkhorn"). Errors are usage errors (see errors.h).
absl::StatusOr<ParsedFlags> ParseFlags(const std::vector<std::string>& args,
                                       const std::vector<FlagDef>& defs,
                                       absl::string_view context);

// Parses the value of --`flag`: a finite number. Usage error otherwise.
absl::StatusOr<double> ParseDouble(absl::string_view flag, absl::string_view text);

// Parses the value of --`flag`: an integer in [min, max]. Usage error otherwise.
absl::StatusOr<int64_t> ParseInt(absl::string_view flag, absl::string_view text, int64_t min,
                                 int64_t max);

}  // namespace advect::cli

#endif  // ADVECT_CLIENT_CLI_FLAGS_H_
