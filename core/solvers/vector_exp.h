// exp() over arrays, on glibc's vector math library (libmvec: the same
// results as libm's exp within 4 ulp, at 2, 4 or 8 lanes per call), chosen at
// run time from SSE2, AVX2 and AVX-512. Internal to the entropic solvers.
#ifndef ADVECT_CORE_SOLVERS_VECTOR_EXP_H_
#define ADVECT_CORE_SOLVERS_VECTOR_EXP_H_

#include <cstdint>

namespace advect::vector_exp {

// out[k] = exp(in[k]) where in[k] >= floor, else exactly 0. `in` and `out`
// may be the same array. With floor >= -708 no result is subnormal.
void ExpOrZero(const double* in, double* out, int64_t n, double floor);

// Which build ExpOrZero uses here: "avx512", "avx2", "sse2" or "scalar".
const char* ExpIsa();

}  // namespace advect::vector_exp

#endif  // ADVECT_CORE_SOLVERS_VECTOR_EXP_H_
