#include "server/job_record.h"

#include <algorithm>
#include <utility>

#include "server/time_util.h"

namespace advect::server {
namespace {

void SetError(const absl::Status& status, v1::JobError* error) {
  error->set_code(static_cast<int32_t>(status.code()));
  error->set_message(std::string(status.message()));
}

}  // namespace

JobRecord::JobRecord(std::string id, int64_t index, std::unique_ptr<Task> task,
                     EventLogLimits limits, std::optional<Clock::time_point> deadline)
    : id_(std::move(id)),
      index_(index),
      kind_(task->kind()),
      limits_(limits),
      deadline_(deadline),
      task_(std::move(task)),
      progress_interval_(limits.progress_interval) {
  job_.set_job_id(id_);
  job_.set_kind(kind_);
  job_.set_state(v1::JOB_STATE_QUEUED);
  SetNow(job_.mutable_create_time());
  v1::JobEvent queued;
  queued.mutable_state_change()->set_state(v1::JOB_STATE_QUEUED);
  AppendLocked(std::move(queued));  // no reader can exist yet
}

bool JobRecord::Start() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (end_time_.has_value()) return false;
    if (deadline_.has_value() && Clock::now() >= *deadline_) {
      EndLocked(v1::JOB_STATE_FAILED,
                absl::DeadlineExceededError("the job's deadline passed while it was queued"));
    } else {
      job_.set_state(v1::JOB_STATE_RUNNING);
      SetNow(job_.mutable_start_time());
      v1::JobEvent running;
      running.mutable_state_change()->set_state(v1::JOB_STATE_RUNNING);
      AppendLocked(std::move(running));
    }
  }
  Notify();
  return state() == v1::JOB_STATE_RUNNING;
}

void JobRecord::RunToCompletion() {
  absl::StatusOr<v1::JobResult> result = task_->Run(*this);
  // A trained model is named by the job that trained it.
  if (result.ok() && result->has_flow_train()) result->mutable_flow_train()->set_model_id(id_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!latest_progress_logged_) {  // the latest progress is never dropped
      v1::JobEvent progress;
      *progress.mutable_progress() = job_.progress();
      AppendLocked(std::move(progress));
    }
    if (result.ok()) {
      v1::JobEvent event;
      *event.mutable_result() = *std::move(result);
      AppendLocked(std::move(event));
      result_event_ = log_.back();
      EndLocked(v1::JOB_STATE_SUCCEEDED, absl::OkStatus());
    } else if (result.status().code() == absl::StatusCode::kCancelled) {
      if (stop_code_ == absl::StatusCode::kCancelled) {
        EndLocked(v1::JOB_STATE_CANCELLED, absl::CancelledError(stop_message_));
      } else {
        EndLocked(v1::JOB_STATE_FAILED,
                  absl::DeadlineExceededError(stop_message_.empty() ? "the job's deadline passed"
                                                                    : stop_message_));
      }
    } else {
      EndLocked(v1::JOB_STATE_FAILED, result.status());
    }
  }
  Notify();
}

bool JobRecord::RequestStop(absl::StatusCode code, std::string message) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (end_time_.has_value()) return false;
    if (stop_code_ == absl::StatusCode::kOk) {
      stop_code_ = code;
      stop_message_ = std::move(message);
    }
    if (job_.state() == v1::JOB_STATE_QUEUED) {
      const absl::Status why(stop_code_, stop_message_);
      EndLocked(code == absl::StatusCode::kCancelled ? v1::JOB_STATE_CANCELLED
                                                     : v1::JOB_STATE_FAILED,
                why);
    } else {
      stop_.store(true, std::memory_order_relaxed);
    }
  }
  Notify();
  return true;
}

v1::JobState JobRecord::state() const {
  std::lock_guard<std::mutex> lock(mu_);
  return job_.state();
}

bool JobRecord::finished() const {
  std::lock_guard<std::mutex> lock(mu_);
  return end_time_.has_value();
}

std::optional<Clock::time_point> JobRecord::end_time() const {
  std::lock_guard<std::mutex> lock(mu_);
  return end_time_;
}

v1::Job JobRecord::Snapshot(bool with_result) const {
  std::lock_guard<std::mutex> lock(mu_);
  v1::Job job = job_;
  job.set_last_sequence(next_sequence_ - 1);
  if (with_result && result_event_) *job.mutable_result() = result_event_->result();
  return job;
}

EventPtr JobRecord::NextEvent(int64_t after) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = std::upper_bound(log_.begin(), log_.end(), after,
                             [](int64_t seq, const EventPtr& e) { return seq < e->sequence(); });
  return it == log_.end() ? nullptr : *it;
}

