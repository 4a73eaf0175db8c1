// The inner loop of the scaling form of Sinkhorn: one fused pass over the
// columns of the kernel K (n x m, column-major, so column j is `n` contiguous
// values at kernel + j * n) that computes both half-steps' sums while each
// column is in cache. Internal to the Sinkhorn solvers.
//
// For every column j in [begin, end):
//   s_j   = sum_i K_ij w_i                (w = a * u, the weighted row scaling)
//   v_j   = 1 / s_j
//   acc_i += b_j v_j K_ij                 (so acc = K (b * v) over the columns given)
//
// Dispatched at run time to an AVX2+FMA build on processors that have it, else
// to a build with the compiler's baseline flags. Both builds are the same source
// (sinkhorn_row_pass_impl.inc) with internal linkage, so no inline function is
// shared between differently compiled translation units.
#ifndef ADVECT_CORE_SOLVERS_SINKHORN_ROW_PASS_H_
#define ADVECT_CORE_SOLVERS_SINKHORN_ROW_PASS_H_

#include <cstdint>

namespace advect::row_pass {

// Returns false, leaving v and acc partly updated, when some s_j is not a
// positive finite number (the kernel underflowed or overflowed on that column).
bool RowPass(const double* kernel, int64_t n, int64_t begin, int64_t end, const double* w,
             const double* b, double* v, double* acc);

// The float kernel: products are summed in float within a column and within
// blocks of kFloatBlockRows columns of acc, then added to the double acc.
bool RowPass(const float* kernel, int64_t n, int64_t begin, int64_t end, const float* w,
             const double* b, double* v, double* acc);

inline constexpr int64_t kFloatBlockRows = 64;

// Which build RowPass uses on this processor: "avx2" or "baseline".
const char* RowPassIsa();

}  // namespace advect::row_pass

#endif  // ADVECT_CORE_SOLVERS_SINKHORN_ROW_PASS_H_
