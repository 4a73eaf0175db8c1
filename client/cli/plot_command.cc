#include "client/cli/plot_command.h"

#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/cli/common_flags.h"
#include "client/cli/errors.h"
#include "client/cli/input_files.h"
#include "client/cli/plot_source.h"
#ifdef ADVECT_HAVE_PLOT
#include "client/cli/plot_figures.h"
#endif

namespace advect::cli {

#ifndef ADVECT_HAVE_PLOT

absl::Status RunPlot(const Context&, const ParsedFlags&) {
  return UsageError(
      "plot: this advect was built without plotting; install libcairo2-dev and libgif-dev "
      "(scripts/install-deps does) and rebuild");
}

#else

namespace {

absl::StatusOr<FigureOptions> Options(const ParsedFlags& flags) {
  FigureOptions o;
  std::optional<double> width, height, scale, seconds;
  for (auto [name, out] : {std::pair{"width", &width}, std::pair{"height", &height},
                           std::pair{"scale", &scale}, std::pair{"seconds", &seconds}}) {
    if (absl::Status s = OptionalDouble(flags, name, out); !s.ok()) return s;
  }
  if (width && !(*width >= 200 && *width <= 4000))
    return UsageError("--width: must be in [200, 4000] points");
  if (height && !(*height >= 150 && *height <= 4000)) {
    return UsageError("--height: must be in [150, 4000] points");
  }
  if (scale && !(*scale >= 0.25 && *scale <= 8)) return UsageError("--scale: must be in [0.25, 8]");
  if (seconds && !(*seconds >= 0.5 && *seconds <= 600)) {
    return UsageError("--seconds: must be in [0.5, 600]");
  }
  o.width = width.value_or(o.width);
  o.height = height.value_or(o.height);
  o.scale = scale.value_or(o.scale);
  o.seconds = seconds.value_or(o.seconds);
  if (absl::Status s = OptionalInt32(flags, "max-segments", 1, &o.max_segments); !s.ok()) return s;
  if (absl::Status s = OptionalInt32(flags, "max-paths", 1, &o.max_paths); !s.ok()) return s;
  o.title = flags.Get("title").value_or("");
  if (auto subtitle = flags.Get("subtitle")) o.subtitle = *subtitle;
  return o;
}

// --x/--y/--a/--b given on the command line replace or supply the job's inputs.
absl::Status AddInputFiles(const ParsedFlags& flags, PlotSource* source) {
  for (const char* name : {"x", "y"}) {
    if (auto path = flags.Get(name)) {
      absl::StatusOr<Array> points = LoadPoints(absl::StrCat("--", name), *path);
      if (!points.ok()) return points.status();
      source->inputs[name] = *std::move(points);
    }
  }
  for (auto [name, of] : {std::pair{"a", "x"}, std::pair{"b", "y"}}) {
    if (auto path = flags.Get(name)) {
      const Array* points = source->Input(of);
      if (points == nullptr) return UsageError(absl::StrCat("--", name, ": needs --", of));
      absl::StatusOr<Array> w =
          LoadWeights(absl::StrCat("--", name), *path, points->values.rows(),
                      absl::StrCat("--", of, " has ", points->values.rows(), " points"));
      if (!w.ok()) return w.status();
      source->inputs[name] = *std::move(w);
    }
  }
  return absl::OkStatus();
}

void Print(const Context& context, const std::vector<std::string>& written) {
  if (context.globals.json) {
    std::vector<std::string> quoted;
    for (const std::string& w : written) quoted.push_back(absl::StrCat("\"", w, "\""));
    std::fprintf(context.out, "{\"written\": [%s]}\n", absl::StrJoin(quoted, ", ").c_str());
  } else {
    for (const std::string& w : written) std::fprintf(context.out, "%s\n", w.c_str());
  }
}

}  // namespace

absl::Status RunPlot(const Context& context, const ParsedFlags& flags) {
  const bool by_id = !flags.positionals.empty();
  const std::string from = flags.Get("from").value_or("");
  if (by_id == flags.Has("from")) {
    return UsageError(by_id ? "plot: give a job ID or --from DIR, not both"
                            : "plot: give a job ID or --from DIR (an --out directory)");
  }
  if (flags.Has("from") && from.empty()) return UsageError("--from: empty directory name");
  const std::string output = flags.Get("output").value_or("");
  const std::string output_dir = flags.Get("output-dir").value_or("");
  if (output.empty() == output_dir.empty()) {
    return UsageError("plot: give --output FILE (one figure) or --output-dir DIR (all of them)");
  }
  std::optional<FigureKind> figure;
  if (auto name = flags.Get("figure")) {
    absl::StatusOr<FigureKind> parsed = ParseFigureKind(*name);
    if (!parsed.ok()) return parsed.status();
    figure = *parsed;
  }
  absl::StatusOr<FigureOptions> options = Options(flags);
  if (!options.ok()) return options.status();

  absl::StatusOr<PlotSource> source =
      by_id ? LoadJobSource(context, flags.positionals.front()) : LoadDirSource(from);
  if (!source.ok()) return source.status();
  if (absl::Status s = AddInputFiles(flags, &*source); !s.ok()) return s;

  const std::vector<FigureKind> available = AvailableFigures(*source);
  std::vector<std::string> written;
  if (!output.empty()) {
    if (!figure) {
      if (available.empty()) {
        return UsageError(absl::StrCat("plot: nothing to draw for a ", source->kind, " job"));
      }
      figure = available.front();
    }
    if (absl::Status s = RenderFigure(*source, *figure, output, *options); !s.ok()) return s;
    written.push_back(output);
  } else {
    std::error_code ec;
    std::filesystem::create_directories(output_dir, ec);
    if (ec || !std::filesystem::is_directory(output_dir)) {
      return InputError(absl::StrCat("--output-dir: cannot create directory ", output_dir));
    }
    std::vector<FigureKind> kinds = available;
    if (figure) kinds = {*figure};
    if (kinds.empty()) {
      return UsageError(absl::StrCat("plot: nothing to draw for a ", source->kind, " job"));
    }
    for (FigureKind kind : kinds) {
      std::vector<std::string> extensions = {".png", ".svg"};
      if (kind == FigureKind::kAnimation) extensions.push_back(".gif");
      for (const std::string& ext : extensions) {
        const std::string path =
            (std::filesystem::path(output_dir) / (FigureName(kind) + ext)).string();
        if (absl::Status s = RenderFigure(*source, kind, path, *options); !s.ok()) return s;
        written.push_back(path);
      }
    }
  }
  Print(context, written);
  return absl::OkStatus();
}

#endif  // ADVECT_HAVE_PLOT

}  // namespace advect::cli
