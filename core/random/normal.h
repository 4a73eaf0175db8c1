// Portable standard normal variates and random unit directions.
//
// "Same seed, same bits" must hold on every platform, so nothing here uses
// std::normal_distribution (its algorithm is implementation-defined) or the C
// library's log/cos (not correctly rounded, so they differ between libms).
// Recipe, exactly:
//  * uniforms U come from SplitMix64(seed).NextUniform() (core/random/splitmix64.h);
//  * normals by Marsaglia's polar method (Marsaglia & Bray 1964): draw
//    u = 2U - 1, v = 2U - 1 (in that order) until 0 < s = u^2 + v^2 < 1, then
//    emit u * f and then v * f with f = sqrt(-2 PortableLog(s) / s);
//  * PortableLog is the fixed polynomial below (frexp range reduction to
//    [sqrt(1/2), sqrt(2)), then the atanh series to t^23), using only +, -, *,
//    / and sqrt, which IEEE 754 rounds correctly; normal.cc is compiled with
//    -ffp-contract=off so no compiler fuses a multiply-add.
// This assumes IEEE double arithmetic evaluated in double (any SSE2/NEON
// target; not x87 extended precision).
#ifndef ADVECT_CORE_RANDOM_NORMAL_H_
#define ADVECT_CORE_RANDOM_NORMAL_H_

#include <Eigen/Core>
#include <cstdint>

#include "core/random/splitmix64.h"

namespace advect {

// Natural logarithm of x > 0 (normal or subnormal), within 3 ulp of the exact
// value (measured against glibc), and the same bits everywhere.
double PortableLog(double x);

// A stream of standard normal variates, N(0, 1).
class NormalStream {
 public:
  explicit NormalStream(uint64_t seed) : uniform_(seed) {}
  double Next();

 private:
  SplitMix64 uniform_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

// A dim x count matrix of directions uniform on the unit sphere (Muller 1959:
// normalised Gaussian vectors). Column j takes the next `dim` variates of one
// NormalStream(seed) (columns in order) and is divided by its Euclidean norm,
// summed in row order; a column of norm 0 (probability < 2^-50) is redrawn.
Eigen::MatrixXd RandomUnitDirections(Eigen::Index dim, Eigen::Index count, uint64_t seed);

}  // namespace advect

#endif  // ADVECT_CORE_RANDOM_NORMAL_H_
