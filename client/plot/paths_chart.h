// Trajectories: each particle's path through the frames, coloured by time,
// with the last positions as dots.
#ifndef ADVECT_CLIENT_PLOT_PATHS_CHART_H_
#define ADVECT_CLIENT_PLOT_PATHS_CHART_H_

#include <string>
#include <vector>

#include <Eigen/Core>

#include "client/plot/canvas.h"
#include "client/plot/chrome.h"
#include "client/plot/cloud_chart.h"

namespace advect::plot {

struct PathsChart {
  Captions captions;
  std::vector<Eigen::MatrixXd> frames;  // equally shaped n x d
  std::vector<double> times;            // one per frame
  std::string time_label = "t";
  int max_paths = 400;          // evenly chosen particles beyond this
  std::vector<Cloud> overlays;  // e.g. the target samples, drawn under the paths
};

// Which of n particles to draw when at most k fit: every (n / k)-th.
std::vector<Eigen::Index> ChosenParticles(Eigen::Index n, int k);

void DrawPathsChart(Canvas& canvas, const Rect& area, const PathsChart& chart);

}  // namespace advect::plot

#endif  // ADVECT_CLIENT_PLOT_PATHS_CHART_H_
