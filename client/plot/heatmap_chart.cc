#include "client/plot/heatmap_chart.h"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace advect::plot {
namespace {

uint32_t Pixel(Rgb c) {
  auto byte = [](double v) {
    return static_cast<uint32_t>(std::lround(std::clamp(v, 0.0, 1.0) * 255));
  };
  return 0xff000000u | byte(c.r) << 16 | byte(c.g) << 8 | byte(c.b);
}

}  // namespace

void DrawHeatmapChart(Canvas& canvas, const Rect& area, const HeatmapChart& chart) {
  const Layout layout = LayOut(canvas, area, chart.captions, true);
  const Eigen::Index n0 = chart.values.rows(), n1 = chart.values.cols();
  // Cells are centred on the grid points.
  const double hx = n0 > 1 ? (chart.x.hi - chart.x.lo) / (n0 - 1) / 2 : 0.5;
  const double hy = n1 > 1 ? (chart.y.hi - chart.y.lo) / (n1 - 1) / 2 : 0.5;
  const Axes axes(layout.plot, {chart.x.lo - hx, chart.x.hi + hx},
                  {chart.y.lo - hy, chart.y.hi + hy});
  axes.DrawFrame(canvas, chart.x_label, chart.y_label);
  Range value{0, 1};
  if (chart.values.size() > 0) {
    value = {std::min(0.0, chart.values.minCoeff()), chart.values.maxCoeff()};
    if (!(value.hi > value.lo)) value.hi = value.lo + 1;
  }
  if (n0 > 0 && n1 > 0) {
    // One pixel per cell, x to the right and y up, scaled onto the plot without smoothing.
    cairo_surface_t* image =
        cairo_image_surface_create(CAIRO_FORMAT_ARGB32, static_cast<int>(n0), static_cast<int>(n1));
    cairo_surface_flush(image);
    unsigned char* data = cairo_image_surface_get_data(image);
    const int stride = cairo_image_surface_get_stride(image);
    for (Eigen::Index j = 0; j < n1; ++j) {
      auto* row = reinterpret_cast<uint32_t*>(data + (n1 - 1 - j) * stride);
      for (Eigen::Index i = 0; i < n0; ++i) {
        const double v = chart.values(i, j);
        row[i] = Pixel(std::isfinite(v) ? Viridis((v - value.lo) / (value.hi - value.lo)) : kWhite);
      }
    }
    cairo_surface_mark_dirty(image);
    cairo_t* cr = canvas.cairo();
    cairo_save(cr);
    cairo_rectangle(cr, layout.plot.x, layout.plot.y, layout.plot.w, layout.plot.h);
    cairo_clip(cr);
    cairo_translate(cr, layout.plot.x, layout.plot.y);
    cairo_scale(cr, layout.plot.w / n0, layout.plot.h / n1);
    cairo_set_source_surface(cr, image, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_surface_destroy(image);
    canvas.SetColor(kBlack);
    canvas.StrokeRect(layout.plot, 0.9);
  }
  DrawColorbar(canvas, layout.colorbar, value, chart.value_label);
}

}  // namespace advect::plot
