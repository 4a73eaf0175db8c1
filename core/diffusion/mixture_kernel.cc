#include "core/diffusion/mixture_kernel.h"

#include <algorithm>
#include <cmath>
#include <string>


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

enum class Isa { kBaseline, kAvx2, kAvx512 };

Isa Detect() {
#ifdef ADVECT_MIXTURE_KERNEL_AVX2
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return Isa::kAvx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::kAvx2;
#endif
  return Isa::kBaseline;
}

Isa Chosen() {
  static const Isa isa = Detect();
  return isa;
}

}  // namespace

bool Accumulate(const Mixture& mixture, const double* z, int64_t ld, int64_t rows, double* out,
                int64_t ld_out, double* scratch, const Observer& observer) {
#ifdef ADVECT_MIXTURE_KERNEL_AVX2
  switch (Chosen()) {
    case Isa::kAvx512:
      return AccumulateAvx512(mixture, z, ld, rows, out, ld_out, scratch, observer);
    case Isa::kAvx2:
      return AccumulateAvx2(mixture, z, ld, rows, out, ld_out, scratch, observer);
    case Isa::kBaseline:
      break;
  }
#endif
  return AccumulateImpl(mixture, z, ld, rows, out, ld_out, scratch, observer);
}

const char* KernelIsa() {
  switch (Chosen()) {
    case Isa::kAvx512:
      return "avx512";
    case Isa::kAvx2:
      return "avx2";
    case Isa::kBaseline:
      break;
  }
  return "baseline";
}

}  // namespace advect::mixture_kernel

namespace advect::mixture_kernel {

bool AccumulateWithIsa(const char* isa, const Mixture& mixture, const double* z, int64_t ld,
                       int64_t rows, double* out, int64_t ld_out, double* scratch) {
  const std::string name(isa);
  Observer never;
  if (name == "baseline") return AccumulateImpl(mixture, z, ld, rows, out, ld_out, scratch, never);
#ifdef ADVECT_MIXTURE_KERNEL_AVX2
  const Isa have = Chosen();
  if (name == "avx2" && have != Isa::kBaseline) {
    return AccumulateAvx2(mixture, z, ld, rows, out, ld_out, scratch, never);
  }
  if (name == "avx512" && have == Isa::kAvx512) {
    return AccumulateAvx512(mixture, z, ld, rows, out, ld_out, scratch, never);
  }
#endif
  return false;
}

}  // namespace advect::mixture_kernel
