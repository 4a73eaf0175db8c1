#include "core/diffusion/mixture_kernel.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/linalg/cpu_isa.h"

namespace advect::mixture_kernel {

#include "core/diffusion/mixture_kernel_impl.inc"

#ifdef ADVECT_MIXTURE_KERNEL_AVX2
// Defined in mixture_kernel_avx2.cc and mixture_kernel_avx512.cc.
bool AccumulateAvx2(const Mixture& mixture, const double* z, int64_t ld, int64_t rows,
                    double* out, int64_t ld_out, double* scratch, const Observer& observer);
bool AccumulateAvx512(const Mixture& mixture, const double* z, int64_t ld, int64_t rows,
                      double* out, int64_t ld_out, double* scratch, const Observer& observer);
#endif

namespace {

CpuIsa Chosen() {
#ifdef ADVECT_MIXTURE_KERNEL_AVX2
  return DetectedCpuIsa();
#else
  return CpuIsa::kBaseline;
#endif
}

}  // namespace

bool Accumulate(const Mixture& mixture, const double* z, int64_t ld, int64_t rows, double* out,
                int64_t ld_out, double* scratch, const Observer& observer) {
#ifdef ADVECT_MIXTURE_KERNEL_AVX2
  switch (Chosen()) {
    case CpuIsa::kAvx512:
      return AccumulateAvx512(mixture, z, ld, rows, out, ld_out, scratch, observer);
    case CpuIsa::kAvx2:
      return AccumulateAvx2(mixture, z, ld, rows, out, ld_out, scratch, observer);
    case CpuIsa::kBaseline:
      break;
  }
#endif
  return AccumulateImpl(mixture, z, ld, rows, out, ld_out, scratch, observer);
}

const char* KernelIsa() { return CpuIsaName(Chosen()); }

}  // namespace advect::mixture_kernel

namespace advect::mixture_kernel {

bool AccumulateWithIsa(const char* isa, const Mixture& mixture, const double* z, int64_t ld,
                       int64_t rows, double* out, int64_t ld_out, double* scratch) {
  const std::string name(isa);
  Observer never;
  if (name == "baseline") return AccumulateImpl(mixture, z, ld, rows, out, ld_out, scratch, never);
#ifdef ADVECT_MIXTURE_KERNEL_AVX2
  const CpuIsa have = Chosen();
  if (name == "avx2" && have != CpuIsa::kBaseline) {
    return AccumulateAvx2(mixture, z, ld, rows, out, ld_out, scratch, never);
  }
  if (name == "avx512" && have == CpuIsa::kAvx512) {
    return AccumulateAvx512(mixture, z, ld, rows, out, ld_out, scratch, never);
  }
#endif
  return false;
}

}  // namespace advect::mixture_kernel
