#include "client/plot/animation.h"

#include <cairo.h>
#include <fcntl.h>
#include <gif_lib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "client/plot/paths_chart.h"

namespace advect::plot {
namespace {

std::string Hex(Rgb c) {
  auto byte = [](double v) { return static_cast<int>(std::lround(std::clamp(v, 0.0, 1.0) * 255)); };
  return absl::StrFormat("#%02x%02x%02x", byte(c.r), byte(c.g), byte(c.b));
}

constexpr Rgb kParticle{0.122, 0.467, 0.706};

// What every frame shares, computed once per animation: the projection, every
// frame and the backdrop projected, and the particles drawn.
struct Prepared {
  Projection projection;
  std::vector<Eigen::MatrixXd> frames;    // n x 2 each
  std::vector<Eigen::MatrixXd> backdrop;  // one per backdrop cloud
  std::vector<Eigen::Index> chosen;
};

// Where one picture of the animation is drawn: its layout and fixed axes.
struct Scene {
  Layout layout;
  Axes axes;
};

std::vector<const Eigen::MatrixXd*> AllPoints(const Animation& a) {
  std::vector<const Eigen::MatrixXd*> sets;
  for (const Eigen::MatrixXd& f : a.frames) sets.push_back(&f);
  for (const Cloud& c : a.backdrop) sets.push_back(&c.points);
  return sets;
}

// Text for an SVG element's content: <, > and & escaped.
std::string XmlEscaped(const std::string& text) {
  return absl::StrReplaceAll(text, {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}});
}

std::string TimeText(const Animation& a, size_t k) {
  const double t = k < a.times.size() ? a.times[k] : static_cast<double>(k);
  return absl::StrFormat("%s = %.4g  (frame %d of %d)", a.time_label, t, k + 1, a.frames.size());
}

Prepared Prepare(const Animation& a) {
  Prepared p;
  p.projection = FitProjection(AllPoints(a));
  for (const Eigen::MatrixXd& f : a.frames) p.frames.push_back(p.projection.Apply(f));
  for (const Cloud& c : a.backdrop) p.backdrop.push_back(p.projection.Apply(c.points));
  p.chosen = ChosenParticles(a.frames.front().rows(), a.max_points);
  return p;
}

// Draws the axes, backdrop and legend; returns the scene the particles go in.
Scene DrawBackground(Canvas& canvas, const Rect& area, const Animation& a, const Prepared& p,
                     Captions captions, bool with_legend) {
  const Eigen::Index n = a.frames.front().rows();
  std::string note = p.projection.Note();
  if (static_cast<Eigen::Index>(p.chosen.size()) < n) {
    note += absl::StrFormat("%s%d of %d particles", note.empty() ? "" : "; ", p.chosen.size(), n);
  }
  if (captions.note.empty()) captions.note = note;
  Scene scene;
  scene.layout = LayOut(canvas, area, captions, false);
  std::vector<const Eigen::MatrixXd*> sets;
  for (const Eigen::MatrixXd& xy : p.frames) sets.push_back(&xy);
  for (const Eigen::MatrixXd& xy : p.backdrop) sets.push_back(&xy);
  scene.axes = FitEqualAxes(scene.layout.plot, sets);
  scene.axes.DrawFrame(canvas, p.projection.AxisLabel(0), p.projection.AxisLabel(1));
  std::vector<LegendEntry> legend;
  for (size_t c = 0; c < a.backdrop.size(); ++c) {
    const Cloud& cloud = a.backdrop[c];
    DrawPoints(canvas, scene.axes, p.backdrop[c], cloud.weights, cloud.color, cloud.mark, 0.45);
    legend.push_back({cloud.label, cloud.color, cloud.mark});
  }
  legend.push_back({"particles", kParticle, Mark::kDot});
  if (with_legend) {
    std::vector<Eigen::MatrixXd> occupied;
    for (const Eigen::MatrixXd& xy : p.frames) occupied.push_back(ToCanvas(scene.axes, xy));
    DrawLegend(canvas, scene.layout.plot, legend, occupied);
  }
  return scene;
}

// The drawn particles of projected frame k.
Eigen::MatrixXd ChosenRows(const Prepared& p, size_t k) {
  Eigen::MatrixXd out(p.chosen.size(), 2);
  for (size_t s = 0; s < p.chosen.size(); ++s) out.row(s) = p.frames[k].row(p.chosen[s]);
  return out;
}

void DrawFrame(Canvas& canvas, const Rect& area, const Animation& a, const Prepared& p,
               const Captions& captions, size_t k, bool with_time) {
  const Scene scene = DrawBackground(canvas, area, a, p, captions, with_time);
  DrawPoints(canvas, scene.axes, ChosenRows(p, k), Eigen::VectorXd(), kParticle, Mark::kDot);
  canvas.SetColor(kBlack);
  const Rect& plot = scene.layout.plot;
  if (with_time) canvas.Text(plot.x + 8, plot.y + 16, TimeText(a, k), 11.0);
}

absl::Status WriteSvg(const std::string& path, double width, double height, const Animation& a,
                      const Prepared& prepared) {
  Scene scene;
  absl::StatusOr<std::string> svg = RenderToSvgString(width, height, [&](Canvas& canvas) {
    scene = DrawBackground(canvas, {0, 0, width, height}, a, prepared, a.captions, true);
  });
  if (!svg.ok()) return svg.status();
  const size_t end = svg->rfind("</svg>");
  if (end == std::string::npos) return absl::InternalError("cairo wrote no </svg>");
  const size_t frames = a.frames.size();
  const std::string dur = absl::StrFormat("%.3fs", a.seconds);
  std::string g =
      absl::StrCat("<g id=\"particles\" fill=\"", Hex(kParticle), "\" fill-opacity=\"0.85\">\n");
  std::vector<Eigen::MatrixXd> xy;
  for (size_t k = 0; k < frames; ++k) xy.push_back(ChosenRows(prepared, k));
  const double r = BaseRadius(static_cast<Eigen::Index>(prepared.chosen.size()));
  const Axes& axes = scene.axes;
  for (size_t s = 0; s < prepared.chosen.size(); ++s) {
    std::string cx, cy;
    for (size_t k = 0; k < frames; ++k) {
      absl::StrAppend(&cx, k ? ";" : "", absl::StrFormat("%.2f", axes.X(xy[k](s, 0))));
      absl::StrAppend(&cy, k ? ";" : "", absl::StrFormat("%.2f", axes.Y(xy[k](s, 1))));
    }
    absl::StrAppend(&g,
                    absl::StrFormat("<circle r=\"%.2f\" cx=\"%.2f\" cy=\"%.2f\">"
                                    "<animate attributeName=\"cx\" values=\"%s\" dur=\"%s\" "
                                    "repeatCount=\"indefinite\"/>"
                                    "<animate attributeName=\"cy\" values=\"%s\" dur=\"%s\" "
                                    "repeatCount=\"indefinite\"/></circle>\n",
                                    r, axes.X(xy[0](s, 0)), axes.Y(xy[0](s, 1)), cx, dur, cy, dur));
  }
  absl::StrAppend(&g, "</g>\n<g id=\"time\" font-family=\"sans-serif\" font-size=\"11\">\n");
  const Rect& p = scene.layout.plot;
  for (size_t k = 0; k < frames; ++k) {
    // Frame k's label is shown for the k-th slice of each pass.
    const double on = static_cast<double>(k) / frames, off = static_cast<double>(k + 1) / frames;
    absl::StrAppend(&g, absl::StrFormat("<text x=\"%.1f\" y=\"%.1f\" opacity=\"%d\">%s"
                                        "<animate attributeName=\"opacity\" values=\"0;1;0\" "
                                        "keyTimes=\"0;%.6f;%.6f\" calcMode=\"discrete\" dur=\"%s\" "
                                        "repeatCount=\"indefinite\"/></text>\n",
                                        p.x + 8, p.y + 16, k == 0 ? 1 : 0,
                                        XmlEscaped(TimeText(a, k)), k == 0 ? 0.0 : on, off, dur));
  }
  absl::StrAppend(&g, "</g>\n");
  svg->insert(end, g);
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << *svg;
  file.close();
  if (!file) return absl::UnavailableError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

absl::Status WriteGif(const std::string& path, double width, double height, double scale,
                      const Animation& a, const Prepared& prepared) {
  const int w = static_cast<int>(std::lround(width * scale));
  const int h = static_cast<int>(std::lround(height * scale));
  // Opened here (not by giflib, which would make it owner-only) with the usual umask.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0)
    return absl::UnavailableError(absl::StrCat("cannot write ", path, ": ", std::strerror(errno)));
  int error = 0;
  GifFileType* gif = EGifOpenFileHandle(fd, &error);
  if (gif == nullptr) {
    ::close(fd);
    return absl::UnavailableError(absl::StrCat("cannot write ", path, ": ", GifErrorString(error)));
  }
  auto fail = [&](const char* what) {
    const int code = gif->Error;
    EGifCloseFile(gif, &error);
    return absl::UnavailableError(
        absl::StrCat("cannot write ", path, " (", what, "): ", GifErrorString(code)));
  };
  EGifSetGifVersion(gif, true);
  if (EGifPutScreenDesc(gif, w, h, 8, 0, nullptr) == GIF_ERROR) return fail("screen");
  static const unsigned char kLoop[3] = {1, 0, 0};  // loop forever
  if (EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR ||
      EGifPutExtensionBlock(gif, 11, "NETSCAPE2.0") == GIF_ERROR ||
      EGifPutExtensionBlock(gif, 3, kLoop) == GIF_ERROR ||
      EGifPutExtensionTrailer(gif) == GIF_ERROR) {
    return fail("loop");
  }
  const int delay = std::max(2, static_cast<int>(std::lround(100.0 * a.seconds / a.frames.size())));
  std::vector<GifByteType> red(static_cast<size_t>(w) * h), green(red.size()), blue(red.size()),
      index(red.size());
  for (size_t k = 0; k < a.frames.size(); ++k) {
    cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t* cr = cairo_create(surface);
    cairo_scale(cr, scale, scale);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    Canvas canvas(cr, width, height);
    DrawFrame(canvas, {0, 0, width, height}, a, prepared, a.captions, k, true);
    cairo_destroy(cr);
    cairo_surface_flush(surface);
    const unsigned char* data = cairo_image_surface_get_data(surface);
    const int stride = cairo_image_surface_get_stride(surface);
    for (int y = 0; y < h; ++y) {
      const auto* row = reinterpret_cast<const uint32_t*>(data + y * stride);
      for (int x = 0; x < w; ++x) {
        const size_t i = static_cast<size_t>(y) * w + x;
        red[i] = (row[x] >> 16) & 0xff;
        green[i] = (row[x] >> 8) & 0xff;
        blue[i] = row[x] & 0xff;
      }
    }
    cairo_surface_destroy(surface);
    ColorMapObject* map = GifMakeMapObject(256, nullptr);
    int colors = 256;
    if (GifQuantizeBuffer(w, h, &colors, red.data(), green.data(), blue.data(), index.data(),
                          map->Colors) == GIF_ERROR) {
      GifFreeMapObject(map);
      return fail("quantize");
    }
    // The quantiser keeps 5 bits per channel (white comes back as 248): stretch back to 255.
    for (int c = 0; c < colors; ++c) {
      GifColorType& e = map->Colors[c];
      auto stretch = [](GifByteType v) {
        return static_cast<GifByteType>(std::min(255L, std::lround(v * 255.0 / 248.0)));
      };
      e.Red = stretch(e.Red);
      e.Green = stretch(e.Green);
      e.Blue = stretch(e.Blue);
    }
    GraphicsControlBlock control{DISPOSAL_UNSPECIFIED, false, delay, NO_TRANSPARENT_COLOR};
    GifByteType extension[4];
    const size_t length = EGifGCBToExtension(&control, extension);
    const bool ok = EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, static_cast<int>(length),
                                     extension) != GIF_ERROR &&
                    EGifPutImageDesc(gif, 0, 0, w, h, false, map) != GIF_ERROR;
    GifFreeMapObject(map);
    if (!ok) return fail("frame");
    for (int y = 0; y < h; ++y) {
      if (EGifPutLine(gif, index.data() + static_cast<size_t>(y) * w, w) == GIF_ERROR) {
        return fail("pixels");
      }
    }
  }
  if (EGifCloseFile(gif, &error) == GIF_ERROR) {
    return absl::UnavailableError(absl::StrCat("cannot write ", path, ": ", GifErrorString(error)));
  }
  return absl::OkStatus();
}

absl::Status WriteStills(const std::string& path, double width, double height, double scale,
                         const Animation& a, const Prepared& prepared) {
  const std::vector<int> still = StillFrames(static_cast<int>(a.frames.size()), 6);
  const int cols = still.size() <= 2 ? static_cast<int>(still.size()) : 3;
  const int rows = static_cast<int>((still.size() + cols - 1) / cols);
  return RenderToFile(path, width, height, scale, [&](Canvas& canvas) {
    Captions top = a.captions;
    const Layout outer =
        LayOut(canvas, {0, 0, width, height}, {top.title, top.subtitle, ""}, false);
    const double y0 = outer.plot.y - 8;
    const double cw = width / cols, ch = (height - y0) / rows;
    for (size_t s = 0; s < still.size(); ++s) {
      const double t = still[s] < static_cast<int>(a.times.size()) ? a.times[still[s]]
                                                                   : static_cast<double>(still[s]);
      const Captions panel{"", absl::StrFormat("%s = %.4g", a.time_label, t), " "};
      const Rect cell{(s % cols) * cw, y0 + (s / cols) * ch, cw, ch};
      DrawFrame(canvas, cell, a, prepared, panel, still[s], false);
    }
    const std::string note = a.captions.note.empty() ? prepared.projection.Note() : a.captions.note;
    if (!note.empty()) {
      canvas.SetColor(kGray);
      canvas.Text(width / 2, height - 6, note, 10.0, Align::kCenter);
    }
  });
}

}  // namespace

