#include "core/solvers/ot_1d_sorted.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace advect {
namespace {

constexpr size_t kPollEvery = size_t{1} << 16;

// |d|^p with the common exponents spelled out, chosen once per solve (not per
// term) by the template parameter.
enum class Exponent { kOne, kTwo, kOther };

template <Exponent kE>
inline double Power(double distance, double p) {
  if constexpr (kE == Exponent::kOne) {
    return distance;
  } else if constexpr (kE == Exponent::kTwo) {
    return distance * distance;
  } else {
    return std::pow(distance, p);
  }
}

template <Exponent kE>
std::optional<double> Matched(const std::vector<uint64_t>& x, const std::vector<uint64_t>& y,
                              double p, const Observer& observer) {
  const size_t n = x.size();
  double total = 0.0;
  for (size_t start = 0; start < n; start += kPollEvery) {
    if (start > 0 && observer.StopRequested()) return std::nullopt;
    const size_t end = std::min(n, start + kPollEvery);
    for (size_t k = start; k < end; ++k) {
      total += Power<kE>(std::abs(KeyToDouble(x[k]) - KeyToDouble(y[k])), p);
    }
  }
  return total / static_cast<double>(n);
}

template <Exponent kE>
std::optional<double> UnequalUniform(const std::vector<uint64_t>& x, const std::vector<uint64_t>& y,
                                     double p, const Observer& observer) {
  // Total mass n * m units: source points hold m units each, target points n.
  const uint64_t unit_x = y.size();
  const uint64_t unit_y = x.size();
  double total = 0.0;
  size_t i = 0;
  size_t j = 0;
  uint64_t left_x = unit_x;
  uint64_t left_y = unit_y;
  size_t steps = 0;
  while (i < x.size() && j < y.size()) {
    if (++steps % kPollEvery == 0 && observer.StopRequested()) return std::nullopt;
    const double cost = Power<kE>(std::abs(KeyToDouble(x[i]) - KeyToDouble(y[j])), p);
    const uint64_t moved = std::min(left_x, left_y);
    total += static_cast<double>(moved) * cost;
    left_x -= moved;
    left_y -= moved;
    if (left_x == 0) {
      ++i;
      left_x = unit_x;
    }
    if (left_y == 0) {
      ++j;
      left_y = unit_y;
    }
  }
  return total / (static_cast<double>(x.size()) * static_cast<double>(y.size()));
}

template <Exponent kE>
std::optional<double> Weighted(const std::vector<KeyWeight>& x, const std::vector<KeyWeight>& y,
                               double p, const Observer& observer) {
  // Each step moves the smaller of the two remaining masses between the current
  // source and target points, and advances past the point it used up. Written
  // without branches (which way to advance is a coin flip for the predictor);
  // the arithmetic is the same as the obvious if/else.
  const size_t nx = x.size();
  const size_t ny = y.size();
  double total = 0.0;
  size_t i = 0;
  size_t j = 0;
  double left_x = x[0].weight;
  double left_y = y[0].weight;
  size_t steps = 0;
  while (i < nx && j < ny) {
    if (++steps % kPollEvery == 0 && observer.StopRequested()) return std::nullopt;
    const double cost = Power<kE>(std::abs(KeyToDouble(x[i].key) - KeyToDouble(y[j].key)), p);
    const bool take_x = left_x < left_y;
    const double moved = take_x ? left_x : left_y;
    total += moved * cost;
    left_x -= moved;
    left_y -= moved;
    i += take_x ? 1 : 0;
    j += take_x ? 0 : 1;
    const double next_x = x[std::min(i, nx - 1)].weight;
    const double next_y = y[std::min(j, ny - 1)].weight;
    left_x = take_x ? next_x : left_x;
    left_y = take_x ? left_y : next_y;
  }
  return total;
}

}  // namespace

std::optional<double> SortedUniformCost(const std::vector<uint64_t>& x,
                                        const std::vector<uint64_t>& y, double p,
                                        const Observer& observer) {
  if (x.size() == y.size()) {
    if (p == 1.0) return Matched<Exponent::kOne>(x, y, p, observer);
    if (p == 2.0) return Matched<Exponent::kTwo>(x, y, p, observer);
    return Matched<Exponent::kOther>(x, y, p, observer);
  }
  if (p == 1.0) return UnequalUniform<Exponent::kOne>(x, y, p, observer);
  if (p == 2.0) return UnequalUniform<Exponent::kTwo>(x, y, p, observer);
  return UnequalUniform<Exponent::kOther>(x, y, p, observer);
}

std::optional<double> SortedWeightedCost(const std::vector<KeyWeight>& x,
                                         const std::vector<KeyWeight>& y, double p,
                                         const Observer& observer) {
  if (p == 1.0) return Weighted<Exponent::kOne>(x, y, p, observer);
  if (p == 2.0) return Weighted<Exponent::kTwo>(x, y, p, observer);
  return Weighted<Exponent::kOther>(x, y, p, observer);
}

}  // namespace advect
