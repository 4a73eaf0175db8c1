#include "core/linalg/gemm.h"

#include <cassert>
#include <mutex>

#include <cblas.h>

namespace advect {
namespace {

void OneThread() {
  static std::once_flag once;
  std::call_once(once, [] { openblas_set_num_threads(1); });
}

}  // namespace

void Gemm(const Eigen::Ref<const Eigen::MatrixXd>& a, bool transpose_a,
          const Eigen::Ref<const Eigen::MatrixXd>& b, bool transpose_b, double alpha, double beta,
          Eigen::Ref<Eigen::MatrixXd> c) {
  OneThread();
  const Eigen::Index m = transpose_a ? a.cols() : a.rows();
  const Eigen::Index k = transpose_a ? a.rows() : a.cols();
  const Eigen::Index n = transpose_b ? b.rows() : b.cols();
  assert((transpose_b ? b.cols() : b.rows()) == k);
  assert(c.rows() == m && c.cols() == n);
  if (m == 0 || n == 0) return;
  if (k == 0) {
    c *= beta;
    return;
  }
  cblas_dgemm(CblasColMajor, transpose_a ? CblasTrans : CblasNoTrans,
              transpose_b ? CblasTrans : CblasNoTrans, static_cast<blasint>(m),
              static_cast<blasint>(n), static_cast<blasint>(k), alpha, a.data(),
              static_cast<blasint>(a.outerStride()), b.data(), static_cast<blasint>(b.outerStride()),
              beta, c.data(), static_cast<blasint>(c.outerStride()));
}

}  // namespace advect