int JobRecord::AddListener(std::function<void()> listener) {
  std::lock_guard<std::mutex> lock(listeners_mu_);
  listeners_.emplace(next_listener_, std::move(listener));
  return next_listener_++;
}

void JobRecord::RemoveListener(int token) {
  std::lock_guard<std::mutex> lock(listeners_mu_);
  listeners_.erase(token);
}

void JobRecord::Notify() {
  std::lock_guard<std::mutex> lock(listeners_mu_);
  for (auto& [token, listener] : listeners_) listener();
}

void JobRecord::OnProgress(const ProgressReport& report) {
  bool appended = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    v1::Progress* p = job_.mutable_progress();
    p->set_iteration(report.iteration);
    p->set_error(report.error);
    p->set_objective(report.objective);
    const Clock::time_point now = Clock::now();
    if (progress_events_ == 0 || now - last_progress_event_ >= progress_interval_) {
      v1::JobEvent event;
      *event.mutable_progress() = *p;
      AppendLocked(std::move(event));
      last_progress_event_ = now;
      latest_progress_logged_ = true;
      appended = true;
    } else {
      latest_progress_logged_ = false;
    }
  }
  if (appended) Notify();
}

bool JobRecord::WantsFrame(int64_t step) const {
  if (limits_.frame_every <= 0 || step % limits_.frame_every != 0) return false;
  std::lock_guard<std::mutex> lock(mu_);
  return job_.frames_emitted() < limits_.max_frames;
}

void JobRecord::OnFrame(Frame frame) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    v1::JobEvent event;
    v1::TrajectoryFrame* f = event.mutable_frame();
    f->set_index(job_.frames_emitted());
    f->set_step(frame.step);
    f->set_time(frame.time);
    v1::Matrix* positions = f->mutable_positions();
    positions->set_rows(static_cast<int32_t>(frame.positions.rows()));
    positions->set_cols(static_cast<int32_t>(frame.positions.cols()));
    positions->mutable_values()->Reserve(static_cast<int>(frame.positions.size()));
    for (Eigen::Index i = 0; i < frame.positions.rows(); ++i) {
      for (Eigen::Index j = 0; j < frame.positions.cols(); ++j) {
        positions->add_values(frame.positions(i, j));
      }
    }
    frame_bytes_ += static_cast<int64_t>(sizeof(double)) * frame.positions.size();
    job_.set_frames_emitted(job_.frames_emitted() + 1);
    AppendLocked(std::move(event));
    // Keep the retained frames within budget: drop the oldest, never the newest.
    while (frame_bytes_ > limits_.max_frame_bytes) {
      auto oldest = std::find_if(log_.begin(), log_.end(),
                                 [](const EventPtr& e) { return e->has_frame(); });
      if (oldest == log_.end() || *oldest == log_.back()) break;
      frame_bytes_ -= static_cast<int64_t>(sizeof(double)) *
                      (*oldest)->frame().positions().values_size();
      log_.erase(oldest);
      job_.set_frames_dropped(job_.frames_dropped() + 1);
    }
  }
  Notify();
}

bool JobRecord::StopRequested() const {
  return stop_.load(std::memory_order_relaxed) ||
         (deadline_.has_value() && Clock::now() >= *deadline_);
}

void JobRecord::AppendLocked(v1::JobEvent event) {
  event.set_job_id(id_);
  event.set_sequence(next_sequence_++);
  SetNow(event.mutable_time());
  if (event.has_progress()) {
    ++progress_events_;
    if (progress_events_ > limits_.max_progress_events) ThinProgressLocked();
  }
  log_.push_back(std::make_shared<const v1::JobEvent>(std::move(event)));
}

void JobRecord::ThinProgressLocked() {
  // Drop every other retained progress event (each survivor is still a true
  // snapshot), and record new ones half as often from now on.
  std::deque<EventPtr> kept;
  bool keep_next_progress = false;  // drops the 1st, 3rd, ... (the newest is not in log_ yet)
  for (EventPtr& e : log_) {
    if (e->has_progress()) {
      const bool keep = keep_next_progress;
      keep_next_progress = !keep_next_progress;
      if (!keep) {
        --progress_events_;
        continue;
      }
    }
    kept.push_back(std::move(e));
  }
  log_.swap(kept);
  progress_interval_ *= 2;
}

void JobRecord::EndLocked(v1::JobState state, const absl::Status& error) {
  job_.set_state(state);
  SetNow(job_.mutable_end_time());
  v1::JobEvent event;
  v1::StateChange* change = event.mutable_state_change();
  change->set_state(state);
  if (!error.ok()) {
    SetError(error, job_.mutable_error());
    SetError(error, change->mutable_error());
  }
  AppendLocked(std::move(event));
  end_time_ = Clock::now();
  task_.reset();  // free the inputs
}

}  // namespace advect::server
