#include "client/cli/flags.h"

#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "client/cli/errors.h"

namespace advect::cli {

std::optional<std::string> ParsedFlags::Get(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

const FlagDef* FindFlag(const std::vector<FlagDef>& defs, absl::string_view name) {
  for (const FlagDef& def : defs) {
    if (def.name == name) return &def;
  }
  return nullptr;
}

absl::StatusOr<ParsedFlags> ParseFlags(const std::vector<std::string>& args,
                                       const std::vector<FlagDef>& defs,
                                       absl::string_view context) {
  ParsedFlags out;
  bool flags_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (flags_done || arg.size() < 2 || arg[0] != '-') {
      out.positionals.push_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") {
      out.help = true;
      continue;
    }
    if (!absl::StartsWith(arg, "--")) {
      return UsageError(absl::StrCat("unknown flag ", arg, " for '", context,
                                     "' (flags are spelled --name); run 'advect ", context,
                                     " --help'"));
    }
    absl::string_view body = absl::string_view(arg).substr(2);
    std::optional<std::string> inline_value;
    if (size_t eq = body.find('='); eq != absl::string_view::npos) {
      inline_value = std::string(body.substr(eq + 1));
      body = body.substr(0, eq);
    }
    const FlagDef* def = FindFlag(defs, body);
    if (def == nullptr) {
      return UsageError(absl::StrCat("unknown flag --", body, " for '", context, "'; run 'advect ",
                                     context, " --help'"));
    }
    if (def->IsBool()) {
      if (inline_value.has_value()) {
        return UsageError(absl::StrCat("flag --", body, " takes no value"));
      }
      out.values[def->name] = "";
      continue;
    }
    if (inline_value.has_value()) {
      out.values[def->name] = *inline_value;
    } else if (i + 1 < args.size()) {
      out.values[def->name] = args[++i];
    } else {
      return UsageError(absl::StrCat("flag --", body, " needs a value (", def->value_name, ")"));
    }
  }
  return out;
}

absl::StatusOr<double> ParseDouble(absl::string_view flag, absl::string_view text) {
  double value = 0.0;
  if (!absl::SimpleAtod(text, &value) || !std::isfinite(value)) {
    return UsageError(absl::StrCat("--", flag, ": '", text, "' is not a finite number"));
  }
  return value;
}

absl::StatusOr<int64_t> ParseInt(absl::string_view flag, absl::string_view text, int64_t min,
                                 int64_t max) {
  int64_t value = 0;
  if (!absl::SimpleAtoi(text, &value)) {
    return UsageError(absl::StrCat("--", flag, ": '", text, "' is not an integer"));
  }
  if (value < min || value > max) {
    return UsageError(
        absl::StrCat("--", flag, ": ", value, " is out of range [", min, ", ", max, "]"));
  }
  return value;
}

}  // namespace advect::cli
