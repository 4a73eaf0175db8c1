// Stopping work: CancelJob, a Run client going away, deadlines, a full queue,
// graceful shutdown, and a slow stream reader that must not stall a worker.
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/server/test_server.h"

namespace advect::testing {
namespace {

constexpr milliseconds kStopBound(100 * kTimingSlack);


class CancellationTest : public ServerTest {
 protected:
  milliseconds StopAndTime(const std::string& id, const std::function<void()>& stop,
                           v1::Job* job) {
    const auto start = SteadyClock::now();
    stop();
    *job = WaitTerminal(id);
    return std::chrono::duration_cast<milliseconds>(SteadyClock::now() - start);
  }
};

TEST_F(CancellationTest, CancelJobStopsARunningSolverAndFreesTheWorker) {
  server::ServerOptions options = TestOptions();
  options.jobs.workers = 1;
  StartServer(options);
  const std::string id = Submit(LongSpec(1500));
  WaitIterating(id);
  v1::Job job;
  const milliseconds took = StopAndTime(id, [&] { ASSERT_TRUE(Cancel(id).ok()); }, &job);
  EXPECT_EQ(job.state(), v1::JOB_STATE_CANCELLED);
  EXPECT_EQ(job.error().code(), 1);
  EXPECT_EQ(job.error().message(), "cancelled by CancelJob");
  EXPECT_LE(took, kStopBound);
  // The only worker is free again: a small job runs at once.
  const std::string next = Submit(SmallSpec());
  EXPECT_EQ(WaitTerminal(next, milliseconds(2000)).state(), v1::JOB_STATE_SUCCEEDED);
  // Cancelling a finished job is a no-op that still returns it.
  EXPECT_TRUE(Cancel(id).ok());
  EXPECT_EQ(WaitTerminal(id).state(), v1::JOB_STATE_CANCELLED);
}

TEST_F(CancellationTest, CancelStopsTheLargestAllowedProblemWhileItsCostIsBuilt) {
  server::ServerOptions options = TestOptions();
  options.jobs.workers = 1;
  StartServer(options);
  // 4096 x 4096 = the default --max-cost-entries; d = 64 makes the cost matrix slow to build.
  const std::string id = Submit(LongSpec(4096, 64));
  WaitFor(id, [](const v1::Job& j) { return j.state() == v1::JOB_STATE_RUNNING; },
          milliseconds(20'000));
  std::this_thread::sleep_for(milliseconds(20));
  v1::Job job;
  const milliseconds took = StopAndTime(id, [&] { ASSERT_TRUE(Cancel(id).ok()); }, &job);
  EXPECT_EQ(job.state(), v1::JOB_STATE_CANCELLED);
  EXPECT_LE(took, kStopBound);
}

TEST_F(CancellationTest, CancelStopsTheLargestAllowedProblemMidIteration) {
  server::ServerOptions options = TestOptions();
  options.jobs.workers = 1;
  StartServer(options);
  const std::string id = Submit(LongSpec(4096, 2));
  WaitIterating(id);
  v1::Job job;
  const milliseconds took = StopAndTime(id, [&] { ASSERT_TRUE(Cancel(id).ok()); }, &job);
  EXPECT_EQ(job.state(), v1::JOB_STATE_CANCELLED);
  EXPECT_LE(took, kStopBound);
}

TEST_F(CancellationTest, CancellingAQueuedJobEndsItAtOnce) {
  server::ServerOptions options = TestOptions();
  options.jobs.workers = 1;
  StartServer(options);
  const std::string running = Submit(LongSpec());
  WaitIterating(running);
  const std::string queued = Submit(SmallSpec());
  v1::Job job;
  ASSERT_TRUE(GetJob(queued, &job).ok());
  EXPECT_EQ(job.state(), v1::JOB_STATE_QUEUED);
  ASSERT_TRUE(Cancel(queued).ok());
  ASSERT_TRUE(GetJob(queued, &job).ok());
  EXPECT_EQ(job.state(), v1::JOB_STATE_CANCELLED);
  EXPECT_FALSE(job.has_start_time());
  EXPECT_EQ(server_->jobs().queued(), 0);
  ASSERT_TRUE(Cancel(running).ok());
}

TEST_F(CancellationTest, RunClientGoingAwayCancelsTheJob) {
  StartServer();
  grpc::ClientContext ctx;
  v1::RunRequest request;
  *request.mutable_spec() = LongSpec(1500);
  auto reader = stub_->Run(&ctx, request);
  v1::RunResponse response;
  std::string id;
  while (reader->Read(&response)) {  // read until the solver reports progress
    id = response.event().job_id();
    if (response.event().has_progress()) break;
  }
  ASSERT_FALSE(id.empty());
  v1::Job job;
  const milliseconds took = StopAndTime(id, [&] { ctx.TryCancel(); }, &job);
  while (reader->Read(&response)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_EQ(job.state(), v1::JOB_STATE_CANCELLED);
  EXPECT_EQ(job.error().message(), "the Run client went away");
  EXPECT_LE(took, kStopBound);
}

TEST_F(CancellationTest, RunDeadlineStopsTheJob) {
  StartServer();
  grpc::ClientContext ctx;
  const auto deadline = std::chrono::system_clock::now() + milliseconds(500);
  ctx.set_deadline(deadline);
  v1::RunRequest request;
  *request.mutable_spec() = LongSpec(1500);
  auto reader = stub_->Run(&ctx, request);
  v1::RunResponse response;
  std::string id;
  while (reader->Read(&response)) id = response.event().job_id();
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  ASSERT_FALSE(id.empty());
  const v1::Job job = WaitTerminal(id);
  EXPECT_EQ(job.state(), v1::JOB_STATE_FAILED);
  EXPECT_EQ(job.error().code(), 4);
  const auto ended = std::chrono::system_clock::time_point(
      std::chrono::seconds(job.end_time().seconds()) +
      std::chrono::nanoseconds(job.end_time().nanos()));
  EXPECT_LE(std::chrono::duration_cast<milliseconds>(ended - deadline), kStopBound);
}

TEST_F(CancellationTest, SubmitJobTimeoutFailsTheJob) {
  StartServer();
  grpc::ClientContext ctx;
  v1::SubmitJobRequest request;
  *request.mutable_spec() = LongSpec();
  request.mutable_timeout()->set_nanos(300'000'000);
  v1::SubmitJobResponse response;
  ASSERT_TRUE(stub_->SubmitJob(&ctx, request, &response).ok());
  const v1::Job job = WaitTerminal(response.job().job_id());
  EXPECT_EQ(job.state(), v1::JOB_STATE_FAILED);
  EXPECT_EQ(job.error().code(), 4);
  EXPECT_EQ(job.error().message(), "the job's deadline passed");
}

TEST_F(CancellationTest, FullQueueRefusesWithResourceExhausted) {
  server::ServerOptions options = TestOptions();
  options.jobs.workers = 1;
  options.jobs.queue_capacity = 1;
  StartServer(options);
  const std::string running = Submit(LongSpec());
  WaitIterating(running);
  const std::string queued = Submit(LongSpec());

  grpc::ClientContext ctx;
  v1::SubmitJobRequest request;
  *request.mutable_spec() = SmallSpec();
  v1::SubmitJobResponse response;
  grpc::Status s = stub_->SubmitJob(&ctx, request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(s.error_message().find("the job queue is full"), std::string::npos);
  grpc::Status run_status;
  EXPECT_TRUE(RunToEnd(SmallSpec(), &run_status).empty());
  EXPECT_EQ(run_status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);

  // Room again once the queued job leaves the queue.
  ASSERT_TRUE(Cancel(queued).ok());
  const std::string accepted = Submit(SmallSpec());
  ASSERT_TRUE(Cancel(running).ok());
  EXPECT_EQ(WaitTerminal(accepted).state(), v1::JOB_STATE_SUCCEEDED);
}

TEST_F(CancellationTest, SlowReaderNeverStallsTheWorkerAndLosesNoProgressOrResult) {
  server::ServerOptions options = TestOptions();
  options.events.max_frame_bytes = 256 << 10;  // 8 frames of 2000 x 2 doubles
  StartServer(options);
  // 300 frames of 32 KiB: more than the transport buffers, cheap to compute.
  v1::JobSpec spec = SmallSpec(2000, 20, 2);
  spec.mutable_entropic_ot()->set_epsilon(1e-4);
  spec.mutable_entropic_ot()->set_tolerance(1e-12);
  spec.mutable_entropic_ot()->set_max_iterations(300);
  spec.set_frame_every(1);
  spec.set_max_frames(1000);

  grpc::ClientContext ctx;
  v1::RunRequest request;
  *request.mutable_spec() = spec;
  auto reader = stub_->Run(&ctx, request);
  v1::RunResponse response;
  ASSERT_TRUE(reader->Read(&response));
  const std::string id = response.event().job_id();
  // Do not read while the job runs: the worker must finish regardless.
  const v1::Job done = WaitTerminal(id, milliseconds(60'000));
  ASSERT_EQ(done.state(), v1::JOB_STATE_SUCCEEDED);
  EXPECT_GT(done.frames_emitted(), 100);
  EXPECT_GT(done.frames_dropped(), 0);

  std::vector<v1::JobEvent> rest;
  while (reader->Read(&response)) rest.push_back(response.event());
  ASSERT_TRUE(reader->Finish().ok());
  int frames = 0;
  int64_t last_progress_iteration = 0;
  for (const auto& e : rest) {
    frames += e.has_frame() ? 1 : 0;
    if (e.has_progress()) last_progress_iteration = e.progress().iteration();
  }
  EXPECT_LT(frames, done.frames_emitted());
  EXPECT_GE(frames, done.frames_emitted() - done.frames_dropped() - 8);  // a few were in flight
  ASSERT_GE(rest.size(), 2u);
  EXPECT_TRUE(rest[rest.size() - 2].has_result());
  EXPECT_EQ(rest.back().state_change().state(), v1::JOB_STATE_SUCCEEDED);
  EXPECT_EQ(last_progress_iteration, done.progress().iteration());
  EXPECT_EQ(last_progress_iteration, rest[rest.size() - 2].result().entropic_ot().iterations());
}

TEST_F(CancellationTest, ShutdownCancelsRunningJobsAndEndsStreamsCleanly) {
  StartServer();
  grpc::ClientContext ctx;
  v1::RunRequest request;
  *request.mutable_spec() = LongSpec();
  auto reader = stub_->Run(&ctx, request);
  v1::RunResponse response;
  std::vector<v1::JobEvent> events;
  while (reader->Read(&response)) {
    events.push_back(response.event());
    if (response.event().has_progress()) break;
  }
  std::thread stopper([&] { server_->Shutdown(milliseconds(50)); });
  while (reader->Read(&response)) events.push_back(response.event());
  const grpc::Status status = reader->Finish();
  stopper.join();
  EXPECT_TRUE(status.ok()) << status.error_message();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().state_change().state(), v1::JOB_STATE_CANCELLED);
  EXPECT_EQ(events.back().state_change().error().message(), "the server is shutting down");
}

}  // namespace
}  // namespace advect::testing
