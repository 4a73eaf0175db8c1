// The meanfield_train job kind: MeanFieldTrainSpec -> the two-layer network
// as a measure (core/particles/mean_field_network.h) -> MeanFieldTrainResult.
#ifndef ADVECT_SERVER_MEANFIELD_TRAIN_TASK_H_
#define ADVECT_SERVER_MEANFIELD_TRAIN_TASK_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "advect/v1/mean_field.pb.h"
#include "server/limits.h"
#include "server/task.h"

namespace advect::server {

// Validates `spec` and returns a runnable task; errors are INVALID_ARGUMENT
// naming the field after `prefix`.
absl::StatusOr<std::unique_ptr<Task>> PrepareMeanFieldTrain(const v1::MeanFieldTrainSpec& spec,
                                                            const Limits& limits,
                                                            absl::string_view prefix);

}  // namespace advect::server

#endif  // ADVECT_SERVER_MEANFIELD_TRAIN_TASK_H_
