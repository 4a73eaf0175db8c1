// Prometheus metrics end to end: an in-process server with --metrics-listen,
// real jobs and refused calls, and /metrics read over HTTP.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/server/test_server.h"

namespace advect::testing {
namespace {

// The body of GET http://HOST:PORT/metrics (empty on any failure).
std::string Scrape(const std::string& address) {
  const size_t colon = address.rfind(':');
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(std::stoi(address.substr(colon + 1))));
  if (inet_pton(AF_INET, address.substr(0, colon).c_str(), &addr.sin_addr) != 1) return "";
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  std::string response;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    const std::string request = "GET /metrics HTTP/1.0\r\nHost: test\r\n\r\n";
    if (send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size())) {
      char buffer[4096];
      ssize_t n;
      while ((n = recv(fd, buffer, sizeof(buffer), 0)) > 0) response.append(buffer, n);
    }
  }
  close(fd);
  const size_t body = response.find("\r\n\r\n");
  return body == std::string::npos ? "" : response.substr(body + 4);
}

// The value of the sample whose name and labels are exactly `series`; NaN if absent.
double Sample(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
        line[series.size()] == ' ') {
      return std::strtod(line.c_str() + series.size() + 1, nullptr);
    }
  }
  return std::nan("");
}

class MetricsTest : public ServerTest {
 protected:
  void SetUp() override {
    server::ServerOptions options = TestOptions();
    options.metrics_listen = "127.0.0.1:0";
    StartServer(options);
    ASSERT_FALSE(server_->metrics_address().empty());
  }
  std::string Scrape() { return testing::Scrape(server_->metrics_address()); }
};

TEST_F(MetricsTest, CountsJobsRefusalsAndDurations) {
  RunOk(SmallSpec());
  v1::JobSpec bad = SmallSpec();
  bad.mutable_entropic_ot()->set_epsilon(-1);
  EXPECT_EQ(RunRefused(bad).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::Job job;
  EXPECT_EQ(GetJob("no-such-job", &job).error_code(), grpc::StatusCode::NOT_FOUND);

  const std::string text = Scrape();
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(Sample(text, "advect_jobs_submitted_total{kind=\"entropic_ot\"}"), 1) << text;
  EXPECT_EQ(Sample(text, "advect_jobs_finished_total{kind=\"entropic_ot\",state=\"succeeded\"}"),
            1);
  EXPECT_EQ(
      Sample(text, "advect_requests_rejected_total{code=\"INVALID_ARGUMENT\",method=\"Run\"}"), 1);
  EXPECT_EQ(Sample(text, "advect_requests_rejected_total{code=\"NOT_FOUND\",method=\"GetJob\"}"),
            1);
  EXPECT_EQ(Sample(text, "advect_job_duration_seconds_count{kind=\"entropic_ot\"}"), 1);
  EXPECT_GT(Sample(text, "advect_job_duration_seconds_sum{kind=\"entropic_ot\"}"), 0);
  EXPECT_EQ(Sample(text, "advect_job_queue_wait_seconds_count"), 1);
  EXPECT_EQ(Sample(text, "advect_workers"), 2);
  EXPECT_EQ(Sample(text, "advect_queue_capacity"), 8);
  EXPECT_EQ(Sample(text, "advect_jobs_queued"), 0);
  EXPECT_EQ(Sample(text, "advect_jobs_running"), 0);
  EXPECT_EQ(Sample(text, "advect_active_streams"), 0);
  EXPECT_NE(text.find("# TYPE advect_job_duration_seconds histogram"), std::string::npos);
}

TEST_F(MetricsTest, GaugesFollowARunningJobAndItsStream) {
  const std::string id = Submit(LongSpec());
  WaitIterating(id);
  grpc::ClientContext ctx;
  v1::WatchJobRequest request;
  request.set_job_id(id);
  auto reader = stub_->WatchJob(&ctx, request);
  v1::WatchJobResponse response;
  ASSERT_TRUE(reader->Read(&response));  // the stream is open

  std::string text = Scrape();
  EXPECT_EQ(Sample(text, "advect_jobs_running"), 1) << text;
  EXPECT_EQ(Sample(text, "advect_active_streams"), 1);

  ASSERT_TRUE(Cancel(id).ok());
  while (reader->Read(&response)) {
  }
  EXPECT_TRUE(reader->Finish().ok());
  WaitTerminal(id);
  // The server closes its side of the stream, and the worker notes the end, a
  // moment after the client sees the terminal state.
  const std::string cancelled =
      "advect_jobs_finished_total{kind=\"entropic_ot\",state=\"cancelled\"}";
  const auto settled = [&] {
    return Sample(text, "advect_active_streams") == 0 && Sample(text, "advect_jobs_running") == 0 &&
           Sample(text, cancelled) == 1;
  };
  const auto end = SteadyClock::now() + milliseconds(5000);
  do {
    text = Scrape();
  } while (!settled() && SteadyClock::now() < end);
  EXPECT_EQ(Sample(text, "advect_active_streams"), 0) << text;
  EXPECT_EQ(Sample(text, "advect_jobs_running"), 0);
  EXPECT_EQ(Sample(text, cancelled), 1);
}

TEST(MetricsEndpointTest, AnAddressInUseIsAClearError) {
  server::ServerOptions options = TestOptions();
  options.metrics_listen = "127.0.0.1:0";
  auto first = server::Server::Start(options);
  ASSERT_TRUE(first.ok()) << first.status();
  options.metrics_listen = (*first)->metrics_address();
  auto second = server::Server::Start(options);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(second.status().message().find("--metrics-listen: cannot listen on"), std::string::npos)
      << second.status();
}

}  // namespace
}  // namespace advect::testing
