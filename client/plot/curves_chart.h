// Curves against steps or iterations (convergence, loss, risk, energy), one
// panel per quantity, stacked, on log axes where the values allow.
#ifndef ADVECT_CLIENT_PLOT_CURVES_CHART_H_
#define ADVECT_CLIENT_PLOT_CURVES_CHART_H_

#include <string>
#include <vector>

#include "client/plot/canvas.h"
#include "client/plot/chrome.h"

namespace advect::plot {

struct Series {
  std::string label;
  std::vector<double> x, y;
};

struct CurvePanel {
  std::string y_label;
  std::vector<Series> series;
  // Log y when asked and every finite value is > 0; otherwise linear (the
  // panel then says "linear: values <= 0").
  bool log_y = true;
};

struct CurvesChart {
  Captions captions;
  std::string x_label;
  std::vector<CurvePanel> panels;
  bool log_x = false;
};

// Whether a panel can use a log y axis.
bool CanUseLogY(const CurvePanel& panel);

void DrawCurvesChart(Canvas& canvas, const Rect& area, const CurvesChart& chart);

}  // namespace advect::plot

#endif  // ADVECT_CLIENT_PLOT_CURVES_CHART_H_
