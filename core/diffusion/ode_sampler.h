// Integrates a probability-flow ODE dz/dt = v_t(z) from t = 1 (noise) back to
// t = 0 (data) on a uniform grid of `steps` steps (SCIENCE.md b3).
#ifndef ADVECT_CORE_DIFFUSION_ODE_SAMPLER_H_
#define ADVECT_CORE_DIFFUSION_ODE_SAMPLER_H_

#include <cstdint>
#include <functional>

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "core/observer.h"

namespace advect {

enum class OdeIntegrator {
  kEuler,  // 1 evaluation per step, order 1
  kHeun,   // 2 per step (explicit trapezoid), order 2
  kRk4,    // 4 per step, order 4
};

// v(t, z, observer, out): out = the velocity at every row of z; false when the
// observer asked to stop.
using VelocityField = std::function<bool(double t, const Eigen::MatrixXd& z,
                                         const Observer& observer, Eigen::MatrixXd& out)>;

struct OdeSampleOutput {
  Eigen::MatrixXd samples;   // n x d, the points at t = 0
  int64_t evaluations = 0;   // field evaluations (each over all points)
};

inline constexpr int64_t kMaxOdeSteps = 1'000'000;

// Starts from z1 (n x d, the points at t = 1). Progress once per step
// (iteration = step, error = 0, objective = t after the step); frames of the
// positions when the observer wants step k (step 0 is the start, at t = 1;
// time = t). Errors name `steps`; Cancelled on a stop request.
//
// `final_step`, when given, replaces the integrator on the last step (into
// t = 0) by z <- final_step(t_last, z), one evaluation. For a field singular at
// t = 0 (an empirical target) it is the denoiser E[X | Z_t = z]: the step of
// the exponential integrator (DDIM) that holds the denoiser constant, exact
// when the field is, and the only step that never evaluates at t = 0.
absl::StatusOr<OdeSampleOutput> IntegrateFlow(const VelocityField& velocity,
                                              Eigen::MatrixXd z1, int64_t steps,
                                              OdeIntegrator integrator,
                                              Observer& observer = NullObserver(),
                                              const VelocityField* final_step = nullptr);

// The same from t = 0 to t = 1 (flow matching's direction: source at 0,
// target at 1), from z0; frames and progress carry t.
absl::StatusOr<OdeSampleOutput> IntegrateFlowForward(const VelocityField& velocity,
                                                     Eigen::MatrixXd z0, int64_t steps,
                                                     OdeIntegrator integrator,
                                                     Observer& observer = NullObserver());

}  // namespace advect

#endif  // ADVECT_CORE_DIFFUSION_ODE_SAMPLER_H_
