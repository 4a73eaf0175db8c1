#include "core/diffusion/schedule.h"

#include <cmath>
#include <numbers>

namespace advect {

ScheduleValues EvaluateSchedule(ScheduleKind kind, double t) {
  switch (kind) {
    case ScheduleKind::kLinear:
      return {1.0 - t, t, -1.0, 1.0};
    case ScheduleKind::kVariancePreserving: {
      const double h = 0.5 * std::numbers::pi;
      return {std::cos(h * t), std::sin(h * t), -h * std::sin(h * t), h * std::cos(h * t)};
    }
  }
  return {};
}

}  // namespace advect
