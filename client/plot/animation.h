// Frames of moving particles as an animation: an animated SVG (SMIL, plays in
// any browser), a looping GIF (giflib), or, as a PNG, small multiples of a
// few evenly chosen frames.
#ifndef ADVECT_CLIENT_PLOT_ANIMATION_H_
#define ADVECT_CLIENT_PLOT_ANIMATION_H_

#include <string>
#include <vector>

#include <Eigen/Core>

#include "absl/status/status.h"
#include "client/plot/chrome.h"
#include "client/plot/cloud_chart.h"

namespace advect::plot {

struct Animation {
  Captions captions;
  std::vector<Eigen::MatrixXd> frames;  // equally shaped n x d
  std::vector<double> times;            // one per frame
  std::string time_label = "t";
  std::vector<Cloud> backdrop;  // still points (e.g. the target), under the particles
  double seconds = 6.0;         // one pass through the frames
  int max_points = 1500;        // evenly chosen particles beyond this
};

// Writes `animation` to `path` by its extension: .svg, .gif or .png (`scale`
// pixels per point for the rasters).
// INVALID_ARGUMENT for another extension or no frames; UNAVAILABLE when the
// file cannot be written.
absl::Status WriteAnimation(const std::string& path, double width, double height, double scale,
                            const Animation& animation);

// The frames a still picture shows: up to `k`, evenly spread, first and last included.
std::vector<int> StillFrames(int frames, int k);

}  // namespace advect::plot

#endif  // ADVECT_CLIENT_PLOT_ANIMATION_H_
