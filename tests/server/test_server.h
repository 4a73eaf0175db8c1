// An in-process advectd on 127.0.0.1:0 with a stub, and helpers to build specs
// and follow jobs. Timing bounds are multiplied by kTimingSlack under sanitizers.
#ifndef ADVECT_TESTS_SERVER_TEST_SERVER_H_
#define ADVECT_TESTS_SERVER_TEST_SERVER_H_

#include <chrono>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "advect/v1/advect_service.grpc.pb.h"
#include "server/server.h"

namespace advect::testing {

#ifdef ADVECT_SANITIZE_BUILD
inline constexpr int kTimingSlack = 5;
#else
inline constexpr int kTimingSlack = 1;
#endif

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

inline server::ServerOptions TestOptions() {
  server::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.jobs.workers = 2;
  options.jobs.queue_capacity = 8;
  options.events.progress_interval = milliseconds(5);
  return options;
}

// Uniform random points in [0, 1)^d, seeded.
inline v1::Matrix RandomPoints(int n, int d, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  v1::Matrix m;
  m.set_rows(n);
  m.set_cols(d);
  for (int i = 0; i < n * d; ++i) m.add_values(unit(rng));
  return m;
}

// A small entropic OT job that converges in milliseconds.
inline v1::JobSpec SmallSpec(int n = 12, int m = 10, int d = 2) {
  v1::JobSpec spec;
  v1::EntropicOtSpec* ot = spec.mutable_entropic_ot();
  *ot->mutable_x() = RandomPoints(n, d, 1);
  *ot->mutable_y() = RandomPoints(m, d, 2);
  ot->set_epsilon(0.05);
  return spec;
}

// A job that would run for a very long time: tiny epsilon, unreachable tolerance.
inline v1::JobSpec LongSpec(int n = 1000, int d = 2) {
  v1::JobSpec spec;
  v1::EntropicOtSpec* ot = spec.mutable_entropic_ot();
  *ot->mutable_x() = RandomPoints(n, d, 3);
  *ot->mutable_y() = RandomPoints(n, d, 4);
  ot->set_normalize_cost(true);
  ot->set_epsilon(1e-4);
  ot->set_tolerance(1e-300);
  ot->set_max_iterations(2'000'000'000);
  return spec;
}

class ServerTest : public ::testing::Test {
 protected:
  void StartServer(const server::ServerOptions& options = TestOptions()) {
    absl::StatusOr<std::unique_ptr<server::Server>> s = server::Server::Start(options);
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = *std::move(s);
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(-1);
    channel_ = grpc::CreateCustomChannel(server_->address(), grpc::InsecureChannelCredentials(),
                                         args);
    stub_ = v1::AdvectService::NewStub(channel_);
  }

  void TearDown() override {
    if (server_) server_->Shutdown(milliseconds(0));
  }

  // SubmitJob; fails the test on error.
  std::string Submit(const v1::JobSpec& spec) {
    grpc::ClientContext ctx;
    v1::SubmitJobRequest request;
    *request.mutable_spec() = spec;
    v1::SubmitJobResponse response;
    grpc::Status status = stub_->SubmitJob(&ctx, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.job().job_id();
  }

  grpc::Status GetJob(const std::string& id, v1::Job* job) {
    grpc::ClientContext ctx;
    v1::GetJobRequest request;
    request.set_job_id(id);
    v1::GetJobResponse response;
    grpc::Status status = stub_->GetJob(&ctx, request, &response);
    *job = response.job();
    return status;
  }

  // Polls GetJob every millisecond until `done(job)` or the timeout.
  v1::Job WaitFor(const std::string& id, const std::function<bool(const v1::Job&)>& done,
                  milliseconds timeout) {
    const auto end = SteadyClock::now() + timeout;
    v1::Job job;
    while (true) {
      EXPECT_TRUE(GetJob(id, &job).ok());
      if (done(job) || SteadyClock::now() > end) return job;
      std::this_thread::sleep_for(milliseconds(1));
    }
  }

  static bool Terminal(const v1::Job& job) {
    return job.state() == v1::JOB_STATE_SUCCEEDED || job.state() == v1::JOB_STATE_FAILED ||
           job.state() == v1::JOB_STATE_CANCELLED;
  }

  v1::Job WaitTerminal(const std::string& id, milliseconds timeout = milliseconds(10'000)) {
    return WaitFor(id, Terminal, timeout);
  }

  // Waits until the job runs and its solver has reported progress.
  v1::Job WaitIterating(const std::string& id) {
    return WaitFor(
        id,
        [](const v1::Job& j) {
          return j.state() == v1::JOB_STATE_RUNNING && j.progress().iteration() >= 1;
        },
        milliseconds(20'000));
  }

  grpc::Status Cancel(const std::string& id) {
    grpc::ClientContext ctx;
    v1::CancelJobRequest request;
    request.set_job_id(id);
    v1::CancelJobResponse response;
    return stub_->CancelJob(&ctx, request, &response);
  }

  // Reads a Run or WatchJob stream to its end.
  template <typename Reader, typename Response>
  static std::vector<v1::JobEvent> Drain(Reader& reader, Response& response) {
    std::vector<v1::JobEvent> events;
    while (reader->Read(&response)) events.push_back(response.event());
    return events;
  }

  std::vector<v1::JobEvent> RunToEnd(const v1::JobSpec& spec, grpc::Status* status) {
    grpc::ClientContext ctx;
    v1::RunRequest request;
    *request.mutable_spec() = spec;
    auto reader = stub_->Run(&ctx, request);
    v1::RunResponse response;
    std::vector<v1::JobEvent> events = Drain(reader, response);
    *status = reader->Finish();
    return events;
  }

  v1::JobResult RunOk(const v1::JobSpec& spec) {
    grpc::Status status;
    std::vector<v1::JobEvent> events = RunToEnd(spec, &status);
    EXPECT_TRUE(status.ok()) << status.error_message();
    for (const v1::JobEvent& e : events) {
      if (e.has_result()) return e.result();
    }
    ADD_FAILURE() << "no result event";
    return {};
  }

  // The status of a Run of `spec` that must be refused before it is queued.
  grpc::Status RunRefused(const v1::JobSpec& spec) {
    grpc::Status status;
    std::vector<v1::JobEvent> events = RunToEnd(spec, &status);
    EXPECT_TRUE(events.empty()) << "a refused job must not stream events";
    return status;
  }

  void ExpectInvalid(const v1::JobSpec& spec, const std::string& message) {
    grpc::Status status = RunRefused(spec);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_NE(status.error_message().find(message), std::string::npos)
        << "got: " << status.error_message() << "\nwant: " << message;
  }

  std::vector<v1::JobEvent> Watch(const std::string& id, int64_t after, grpc::Status* status) {
    grpc::ClientContext ctx;
    v1::WatchJobRequest request;
    request.set_job_id(id);
    request.set_after_sequence(after);
    auto reader = stub_->WatchJob(&ctx, request);
    v1::WatchJobResponse response;
    std::vector<v1::JobEvent> events = Drain(reader, response);
    *status = reader->Finish();
    return events;
  }

  std::unique_ptr<server::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::AdvectService::Stub> stub_;
};

}  // namespace advect::testing

#endif  // ADVECT_TESTS_SERVER_TEST_SERVER_H_
