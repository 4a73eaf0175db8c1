#include "client/plot/canvas.h"

#include <cairo-svg.h>
#include <cairo.h>

#include <cmath>
#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace advect::plot {
namespace {

constexpr char kFont[] = "sans-serif";

void SelectFont(cairo_t* cr, double size, bool bold) {
  cairo_select_font_face(cr, kFont, CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

void Draw(cairo_surface_t* surface, double width, double height, double scale,
          const DrawFunction& draw) {
  cairo_t* cr = cairo_create(surface);
  cairo_scale(cr, scale, scale);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  Canvas canvas(cr, width, height);
  draw(canvas);
  cairo_destroy(cr);
}

absl::Status SurfaceError(const std::string& path, cairo_status_t status) {
  return absl::UnavailableError(
      absl::StrCat("cannot write ", path, ": ", cairo_status_to_string(status)));
}

cairo_status_t AppendToString(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

void Canvas::SetColor(Rgb c, double alpha) { cairo_set_source_rgba(cr_, c.r, c.g, c.b, alpha); }

void Canvas::Line(double x0, double y0, double x1, double y1, double line_width) {
  cairo_set_line_width(cr_, line_width);
  cairo_move_to(cr_, x0, y0);
  cairo_line_to(cr_, x1, y1);
  cairo_stroke(cr_);
}

void Canvas::Segments(const std::vector<Segment>& segments, double line_width) {
  if (segments.empty()) return;
  cairo_set_line_width(cr_, line_width);
  for (const Segment& s : segments) {
    cairo_move_to(cr_, s.x0, s.y0);
    cairo_line_to(cr_, s.x1, s.y1);
  }
  cairo_stroke(cr_);
}

void Canvas::FillCircles(const std::vector<Circle>& circles) {
  if (circles.empty()) return;
  for (const Circle& c : circles) {
    cairo_new_sub_path(cr_);
    cairo_arc(cr_, c.x, c.y, c.r, 0, 2 * M_PI);
  }
  cairo_fill(cr_);
}

void Canvas::FillRect(const Rect& r) {
  cairo_rectangle(cr_, r.x, r.y, r.w, r.h);
  cairo_fill(cr_);
}

void Canvas::StrokeRect(const Rect& r, double line_width) {
  cairo_set_line_width(cr_, line_width);
  cairo_rectangle(cr_, r.x, r.y, r.w, r.h);
  cairo_stroke(cr_);
}

void Canvas::FillCircle(double x, double y, double radius) {
  cairo_new_sub_path(cr_);
  cairo_arc(cr_, x, y, radius, 0, 2 * M_PI);
  cairo_fill(cr_);
}

void Canvas::Cross(double x, double y, double r, double line_width) {
  Line(x - r, y - r, x + r, y + r, line_width);
  Line(x - r, y + r, x + r, y - r, line_width);
}

double Canvas::TextWidth(const std::string& text, double size, bool bold) {
  SelectFont(cr_, size, bold);
  cairo_text_extents_t extents;
  cairo_text_extents(cr_, text.c_str(), &extents);
  return extents.x_advance;
}

void Canvas::Text(double x, double y, const std::string& text, double size, Align align, bool bold,
                  double angle) {
  const double w = TextWidth(text, size, bold);  // also selects the font
  const double dx = align == Align::kLeft ? 0.0 : align == Align::kCenter ? -w / 2 : -w;
  cairo_save(cr_);
  cairo_translate(cr_, x, y);
  cairo_rotate(cr_, angle);
  cairo_move_to(cr_, dx, 0);
  cairo_show_text(cr_, text.c_str());
  cairo_restore(cr_);
}

void Canvas::Clip(const Rect& r) {
  cairo_save(cr_);
  cairo_rectangle(cr_, r.x, r.y, r.w, r.h);
  cairo_clip(cr_);
}

void Canvas::ResetClip() { cairo_restore(cr_); }

absl::StatusOr<ImageFormat> FormatForPath(const std::string& path) {
  const std::string ext = absl::AsciiStrToLower(std::filesystem::path(path).extension().string());
  if (ext == ".png") return ImageFormat::kPng;
  if (ext == ".svg") return ImageFormat::kSvg;
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": the file name must end in .png or .svg (got '", ext, "')"));
}

absl::Status RenderToFile(const std::string& path, double width, double height, double scale,
                          const DrawFunction& draw) {
  absl::StatusOr<ImageFormat> format = FormatForPath(path);
  if (!format.ok()) return format.status();
  if (*format == ImageFormat::kSvg) {
    cairo_surface_t* surface = cairo_svg_surface_create(path.c_str(), width, height);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
      const cairo_status_t status = cairo_surface_status(surface);
      cairo_surface_destroy(surface);
      return SurfaceError(path, status);
    }
    cairo_svg_surface_restrict_to_version(surface, CAIRO_SVG_VERSION_1_1);
    Draw(surface, width, height, 1.0, draw);
    cairo_surface_finish(surface);
    const cairo_status_t status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    return status == CAIRO_STATUS_SUCCESS ? absl::OkStatus() : SurfaceError(path, status);
  }
  const int pw = static_cast<int>(std::lround(width * scale));
  const int ph = static_cast<int>(std::lround(height * scale));
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pw, ph);
  Draw(surface, width, height, scale, draw);
  cairo_status_t status = cairo_surface_status(surface);
  if (status == CAIRO_STATUS_SUCCESS) status = cairo_surface_write_to_png(surface, path.c_str());
  cairo_surface_destroy(surface);
  return status == CAIRO_STATUS_SUCCESS ? absl::OkStatus() : SurfaceError(path, status);
}

absl::StatusOr<std::string> RenderToSvgString(double width, double height,
                                              const DrawFunction& draw) {
  std::string out;
  cairo_surface_t* surface =
      cairo_svg_surface_create_for_stream(&AppendToString, &out, width, height);
  cairo_svg_surface_restrict_to_version(surface, CAIRO_SVG_VERSION_1_1);
  Draw(surface, width, height, 1.0, draw);
  cairo_surface_finish(surface);
  const cairo_status_t status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) return SurfaceError("an SVG in memory", status);
  return out;
}

}  // namespace advect::plot
