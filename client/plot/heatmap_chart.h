// A density on a regular 2-D grid as a heat map with a colour bar.
#ifndef ADVECT_CLIENT_PLOT_HEATMAP_CHART_H_
#define ADVECT_CLIENT_PLOT_HEATMAP_CHART_H_

#include <string>

#include <Eigen/Core>

#include "client/plot/axes.h"
#include "client/plot/canvas.h"
#include "client/plot/chrome.h"

namespace advect::plot {

struct HeatmapChart {
  Captions captions;
  Eigen::MatrixXd values;  // n0 x n1: row i at x-grid point i, column j at y-grid point j
  Range x, y;              // first and last grid point of each axis
  std::string x_label = "x1", y_label = "x2", value_label = "density";
};

void DrawHeatmapChart(Canvas& canvas, const Rect& area, const HeatmapChart& chart);

}  // namespace advect::plot

#endif  // ADVECT_CLIENT_PLOT_HEATMAP_CHART_H_
