// The AVX2+FMA build of the pair kernel (compiled with -mavx2 -mfma; see
// core/CMakeLists.txt). Called only after a run-time check of the processor.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "core/particles/pair_kernel.h"

namespace advect::pair_kernel {

#include "core/particles/pair_kernel_impl.inc"

bool AccumulateRowsAvx2(const Radial& radial, const double* x, int64_t n, int64_t d, int64_t first,
                        int64_t last, double* field, double* energy, double* scratch,
                        const Observer& observer) {
  return AccumulateRowsImpl(radial, x, n, d, first, last, field, energy, scratch, observer);
}

}  // namespace advect::pair_kernel
