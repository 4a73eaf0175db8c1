// Interpolant schedules of diffusion sampling (SCIENCE.md b1): data X at
// t = 0, noise Y ~ N(0, sigma^2 I) at t = 1, Z_t = a_t X + b_t Y.
#ifndef ADVECT_CORE_DIFFUSION_SCHEDULE_H_
#define ADVECT_CORE_DIFFUSION_SCHEDULE_H_

namespace advect {

enum class ScheduleKind {
  kLinear,              // a_t = 1 - t, b_t = t (rectified flow)
  kVariancePreserving,  // a_t = cos(pi t / 2), b_t = sin(pi t / 2)
};

// a_t, b_t and their time derivatives at one t in [0, 1].
struct ScheduleValues {
  double a = 0.0;
  double b = 0.0;
  double da = 0.0;
  double db = 0.0;
};

ScheduleValues EvaluateSchedule(ScheduleKind kind, double t);

}  // namespace advect

#endif  // ADVECT_CORE_DIFFUSION_SCHEDULE_H_
