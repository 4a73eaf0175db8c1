#include "core/diffusion/mixture_kernel.h"

#include <algorithm>
#include <cmath>

#include "core/solvers/vector_exp.h"

namespace advect::mixture_kernel {

#include "core/diffusion/mixture_kernel_impl.inc"

#ifdef ADVECT_MIXTURE_KERNEL_AVX2
// Defined in mixture_kernel_avx2.cc.
bool AccumulateAvx2(const Mixture& mixture, const double* z, int64_t ld, int64_t rows,
                    double* out, int64_t ld_out, double* scratch, const Observer& observer);
#endif

namespace {

bool HasAvx2() {
#ifdef ADVECT_MIXTURE_KERNEL_AVX2
  __builtin_cpu_init();
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return has;
#else
  return false;
#endif
}

}  // namespace

bool Accumulate(const Mixture& mixture, const double* z, int64_t ld, int64_t rows, double* out,
                int64_t ld_out, double* scratch, const Observer& observer) {
#ifdef ADVECT_MIXTURE_KERNEL_AVX2
  if (HasAvx2()) {
    return AccumulateAvx2(mixture, z, ld, rows, out, ld_out, scratch, observer);
  }
#endif
  return AccumulateImpl(mixture, z, ld, rows, out, ld_out, scratch, observer);
}

const char* KernelIsa() { return HasAvx2() ? "avx2" : "baseline"; }

}  // namespace advect::mixture_kernel
