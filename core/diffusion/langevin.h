// Unadjusted Langevin sampling of a target with a known score
// (SCIENCE.md b5): x <- x + h grad log p(x) + sqrt(2 h) xi, xi ~ N(0, I).
// Its stationary law is p up to an O(h) bias (no Metropolis correction).
#ifndef ADVECT_CORE_DIFFUSION_LANGEVIN_H_
#define ADVECT_CORE_DIFFUSION_LANGEVIN_H_

#include <cstdint>

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "core/diffusion/ode_sampler.h"
#include "core/observer.h"

namespace advect {

// Runs `steps` steps of size `step_size` from x0 (n x d) with score(0, x,
// observer, out) = grad log p at every row. The noise of step k is the next
// n x d variates (row by row) of NormalStream(seed). Progress once per step
// (iteration = step, error = 0, objective = the time k h); frames at step k
// with time = k h. Errors name `steps` and `step_size`; Cancelled on a stop.
absl::StatusOr<OdeSampleOutput> RunLangevin(const VelocityField& score, Eigen::MatrixXd x0,
                                            int64_t steps, double step_size, uint64_t seed,
                                            Observer& observer = NullObserver());

}  // namespace advect

#endif  // ADVECT_CORE_DIFFUSION_LANGEVIN_H_
