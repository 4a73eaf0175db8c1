// Tests of the plotting library (client/plot): ticks and ranges, the data to
// canvas map, colours, the PCA projection, plan and frame selection, and the
// files the charts and animations write (read back with cairo and giflib).
#include <cairo.h>
#include <gif_lib.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "client/plot/animation.h"
#include "client/plot/axes.h"
#include "client/plot/canvas.h"
#include "client/plot/chrome.h"
#include "client/plot/cloud_chart.h"
#include "client/plot/colormap.h"
#include "client/plot/coupling_chart.h"
#include "client/plot/curves_chart.h"
#include "client/plot/heatmap_chart.h"
#include "client/plot/paths_chart.h"
#include "client/plot/projection.h"

namespace advect::plot {
namespace {

namespace fs = std::filesystem;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// ---------------------------------------------------------------------------
// Helpers: temporary directories, files and decoded images.

// A fresh directory per test, removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::random_device seed;
    path_ =
        fs::temp_directory_path() / absl::StrCat("advect_plot_test_", info->test_suite_name(), "_",
                                                 info->name(), "_", ::getpid(), "_", seed());
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

size_t CountOf(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

bool LooksLikeSvg(const std::string& svg) {
  const size_t end = svg.rfind("</svg>");
  return svg.rfind("<?xml", 0) == 0 && svg.find("<svg") != std::string::npos &&
         end != std::string::npos && svg.find_first_not_of(" \t\r\n", end + 6) == std::string::npos;
}

// An 8-bit colour as 0xRRGGBB, rounded from [0, 1] channels.
uint32_t Packed(Rgb c) {
  auto byte = [](double v) {
    return static_cast<uint32_t>(std::lround(std::clamp(v, 0.0, 1.0) * 255));
  };
  return byte(c.r) << 16 | byte(c.g) << 8 | byte(c.b);
}

// `c` drawn with opacity `alpha` over `under`.
Rgb Over(Rgb c, double alpha, Rgb under) {
  return {alpha * c.r + (1 - alpha) * under.r, alpha * c.g + (1 - alpha) * under.g,
          alpha * c.b + (1 - alpha) * under.b};
}

constexpr uint32_t kWhitePixel = 0xffffff;
// The axes' background, and the animations' particles (the first categorical colour).
constexpr Rgb kPlotBackground{0.985, 0.985, 0.985};
constexpr Rgb kParticleBlue{0.122, 0.467, 0.706};

// Decoded pixels, 0xRRGGBB, row by row.
struct Image {
  int width = 0, height = 0;
  std::vector<uint32_t> pixels;

  uint32_t At(int x, int y) const { return pixels[static_cast<size_t>(y) * width + x]; }

  size_t NonWhite() const {
    return static_cast<size_t>(
        std::count_if(pixels.begin(), pixels.end(), [](uint32_t p) { return p != kWhitePixel; }));
  }
  size_t DistinctColours() const { return std::set<uint32_t>(pixels.begin(), pixels.end()).size(); }

  // Pixels within `tol` of `colour` in every channel.
  bool Near(uint32_t p, uint32_t colour, int tol) const {
    for (int shift : {0, 8, 16}) {
      const int a = static_cast<int>((p >> shift) & 0xff),
                b = static_cast<int>((colour >> shift) & 0xff);
      if (std::abs(a - b) > tol) return false;
    }
    return true;
  }
  size_t CountNear(uint32_t colour, int tol) const {
    return static_cast<size_t>(std::count_if(pixels.begin(), pixels.end(),
                                             [&](uint32_t p) { return Near(p, colour, tol); }));
  }

  // The most runs of at least `min_length` consecutive non-white pixels in one
  // row (horizontal) or one column (vertical).
  int MostLongRuns(int min_length, bool horizontal) const {
    const int lines = horizontal ? height : width, length = horizontal ? width : height;
    int most = 0;
    for (int l = 0; l < lines; ++l) {
      int runs = 0, run = 0;
      for (int s = 0; s <= length; ++s) {
        const bool ink = s < length && (horizontal ? At(s, l) : At(l, s)) != kWhitePixel;
        if (ink) {
          ++run;
          continue;
        }
        if (run >= min_length) ++runs;
        run = 0;
      }
      most = std::max(most, runs);
    }
    return most;
  }
};

std::optional<Image> ReadPng(const std::string& path) {
  cairo_surface_t* surface = cairo_image_surface_create_from_png(path.c_str());
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(surface);
    return std::nullopt;
  }
  cairo_surface_flush(surface);
  Image image;
  image.width = cairo_image_surface_get_width(surface);
  image.height = cairo_image_surface_get_height(surface);
  const unsigned char* data = cairo_image_surface_get_data(surface);
  const int stride = cairo_image_surface_get_stride(surface);
  for (int y = 0; y < image.height; ++y) {
    const auto* row = reinterpret_cast<const uint32_t*>(data + static_cast<size_t>(y) * stride);
    for (int x = 0; x < image.width; ++x) image.pixels.push_back(row[x] & 0xffffff);
  }
  cairo_surface_destroy(surface);
  return image;
}

// A GIF decoded by giflib: its screen size, its frames' pixels and delays.
struct Gif {
  int width = 0, height = 0;
  std::vector<Image> frames;
  std::vector<int> delays;  // hundredths of a second
};

std::optional<Gif> ReadGif(const std::string& path) {
  int error = 0;
  GifFileType* file = DGifOpenFileName(path.c_str(), &error);
  if (file == nullptr) return std::nullopt;
  if (DGifSlurp(file) == GIF_ERROR) {
    DGifCloseFile(file, &error);
    return std::nullopt;
  }
  Gif gif;
  gif.width = file->SWidth;
  gif.height = file->SHeight;
  for (int k = 0; k < file->ImageCount; ++k) {
    const SavedImage& saved = file->SavedImages[k];
    const ColorMapObject* map =
        saved.ImageDesc.ColorMap != nullptr ? saved.ImageDesc.ColorMap : file->SColorMap;
    Image image;
    image.width = saved.ImageDesc.Width;
    image.height = saved.ImageDesc.Height;
    for (int i = 0; i < image.width * image.height; ++i) {
      const GifColorType c = map->Colors[saved.RasterBits[i]];
      image.pixels.push_back(static_cast<uint32_t>(c.Red) << 16 |
                             static_cast<uint32_t>(c.Green) << 8 | c.Blue);
    }
    gif.frames.push_back(std::move(image));
    GraphicsControlBlock control;
    gif.delays.push_back(DGifSavedExtensionToGCB(file, k, &control) == GIF_OK ? control.DelayTime
                                                                              : -1);
  }
  DGifCloseFile(file, &error);
  return gif;
}

// Runs `draw` on a throwaway canvas (for functions that lay out as they draw).
void WithScratchCanvas(double width, double height, const std::function<void(Canvas&)>& draw) {
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 8, 8);
  cairo_t* cr = cairo_create(surface);
  Canvas canvas(cr, width, height);
  draw(canvas);
  cairo_destroy(cr);
  cairo_surface_destroy(surface);
}

// Points on a noisy circle, shifted by (dx, dy): n x 2.
Eigen::MatrixXd Ring(int n, double radius, double dx, double dy) {
  Eigen::MatrixXd p(n, 2);
  for (int i = 0; i < n; ++i) {
    const double a = 2 * M_PI * i / n;
    const double r = radius * (1 + 0.1 * std::sin(7.0 * i));
    p(i, 0) = dx + r * std::cos(a);
    p(i, 1) = dy + r * std::sin(a);
  }
  return p;
}

// n x d points with a deterministic spread in every direction.
Eigen::MatrixXd Blob(int n, int d, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  Eigen::MatrixXd p(n, d);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < d; ++j) p(i, j) = normal(rng) * (1.0 + j);
  }
  return p;
}

// ---------------------------------------------------------------------------
// Ticks and tick labels.

TEST(LinearTicks, UnitIntervalInFifths) {
  const std::vector<double> ticks = LinearTicks({0, 1}, 5);
  const std::vector<double> expected = {0, 0.2, 0.4, 0.6, 0.8, 1.0};
  ASSERT_EQ(ticks.size(), expected.size());
  for (size_t i = 0; i < ticks.size(); ++i) EXPECT_NEAR(ticks[i], expected[i], 1e-12) << i;
  EXPECT_EQ(ticks.front(), 0.0);  // exactly zero, so the label reads "0"
}

TEST(LinearTicks, RoundEvenlySpacedAndCoveringTheRange) {
  const std::vector<Range> ranges = {{0, 1},     {-3.7, 12.2}, {1e-6, 3e-6},    {1234, 5678},
                                     {-1, -0.5}, {0, 1e9},     {-0.013, 0.021}, {99.5, 100.5}};
  for (const Range& r : ranges) {
    for (int target : {5, 8}) {
      SCOPED_TRACE(absl::StrFormat("[%g, %g], target %d", r.lo, r.hi, target));
      const std::vector<double> ticks = LinearTicks(r, target);
      ASSERT_GE(ticks.size(), 2u);
      EXPECT_LE(ticks.size(), static_cast<size_t>(target + 1));
      const double step = ticks[1] - ticks[0];
      const double span = r.hi - r.lo;
      // 1, 2 or 5 times a power of ten.
      const double mantissa = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
      EXPECT_TRUE(std::abs(mantissa - 1) < 1e-6 || std::abs(mantissa - 2) < 1e-6 ||
                  std::abs(mantissa - 5) < 1e-6)
          << "step " << step;
      for (size_t i = 0; i < ticks.size(); ++i) {
        EXPECT_GE(ticks[i], r.lo - 1e-9 * span) << i;
        EXPECT_LE(ticks[i], r.hi + 1e-9 * span) << i;
        if (i > 0) {
          EXPECT_NEAR(ticks[i] - ticks[i - 1], step, 1e-6 * step) << i;
        }
      }
      // No tick is missing at either end.
      EXPECT_LT(ticks.front() - r.lo, step * (1 + 1e-9));
      EXPECT_LT(r.hi - ticks.back(), step * (1 + 1e-9));
    }
  }
}

