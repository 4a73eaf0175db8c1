// Streams a job's event log to one client (Run and WatchJob). One write is in
// flight at a time, chained from OnWriteDone; new events wake it through a job
// listener. The worker that appends events never waits for the reader: a slow
// reader only falls behind in the job's bounded log (see JobRecord).
#ifndef ADVECT_SERVER_EVENT_STREAM_REACTOR_H_
#define ADVECT_SERVER_EVENT_STREAM_REACTOR_H_

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include <grpcpp/grpcpp.h>

#include "server/job_manager.h"
#include "server/job_record.h"
#include "server/metrics.h"

namespace advect::server {

template <typename Response>
class EventStreamReactor final : public grpc::ServerWriteReactor<Response> {
 public:
  // Streams the events of `job` with sequence > `after` until the job ends.
  // With `owns_job` (Run), the job is stopped if the call ends first: CANCELLED
  // when the client goes away, DEADLINE_EXCEEDED when the call's deadline passes.
  // `metrics` (may be null) counts the stream while it is open.
  EventStreamReactor(grpc::CallbackServerContext* ctx, JobManager* jobs,
                     std::shared_ptr<JobRecord> job, int64_t after, bool owns_job,
                     ServerMetrics* metrics)
      : ctx_(ctx),
        jobs_(jobs),
        job_(std::move(job)),
        last_sent_(after),
        owns_job_(owns_job),
        metrics_(metrics) {
    if (metrics_ != nullptr) metrics_->StreamOpened();
    listener_ = job_->AddListener([this] { Pump(); });
    Pump();
  }

  // A stream that ends at once with `error`.
  explicit EventStreamReactor(const grpc::Status& error) { this->Finish(error); }

  void OnWriteDone(bool ok) override {
    if (!ok) ClientGone();
    {
      std::lock_guard<std::mutex> lock(mu_);
      writing_ = false;
    }
    Pump();
  }

  void OnCancel() override {
    ClientGone();
    Pump();
  }

  void OnDone() override {
    if (job_) job_->RemoveListener(listener_);  // waits out a listener call in progress
    if (metrics_ != nullptr) metrics_->StreamClosed();
    delete this;
  }

 private:
  void ClientGone() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (cancelled_) return;
      cancelled_ = true;
    }
    if (!owns_job_ || !job_) return;
    // A client's own deadline timer fires a moment before ours and cancels the
    // stream, so a cancellation this close to the deadline is the deadline.
    constexpr std::chrono::milliseconds kDeadlineMargin(50);
    if (std::chrono::system_clock::now() + kDeadlineMargin >= ctx_->deadline()) {
      jobs_->Stop(job_, absl::StatusCode::kDeadlineExceeded, "the Run call's deadline passed");
    } else {
      jobs_->Stop(job_, absl::StatusCode::kCancelled, "the Run client went away");
    }
  }

  // Starts the next write, or finishes the call, unless a write is in flight.
  void Pump() {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_ || writing_) return;
    if (cancelled_) {
      finished_ = true;
      this->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the call was cancelled"));
      return;
    }
    const bool job_ended = job_->finished();  // read before NextEvent: no terminal event is missed
    if (EventPtr next = job_->NextEvent(last_sent_)) {
      last_sent_ = next->sequence();
      *response_.mutable_event() = *next;
      writing_ = true;
      this->StartWrite(&response_);
    } else if (job_ended) {
      finished_ = true;
      this->Finish(grpc::Status::OK);
    }
  }

  grpc::CallbackServerContext* ctx_ = nullptr;
  JobManager* jobs_ = nullptr;
  std::shared_ptr<JobRecord> job_;
  int listener_ = -1;
  std::mutex mu_;
  int64_t last_sent_ = 0;
  bool owns_job_ = false;
  ServerMetrics* metrics_ = nullptr;  // null for an error-only stream
  bool writing_ = false;
  bool cancelled_ = false;
  bool finished_ = false;
  Response response_;
};

}  // namespace advect::server

#endif  // ADVECT_SERVER_EVENT_STREAM_REACTOR_H_
