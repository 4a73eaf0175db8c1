// One job: its state, its bounded event log, and the observer its solver reports to.
#ifndef ADVECT_SERVER_JOB_RECORD_H_
#define ADVECT_SERVER_JOB_RECORD_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "advect/v1/job.pb.h"
#include "core/observer.h"
#include "server/task.h"

namespace advect::server {

// How much of a job's event log is kept (see README, "Events and frames").
struct EventLogLimits {
  int32_t frame_every = 0;               // 0: no frames
  int32_t max_frames = 1000;             // frames emitted at most
  int64_t max_frame_bytes = 64 << 20;    // retained frame payload; oldest frames dropped beyond
  std::chrono::milliseconds progress_interval{100};  // at most one progress event per interval
  int32_t max_progress_events = 4096;    // retained; older ones thinned by half beyond
};

using Clock = std::chrono::steady_clock;
using EventPtr = std::shared_ptr<const v1::JobEvent>;

class JobRecord final : public Observer {
 public:
  JobRecord(std::string id, int64_t index, std::unique_ptr<Task> task, EventLogLimits limits,
            std::optional<Clock::time_point> deadline);

  const std::string& id() const { return id_; }
  int64_t index() const { return index_; }  // creation order, for paging
  const std::string& kind() const { return kind_; }

  // Worker side. Start() returns false if the job already ended (cancelled while
  // queued, or its deadline passed); otherwise it moves to RUNNING.
  bool Start();
  // Runs the task and records the outcome (result or error) as the terminal state.
  void RunToCompletion();

  // Asks the job to stop with `code` (kCancelled or kDeadlineExceeded). A queued
  // job ends at once; a running one when its solver next polls (milliseconds).
  // Returns false if the job had already ended.
  bool RequestStop(absl::StatusCode code, std::string message);

  v1::JobState state() const;
  bool finished() const;
  std::optional<Clock::time_point> end_time() const;
  // A snapshot of the resource; the result only if `with_result`.
  v1::Job Snapshot(bool with_result) const;

  // The first retained event with sequence > after, or null if there is none yet.
  EventPtr NextEvent(int64_t after) const;

  // Listeners are called (on the appending thread, without the log lock) after
  // every new event. RemoveListener waits out a call in progress.
  int AddListener(std::function<void()> listener);
  void RemoveListener(int token);

  // Observer (called by the solver on the worker thread).
  void OnProgress(const ProgressReport& report) override;
  bool WantsFrame(int64_t step) const override;
  void OnFrame(Frame frame) override;
  bool StopRequested() const override;

 private:
  void Append(v1::JobEvent event);                         // takes mu_
  void AppendLocked(v1::JobEvent event);                   // mu_ held
  void EndLocked(v1::JobState state, const absl::Status& error);  // mu_ held
  void ThinProgressLocked();
  void Notify();

  const std::string id_;
  const int64_t index_;
  const std::string kind_;
  const EventLogLimits limits_;
  const std::optional<Clock::time_point> deadline_;
  std::unique_ptr<Task> task_;  // released when the job ends

  std::atomic<bool> stop_{false};

  mutable std::mutex mu_;
  v1::Job job_;                  // state, times, progress, counters, error
  EventPtr result_event_;
  std::deque<EventPtr> log_;     // sorted by sequence
  int64_t next_sequence_ = 1;
  int64_t frame_bytes_ = 0;
  int32_t progress_events_ = 0;
  std::chrono::milliseconds progress_interval_;
  Clock::time_point last_progress_event_{};
  bool latest_progress_logged_ = true;
  std::optional<Clock::time_point> end_time_;
  absl::StatusCode stop_code_ = absl::StatusCode::kOk;
  std::string stop_message_;

  std::mutex listeners_mu_;
  std::map<int, std::function<void()>> listeners_;
  int next_listener_ = 0;
};

}  // namespace advect::server

#endif  // ADVECT_SERVER_JOB_RECORD_H_
