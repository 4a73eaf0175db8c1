// Pair interactions W of a particle gradient flow (SCIENCE.md c1): particle i
// feels -(1/n) sum_j grad W(x_i - x_j), and the energy counts
// (1 / 2n^2) sum_{i,j} W(x_i - x_j). W is radial, W(x) = w(|x|), so
// grad W(x) = g(|x|) x with g(r) = w'(r) / r: the sums are over all pairs
// (all-pairs, O(n^2 d) per evaluation), on two threads over fixed shares of
// the pairs, so results do not depend on the thread count. Three routes:
//  - the pair kernel (pair_kernel.h), each unordered pair once, vectorised,
//    for the Gaussian up to kMaxPairKernelDimension and for powers whose
//    p - 2 and q - 2 are whole or half-integers, in any dimension;
//  - the Gaussian above that dimension through Gram-matrix products (BLAS) on
//    tiles of the upper triangle of pairs;
//  - a plain loop with std::pow for other powers.
#ifndef ADVECT_CORE_PARTICLES_INTERACTION_H_
#define ADVECT_CORE_PARTICLES_INTERACTION_H_

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "core/observer.h"

namespace advect {

// The largest dimension the Gaussian goes through the pair kernel; above it
// the Gram-matrix products are faster. Measured with particles_core_bench at
// n = 10^4 on 2 AVX-512 cores (2026-12-04): pair kernel against products
// 73 vs 116 ms at d = 8, 114 vs 131 at 12, 147 vs 150 at 14, 165 vs 144 at 16.
inline constexpr Eigen::Index kMaxPairKernelDimension = 13;

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
  // The three routes of Accumulate (see the top of this file).
  bool AccumulateByPairs(const Eigen::MatrixXd& x, const Observer& observer, int num_threads,
                         Eigen::MatrixXd& grad, double* energy) const;
  bool AccumulateByProducts(const Eigen::MatrixXd& x, const Observer& observer, int num_threads,
                            Eigen::MatrixXd& grad, double* energy) const;
  bool AccumulateDirect(const Eigen::MatrixXd& x, const Observer& observer, int num_threads,
                        Eigen::MatrixXd& grad, double* energy) const;

  Kind kind_ = Kind::kNone;
  double strength_ = 0.0;
  double width_ = 1.0;
  double p_ = 2.0;
  double q_ = 1.0;
};

}  // namespace advect

#endif  // ADVECT_CORE_PARTICLES_INTERACTION_H_
