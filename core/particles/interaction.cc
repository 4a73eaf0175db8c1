#include "core/particles/interaction.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/solvers/stop_flag.h"

namespace advect {

using Eigen::Index;
using Eigen::MatrixXd;

namespace {

constexpr Index kBlockRows = 64;

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
  const Index n = x.rows();
  const Index d = x.cols();
  if (n == 0) return true;
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
