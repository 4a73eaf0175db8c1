// Trained flow models between core (Mlp) and the API (FlowModel), and the
// lookup of a model kept with its flow_train job.
#ifndef ADVECT_SERVER_FLOW_MODEL_H_
#define ADVECT_SERVER_FLOW_MODEL_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "advect/v1/flow_matching.pb.h"
#include "core/flow_matching/mlp.h"

namespace advect::server {

// A model and whether its source was N(0, I).
struct LoadedModel {
  Mlp mlp;
  bool gaussian_source = true;
};

// Finds the FlowModel of a succeeded flow_train job by id (NOT_FOUND or
// FAILED_PRECONDITION naming model_id otherwise).
using ModelLookup = std::function<absl::StatusOr<v1::FlowModel>(const std::string& id)>;

void ModelToProto(const Mlp& mlp, bool gaussian_source, v1::FlowModel* out);

// Checks the layers' shapes (inputs d + 1, outputs d) and values; errors name
// `field`.layers[l] etc.
absl::StatusOr<LoadedModel> ModelFromProto(const v1::FlowModel& model, const std::string& field);

}  // namespace advect::server

#endif  // ADVECT_SERVER_FLOW_MODEL_H_
