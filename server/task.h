// The unit of work a job runs: a prepared, validated computation. The server
// turns a JobSpec into a Task (job_factory.h) before queueing, so bad input is
// refused at submit time, and workers only ever see runnable work.
#ifndef ADVECT_SERVER_TASK_H_
#define ADVECT_SERVER_TASK_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "advect/v1/job.pb.h"
#include "core/observer.h"

namespace advect::server {

class Task {
 public:
  virtual ~Task() = default;
  // The JobSpec.kind field name, e.g. "entropic_ot".
  virtual std::string kind() const = 0;
  // Whether the computation has positions to show as trajectory frames.
  virtual bool supports_frames() const = 0;
  // Runs the computation on a worker thread, reporting through `observer` and
  // returning Cancelled when it asks to stop.
  virtual absl::StatusOr<v1::JobResult> Run(Observer& observer) = 0;
};

// A Task made of a kind name and a function, for kinds whose work fits in a
// closure over their prepared inputs.
class FunctionTask final : public Task {
 public:
  using RunFunction = std::function<absl::StatusOr<v1::JobResult>(Observer&)>;
  FunctionTask(std::string kind, bool supports_frames, RunFunction run)
      : kind_(std::move(kind)), supports_frames_(supports_frames), run_(std::move(run)) {}
  std::string kind() const override { return kind_; }
  bool supports_frames() const override { return supports_frames_; }
  absl::StatusOr<v1::JobResult> Run(Observer& observer) override { return run_(observer); }

 private:
  std::string kind_;
  bool supports_frames_;
  RunFunction run_;
};

// Turns a JobSpec into a Task, or INVALID_ARGUMENT naming the bad field.
class TaskFactory {
 public:
  virtual ~TaskFactory() = default;
  virtual absl::StatusOr<std::unique_ptr<Task>> Prepare(const v1::JobSpec& spec) const = 0;
};

}  // namespace advect::server

#endif  // ADVECT_SERVER_TASK_H_
