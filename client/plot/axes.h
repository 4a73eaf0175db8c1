// A pair of axes: the map from data to canvas coordinates (linear or log),
// tick placement and labels, and the drawing of the frame, grid and labels.
#ifndef ADVECT_CLIENT_PLOT_AXES_H_
#define ADVECT_CLIENT_PLOT_AXES_H_

#include <string>
#include <vector>

#include <Eigen/Core>

#include "client/plot/canvas.h"

namespace advect::plot {

struct Range {
  double lo = 0, hi = 1;
};

// The finite values' range, widened by `pad` of its width on each side (a
// single value or an empty set gets a unit-wide range around it). With
// `positive_only`, only values > 0 count (for log axes).
Range DataRange(const std::vector<double>& values, double pad, bool positive_only = false);
Range DataRange(const Eigen::Ref<const Eigen::MatrixXd>& values, double pad);
Range Union(Range a, Range b);

// About `target` round tick values (1, 2 or 5 times a power of ten) in [lo, hi].
std::vector<double> LinearTicks(Range range, int target);
// Powers of ten in [lo, hi] (lo > 0); when fewer than two fit, LinearTicks.
std::vector<double> LogTicks(Range range);
// A tick label: as few digits as the spacing needs; 1e-06 style for tiny or huge values.
std::string TickLabel(double value, double spacing);

class Axes {
 public:
  Axes() : Axes({0, 0, 1, 1}, {0, 1}, {0, 1}) {}
  // Maps x in `x` and y in `y` onto `area` (y up); log axes need lo > 0.
  Axes(Rect area, Range x, Range y, bool log_x = false, bool log_y = false);
  // Axes with equal units on both directions: the ranges grow to the area's shape.
  static Axes Equal(Rect area, Range x, Range y);

  double X(double v) const;
  double Y(double v) const;
  const Rect& area() const { return area_; }
  Range x_range() const { return x_; }
  Range y_range() const { return y_; }

  // Background, grid, ticks, tick labels, frame and axis labels. Call before
  // drawing the data (the data then covers the grid).
  void DrawFrame(Canvas& canvas, const std::string& x_label, const std::string& y_label) const;

 private:
  double Fraction(double v, Range r, bool log) const;
  Rect area_;
  Range x_, y_;
  bool log_x_, log_y_;
};

}  // namespace advect::plot

#endif  // ADVECT_CLIENT_PLOT_AXES_H_
