#include "client/plot/axes.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_format.h"

namespace advect::plot {
namespace {

constexpr double kTickFont = 10.0;
constexpr double kLabelFont = 11.5;

Range Padded(double lo, double hi, double pad) {
  if (!(lo <= hi)) return {0.0, 1.0};  // no finite value
  if (hi - lo <= 1e-12 * std::max(1.0, std::abs(lo))) {
    const double half = std::max(0.5, std::abs(lo) * 0.1);
    return {lo - half, hi + half};
  }
  const double w = hi - lo;
  return {lo - pad * w, hi + pad * w};
}

bool IsLogRangeOk(Range r) { return r.lo > 0 && r.hi > r.lo; }

}  // namespace

Range DataRange(const std::vector<double>& values, double pad, bool positive_only) {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  for (double v : values) {
    if (!std::isfinite(v) || (positive_only && !(v > 0))) continue;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (positive_only) {
    if (!(lo <= hi)) return {0.1, 10.0};
    if (hi <= lo * (1 + 1e-12)) return {lo / 2, hi * 2};
    const double f = std::pow(hi / lo, pad);
    return {lo / f, hi * f};
  }
  return Padded(lo, hi, pad);
}

Range DataRange(const Eigen::Ref<const Eigen::MatrixXd>& values, double pad) {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  for (Eigen::Index j = 0; j < values.cols(); ++j) {
    for (Eigen::Index i = 0; i < values.rows(); ++i) {
      const double v = values(i, j);
      if (!std::isfinite(v)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  return Padded(lo, hi, pad);
}

Range Union(Range a, Range b) { return {std::min(a.lo, b.lo), std::max(a.hi, b.hi)}; }

std::vector<double> LinearTicks(Range r, int target) {
  std::vector<double> ticks;
  const double span = r.hi - r.lo;
  if (!(span > 0) || !std::isfinite(span)) return ticks;
  const double raw = span / std::max(1, target);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  const double first = std::ceil(r.lo / step - 1e-9) * step;
  // By index, not a running sum: a step below the values' resolution (e.g.
  // [1e16, 1e16 + 4]) would leave a sum unchanged and never end.
  for (int k = 0;; ++k) {
    const double v = first + k * step;
    if (!(v <= r.hi + 1e-9 * step)) break;
    if (!ticks.empty() && v <= ticks.back()) continue;  // rounded onto the previous tick
    ticks.push_back(std::abs(v) < 1e-12 * step ? 0.0 : v);
  }
  return ticks;
}

std::vector<double> LogTicks(Range r) {
  std::vector<double> ticks;
  if (!IsLogRangeOk(r)) return ticks;
  const int lo = static_cast<int>(std::ceil(std::log10(r.lo) - 1e-9));
  const int hi = static_cast<int>(std::floor(std::log10(r.hi) + 1e-9));
  const int stride = std::max(1, (hi - lo + 1 + 7) / 8);  // at most about 8 labels
  for (int e = lo; e <= hi; e += stride) ticks.push_back(std::pow(10.0, e));
  if (ticks.size() < 2) return LinearTicks(r, 4);
  return ticks;
}

std::string TickLabel(double v, double spacing) {
  if (v == 0.0) return "0";
  const double a = std::abs(v);
  if (a >= 1e5 || a < 1e-3) return absl::StrFormat("%.3g", v);
  const int decimals =
      spacing > 0 ? std::clamp(static_cast<int>(std::ceil(-std::log10(spacing) - 1e-9)), 0, 6) : 3;
  return absl::StrFormat("%.*f", decimals, v);
}

Axes::Axes(Rect area, Range x, Range y, bool log_x, bool log_y)
    : area_(area),
      x_(x),
      y_(y),
      log_x_(log_x && IsLogRangeOk(x)),
      log_y_(log_y && IsLogRangeOk(y)) {}

Axes Axes::Equal(Rect area, Range x, Range y) {
  const double units_per_point =
      std::max((x.hi - x.lo) / std::max(area.w, 1.0), (y.hi - y.lo) / std::max(area.h, 1.0));
  const double cx = (x.lo + x.hi) / 2, cy = (y.lo + y.hi) / 2;
  const double hw = units_per_point * area.w / 2, hh = units_per_point * area.h / 2;
  return Axes(area, {cx - hw, cx + hw}, {cy - hh, cy + hh});
}

double Axes::Fraction(double v, Range r, bool log) const {
  if (log)
    return (std::log(std::max(v, 1e-300)) - std::log(r.lo)) / (std::log(r.hi) - std::log(r.lo));
  return (v - r.lo) / (r.hi - r.lo);
}

double Axes::X(double v) const { return area_.x + Fraction(v, x_, log_x_) * area_.w; }
double Axes::Y(double v) const { return area_.bottom() - Fraction(v, y_, log_y_) * area_.h; }

void Axes::DrawFrame(Canvas& canvas, const std::string& x_label, const std::string& y_label) const {
  const std::vector<double> xt = log_x_ ? LogTicks(x_) : LinearTicks(x_, 6);
  const std::vector<double> yt = log_y_ ? LogTicks(y_) : LinearTicks(y_, 5);
  const double xs = xt.size() > 1 ? xt[1] - xt[0] : 0.0;
  const double ys = yt.size() > 1 ? yt[1] - yt[0] : 0.0;
  canvas.SetColor({0.985, 0.985, 0.985});
  canvas.FillRect(area_);
  canvas.SetColor(kLightGray);
  for (double v : xt) canvas.Line(X(v), area_.y, X(v), area_.bottom(), 0.6);
  for (double v : yt) canvas.Line(area_.x, Y(v), area_.right(), Y(v), 0.6);
  canvas.SetColor(kBlack);
  for (double v : xt) {
    canvas.Line(X(v), area_.bottom(), X(v), area_.bottom() + 4, 0.8);
    canvas.Text(X(v), area_.bottom() + 16, TickLabel(v, log_x_ ? v : xs), kTickFont,
                Align::kCenter);
  }
  double widest = 0;
  for (double v : yt) {
    const std::string label = TickLabel(v, log_y_ ? v : ys);
    widest = std::max(widest, canvas.TextWidth(label, kTickFont));
    canvas.Line(area_.x - 4, Y(v), area_.x, Y(v), 0.8);
    canvas.Text(area_.x - 7, Y(v) + 3.5, label, kTickFont, Align::kRight);
  }
  canvas.StrokeRect(area_, 0.9);
  canvas.Text(area_.x + area_.w / 2, area_.bottom() + 34, x_label, kLabelFont, Align::kCenter);
  canvas.Text(area_.x - 14 - widest, area_.y + area_.h / 2, y_label, kLabelFont, Align::kCenter,
              false, -M_PI / 2);
}

}  // namespace advect::plot
