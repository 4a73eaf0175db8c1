#include "client/cli/command_line.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/cli/errors.h"
#include "client/lib/channel.h"

namespace advect::cli {
namespace {

// Consumes a global flag at args[*i] (and its value); false when args[*i] is not one.
absl::StatusOr<bool> ConsumeGlobalFlag(const std::vector<std::string>& args, size_t* i,
                                       ParsedFlags* globals) {
  const std::string& arg = args[*i];
  if (arg == "-h" || arg == "--help") {
    globals->help = true;
    return true;
  }
  if (!absl::StartsWith(arg, "--")) return false;
  absl::string_view name = absl::string_view(arg).substr(2);
  name = name.substr(0, name.find('='));
  const FlagDef* def = FindFlag(GlobalFlags(), name);
  if (def == nullptr) return false;
  // Reuse the generic parser on the flag and, when it takes one, its value.
  std::vector<std::string> slice = {arg};
  if (!def->IsBool() && !absl::StrContains(arg, "=") && *i + 1 < args.size()) {
    slice.push_back(args[++*i]);
  }
  absl::StatusOr<ParsedFlags> parsed = ParseFlags(slice, GlobalFlags(), "advect");
  if (!parsed.ok()) return parsed.status();
  for (auto& [k, v] : parsed->values) globals->values[k] = v;
  return true;
}

std::string UnknownCommand(absl::string_view what) {
  return absl::StrCat("unknown command '", what, "'; run 'advect --help' for the commands");
}

}  // namespace

absl::StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args,
                                             const char* env_server) {
  CommandLine out;
  ParsedFlags globals;
  std::vector<std::string> words;  // "help", the group, the command name
  size_t i = 0;
  // Before the command is known, only global flags may appear.
  for (; i < args.size() && out.command == nullptr; ++i) {
    const std::string& arg = args[i];
    if (arg.size() > 1 && arg[0] == '-') {
      absl::StatusOr<bool> consumed = ConsumeGlobalFlag(args, &i, &globals);
      if (!consumed.ok()) return consumed.status();
      if (*consumed) continue;
      if (words.empty()) {
        return UsageError(absl::StrCat("unknown flag ", arg,
                                       " (a command's flags go after the command; run "
                                       "'advect --help')"));
      }
      return UsageError(absl::StrCat("missing command after '", words.back(), "' (before ",
                                     arg, "); run 'advect ", words.back(), " --help'"));
    }
    if (words.empty() && arg == "help") {
      globals.help = true;
      continue;
    }
    if (out.group.empty()) {
      if (!IsGroup(arg)) return UsageError(UnknownCommand(arg));
      out.group = arg;
      words.push_back(arg);
      out.command = FindCommand(out.group, "");  // a one-word command ends the words
      continue;
    }
    out.command = FindCommand(out.group, arg);
    if (out.command == nullptr) return UsageError(UnknownCommand(absl::StrCat(out.group, " ", arg)));
  }
  if (out.command != nullptr) {
    std::vector<std::string> rest(args.begin() + static_cast<long>(i), args.end());
    absl::StatusOr<ParsedFlags> parsed = ParseFlags(
        rest, AllFlags(*out.command), CommandName(*out.command));
    if (!parsed.ok()) return parsed.status();
    out.flags = *std::move(parsed);
    for (const FlagDef& g : GlobalFlags()) {
      if (auto v = out.flags.Get(g.name)) {
        globals.values[g.name] = *v;
        out.flags.values.erase(g.name);
      }
    }
    globals.help = globals.help || out.flags.help;
  }
  out.help = globals.help;
  out.globals.json = globals.Has("json");
  out.globals.server =
      client::ResolveServerAddress(globals.Get("server").value_or(""), env_server);
  if (globals.Has("server") && globals.Get("server")->empty()) {
    return UsageError("--server: empty address");
  }
  out.globals.tls = globals.Has("tls");
  out.globals.tls_ca = globals.Get("tls-ca").value_or("");
  out.globals.tls_cert = globals.Get("tls-cert").value_or("");
  out.globals.tls_key = globals.Get("tls-key").value_or("");
  out.globals.token = globals.Get("token").value_or("");
  if (out.globals.tls_cert.empty() != out.globals.tls_key.empty()) {
    return UsageError(out.globals.tls_cert.empty() ? "--tls-key: needs --tls-cert too"
                                                   : "--tls-cert: needs --tls-key too");
  }
  if (globals.Has("token") && out.globals.token.empty()) return UsageError("--token: empty");
  if (out.help) return out;
  if (out.command == nullptr) {
    return UsageError(out.group.empty()
                          ? "missing command; run 'advect --help'"
                          : absl::StrCat("missing command after '", out.group, "'; run 'advect ",
                                         out.group, " --help'"));
  }
  const size_t want = out.command->positional.empty() ? 0 : 1;
  const std::string cmd = CommandName(*out.command);
  if (out.flags.positionals.size() < want && !out.command->positional_optional) {
    return UsageError(absl::StrCat(cmd, ": missing the job ", out.command->positional,
                                   "; run 'advect ", cmd, " --help'"));
  }
  if (out.flags.positionals.size() > want) {
    return UsageError(absl::StrCat(cmd, ": unexpected argument '", out.flags.positionals[want],
                                   "'"));
  }
  return out;
}

}  // namespace advect::cli
