#include "server/flow_sample_task.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/diffusion/mixture_velocity.h"
#include "core/diffusion/ode_sampler.h"
#include "core/diffusion/sample_diagnostics.h"
#include "core/diffusion/sde_sampler.h"
#include "core/flow_matching/flow_matching.h"
#include "server/field_checks.h"
#include "server/flow_model.h"
#include "server/flow_inputs.h"
#include "server/matrix_convert.h"

namespace advect::server {
namespace {

constexpr int32_t kDefaultSteps = 100;
constexpr int32_t kDefaultSamples = 1000;

// The target: a Gaussian mixture or an empirical cloud, never both.
absl::StatusOr<MixtureVelocity> Target(const v1::FlowSampleSpec& spec, double sigma,
                                       ScheduleKind schedule, const Limits& limits) {
  const bool has_mixture = spec.gmm_weights_size() > 0 || !IsUnset(spec.gmm_means()) ||
                           spec.gmm_covs_size() > 0;
  const bool has_cloud = !IsUnset(spec.target()) || spec.target_weights_size() > 0;
  if (has_mixture && has_cloud) {
    return absl::InvalidArgumentError(
        "target: give a Gaussian mixture (gmm_weights, gmm_means, gmm_covs) or an empirical "
        "target (target, target_weights), not both");
  }
  if (!has_cloud) {
    absl::StatusOr<GaussianMixture> mixture =
        MixtureFromProto(spec.gmm_weights(), spec.gmm_means(), spec.gmm_covs(), limits);
    if (!mixture.ok()) return mixture.status();
    return MixtureVelocity::Create(*std::move(mixture), sigma, schedule);
  }
  if (absl::Status s =
          CheckCount("target", spec.target().rows(), limits.max_points, "points", "--max-points");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckCount("target", spec.target().cols(), limits.max_dimension,
                                  "dimensions", "--max-dimension");
      !s.ok()) {
    return s;
  }
  absl::StatusOr<Eigen::MatrixXd> points = FromProto(spec.target(), "target");
  if (!points.ok()) return points.status();
  return MixtureVelocity::CreateEmpirical(*std::move(points), FromProto(spec.target_weights()),
                                          sigma, schedule);
}

OdeIntegrator IntegratorOf(v1::FlowSampler sampler) {
  switch (sampler) {
    case v1::FLOW_SAMPLER_EULER:
      return OdeIntegrator::kEuler;
    case v1::FLOW_SAMPLER_RK4:
      return OdeIntegrator::kRk4;
    default:
      return OdeIntegrator::kHeun;
  }
}

// Sampling with a trained model: from t = 0 to 1.
absl::StatusOr<std::unique_ptr<Task>> PrepareModel(const v1::FlowSampleSpec& spec,
                                                   const Limits& limits,
                                                   const ModelLookup& lookup) {
  if (spec.gmm_weights_size() > 0 || !IsUnset(spec.gmm_means()) || spec.gmm_covs_size() > 0 ||
      !IsUnset(spec.target()) || spec.target_weights_size() > 0) {
    return absl::InvalidArgumentError(
        "model_id: a model is the field; give no target (gmm_*, target) with it");
  }
  if (!spec.model_id().empty() && spec.model().layers_size() > 0) {
    return absl::InvalidArgumentError("model: give model_id or model, not both");
  }
  if (spec.sampler() == v1::FLOW_SAMPLER_SDE) {
    return absl::InvalidArgumentError(
        "sampler: a learned velocity has no score for the SDE; use euler, heun or rk4");
  }
  if (spec.sampler() < 0 || spec.sampler() > v1::FLOW_SAMPLER_SDE) {
    return absl::InvalidArgumentError(
        absl::StrCat("sampler: unknown FlowSampler value ", spec.sampler()));
  }
  v1::FlowModel proto = spec.model();
  std::string field = "model";
  if (!spec.model_id().empty()) {
    if (!lookup) return absl::UnavailableError("model_id: this server keeps no models");
    absl::StatusOr<v1::FlowModel> found = lookup(spec.model_id());
    if (!found.ok()) return found.status();
    proto = *std::move(found);
    field = "model_id";
  }
  absl::StatusOr<LoadedModel> model = ModelFromProto(proto, field);
  if (!model.ok()) return model.status();
  const int64_t steps = spec.steps() == 0 ? kDefaultSteps : spec.steps();
  if (steps < 1 || steps > kMaxOdeSteps) {
    return absl::InvalidArgumentError(
        absl::StrCat("steps: must be in [1, ", kMaxOdeSteps, "], got ", steps));
  }
  if (!model->gaussian_source && IsUnset(spec.initial_noise())) {
    return absl::InvalidArgumentError(
        "initial_noise: required: the model was trained from a source cloud, so give points "
        "from it");
  }
  absl::StatusOr<Eigen::MatrixXd> z0 = StartingPoints(
      spec.initial_noise(), "initial_noise",
      spec.num_samples() == 0 ? kDefaultSamples : spec.num_samples(), "num_samples",
      model->mlp.shape().outputs, 1.0, spec.seed(), limits);
  if (!z0.ok()) return z0.status();
  auto run = [mlp = std::move(model->mlp), z0 = *std::move(z0), steps,
              integrator = IntegratorOf(spec.sampler())](
                 Observer& observer) -> absl::StatusOr<v1::JobResult> {
    const VelocityField velocity = [&mlp](double t, const Eigen::MatrixXd& z, const Observer& o,
                                          Eigen::MatrixXd& out) {
      if (o.StopRequested()) return false;
      EvaluateModel(mlp, t, z, out);
      return true;
    };
    absl::StatusOr<OdeSampleOutput> out =
        IntegrateFlowForward(velocity, z0, steps, integrator, observer);
    if (!out.ok()) return out.status();
    v1::JobResult result;
    v1::FlowSampleResult* r = result.mutable_flow_sample();
    ToProto(out->samples, r->mutable_samples());
    r->set_field_evaluations(out->evaluations);
    return result;
  };
  return std::unique_ptr<Task>(
      std::make_unique<FunctionTask>("flow_sample", true, std::move(run)));
}

// Everything but the prefix; PrepareFlowSample adds it to any error.
absl::StatusOr<std::unique_ptr<Task>> Prepare(const v1::FlowSampleSpec& spec,
                                              const Limits& limits, const ModelLookup& lookup) {
  if (!spec.model_id().empty() || spec.model().layers_size() > 0) {
    return PrepareModel(spec, limits, lookup);
  }
  ScheduleKind schedule = ScheduleKind::kLinear;
  switch (spec.schedule()) {
    case v1::FLOW_SCHEDULE_UNSPECIFIED:
    case v1::FLOW_SCHEDULE_LINEAR:
      break;
    case v1::FLOW_SCHEDULE_VARIANCE_PRESERVING:
      schedule = ScheduleKind::kVariancePreserving;
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("schedule: unknown FlowSchedule value ", spec.schedule()));
  }
  const double sigma = spec.sigma() == 0.0 ? 1.0 : spec.sigma();
  absl::StatusOr<MixtureVelocity> target = Target(spec, sigma, schedule, limits);
  if (!target.ok()) return target.status();
  target->set_num_threads(limits.threads_per_job);

