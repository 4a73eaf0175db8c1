// The reverse SDE of diffusion sampling (SCIENCE.md b3),
//   dX = [f_t X - g_t^2 s_t(X)] dt + g_t dW (time running from 1 to 0),
// with f = a'/a and g^2 = 2 sigma^2 (b b' - (a'/a) b^2) the coefficients of the
// forward SDE whose marginals are those of Z_t = a_t X + b_t Y. Both are
// infinite at t = 1 (a_1 = 0 for every schedule here), so plain Euler-Maruyama
// cannot take its first step. The sampler is the exponential Euler-Maruyama
// scheme instead: over each step the linear drift f X is integrated exactly
// and the denoiser D = E[X | Z_t] is held fixed, which makes the step the
// Gaussian transition (DDPM's ancestral step; Zhang & Chen 2022, "DEIS"; Lu et
// al. 2022, "DPM-Solver++", first-order SDE solver):
//   z_s = rho (b_s / b_t) z_t + a_s (1 - rho^2) D_t(z_t) + sigma b_s sqrt(1 - rho^2) xi,
//   rho = (a_t b_s) / (a_s b_t),  xi ~ N(0, I),
// for s < t. It is first order (weakly), exact when D is constant, needs no
// evaluation at a singular time (rho = 0 at t = 1; b_s = 0 at s = 0, where the
// step returns D itself), and costs one denoiser evaluation per step.
#ifndef ADVECT_CORE_DIFFUSION_SDE_SAMPLER_H_
#define ADVECT_CORE_DIFFUSION_SDE_SAMPLER_H_

#include <cstdint>

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "core/diffusion/ode_sampler.h"
#include "core/diffusion/schedule.h"
#include "core/observer.h"

namespace advect {

// Starts from z1 (n x d, the points at t = 1) and takes `steps` uniform steps
// to t = 0 with denoiser(t, z, observer, out) = E[X | Z_t = z]. The noise of
// step k is the next n x d variates (row by row) of NormalStream(seed); the
// last step draws none. Progress, frames, errors and stop as IntegrateFlow.
absl::StatusOr<OdeSampleOutput> SampleReverseSde(const VelocityField& denoiser,
                                                 ScheduleKind schedule, double sigma,
                                                 Eigen::MatrixXd z1, int64_t steps, uint64_t seed,
                                                 Observer& observer = NullObserver());

}  // namespace advect

#endif  // ADVECT_CORE_DIFFUSION_SDE_SAMPLER_H_