TEST(LinearTicks, EmptyForDegenerateRanges) {
  EXPECT_TRUE(LinearTicks({1, 1}, 5).empty());
  EXPECT_TRUE(LinearTicks({2, 1}, 5).empty());
  EXPECT_TRUE(LinearTicks({0, kInf}, 5).empty());
  EXPECT_TRUE(LinearTicks({kNaN, 1}, 5).empty());
}

// A range narrower than the doubles' resolution at its values (the step then
// does not move a running sum) must still end, with increasing ticks.
TEST(LinearTicks, TerminatesWhenTheStepIsBelowResolution) {
  const Range r{1e16, 1e16 + 4};
  const std::vector<double> ticks = LinearTicks(r, 5);
  ASSERT_FALSE(ticks.empty());
  EXPECT_LE(ticks.size(), 6u);
  for (size_t i = 0; i < ticks.size(); ++i) {
    EXPECT_GE(ticks[i], r.lo);
    EXPECT_LE(ticks[i], r.hi);
    if (i > 0) {
      EXPECT_GT(ticks[i], ticks[i - 1]);
    }
  }
}

TEST(LogTicks, PowersOfTenOverManyDecades) {
  const Range r{1e-9, 1};
  const std::vector<double> ticks = LogTicks(r);
  ASSERT_GE(ticks.size(), 2u);
  EXPECT_LE(ticks.size(), 10u);
  const double ratio = ticks[1] / ticks[0];
  for (size_t i = 0; i < ticks.size(); ++i) {
    const double e = std::log10(ticks[i]);
    EXPECT_NEAR(e, std::round(e), 1e-9) << ticks[i];
    EXPECT_GE(ticks[i], r.lo * (1 - 1e-9));
    EXPECT_LE(ticks[i], r.hi * (1 + 1e-9));
    if (i > 0) {
      EXPECT_NEAR(ticks[i] / ticks[i - 1], ratio, 1e-9 * ratio) << i;
    }
  }
}

TEST(LogTicks, EveryDecadeWhenFew) {
  const std::vector<double> ticks = LogTicks({1, 1000});
  ASSERT_EQ(ticks.size(), 4u);
  EXPECT_NEAR(ticks[0], 1, 1e-12);
  EXPECT_NEAR(ticks[1], 10, 1e-10);
  EXPECT_NEAR(ticks[2], 100, 1e-9);
  EXPECT_NEAR(ticks[3], 1000, 1e-8);
}

TEST(LogTicks, LinearWhenFewerThanTwoPowersFit) {
  EXPECT_EQ(LogTicks({2, 5}), LinearTicks({2, 5}, 4));
  EXPECT_EQ(LogTicks({3, 30}), LinearTicks({3, 30}, 4));  // only 10 fits
  EXPECT_TRUE(LogTicks({0, 1}).empty());                  // not a log range
  EXPECT_TRUE(LogTicks({-1, 10}).empty());
}

TEST(TickLabel, Formats) {
  EXPECT_EQ(TickLabel(0, 0.2), "0");
  EXPECT_EQ(TickLabel(0.25, 0.05), "0.25");
  EXPECT_EQ(TickLabel(1e-7, 1e-7), "1e-07");
  EXPECT_EQ(TickLabel(1.5e6, 5e5), "1.5e+06");
  EXPECT_EQ(TickLabel(3, 1), "3");
  EXPECT_EQ(TickLabel(1234, 1000), "1234");
  EXPECT_EQ(TickLabel(-0.5, 0.5), "-0.5");
  EXPECT_EQ(TickLabel(0.6000000000000001, 0.2), "0.6");  // a tick summed from 0.2 steps
}

// ---------------------------------------------------------------------------
// Data ranges.

TEST(DataRange, PadsByAFractionOfTheWidth) {
  const Range r = DataRange(std::vector<double>{0, 4, 10}, 0.1);
  EXPECT_DOUBLE_EQ(r.lo, -1);
  EXPECT_DOUBLE_EQ(r.hi, 11);
  const Range unpadded = DataRange(std::vector<double>{3, -2, 7}, 0.0);
  EXPECT_DOUBLE_EQ(unpadded.lo, -2);
  EXPECT_DOUBLE_EQ(unpadded.hi, 7);
}

TEST(DataRange, SingleValueGetsAWidthAroundIt) {
  for (double v : {3.0, 0.0, -250.0, 1e9}) {
    const Range r = DataRange(std::vector<double>{v, v}, 0.1);
    EXPECT_LT(r.lo, v);
    EXPECT_GT(r.hi, v);
    EXPECT_NEAR((r.lo + r.hi) / 2, v, 1e-9 * std::max(1.0, std::abs(v)));
  }
  const Range empty = DataRange(std::vector<double>{}, 0.1);
  EXPECT_LT(empty.lo, empty.hi);
  EXPECT_TRUE(std::isfinite(empty.lo) && std::isfinite(empty.hi));
}

TEST(DataRange, IgnoresNonFiniteValues) {
  const Range r = DataRange(std::vector<double>{1, kNaN, kInf, -kInf, 2}, 0.0);
  EXPECT_DOUBLE_EQ(r.lo, 1);
  EXPECT_DOUBLE_EQ(r.hi, 2);
  const Range none = DataRange(std::vector<double>{kNaN, kInf}, 0.1);
  EXPECT_TRUE(std::isfinite(none.lo) && std::isfinite(none.hi));
  EXPECT_LT(none.lo, none.hi);
}

TEST(DataRange, PositiveOnlyIgnoresNonPositiveAndPadsInLog) {
  const Range r = DataRange(std::vector<double>{-5, 0, 1, 100}, 0.0, true);
  EXPECT_DOUBLE_EQ(r.lo, 1);
  EXPECT_DOUBLE_EQ(r.hi, 100);
  // Half the log-width (one decade of two) on each side.
  const Range padded = DataRange(std::vector<double>{1, 100}, 0.5, true);
  EXPECT_NEAR(padded.lo, 0.1, 1e-12);
  EXPECT_NEAR(padded.hi, 1000, 1e-9);
  for (const std::vector<double>& values :
       {std::vector<double>{-1, 0}, std::vector<double>{}, std::vector<double>{4}}) {
    const Range q = DataRange(values, 0.1, true);
    EXPECT_GT(q.lo, 0);
    EXPECT_LT(q.lo, q.hi);
  }
}

TEST(DataRange, MatrixOverloadAndUnion) {
  Eigen::MatrixXd m(2, 3);
  m << 1, kNaN, -3, 5, kInf, 2;
  const Range r = DataRange(m, 0.0);
  EXPECT_DOUBLE_EQ(r.lo, -3);
  EXPECT_DOUBLE_EQ(r.hi, 5);
  const Range u = Union({0, 1}, {-2, 0.5});
  EXPECT_DOUBLE_EQ(u.lo, -2);
  EXPECT_DOUBLE_EQ(u.hi, 1);
}

// ---------------------------------------------------------------------------
// Axes: data to canvas coordinates.

TEST(Axes, MapsTheRangeOntoTheAreaWithYUp) {
  const Rect area{10, 20, 200, 100};
  const Axes axes(area, {0, 4}, {-1, 1});
  EXPECT_DOUBLE_EQ(axes.X(0), 10);
  EXPECT_DOUBLE_EQ(axes.X(4), 210);
  EXPECT_DOUBLE_EQ(axes.X(1), 60);
  EXPECT_DOUBLE_EQ(axes.Y(-1), 120);  // the bottom edge
  EXPECT_DOUBLE_EQ(axes.Y(1), 20);    // the top edge
  EXPECT_DOUBLE_EQ(axes.Y(0), 70);
}

TEST(Axes, EqualHasTheSameUnitsPerPointInBothDirections) {
  struct Case {
    Rect area;
    Range x, y;
  };
  for (const Case& c :
       {Case{{0, 0, 400, 200}, {0, 1}, {0, 1}}, Case{{30, 10, 100, 300}, {-2, 2}, {5, 6}},
        Case{{0, 0, 250, 250}, {0, 10}, {0, 1}}}) {
    const Axes axes = Axes::Equal(c.area, c.x, c.y);
    const double x_scale = axes.X(1) - axes.X(0);
    const double y_scale = axes.Y(0) - axes.Y(1);
    EXPECT_GT(x_scale, 0);
    EXPECT_NEAR(x_scale, y_scale, 1e-9 * x_scale);
    // The data ranges still fit, centred.
    EXPECT_LE(axes.x_range().lo, c.x.lo + 1e-12);
    EXPECT_GE(axes.x_range().hi, c.x.hi - 1e-12);
    EXPECT_LE(axes.y_range().lo, c.y.lo + 1e-12);
    EXPECT_GE(axes.y_range().hi, c.y.hi - 1e-12);
    EXPECT_NEAR(axes.X((c.x.lo + c.x.hi) / 2), c.area.x + c.area.w / 2, 1e-9);
    EXPECT_NEAR(axes.Y((c.y.lo + c.y.hi) / 2), c.area.y + c.area.h / 2, 1e-9);
    // And one of them fills its direction.
    const bool x_tight = std::abs(axes.x_range().hi - axes.x_range().lo - (c.x.hi - c.x.lo)) < 1e-9;
    const bool y_tight = std::abs(axes.y_range().hi - axes.y_range().lo - (c.y.hi - c.y.lo)) < 1e-9;
    EXPECT_TRUE(x_tight || y_tight);
  }
}

