// Dense matrix products through the BLAS (Debian's OpenBLAS, which picks
// AVX-512, AVX2 or SSE kernels at run time), for the hot products of the
// diffusion fields and the flow-matching MLP. Eigen's own product is compiled
// for the portable baseline (SSE2) and runs about 5x slower on these shapes.
// Each call runs on the calling thread (OpenBLAS is set to 1 thread): the
// callers split their work themselves, so results do not depend on the
// machine's core count.
#ifndef ADVECT_CORE_LINALG_GEMM_H_
#define ADVECT_CORE_LINALG_GEMM_H_

#include <Eigen/Core>

namespace advect {

// c = alpha op(a) op(b) + beta c, op = transpose when the flag is set. All
// column-major with unit inner stride (blocks of rows or columns of a
// MatrixXd qualify); shapes must agree (checked in debug builds).
void Gemm(const Eigen::Ref<const Eigen::MatrixXd>& a, bool transpose_a,
          const Eigen::Ref<const Eigen::MatrixXd>& b, bool transpose_b, double alpha, double beta,
          Eigen::Ref<Eigen::MatrixXd> c);

}  // namespace advect

#endif  // ADVECT_CORE_LINALG_GEMM_H_
