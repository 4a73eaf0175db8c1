#include "core/solvers/vector_exp.h"

#include <cmath>

#if defined(__x86_64__) && defined(__SSE2__)
#include <immintrin.h>
#define ADVECT_VECTOR_EXP_X86 1

// glibc's libmvec entry points (x86_64 vector function ABI): exp of 2, 4 and 8
// doubles for SSE2, AVX2 and AVX-512.
extern "C" __m128d _ZGVbN2v_exp(__m128d);
extern "C" __m256d _ZGVdN4v_exp(__m256d);
extern "C" __m512d _ZGVeN8v_exp(__m512d);
#endif

namespace advect::vector_exp {
namespace {

double ScalarExpOrZero(double x, double floor) { return x >= floor ? std::exp(x) : 0.0; }

#ifdef ADVECT_VECTOR_EXP_X86
enum class Isa { kSse2, kAvx2, kAvx512 };

Isa Detect() {
  __builtin_cpu_init();  // may run before libgcc's own initialiser
  if (__builtin_cpu_supports("avx512f")) return Isa::kAvx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::kAvx2;
  return Isa::kSse2;
}

Isa GetIsa() {
  static const Isa isa = Detect();
  return isa;
}

// Each lane: exp(max(x, floor)), then zeroed where x < floor.
int64_t Sse2(const double* in, double* out, int64_t n, double floor) {
  const __m128d lo = _mm_set1_pd(floor);
  int64_t k = 0;
  for (; k + 2 <= n; k += 2) {
    const __m128d x = _mm_loadu_pd(in + k);
    const __m128d e = _ZGVbN2v_exp(_mm_max_pd(x, lo));
    _mm_storeu_pd(out + k, _mm_and_pd(_mm_cmpge_pd(x, lo), e));
  }
  return k;
}

__attribute__((target("avx2,fma"))) int64_t Avx2(const double* in, double* out, int64_t n,
                                                 double floor) {
  const __m256d lo = _mm256_set1_pd(floor);
  int64_t k = 0;
  for (; k + 4 <= n; k += 4) {
    const __m256d x = _mm256_loadu_pd(in + k);
    const __m256d e = _ZGVdN4v_exp(_mm256_max_pd(x, lo));
    _mm256_storeu_pd(out + k, _mm256_and_pd(_mm256_cmp_pd(x, lo, _CMP_GE_OQ), e));
  }
  return k;
}

__attribute__((target("avx512f"))) int64_t Avx512(const double* in, double* out, int64_t n,
                                                  double floor) {
  const __m512d lo = _mm512_set1_pd(floor);
  int64_t k = 0;
  for (; k + 8 <= n; k += 8) {
    const __m512d x = _mm512_loadu_pd(in + k);
    const __mmask8 keep = _mm512_cmp_pd_mask(x, lo, _CMP_GE_OQ);
    const __m512d e = _ZGVeN8v_exp(_mm512_mask_blend_pd(keep, lo, x));
    _mm512_storeu_pd(out + k, _mm512_maskz_mov_pd(keep, e));
  }
  return k;
}
#endif

}  // namespace

void ExpOrZero(const double* in, double* out, int64_t n, double floor) {
  int64_t done = 0;
#ifdef ADVECT_VECTOR_EXP_X86
  switch (GetIsa()) {
    case Isa::kAvx512:
      done = Avx512(in, out, n, floor);
      break;
    case Isa::kAvx2:
      done = Avx2(in, out, n, floor);
      break;
    case Isa::kSse2:
      done = Sse2(in, out, n, floor);
      break;
  }
#endif
  for (int64_t k = done; k < n; ++k) out[k] = ScalarExpOrZero(in[k], floor);
}

const char* ExpIsa() {
#ifdef ADVECT_VECTOR_EXP_X86
  switch (GetIsa()) {
    case Isa::kAvx512:
      return "avx512";
    case Isa::kAvx2:
      return "avx2";
    case Isa::kSse2:
      return "sse2";
  }
#endif
  return "scalar";
}

}  // namespace advect::vector_exp