TEST(Axes, LogAxesMapDecadesEvenly) {
  const Rect area{0, 0, 300, 200};
  const Axes axes(area, {1, 1000}, {1e-3, 1}, true, true);
  EXPECT_NEAR(axes.X(1), 0, 1e-9);
  EXPECT_NEAR(axes.X(10), 100, 1e-9);
  EXPECT_NEAR(axes.X(100), 200, 1e-9);
  EXPECT_NEAR(axes.X(1000), 300, 1e-9);
  EXPECT_NEAR(axes.Y(1e-3), 200, 1e-9);
  EXPECT_NEAR(axes.Y(1e-2) - axes.Y(1e-1), axes.Y(1e-1) - axes.Y(1), 1e-9);
  EXPECT_NEAR(axes.Y(1), 0, 1e-9);
}

TEST(Axes, LogFallsBackToLinearWithoutAPositiveRange) {
  const Axes axes({0, 0, 100, 100}, {0, 10}, {-1, 1}, true, true);
  EXPECT_DOUBLE_EQ(axes.X(5), 50);
  EXPECT_DOUBLE_EQ(axes.Y(0), 50);
}

TEST(FitPointView, EveryPointLandsInsideThePlotWithEqualUnits) {
  const Rect plot{50, 40, 300, 200};
  const Eigen::MatrixXd a = Ring(30, 2.0, 5, -1);
  const Eigen::MatrixXd b = Ring(20, 0.5, -3, 4);
  const PointView view = FitPointView(plot, {&a, &b});
  EXPECT_NEAR(view.axes.X(1) - view.axes.X(0), view.axes.Y(0) - view.axes.Y(1), 1e-9);
  for (const Eigen::MatrixXd* m : {&a, &b}) {
    for (Eigen::Index i = 0; i < m->rows(); ++i) {
      const double x = view.axes.X((*m)(i, 0)), y = view.axes.Y((*m)(i, 1));
      EXPECT_GT(x, plot.x);
      EXPECT_LT(x, plot.right());
      EXPECT_GT(y, plot.y);
      EXPECT_LT(y, plot.bottom());
    }
  }
}

TEST(CloudHelpers, BaseRadiusAndUnequalWeights) {
  EXPECT_LE(BaseRadius(1), 5.0);
  EXPECT_GE(BaseRadius(1000000), 1.0);
  EXPECT_GE(BaseRadius(10), BaseRadius(100));
  EXPECT_GE(BaseRadius(100), BaseRadius(1000));
  EXPECT_GT(BaseRadius(10), BaseRadius(1000));
  EXPECT_FALSE(HasUnequalWeights(Eigen::VectorXd()));
  EXPECT_FALSE(HasUnequalWeights(Eigen::VectorXd::Constant(5, 0.2)));
  EXPECT_TRUE(HasUnequalWeights((Eigen::VectorXd(3) << 0.2, 0.3, 0.5).finished()));
}

// ---------------------------------------------------------------------------
// Colours.

double Luminance(Rgb c) { return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b; }

TEST(Viridis, DarkPurpleToYellow) {
  const Rgb lo = Viridis(0);
  EXPECT_LT(Luminance(lo), 0.15);
  EXPECT_GT(lo.b, lo.g);  // purple: red and blue over green
  EXPECT_GT(lo.r, lo.g);
  const Rgb hi = Viridis(1);
  EXPECT_GT(hi.r, 0.9);
  EXPECT_GT(hi.g, 0.85);
  EXPECT_LT(hi.b, 0.25);
}

TEST(Viridis, BrightensSteadilyAndStaysInGamut) {
  double previous = -1;
  for (int k = 0; k <= 100; ++k) {
    const Rgb c = Viridis(k / 100.0);
    for (double v : {c.r, c.g, c.b}) {
      EXPECT_GE(v, 0.0);
      EXPECT_LE(v, 1.0);
    }
    EXPECT_GT(Luminance(c), previous) << k;
    previous = Luminance(c);
  }
}

TEST(Viridis, ClampsOutsideTheUnitIntervalAndForNaN) {
  auto same = [](Rgb a, Rgb b) { return a.r == b.r && a.g == b.g && a.b == b.b; };
  EXPECT_TRUE(same(Viridis(-0.5), Viridis(0)));
  EXPECT_TRUE(same(Viridis(-kInf), Viridis(0)));
  EXPECT_TRUE(same(Viridis(kNaN), Viridis(0)));
  EXPECT_TRUE(same(Viridis(1.5), Viridis(1)));
  EXPECT_TRUE(same(Viridis(kInf), Viridis(1)));
}

TEST(Categorical, TenDistinctColoursCycled) {
  std::set<uint32_t> distinct;
  for (int k = 0; k < 10; ++k) distinct.insert(Packed(Categorical(k)));
  EXPECT_EQ(distinct.size(), 10u);
  for (int k = -25; k <= 25; ++k) {
    EXPECT_EQ(Packed(Categorical(k)), Packed(Categorical(k + 10))) << k;
  }
  EXPECT_EQ(Packed(Categorical(-1)), Packed(Categorical(9)));
  EXPECT_EQ(Packed(Categorical(-10)), Packed(Categorical(0)));
}

// ---------------------------------------------------------------------------
// Projection of points onto the plane.

TEST(Projection, TwoDimensionsAreShownAsTheyAre) {
  const Eigen::MatrixXd points = Ring(12, 1.0, 3, -2);
  const Projection p = FitProjection({&points});
  EXPECT_EQ(p.input_dim, 2);
  EXPECT_EQ(p.Note(), "");
  EXPECT_EQ(p.AxisLabel(0), "x1");
  EXPECT_EQ(p.AxisLabel(1), "x2");
  EXPECT_TRUE(p.Apply(points).isApprox(points));
}

TEST(Projection, OneDimensionGoesOnALine) {
  const Eigen::MatrixXd points = (Eigen::MatrixXd(4, 1) << -1, 0.5, 2, 7).finished();
  const Projection p = FitProjection({&points});
  EXPECT_EQ(p.input_dim, 1);
  EXPECT_EQ(p.Note(), "");
  EXPECT_EQ(p.AxisLabel(0), "x");
  const Eigen::MatrixXd xy = p.Apply(points);
  ASSERT_EQ(xy.rows(), 4);
  ASSERT_EQ(xy.cols(), 2);
  EXPECT_TRUE(xy.col(0).isApprox(points.col(0)));
  EXPECT_TRUE(xy.col(1).isZero());
}

// 3-D points: variance 9 along u1 = (1,1,0)/sqrt2, 1 along u2 = (0,0,1), and
// isotropic noise of variance 0.25. The covariance's eigenvalues are 9.25,
// 1.25 and 0.25: the plane of u1, u2 holds 10.5 / 10.75 of the variance.
Eigen::MatrixXd StretchedCloud(unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  const Eigen::RowVector3d centre(5, -2, 1);
  const Eigen::RowVector3d u1 = Eigen::RowVector3d(1, 1, 0) / std::sqrt(2.0);
  const Eigen::RowVector3d u2(0, 0, 1);
  Eigen::MatrixXd points(4000, 3);
  for (Eigen::Index i = 0; i < points.rows(); ++i) {
    const double t1 = 3.0 * normal(rng), t2 = normal(rng);
    Eigen::RowVector3d noise;
    for (int j = 0; j < 3; ++j) noise(j) = 0.5 * normal(rng);
    points.row(i) = centre + t1 * u1 + t2 * u2 + noise;
  }
  return points;
}

TEST(Projection, PrincipalAxesOfAStretchedCloud) {
  const Eigen::MatrixXd points = StretchedCloud(7);
  const Projection p = FitProjection({&points});
  EXPECT_EQ(p.input_dim, 3);
  ASSERT_EQ(p.basis.rows(), 3);
  ASSERT_EQ(p.basis.cols(), 2);
  const Eigen::Vector3d u1 = Eigen::Vector3d(1, 1, 0) / std::sqrt(2.0);
  // Both entries of u1 are equal: either way the largest is positive.
  EXPECT_LT((p.basis.col(0) - u1).cwiseAbs().maxCoeff(), 0.03) << p.basis;
  EXPECT_LT((p.basis.col(1) - Eigen::Vector3d(0, 0, 1)).cwiseAbs().maxCoeff(), 0.05) << p.basis;
  EXPECT_TRUE((p.basis.transpose() * p.basis).isApprox(Eigen::Matrix2d::Identity(), 1e-10));
  EXPECT_NEAR(p.explained, 10.5 / 10.75, 0.01);
  EXPECT_LT((p.mean - Eigen::RowVector3d(5, -2, 1)).cwiseAbs().maxCoeff(), 0.15);

  // Apply: centred, onto the basis.
  const Eigen::RowVector3d q = p.mean + 2.0 * u1.transpose() + 1.0 * Eigen::RowVector3d(0, 0, 1);
  const Eigen::MatrixXd xy = p.Apply(q);
  EXPECT_NEAR(xy(0, 0), 2.0, 0.1);
  EXPECT_NEAR(xy(0, 1), 1.0, 0.1);

  EXPECT_EQ(p.AxisLabel(0), "PC1");
  EXPECT_EQ(p.AxisLabel(1), "PC2");
  const std::string note = p.Note();
  EXPECT_NE(note.find("3-D"), std::string::npos) << note;
  EXPECT_NE(note.find("98%"), std::string::npos) << note;  // 10.5 / 10.75 = 97.7%
}

