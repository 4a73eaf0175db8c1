// advectd's JSON log lines: valid JSON for any message, job_id for job lines.
#include "server/logging.h"

#include <gtest/gtest.h>

namespace advect::server {
namespace {

TEST(JsonLogLineTest, EscapesTheMessage) {
  EXPECT_EQ(JsonLogLine("2026-12-04T05:00:00.000001Z", "info", 7, "say \"hi\"\\\n\t\x01"),
            "{\"time\":\"2026-12-04T05:00:00.000001Z\",\"level\":\"info\",\"thread\":7,"
            "\"msg\":\"say \\\"hi\\\"\\\\\\n\\t\\u0001\"}");
}

TEST(JsonLogLineTest, CarriesTheJobIdOfJobLines) {
  EXPECT_EQ(JsonLogLine("t", "info", 1, "job 00ab12cd34ef5678 (entropic_ot) JOB_STATE_SUCCEEDED"),
            "{\"time\":\"t\",\"level\":\"info\",\"thread\":1,\"job_id\":\"00ab12cd34ef5678\","
            "\"msg\":\"job 00ab12cd34ef5678 (entropic_ot) JOB_STATE_SUCCEEDED\"}");
  // Not the convention: no job_id.
  for (const char* message : {"jobs queued", "job  x", "job zz started", "advectd stopped"}) {
    EXPECT_EQ(JsonLogLine("t", "info", 1, message).find("job_id"), std::string::npos) << message;
  }
}

TEST(ConfigureLoggingTest, RefusesAnUnknownFormat) {
  EXPECT_EQ(ConfigureLogging("info", "xml").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(ConfigureLogging("info", "text").ok());
}

}  // namespace
}  // namespace advect::server
