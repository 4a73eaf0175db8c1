// The inner loop of the Gaussian-mixture fields for small dimensions (d <=
// kMaxKernelDimension), internal to mixture_velocity.cc: for a block of points
// z_i and every component j, with diff = z_i - a c_j,
//   l_ij = offset_j - diff^T P_j diff / 2            (log-responsibility)
//   out_i += exp(l_ij - top_i) (alpha c_j + G_j diff)  (a running log-sum-exp)
// and finally out_i /= sum_j exp(l_ij - top_i). P_j = Sigma_j(t)^-1 and G_j
// (the quantity's gain) are precomputed per evaluation. Points are the SIMD
// lanes; the exponential is inlined (a Taylor polynomial after range
// reduction, within a few ulp of exp).
//
// Dispatched at run time to an AVX-512 or an AVX2+FMA build where the
// processor has them, else to a build with the compiler's baseline flags: all
// come from
// mixture_kernel_impl.inc with internal linkage (no inline function is shared
// between differently compiled translation units).
#ifndef ADVECT_CORE_DIFFUSION_MIXTURE_KERNEL_H_
#define ADVECT_CORE_DIFFUSION_MIXTURE_KERNEL_H_

#include <cstdint>

#include "core/observer.h"

namespace advect::mixture_kernel {

inline constexpr int64_t kMaxKernelDimension = 16;

struct Mixture {
  int64_t d = 0;
  int64_t k = 0;
  const double* precision = nullptr;  // k blocks of d x d (row-major): P_j
  const double* gain = nullptr;       // k blocks of d x d (row-major): G_j
  const double* means = nullptr;      // k rows of d values: c_j
  const double* offset = nullptr;     // k values: log w_j - log det Sigma_j / 2
  double a = 0.0;                     // the schedule's a_t
  double alpha = 0.0;                 // the weight of c_j in the quantity
};

// `rows` points: coordinate c of point i at z[c * ld + i]; the result goes to
// out[c * ld_out + i]. `scratch` holds at least 3 rows + d doubles.
// Returns false, out unspecified, when the observer asks to stop (polled every
// 16 components).
bool Accumulate(const Mixture& mixture, const double* z, int64_t ld, int64_t rows, double* out,
                int64_t ld_out, double* scratch, const Observer& observer);

// Which build Accumulate uses on this processor: "avx512", "avx2" or "baseline".
const char* KernelIsa();

// For tests: Accumulate with the named build ("avx512", "avx2", "baseline"),
// or nothing (returns false) when this processor or build lacks it.
bool AccumulateWithIsa(const char* isa, const Mixture& mixture, const double* z, int64_t ld,
                       int64_t rows, double* out, int64_t ld_out, double* scratch);

}  // namespace advect::mixture_kernel

#endif  // ADVECT_CORE_DIFFUSION_MIXTURE_KERNEL_H_
