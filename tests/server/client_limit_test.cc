// --max-jobs-per-client: a client (its bearer token, else its address) may have
// at most that many jobs queued or running; others are not affected, and the
// slot frees when a job ends.
#include <gtest/gtest.h>

#include "client/lib/channel.h"
#include "tests/server/test_server.h"

namespace advect::testing {
namespace {

grpc::Status SubmitWith(v1::AdvectService::Stub& stub, const v1::JobSpec& spec, std::string* id) {
  grpc::ClientContext ctx;
  v1::SubmitJobRequest request;
  *request.mutable_spec() = spec;
  v1::SubmitJobResponse response;
  grpc::Status status = stub.SubmitJob(&ctx, request, &response);
  if (id != nullptr) *id = response.job().job_id();
  return status;
}

class ClientLimitTest : public ServerTest {
 protected:
  server::ServerOptions Options(bool tokens) {
    server::ServerOptions options = TestOptions();
    options.jobs.max_jobs_per_client = 2;
    if (tokens) options.security.tokens = {"alice-token", "bob-token"};
    return options;
  }
};

TEST_F(ClientLimitTest, AnAddressHasAtMostTheLimitQueuedOrRunning) {
  StartServer(Options(false));
  const std::string first = Submit(LongSpec(200));
  Submit(LongSpec(200));
  std::string third;
  grpc::Status refused = SubmitWith(*stub_, SmallSpec(), &third);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << refused.error_message();
  EXPECT_NE(refused.error_message().find("client ipv4:127.0.0.1 already has 2 jobs"),
            std::string::npos)
      << refused.error_message();
  EXPECT_NE(refused.error_message().find("--max-jobs-per-client"), std::string::npos);
  grpc::Status run_refused = RunRefused(SmallSpec());
  EXPECT_EQ(run_refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);

  ASSERT_TRUE(Cancel(first).ok());
  WaitTerminal(first);
  // The slot frees as soon as the job has ended.
  const auto end = SteadyClock::now() + milliseconds(5000);
  grpc::Status again;
  do {
    again = SubmitWith(*stub_, SmallSpec(), nullptr);
  } while (!again.ok() && SteadyClock::now() < end);
  EXPECT_TRUE(again.ok()) << again.error_message();
}

TEST_F(ClientLimitTest, EachTokenIsItsOwnClient) {
  StartServer(Options(true));
  auto channel_for = [&](const std::string& token) {
    client::ChannelSecurity security;
    security.token = token;
    return v1::AdvectService::NewStub(client::MakeChannel(server_->address(), security));
  };
  auto alice = channel_for("alice-token");
  auto bob = channel_for("bob-token");
  std::vector<std::string> ids(2);
  ASSERT_TRUE(SubmitWith(*alice, LongSpec(200), &ids[0]).ok());
  ASSERT_TRUE(SubmitWith(*alice, LongSpec(200), &ids[1]).ok());
  grpc::Status refused = SubmitWith(*alice, SmallSpec(), nullptr);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(refused.error_message().find("client token 1 "), std::string::npos)
      << refused.error_message();
  EXPECT_TRUE(SubmitWith(*bob, SmallSpec(), nullptr).ok()) << "bob is another client";
  for (const std::string& id : ids) {
    grpc::ClientContext ctx;
    v1::CancelJobRequest request;
    request.set_job_id(id);
    v1::CancelJobResponse response;
    EXPECT_TRUE(alice->CancelJob(&ctx, request, &response).ok());
  }
}

}  // namespace
}  // namespace advect::testing
