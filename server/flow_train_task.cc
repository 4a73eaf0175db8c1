#include "server/flow_train_task.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/flow_matching/flow_matching.h"
#include "core/random/normal.h"
#include "core/random/splitmix64.h"
#include "server/field_checks.h"
#include "server/flow_model.h"
#include "server/matrix_convert.h"

namespace advect::server {
namespace {

constexpr int kMaxLossPoints = 1000;
constexpr int32_t kMaxEvalSteps = 100'000;

// A cloud field: at most max_points rows of at most max_dimension columns.
absl::StatusOr<Eigen::MatrixXd> Cloud(const v1::Matrix& m, const char* field,
                                      const Limits& limits) {
  if (absl::Status s = CheckCount(field, m.rows(), limits.max_points, "points", "--max-points");
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          CheckCount(field, m.cols(), limits.max_dimension, "dimensions", "--max-dimension");
      !s.ok()) {
    return s;
  }
  return FromProto(m, field);
}

absl::StatusOr<FlowMatchingOptions> Options(const v1::FlowTrainSpec& spec) {
  FlowMatchingOptions o;
  switch (spec.coupling()) {
    case v1::FLOW_COUPLING_UNSPECIFIED:
    case v1::FLOW_COUPLING_INDEPENDENT:
      o.coupling = Coupling::kIndependent;
      break;
    case v1::FLOW_COUPLING_EXACT_OT:
      o.coupling = Coupling::kExactOt;
      break;
    case v1::FLOW_COUPLING_ENTROPIC:
      o.coupling = Coupling::kEntropic;
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("coupling: unknown FlowCoupling value ", spec.coupling()));
  }
  switch (spec.activation()) {
    case v1::MLP_ACTIVATION_UNSPECIFIED:
    case v1::MLP_ACTIVATION_SILU:
      o.activation = Activation::kSilu;
      break;
    case v1::MLP_ACTIVATION_RELU:
      o.activation = Activation::kRelu;
      break;
    case v1::MLP_ACTIVATION_TANH:
      o.activation = Activation::kTanh;
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("activation: unknown MlpActivation value ", spec.activation()));
  }
  switch (spec.learning_rate_schedule()) {
    case v1::LEARNING_RATE_SCHEDULE_UNSPECIFIED:
    case v1::LEARNING_RATE_SCHEDULE_COSINE:
      o.schedule = LearningRateSchedule::kCosine;
      break;
    case v1::LEARNING_RATE_SCHEDULE_CONSTANT:
      o.schedule = LearningRateSchedule::kConstant;
      break;
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          "learning_rate_schedule: unknown LearningRateSchedule value ",
          spec.learning_rate_schedule()));
  }
  o.sigma = spec.sigma() == 0.0 ? 0.1 : spec.sigma();
  o.width = spec.width() == 0 ? 64 : spec.width();
  o.depth = spec.depth() == 0 ? 2 : spec.depth();
  o.batch_size = spec.batch_size() == 0 ? 256 : spec.batch_size();
  o.steps = spec.steps() == 0 ? 2000 : spec.steps();
  o.learning_rate = spec.learning_rate() == 0.0 ? 1e-3 : spec.learning_rate();
  o.seed = spec.seed();
  return o;
}

absl::StatusOr<std::unique_ptr<Task>> Prepare(const v1::FlowTrainSpec& spec,
                                              const Limits& limits) {
  absl::StatusOr<FlowMatchingOptions> options = Options(spec);
  if (!options.ok()) return options.status();
  if (IsUnset(spec.target())) {
    return absl::InvalidArgumentError("target: required (the points x1 at t = 1)");
  }
  absl::StatusOr<Eigen::MatrixXd> target = Cloud(spec.target(), "target", limits);
  if (!target.ok()) return target.status();
  Eigen::MatrixXd source;
  if (!IsUnset(spec.source())) {
    absl::StatusOr<Eigen::MatrixXd> s = Cloud(spec.source(), "source", limits);
    if (!s.ok()) return s.status();
    source = *std::move(s);
  }
  const int32_t eval_steps = spec.eval_steps() == 0 ? 100 : spec.eval_steps();
  const int32_t few_steps = spec.few_steps() == 0 ? 2 : spec.few_steps();
  const int32_t eval_points = spec.eval_points() == 0 ? 1000 : spec.eval_points();
  if (eval_steps < 1 || eval_steps > kMaxEvalSteps) {
    return absl::InvalidArgumentError(
        absl::StrCat("eval_steps: must be in [1, ", kMaxEvalSteps, "], got ", eval_steps));
  }
  if (few_steps < 1 || few_steps > eval_steps) {
    return absl::InvalidArgumentError(absl::StrCat("few_steps: must be in [1, eval_steps = ",
                                                   eval_steps, "], got ", few_steps));
  }
  if (eval_points < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("eval_points: must be >= 1, got ", eval_points));
  }
  if (absl::Status s = CheckCount("eval_points", eval_points, limits.max_points, "points",
                                  "--max-points");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateFlowMatching(source, *target, *options); !s.ok()) return s;
  auto run = [options = *options, source = std::move(source), target = *std::move(target),
              eval_steps, few_steps,
              eval_points](Observer& observer) -> absl::StatusOr<v1::JobResult> {
    absl::StatusOr<FlowMatchingOutput> out =
        TrainFlowMatching(source, target, options, observer);
    if (!out.ok()) return out.status();
    // The path measures start from eval_points source points: N(0, I) draws
    // or seeded picks from the cloud (a stream apart from training's).
    const Eigen::Index d = target.cols();
    Eigen::MatrixXd x0(eval_points, d);
    NormalStream normal(options.seed + 99);
    SplitMix64 pick(options.seed + 98);
    for (Eigen::Index i = 0; i < eval_points; ++i) {
      if (source.size() > 0) {
        x0.row(i) = source.row(std::min<Eigen::Index>(
            static_cast<Eigen::Index>(pick.NextUniform() * source.rows()), source.rows() - 1));
      } else {
        for (Eigen::Index c = 0; c < d; ++c) x0(i, c) = normal.Next();
      }
    }
    if (observer.StopRequested()) return absl::CancelledError("the job was asked to stop");
    const PathReport paths = MeasurePaths(out->model, x0, eval_steps, few_steps);
    v1::JobResult result;
    v1::FlowTrainResult* r = result.mutable_flow_train();
    const size_t n = out->losses.size();
    const size_t tail = std::max<size_t>(1, n / 10);
    double sum = 0.0;
    for (size_t k = n - tail; k < n; ++k) sum += out->losses[k];
    r->set_final_loss(sum / static_cast<double>(tail));
    const size_t stride = (n + kMaxLossPoints - 1) / kMaxLossPoints;
    for (size_t k = stride - 1; k < n; k += stride) {
      r->add_losses(out->losses[k]);
      r->add_loss_steps(static_cast<int32_t>(k + 1));
    }
    r->set_straightness(paths.straightness);
    r->set_few_step_error(paths.few_step_error);
    ModelToProto(out->model, source.size() == 0, r->mutable_model());
    r->set_parameters(out->model.parameters().size());
    return result;
  };
  return std::unique_ptr<Task>(
      std::make_unique<FunctionTask>("flow_train", false, std::move(run)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Task>> PrepareFlowTrain(const v1::FlowTrainSpec& spec,
                                                       const Limits& limits,
                                                       absl::string_view prefix) {
  return WithFieldPrefix(prefix, Prepare(spec, limits));
}

}  // namespace advect::server
