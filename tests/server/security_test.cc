// Bearer tokens and the security settings: token files, the constant-time
// comparison, the metadata check, and an in-process server that refuses
// AdvectService calls without a configured token while health stays open.
#include "server/security.h"

#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "client/lib/channel.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/server/test_server.h"

namespace advect::testing {
namespace {

using server::ConstantTimeEquals;
using server::ParseTokens;
using server::SecurityFiles;
using server::TokenAuthenticator;
using Metadata = std::multimap<grpc::string_ref, grpc::string_ref>;

SecurityFiles Files(std::string cert, std::string key, std::string client_ca, std::string tokens) {
  SecurityFiles files;
  files.tls_cert = std::move(cert);
  files.tls_key = std::move(key);
  files.tls_client_ca = std::move(client_ca);
  files.auth_tokens = std::move(tokens);
  return files;
}

client::ChannelSecurity WithToken(std::string token) {
  client::ChannelSecurity security;
  security.token = std::move(token);
  return security;
}

TEST(ParseTokensTest, OneTokenALineSkippingBlanksAndComments) {
  auto tokens = ParseTokens("# admin\n\n  alpha  \r\nbeta\n#beta2\n", "f");
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  EXPECT_EQ(*tokens, (std::vector<std::string>{"alpha", "beta"}));
}

TEST(ParseTokensTest, RefusesNoTokenAndTokensThatCannotTravelInAHeader) {
  auto none = ParseTokens("# only a comment\n\n", "--auth-tokens \"t\"");
  EXPECT_EQ(none.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(none.status().message().find("--auth-tokens \"t\": no token"), std::string::npos);
  auto spaced = ParseTokens("ok\ntwo words\n", "f");
  EXPECT_NE(spaced.status().message().find("f: line 2: a token must be visible ASCII"),
            std::string::npos)
      << spaced.status();
  EXPECT_FALSE(ParseTokens("caf\xc3\xa9\n", "f").ok());
}

TEST(ConstantTimeEqualsTest, EqualOnlyForTheSameBytes) {
  EXPECT_TRUE(ConstantTimeEquals("secret", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secre"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secrets"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secretsecret"));  // a repeat is not a match
  EXPECT_FALSE(ConstantTimeEquals("secret", ""));
  EXPECT_FALSE(ConstantTimeEquals("ab", std::string("ab\0", 3)));
}

TEST(TokenAuthenticatorTest, ChecksTheBearerMetadata) {
  const TokenAuthenticator auth({"alpha", "beta"});
  const std::string bearer_beta = "Bearer beta", lower = "bearer alpha", basic = "Basic beta",
                    wrong = "Bearer gamma", prefix = "Bearer bet";
  auto check = [&](const std::string* value) {
    Metadata md;
    if (value != nullptr) md.emplace("authorization", *value);
    return auth.Check(md);
  };
  EXPECT_TRUE(check(&bearer_beta).ok());
  EXPECT_TRUE(check(&lower).ok());
  for (const std::string* bad :
       {static_cast<const std::string*>(nullptr), &basic, &wrong, &prefix}) {
    const absl::Status s = check(bad);
    EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated) << (bad ? *bad : "(none)");
  }
  EXPECT_NE(check(nullptr).message().find("missing bearer token"), std::string::npos);
  EXPECT_NE(check(&wrong).message().find("invalid bearer token"), std::string::npos);
  EXPECT_TRUE(TokenAuthenticator({}).Check(Metadata()).ok());  // disabled: all calls pass
}

TEST(LoadSecurityTest, NamesTheFlagOfEachProblem) {
  const std::string dir = ::testing::TempDir();
  const std::string text = dir + "/not_pem.txt";
  std::ofstream(text) << "hello\n";
  auto message = [](const SecurityFiles& files) {
    return std::string(server::LoadSecurity(files).status().message());
  };
  EXPECT_EQ(message(Files("", text, "", "")), "--tls-key: needs --tls-cert too");
  EXPECT_EQ(message(Files(text, "", "", "")), "--tls-cert: needs --tls-key too");
  EXPECT_NE(message(Files("", "", text, "")).find("--tls-client-ca"), std::string::npos);
  EXPECT_NE(message(Files(text, text, "", "")).find("holds no PEM CERTIFICATE block"),
            std::string::npos);
  EXPECT_NE(message(Files("", "", "", dir + "/no/such/file")).find("--auth-tokens: cannot read"),
            std::string::npos);
  auto loaded = server::LoadSecurity(Files("", "", "", text));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->tokens, std::vector<std::string>{"hello"});
  EXPECT_FALSE(loaded->tls.has_value());
}

class TokenAuthServerTest : public ServerTest {
 protected:
  void SetUp() override {
    server::ServerOptions options = TestOptions();
    options.security.tokens = {"s3cret-token"};
    StartServer(options);
  }
};

TEST_F(TokenAuthServerTest, RefusesCallsWithoutAToken) {
  grpc::Status status = RunRefused(SmallSpec());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << status.error_message();
  v1::Job job;
  EXPECT_EQ(GetJob("any", &job).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Cancel("any").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(server_->jobs().running(), 0);
}

TEST_F(TokenAuthServerTest, HealthStaysOpen) {
  auto health = grpc::health::v1::Health::NewStub(channel_);
  grpc::ClientContext ctx;
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = health->Check(&ctx, {}, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(TokenAuthServerTest, TheClientLibrarySendsItsToken) {
  auto channel = client::MakeChannel(server_->address(), WithToken("s3cret-token"));
  auto stub = v1::AdvectService::NewStub(channel);
  grpc::ClientContext ctx;
  v1::RunRequest request;
  *request.mutable_spec() = SmallSpec();
  auto reader = stub->Run(&ctx, request);
  v1::RunResponse response;
  bool result = false;
  while (reader->Read(&response)) result = result || response.event().has_result();
  grpc::Status status = reader->Finish();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(result);

  auto wrong =
      v1::AdvectService::NewStub(client::MakeChannel(server_->address(), WithToken("s3cret")));
  grpc::ClientContext ctx2;
  v1::ListJobsResponse list;
  EXPECT_EQ(wrong->ListJobs(&ctx2, {}, &list).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace advect::testing
