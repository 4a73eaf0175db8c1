#include "server/svgd_task.h"

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/diffusion/mixture_velocity.h"
#include "core/particles/svgd.h"
#include "server/field_checks.h"
#include "server/flow_inputs.h"
#include "server/particle_inputs.h"

namespace advect::server {
namespace {

constexpr int32_t kDefaultParticles = 100;

absl::StatusOr<std::unique_ptr<Task>> Prepare(const v1::SvgdSpec& spec, const Limits& limits,
                                              absl::string_view prefix) {
  absl::StatusOr<MixtureVelocity> target =
      MixtureScoreFromProto(spec.gmm_weights(), spec.gmm_means(), spec.gmm_covs(), limits);
  if (!target.ok()) return target.status();
  target->set_num_threads(1);  // SVGD's pair sums take the job's threads
  Eigen::MatrixXd x;
  if (!IsUnset(spec.x())) {
    absl::StatusOr<Eigen::MatrixXd> given = ParticlesFromProto(spec.x(), "x", true, limits);
    if (!given.ok()) return given.status();
    if (given->cols() != target->dimension()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "x: has d = ", given->cols(), ", the mixture has d = ", target->dimension()));
    }
    x = *std::move(given);
  } else {
    const int64_t count = spec.num_particles() == 0 ? kDefaultParticles : spec.num_particles();
    if (absl::Status s = CheckCount("num_particles", count, InteractingLimit(limits), "particles",
                                    InteractingLimitFlag(limits));
        !s.ok()) {
      return s;
    }
    absl::StatusOr<Eigen::MatrixXd> drawn = StartingPoints(
        v1::Matrix(), "x", count, "num_particles", target->dimension(), 1.0, spec.seed(), limits);
    if (!drawn.ok()) return drawn.status();
    x = *std::move(drawn);
  }
  absl::StatusOr<ParticleStepping> stepping =
      SteppingFromSpec(spec.step_size(), spec.steps(), 0.0, 0);
  if (!stepping.ok()) return stepping.status();
  auto owned = std::make_shared<const MixtureVelocity>(*std::move(target));
  SvgdModel model;
  model.score = [owned](const Eigen::MatrixXd& z, const Observer& o, Eigen::MatrixXd& out) {
    return owned->Score(0.0, z, o, out);
  };
  model.width = spec.kernel_width();
  model.num_threads = limits.threads_per_job;
  absl::StatusOr<ParticleField> field = SvgdField(std::move(model));
  if (!field.ok()) return field.status();
  auto run = [field = *std::move(field), x = std::move(x), stepping = *stepping,
              prefix = std::string(prefix)](Observer& observer) -> absl::StatusOr<v1::JobResult> {
    absl::StatusOr<ParticleRun> out = RunParticles(field, x, stepping, observer);
    if (!out.ok()) return WithFieldPrefix(prefix, out.status());
    v1::JobResult result;
    v1::SvgdResult* r = result.mutable_svgd();
    FillRunRecord(*out, r);
    r->mutable_ksd_squared()->Add(out->energy.begin(), out->energy.end());
    r->set_initial_ksd_squared(out->energy.front());
    r->set_final_ksd_squared(out->energy.back());
    return result;
  };
  return std::unique_ptr<Task>(std::make_unique<FunctionTask>("svgd", true, std::move(run)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Task>> PrepareSvgd(const v1::SvgdSpec& spec, const Limits& limits,
                                                  absl::string_view prefix) {
  return WithFieldPrefix(prefix, Prepare(spec, limits, prefix));
}

}  // namespace advect::server
