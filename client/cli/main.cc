// advect: the command-line client of advectd. See usage.cc for the commands.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "client/cli/command_line.h"
#include "client/cli/context.h"
#include "client/cli/errors.h"
#include "client/cli/flow_command.h"
#include "client/cli/health_command.h"
#include "client/cli/meanfield_command.h"
#include "client/cli/particles_command.h"
#include "client/cli/tokens_command.h"
#include "client/cli/jobs_command.h"
#include "client/cli/ot_command.h"
#include "client/cli/plot_command.h"
#include "client/cli/usage.h"
#include "client/lib/channel.h"

namespace advect::cli {
namespace {

absl::Status Dispatch(const Context& context, const CommandLine& line) {
  const std::string& name = line.command->name;
  if (line.group == "ot") return RunOtCommand(context, name, line.flags);
  if (line.group == "flow") return RunFlowCommand(context, name, line.flags);
  if (line.group == "particles") return RunParticlesCommand(context, name, line.flags);
  if (line.group == "tokens") return RunTokensCommand(context, name, line.flags);
  if (line.group == "meanfield") return RunMeanFieldCommand(context, name, line.flags);
  if (line.group == "health") return RunHealth(context, line.flags);
  if (line.group == "plot") return RunPlot(context, line.flags);
  if (name == "list") return RunJobsList(context, line.flags);
  if (name == "get") return RunJobsGet(context, line.flags);
  if (name == "watch") return RunJobsWatch(context, line.flags);
  return RunJobsCancel(context, line.flags);
}

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::fputs(TopLevelHelp().c_str(), stderr);
    return kExitUsage;
  }
  absl::StatusOr<CommandLine> line = ParseCommandLine(args, std::getenv("ADVECT_SERVER"));
  if (!line.ok()) {
    std::fprintf(stderr, "%s\n", ErrorLine(line.status()).c_str());
    return ExitCodeOf(line.status());
  }
  if (line->help) {
    const std::string text = line->command != nullptr ? CommandHelp(*line->command)
                             : line->group.empty()    ? TopLevelHelp()
                                                      : GroupHelp(line->group);
    std::fputs(text.c_str(), stdout);
    return kExitOk;
  }
  const GlobalOptions& g = line->globals;
  const char* env_token = std::getenv("ADVECT_TOKEN");
  absl::StatusOr<client::ChannelSecurity> security = client::LoadChannelSecurity(
      g.tls, g.tls_ca, g.tls_cert, g.tls_key,
      !g.token.empty() ? g.token : (env_token != nullptr ? env_token : ""));
  if (!security.ok()) {
    std::fprintf(stderr, "%s\n", ErrorLine(InputError(security.status().message())).c_str());
    return kExitInput;
  }
  auto channel = client::MakeChannel(g.server, *security);
  auto stub = v1::AdvectService::NewStub(channel);
  Context context;
  context.globals = line->globals;
  context.stub = stub.get();
  context.channel = channel;
  context.err_is_tty = isatty(fileno(stderr)) != 0;
  absl::Status status = Dispatch(context, *line);
  std::fflush(stdout);
  if (!status.ok()) std::fprintf(stderr, "%s\n", ErrorLine(status).c_str());
  return ExitCodeOf(status);
}

}  // namespace
}  // namespace advect::cli

int main(int argc, char** argv) { return advect::cli::Main(argc, argv); }
