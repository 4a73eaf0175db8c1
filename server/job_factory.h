// The default TaskFactory: dispatches on JobSpec.kind to each kind's Prepare function.
#ifndef ADVECT_SERVER_JOB_FACTORY_H_
#define ADVECT_SERVER_JOB_FACTORY_H_

#include <memory>
#include <utility>

#include "server/flow_model.h"
#include "server/job_record.h"
#include "server/limits.h"
#include "server/task.h"

namespace advect::server {

class DefaultTaskFactory final : public TaskFactory {
 public:
  // `models` finds trained models by id for flow_sample (may be null: none).
  explicit DefaultTaskFactory(Limits limits, ModelLookup models = nullptr)
      : limits_(limits), models_(std::move(models)) {}
  absl::StatusOr<std::unique_ptr<Task>> Prepare(const v1::JobSpec& spec) const override;

 private:
  const Limits limits_;
  const ModelLookup models_;
};

// Checks frame_every / max_frames (errors name spec.frame_every, spec.max_frames)
// and returns the per-job event log limits, starting from `defaults`.
absl::StatusOr<EventLogLimits> EventLimitsFor(const v1::JobSpec& spec, const Task& task,
                                              const Limits& limits, EventLogLimits defaults);

}  // namespace advect::server

#endif  // ADVECT_SERVER_JOB_FACTORY_H_
