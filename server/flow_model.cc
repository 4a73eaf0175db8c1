#include "server/flow_model.h"

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/matrix_convert.h"

namespace advect::server {

void ModelToProto(const Mlp& mlp, bool gaussian_source, v1::FlowModel* out) {
  out->clear_layers();
  for (int64_t l = 0; l < mlp.num_layers(); ++l) {
    v1::MlpLayer* layer = out->add_layers();
    ToProto(mlp.Weight(l), layer->mutable_weight());
    ToProto(mlp.Bias(l), layer->mutable_bias());
  }
  switch (mlp.shape().activation) {
    case Activation::kRelu:
      out->set_activation(v1::MLP_ACTIVATION_RELU);
      break;
    case Activation::kTanh:
      out->set_activation(v1::MLP_ACTIVATION_TANH);
      break;
    case Activation::kSilu:
      out->set_activation(v1::MLP_ACTIVATION_SILU);
      break;
  }
  out->set_dimension(static_cast<int32_t>(mlp.shape().outputs));
  out->set_gaussian_source(gaussian_source);
}

absl::StatusOr<LoadedModel> ModelFromProto(const v1::FlowModel& model, const std::string& field) {
  Activation activation = Activation::kSilu;
  switch (model.activation()) {
    case v1::MLP_ACTIVATION_UNSPECIFIED:
    case v1::MLP_ACTIVATION_SILU:
      break;
    case v1::MLP_ACTIVATION_RELU:
      activation = Activation::kRelu;
      break;
    case v1::MLP_ACTIVATION_TANH:
      activation = Activation::kTanh;
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".activation: unknown MlpActivation value ", model.activation()));
  }
  std::vector<Eigen::MatrixXd> weights;
  std::vector<Eigen::VectorXd> biases;
  for (int l = 0; l < model.layers_size(); ++l) {
    absl::StatusOr<Eigen::MatrixXd> w =
        FromProto(model.layers(l).weight(), absl::StrCat(field, ".layers[", l, "].weight"));
    if (!w.ok()) return w.status();
    weights.push_back(*std::move(w));
    biases.push_back(FromProto(model.layers(l).bias()));
  }
  absl::StatusOr<Mlp> mlp = Mlp::FromLayers(activation, weights, biases);
  if (!mlp.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".", mlp.status().message()));
  }
  const int64_t d = model.dimension();
  if (d < 1 || mlp->shape().inputs != d + 1 || mlp->shape().outputs != d) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ".dimension: a model of dimension d takes d + 1 inputs (x, t) and gives d "
               "outputs; got dimension ", d, ", ", mlp->shape().inputs, " inputs, ",
        mlp->shape().outputs, " outputs"));
  }
  return LoadedModel{*std::move(mlp), model.gaussian_source()};
}

}  // namespace advect::server
