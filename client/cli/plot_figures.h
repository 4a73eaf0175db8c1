// Which figures a job's data supports and how each is built from a
// PlotSource: clouds, couplings, paths, animations, heat maps, curves.
#ifndef ADVECT_CLIENT_CLI_PLOT_FIGURES_H_
#define ADVECT_CLIENT_CLI_PLOT_FIGURES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "client/cli/plot_source.h"

namespace advect::cli {

enum class FigureKind { kCloud, kCoupling, kPaths, kAnimation, kHeatmap, kCurves };

std::string FigureName(FigureKind kind);  // "cloud", "coupling", ...
// A usage error listing the names when `name` is none of them.
absl::StatusOr<FigureKind> ParseFigureKind(const std::string& name);

// The figures `source` has the data for, the most telling first.
std::vector<FigureKind> AvailableFigures(const PlotSource& source);

// Why `kind` cannot be drawn from `source` (e.g. "a coupling needs the source
// points x: pass --x"); empty when it can.
std::string MissingData(const PlotSource& source, FigureKind kind);

struct FigureOptions {
  double width = 720, height = 540;     // points
  double scale = 2.0;                   // PNG pixels per point
  std::string title;                    // replaces the default title
  std::optional<std::string> subtitle;  // replaces the default "job ID" line
  int max_segments = 600;
  int max_paths = 400;
  double seconds = 6.0;  // one pass of an animation
};

// Draws `kind` to `path` (.png or .svg; an animation also .gif). Usage errors
// for a wrong extension or missing data, input errors when the file cannot
// be written.
absl::Status RenderFigure(const PlotSource& source, FigureKind kind, const std::string& path,
                          const FigureOptions& options);

}  // namespace advect::cli

#endif  // ADVECT_CLIENT_CLI_PLOT_FIGURES_H_
