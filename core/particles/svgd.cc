#include "core/particles/svgd.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/solvers/stop_flag.h"

namespace advect {

using Eigen::Index;
using Eigen::MatrixXd;

namespace {

constexpr Index kMedianPoints = 1000;
constexpr Index kBlockRows = 64;
using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

}  // namespace

double MedianPairwiseDistance(const MatrixXd& x) {
  const Index m = std::min(x.rows(), kMedianPoints);
  std::vector<double> distances;
  distances.reserve(static_cast<size_t>(m * (m - 1) / 2));
  for (Index i = 0; i < m; ++i) {
    for (Index j = i + 1; j < m; ++j) distances.push_back((x.row(i) - x.row(j)).norm());
  }
  if (distances.empty()) return 0.0;
  const auto mid = distances.begin() + static_cast<std::ptrdiff_t>(distances.size() / 2);
  std::nth_element(distances.begin(), mid, distances.end());
  return *mid;
}

double MedianHeuristicWidth(const MatrixXd& x) {
  const double median = MedianPairwiseDistance(x);
  if (!(median > 0.0)) return 1.0;
  return median / std::sqrt(2.0 * std::log(static_cast<double>(x.rows()) + 1.0));
}

absl::StatusOr<ParticleField> SvgdField(SvgdModel model) {
  if (!(std::isfinite(model.width) && model.width >= 0.0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "kernel_width: must be finite and >= 0 (0 = the median heuristic), got ", model.width));
  }
  return ParticleField([model = std::move(model)](const MatrixXd& x, const Observer& observer,
                                                  MatrixXd& velocity, double* energy) {
    MatrixXd score;
    if (!model.score(x, observer, score)) return false;
    const Index n = x.rows();
    const Index d = x.cols();
    const double w = model.width > 0.0 ? model.width : MedianHeuristicWidth(x);
    const double inv_w2 = 1.0 / (w * w);
    const RowMajor pts = x;
    const RowMajor s = score;
    RowMajor phi = RowMajor::Zero(n, d);
    const Index half = (n / 2 + kBlockRows - 1) / kBlockRows * kBlockRows;
    double parts[2] = {0.0, 0.0};
    const bool want_energy = energy != nullptr;
    const bool ok = RunTwoParts(
        model.num_threads > 1 && n > kBlockRows, observer, [&](int part, const Observer& o) {
          const Index first = part == 0 ? 0 : std::min(half, n);
          const Index last = part == 0 ? std::min(half, n) : n;
          double ksd = 0.0;
          for (Index i = first; i < last; ++i) {
            if (o.StopRequested()) return false;
            const double* xi = pts.data() + i * d;
            const double* si = s.data() + i * d;
            double* out = phi.data() + i * d;
            for (Index j = 0; j < n; ++j) {
              const double* xj = pts.data() + j * d;
              const double* sj = s.data() + j * d;
              double r2 = 0.0;
              for (Index c = 0; c < d; ++c) r2 += (xi[c] - xj[c]) * (xi[c] - xj[c]);
              const double k = std::exp(-0.5 * r2 * inv_w2);
              // k(x_j, x_i) s_j + grad_{x_j} k(x_j, x_i) = k [s_j + (x_i - x_j) / w^2].
              for (Index c = 0; c < d; ++c) out[c] += k * (sj[c] + (xi[c] - xj[c]) * inv_w2);
              if (want_energy) {
                double ss = 0.0, sd = 0.0;
                for (Index c = 0; c < d; ++c) {
                  ss += si[c] * sj[c];
                  sd += (si[c] - sj[c]) * (xi[c] - xj[c]);
                }
                ksd +=
                    k * (ss + sd * inv_w2 + static_cast<double>(d) * inv_w2 - r2 * inv_w2 * inv_w2);
              }
            }
          }
          parts[part] = ksd;
          return true;
        });
    if (!ok) return false;
    const double count = static_cast<double>(n);
    velocity = MatrixXd(phi) / count;
    if (want_energy) *energy = (parts[0] + parts[1]) / (count * count);
    return true;
  });
}

}  // namespace advect
