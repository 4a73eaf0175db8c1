// What surrounds the data: titles, notes, legends and colour bars, and the
// layout that leaves room for them.
#ifndef ADVECT_CLIENT_PLOT_CHROME_H_
#define ADVECT_CLIENT_PLOT_CHROME_H_

#include <string>
#include <vector>

#include <Eigen/Core>

#include "client/plot/axes.h"
#include "client/plot/canvas.h"

namespace advect::plot {

// Text above and below a figure's plot.
struct Captions {
  std::string title;
  std::string subtitle;  // e.g. the job id and kind
  std::string note;      // e.g. "PCA projection of 5-D points"; under the plot
};

struct Layout {
  Rect plot;      // the axes' area
  Rect colorbar;  // empty (w = 0) without a colour bar
};

// Draws the title, subtitle and note inside `area` and returns where the
// axes (and the colour bar, when asked for) go.
Layout LayOut(Canvas& canvas, const Rect& area, const Captions& captions, bool colorbar);
// The whole canvas.
Layout LayOut(Canvas& canvas, const Captions& captions, bool colorbar);

enum class Mark { kDot, kCross, kLine };

struct LegendEntry {
  std::string label;
  Rgb color;
  Mark mark = Mark::kDot;
};

// A boxed legend in a corner of the axes' area: the top right one, unless
// another corner covers fewer of the `occupied` points (n x 2, canvas
// coordinates); ties go top right, top left, bottom right, bottom left.
void DrawLegend(Canvas& canvas, const Rect& plot, const std::vector<LegendEntry>& entries,
                const std::vector<Eigen::MatrixXd>& occupied = {});

// A vertical viridis bar for values in `range`, labelled.
void DrawColorbar(Canvas& canvas, const Rect& bar, Range range, const std::string& label);

}  // namespace advect::plot

#endif  // ADVECT_CLIENT_PLOT_CHROME_H_
