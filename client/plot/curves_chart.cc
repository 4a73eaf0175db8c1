#include "client/plot/curves_chart.h"

#include <algorithm>
#include <cmath>

#include "client/plot/axes.h"

namespace advect::plot {

bool CanUseLogY(const CurvePanel& panel) {
  if (!panel.log_y) return false;
  bool any = false;
  for (const Series& s : panel.series) {
    for (double v : s.y) {
      if (!std::isfinite(v)) continue;
      if (v <= 0) return false;
      any = true;
    }
  }
  return any;
}

void DrawCurvesChart(Canvas& canvas, const Rect& area, const CurvesChart& chart) {
  const Layout layout = LayOut(canvas, area, chart.captions, false);
  const size_t k = std::max<size_t>(1, chart.panels.size());
  constexpr double kGap = 44;
  const double h = (layout.plot.h - kGap * (k - 1)) / k;
  std::vector<double> all_x;
  for (const CurvePanel& p : chart.panels) {
    for (const Series& s : p.series) all_x.insert(all_x.end(), s.x.begin(), s.x.end());
  }
  const Range x = DataRange(all_x, chart.log_x ? 0.02 : 0.0, chart.log_x);
  for (size_t p = 0; p < chart.panels.size(); ++p) {
    const CurvePanel& panel = chart.panels[p];
    const Rect plot{layout.plot.x, layout.plot.y + p * (h + kGap), layout.plot.w, h};
    const bool log_y = CanUseLogY(panel);
    std::vector<double> all_y;
    for (const Series& s : panel.series) all_y.insert(all_y.end(), s.y.begin(), s.y.end());
    const Range y = DataRange(all_y, log_y ? 0.05 : 0.06, log_y);
    const Axes axes(plot, x, y, chart.log_x, log_y);
    std::string y_label = panel.y_label;
    if (panel.log_y && !log_y) y_label += " (linear: values ≤ 0)";
    axes.DrawFrame(canvas, p + 1 == chart.panels.size() ? chart.x_label : "", y_label);
    std::vector<LegendEntry> legend;
    canvas.Clip(plot);
    for (size_t s = 0; s < panel.series.size(); ++s) {
      const Series& series = panel.series[s];
      const Rgb color = Categorical(static_cast<int>(s));
      canvas.SetColor(color);
      const size_t n = std::min(series.x.size(), series.y.size());
      bool pen_down = false;
      double px = 0, py = 0;
      std::vector<Segment> line;
      std::vector<Circle> dots;
      for (size_t i = 0; i < n; ++i) {
        const double xv = series.x[i], yv = series.y[i];
        const bool ok = std::isfinite(xv) && std::isfinite(yv) && (!log_y || yv > 0) &&
                        (!chart.log_x || xv > 0);
        if (!ok) {
          pen_down = false;
          continue;
        }
        const double qx = axes.X(xv), qy = axes.Y(yv);
        if (pen_down) line.push_back({px, py, qx, qy});
        if (n <= 60) dots.push_back({qx, qy, 2.0});
        px = qx;
        py = qy;
        pen_down = true;
      }
      canvas.Segments(line, 1.6);
      canvas.FillCircles(dots);
      legend.push_back({series.label, color, Mark::kLine});
    }
    canvas.ResetClip();
    std::vector<Eigen::MatrixXd> occupied;
    for (const Series& series : panel.series) {
      const size_t n = std::min(series.x.size(), series.y.size());
      Eigen::MatrixXd points(n, 2);
      for (size_t i = 0; i < n; ++i) points.row(i) << axes.X(series.x[i]), axes.Y(series.y[i]);
      occupied.push_back(std::move(points));
    }
    if (legend.size() > 1) DrawLegend(canvas, plot, legend, occupied);
  }
}

}  // namespace advect::plot
