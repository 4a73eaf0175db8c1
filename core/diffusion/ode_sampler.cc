#include "core/diffusion/ode_sampler.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace advect {

namespace {

// From t = `from` to t = 1 - `from` (from is 1 or 0) in `steps` uniform steps.
absl::StatusOr<OdeSampleOutput> Integrate(const VelocityField& velocity, Eigen::MatrixXd z1,
                                          int64_t steps, OdeIntegrator integrator,
                                          Observer& observer, const VelocityField* final_step,
                                          double from) {
  if (steps < 1 || steps > kMaxOdeSteps) {
    return absl::InvalidArgumentError(
        absl::StrCat("steps: must be in [1, ", kMaxOdeSteps, "], got ", steps));
  }
  const absl::Status stopped = absl::CancelledError("the sampler was asked to stop");
  OdeSampleOutput out;
  Eigen::MatrixXd z = std::move(z1);
  Eigen::MatrixXd k1, k2, k3, k4;
  auto eval = [&](double t, const Eigen::MatrixXd& at, Eigen::MatrixXd& v) {
    ++out.evaluations;
    return velocity(t, at, observer, v);
  };
  if (observer.WantsFrame(0)) observer.OnFrame({0, from, z});
  const double sign = from == 1.0 ? -1.0 : 1.0;
  const double h = sign / static_cast<double>(steps);
  for (int64_t k = 0; k < steps; ++k) {
    if (observer.StopRequested()) return stopped;
    const double t = from + sign * static_cast<double>(k) / static_cast<double>(steps);
    const double t_next = from + sign * static_cast<double>(k + 1) / static_cast<double>(steps);
    if (final_step != nullptr && k + 1 == steps) {
      ++out.evaluations;
      if (!(*final_step)(t, z, observer, k1)) return stopped;
      z = k1;
    } else {
      switch (integrator) {
      case OdeIntegrator::kEuler:
        if (!eval(t, z, k1)) return stopped;
        z += h * k1;
        break;
      case OdeIntegrator::kHeun:
        if (!eval(t, z, k1)) return stopped;
        if (!eval(t_next, z + h * k1, k2)) return stopped;
        z += (0.5 * h) * (k1 + k2);
        break;
      case OdeIntegrator::kRk4: {
        const double t_mid = 0.5 * (t + t_next);
        if (!eval(t, z, k1)) return stopped;
        if (!eval(t_mid, z + (0.5 * h) * k1, k2)) return stopped;
        if (!eval(t_mid, z + (0.5 * h) * k2, k3)) return stopped;
        if (!eval(t_next, z + h * k3, k4)) return stopped;
        z += (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
        break;
      }
      }
    }
    observer.OnProgress({k + 1, 0.0, t_next});
    if (observer.WantsFrame(k + 1)) observer.OnFrame({k + 1, t_next, z});
  }
  out.samples = std::move(z);
  return out;
}

}  // namespace

absl::StatusOr<OdeSampleOutput> IntegrateFlow(const VelocityField& velocity, Eigen::MatrixXd z1,
                                              int64_t steps, OdeIntegrator integrator,
                                              Observer& observer,
                                              const VelocityField* final_step) {
  return Integrate(velocity, std::move(z1), steps, integrator, observer, final_step, 1.0);
}

absl::StatusOr<OdeSampleOutput> IntegrateFlowForward(const VelocityField& velocity,
                                                     Eigen::MatrixXd z0, int64_t steps,
                                                     OdeIntegrator integrator,
                                                     Observer& observer) {
  return Integrate(velocity, std::move(z0), steps, integrator, observer, nullptr, 0.0);
}

}  // namespace advect
