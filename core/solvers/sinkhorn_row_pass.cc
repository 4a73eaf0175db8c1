#include "core/solvers/sinkhorn_row_pass.h"

#include <cstdint>
#include <memory>

#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

namespace advect::row_pass {
#include "core/solvers/sinkhorn_row_pass_impl.inc"

#ifdef ADVECT_ROW_PASS_AVX2
// Defined in sinkhorn_row_pass_avx2.cc.
bool RowPassAvx2(const double* kernel, int64_t m, int64_t begin, int64_t end, const double* w,
                 const double* a, double* u, double* acc);
bool RowPassAvx2(const float* kernel, int64_t m, int64_t begin, int64_t end, const float* w,
                 const double* a, double* u, double* acc, float* block_acc);
#else
// No AVX2 build on this architecture; never called.
bool RowPassAvx2(const double*, int64_t, int64_t, int64_t, const double*, const double*, double*,
                 double*) {
  return false;
}
bool RowPassAvx2(const float*, int64_t, int64_t, int64_t, const float*, const double*, double*,
                 double*, float*) {
  return false;
}
#endif

namespace {

bool HasAvx2() {
#ifdef ADVECT_ROW_PASS_AVX2
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return has;
#else
  return false;
#endif
}

// Treats subnormal inputs and results as zero while it lives (x86 MXCSR FTZ and
// DAZ bits): products of tiny kernel entries and scalings are negligible, and
// subnormal arithmetic costs about a hundred cycles per operation.
class FlushSubnormals {
 public:
#if defined(__SSE2__)
  FlushSubnormals() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | 0x8040u); }
  ~FlushSubnormals() { _mm_setcsr(saved_); }

 private:
  unsigned saved_;
#endif
};

}  // namespace

bool RowPass(const double* kernel, int64_t m, int64_t begin, int64_t end, const double* w,
             const double* a, double* u, double* acc) {
  const FlushSubnormals flush;
  if (HasAvx2()) return RowPassAvx2(kernel, m, begin, end, w, a, u, acc);
  return RowPassImpl(kernel, m, begin, end, w, a, u, acc);
}

bool RowPass(const float* kernel, int64_t m, int64_t begin, int64_t end, const float* w,
             const double* a, double* u, double* acc) {
  const FlushSubnormals flush;
  const std::unique_ptr<float[]> block_acc(new float[m]);
  if (HasAvx2()) return RowPassAvx2(kernel, m, begin, end, w, a, u, acc, block_acc.get());
  return RowPassImpl(kernel, m, begin, end, w, a, u, acc, block_acc.get());
}

const char* RowPassIsa() { return HasAvx2() ? "avx2" : "baseline"; }

}  // namespace advect::row_pass