  std::optional<OdeIntegrator> integrator = OdeIntegrator::kHeun;  // nullopt: the SDE
  switch (spec.sampler()) {
    case v1::FLOW_SAMPLER_UNSPECIFIED:
    case v1::FLOW_SAMPLER_HEUN:
      break;
    case v1::FLOW_SAMPLER_EULER:
      integrator = OdeIntegrator::kEuler;
      break;
    case v1::FLOW_SAMPLER_RK4:
      integrator = OdeIntegrator::kRk4;
      break;
    case v1::FLOW_SAMPLER_SDE:
      integrator.reset();
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("sampler: unknown FlowSampler value ", spec.sampler()));
  }
  const int64_t steps = spec.steps() == 0 ? kDefaultSteps : spec.steps();
  if (steps < 1 || steps > kMaxOdeSteps) {
    return absl::InvalidArgumentError(
        absl::StrCat("steps: must be in [1, ", kMaxOdeSteps, "], got ", steps));
  }
  // The points at t = 1: given, or seeded N(0, sigma^2 I) noise.
  absl::StatusOr<Eigen::MatrixXd> z1 = StartingPoints(
      spec.initial_noise(), "initial_noise",
      spec.num_samples() == 0 ? kDefaultSamples : spec.num_samples(), "num_samples",
      target->dimension(), sigma, spec.seed(), limits);
  if (!z1.ok()) return z1.status();
  absl::StatusOr<std::optional<SampleDiagnosticsOptions>> diagnostics =
      OptionalDiagnostics(spec.diagnostics(), spec.seed());
  if (!diagnostics.ok()) return diagnostics.status();

  auto run = [target = *std::move(target), z1 = *std::move(z1), steps, integrator, schedule,
              sigma, seed = spec.seed(),
              diagnostics = *diagnostics](Observer& observer) -> absl::StatusOr<v1::JobResult> {
    const VelocityField velocity = [&target](double t, const Eigen::MatrixXd& z,
                                             const Observer& o, Eigen::MatrixXd& out) {
      return target.Evaluate(t, z, o, out);
    };
    const VelocityField denoiser = [&target](double t, const Eigen::MatrixXd& z,
                                             const Observer& o, Eigen::MatrixXd& out) {
      return target.Denoise(t, z, o, out);
    };
    // The SDE's noise: a stream apart from the initial noise's.
    absl::StatusOr<OdeSampleOutput> out =
        integrator.has_value()
            ? IntegrateFlow(velocity, z1, steps, *integrator, observer,
                            target.empirical() ? &denoiser : nullptr)
            : SampleReverseSde(denoiser, schedule, sigma, z1, steps, seed + 1, observer);
    if (!out.ok()) return out.status();
    v1::JobResult result;
    v1::FlowSampleResult* r = result.mutable_flow_sample();
    ToProto(out->samples, r->mutable_samples());
    r->set_field_evaluations(out->evaluations);
    if (diagnostics.has_value()) {
      if (absl::Status s = AttachDiagnostics(out->samples, target, *diagnostics, observer,
                                             r->mutable_diagnostics());
          !s.ok()) {
        return s;
      }
    }
    return result;
  };
  return std::unique_ptr<Task>(
      std::make_unique<FunctionTask>("flow_sample", true, std::move(run)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Task>> PrepareFlowSample(const v1::FlowSampleSpec& spec,
                                                        const Limits& limits,
                                                        absl::string_view prefix,
                                                        const ModelLookup& lookup) {
  return WithFieldPrefix(prefix, Prepare(spec, limits, lookup));
}

}  // namespace advect::server
