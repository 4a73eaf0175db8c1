#include "client/plot/paths_chart.h"

#include <algorithm>

#include "absl/strings/str_format.h"

namespace advect::plot {

std::vector<Eigen::Index> ChosenParticles(Eigen::Index n, int k) {
  std::vector<Eigen::Index> out;
  if (n <= 0 || k <= 0) return out;
  if (n <= k) {
    for (Eigen::Index i = 0; i < n; ++i) out.push_back(i);
    return out;
  }
  for (int s = 0; s < k; ++s)
    out.push_back(static_cast<Eigen::Index>(static_cast<double>(s) * n / k));
  return out;
}

void DrawPathsChart(Canvas& canvas, const Rect& area, const PathsChart& chart) {
  std::vector<const Eigen::MatrixXd*> sets;
  for (const Eigen::MatrixXd& f : chart.frames) sets.push_back(&f);
  for (const Cloud& c : chart.overlays) sets.push_back(&c.points);
  const Eigen::Index n = chart.frames.empty() ? 0 : chart.frames.front().rows();
  const std::vector<Eigen::Index> chosen = ChosenParticles(n, chart.max_paths);
  Captions captions = chart.captions;
  const Projection projection = FitProjection(sets);
  std::string note = projection.Note();
  if (static_cast<Eigen::Index>(chosen.size()) < n) {
    note +=
        absl::StrFormat("%s%d of %d particles' paths", note.empty() ? "" : "; ", chosen.size(), n);
  }
  if (captions.note.empty()) captions.note = note;
  const Layout layout = LayOut(canvas, area, captions, true);
  // Every set projected once: the frames, then the overlays.
  std::vector<Eigen::MatrixXd> projected;
  for (const Eigen::MatrixXd* set : sets) projected.push_back(projection.Apply(*set));
  std::vector<const Eigen::MatrixXd*> projected_sets;
  for (const Eigen::MatrixXd& xy : projected) projected_sets.push_back(&xy);
  const PointView view{projection, FitEqualAxes(layout.plot, projected_sets)};
  view.axes.DrawFrame(canvas, projection.AxisLabel(0), projection.AxisLabel(1));
  std::vector<LegendEntry> legend;
  for (size_t c = 0; c < chart.overlays.size(); ++c) {
    const Cloud& cloud = chart.overlays[c];
    DrawPoints(canvas, view.axes, projected[chart.frames.size() + c], cloud.weights, cloud.color,
               cloud.mark, 0.5);
    legend.push_back({cloud.label, cloud.color, cloud.mark});
  }
  projected.resize(chart.frames.size());  // the frames only, from here on
  // Time may run either way (a reverse-time sampler goes from t = 1 to 0).
  Range time = DataRange(chart.times, 0.0);
  const double last_time = chart.times.empty() ? 0.0 : chart.times.back();
  canvas.Clip(layout.plot);
  const double width = chosen.size() > 150 ? 0.6 : 1.1;
  // Segments are grouped by their time's colour (kBins levels), one path each.
  constexpr int kBins = 64;
  std::vector<std::vector<Segment>> bins(kBins);
  for (size_t k = 0; k + 1 < projected.size(); ++k) {
    const double t_mid = k + 1 < chart.times.size() ? (chart.times[k] + chart.times[k + 1]) / 2 : 0;
    const double u = std::clamp((t_mid - time.lo) / (time.hi - time.lo), 0.0, 1.0);
    std::vector<Segment>& bin = bins[std::min(kBins - 1, static_cast<int>(u * kBins))];
    const Eigen::MatrixXd& p = projected[k];
    const Eigen::MatrixXd& q = projected[k + 1];
    if (p.rows() != q.rows()) continue;
    for (Eigen::Index i : chosen) {
      bin.push_back(
          {view.axes.X(p(i, 0)), view.axes.Y(p(i, 1)), view.axes.X(q(i, 0)), view.axes.Y(q(i, 1))});
    }
  }
  for (int b = 0; b < kBins; ++b) {
    canvas.SetColor(Viridis((b + 0.5) / kBins), 0.8);
    canvas.Segments(bins[b], width);
  }
  canvas.ResetClip();
  if (!projected.empty()) {
    Eigen::MatrixXd last(chosen.size(), 2);
    for (size_t s = 0; s < chosen.size(); ++s) last.row(s) = projected.back().row(chosen[s]);
    const Rgb end = Viridis(1.0);
    DrawPoints(canvas, view.axes, last, Eigen::VectorXd(), {0.1, 0.1, 0.1}, Mark::kDot, 0.9);
    legend.push_back({absl::StrFormat("positions at %s = %.3g", chart.time_label, last_time),
                      {0.1, 0.1, 0.1},
                      Mark::kDot});
    legend.push_back({"path (colour: time)", end, Mark::kLine});
  }
  std::vector<Eigen::MatrixXd> occupied;
  for (const Eigen::MatrixXd& p : projected) occupied.push_back(ToCanvas(view.axes, p));
  DrawLegend(canvas, layout.plot, legend, occupied);
  DrawColorbar(canvas, layout.colorbar, time, chart.time_label);
}

}  // namespace advect::plot
