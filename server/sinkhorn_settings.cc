#include "server/sinkhorn_settings.h"

namespace advect::server {

SinkhornOptions SinkhornOptionsFrom(double epsilon, double tolerance, int32_t max_iterations,
                                    const v1::EpsilonScaling* scaling) {
  SinkhornOptions options;
  options.epsilon = epsilon;
  options.tolerance = tolerance == 0.0 ? kDefaultSinkhornTolerance : tolerance;
  options.max_iterations = max_iterations == 0 ? kDefaultSinkhornMaxIterations : max_iterations;
  if (scaling != nullptr) {
    options.epsilon_scaling =
        EpsilonScaling{scaling->initial_epsilon(), scaling->decay() == 0.0 ? 0.5 : scaling->decay()};
  }
  return options;
}

}  // namespace advect::server
