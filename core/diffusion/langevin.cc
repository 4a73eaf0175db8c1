#include "core/diffusion/langevin.h"

#include <cmath>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/random/normal.h"

namespace advect {

absl::StatusOr<OdeSampleOutput> RunLangevin(const VelocityField& score, Eigen::MatrixXd x0,
                                            int64_t steps, double step_size, uint64_t seed,
                                            Observer& observer) {
  if (steps < 1 || steps > kMaxOdeSteps) {
    return absl::InvalidArgumentError(
        absl::StrCat("steps: must be in [1, ", kMaxOdeSteps, "], got ", steps));
  }
  if (!(std::isfinite(step_size) && step_size > 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("step_size: must be finite and > 0, got ", step_size));
  }
  const absl::Status stopped = absl::CancelledError("the sampler was asked to stop");
  OdeSampleOutput out;
  Eigen::MatrixXd x = std::move(x0);
  Eigen::MatrixXd s;
  NormalStream normal(seed);
  const double spread = std::sqrt(2.0 * step_size);
  if (observer.WantsFrame(0)) observer.OnFrame({0, 0.0, x});
  for (int64_t k = 0; k < steps; ++k) {
    if (observer.StopRequested()) return stopped;
    ++out.evaluations;
    if (!score(0.0, x, observer, s)) return stopped;
    x += step_size * s;
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      for (Eigen::Index c = 0; c < x.cols(); ++c) x(i, c) += spread * normal.Next();
    }
    const double time = static_cast<double>(k + 1) * step_size;
    observer.OnProgress({k + 1, 0.0, time});
    if (observer.WantsFrame(k + 1)) observer.OnFrame({k + 1, time, x});
  }
  out.samples = std::move(x);
  return out;
}

}  // namespace advect