std::vector<int> StillFrames(int frames, int k) {
  std::vector<int> out;
  if (frames <= 0 || k <= 0) return out;
  if (frames <= k) {
    for (int i = 0; i < frames; ++i) out.push_back(i);
    return out;
  }
  if (k == 1) return {0};  // (k - 1) below would divide by zero
  for (int s = 0; s < k; ++s)
    out.push_back(static_cast<int>(std::lround(s * (frames - 1.0) / (k - 1))));
  return out;
}

absl::Status WriteAnimation(const std::string& path, double width, double height, double scale,
                            const Animation& a) {
  if (a.frames.empty()) return absl::InvalidArgumentError("the animation has no frames");
  for (const Eigen::MatrixXd& f : a.frames) {
    if (f.rows() != a.frames.front().rows() || f.cols() != a.frames.front().cols()) {
      return absl::InvalidArgumentError("the animation's frames differ in shape");
    }
  }
  const std::string ext = absl::AsciiStrToLower(std::filesystem::path(path).extension().string());
  if (ext != ".svg" && ext != ".gif" && ext != ".png") {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": an animation is written as .svg, .gif or .png (got '", ext, "')"));
  }
  const Prepared prepared = Prepare(a);
  if (ext == ".svg") return WriteSvg(path, width, height, a, prepared);
  if (ext == ".gif") return WriteGif(path, width, height, scale, a, prepared);
  return WriteStills(path, width, height, scale, a, prepared);
}

}  // namespace advect::plot