TEST(Projection, SamePointsSamePicture) {
  const Eigen::MatrixXd points = StretchedCloud(11);
  const Projection a = FitProjection({&points});
  const Projection b = FitProjection({&points});
  EXPECT_EQ(a.basis, b.basis);
  EXPECT_EQ(a.mean, b.mean);
  EXPECT_EQ(a.explained, b.explained);
  // The mirrored cloud has the same covariance, so the same axes with the same
  // signs (LargestEntryOfEachAxisIsPositive checks the convention itself).
  const Eigen::MatrixXd flipped = -points;
  const Projection c = FitProjection({&flipped});
  EXPECT_TRUE(c.basis.isApprox(a.basis, 1e-12)) << c.basis << "\nvs\n" << a.basis;
  EXPECT_TRUE(c.mean.isApprox(-a.mean, 1e-12));
}

TEST(Projection, LargestEntryOfEachAxisIsPositive) {
  // 4-D, stretched along (-0.8, 0.6, 0, 0): shown along (0.8, -0.6, 0, 0).
  std::mt19937 rng(3);
  std::normal_distribution<double> normal(0.0, 1.0);
  const Eigen::RowVector4d u(-0.8, 0.6, 0, 0);
  Eigen::MatrixXd points(2000, 4);
  for (Eigen::Index i = 0; i < points.rows(); ++i) {
    Eigen::RowVector4d noise;
    for (int j = 0; j < 4; ++j) noise(j) = (j == 3 ? 0.8 : 0.2) * normal(rng);
    points.row(i) = 4.0 * normal(rng) * u + noise;
  }
  for (const Eigen::MatrixXd& cloud : {Eigen::MatrixXd(points), Eigen::MatrixXd(-points)}) {
    const Projection p = FitProjection({&cloud});
    EXPECT_LT((p.basis.col(0) - Eigen::Vector4d(0.8, -0.6, 0, 0)).cwiseAbs().maxCoeff(), 0.03)
        << p.basis;
    for (int k = 0; k < 2; ++k) {
      Eigen::Index arg;
      p.basis.col(k).cwiseAbs().maxCoeff(&arg);
      EXPECT_GT(p.basis(arg, k), 0) << p.basis;
    }
    EXPECT_NE(p.Note().find("4-D"), std::string::npos);
  }
}

TEST(Projection, PoolsSeveralClouds) {
  // Two tight 3-D clusters far apart along the third axis: PC1 joins them.
  Eigen::MatrixXd a = 0.1 * Blob(50, 3, 1), b = 0.1 * Blob(60, 3, 2);
  a.col(2).array() += 5;
  b.col(2).array() -= 5;
  const Projection p = FitProjection({&a, &b});
  EXPECT_EQ(p.input_dim, 3);
  EXPECT_GT(std::abs(p.basis(2, 0)), 0.99) << p.basis;
  EXPECT_GT(p.explained, 0.99);
  const Eigen::MatrixXd pa = p.Apply(a), pb = p.Apply(b);
  EXPECT_GT(std::abs(pa.col(0).mean() - pb.col(0).mean()), 9.0);
}

// ---------------------------------------------------------------------------
// Plan entries, particles and frames to show.

TEST(PlanEntries, DenseSkipsZerosAndNegatives) {
  Eigen::MatrixXd plan(2, 3);
  plan << 0, 0.2, 0, 0.3, 0, -0.1;
  const std::vector<PlanEntry> entries = DensePlanEntries(plan);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].i, 0);
  EXPECT_EQ(entries[0].j, 1);
  EXPECT_DOUBLE_EQ(entries[0].mass, 0.2);
  EXPECT_EQ(entries[1].i, 1);
  EXPECT_EQ(entries[1].j, 0);
  EXPECT_DOUBLE_EQ(entries[1].mass, 0.3);
  EXPECT_TRUE(DensePlanEntries(Eigen::MatrixXd::Zero(3, 3)).empty());
}

TEST(PlanEntries, HeaviestFirstWithTheirShareOfTheMass) {
  const std::vector<PlanEntry> entries = {
      {0, 0, 0.1}, {0, 1, 0.4}, {1, 0, 0.05}, {1, 1, 0.3}, {2, 0, 0.15}};
  double share = -1;
  const std::vector<PlanEntry> top = HeaviestEntries(entries, 2, &share);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].i, 0);
  EXPECT_EQ(top[0].j, 1);
  EXPECT_DOUBLE_EQ(top[0].mass, 0.4);
  EXPECT_EQ(top[1].i, 1);
  EXPECT_EQ(top[1].j, 1);
  EXPECT_DOUBLE_EQ(top[1].mass, 0.3);
  EXPECT_NEAR(share, 0.7, 1e-12);

  const std::vector<PlanEntry> all = HeaviestEntries(entries, 100, &share);
  ASSERT_EQ(all.size(), entries.size());
  for (size_t k = 1; k < all.size(); ++k) EXPECT_GE(all[k - 1].mass, all[k].mass);
  EXPECT_NEAR(share, 1.0, 1e-12);

  EXPECT_TRUE(HeaviestEntries(entries, 0, &share).empty());
  EXPECT_EQ(share, 0.0);
  EXPECT_EQ(HeaviestEntries(entries, 3, nullptr).size(), 3u);  // the share is optional
  EXPECT_TRUE(HeaviestEntries({}, 5, &share).empty());
  EXPECT_EQ(share, 0.0);
}

TEST(PlanEntries, TiesKeepAStableOrder) {
  const std::vector<PlanEntry> entries = {{2, 1, 0.25}, {0, 3, 0.25}, {0, 1, 0.25}, {1, 0, 0.25}};
  const std::vector<PlanEntry> top = HeaviestEntries(entries, 4, nullptr);
  ASSERT_EQ(top.size(), 4u);
  EXPECT_EQ(std::make_pair(top[0].i, top[0].j), std::make_pair(0, 1));
  EXPECT_EQ(std::make_pair(top[1].i, top[1].j), std::make_pair(0, 3));
  EXPECT_EQ(std::make_pair(top[2].i, top[2].j), std::make_pair(1, 0));
  EXPECT_EQ(std::make_pair(top[3].i, top[3].j), std::make_pair(2, 1));
}

TEST(ChosenParticles, AllWhenTheyFitElseEvenlySpread) {
  EXPECT_EQ(ChosenParticles(4, 10), (std::vector<Eigen::Index>{0, 1, 2, 3}));
  EXPECT_EQ(ChosenParticles(5, 5), (std::vector<Eigen::Index>{0, 1, 2, 3, 4}));
  EXPECT_TRUE(ChosenParticles(0, 10).empty());
  EXPECT_TRUE(ChosenParticles(10, 0).empty());
  EXPECT_EQ(ChosenParticles(1000, 10),
            (std::vector<Eigen::Index>{0, 100, 200, 300, 400, 500, 600, 700, 800, 900}));
  const std::vector<Eigen::Index> chosen = ChosenParticles(1001, 7);
  ASSERT_EQ(chosen.size(), 7u);
  EXPECT_EQ(chosen.front(), 0);
  for (size_t s = 1; s < chosen.size(); ++s) {
    EXPECT_GT(chosen[s], chosen[s - 1]);
    EXPECT_NEAR(static_cast<double>(chosen[s] - chosen[s - 1]), 1001.0 / 7, 1.0);
  }
  EXPECT_LT(chosen.back(), 1001);
}

TEST(StillFrames, FirstAndLastEvenlySpreadNoDuplicates) {
  EXPECT_EQ(StillFrames(10, 4), (std::vector<int>{0, 3, 6, 9}));
  for (int frames : {2, 6, 7, 13, 100, 1001}) {
    for (int k : {2, 3, 6}) {
      SCOPED_TRACE(absl::StrFormat("%d frames, k = %d", frames, k));
      const std::vector<int> still = StillFrames(frames, k);
      ASSERT_EQ(still.size(), static_cast<size_t>(std::min(frames, k)));
      EXPECT_EQ(still.front(), 0);
      EXPECT_EQ(still.back(), frames - 1);
      const double gap = (frames - 1.0) / (still.size() - 1);
      for (size_t s = 1; s < still.size(); ++s) {
        EXPECT_GT(still[s], still[s - 1]);  // no duplicates
        EXPECT_NEAR(still[s] - still[s - 1], gap, 1.0);
      }
    }
  }
}

