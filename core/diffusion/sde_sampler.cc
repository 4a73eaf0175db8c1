#include "core/diffusion/sde_sampler.h"

#include <cmath>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/random/normal.h"

namespace advect {

absl::StatusOr<OdeSampleOutput> SampleReverseSde(const VelocityField& denoiser,
                                                 ScheduleKind schedule, double sigma,
                                                 Eigen::MatrixXd z1, int64_t steps, uint64_t seed,
                                                 Observer& observer) {
  if (steps < 1 || steps > kMaxOdeSteps) {
    return absl::InvalidArgumentError(
        absl::StrCat("steps: must be in [1, ", kMaxOdeSteps, "], got ", steps));
  }
  if (!(std::isfinite(sigma) && sigma > 0.0)) {
    return absl::InvalidArgumentError(absl::StrCat("sigma: must be finite and > 0, got ", sigma));
  }
  const absl::Status stopped = absl::CancelledError("the sampler was asked to stop");
  OdeSampleOutput out;
  Eigen::MatrixXd z = std::move(z1);
  Eigen::MatrixXd d;
  NormalStream normal(seed);
  if (observer.WantsFrame(0)) observer.OnFrame({0, 1.0, z});
  for (int64_t k = 0; k < steps; ++k) {
    if (observer.StopRequested()) return stopped;
    const double t = 1.0 - static_cast<double>(k) / static_cast<double>(steps);
    const double s = 1.0 - static_cast<double>(k + 1) / static_cast<double>(steps);
    ++out.evaluations;
    if (!denoiser(t, z, observer, d)) return stopped;
    const ScheduleValues at = EvaluateSchedule(schedule, t);
    const ScheduleValues as = EvaluateSchedule(schedule, s);
    if (k + 1 == steps || as.b == 0.0) {
      z = std::move(d);  // b_s = 0: the transition is the denoiser itself
    } else {
      const double rho = (at.a * as.b) / (as.a * at.b);
      const double keep = 1.0 - rho * rho;
      z = (rho * as.b / at.b) * z + (as.a * keep) * d;
      const double spread = sigma * as.b * std::sqrt(keep);
      for (Eigen::Index i = 0; i < z.rows(); ++i) {
        for (Eigen::Index c = 0; c < z.cols(); ++c) z(i, c) += spread * normal.Next();
      }
    }
    observer.OnProgress({k + 1, 0.0, s});
    if (observer.WantsFrame(k + 1)) observer.OnFrame({k + 1, s, z});
  }
  out.samples = std::move(z);
  return out;
}

}  // namespace advect
