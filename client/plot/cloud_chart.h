// Point clouds: weighted points as markers whose area is proportional to
// their weight, in equal-unit axes (PCA-projected above two dimensions).
#ifndef ADVECT_CLIENT_PLOT_CLOUD_CHART_H_
#define ADVECT_CLIENT_PLOT_CLOUD_CHART_H_

#include <string>
#include <vector>

#include <Eigen/Core>

#include "client/plot/axes.h"
#include "client/plot/canvas.h"
#include "client/plot/chrome.h"
#include "client/plot/projection.h"

namespace advect::plot {

struct Cloud {
  std::string label;
  Eigen::MatrixXd points;   // n x d
  Eigen::VectorXd weights;  // n weights, or empty for equal weights
  Rgb color;
  Mark mark = Mark::kDot;
};

struct CloudChart {
  Captions captions;
  std::vector<Cloud> clouds;
};

// The projection and equal-unit axes that show `clouds` (all of dimension d) in `plot`.
struct PointView {
  Projection projection;
  Axes axes;
};
PointView FitPointView(const Rect& plot, const std::vector<const Eigen::MatrixXd*>& clouds);
// The same with the projection already fitted.
PointView FitPointView(const Rect& plot, const Projection& projection,
                       const std::vector<const Eigen::MatrixXd*>& clouds);
// Equal-unit axes (with a margin) that show already projected n x 2 point sets in `plot`.
Axes FitEqualAxes(const Rect& plot, const std::vector<const Eigen::MatrixXd*>& xy);

// The marker radius of a point of a cloud of n points with equal weights.
double BaseRadius(Eigen::Index n);

// Draws n x 2 (projected) points: area proportional to weight (equal weights:
// radius BaseRadius(n)).
void DrawPoints(Canvas& canvas, const Axes& axes, const Eigen::MatrixXd& xy,
                const Eigen::VectorXd& weights, Rgb color, Mark mark, double alpha = 0.85);

// n x 2 projected points in canvas coordinates (for placing the legend).
Eigen::MatrixXd ToCanvas(const Axes& axes, const Eigen::MatrixXd& xy);

// True when the weights are given and not all equal.
bool HasUnequalWeights(const Eigen::VectorXd& weights);

void DrawCloudChart(Canvas& canvas, const Rect& area, const CloudChart& chart);

}  // namespace advect::plot

#endif  // ADVECT_CLIENT_PLOT_CLOUD_CHART_H_
