// Stein variational gradient descent (Liu & Wang 2016; SCIENCE.md c2) toward
// a density p with a known score s = grad log p:
//   x_i <- x_i + h phi(x_i),
//   phi(x) = (1/n) sum_j [k(x_j, x) s(x_j) + grad_{x_j} k(x_j, x)],
// with the Gaussian kernel k(x, y) = exp(-|x - y|^2 / (2 w^2)): the first
// term drives the particles up the density, the second repels them. The
// "energy" recorded is the squared kernel Stein discrepancy
//   KSD^2 = (1/n^2) sum_{i,j} k_ij [s_i.s_j + (s_i - s_j).(x_i - x_j) / w^2
//                                    + d / w^2 - |x_i - x_j|^2 / w^4],
// which is >= 0 and tends to 0 as the particles approach p.
#ifndef ADVECT_CORE_PARTICLES_SVGD_H_
#define ADVECT_CORE_PARTICLES_SVGD_H_

#include <functional>

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "core/observer.h"
#include "core/particles/particle_engine.h"

namespace advect {

// score(x, observer, out): out = grad log p at every row of x; false on a stop.
using ScoreFunction =
    std::function<bool(const Eigen::MatrixXd& x, const Observer& observer, Eigen::MatrixXd& out)>;

struct SvgdModel {
  ScoreFunction score;
  // The kernel width w > 0; 0 means the median heuristic, recomputed every
  // step: w^2 = med^2 / (2 log(n + 1)), med the median distance between the
  // first min(n, 1000) particles (Liu & Wang's choice).
  double width = 0.0;
  int num_threads = 2;
};

// The median distance between the first min(n, 1000) rows of x (0 when
// they coincide or n < 2).
double MedianPairwiseDistance(const Eigen::MatrixXd& x);

// The median-heuristic width of x, MedianPairwiseDistance / sqrt(2 log(n + 1))
// (1 when that distance is 0).
double MedianHeuristicWidth(const Eigen::MatrixXd& x);

// phi and KSD^2 for RunParticles. INVALID_ARGUMENT naming kernel_width for a
// negative or non-finite width.
absl::StatusOr<ParticleField> SvgdField(SvgdModel model);

}  // namespace advect

#endif  // ADVECT_CORE_PARTICLES_SVGD_H_
