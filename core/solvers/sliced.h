// Sliced Wasserstein (SCIENCE.md a3): the mean over unit directions theta_j of
// the 1-D W_p^p between the projected measures <theta_j, x_i> and <theta_j, y_l>,
//   SW_p^p = (1/k) sum_j W_p^p(theta_j# alpha, theta_j# beta).
// Reference: Bonneel, Rabin, Peyre & Pfister, "Sliced and Radon Wasserstein
// barycenters of measures", JMIV 51 (2015); Peyre & Cuturi (2019), sec. 2.6.
// For p = 2, SW_2^2 <= W_2^2 (projections are 1-Lipschitz).
//
// Speed: directions are projected a few at a time by one matrix product, then
// each projection is radix-sorted (core/solvers/radix_sort.h). At n = m = 10^5,
// d = 10, 50 directions this takes about 0.25 s on one core, ~20x less than
// POT 0.8.2's sliced_wasserstein_distance (bench/sort_solvers_bench.cc).
#ifndef ADVECT_CORE_SOLVERS_SLICED_H_
#define ADVECT_CORE_SOLVERS_SLICED_H_

#include <Eigen/Core>
#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "core/observer.h"

namespace advect {

struct SlicedOptions {
  double p = 2.0;               // > 0; for p < 1 the monotone coupling's cost, as in 1-D
  int64_t num_directions = 50;  // in [1, kSlicedMaxDirections]
  uint64_t seed = 0;  // RandomUnitDirections(d, num_directions, seed), core/random/normal.h
  // d x k unit columns given by the client; overrides num_directions and seed.
  std::optional<Eigen::MatrixXd> directions;
  // Threads working on the directions, counting the caller's; the result does
  // not depend on it (each direction's value is computed the same way and
  // the values are summed in direction order).
  int num_threads = 1;  // in [1, kSlicedMaxThreads]
};

inline constexpr int64_t kSlicedMaxDirections = 1'000'000;
inline constexpr int kSlicedMaxThreads = 64;

struct SlicedOutput {
  double transport_cost = 0.0;    // SW_p^p: mean over directions of the 1-D W_p^p
  Eigen::VectorXd per_direction;  // the k 1-D values W_p^p
  Eigen::MatrixXd directions;     // d x k, the directions used
};

// Checks the options for points of dimension `dim`; errors name p,
// num_directions, directions (rows == dim, finite, unit columns within 1e-6)
// or num_threads.
absl::Status ValidateSlicedOptions(const SlicedOptions& options, Eigen::Index dim);

// x (n x d) and y (m x d) with weights a and b (empty = uniform; otherwise >= 0
// with a positive sum, normalised). Errors name x, y, a, b or an option.
// Progress: once per direction, in direction order, from the calling thread
// (iteration = directions done, objective = their running mean). Returns
// Cancelled when the observer asks to stop (polled between sort passes, i.e.
// every few milliseconds at 10^6 points).
absl::StatusOr<SlicedOutput> SolveSliced(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                         const Eigen::Ref<const Eigen::MatrixXd>& y,
                                         const Eigen::Ref<const Eigen::VectorXd>& a,
                                         const Eigen::Ref<const Eigen::VectorXd>& b,
                                         const SlicedOptions& options,
                                         Observer& observer = NullObserver());

}  // namespace advect

#endif  // ADVECT_CORE_SOLVERS_SLICED_H_
