// The all-pairs loop of the radial interactions (interaction.h), internal to
// interaction.cc: for rows i of a block and every j > i, with diff = x_i - x_j,
// r = |diff| and a radial profile g(r) (grad W(diff) = g(r) diff),
//   field_i += g(r) diff,   field_j -= g(r) diff,   energy += 2 w(r),
// so each unordered pair is visited once (half the exponentials of the full
// double sum). Columns are the SIMD lanes, in chunks of kChunk: one pass
// computes g over the chunk, one pass per coordinate the sums. The
// exponential is inlined (linalg/exp_inline.inc).
//
// Dispatched at run time to an AVX-512 or an AVX2+FMA build where the
// processor has them, else to a build with the compiler's baseline flags, all
// from pair_kernel_impl.inc with internal linkage, as mixture_kernel.h does.
#ifndef ADVECT_CORE_PARTICLES_PAIR_KERNEL_H_
#define ADVECT_CORE_PARTICLES_PAIR_KERNEL_H_

#include <cstdint>

#include "core/observer.h"

namespace advect::pair_kernel {

inline constexpr int64_t kChunk = 256;

// The profile: Gaussian, W = strength exp(-r^2 / (2 width^2)), or powers,
// W = r^p / p - r^q / q with p - 2 = p_halves / 2 and q - 2 = q_halves / 2
// (whole or half-integer exponents; W(0) = grad W(0) = 0).
struct Radial {
  bool gaussian = true;
  double strength = 0.0;
  double width = 1.0;
  int p_halves = 0;
  int q_halves = 0;
  double p = 2.0;
  double q = 1.0;
};

// Points column-major: coordinate c of point j at x[c * n + j], and the same
// layout for `field`. Rows [first, last). When `energy` is not null, adds
// 2 sum_{i in rows, j > i} w(r_ij) to it. `scratch` holds kChunk doubles.
// Returns false, sums partial, when the observer asks to stop (polled every
// row).
bool AccumulateRows(const Radial& radial, const double* x, int64_t n, int64_t d, int64_t first,
                    int64_t last, double* field, double* energy, double* scratch,
                    const Observer& observer);

// Which build AccumulateRows uses here: "avx512", "avx2" or "baseline".
const char* KernelIsa();

// For tests: AccumulateRows with the named build, or nothing (returns false)
// when this processor or build lacks it.
bool AccumulateRowsWithIsa(const char* isa, const Radial& radial, const double* x, int64_t n,
                           int64_t d, int64_t first, int64_t last, double* field, double* energy,
                           double* scratch);

}  // namespace advect::pair_kernel

#endif  // ADVECT_CORE_PARTICLES_PAIR_KERNEL_H_
