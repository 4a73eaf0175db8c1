// A coupling: source and target points, and the largest entries of the plan
// as segments whose opacity and width grow with the mass they carry.
#ifndef ADVECT_CLIENT_PLOT_COUPLING_CHART_H_
#define ADVECT_CLIENT_PLOT_COUPLING_CHART_H_

#include <vector>

#include <Eigen/Core>

#include "client/plot/canvas.h"
#include "client/plot/chrome.h"

namespace advect::plot {

struct PlanEntry {
  int i = 0;  // source point
  int j = 0;  // target point
  double mass = 0.0;
};

struct CouplingChart {
  Captions captions;
  Eigen::MatrixXd x, y;  // n x d source and m x d target points
  Eigen::VectorXd a, b;  // their weights (empty: equal)
  std::vector<PlanEntry> plan;
  int max_segments = 600;
};

// The plan entries with mass > 0 of an n x m dense plan.
std::vector<PlanEntry> DensePlanEntries(const Eigen::MatrixXd& plan);

// The `k` heaviest entries (all when fewer), heaviest first, and the share of
// the total mass they carry.
std::vector<PlanEntry> HeaviestEntries(std::vector<PlanEntry> entries, int k, double* share);

void DrawCouplingChart(Canvas& canvas, const Rect& area, const CouplingChart& chart);

}  // namespace advect::plot

#endif  // ADVECT_CLIENT_PLOT_COUPLING_CHART_H_
