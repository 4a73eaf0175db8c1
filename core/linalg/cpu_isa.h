// The widest vector instruction set this processor offers among those the
// multi-build kernels are compiled for (diffusion/mixture_kernel.h,
// particles/pair_kernel.h), detected once.
#ifndef ADVECT_CORE_LINALG_CPU_ISA_H_
#define ADVECT_CORE_LINALG_CPU_ISA_H_

namespace advect {

enum class CpuIsa { kBaseline, kAvx2, kAvx512 };

// kAvx512 needs AVX-512F, kAvx2 needs AVX2 and FMA; kBaseline off x86-64.
CpuIsa DetectedCpuIsa();

// "baseline", "avx2" or "avx512".
const char* CpuIsaName(CpuIsa isa);

}  // namespace advect

#endif  // ADVECT_CORE_LINALG_CPU_ISA_H_
