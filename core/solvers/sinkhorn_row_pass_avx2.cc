// The AVX2+FMA build of the Sinkhorn row pass (compiled with -mavx2 -mfma; see
// core/CMakeLists.txt). Called only after a run-time check of the processor.
#include <cstdint>
#include <vector>

#include "core/solvers/sinkhorn_row_pass.h"

namespace advect::row_pass {
#include "core/solvers/sinkhorn_row_pass_impl.inc"

bool RowPassAvx2(const double* kernel, int64_t m, int64_t begin, int64_t end, const double* w,
                 const double* a, double* u, double* acc) {
  return RowPassImpl(kernel, m, begin, end, w, a, u, acc);
}

bool RowPassAvx2(const float* kernel, int64_t m, int64_t begin, int64_t end, const float* w,
                 const double* a, double* u, double* acc, float* block_acc) {
  return RowPassImpl(kernel, m, begin, end, w, a, u, acc, block_acc);
}

}  // namespace advect::row_pass
