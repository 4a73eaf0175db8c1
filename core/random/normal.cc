// Built with -ffp-contract=off (core/CMakeLists.txt): the bit patterns below
// must not depend on whether the compiler fuses multiply-adds. Statements are
// kept to one rounding each for the same reason.
#include "core/random/normal.h"

#include <cmath>

namespace advect {
namespace {

// ln 2 split so that e * kLn2Hi is exact for |e| < 2^11 (the split of fdlibm's
// e_log.c; only the two constants are taken from there).
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kSqrtHalf = 0.70710678118654752440;

}  // namespace

double PortableLog(double x) {
  // x = m 2^e with m in [1/2, 1); frexp is exact.
  int e = 0;
  double m = std::frexp(x, &e);
  if (m < kSqrtHalf) {
    m = m * 2.0;  // exact
    e = e - 1;
  }
  // log m = 2 atanh(t) = 2 (t + t^3/3 + t^5/5 + ...), t = (m-1)/(m+1), |t| < 0.172,
  // so t^2 < 0.0295 and the terms past t^23 are below 1e-19 of the sum.
  const double t = (m - 1.0) / (m + 1.0);
  const double t2 = t * t;
  double series = 2.0 / 23.0;
  for (int k = 21; k >= 1; k -= 2) {
    const double scaled = series * t2;
    series = scaled + 2.0 / static_cast<double>(k);
  }
  const double log_m = series * t;
  const double exponent = static_cast<double>(e);
  const double low = exponent * kLn2Lo;
  const double high = exponent * kLn2Hi;
  const double tail = log_m + low;
  return high + tail;
}

double NormalStream::Next() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  double u = 0.0;
  double v = 0.0;
  double s = 0.0;
  do {
    u = 2.0 * uniform_.NextUniform() - 1.0;  // exact: U has 53 bits
    v = 2.0 * uniform_.NextUniform() - 1.0;
    const double uu = u * u;
    const double vv = v * v;
    s = uu + vv;
  } while (!(s > 0.0 && s < 1.0));
  const double minus_two_log = -2.0 * PortableLog(s);
  const double f = std::sqrt(minus_two_log / s);
  spare_ = v * f;
  has_spare_ = true;
  return u * f;
}

Eigen::MatrixXd RandomUnitDirections(Eigen::Index dim, Eigen::Index count, uint64_t seed) {
  NormalStream normal(seed);
  Eigen::MatrixXd directions(dim, count);
  for (Eigen::Index j = 0; j < count; ++j) {
    double norm = 0.0;
    while (norm == 0.0) {
      double sum = 0.0;
      for (Eigen::Index l = 0; l < dim; ++l) {
        const double z = normal.Next();
        directions(l, j) = z;
        const double zz = z * z;
        sum = sum + zz;  // in row order; no vectorised (reordered) reduction
      }
      norm = std::sqrt(sum);
    }
    for (Eigen::Index l = 0; l < dim; ++l) directions(l, j) = directions(l, j) / norm;
  }
  return directions;
}

}  // namespace advect
