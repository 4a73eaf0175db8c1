#include "core/particles/interaction.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/linalg/gemm.h"
#include "core/particles/pair_kernel.h"
#include "core/solvers/stop_flag.h"
#include "core/solvers/vector_exp.h"

namespace advect {

using Eigen::Index;
using Eigen::MatrixXd;

namespace {

constexpr Index kBlockRows = 64;
// The tiles of the Gram-matrix route (Gaussian W above kMaxPairKernelDimension):
// 256 x 256 doubles, 512 KiB, stay in a core's L2 cache between the products.
constexpr Index kTile = 256;

// Blocks of rows go to the two parts as 0, 1, 1, 0, 0, 1, 1, 0, ...: with the
// work of a block falling linearly along the triangle of pairs, the parts get
// equal shares to within a block.
int PartOfBlock(Index b) { return static_cast<int>(((b + 1) >> 1) & 1); }

// Whether 2e is a whole number of modest size (the pair kernel's powers).
bool HalfInteger(double p) {
  const double twice = 2.0 * (p - 2.0);
  return twice == std::round(twice) && std::abs(twice) <= 64.0;
}

// r^e for r > 0, exactly for the small integer and half-integer exponents
// people use (e in {-2, -1.5, ..., 3}), else by std::pow.
double Power(double r, double squared, double e) {
  if (e == 0.0) return 1.0;
  if (e == 1.0) return r;
  if (e == 2.0) return squared;
  if (e == -1.0) return 1.0 / r;
  if (e == -2.0) return 1.0 / squared;
  if (e == 0.5) return std::sqrt(r);
  if (e == -0.5) return 1.0 / std::sqrt(r);
  if (e == 3.0) return squared * r;
  if (e == 1.5) return r * std::sqrt(r);
  if (e == -1.5) return 1.0 / (r * std::sqrt(r));
  return std::pow(r, e);
}

}  // namespace

Interaction Interaction::None() { return Interaction(); }

absl::StatusOr<Interaction> Interaction::Gaussian(double strength, double width) {
  if (!std::isfinite(strength) || strength == 0.0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "interaction_strength: must be finite and nonzero (> 0 repels, < 0 attracts), got ",
        strength));
  }
  if (!(std::isfinite(width) && width > 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("kernel_width: must be finite and > 0, got ", width));
  }
  Interaction w;
  w.kind_ = Kind::kGaussian;
  w.strength_ = strength;
  w.width_ = width;
  return w;
}

absl::StatusOr<Interaction> Interaction::AttractionRepulsion(double p, double q) {
  if (!(std::isfinite(p) && p > 0.0 && p <= 16.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("attraction_power: must be in (0, 16], got ", p));
  }
  if (!(std::isfinite(q) && q > 0.0 && q < p)) {
    return absl::InvalidArgumentError(
        absl::StrCat("repulsion_power: must be in (0, attraction_power) = (0, ", p, "), got ", q));
  }
  Interaction w;
  w.kind_ = Kind::kAttractionRepulsion;
  w.p_ = p;
  w.q_ = q;
  return w;
}

double Interaction::Radial(double squared, double* value) const {
  if (kind_ == Kind::kGaussian) {
    const double k = strength_ * std::exp(-0.5 * squared / (width_ * width_));
    if (value != nullptr) *value = k;
    return -k / (width_ * width_);
  }
  // Attraction-repulsion: g(r) = r^(p-2) - r^(q-2); w(0) = 0 and grad W(0) = 0.
  if (squared == 0.0) {
    if (value != nullptr) *value = 0.0;
    return 0.0;
  }
  const double r = std::sqrt(squared);
  const double rp = Power(r, squared, p_ - 2.0);
  const double rq = Power(r, squared, q_ - 2.0);
  if (value != nullptr) *value = rp * squared / p_ - rq * squared / q_;
  return rp - rq;
}

