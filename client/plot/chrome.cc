#include "client/plot/chrome.h"

#include <algorithm>
#include <cmath>

namespace advect::plot {
namespace {

constexpr double kTitleFont = 15.0;
constexpr double kSmallFont = 10.5;

}  // namespace

Layout LayOut(Canvas& canvas, const Rect& area, const Captions& captions, bool colorbar) {
  double top = area.y + 12;
  if (!captions.title.empty()) {
    top += kTitleFont;
    canvas.SetColor(kBlack);
    canvas.Text(area.x + area.w / 2, top, captions.title, kTitleFont, Align::kCenter, true);
    top += 4;
  }
  if (!captions.subtitle.empty()) {
    top += kSmallFont + 2;
    canvas.SetColor(kGray);
    canvas.Text(area.x + area.w / 2, top, captions.subtitle, kSmallFont, Align::kCenter);
  }
  top += 12;
  double bottom = area.bottom() - 48;
  if (!captions.note.empty()) {
    canvas.SetColor(kGray);
    canvas.Text(area.x + area.w / 2, area.bottom() - 10, captions.note, kSmallFont, Align::kCenter);
    bottom -= 12;
  }
  const double left = area.x + 72;
  double right = area.right() - 20;
  Layout layout;
  if (colorbar) {
    right -= 78;
    layout.colorbar = {right + 16, top, 14, std::max(10.0, bottom - top)};
  }
  layout.plot = {left, top, std::max(10.0, right - left), std::max(10.0, bottom - top)};
  return layout;
}

Layout LayOut(Canvas& canvas, const Captions& captions, bool colorbar) {
  return LayOut(canvas, {0, 0, canvas.width(), canvas.height()}, captions, colorbar);
}

void DrawLegend(Canvas& canvas, const Rect& plot, const std::vector<LegendEntry>& entries,
                const std::vector<Eigen::MatrixXd>& occupied) {
  if (entries.empty()) return;
  constexpr double kRow = 16, kPad = 7, kMark = 18;
  double widest = 0;
  for (const LegendEntry& e : entries)
    widest = std::max(widest, canvas.TextWidth(e.label, kSmallFont));
  const double w = widest + kMark + 2 * kPad, h = kRow * entries.size() + kPad;
  const double left = plot.x + kPad, right = plot.right() - w - kPad;
  const double top = plot.y + kPad, bottom = plot.bottom() - h - kPad;
  const Rect corners[4] = {
      {right, top, w, h}, {left, top, w, h}, {right, bottom, w, h}, {left, bottom, w, h}};
  Rect box = corners[0];
  long fewest = -1;
  for (const Rect& corner : corners) {
    long inside = 0;
    for (const Eigen::MatrixXd& points : occupied) {
      for (Eigen::Index i = 0; i < points.rows() && points.cols() >= 2; ++i) {
        inside += points(i, 0) >= corner.x && points(i, 0) <= corner.right() &&
                  points(i, 1) >= corner.y && points(i, 1) <= corner.bottom();
      }
    }
    if (fewest < 0 || inside < fewest) {
      fewest = inside;
      box = corner;
    }
  }
  canvas.SetColor(kWhite, 0.88);
  canvas.FillRect(box);
  canvas.SetColor(kGray);
  canvas.StrokeRect(box, 0.6);
  double y = box.y + kPad / 2 + kRow / 2;
  for (const LegendEntry& e : entries) {
    const double mx = box.x + kPad + kMark / 2;
    canvas.SetColor(e.color);
    switch (e.mark) {
      case Mark::kDot:
        canvas.FillCircle(mx, y, 3.5);
        break;
      case Mark::kCross:
        canvas.Cross(mx, y, 3.5, 1.4);
        break;
      case Mark::kLine:
        canvas.Line(mx - kMark / 2, y, mx + kMark / 2, y, 2.0);
        break;
    }
    canvas.SetColor(kBlack);
    canvas.Text(box.x + kPad + kMark + 4, y + 3.5, e.label, kSmallFont);
    y += kRow;
  }
}

void DrawColorbar(Canvas& canvas, const Rect& bar, Range range, const std::string& label) {
  constexpr int kSteps = 64;
  for (int k = 0; k < kSteps; ++k) {
    canvas.SetColor(Viridis((k + 0.5) / kSteps));
    const double y0 = bar.bottom() - (k + 1) * bar.h / kSteps;
    canvas.FillRect({bar.x, y0, bar.w, bar.h / kSteps + 0.5});
  }
  canvas.SetColor(kBlack);
  canvas.StrokeRect(bar, 0.7);
  const std::vector<double> ticks = LinearTicks(range, 5);
  const double spacing = ticks.size() > 1 ? ticks[1] - ticks[0] : 0.0;
  for (double v : ticks) {
    const double y = bar.bottom() - (v - range.lo) / (range.hi - range.lo) * bar.h;
    canvas.Line(bar.right(), y, bar.right() + 3, y, 0.7);
    canvas.Text(bar.right() + 5, y + 3.5, TickLabel(v, spacing), 9.5);
  }
  canvas.Text(bar.right() + 52, bar.y + bar.h / 2, label, 11.0, Align::kCenter, false, -M_PI / 2);
}

}  // namespace advect::plot
