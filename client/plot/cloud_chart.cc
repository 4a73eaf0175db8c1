#include "client/plot/cloud_chart.h"

#include <algorithm>
#include <cmath>

namespace advect::plot {

Axes FitEqualAxes(const Rect& plot, const std::vector<const Eigen::MatrixXd*>& xy) {
  Range x{1, -1}, y{1, -1};
  bool any = false;
  for (const Eigen::MatrixXd* c : xy) {
    if (c->rows() == 0) continue;
    const Range cx = DataRange(c->col(0), 0.0), cy = DataRange(c->col(1), 0.0);
    x = any ? Union(x, cx) : cx;
    y = any ? Union(y, cy) : cy;
    any = true;
  }
  const double pad = 0.06 * std::max(x.hi - x.lo, y.hi - y.lo);
  if (!any) x = y = {0, 1};
  x = {x.lo - pad, x.hi + pad};
  y = {y.lo - pad, y.hi + pad};
  return Axes::Equal(plot, x, y);
}

PointView FitPointView(const Rect& plot, const Projection& projection,
                       const std::vector<const Eigen::MatrixXd*>& clouds) {
  std::vector<Eigen::MatrixXd> xy;
  xy.reserve(clouds.size());
  for (const Eigen::MatrixXd* c : clouds) xy.push_back(projection.Apply(*c));
  std::vector<const Eigen::MatrixXd*> sets;
  for (const Eigen::MatrixXd& m : xy) sets.push_back(&m);
  return {projection, FitEqualAxes(plot, sets)};
}

PointView FitPointView(const Rect& plot, const std::vector<const Eigen::MatrixXd*>& clouds) {
  return FitPointView(plot, FitProjection(clouds), clouds);
}

double BaseRadius(Eigen::Index n) {
  return std::clamp(36.0 / std::sqrt(static_cast<double>(std::max<Eigen::Index>(n, 1))), 1.0, 5.0);
}

Eigen::MatrixXd ToCanvas(const Axes& axes, const Eigen::MatrixXd& xy) {
  Eigen::MatrixXd out(xy.rows(), 2);
  for (Eigen::Index i = 0; i < xy.rows(); ++i) out.row(i) << axes.X(xy(i, 0)), axes.Y(xy(i, 1));
  return out;
}

bool HasUnequalWeights(const Eigen::VectorXd& w) {
  return w.size() > 1 && w.maxCoeff() - w.minCoeff() > 1e-12 * std::abs(w.maxCoeff());
}

void DrawPoints(Canvas& canvas, const Axes& axes, const Eigen::MatrixXd& xy,
                const Eigen::VectorXd& weights, Rgb color, Mark mark, double alpha) {
  const Eigen::Index n = xy.rows();
  const double r0 = BaseRadius(n);
  const bool weighted = weights.size() == n && weights.sum() > 0;
  const double total = weighted ? weights.sum() : 1.0;
  canvas.Clip(axes.area());
  canvas.SetColor(color, alpha);
  std::vector<Circle> circles;
  std::vector<Segment> crosses;
  double cross_width = 0.8;
  for (Eigen::Index i = 0; i < n; ++i) {
    double r = r0;
    if (weighted) r = std::min(4.0 * r0, r0 * std::sqrt(std::max(0.0, weights(i)) * n / total));
    if (!(r > 0.0)) continue;
    const double px = axes.X(xy(i, 0)), py = axes.Y(xy(i, 1));
    if (mark == Mark::kCross) {
      const double h = std::max(r, 1.5);
      crosses.push_back({px - h, py - h, px + h, py + h});
      crosses.push_back({px - h, py + h, px + h, py - h});
      cross_width = std::max(cross_width, r / 2.5);
    } else {
      circles.push_back({px, py, r});
    }
  }
  canvas.FillCircles(circles);
  canvas.Segments(crosses, cross_width);
  canvas.ResetClip();
}

void DrawCloudChart(Canvas& canvas, const Rect& area, const CloudChart& chart) {
  std::vector<const Eigen::MatrixXd*> sets;
  bool weighted = false;
  for (const Cloud& c : chart.clouds) {
    sets.push_back(&c.points);
    weighted = weighted || HasUnequalWeights(c.weights);
  }
  Captions captions = chart.captions;
  const Projection projection = FitProjection(sets);
  std::string note = projection.Note();
  if (weighted) note += note.empty() ? "marker area ∝ weight" : "; marker area ∝ weight";
  if (captions.note.empty()) captions.note = note;
  const Layout layout = LayOut(canvas, area, captions, false);
  const PointView view = FitPointView(layout.plot, projection, sets);
  view.axes.DrawFrame(canvas, view.projection.AxisLabel(0), view.projection.AxisLabel(1));
  std::vector<LegendEntry> legend;
  std::vector<Eigen::MatrixXd> occupied;
  for (const Cloud& c : chart.clouds) {
    const Eigen::MatrixXd xy = view.projection.Apply(c.points);
    DrawPoints(canvas, view.axes, xy, c.weights, c.color, c.mark);
    legend.push_back({c.label, c.color, c.mark});
    occupied.push_back(ToCanvas(view.axes, xy));
  }
  DrawLegend(canvas, layout.plot, legend, occupied);
}

}  // namespace advect::plot
