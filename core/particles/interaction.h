// Pair interactions W of a particle gradient flow (SCIENCE.md c1): particle i
// feels -(1/n) sum_j grad W(x_i - x_j), and the energy counts
// (1 / 2n^2) sum_{i,j} W(x_i - x_j). W is radial, W(x) = w(|x|), so
// grad W(x) = g(|x|) x with g(r) = w'(r) / r: the sums are over all pairs
// (all-pairs, O(n^2 d) per evaluation), on two threads over fixed halves of
// the rows, so results do not depend on the thread count.
#ifndef ADVECT_CORE_PARTICLES_INTERACTION_H_
#define ADVECT_CORE_PARTICLES_INTERACTION_H_

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "core/observer.h"

namespace advect {

class Interaction {
 public:
  enum class Kind { kNone, kGaussian, kAttractionRepulsion };

  // W = 0.
  static Interaction None();
  // W(x) = strength exp(-|x|^2 / (2 width^2)): strength > 0 repels, < 0
  // attracts. Errors name `interaction_strength` and `kernel_width`.
  static absl::StatusOr<Interaction> Gaussian(double strength, double width);
  // W(x) = |x|^p / p - |x|^q / q with 0 < q < p <= 16: attraction at long
  // range, repulsion at short range (grad W(0) = 0). For q < 1 the repulsion
  // is singular at 0. Errors name `attraction_power` (p) and
  // `repulsion_power` (q).
  static absl::StatusOr<Interaction> AttractionRepulsion(double p, double q);

  Kind kind() const { return kind_; }

  // grad += (1/n) sum_j grad W(x_i - x_j) at every row i; when `energy` is
  // not null, adds (1 / 2n^2) sum_{i,j} W(x_i - x_j) to it. `num_threads` 1
  // or 2. Returns false when the observer asked to stop (polled every block
  // of rows).
  bool Accumulate(const Eigen::MatrixXd& x, const Observer& observer, int num_threads,
                  Eigen::MatrixXd& grad, double* energy) const;

 private:
  // g(r) from r^2, and w(r) when `value` is not null.
  double Radial(double squared, double* value) const;

  Kind kind_ = Kind::kNone;
  double strength_ = 0.0;
  double width_ = 1.0;
  double p_ = 2.0;
  double q_ = 1.0;
};

}  // namespace advect

#endif  // ADVECT_CORE_PARTICLES_INTERACTION_H_