bool Interaction::Accumulate(const MatrixXd& x, const Observer& observer, int num_threads,
                             MatrixXd& grad, double* energy) const {
  if (kind_ == Kind::kNone) return true;
  if (x.rows() == 0) return true;
  if (kind_ == Kind::kGaussian && x.cols() > kMaxPairKernelDimension) {
    return AccumulateByProducts(x, observer, num_threads, grad, energy);
  }
  if (kind_ == Kind::kAttractionRepulsion && !(HalfInteger(p_) && HalfInteger(q_))) {
    return AccumulateDirect(x, observer, num_threads, grad, energy);
  }
  return AccumulateByPairs(x, observer, num_threads, grad, energy);
}

bool Interaction::AccumulateByPairs(const MatrixXd& x, const Observer& observer,
                                    int num_threads, MatrixXd& grad, double* energy) const {
  const Index n = x.rows();
  const Index d = x.cols();
  pair_kernel::Radial radial;
  radial.gaussian = kind_ == Kind::kGaussian;
  radial.strength = strength_;
  radial.width = width_;
  radial.p = p_;
  radial.q = q_;
  radial.p_halves = static_cast<int>(2.0 * (p_ - 2.0));
  radial.q_halves = static_cast<int>(2.0 * (q_ - 2.0));
  MatrixXd fields[2];
  double energies[2] = {0.0, 0.0};
  const Index blocks = (n + kBlockRows - 1) / kBlockRows;
  const bool ok =
      RunTwoParts(num_threads > 1 && n > kBlockRows, observer, [&](int part, const Observer& o) {
        fields[part] = MatrixXd::Zero(n, d);
        std::vector<double> scratch(static_cast<size_t>(pair_kernel::kChunk));
        for (Index b = 0; b < blocks; ++b) {
          if (PartOfBlock(b) != part) continue;
          if (!pair_kernel::AccumulateRows(radial, x.data(), n, d, b * kBlockRows,
                                           std::min(n, (b + 1) * kBlockRows),
                                           fields[part].data(),
                                           energy != nullptr ? &energies[part] : nullptr,
                                           scratch.data(), o)) {
            return false;
          }
        }
        return true;
      });
  if (!ok) return false;
  const double nd = static_cast<double>(n);
  grad += (fields[0] + fields[1]) / nd;
  if (energy != nullptr) {
    // The kernel summed each unordered pair twice; the diagonal adds n W(0).
    const double diagonal = kind_ == Kind::kGaussian ? nd * strength_ : 0.0;
    *energy += 0.5 * (energies[0] + energies[1] + diagonal) / (nd * nd);
  }
  return true;
}

