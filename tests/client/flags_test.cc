#include "client/cli/flags.h"

#include <gtest/gtest.h>

#include "client/cli/errors.h"

namespace advect::cli {
namespace {

const std::vector<FlagDef> kDefs = {
    {"epsilon", "E", "eps"}, {"plan", "", "plan"}, {"out", "DIR", "out"}};

TEST(ParseFlags, ValuesBooleansAndPositionals) {
  auto parsed = ParseFlags({"--epsilon", "0.5", "ID", "--plan", "--out=dir", "rest"}, kDefs, "t");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->Get("epsilon"), "0.5");
  EXPECT_TRUE(parsed->Has("plan"));
  EXPECT_EQ(parsed->Get("out"), "dir");
  EXPECT_EQ(parsed->positionals, (std::vector<std::string>{"ID", "rest"}));
  EXPECT_FALSE(parsed->help);
}

TEST(ParseFlags, NegativeNumberIsAValue) {
  auto parsed = ParseFlags({"--epsilon", "-1"}, kDefs, "t");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->Get("epsilon"), "-1");
}

TEST(ParseFlags, LastValueWins) {
  auto parsed = ParseFlags({"--epsilon", "1", "--epsilon=2"}, kDefs, "t");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->Get("epsilon"), "2");
}

TEST(ParseFlags, DoubleDashEndsFlags) {
  auto parsed = ParseFlags({"--", "--plan"}, kDefs, "t");
  ASSERT_TRUE(parsed.ok());
  EXPECT_FALSE(parsed->Has("plan"));
  EXPECT_EQ(parsed->positionals, (std::vector<std::string>{"--plan"}));
}

TEST(ParseFlags, Help) {
  EXPECT_TRUE(ParseFlags({"-h"}, kDefs, "t")->help);
  EXPECT_TRUE(ParseFlags({"--help"}, kDefs, "t")->help);
}

TEST(ParseFlags, UnknownFlagIsAUsageErrorNamingIt) {
  auto parsed = ParseFlags({"--bogus"}, kDefs, "ot sinkhorn");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(ExitCodeOf(parsed.status()), kExitUsage);
  EXPECT_NE(parsed.status().message().find("--bogus"), std::string::npos);
  EXPECT_NE(parsed.status().message().find("ot sinkhorn"), std::string::npos);
  EXPECT_EQ(ExitCodeOf(ParseFlags({"-x"}, kDefs, "t").status()), kExitUsage);
}

TEST(ParseFlags, MissingValueAndValueOnBoolean) {
  auto missing = ParseFlags({"--epsilon"}, kDefs, "t");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("needs a value"), std::string::npos);
  auto boolean = ParseFlags({"--plan=yes"}, kDefs, "t");
  ASSERT_FALSE(boolean.ok());
  EXPECT_EQ(ExitCodeOf(boolean.status()), kExitUsage);
}

TEST(ParseNumbers, Doubles) {
  EXPECT_EQ(*ParseDouble("epsilon", "0.05"), 0.05);
  EXPECT_EQ(*ParseDouble("epsilon", "-1"), -1.0);
  EXPECT_EQ(*ParseDouble("epsilon", "1e-3"), 1e-3);
  for (const char* bad : {"", "abc", "1.0x", "nan", "inf"}) {
    auto v = ParseDouble("epsilon", bad);
    ASSERT_FALSE(v.ok()) << bad;
    EXPECT_EQ(ExitCodeOf(v.status()), kExitUsage);
    EXPECT_NE(v.status().message().find("--epsilon"), std::string::npos);
  }
}

TEST(ParseNumbers, Integers) {
  EXPECT_EQ(*ParseInt("max-iter", "10", 0, 100), 10);
  EXPECT_FALSE(ParseInt("max-iter", "1.5", 0, 100).ok());
  EXPECT_FALSE(ParseInt("max-iter", "-1", 0, 100).ok());
  EXPECT_FALSE(ParseInt("max-iter", "101", 0, 100).ok());
  EXPECT_FALSE(ParseInt("max-iter", "99999999999999999999", 0, 100).ok());
}

}  // namespace
}  // namespace advect::cli
