#include "client/cli/plot_figures.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/cli/errors.h"
#include "client/plot/animation.h"
#include "client/plot/cloud_chart.h"
#include "client/plot/coupling_chart.h"
#include "client/plot/curves_chart.h"
#include "client/plot/heatmap_chart.h"
#include "client/plot/paths_chart.h"

namespace advect::cli {
namespace {

using plot::Cloud;
using plot::Mark;

const std::vector<std::pair<FigureKind, const char*>>& Names() {
  static const auto* names = new std::vector<std::pair<FigureKind, const char*>>{
      {FigureKind::kCloud, "cloud"},     {FigureKind::kCoupling, "coupling"},
      {FigureKind::kPaths, "paths"},     {FigureKind::kAnimation, "animation"},
      {FigureKind::kHeatmap, "heatmap"}, {FigureKind::kCurves, "curves"}};
  return *names;
}

bool IsOtKind(const std::string& kind) {
  return kind == "entropic_ot" || kind == "exact_ot" || kind == "unbalanced_ot";
}

bool IsParticleKind(const std::string& kind) {
  return kind == "particle_flow" || kind == "mmd_flow" || kind == "svgd";
}

Eigen::VectorXd Vector(const Array* a) {
  if (a == nullptr || a->values.cols() != 1) return {};
  return a->values.col(0);
}

std::vector<double> Values(const Array& a) {
  return std::vector<double>(a.values.data(), a.values.data() + a.values.size());
}

// The job's clouds, the ones it started from first and its outcome last.
std::vector<Cloud> CloudsOf(const PlotSource& s) {
  std::vector<Cloud> clouds;
  auto add = [&](const Array* a, const std::string& label, Eigen::VectorXd w, Mark mark) {
    if (a == nullptr || a->ndim != 2) return;
    clouds.push_back({label, a->values, std::move(w), plot::Categorical(clouds.size()), mark});
  };
  const bool particles = IsParticleKind(s.kind);
  add(s.Input("x"), particles ? "initial particles" : "source x", Vector(s.Input("a")), Mark::kDot);
  if (s.kind != "mmd_flow") add(s.Input("y"), "target y", Vector(s.Input("b")), Mark::kDot);
  add(s.Input("tokens"), "initial tokens", {}, Mark::kDot);
  add(s.Input("target"), s.kind == "mmd_flow" ? "target samples" : "target cloud",
      Vector(s.Input("target_weights")), Mark::kDot);
  add(s.Input("gmm_means"), "mixture means", {}, Mark::kCross);
  add(s.Result("teacher"), "teacher neurons", {}, Mark::kCross);
  static const std::vector<std::pair<const char*, const char*>> kOutcomes = {
      {"positions", "final positions"},  {"samples", "samples"},
      {"support", "barycenter support"}, {"mapped_points", "mapped points"},
      {"flow_points", "flow map image"}, {"brenier_points", "Brenier map image"}};
  for (const auto& [field, label] : kOutcomes) {
    add(s.Result(field), label, {},
        std::string(field) == "brenier_points" ? Mark::kCross : Mark::kDot);
  }
  // One dimension for all: the outcome's (the last cloud's).
  if (!clouds.empty()) {
    const Eigen::Index d = clouds.back().points.cols();
    clouds.erase(std::remove_if(clouds.begin(), clouds.end(),
                                [d](const Cloud& c) { return c.points.cols() != d; }),
                 clouds.end());
    for (size_t k = 0; k < clouds.size(); ++k)
      clouds[k].color = plot::Categorical(static_cast<int>(k));
  }
  return clouds;
}

bool HasHeatmap(const PlotSource& s) {
  const Array* d = s.Result("density");
  return d != nullptr && d->ndim == 2 && d->values.cols() > 1;
}

std::string Pretty(const std::string& field) {
  static const std::map<std::string, std::string> kNames = {
      {"mmd_squared", "MMD²"},
      {"ksd_squared", "KSD²"},
      {"cluster_counts", "clusters"},
      {"mean_pairwise_cosines", "mean pairwise cosine"},
      {"mean_squared_velocity", "mean squared velocity"},
      {"losses", "loss"}};
  auto it = kNames.find(field);
  if (it != kNames.end()) return it->second;
  std::string out = field;
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

// The recorded series: each 1-D result array as long as the steps it was recorded at.
plot::CurvesChart RecordedCurves(const PlotSource& s) {
  plot::CurvesChart chart;
  const Array* steps = s.Result("record_steps");
  if (steps == nullptr) steps = s.Result("loss_steps");
  const std::vector<double> x = steps ? Values(*steps) : std::vector<double>();
  if (x.size() >= 2) {
    chart.x_label = "step";
    // The objective first, then what describes the state, the speed last.
    static const std::vector<std::string> kFirst = {
        "energy", "mmd_squared", "ksd_squared", "risk", "losses", "cluster_counts",
        "mean_pairwise_cosines"};
    std::vector<std::string> names = kFirst;
    for (const auto& entry : s.result) {
      if (std::find(kFirst.begin(), kFirst.end(), entry.first) == kFirst.end() &&
          entry.first != "mean_squared_velocity") {
        names.push_back(entry.first);
      }
    }
    names.push_back("mean_squared_velocity");
    for (const std::string& name : names) {
      const Array* array = s.Result(name);
      if (name == "record_steps" || name == "loss_steps" || array == nullptr || array->ndim != 1) {
        continue;
      }
      if (static_cast<size_t>(array->values.rows()) != x.size()) continue;
      const bool log = name != "mean_pairwise_cosines" && name != "cluster_counts";
      chart.panels.push_back({Pretty(name), {{Pretty(name), x, Values(*array)}}, log});
    }
  }
  if (chart.panels.empty() && s.kind == "jko" && s.Result("energy") != nullptr) {
    const std::vector<double> energy = Values(*s.Result("energy"));
    std::vector<double> step(energy.size());
    for (size_t k = 0; k < step.size(); ++k) step[k] = static_cast<double>(k);
    chart.x_label = "JKO step";
    chart.panels.push_back({"free energy F", {{"F", step, energy}}, false});
  }
  if (chart.panels.empty() && s.progress.size() >= 2) {
    chart.x_label = "iteration";
    std::vector<double> it, err, obj;
    for (const ProgressPoint& p : s.progress) {
      it.push_back(p.iteration);
      err.push_back(p.error);
      obj.push_back(p.objective);
    }
    const bool sinkhorn = IsOtKind(s.kind) || s.kind == "sinkhorn_divergence" ||
                          s.kind == "ot_interpolation" || s.kind == "barycenter";
    chart.panels.push_back(
        {sinkhorn ? "marginal error (L1)" : "error", {{"error", it, err}}, true});
    chart.panels.push_back(
        {sinkhorn ? "dual objective" : "objective", {{"objective", it, obj}}, false});
  }
  // Panels are in field order; keep at most four.
  if (chart.panels.size() > 4) chart.panels.resize(4);
  return chart;
}

std::string DefaultTitle(FigureKind kind, const PlotSource& s) {
  const char* what = "";
  switch (kind) {
    case FigureKind::kCloud:
      what = "Point clouds";
      break;
    case FigureKind::kCoupling:
      what = "Transport plan";
      break;
    case FigureKind::kPaths:
      what = "Trajectories";
      break;
    case FigureKind::kAnimation:
      what = "Particles over time";
      break;
    case FigureKind::kHeatmap:
      what = "Density on the grid";
      break;
    case FigureKind::kCurves:
      what = "Convergence and recorded quantities";
      break;
  }
  return absl::StrCat(what, " · ", s.kind);
}

plot::Captions CaptionsFor(FigureKind kind, const PlotSource& s, const FigureOptions& o) {
  const std::string job = s.job_id.empty() ? "" : absl::StrCat("job ", s.job_id);
  return {o.title.empty() ? DefaultTitle(kind, s) : o.title, o.subtitle.value_or(job), ""};
}

std::string TimeLabel(const PlotSource& s) {
  return s.kind == "entropic_ot" || s.kind == "unbalanced_ot" ? "iteration" : "t";
}

absl::Status Translate(absl::Status status) {
  if (status.ok()) return status;
  if (absl::IsInvalidArgument(status))
    return UsageError(absl::StrCat("--output: ", status.message()));
  return InputError(absl::StrCat("--output: ", status.message()));
}

std::vector<Cloud> Backdrop(const PlotSource& s) {
  std::vector<Cloud> out;
  if (const Array* t = s.Input("target"); t != nullptr) {
    out.push_back({"target cloud",
                   t->values,
                   Vector(s.Input("target_weights")),
                   {0.6, 0.6, 0.6},
                   Mark::kDot});
  } else if (const Array* m = s.Input("gmm_means"); m != nullptr) {
    out.push_back({"mixture means", m->values, {}, plot::Categorical(3), Mark::kCross});
  }
  if (!s.frames.empty()) {
    const Eigen::Index d = s.frames.front().cols();
    out.erase(std::remove_if(out.begin(), out.end(),
                             [d](const Cloud& c) { return c.points.cols() != d; }),
              out.end());
  }
  return out;
}

}  // namespace

std::string FigureName(FigureKind kind) {
  for (const auto& [k, name] : Names()) {
    if (k == kind) return name;
  }
  return "?";
}

absl::StatusOr<FigureKind> ParseFigureKind(const std::string& name) {
  std::vector<std::string> all;
  for (const auto& [k, n] : Names()) {
    if (name == n) return k;
    all.push_back(n);
  }
  return UsageError(
      absl::StrCat("--figure: '", name, "' is not one of ", absl::StrJoin(all, ", ")));
}

std::string MissingData(const PlotSource& s, FigureKind kind) {
  switch (kind) {
    case FigureKind::kCloud:
      return CloudsOf(s).empty() ? "this job has no point cloud to draw" : "";
    case FigureKind::kCoupling:
      if (s.Result("plan") == nullptr) {
        return IsOtKind(s.kind)
                   ? "the result has no plan (run it with --return-plan or plan output)"
                   : "only entropic, exact and unbalanced OT jobs have a plan";
      }
      if (s.Input("x") == nullptr || s.Input("y") == nullptr) {
        return "a coupling needs the points x and y: the server keeps no inputs, so pass --x and "
               "--y (or plot the --out directory of the run)";
      }
      return "";
    case FigureKind::kPaths:
    case FigureKind::kAnimation:
      if (s.kind == "jko") return "jko frames are densities on the grid, not particles";
      return s.frames.size() >= 2
                 ? ""
                 : "this needs two or more trajectory frames: run the job with --frame-every N";
    case FigureKind::kHeatmap:
      return HasHeatmap(s) ? "" : "only a 2-D jko density is drawn as a heat map";
    case FigureKind::kCurves:
      return RecordedCurves(s).panels.empty()
                 ? "this job recorded no series and reported fewer than two progress points"
                 : "";
  }
  return "";
}

std::vector<FigureKind> AvailableFigures(const PlotSource& s) {
  std::vector<FigureKind> order = {FigureKind::kCoupling,  FigureKind::kHeatmap,
                                   FigureKind::kPaths,     FigureKind::kCloud,
                                   FigureKind::kAnimation, FigureKind::kCurves};
  std::vector<FigureKind> out;
  for (FigureKind k : order) {
    if (MissingData(s, k).empty()) out.push_back(k);
  }
  return out;
}

absl::Status RenderFigure(const PlotSource& s, FigureKind kind, const std::string& path,
                          const FigureOptions& o) {
  if (std::string missing = MissingData(s, kind); !missing.empty()) {
    return UsageError(absl::StrCat("--figure ", FigureName(kind), ": ", missing));
  }
  const plot::Captions captions = CaptionsFor(kind, s, o);
  const plot::Rect page{0, 0, o.width, o.height};
  switch (kind) {
    case FigureKind::kCloud: {
      plot::CloudChart chart{captions, CloudsOf(s)};
      return Translate(plot::RenderToFile(path, o.width, o.height, o.scale, [&](plot::Canvas& c) {
        plot::DrawCloudChart(c, page, chart);
      }));
    }
    case FigureKind::kCoupling: {
      plot::CouplingChart chart;
      chart.captions = captions;
      chart.x = s.Input("x")->values;
      chart.y = s.Input("y")->values;
      chart.a = Vector(s.Input("a"));
      chart.b = Vector(s.Input("b"));
      const Array& plan = *s.Result("plan");
      if (s.kind == "exact_ot" && plan.values.cols() == 3) {
        for (Eigen::Index e = 0; e < plan.values.rows(); ++e) {
          chart.plan.push_back({static_cast<int>(plan.values(e, 0)),
                                static_cast<int>(plan.values(e, 1)), plan.values(e, 2)});
        }
      } else {
        if (plan.values.rows() != chart.x.rows() || plan.values.cols() != chart.y.rows()) {
          return UsageError(absl::StrCat("--figure coupling: the plan is ", plan.values.rows(),
                                         " x ", plan.values.cols(), " but x has ", chart.x.rows(),
                                         " points and y ", chart.y.rows()));
        }
        chart.plan = plot::DensePlanEntries(plan.values);
      }
      chart.max_segments = o.max_segments;
      return Translate(plot::RenderToFile(path, o.width, o.height, o.scale, [&](plot::Canvas& c) {
        plot::DrawCouplingChart(c, page, chart);
      }));
    }
    case FigureKind::kPaths: {
      plot::PathsChart chart;
      chart.captions = captions;
      chart.frames = s.frames;
      chart.times = s.frame_times;
      chart.time_label = TimeLabel(s);
      chart.max_paths = o.max_paths;
      chart.overlays = Backdrop(s);
      return Translate(plot::RenderToFile(path, o.width, o.height, o.scale, [&](plot::Canvas& c) {
        plot::DrawPathsChart(c, page, chart);
      }));
    }
    case FigureKind::kAnimation: {
      plot::Animation animation;
      animation.captions = captions;
      animation.frames = s.frames;
      animation.times = s.frame_times;
      animation.time_label = TimeLabel(s);
      animation.backdrop = Backdrop(s);
      animation.seconds = o.seconds;
      // A GIF holds every frame as a raster: half the PNG scale keeps it small.
      const bool gif =
          absl::AsciiStrToLower(std::filesystem::path(path).extension().string()) == ".gif";
      return Translate(
          plot::WriteAnimation(path, o.width, o.height, gif ? o.scale / 2 : o.scale, animation));
    }
    case FigureKind::kHeatmap: {
      plot::HeatmapChart chart;
      chart.captions = captions;
      chart.values = s.Result("density")->values;
      const Eigen::VectorXd lo = Vector(s.Input("grid_lo")), hi = Vector(s.Input("grid_hi"));
      if (lo.size() == 2 && hi.size() == 2) {
        chart.x = {lo(0), hi(0)};
        chart.y = {lo(1), hi(1)};
      } else {
        chart.x = {0, static_cast<double>(chart.values.rows() - 1)};
        chart.y = {0, static_cast<double>(chart.values.cols() - 1)};
        chart.x_label = "grid index i";
        chart.y_label = "grid index j";
      }
      chart.value_label = "final density (mass per grid point)";
      return Translate(plot::RenderToFile(path, o.width, o.height, o.scale, [&](plot::Canvas& c) {
        plot::DrawHeatmapChart(c, page, chart);
      }));
    }
    case FigureKind::kCurves: {
      plot::CurvesChart chart = RecordedCurves(s);
      chart.captions = captions;
      return Translate(plot::RenderToFile(path, o.width, o.height, o.scale, [&](plot::Canvas& c) {
        plot::DrawCurvesChart(c, page, chart);
      }));
    }
  }
  return absl::OkStatus();
}

}  // namespace advect::cli