bool Interaction::AccumulateByProducts(const MatrixXd& x, const Observer& observer,
                                       int num_threads, MatrixXd& grad, double* energy) const {
  const Index n = x.rows();
  const Index d = x.cols();
  // W is translation invariant: centring keeps |x_i|^2 + |x_j|^2 - 2 x_i.x_j from cancelling
  // when the cloud sits far from the origin.
  const MatrixXd centred = x.rowwise() - x.colwise().mean();
  const Eigen::VectorXd norms = centred.rowwise().squaredNorm();
  const double exponent_scale = -0.5 / (width_ * width_);
  const double gain = -1.0 / (width_ * width_);
  MatrixXd fields[2];
  double energies[2] = {0.0, 0.0};
  const Index tiles = (n + kTile - 1) / kTile;
  const bool ok =
      RunTwoParts(num_threads > 1 && n > kTile, observer, [&](int part, const Observer& o) {
        fields[part] = MatrixXd::Zero(n, d);
        MatrixXd& field = fields[part];
        MatrixXd tile(kTile, kTile);
        Eigen::VectorXd row_sums(kTile), col_sums(kTile);
        double sum = 0.0;
        for (Index bi = 0; bi < tiles; ++bi) {
          if (PartOfBlock(bi) != part) continue;
          const Index i0 = bi * kTile, ri = std::min(kTile, n - i0);
          for (Index bj = bi; bj < tiles; ++bj) {
            if (o.StopRequested()) return false;
            const Index j0 = bj * kTile, rj = std::min(kTile, n - j0);
            // k_ij = strength exp(-|x_i - x_j|^2 / (2 width^2)) from the Gram block.
            Eigen::Map<MatrixXd> k(tile.data(), ri, rj);
            Gemm(centred.middleRows(i0, ri), false, centred.middleRows(j0, rj), true, -2.0, 0.0,
                 k);
            for (Index jj = 0; jj < rj; ++jj) {
              for (Index ii = 0; ii < ri; ++ii) {
                const double squared = std::max(k(ii, jj) + norms[i0 + ii] + norms[j0 + jj], 0.0);
                k(ii, jj) = squared * exponent_scale;
              }
            }
            vector_exp::ExpOrZero(k.data(), k.data(), ri * rj, -708.0);
            k *= strength_;
            // Ordered pairs: a diagonal tile holds both (i, j) and (j, i).
            sum += (bj == bi ? 1.0 : 2.0) * k.sum();
            // field_i += gain sum_j k_ij (x_i - x_j), and the mirror image for j.
            row_sums.head(ri) = k.rowwise().sum();
            field.middleRows(i0, ri) +=
                gain * (row_sums.head(ri).asDiagonal() * centred.middleRows(i0, ri));
            Gemm(k, false, centred.middleRows(j0, rj), false, -gain, 1.0,
                 field.middleRows(i0, ri));
            if (bj != bi) {
              col_sums.head(rj) = k.colwise().sum().transpose();
              field.middleRows(j0, rj) +=
                  gain * (col_sums.head(rj).asDiagonal() * centred.middleRows(j0, rj));
              Gemm(k, true, centred.middleRows(i0, ri), false, -gain, 1.0,
                   field.middleRows(j0, rj));
            }
          }
        }
        energies[part] = sum;
        return true;
      });
  if (!ok) return false;
  const double nd = static_cast<double>(n);
  grad += (fields[0] + fields[1]) / nd;
  if (energy != nullptr) *energy += 0.5 * (energies[0] + energies[1]) / (nd * nd);
  return true;
}

bool Interaction::AccumulateDirect(const MatrixXd& x, const Observer& observer, int num_threads,
                                   MatrixXd& grad, double* energy) const {
  const Index n = x.rows();
  const Index d = x.cols();
  // Rows as contiguous points: x is column-major.
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> pts = x;
  const Index half = (n / 2 + kBlockRows - 1) / kBlockRows * kBlockRows;
  double energies[2] = {0.0, 0.0};
  const bool want_energy = energy != nullptr;
  const bool ok =
      RunTwoParts(num_threads > 1 && n > kBlockRows, observer, [&](int part, const Observer& o) {
        const Index first = part == 0 ? 0 : std::min(half, n);
        const Index last = part == 0 ? std::min(half, n) : n;
        std::vector<double> acc(static_cast<size_t>(d));
        double part_energy = 0.0;
        for (Index b = first; b < last; b += kBlockRows) {
          const Index e = std::min(b + kBlockRows, last);
          for (Index i = b; i < e; ++i) {
            if (o.StopRequested()) return false;  // every n pairs
            const double* xi = pts.data() + i * d;
            std::fill(acc.begin(), acc.end(), 0.0);
            double row_energy = 0.0;
            for (Index j = 0; j < n; ++j) {
              const double* xj = pts.data() + j * d;
              double squared = 0.0;
              for (Index c = 0; c < d; ++c) {
                const double diff = xi[c] - xj[c];
                squared += diff * diff;
              }
              double value = 0.0;
              const double g = Radial(squared, want_energy ? &value : nullptr);
              row_energy += value;
              for (Index c = 0; c < d; ++c) acc[static_cast<size_t>(c)] += g * (xi[c] - xj[c]);
            }
            for (Index c = 0; c < d; ++c) {
              grad(i, c) += acc[static_cast<size_t>(c)] / static_cast<double>(n);
            }
            part_energy += row_energy;
          }
        }
        energies[part] = part_energy;
        return true;
      });
  if (!ok) return false;
  if (want_energy) {
    *energy +=
        0.5 * (energies[0] + energies[1]) / (static_cast<double>(n) * static_cast<double>(n));
  }
  return true;
}

}  // namespace advect
