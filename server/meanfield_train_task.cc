#include "server/meanfield_train_task.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/particles/mean_field_network.h"
#include "server/field_checks.h"
#include "server/particle_inputs.h"

namespace advect::server {
namespace {

constexpr int32_t kDefaultNeurons = 100;
constexpr int32_t kDefaultTeacherNeurons = 3;
constexpr int32_t kDefaultDimension = 5;
constexpr int32_t kDefaultSamples = 1000;
constexpr double kDefaultStepSize = 0.1;

absl::Status CheckPositive(const char* field, int32_t value) {
  if (value < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": must be >= 1 (0 = default), got ", value));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Task>> Prepare(const v1::MeanFieldTrainSpec& spec,
                                              const Limits& limits, absl::string_view prefix) {
  for (auto [field, value] :
       {std::pair{"neurons", spec.neurons()}, std::pair{"teacher_neurons", spec.teacher_neurons()},
        std::pair{"dimension", spec.dimension()}, std::pair{"num_samples", spec.num_samples()}}) {
    if (absl::Status s = CheckPositive(field, value); !s.ok()) return s;
  }
  if (!v1::NeuronActivation_IsValid(spec.activation())) {
    return absl::InvalidArgumentError(
        absl::StrCat("activation: unknown value ", static_cast<int>(spec.activation())));
  }
  const NeuronActivation activation = spec.activation() == v1::NEURON_ACTIVATION_TANH
                                          ? NeuronActivation::kTanh
                                          : NeuronActivation::kRelu;
  const bool given = !IsUnset(spec.data());
  TwoLayerData data;
  std::optional<Teacher> teacher;
  if (given) {
    if (spec.teacher_neurons() != 0 || spec.dimension() != 0 || spec.num_samples() != 0) {
      return absl::InvalidArgumentError(
          "teacher_neurons, dimension, num_samples: only without data (the data sets them)");
    }
    absl::StatusOr<Eigen::MatrixXd> z = ParticlesFromProto(spec.data(), "data", false, limits);
    if (!z.ok()) return z.status();
    if (spec.labels_size() != z->rows()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "labels: need ", z->rows(), " values (one per row of data), got ", spec.labels_size()));
    }
    data.z = *std::move(z);
    data.y = FromProto(spec.labels());
  } else {
    if (spec.labels_size() > 0) return absl::InvalidArgumentError("labels: only with data");
    const int64_t k = spec.teacher_neurons() == 0 ? kDefaultTeacherNeurons : spec.teacher_neurons();
    const int64_t d = spec.dimension() == 0 ? kDefaultDimension : spec.dimension();
    const int64_t n = spec.num_samples() == 0 ? kDefaultSamples : spec.num_samples();
    for (auto [field, value, limit, flag] :
         {std::tuple{"teacher_neurons", k, limits.max_points, "--max-points"},
          std::tuple{"dimension", d, limits.max_dimension, "--max-dimension"},
          std::tuple{"num_samples", n, limits.max_points, "--max-points"},
          std::tuple{"num_samples", n * d, limits.max_cost_entries, "--max-cost-entries"}}) {
      if (absl::Status s = CheckCount(field, value, limit, "entries", flag); !s.ok()) return s;
    }
    teacher = MakeTeacher(k, d, n, activation, spec.seed());
    data = teacher->data;
  }
  const int64_t d = data.z.cols();
  Eigen::MatrixXd x0;
  if (!IsUnset(spec.initial_neurons())) {
    absl::StatusOr<Eigen::MatrixXd> x =
        ParticlesFromProto(spec.initial_neurons(), "initial_neurons", false, limits);
    if (!x.ok()) return x.status();
    if (x->cols() != d + 1) {
      return absl::InvalidArgumentError(absl::StrCat("initial_neurons: need D + 1 = ", d + 1,
                                                     " columns (u_i, v_i), got ", x->cols()));
    }
    if (spec.neurons() != 0 && spec.neurons() != x->rows()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "neurons: ", spec.neurons(), " disagrees with initial_neurons' ", x->rows(), " rows"));
    }
    x0 = *std::move(x);
  } else {
    const int64_t m = spec.neurons() == 0 ? kDefaultNeurons : spec.neurons();
    if (absl::Status s = CheckCount("neurons", m, limits.max_points, "neurons", "--max-points");
        !s.ok()) {
      return s;
    }
    x0 = InitialNeurons(m, d, spec.seed() + 1);
  }
  // The N x m pre-activations are held in memory.
  if (absl::Status s = CheckCount("neurons", data.z.rows() * x0.rows(), limits.max_cost_entries,
                                  "pre-activations (N m)", "--max-cost-entries");
      !s.ok()) {
    return s;
  }
  absl::StatusOr<ParticleField> field = MeanFieldField(data, activation);
  if (!field.ok()) return field.status();
  absl::StatusOr<ParticleStepping> stepping = SteppingFromSpec(
      spec.step_size() == 0.0 ? kDefaultStepSize : spec.step_size(), spec.steps(), 0.0, 0);
  if (!stepping.ok()) return stepping.status();
  auto run = [field = *std::move(field), x0 = std::move(x0), teacher = std::move(teacher),
              stepping = *stepping,
              prefix = std::string(prefix)](Observer& observer) -> absl::StatusOr<v1::JobResult> {
    absl::StatusOr<ParticleRun> out = RunParticles(field, x0, stepping, observer);
    if (!out.ok()) return WithFieldPrefix(prefix, out.status());
    v1::JobResult result;
    v1::MeanFieldTrainResult* r = result.mutable_meanfield_train();
    FillRunRecord(*out, r);
    r->mutable_risk()->Add(out->energy.begin(), out->energy.end());
    r->set_initial_risk(out->energy.front());
    r->set_final_risk(out->energy.back());
    if (teacher.has_value()) {
      ToProto(teacher->neurons, r->mutable_teacher());
      r->set_initial_alignment(TeacherAlignment(x0, teacher->neurons));
      r->set_final_alignment(TeacherAlignment(out->positions, teacher->neurons));
    }
    return result;
  };
  return std::unique_ptr<Task>(
      std::make_unique<FunctionTask>("meanfield_train", true, std::move(run)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Task>> PrepareMeanFieldTrain(const v1::MeanFieldTrainSpec& spec,
                                                            const Limits& limits,
                                                            absl::string_view prefix) {
  return WithFieldPrefix(prefix, Prepare(spec, limits, prefix));
}

}  // namespace advect::server
