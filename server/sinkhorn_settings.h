// The Sinkhorn settings shared by the entropic job kinds (entropic_ot,
// unbalanced_ot, sinkhorn_divergence): the API's zero values mean defaults.
#ifndef ADVECT_SERVER_SINKHORN_SETTINGS_H_
#define ADVECT_SERVER_SINKHORN_SETTINGS_H_

#include <cstdint>

#include "advect/v1/ot.pb.h"
#include "core/solvers/sinkhorn.h"

namespace advect::server {

inline constexpr double kDefaultSinkhornTolerance = 1e-9;
inline constexpr int kDefaultSinkhornMaxIterations = 1000;

// epsilon as given; tolerance 0 -> 1e-9; max_iterations 0 -> 1000; epsilon
// scaling when `scaling` is set (decay 0 -> 0.5). Not validated here.
SinkhornOptions SinkhornOptionsFrom(double epsilon, double tolerance, int32_t max_iterations,
                                    const v1::EpsilonScaling* scaling);

}  // namespace advect::server

#endif  // ADVECT_SERVER_SINKHORN_SETTINGS_H_
