#include "client/cli/command_line.h"

#include <gtest/gtest.h>

#include "client/cli/commands.h"
#include "client/cli/errors.h"
#include "client/cli/usage.h"

namespace advect::cli {
namespace {

absl::StatusOr<CommandLine> Parse(std::vector<std::string> args, const char* env = nullptr) {
  return ParseCommandLine(args, env);
}

TEST(CommandLine, GlobalFlagsBeforeTheCommand) {
  auto line = Parse({"--server", "127.0.0.1:9", "--json", "ot", "sinkhorn", "--epsilon", "1"});
  ASSERT_TRUE(line.ok()) << line.status();
  ASSERT_NE(line->command, nullptr);
  EXPECT_EQ(line->group, "ot");
  EXPECT_EQ(line->command->name, "sinkhorn");
  EXPECT_EQ(line->globals.server, "127.0.0.1:9");
  EXPECT_TRUE(line->globals.json);
  EXPECT_EQ(line->flags.Get("epsilon"), "1");
  EXPECT_FALSE(line->flags.Has("json"));  // global flags are taken out
}

TEST(CommandLine, GlobalFlagsAnywhere) {
  auto line = Parse({"jobs", "--json", "get", "ID", "--server=h:1"});
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ(line->command->name, "get");
  EXPECT_TRUE(line->globals.json);
  EXPECT_EQ(line->globals.server, "h:1");
  EXPECT_EQ(line->flags.positionals, (std::vector<std::string>{"ID"}));
}

// A one-word command (`advect health`) is a group with an unnamed command: the
// word after it is a flag or an argument, never a command name.
TEST(CommandLine, OneWordCommand) {
  auto line = Parse({"--json", "health", "--timeout", "3"});
  ASSERT_TRUE(line.ok()) << line.status();
  ASSERT_NE(line->command, nullptr);
  EXPECT_EQ(line->group, "health");
  EXPECT_EQ(CommandName(*line->command), "health");
  EXPECT_TRUE(line->globals.json);
  EXPECT_EQ(line->flags.Get("timeout"), "3");

  auto extra = Parse({"health", "list"});
  ASSERT_FALSE(extra.ok());
  EXPECT_EQ(ExitCodeOf(extra.status()), kExitUsage);
  EXPECT_NE(extra.status().message().find("health: unexpected argument 'list'"),
            std::string::npos)
      << extra.status();
  EXPECT_NE(CommandHelp(*Parse({"health", "--help"})->command).find("Usage: advect [GLOBAL FLAGS] health"),
            std::string::npos);
}

TEST(CommandLine, ServerFromEnvironmentThenDefault) {
  EXPECT_EQ(Parse({"jobs", "list"}, "10.0.0.1:5")->globals.server, "10.0.0.1:5");
  EXPECT_EQ(Parse({"jobs", "list"}, "")->globals.server, "127.0.0.1:50051");
  EXPECT_EQ(Parse({"jobs", "list"})->globals.server, "127.0.0.1:50051");
  EXPECT_EQ(Parse({"jobs", "list", "--server", "a:1"}, "b:2")->globals.server, "a:1");
}

TEST(CommandLine, Help) {
  auto top = Parse({"--help"});
  ASSERT_TRUE(top.ok());
  EXPECT_TRUE(top->help);
  EXPECT_EQ(top->command, nullptr);
  EXPECT_TRUE(top->group.empty());

  auto group = Parse({"jobs", "--help"});
  ASSERT_TRUE(group.ok());
  EXPECT_TRUE(group->help);
  EXPECT_EQ(group->group, "jobs");

  auto command = Parse({"ot", "sinkhorn", "--help"});
  ASSERT_TRUE(command.ok());
  EXPECT_TRUE(command->help);
  ASSERT_NE(command->command, nullptr);
  EXPECT_EQ(command->command->name, "sinkhorn");

  auto help_word = Parse({"help", "jobs", "watch"});
  ASSERT_TRUE(help_word.ok());
  EXPECT_TRUE(help_word->help);
  EXPECT_EQ(help_word->command->name, "watch");

  // --help wins over missing required arguments.
  EXPECT_TRUE(Parse({"jobs", "get", "--help"})->help);
}

TEST(CommandLine, UsageErrors) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"frobnicate"},
           {"ot"},
           {"ot", "emd"},
           {"--bogus", "ot", "sinkhorn"},
           {"ot", "sinkhorn", "--bogus"},
           {"jobs", "get"},
           {"jobs", "get", "a", "b"},
           {"jobs", "list", "extra"},
           {"jobs", "list", "--server"},
           {"--server=", "jobs", "list"},
       }) {
    auto line = Parse(args);
    ASSERT_FALSE(line.ok()) << args[0];
    EXPECT_EQ(ExitCodeOf(line.status()), kExitUsage) << line.status();
  }
}

TEST(CommandLine, EveryCommandHasHelpWithExitCodes) {
  for (const CommandDef& c : Commands()) {
    const std::string help = CommandHelp(c);
    EXPECT_NE(help.find("Usage: advect"), std::string::npos) << c.name;
    EXPECT_NE(help.find("Exit codes"), std::string::npos) << c.name;
    for (const FlagDef& f : c.flags) {
      EXPECT_NE(help.find("--" + f.name), std::string::npos) << f.name;
    }
  }
  EXPECT_NE(TopLevelHelp().find("jobs watch"), std::string::npos);
  EXPECT_NE(GroupHelp("ot").find("ot sinkhorn"), std::string::npos);
  EXPECT_NE(CommandHelp(*FindCommand("ot", "sinkhorn")).find("d = 1"), std::string::npos);
}

}  // namespace
}  // namespace advect::cli
