// advectd settings: defaults, environment, flags, and errors that name the setting.
#include <gtest/gtest.h>

#include "server/config.h"

namespace advect::server {
namespace {

TEST(ConfigTest, DefaultsThenEnvironmentThenFlags) {
  absl::StatusOr<DaemonConfig> c = ParseDaemonConfig({}, {});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->server.listen, "127.0.0.1:50051");
  EXPECT_GE(c->server.jobs.workers, 1);
  EXPECT_EQ(c->server.jobs.queue_capacity, 64);
  EXPECT_EQ(c->server.limits.max_plan_entries, 1'048'576);

  c = ParseDaemonConfig({}, {{"ADVECT_LISTEN", "0.0.0.0:7000"}, {"ADVECT_WORKERS", "3"}});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->server.listen, "0.0.0.0:7000");
  EXPECT_EQ(c->server.jobs.workers, 3);

  c = ParseDaemonConfig({"--listen", "127.0.0.1:0", "--workers=5", "--job-ttl-seconds=7"},
                        {{"ADVECT_LISTEN", "0.0.0.0:7000"}, {"ADVECT_WORKERS", "3"}});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->server.listen, "127.0.0.1:0");
  EXPECT_EQ(c->server.jobs.workers, 5);
  EXPECT_EQ(c->server.jobs.finished_ttl, std::chrono::seconds(7));
}

TEST(ConfigTest, ErrorsNameTheFlagOrVariable) {
  auto error = [](std::vector<std::string> args, std::map<std::string, std::string> env) {
    absl::StatusOr<DaemonConfig> c = ParseDaemonConfig(args, env);
    EXPECT_FALSE(c.ok());
    return std::string(c.status().message());
  };
  EXPECT_EQ(error({"--workers=-1"}, {}), "--workers: expected an integer in 0..1024, got \"-1\"");
  EXPECT_EQ(error({}, {{"ADVECT_QUEUE_CAPACITY", "lots"}}),
            "ADVECT_QUEUE_CAPACITY: expected an integer in 0..1000000, got \"lots\"");
  EXPECT_EQ(error({"--nope=1"}, {}), "unknown flag --nope (see --help)");
  EXPECT_EQ(error({"--listen"}, {}), "--listen: missing value");
  EXPECT_EQ(error({"--listen=localhost"}, {}), "--listen: expected HOST:PORT, got \"localhost\"");
  EXPECT_EQ(error({"--log-level=loud"}, {}), "--log-level: unknown log level \"loud\"");
  EXPECT_EQ(error({"stray"}, {}), "unexpected argument \"stray\"");
}

TEST(ConfigTest, HelpListsEveryFlagWithItsVariable) {
  const std::string usage = DaemonUsage();
  for (const char* name : {"--listen", "ADVECT_LISTEN", "--workers", "ADVECT_WORKERS",
                           "--queue-capacity", "--job-ttl-seconds", "--max-finished-jobs",
                           "--max-points", "--max-cost-entries", "--max-plan-entries",
                           "--max-frames", "--max-frame-bytes", "--progress-interval-ms",
                           "--max-message-bytes", "--shutdown-grace-seconds", "--log-level"}) {
    EXPECT_NE(usage.find(name), std::string::npos) << name;
  }
  absl::StatusOr<DaemonConfig> c = ParseDaemonConfig({"--help"}, {});
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->help);
}

}  // namespace
}  // namespace advect::server
