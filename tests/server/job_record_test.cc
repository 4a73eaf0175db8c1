// The job record and engine without any solver: a scripted Task stands in.
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "server/job_manager.h"
#include "server/job_record.h"

namespace advect::server {
namespace {

// Reports `steps` progress events (and a frame of `frame_rows` rows each step),
// polling for a stop between steps; optionally sleeps per step.
class ScriptedTask final : public Task {
 public:
  ScriptedTask(int steps, int frame_rows, std::chrono::microseconds pause)
      : steps_(steps), frame_rows_(frame_rows), pause_(pause) {}
  std::string kind() const override { return "scripted"; }
  bool supports_frames() const override { return true; }
  absl::StatusOr<v1::JobResult> Run(Observer& observer) override {
    for (int i = 1; i <= steps_; ++i) {
      if (observer.StopRequested()) return absl::CancelledError("stopped");
      observer.OnProgress({i, 1.0 / i, static_cast<double>(i)});
      if (observer.WantsFrame(i)) {
        observer.OnFrame({i, static_cast<double>(i), Eigen::MatrixXd::Constant(frame_rows_, 1, i)});
      }
      if (pause_.count() > 0) std::this_thread::sleep_for(pause_);
    }
    v1::JobResult result;
    result.mutable_entropic_ot()->set_iterations(steps_);
    return result;
  }

 private:
  int steps_;
  int frame_rows_;
  std::chrono::microseconds pause_;
};

std::vector<EventPtr> AllEvents(const JobRecord& job) {
  std::vector<EventPtr> events;
  int64_t after = 0;
  while (EventPtr e = job.NextEvent(after)) {
    events.push_back(e);
    after = e->sequence();
  }
  return events;
}

TEST(JobRecordTest, ProgressIsThinnedButTheLatestIsNeverLost) {
  EventLogLimits limits;
  limits.progress_interval = std::chrono::milliseconds(0);
  limits.max_progress_events = 16;
  JobRecord job("j", 1, std::make_unique<ScriptedTask>(1000, 1, std::chrono::microseconds(0)),
                limits, std::nullopt);
  ASSERT_TRUE(job.Start());
  job.RunToCompletion();
  const std::vector<EventPtr> events = AllEvents(job);
  int progress = 0;
  int64_t last_iteration = 0;
  int64_t previous_sequence = 0;
  for (const EventPtr& e : events) {
    EXPECT_GT(e->sequence(), previous_sequence);
    previous_sequence = e->sequence();
    if (e->has_progress()) {
      ++progress;
      EXPECT_GT(e->progress().iteration(), last_iteration);
      last_iteration = e->progress().iteration();
    }
  }
  EXPECT_LE(progress, 16);
  EXPECT_GE(progress, 8);
  EXPECT_EQ(last_iteration, 1000);
  EXPECT_TRUE(events[events.size() - 2]->has_result());
  EXPECT_EQ(events.back()->state_change().state(), v1::JOB_STATE_SUCCEEDED);
}

TEST(JobRecordTest, FramesBeyondTheByteBudgetDropTheOldest) {
  EventLogLimits limits;
  limits.frame_every = 1;
  limits.max_frames = 50;
  limits.max_frame_bytes = 10 * 100 * sizeof(double);  // ten frames of 100 rows
  JobRecord job("j", 1, std::make_unique<ScriptedTask>(80, 100, std::chrono::microseconds(0)),
                limits, std::nullopt);
  ASSERT_TRUE(job.Start());
  job.RunToCompletion();
  std::vector<int> kept;
  for (const EventPtr& e : AllEvents(job)) {
    if (e->has_frame()) kept.push_back(e->frame().index());
  }
  ASSERT_EQ(kept.size(), 10u);
  EXPECT_EQ(kept.front(), 40);  // 50 emitted (max_frames), the newest ten kept
  EXPECT_EQ(kept.back(), 49);
  const v1::Job snapshot = job.Snapshot(true);
  EXPECT_EQ(snapshot.frames_emitted(), 50);
  EXPECT_EQ(snapshot.frames_dropped(), 40);
  EXPECT_EQ(snapshot.result().entropic_ot().iterations(), 80);
}

TEST(JobRecordTest, ADeadlinePassedInTheQueueFailsTheJob) {
  JobRecord job("j", 1, std::make_unique<ScriptedTask>(1, 1, std::chrono::microseconds(0)),
                EventLogLimits{}, Clock::now() - std::chrono::milliseconds(1));
  EXPECT_FALSE(job.Start());
  const v1::Job snapshot = job.Snapshot(false);
  EXPECT_EQ(snapshot.state(), v1::JOB_STATE_FAILED);
  EXPECT_EQ(snapshot.error().code(), static_cast<int>(absl::StatusCode::kDeadlineExceeded));
}

TEST(JobManagerTest, WorkersRunJobsAndAFullQueueRefuses) {
  JobManagerOptions options;
  options.workers = 1;
  options.queue_capacity = 2;
  JobManager jobs(options);
  auto slow = [] {
    return std::make_unique<ScriptedTask>(100000, 1, std::chrono::microseconds(100));
  };
  absl::StatusOr<std::shared_ptr<JobRecord>> running = jobs.Submit(slow(), {}, std::nullopt);
  ASSERT_TRUE(running.ok());
  while ((*running)->state() != v1::JOB_STATE_RUNNING) std::this_thread::yield();
  ASSERT_TRUE(jobs.Submit(slow(), {}, std::nullopt).ok());
  ASSERT_TRUE(jobs.Submit(slow(), {}, std::nullopt).ok());
  absl::StatusOr<std::shared_ptr<JobRecord>> refused = jobs.Submit(slow(), {}, std::nullopt);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(jobs.queued(), 2);

  jobs.BeginShutdown("bye");
  EXPECT_EQ(jobs.queued(), 0);
  EXPECT_EQ(jobs.Submit(slow(), {}, std::nullopt).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_FALSE(jobs.WaitIdle(Clock::now() + std::chrono::milliseconds(20)));
  jobs.CancelRunning("bye");
  EXPECT_TRUE(jobs.WaitIdle(Clock::now() + std::chrono::seconds(5)));
  EXPECT_EQ((*running)->state(), v1::JOB_STATE_CANCELLED);
}

}  // namespace
}  // namespace advect::server
