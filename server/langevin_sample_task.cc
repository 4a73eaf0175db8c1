#include "server/langevin_sample_task.h"

#include <cmath>
#include <cstdint>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/diffusion/langevin.h"
#include "core/diffusion/mixture_velocity.h"
#include "core/diffusion/sample_diagnostics.h"
#include "server/field_checks.h"
#include "server/flow_inputs.h"
#include "server/matrix_convert.h"

namespace advect::server {
namespace {

constexpr double kDefaultStepSize = 0.01;
constexpr int32_t kDefaultSteps = 1000;
constexpr int32_t kDefaultSamples = 1000;

absl::StatusOr<std::unique_ptr<Task>> Prepare(const v1::LangevinSampleSpec& spec,
                                              const Limits& limits) {
  absl::StatusOr<MixtureVelocity> target =
      MixtureScoreFromProto(spec.gmm_weights(), spec.gmm_means(), spec.gmm_covs(), limits);
  if (!target.ok()) return target.status();
  target->set_num_threads(limits.threads_per_job);
  const double step_size = spec.step_size() == 0.0 ? kDefaultStepSize : spec.step_size();
  if (!(std::isfinite(step_size) && step_size > 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("step_size: must be finite and > 0 (0 = ", kDefaultStepSize, "), got ",
                     spec.step_size()));
  }
  const int64_t steps = spec.steps() == 0 ? kDefaultSteps : spec.steps();
  if (steps < 1 || steps > kMaxOdeSteps) {
    return absl::InvalidArgumentError(
        absl::StrCat("steps: must be in [1, ", kMaxOdeSteps, "], got ", steps));
  }
  absl::StatusOr<Eigen::MatrixXd> x0 = StartingPoints(
      spec.initial_points(), "initial_points",
      spec.num_samples() == 0 ? kDefaultSamples : spec.num_samples(), "num_samples",
      target->dimension(), 1.0, spec.seed(), limits);
  if (!x0.ok()) return x0.status();
  absl::StatusOr<std::optional<SampleDiagnosticsOptions>> diagnostics =
      OptionalDiagnostics(spec.diagnostics(), spec.seed());
  if (!diagnostics.ok()) return diagnostics.status();
  auto run = [target = *std::move(target), x0 = *std::move(x0), steps, step_size,
              seed = spec.seed(),
              diagnostics = *diagnostics](Observer& observer) -> absl::StatusOr<v1::JobResult> {
    const VelocityField score = [&target](double t, const Eigen::MatrixXd& z, const Observer& o,
                                          Eigen::MatrixXd& out) {
      return target.Score(t, z, o, out);
    };
    absl::StatusOr<OdeSampleOutput> out =
        RunLangevin(score, x0, steps, step_size, seed + 1, observer);
    if (!out.ok()) return out.status();
    v1::JobResult result;
    v1::LangevinSampleResult* r = result.mutable_langevin_sample();
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
      std::make_unique<FunctionTask>("langevin_sample", true, std::move(run)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Task>> PrepareLangevinSample(const v1::LangevinSampleSpec& spec,
                                                            const Limits& limits,
                                                            absl::string_view prefix) {
  return WithFieldPrefix(prefix, Prepare(spec, limits));
}

}  // namespace advect::server
