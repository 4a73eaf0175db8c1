#include "client/plot/coupling_chart.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_format.h"
#include "client/plot/cloud_chart.h"

namespace advect::plot {

std::vector<PlanEntry> DensePlanEntries(const Eigen::MatrixXd& plan) {
  std::vector<PlanEntry> out;
  for (Eigen::Index i = 0; i < plan.rows(); ++i) {
    for (Eigen::Index j = 0; j < plan.cols(); ++j) {
      if (plan(i, j) > 0) out.push_back({static_cast<int>(i), static_cast<int>(j), plan(i, j)});
    }
  }
  return out;
}

std::vector<PlanEntry> HeaviestEntries(std::vector<PlanEntry> entries, int k, double* share) {
  double total = 0;
  for (const PlanEntry& e : entries) total += std::max(0.0, e.mass);
  auto heavier = [](const PlanEntry& p, const PlanEntry& q) {
    return p.mass != q.mass ? p.mass > q.mass : (p.i != q.i ? p.i < q.i : p.j < q.j);
  };
  const size_t keep = std::min(entries.size(), static_cast<size_t>(std::max(k, 0)));
  std::partial_sort(entries.begin(), entries.begin() + keep, entries.end(), heavier);
  entries.resize(keep);
  double kept = 0;
  for (const PlanEntry& e : entries) kept += std::max(0.0, e.mass);
  if (share != nullptr) *share = total > 0 ? kept / total : 0.0;
  return entries;
}

void DrawCouplingChart(Canvas& canvas, const Rect& area, const CouplingChart& chart) {
  double share = 0;
  const std::vector<PlanEntry> shown = HeaviestEntries(chart.plan, chart.max_segments, &share);
  Captions captions = chart.captions;
  const Projection projection = FitProjection({&chart.x, &chart.y});
  std::string note = absl::StrFormat("%d largest of %d plan entries, %.1f%% of the mass",
                                     shown.size(), chart.plan.size(), 100.0 * share);
  if (!projection.Note().empty()) note = projection.Note() + "; " + note;
  if (captions.note.empty()) captions.note = note;
  const Layout layout = LayOut(canvas, area, captions, false);
  const PointView view = FitPointView(layout.plot, projection, {&chart.x, &chart.y});
  view.axes.DrawFrame(canvas, view.projection.AxisLabel(0), view.projection.AxisLabel(1));
  const Eigen::MatrixXd px = view.projection.Apply(chart.x);
  const Eigen::MatrixXd py = view.projection.Apply(chart.y);
  const double heaviest = shown.empty() ? 1.0 : std::max(shown.front().mass, 1e-300);
  canvas.Clip(layout.plot);
  // Segments grouped into kLevels opacity and width levels (one path each),
  // lightest first so the heaviest end on top.
  constexpr int kLevels = 16;
  std::vector<std::vector<Segment>> levels(kLevels);
  for (const PlanEntry& e : shown) {
    if (e.i < 0 || e.i >= px.rows() || e.j < 0 || e.j >= py.rows()) continue;
    const double s = std::sqrt(std::max(0.0, e.mass) / heaviest);
    levels[std::min(kLevels - 1, static_cast<int>(s * kLevels))].push_back(
        {view.axes.X(px(e.i, 0)), view.axes.Y(px(e.i, 1)), view.axes.X(py(e.j, 0)),
         view.axes.Y(py(e.j, 1))});
  }
  for (int l = 0; l < kLevels; ++l) {
    const double s = (l + 1.0) / kLevels;
    canvas.SetColor(kGray, 0.12 + 0.68 * s);
    canvas.Segments(levels[l], 0.4 + 1.6 * s);
  }
  canvas.ResetClip();
  const Rgb source = Categorical(0), target = Categorical(1);
  DrawPoints(canvas, view.axes, px, chart.a, source, Mark::kDot);
  DrawPoints(canvas, view.axes, py, chart.b, target, Mark::kDot);
  // Segment midpoints count too, so the legend avoids the heaviest lines.
  Eigen::MatrixXd middles(shown.size(), 2);
  Eigen::Index m = 0;
  for (const PlanEntry& e : shown) {
    if (e.i < 0 || e.i >= px.rows() || e.j < 0 || e.j >= py.rows()) continue;
    middles.row(m++) = (px.row(e.i) + py.row(e.j)) / 2;
  }
  middles.conservativeResize(m, 2);
  DrawLegend(canvas, layout.plot,
             {{"source x (area ∝ a)", source, Mark::kDot},
              {"target y (area ∝ b)", target, Mark::kDot},
              {"plan entry (opacity ∝ √mass)", kGray, Mark::kLine}},
             {ToCanvas(view.axes, px), ToCanvas(view.axes, py), ToCanvas(view.axes, middles)});
}

}  // namespace advect::plot