TEST(StillFrames, FewerFramesThanKGivesThemAll) {
  EXPECT_EQ(StillFrames(3, 6), (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(StillFrames(1, 6), (std::vector<int>{0}));
  EXPECT_TRUE(StillFrames(0, 6).empty());
  EXPECT_TRUE(StillFrames(5, 0).empty());
  const std::vector<int> one = StillFrames(5, 1);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_GE(one[0], 0);
  EXPECT_LT(one[0], 5);
}

// ---------------------------------------------------------------------------
// Curves: when a log axis is possible.

TEST(CanUseLogY, OnlyWithPositiveValues) {
  CurvePanel panel;
  panel.series = {{"a", {0, 1, 2}, {1e-8, 0.5, 3}}, {"b", {0, 1}, {2, 7}}};
  EXPECT_TRUE(CanUseLogY(panel));
  panel.series[1].y[0] = 0;
  EXPECT_FALSE(CanUseLogY(panel));
  panel.series[1].y[0] = -1e-12;
  EXPECT_FALSE(CanUseLogY(panel));
  panel.series[1].y[0] = kNaN;  // not finite: ignored
  EXPECT_TRUE(CanUseLogY(panel));
  panel.log_y = false;  // not asked for
  EXPECT_FALSE(CanUseLogY(panel));
  CurvePanel empty;
  EXPECT_FALSE(CanUseLogY(empty));  // nothing to place on it
}

// ---------------------------------------------------------------------------
// Canvas and rendering to files.

TEST(FormatForPath, ByExtension) {
  ASSERT_TRUE(FormatForPath("out/figure.png").ok());
  EXPECT_EQ(*FormatForPath("out/figure.png"), ImageFormat::kPng);
  EXPECT_EQ(*FormatForPath("FIGURE.SVG"), ImageFormat::kSvg);
  for (const char* bad : {"figure.jpg", "figure", "png", "figure.png.txt"}) {
    EXPECT_EQ(FormatForPath(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(RenderToFile, PngHasTheScaledSizeAndTheDrawing) {
  TempDir dir;
  const std::string path = dir.File("rect.png");
  ASSERT_TRUE(RenderToFile(path, 120, 80, 2.0, [](Canvas& c) {
                EXPECT_EQ(c.width(), 120);
                EXPECT_EQ(c.height(), 80);
                c.SetColor({1, 0, 0});
                c.FillRect({30, 20, 60, 40});
              }).ok());
  const std::optional<Image> image = ReadPng(path);
  ASSERT_TRUE(image.has_value());
  EXPECT_EQ(image->width, 240);
  EXPECT_EQ(image->height, 160);
  EXPECT_EQ(image->At(120, 80), 0xff0000u);  // inside the rectangle, in pixels
  EXPECT_EQ(image->At(60, 40), 0xff0000u);
  EXPECT_EQ(image->At(59, 40), kWhitePixel);  // just outside it
  EXPECT_EQ(image->At(0, 0), kWhitePixel);
  EXPECT_EQ(image->At(239, 159), kWhitePixel);
  EXPECT_EQ(image->NonWhite(), 120u * 80u);  // 60 x 40 points at 2 pixels per point
}

TEST(RenderToFile, NothingDrawnIsAllWhite) {
  TempDir dir;
  const std::string path = dir.File("blank.png");
  ASSERT_TRUE(RenderToFile(path, 50, 30, 1.0, [](Canvas&) {}).ok());
  const std::optional<Image> image = ReadPng(path);
  ASSERT_TRUE(image.has_value());
  EXPECT_EQ(image->width, 50);
  EXPECT_EQ(image->height, 30);
  EXPECT_EQ(image->NonWhite(), 0u);
}

TEST(RenderToFile, SvgDocument) {
  TempDir dir;
  const std::string path = dir.File("line.svg");
  ASSERT_TRUE(RenderToFile(path, 120, 80, 2.0, [](Canvas& c) {
                c.SetColor(kBlack);
                c.Line(0, 0, 120, 80, 1.0);
              }).ok());
  const std::string svg = ReadFile(path);
  EXPECT_TRUE(LooksLikeSvg(svg)) << svg.substr(0, 200);
  EXPECT_NE(svg.find("viewBox=\"0 0 120 80\""), std::string::npos) << svg.substr(0, 400);

  const absl::StatusOr<std::string> in_memory = RenderToSvgString(120, 80, [](Canvas& c) {
    c.SetColor(kBlack);
    c.Line(0, 0, 120, 80, 1.0);
  });
  ASSERT_TRUE(in_memory.ok()) << in_memory.status();
  EXPECT_TRUE(LooksLikeSvg(*in_memory));
}

TEST(RenderToFile, BadExtensionIsInvalidArgument) {
  TempDir dir;
  const std::string path = dir.File("figure.jpg");
  const absl::Status status = RenderToFile(path, 100, 100, 1.0, [](Canvas&) {});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_FALSE(fs::exists(path));
}

TEST(RenderToFile, UnwritablePathIsAnErrorNamingIt) {
  TempDir dir;
  for (const char* name : {"missing/figure.png", "missing/figure.svg"}) {
    const std::string path = dir.File(name);
    const absl::Status status = RenderToFile(path, 100, 100, 1.0, [](Canvas& c) {
      c.SetColor(kBlack);
      c.FillRect({10, 10, 50, 50});
    });
    EXPECT_FALSE(status.ok()) << name;
    EXPECT_NE(status.code(), absl::StatusCode::kInvalidArgument) << status;
    EXPECT_NE(status.message().find(path), std::string::npos) << status;
  }
}

TEST(Canvas, ClipLimitsDrawingUntilReset) {
  TempDir dir;
  const std::string path = dir.File("clip.png");
  ASSERT_TRUE(RenderToFile(path, 100, 100, 1.0, [](Canvas& c) {
                c.Clip({10, 10, 20, 20});
                c.SetColor(kBlack);
                c.FillRect({0, 0, 100, 100});
                c.ResetClip();
                // ResetClip restores cairo's whole state, the colour too: set it again.
                c.SetColor(kBlack);
                c.FillRect({50, 50, 10, 10});
              }).ok());
  const std::optional<Image> image = ReadPng(path);
  ASSERT_TRUE(image.has_value());
  EXPECT_EQ(image->NonWhite(), 20u * 20u + 10u * 10u);
  EXPECT_EQ(image->At(15, 15), 0u);
  EXPECT_EQ(image->At(55, 55), 0u);
  EXPECT_EQ(image->At(40, 40), kWhitePixel);
}

TEST(Canvas, TextIsAnchoredByAlignment) {
  TempDir dir;
  struct Case {
    Align align;
    const char* name;
  };
  for (const Case& c : {Case{Align::kLeft, "left.png"}, Case{Align::kCenter, "center.png"},
                        Case{Align::kRight, "right.png"}}) {
    const std::string path = dir.File(c.name);
    double width = 0;
    ASSERT_TRUE(RenderToFile(path, 300, 40, 1.0, [&](Canvas& canvas) {
                  canvas.SetColor(kBlack);
                  width = canvas.TextWidth("Hello, plot", 16);
                  canvas.Text(150, 28, "Hello, plot", 16, c.align);
                }).ok());
    const std::optional<Image> image = ReadPng(path);
    ASSERT_TRUE(image.has_value());
    ASSERT_GT(image->NonWhite(), 30u) << c.name;
    int min_x = image->width, max_x = -1;
    for (int y = 0; y < image->height; ++y) {
      for (int x = 0; x < image->width; ++x) {
        if (image->At(x, y) == kWhitePixel) continue;
        min_x = std::min(min_x, x);
        max_x = std::max(max_x, x);
      }
    }
    EXPECT_GT(width, 40);
    EXPECT_NEAR(max_x - min_x, width, 6) << c.name;
    const double expected_left = c.align == Align::kLeft     ? 150
                                 : c.align == Align::kCenter ? 150 - width / 2
                                                             : 150 - width;
    EXPECT_NEAR(min_x, expected_left, 4) << c.name;
  }
}

// ---------------------------------------------------------------------------
// Layout, legend and colour bar.

TEST(Chrome, LayOutLeavesRoomForCaptionsAndColorbar) {
  const Rect area{0, 0, 600, 400};
  WithScratchCanvas(600, 400, [&](Canvas& canvas) {
    const Layout bare = LayOut(canvas, area, {}, false);
    const Layout titled = LayOut(canvas, area, {"Title", "subtitle", "a note"}, false);
    const Layout barred = LayOut(canvas, area, {"Title", "", ""}, true);
    for (const Layout& l : {bare, titled, barred}) {
      EXPECT_GE(l.plot.x, area.x);
      EXPECT_GE(l.plot.y, area.y);
      EXPECT_LE(l.plot.right(), area.right());
      EXPECT_LE(l.plot.bottom(), area.bottom());
      EXPECT_GT(l.plot.w, 100);
      EXPECT_GT(l.plot.h, 100);
    }
    EXPECT_GT(titled.plot.y, bare.plot.y);                // room for the title
    EXPECT_LT(titled.plot.bottom(), bare.plot.bottom());  // and the note
    EXPECT_EQ(bare.colorbar.w, 0);
    EXPECT_GT(barred.colorbar.w, 0);
    EXPECT_GT(barred.colorbar.x, barred.plot.right());  // beside the plot
    EXPECT_LE(barred.colorbar.right(), area.right());
    // The whole-canvas overload is the same as the canvas-sized area.
    const Layout whole = LayOut(canvas, {"Title", "", ""}, true);
    EXPECT_EQ(whole.plot.x, barred.plot.x);
    EXPECT_EQ(whole.plot.w, barred.plot.w);
    EXPECT_EQ(whole.plot.h, barred.plot.h);
  });
}

TEST(Chrome, LegendSitsInTheTopRightCorner) {
  TempDir dir;
  const std::string path = dir.File("legend.png");
  const Rect plot{20, 20, 360, 260};
  ASSERT_TRUE(RenderToFile(path, 400, 300, 2.0, [&](Canvas& c) {
                DrawLegend(c, plot,
                           {{"red line", {1, 0, 0}, Mark::kLine},
                            {"green dot", {0, 1, 0}, Mark::kDot},
                            {"blue cross", {0, 0, 1}, Mark::kCross}});
              }).ok());
  const std::optional<Image> image = ReadPng(path);
  ASSERT_TRUE(image.has_value());
  for (uint32_t colour : {0xff0000u, 0x00ff00u, 0x0000ffu}) {
    size_t count = 0;
    for (int y = 0; y < image->height; ++y) {
      for (int x = 0; x < image->width; ++x) {
        if (image->At(x, y) != colour) continue;
        ++count;
        EXPECT_GT(x, 2 * (plot.x + plot.w / 2)) << std::hex << colour;
        EXPECT_LT(y, 2 * (plot.y + plot.h / 2)) << std::hex << colour;
      }
    }
    EXPECT_GT(count, 10u) << std::hex << colour;
  }
}

TEST(Chrome, LegendMovesToTheCornerWithFewestPoints) {
  TempDir dir;
  const std::string path = dir.File("legend_moved.png");
  const Rect plot{20, 20, 360, 260};
  // Points fill the whole top half: the legend goes to the bottom right.
  Eigen::MatrixXd occupied(200, 2);
  for (int i = 0; i < 200; ++i) occupied.row(i) << 25 + 1.75 * i, 25 + (i % 10) * 10.0;
  ASSERT_TRUE(RenderToFile(path, 400, 300, 2.0, [&](Canvas& c) {
                DrawLegend(c, plot, {{"red line", {1, 0, 0}, Mark::kLine}}, {occupied});
              }).ok());
  const std::optional<Image> image = ReadPng(path);
  ASSERT_TRUE(image.has_value());
  size_t count = 0;
  for (int y = 0; y < image->height; ++y) {
    for (int x = 0; x < image->width; ++x) {
      if (image->At(x, y) != 0xff0000u) continue;
      ++count;
      EXPECT_GT(x, 2 * (plot.x + plot.w / 2));
      EXPECT_GT(y, 2 * (plot.y + plot.h / 2));
    }
  }
  EXPECT_GT(count, 10u);
}

TEST(Chrome, ColorbarRunsFromDarkAtTheBottomToBrightAtTheTop) {
  TempDir dir;
  const std::string path = dir.File("colorbar.png");
  const Rect bar{20, 20, 20, 200};
  ASSERT_TRUE(RenderToFile(path, 120, 240, 1.0, [&](Canvas& c) {
                DrawColorbar(c, bar, {0, 3}, "density");
              }).ok());
  const std::optional<Image> image = ReadPng(path);
  ASSERT_TRUE(image.has_value());
  auto luminance = [](uint32_t p) {
    return 0.2126 * (p >> 16 & 0xff) + 0.7152 * (p >> 8 & 0xff) + 0.0722 * (p & 0xff);
  };
  double previous = -1;
  for (int y = 215; y >= 25; y -= 10) {  // bottom to top, inside the bar
    const double l = luminance(image->At(30, y));
    EXPECT_GT(l, previous) << y;
    previous = l;
  }
  EXPECT_TRUE(image->Near(image->At(30, 218), Packed(Viridis(0)), 8));
  EXPECT_TRUE(image->Near(image->At(30, 22), Packed(Viridis(1)), 12));
  // Tick labels right of the bar.
  size_t ink = 0;
  for (int y = 0; y < image->height; ++y) {
    for (int x = 45; x < 80; ++x) ink += image->At(x, y) != kWhitePixel;
  }
  EXPECT_GT(ink, 50u);
}

// ---------------------------------------------------------------------------
// Charts, each rendered to PNG and SVG.

constexpr double kWidth = 480, kHeight = 360, kScale = 1.5;

// Renders `draw` over the whole page to name.png and name.svg, checks both
// files, and returns the PNG.
Image RenderBoth(const TempDir& dir, const std::string& name,
                 const std::function<void(Canvas&, const Rect&)>& draw) {
  const Rect page{0, 0, kWidth, kHeight};
  const std::string png = dir.File(name + ".png"), svg = dir.File(name + ".svg");
  const DrawFunction f = [&](Canvas& c) { draw(c, page); };
  EXPECT_TRUE(RenderToFile(png, kWidth, kHeight, kScale, f).ok()) << name;
  EXPECT_TRUE(RenderToFile(svg, kWidth, kHeight, kScale, f).ok()) << name;
  const std::string text = ReadFile(svg);
  EXPECT_TRUE(LooksLikeSvg(text)) << name;
  EXPECT_GT(text.size(), 2000u) << name;
  std::optional<Image> image = ReadPng(png);
  EXPECT_TRUE(image.has_value()) << name;
  if (!image.has_value()) return Image{};
  EXPECT_EQ(image->width, static_cast<int>(kWidth * kScale)) << name;
  EXPECT_EQ(image->height, static_cast<int>(kHeight * kScale)) << name;
  // A chart, not a blank page: the plot's background alone is a third of it.
  EXPECT_GT(image->NonWhite(), image->pixels.size() / 4) << name;
  EXPECT_GT(image->DistinctColours(), 20u) << name;
  return *image;
}

CloudChart TwoClouds() {
  CloudChart chart;
  chart.captions = {"Two clouds", "job 1", ""};
  Cloud a{"source", Ring(40, 1.0, 0, 0), Eigen::VectorXd(), Categorical(0), Mark::kDot};
  Cloud b{"target", Ring(30, 1.5, 3, 1), Eigen::VectorXd::LinSpaced(30, 1, 3), Categorical(1),
          Mark::kCross};
  chart.clouds = {a, b};
  return chart;
}

TEST(CloudChart, RendersBothCloudsInTheirColours) {
  TempDir dir;
  const CloudChart chart = TwoClouds();
  const Image image = RenderBoth(
      dir, "cloud", [&](Canvas& c, const Rect& page) { DrawCloudChart(c, page, chart); });
  // The points are drawn at 85% opacity over the plot's near-white background.
  EXPECT_GT(image.CountNear(Packed(Over(Categorical(0), 0.85, kPlotBackground)), 3), 100u);
  EXPECT_GT(image.CountNear(Packed(Over(Categorical(1), 0.85, kPlotBackground)), 3), 50u);

  // Without clouds, neither colour is there: the check above can fail.
  CloudChart empty;
  empty.captions = chart.captions;
  const Image blank = RenderBoth(
      dir, "cloud_empty", [&](Canvas& c, const Rect& page) { DrawCloudChart(c, page, empty); });
  EXPECT_EQ(blank.CountNear(Packed(Over(Categorical(0), 0.85, kPlotBackground)), 3), 0u);
}

TEST(CloudChart, HigherDimensionsAreProjected) {
  TempDir dir;
  CloudChart chart;
  chart.captions.title = "5-D";
  chart.clouds = {{"a", Blob(200, 5, 1), Eigen::VectorXd(), Categorical(0), Mark::kDot},
                  {"b", (Blob(100, 5, 2).array() + 2.0).matrix(), Eigen::VectorXd(), Categorical(2),
                   Mark::kCross}};
  RenderBoth(dir, "cloud5", [&](Canvas& c, const Rect& page) { DrawCloudChart(c, page, chart); });
}

TEST(CouplingChart, SegmentsAreDrawnForThePlan) {
  TempDir dir;
  CouplingChart chart;
  chart.captions.title = "Coupling";
  chart.x = Ring(10, 1.0, 0, 0);
  chart.y = Ring(12, 1.0, 4, 2);
  chart.a = Eigen::VectorXd::Constant(10, 0.1);
  chart.b = Eigen::VectorXd::LinSpaced(12, 1, 2);
  chart.b /= chart.b.sum();
  Eigen::MatrixXd plan(10, 12);
  for (int i = 0; i < 10; ++i) {
    for (int j = 0; j < 12; ++j) plan(i, j) = std::exp(-std::abs(i - j)) / 100;
  }
  chart.plan = DensePlanEntries(plan);
  chart.max_segments = 50;
  const Image with_plan = RenderBoth(
      dir, "coupling", [&](Canvas& c, const Rect& page) { DrawCouplingChart(c, page, chart); });
  CouplingChart no_plan = chart;
  no_plan.plan.clear();
  no_plan.captions.note = chart.captions.note = "same note";  // only the segments differ
  const Image with_plan_noted = RenderBoth(dir, "coupling_noted", [&](Canvas& c, const Rect& page) {
    DrawCouplingChart(c, page, chart);
  });
  const Image without = RenderBoth(dir, "coupling_bare", [&](Canvas& c, const Rect& page) {
    DrawCouplingChart(c, page, no_plan);
  });
  size_t differ = 0;
  for (size_t k = 0; k < without.pixels.size(); ++k) {
    differ += without.pixels[k] != with_plan_noted.pixels[k];
  }
  EXPECT_GT(differ, 2000u);
  EXPECT_EQ(with_plan.width, without.width);
}

TEST(CouplingChart, ThreeDimensionsAndOutOfRangeEntries) {
  TempDir dir;
  CouplingChart chart;
  chart.x = Blob(15, 3, 4);
  chart.y = (Blob(15, 3, 5).array() + 1.0).matrix();
  chart.plan = {{0, 0, 0.5}, {14, 14, 0.25}, {15, 0, 0.1}, {-1, 3, 0.1}, {2, 99, 0.05}};
  RenderBoth(dir, "coupling3",
             [&](Canvas& c, const Rect& page) { DrawCouplingChart(c, page, chart); });
}

PathsChart Spirals(int n, int frames, int d) {
  PathsChart chart;
  chart.captions.title = "Paths";
  for (int k = 0; k < frames; ++k) {
    const double t = static_cast<double>(k) / (frames - 1);
    Eigen::MatrixXd f(n, d);
    for (int i = 0; i < n; ++i) {
      const double a = 2 * M_PI * i / n + 2 * t;
      for (int j = 0; j < d; ++j) {
        f(i, j) = (1 + t) * (j % 2 == 0 ? std::cos(a + j) : std::sin(a + j)) + 0.1 * j * i / n;
      }
    }
    chart.frames.push_back(f);
    chart.times.push_back(t);
  }
  return chart;
}

TEST(PathsChart, RendersPathsWithAColourbar) {
  TempDir dir;
  PathsChart chart = Spirals(30, 12, 2);
  chart.overlays = {
      {"target", Ring(25, 2.0, 0, 0), Eigen::VectorXd(), Categorical(1), Mark::kCross}};
  const Image image = RenderBoth(
      dir, "paths", [&](Canvas& c, const Rect& page) { DrawPathsChart(c, page, chart); });
  // The colour bar's lowest step is drawn opaque in (almost) Viridis(0).
  EXPECT_GT(image.CountNear(Packed(Viridis(0.5 / 64)), 2), 20u);
}

TEST(PathsChart, ManyParticlesInThreeDimensionsAndReverseTime) {
  TempDir dir;
  PathsChart chart = Spirals(500, 6, 3);
  std::reverse(chart.times.begin(), chart.times.end());  // t from 1 down to 0
  chart.max_paths = 40;
  RenderBoth(dir, "paths3", [&](Canvas& c, const Rect& page) { DrawPathsChart(c, page, chart); });
}

TEST(HeatmapChart, CellsAreWhereTheGridSaysYUp) {
  TempDir dir;
  HeatmapChart chart;
  chart.captions.title = "Density";
  chart.values = Eigen::MatrixXd::Zero(4, 3);  // 4 x-grid points, 3 y-grid points
  chart.values(3, 2) = 1.0;                    // largest x, largest y: top right
  chart.values(3, 0) = 0.5;                    // largest x, smallest y: bottom right
  chart.x = {0, 3};
  chart.y = {0, 2};
  const Image image = RenderBoth(
      dir, "heatmap", [&](Canvas& c, const Rect& page) { DrawHeatmapChart(c, page, chart); });
  Rect plot;
  WithScratchCanvas(kWidth, kHeight, [&](Canvas& c) {
    plot = LayOut(c, {0, 0, kWidth, kHeight}, chart.captions, true).plot;
  });
  const double cell_w = plot.w / 4 * kScale, cell_h = plot.h / 3 * kScale;
  const double left = plot.x * kScale, top = plot.y * kScale;
  // Every pixel of a value's exact colour lies in that value's cell.
  auto check_cell = [&](double value, int i, int j) {
    const uint32_t colour = Packed(Viridis(value));
    const double x0 = left + i * cell_w, x1 = x0 + cell_w;
    const double y0 = top + (2 - j) * cell_h, y1 = y0 + cell_h;  // row j counted from the bottom
    size_t inside = 0, outside = 0;
    for (int y = 0; y < image.height; ++y) {
      for (int x = 0; x < image.width; ++x) {
        if (image.At(x, y) != colour) continue;
        (x >= x0 - 1 && x <= x1 + 1 && y >= y0 - 1 && y <= y1 + 1 ? inside : outside)++;
      }
    }
    EXPECT_GT(inside, static_cast<size_t>(0.8 * cell_w * cell_h)) << value;
    EXPECT_EQ(outside, 0u) << value;
  };
  check_cell(1.0, 3, 2);
  check_cell(0.5, 3, 0);
  // The zeros fill the other ten cells.
  EXPECT_GT(image.CountNear(Packed(Viridis(0)), 0), static_cast<size_t>(9 * cell_w * cell_h));
}

TEST(HeatmapChart, NonFiniteAndDegenerateValues) {
  TempDir dir;
  HeatmapChart chart;
  chart.values = Eigen::MatrixXd::Constant(5, 5, 2.0);
  chart.values(1, 1) = kNaN;
  chart.values(2, 2) = kInf;
  chart.x = {-1, 1};
  chart.y = {-1, 1};
  RenderBoth(dir, "heatmap_nan",
             [&](Canvas& c, const Rect& page) { DrawHeatmapChart(c, page, chart); });
  chart.values = Eigen::MatrixXd::Constant(1, 1, 0.0);  // one cell, all zero
  RenderBoth(dir, "heatmap_one",
             [&](Canvas& c, const Rect& page) { DrawHeatmapChart(c, page, chart); });
}

TEST(CurvesChart, StackedPanelsInSeriesColours) {
  TempDir dir;
  CurvesChart chart;
  chart.captions.title = "Convergence";
  chart.x_label = "iteration";
  CurvePanel error{"marginal error", {}, true};
  CurvePanel cost{"cost", {}, true};
  Series fast{"fast", {}, {}}, slow{"slow", {}, {}}, signed_cost{"cost", {}, {}};
  for (int i = 0; i < 100; ++i) {
    fast.x.push_back(i);
    fast.y.push_back(std::exp(-0.2 * i));
    slow.x.push_back(i);
    slow.y.push_back(std::exp(-0.05 * i));
    signed_cost.x.push_back(i);
    signed_cost.y.push_back(std::cos(0.1 * i));  // crosses zero: linear
  }
  error.series = {fast, slow};
  cost.series = {signed_cost};
  chart.panels = {error, cost};
  EXPECT_TRUE(CanUseLogY(error));
  EXPECT_FALSE(CanUseLogY(cost));
  const Image image = RenderBoth(
      dir, "curves", [&](Canvas& c, const Rect& page) { DrawCurvesChart(c, page, chart); });
  // 1.6-point lines at 1.5 pixels per point have pixels of the series' exact colour.
  EXPECT_GT(image.CountNear(Packed(Categorical(0)), 2), 50u);
  EXPECT_GT(image.CountNear(Packed(Categorical(1)), 2), 50u);
}

TEST(CurvesChart, LogXAndAwkwardSeries) {
  TempDir dir;
  CurvesChart chart;
  chart.log_x = true;
  chart.x_label = "step";
  chart.panels = {
      {"loss",
       {{"a", {0, 1, 10, 100, 1000}, {1, kNaN, 0.1, 0.01, kInf}}, {"short", {1, 2, 3}, {5}}}},
      {"empty", {}}};
  RenderBoth(dir, "curves_log",
             [&](Canvas& c, const Rect& page) { DrawCurvesChart(c, page, chart); });
}

TEST(Charts, EmptyInputsDoNotCrash) {
  TempDir dir;
  RenderBoth(dir, "empty_cloud",
             [](Canvas& c, const Rect& page) { DrawCloudChart(c, page, CloudChart{}); });
  RenderBoth(dir, "empty_coupling",
             [](Canvas& c, const Rect& page) { DrawCouplingChart(c, page, CouplingChart{}); });
  RenderBoth(dir, "empty_paths",
             [](Canvas& c, const Rect& page) { DrawPathsChart(c, page, PathsChart{}); });
  RenderBoth(dir, "empty_heatmap",
             [](Canvas& c, const Rect& page) { DrawHeatmapChart(c, page, HeatmapChart{}); });
  // Curves without panels draw only the captions.
  const Rect page{0, 0, kWidth, kHeight};
  EXPECT_TRUE(RenderToFile(dir.File("empty_curves.png"), kWidth, kHeight, 1.0, [&](Canvas& c) {
                DrawCurvesChart(c, page, CurvesChart{});
              }).ok());
}

// ---------------------------------------------------------------------------
// Animations.

// n particles in 2-D, particle i starting at (i, 0) and moving by (+1, +0.5)
// per frame.
Animation Drift(int n, int frames) {
  Animation a;
  a.captions.title = "Drift";
  for (int k = 0; k < frames; ++k) {
    Eigen::MatrixXd f(n, 2);
    for (int i = 0; i < n; ++i) {
      f(i, 0) = i + 1.0 * k;
      f(i, 1) = 0.3 * i + 0.5 * k;
    }
    a.frames.push_back(f);
    a.times.push_back(0.1 * k);
  }
  a.backdrop = {
      {"target", Ring(10, 1.0, n, frames), Eigen::VectorXd(), Categorical(1), Mark::kCross}};
  return a;
}

// The values="..." lists of the <animate> elements of `attribute`, split.
std::vector<std::vector<double>> AnimatedValues(const std::string& svg,
                                                const std::string& attribute) {
  std::vector<std::vector<double>> out;
  const std::string key = absl::StrCat("attributeName=\"", attribute, "\" values=\"");
  for (size_t at = svg.find(key); at != std::string::npos; at = svg.find(key, at + 1)) {
    const size_t begin = at + key.size();
    const size_t end = svg.find('"', begin);
    std::vector<double> values;
    for (absl::string_view v : absl::StrSplit(svg.substr(begin, end - begin), ';')) {
      values.push_back(std::stod(std::string(v)));
    }
    out.push_back(values);
  }
  return out;
}

TEST(Animation, SvgAnimatesEachParticleThroughEveryFrame) {
  TempDir dir;
  const std::string path = dir.File("drift.svg");
  Animation a = Drift(5, 7);
  a.seconds = 2.5;
  ASSERT_TRUE(WriteAnimation(path, kWidth, kHeight, 1.0, a).ok());
  const std::string svg = ReadFile(path);
  EXPECT_TRUE(LooksLikeSvg(svg));
  // Two <animate> per particle (cx, cy) and one per frame for the time label.
  EXPECT_EQ(CountOf(svg, "<animate "), 2u * 5u + 7u);
  EXPECT_EQ(CountOf(svg, "dur=\"2.500s\""), 2u * 5u + 7u);
  const auto cx = AnimatedValues(svg, "cx"), cy = AnimatedValues(svg, "cy");
  ASSERT_EQ(cx.size(), 5u);
  ASSERT_EQ(cy.size(), 5u);
  for (size_t s = 0; s < 5; ++s) {
    ASSERT_EQ(cx[s].size(), 7u);
    ASSERT_EQ(cy[s].size(), 7u);
    for (size_t k = 1; k < 7; ++k) {
      EXPECT_GT(cx[s][k], cx[s][k - 1]);  // moving right
      EXPECT_LT(cy[s][k], cy[s][k - 1]);  // moving up: y decreases on the page
      // Equal units: (+1, +0.5) per frame is twice as far across as up.
      EXPECT_NEAR(cx[s][k] - cx[s][k - 1], 2 * (cy[s][k - 1] - cy[s][k]), 0.05);
    }
    for (double v : cx[s]) {
      EXPECT_GE(v, 0);
      EXPECT_LE(v, kWidth);
    }
  }
  // The time labels, one per frame.
  EXPECT_EQ(CountOf(svg, "attributeName=\"opacity\""), 7u);
  EXPECT_NE(svg.find("frame 7 of 7"), std::string::npos);
}

TEST(Animation, SvgShowsAtMostMaxPoints) {
  TempDir dir;
  const std::string path = dir.File("many.svg");
  Animation a = Drift(30, 3);
  a.max_points = 7;
  ASSERT_TRUE(WriteAnimation(path, kWidth, kHeight, 1.0, a).ok());
  const std::string svg = ReadFile(path);
  EXPECT_EQ(AnimatedValues(svg, "cx").size(), 7u);
  EXPECT_EQ(AnimatedValues(svg, "cy").size(), 7u);
}

TEST(Animation, SvgEscapesTheTimeLabel) {
  TempDir dir;
  const std::string path = dir.File("label.svg");
  Animation a = Drift(3, 2);
  a.time_label = "t<1 & s";
  ASSERT_TRUE(WriteAnimation(path, kWidth, kHeight, 1.0, a).ok());
  const std::string svg = ReadFile(path);
  EXPECT_EQ(svg.find("t<1 & s"), std::string::npos) << "unescaped text makes the SVG invalid XML";
  EXPECT_NE(svg.find("t&lt;1 &amp; s"), std::string::npos);
}

TEST(Animation, GifHasOneLoopingImagePerFrame) {
  TempDir dir;
  const double scale = 0.5;
  std::vector<uintmax_t> sizes;
  for (int frames : {3, 8}) {
    SCOPED_TRACE(absl::StrCat(frames, " frames"));
    const std::string path = dir.File(absl::StrCat("drift", frames, ".gif"));
    Animation a = Drift(6, frames);
    a.seconds = 4.0;
    ASSERT_TRUE(WriteAnimation(path, kWidth, kHeight, scale, a).ok());
    const std::string bytes = ReadFile(path);
    EXPECT_EQ(bytes.substr(0, 6), "GIF89a");
    EXPECT_NE(bytes.find("NETSCAPE2.0"), std::string::npos);  // the loop block
    EXPECT_EQ(bytes.back(), '\x3b');                          // the trailer
    sizes.push_back(fs::file_size(path));

    const std::optional<Gif> gif = ReadGif(path);
    ASSERT_TRUE(gif.has_value());
    EXPECT_EQ(gif->width, static_cast<int>(kWidth * scale));
    EXPECT_EQ(gif->height, static_cast<int>(kHeight * scale));
    ASSERT_EQ(gif->frames.size(), static_cast<size_t>(frames));
    for (int k = 0; k < frames; ++k) {
      EXPECT_EQ(gif->frames[k].width, gif->width);
      EXPECT_EQ(gif->frames[k].height, gif->height);
      // Not blank. (The palette has 5 bits per channel: white comes back as
      // 0xf8f8f8, so count dark and particle-coloured pixels instead.)
      const Image& frame = gif->frames[k];
      const size_t dark = static_cast<size_t>(std::count_if(
          frame.pixels.begin(), frame.pixels.end(),
          [](uint32_t p) { return (p >> 16 & 0xff) + (p >> 8 & 0xff) + (p & 0xff) < 3 * 128; }));
      EXPECT_GT(dark, 50u) << k;  // text, frame, ticks
      EXPECT_GT(frame.CountNear(Packed(Over(kParticleBlue, 0.85, kPlotBackground)), 20), 20u) << k;
      EXPECT_GT(frame.DistinctColours(), 20u) << k;
      EXPECT_EQ(gif->delays[k], std::lround(100.0 * a.seconds / frames)) << k;
    }
    // The particles move: the first and last frames differ.
    EXPECT_NE(gif->frames.front().pixels, gif->frames.back().pixels);
  }
  EXPECT_GT(sizes[1], sizes[0]);
}

TEST(Animation, PngIsSmallMultiplesOfChosenFrames) {
  TempDir dir;
  const double scale = 1.0;
  struct Case {
    int frames, columns, rows;
  };
  // StillFrames(., 6): 1 frame -> 1 panel; 2 -> 2 side by side; 9 -> 6 in 3 x 2.
  for (const Case& c : {Case{1, 1, 1}, Case{2, 2, 1}, Case{9, 3, 2}}) {
    SCOPED_TRACE(absl::StrCat(c.frames, " frames"));
    const std::string path = dir.File(absl::StrCat("still", c.frames, ".png"));
    ASSERT_TRUE(WriteAnimation(path, 900, 600, scale, Drift(4, c.frames)).ok());
    const std::optional<Image> image = ReadPng(path);
    ASSERT_TRUE(image.has_value());
    EXPECT_EQ(image->width, 900);
    EXPECT_EQ(image->height, 600);
    EXPECT_GT(image->NonWhite(), image->pixels.size() / 5);
    // Each panel's plot is a long unbroken non-white run across a row (and down a column).
    EXPECT_EQ(image->MostLongRuns(120, true), c.columns);
    EXPECT_EQ(image->MostLongRuns(120, false), c.rows);
  }
}

TEST(Animation, InvalidInputsAreInvalidArgument) {
  TempDir dir;
  Animation none;
  EXPECT_EQ(WriteAnimation(dir.File("none.svg"), 300, 200, 1.0, none).code(),
            absl::StatusCode::kInvalidArgument);
  Animation rows = Drift(4, 3);
  rows.frames[1] = Eigen::MatrixXd::Zero(5, 2);
  EXPECT_EQ(WriteAnimation(dir.File("rows.gif"), 300, 200, 1.0, rows).code(),
            absl::StatusCode::kInvalidArgument);
  Animation cols = Drift(4, 3);
  cols.frames[2] = Eigen::MatrixXd::Zero(4, 3);
  EXPECT_EQ(WriteAnimation(dir.File("cols.png"), 300, 200, 1.0, cols).code(),
            absl::StatusCode::kInvalidArgument);
  const std::string txt = dir.File("drift.txt");
  EXPECT_EQ(WriteAnimation(txt, 300, 200, 1.0, Drift(4, 3)).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(txt));
  EXPECT_FALSE(fs::exists(dir.File("none.svg")));
}

TEST(Animation, UnwritablePathIsUnavailable) {
  TempDir dir;
  for (const char* name : {"missing/a.svg", "missing/a.gif", "missing/a.png"}) {
    const absl::Status status = WriteAnimation(dir.File(name), 300, 200, 0.5, Drift(3, 2));
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << name << ": " << status;
  }
}

TEST(Animation, HigherDimensionsAndNoParticles) {
  TempDir dir;
  Animation a;
  for (int k = 0; k < 3; ++k) a.frames.push_back(Blob(40, 4, k) * (1 + 0.5 * k));
  for (const char* name : {"blob.svg", "blob.gif", "blob.png"}) {
    EXPECT_TRUE(WriteAnimation(dir.File(name), 300, 200, 0.5, a).ok()) << name;
    EXPECT_GT(fs::file_size(dir.File(name)), 500u) << name;
  }
  Animation empty;
  empty.frames = {Eigen::MatrixXd(0, 2), Eigen::MatrixXd(0, 2)};
  for (const char* name : {"empty.svg", "empty.gif", "empty.png"}) {
    EXPECT_TRUE(WriteAnimation(dir.File(name), 300, 200, 0.5, empty).ok()) << name;
  }
}

}  // namespace
}  // namespace advect::plot
