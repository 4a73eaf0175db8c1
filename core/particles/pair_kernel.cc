#include "core/particles/pair_kernel.h"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "core/linalg/cpu_isa.h"

namespace advect::pair_kernel {

#include "core/particles/pair_kernel_impl.inc"

#ifdef ADVECT_PAIR_KERNEL_AVX2
// Defined in pair_kernel_avx2.cc and pair_kernel_avx512.cc.
bool AccumulateRowsAvx2(const Radial& radial, const double* x, int64_t n, int64_t d, int64_t first,
                        int64_t last, double* field, double* energy, double* scratch,
                        const Observer& observer);
bool AccumulateRowsAvx512(const Radial& radial, const double* x, int64_t n, int64_t d,
                          int64_t first, int64_t last, double* field, double* energy,
                          double* scratch, const Observer& observer);
#endif

namespace {

bool WithIsa(CpuIsa isa, const Radial& radial, const double* x, int64_t n, int64_t d, int64_t first,
             int64_t last, double* field, double* energy, double* scratch,
             const Observer& observer) {
#ifdef ADVECT_PAIR_KERNEL_AVX2
  switch (isa) {
    case CpuIsa::kAvx512:
      return AccumulateRowsAvx512(radial, x, n, d, first, last, field, energy, scratch, observer);
    case CpuIsa::kAvx2:
      return AccumulateRowsAvx2(radial, x, n, d, first, last, field, energy, scratch, observer);
    case CpuIsa::kBaseline:
      break;
  }
#endif
  return AccumulateRowsImpl(radial, x, n, d, first, last, field, energy, scratch, observer);
}

CpuIsa Chosen() {
#ifdef ADVECT_PAIR_KERNEL_AVX2
  return DetectedCpuIsa();
#else
  return CpuIsa::kBaseline;
#endif
}

}  // namespace

bool AccumulateRows(const Radial& radial, const double* x, int64_t n, int64_t d, int64_t first,
                    int64_t last, double* field, double* energy, double* scratch,
                    const Observer& observer) {
  return WithIsa(Chosen(), radial, x, n, d, first, last, field, energy, scratch, observer);
}

const char* KernelIsa() { return CpuIsaName(Chosen()); }

bool AccumulateRowsWithIsa(const char* isa, const Radial& radial, const double* x, int64_t n,
                           int64_t d, int64_t first, int64_t last, double* field, double* energy,
                           double* scratch) {
  const std::string_view name(isa);
  const CpuIsa have = Chosen();
  CpuIsa wanted = CpuIsa::kBaseline;
  if (name == "avx2" && have != CpuIsa::kBaseline) {
    wanted = CpuIsa::kAvx2;
  } else if (name == "avx512" && have == CpuIsa::kAvx512) {
    wanted = CpuIsa::kAvx512;
  } else if (name != "baseline") {
    return false;
  }
  Observer never;
  return WithIsa(wanted, radial, x, n, d, first, last, field, energy, scratch, never);
}

}  // namespace advect::pair_kernel
