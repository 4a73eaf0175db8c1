// The AVX-512 build of the mixture kernel (compiled with -mavx512f -mfma; see
// core/CMakeLists.txt). Called only after a run-time check of the processor.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "core/diffusion/mixture_kernel.h"

namespace advect::mixture_kernel {

#include "core/diffusion/mixture_kernel_impl.inc"

bool AccumulateAvx512(const Mixture& mixture, const double* z, int64_t ld, int64_t rows,
                    double* out, int64_t ld_out, double* scratch, const Observer& observer) {
  return AccumulateImpl(mixture, z, ld, rows, out, ld_out, scratch, observer);
}

}  // namespace advect::mixture_kernel
