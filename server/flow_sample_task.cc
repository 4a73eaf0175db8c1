#include "server/flow_sample_task.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/diffusion/mixture_velocity.h"
#include "core/diffusion/ode_sampler.h"
#include "core/random/normal.h"
#include "server/field_checks.h"
#include "server/matrix_convert.h"

namespace advect::server {
namespace {

constexpr int32_t kDefaultSteps = 100;
constexpr int32_t kDefaultSamples = 1000;

// Everything but the prefix; PrepareFlowSample adds it to any error.
absl::StatusOr<std::unique_ptr<Task>> Prepare(const v1::FlowSampleSpec& spec,
                                              const Limits& limits) {
  // The mixture: K weights, K x d means, K covariances d x d.
  const int64_t k = spec.gmm_weights_size();
  if (absl::Status s = CheckCount("gmm_weights", k, limits.max_points, "components",
                                  "--max-points");
      !s.ok()) {
    return s;
  }
  absl::StatusOr<Eigen::MatrixXd> means = FromProto(spec.gmm_means(), "gmm_means");
  if (!means.ok()) return means.status();
  if (absl::Status s = CheckCount("gmm_means", means->cols(), limits.max_dimension, "dimensions",
                                  "--max-dimension");
      !s.ok()) {
    return s;
  }
  // K covariances of d^2 entries are held and factorised: bound K d^2.
  if (absl::Status s = CheckCount("gmm_covs", k * means->cols() * means->cols(),
                                  limits.max_cost_entries, "covariance entries (K d^2)",
                                  "--max-cost-entries");
      !s.ok()) {
    return s;
  }
  GaussianMixture mixture;
  mixture.weights = FromProto(spec.gmm_weights());
  mixture.means = *std::move(means);
  for (int j = 0; j < spec.gmm_covs_size(); ++j) {
    absl::StatusOr<Eigen::MatrixXd> cov =
        FromProto(spec.gmm_covs(j), absl::StrCat("gmm_covs[", j, "]"));
    if (!cov.ok()) return cov.status();
    mixture.covs.push_back(*std::move(cov));
  }
  const double sigma = spec.sigma() == 0.0 ? 1.0 : spec.sigma();
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
  absl::StatusOr<MixtureVelocity> velocity =
      MixtureVelocity::Create(std::move(mixture), sigma, schedule);
  if (!velocity.ok()) return velocity.status();

  OdeIntegrator integrator = OdeIntegrator::kHeun;
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
  const Eigen::Index d = velocity->dimension();
  Eigen::MatrixXd z1;
  if (!IsUnset(spec.initial_noise())) {
    if (absl::Status s = CheckCount("initial_noise", spec.initial_noise().rows(),
                                    limits.max_points, "points", "--max-points");
        !s.ok()) {
      return s;
    }
    absl::StatusOr<Eigen::MatrixXd> given = FromProto(spec.initial_noise(), "initial_noise");
    if (!given.ok()) return given.status();
    if (given->cols() != d || !given->allFinite()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "initial_noise: expected finite points of dimension ", d, ", got ", given->rows(),
          " x ", given->cols()));
    }
    z1 = *std::move(given);
  } else {
    const int64_t n = spec.num_samples() == 0 ? kDefaultSamples : spec.num_samples();
    if (n < 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("num_samples: must be >= 1, got ", spec.num_samples()));
    }
    if (absl::Status s = CheckCount("num_samples", n, limits.max_points, "samples",
                                    "--max-points");
        !s.ok()) {
      return s;
    }
    // Row by row, so the first rows are the same whatever num_samples.
    NormalStream normal(spec.seed());
    z1.resize(n, d);
    for (Eigen::Index i = 0; i < n; ++i) {
      for (Eigen::Index c = 0; c < d; ++c) z1(i, c) = sigma * normal.Next();
    }
  }

  auto run = [velocity = *std::move(velocity), z1 = std::move(z1), steps,
              integrator](Observer& observer) -> absl::StatusOr<v1::JobResult> {
    const VelocityField field = [&velocity](double t, const Eigen::MatrixXd& z,
                                            const Observer& o, Eigen::MatrixXd& out) {
      return velocity.Evaluate(t, z, o, out);
    };
    absl::StatusOr<OdeSampleOutput> out = IntegrateFlow(field, z1, steps, integrator, observer);
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

}  // namespace

absl::StatusOr<std::unique_ptr<Task>> PrepareFlowSample(const v1::FlowSampleSpec& spec,
                                                        const Limits& limits,
                                                        absl::string_view prefix) {
  absl::StatusOr<std::unique_ptr<Task>> task = Prepare(spec, limits);
  if (!task.ok()) return WithFieldPrefix(prefix, task.status());
  return task;
}

}  // namespace advect::server
