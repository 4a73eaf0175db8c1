// A drawing surface over cairo, and rendering of a drawing to a PNG or SVG file.
// Coordinates are in points, y pointing down; a PNG has `scale` pixels per point.
#ifndef ADVECT_CLIENT_PLOT_CANVAS_H_
#define ADVECT_CLIENT_PLOT_CANVAS_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/plot/colormap.h"

typedef struct _cairo cairo_t;

namespace advect::plot {

struct Rect {
  double x = 0, y = 0, w = 0, h = 0;
  double right() const { return x + w; }
  double bottom() const { return y + h; }
};

enum class Align { kLeft, kCenter, kRight };

struct Segment {
  double x0, y0, x1, y1;
};

struct Circle {
  double x, y, r;
};

class Canvas {
 public:
  Canvas(cairo_t* cr, double width, double height) : cr_(cr), width_(width), height_(height) {}

  double width() const { return width_; }
  double height() const { return height_; }
  cairo_t* cairo() const { return cr_; }

  void SetColor(Rgb color, double alpha = 1.0);
  void Line(double x0, double y0, double x1, double y1, double line_width);
  // Many segments (or circles) of one colour as a single path: one element in
  // an SVG instead of one per segment. Overlaps are painted once.
  void Segments(const std::vector<Segment>& segments, double line_width);
  void FillCircles(const std::vector<Circle>& circles);
  void FillRect(const Rect& rect);
  void StrokeRect(const Rect& rect, double line_width);
  void FillCircle(double x, double y, double radius);
  // A cross of half-size `r` (for marking points of a second kind).
  void Cross(double x, double y, double r, double line_width);
  // Text with its baseline at y, anchored by `align` at x, rotated by
  // `angle` radians about (x, y) (-pi/2 reads bottom to top).
  void Text(double x, double y, const std::string& text, double size, Align align = Align::kLeft,
            bool bold = false, double angle = 0.0);
  double TextWidth(const std::string& text, double size, bool bold = false);
  // Limits drawing to `rect` until ResetClip().
  void Clip(const Rect& rect);
  void ResetClip();

 private:
  cairo_t* cr_;
  double width_, height_;
};

enum class ImageFormat { kPng, kSvg };

// The format named by the file's extension (.png, .svg); INVALID_ARGUMENT otherwise.
absl::StatusOr<ImageFormat> FormatForPath(const std::string& path);

using DrawFunction = std::function<void(Canvas&)>;

// Draws on a white width x height canvas and writes it to `path` (.png at
// `scale` pixels per point, or .svg). Errors name the path.
absl::Status RenderToFile(const std::string& path, double width, double height, double scale,
                          const DrawFunction& draw);

// The same drawing as an SVG document in memory.
absl::StatusOr<std::string> RenderToSvgString(double width, double height,
                                              const DrawFunction& draw);

}  // namespace advect::plot

#endif  // ADVECT_CLIENT_PLOT_CANVAS_H_
