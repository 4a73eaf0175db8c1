#include "client/cli/ot_specs.h"

#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/cli/errors.h"
#include "client/cli/input_files.h"
#include "client/cli/sinkhorn_options.h"
#include "client/lib/convert.h"

namespace advect::cli {
namespace {

absl::Status RequireAll(const ParsedFlags& flags, std::initializer_list<const char*> names,
                        absl::string_view why) {
  for (const char* name : names) {
    if (!flags.Has(name)) {
      return UsageError(absl::StrCat("missing required flag --", name, why.empty() ? "" : " ",
                                     why));
    }
  }
  return absl::OkStatus();
}

// Reads a file of 1-D points (a 1-D array, or n x 1) into `out`.
absl::Status Load1dPoints(absl::string_view flag, const std::string& path,
                          google::protobuf::RepeatedField<double>* out) {
  absl::StatusOr<Array> array = LoadPoints(flag, path);
  if (!array.ok()) return array.status();
  if (array->values.cols() != 1) {
    return InputError(absl::StrCat("--", flag, ": ", path, " holds ", array->values.rows(), " x ",
                                   array->values.cols(),
                                   " values; ot 1d needs points on the line (a 1-D array or n x 1)"));
  }
  return client::ToRepeated(*array, out);
}

// --p, when given.
absl::Status SetExponent(const ParsedFlags& flags, double* p) {
  std::optional<double> value;
  if (absl::Status s = OptionalDouble(flags, "p", &value); !s.ok()) return s;
  if (value) *p = *value;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CommandSpec> BuildExactOtSpec(const ParsedFlags& flags) {
  CommandSpec out;
  absl::StatusOr<MeasureFlags> measures = MeasureFlagsFrom(flags, CostFlag::kKeywordsAndFile);
  if (!measures.ok()) return measures.status();
  absl::StatusOr<RunFlags> run = RunFlagsFrom(flags);
  if (!run.ok()) return run.status();
  out.run = *std::move(run);
  v1::ExactOtSpec* ot = out.spec.mutable_exact_ot();
  if (auto text = flags.Get("max-iter")) {
    absl::StatusOr<int64_t> n =
        ParseInt("max-iter", *text, 0, std::numeric_limits<int64_t>::max());
    if (!n.ok()) return n.status();
    ot->set_max_iterations(*n);
  }
  absl::StatusOr<LoadedMeasures> loaded = LoadMeasures(*measures);
  if (!loaded.ok()) return loaded.status();
  SetMeasures(*loaded, ot);
  return out;
}

absl::StatusOr<CommandSpec> BuildUnbalancedOtSpec(const ParsedFlags& flags) {
  absl::StatusOr<SinkhornOptions> o = SinkhornOptionsFromFlags(flags);
  if (!o.ok()) return o.status();
  auto rho_text = flags.Get("rho");
  if (!rho_text) return UsageError("missing required flag --rho");
  absl::StatusOr<double> rho = ParseDouble("rho", *rho_text);
  if (!rho.ok()) return rho.status();
  CommandSpec out;
  out.run = o->run;
  v1::UnbalancedOtSpec* ot = out.spec.mutable_unbalanced_ot();
  absl::StatusOr<LoadedMeasures> loaded = LoadMeasures(o->measures);
  if (!loaded.ok()) return loaded.status();
  SetMeasures(*loaded, ot);
  ot->set_normalize_cost(o->normalize_cost);
  ot->set_epsilon(o->epsilon);
  ot->set_rho(*rho);
  ot->set_tolerance(o->tolerance.value_or(0.0));
  ot->set_max_iterations(o->max_iterations.value_or(0));
  if (o->epsilon_scaling) {
    ot->mutable_epsilon_scaling()->set_initial_epsilon(o->epsilon_start.value_or(0.0));
    ot->mutable_epsilon_scaling()->set_decay(o->epsilon_decay.value_or(0.0));
  }
  ot->set_return_plan(o->plan);
  return out;
}

absl::StatusOr<CommandSpec> BuildSinkhornDivergenceSpec(const ParsedFlags& flags) {
  absl::StatusOr<SinkhornOptions> o = SinkhornOptionsFromFlags(flags);
  if (!o.ok()) return o.status();
  if (!o->measures.cost.file.empty()) {
    return UsageError(
        "--cost: ot divergence needs the points (the symmetric terms compare each cloud with "
        "itself); give --x and --y with a cost keyword");
  }
  CommandSpec out;
  out.run = o->run;
  v1::SinkhornDivergenceSpec* ot = out.spec.mutable_sinkhorn_divergence();
  absl::StatusOr<LoadedMeasures> loaded = LoadMeasures(o->measures);
  if (!loaded.ok()) return loaded.status();
  SetClouds(*loaded, ot);
  *ot->mutable_cost() = loaded->cost;
  ot->set_epsilon(o->epsilon);
  ot->set_tolerance(o->tolerance.value_or(0.0));
  ot->set_max_iterations(o->max_iterations.value_or(0));
  if (o->epsilon_scaling) {
    ot->mutable_epsilon_scaling()->set_initial_epsilon(o->epsilon_start.value_or(0.0));
    ot->mutable_epsilon_scaling()->set_decay(o->epsilon_decay.value_or(0.0));
  }
  return out;
}

absl::StatusOr<CommandSpec> BuildOtInterpolationSpec(const ParsedFlags& flags) {
  absl::StatusOr<MeasureFlags> measures = MeasureFlagsFrom(flags, CostFlag::kKeywordsAndFile);
  if (!measures.ok()) return measures.status();
  if (!measures->cost.file.empty()) {
    return UsageError("--cost: ot interpolate moves points; give --x and --y with a cost keyword");
  }
  absl::StatusOr<RunFlags> run = RunFlagsFrom(flags);
  if (!run.ok()) return run.status();
  CommandSpec out;
  out.run = *std::move(run);
  out.run.frame_every = 1;  // the frames are the interpolant
  v1::OtInterpolationSpec* ot = out.spec.mutable_ot_interpolation();
  std::optional<double> epsilon, tolerance;
  if (absl::Status s = OptionalDouble(flags, "epsilon", &epsilon); !s.ok()) return s;
  if (absl::Status s = OptionalDouble(flags, "tol", &tolerance); !s.ok()) return s;
  ot->set_epsilon(epsilon.value_or(0.0));
  ot->set_tolerance(tolerance.value_or(0.0));
  int32_t value = 0;
  if (absl::Status s = OptionalInt32(flags, "max-iter", 0, &value); !s.ok()) return s;
  ot->set_max_iterations(value);
  value = 0;
  if (absl::Status s = OptionalInt32(flags, "frames", 0, &value); !s.ok()) return s;
  ot->set_num_frames(value);
  if (flags.Has("new-points") && !epsilon) {
    return UsageError("--new-points needs --epsilon E (the entropic map extends to new points)");
  }
  absl::StatusOr<LoadedMeasures> loaded = LoadMeasures(*measures);
  if (!loaded.ok()) return loaded.status();
  SetClouds(*loaded, ot);
  *ot->mutable_cost() = loaded->cost;
  if (auto path = flags.Get("new-points")) {
    absl::StatusOr<Array> z = LoadPoints("new-points", *path);
    if (!z.ok()) return z.status();
    *ot->mutable_new_points() = client::ToMatrix(*z);
  }
  return out;
}

absl::StatusOr<CommandSpec> BuildBarycenterSpec(const ParsedFlags& flags) {
  const bool fixed = flags.Has("support") || flags.Has("hists");
  const bool free = flags.Has("clouds") || flags.Has("init");
  if (fixed == free) {
    return UsageError(fixed ? "give either --support --hists (fixed support) or --clouds --init "
                              "(free support), not both"
                            : "missing the inputs: give --support S --hists H --epsilon E, or "
                              "--clouds A,B --init X0");
  }
  absl::StatusOr<RunFlags> run = RunFlagsFrom(flags);
  if (!run.ok()) return run.status();
  CommandSpec out;
  out.run = *std::move(run);
  std::optional<double> tolerance;
  if (absl::Status s = OptionalDouble(flags, "tol", &tolerance); !s.ok()) return s;
  int32_t max_iterations = 0;
  if (absl::Status s = OptionalInt32(flags, "max-iter", 0, &max_iterations); !s.ok()) return s;
  google::protobuf::RepeatedField<double> weights;
  if (fixed) {
    if (absl::Status s = RequireAll(flags, {"support", "hists", "epsilon"}, ""); !s.ok()) return s;
    std::optional<double> epsilon;
    if (absl::Status s = OptionalDouble(flags, "epsilon", &epsilon); !s.ok()) return s;
    v1::BarycenterSpec* b = out.spec.mutable_barycenter();
    b->set_epsilon(*epsilon);
    b->set_tolerance(tolerance.value_or(0.0));
    b->set_max_iterations(max_iterations);
    absl::StatusOr<Array> support = LoadPoints("support", *flags.Get("support"));
    if (!support.ok()) return support.status();
    absl::StatusOr<Array> hists = LoadCostMatrix("hists", *flags.Get("hists"));
    if (!hists.ok()) return hists.status();
    if (hists->values.cols() != support->values.rows()) {
      return InputError(absl::StrCat("--hists: ", *flags.Get("hists"), " has ",
                                     hists->values.cols(), " columns but --support has ",
                                     support->values.rows(), " bins (one histogram per row)"));
    }
    *b->mutable_support() = client::ToMatrix(*support);
    *b->mutable_histograms() = client::ToMatrix(*hists);
    if (auto w = flags.Get("weights")) {
      absl::StatusOr<Array> array = LoadWeights(
          "weights", *w, hists->values.rows(), absl::StrCat("--hists has ", hists->values.rows(),
                                                            " histograms"));
      if (!array.ok()) return array.status();
      (void)client::ToRepeated(*array, b->mutable_weights());
    }
    if (auto cost = flags.Get("cost")) {
      absl::StatusOr<CostChoice> choice = ParseCost(*cost);
      if (!choice.ok()) return choice.status();
      if (!choice->file.empty()) return UsageError("--cost: a keyword (the support gives the points)");
      b->mutable_cost()->set_kind(choice->kind);
      b->mutable_cost()->set_p(choice->p);
    }
    return out;
  }
  if (absl::Status s = RequireAll(flags, {"clouds", "init"}, ""); !s.ok()) return s;
  if (flags.Has("epsilon") || flags.Has("support") || flags.Has("cost")) {
    return UsageError("--epsilon, --support and --cost go with --hists (fixed support)");
  }
  v1::FreeSupportBarycenterSpec* b = out.spec.mutable_free_support_barycenter();
  b->set_tolerance(tolerance.value_or(0.0));
  b->set_max_iterations(max_iterations);
  for (absl::string_view path : absl::StrSplit(*flags.Get("clouds"), ',', absl::SkipEmpty())) {
    absl::StatusOr<Array> cloud = LoadPoints("clouds", std::string(path));
    if (!cloud.ok()) return cloud.status();
    *b->add_clouds()->mutable_points() = client::ToMatrix(*cloud);
  }
  if (b->clouds().empty()) return UsageError("--clouds: no file names");
  absl::StatusOr<Array> init = LoadPoints("init", *flags.Get("init"));
  if (!init.ok()) return init.status();
  *b->mutable_initial_support() = client::ToMatrix(*init);
  if (auto w = flags.Get("weights")) {
    absl::StatusOr<Array> array =
        LoadWeights("weights", *w, b->clouds_size(),
                    absl::StrCat("--clouds names ", b->clouds_size(), " clouds"));
    if (!array.ok()) return array.status();
    (void)client::ToRepeated(*array, b->mutable_weights());
  }
  return out;
}

absl::StatusOr<CommandSpec> BuildOt1dSpec(const ParsedFlags& flags) {
  CommandSpec out;
  if (absl::Status s = RequireAll(flags, {"x", "y"}, ""); !s.ok()) return s;
  absl::StatusOr<RunFlags> run = RunFlagsFrom(flags);
  if (!run.ok()) return run.status();
  out.run = *std::move(run);
  v1::Ot1dSpec* ot = out.spec.mutable_ot_1d();
  double p = 0.0;
  if (absl::Status s = SetExponent(flags, &p); !s.ok()) return s;
  ot->set_p(p);
  const std::string x = *flags.Get("x");
  const std::string y = *flags.Get("y");
  if (absl::Status s = Load1dPoints("x", x, ot->mutable_x()); !s.ok()) return s;
  if (absl::Status s = Load1dPoints("y", y, ot->mutable_y()); !s.ok()) return s;
  if (auto a = flags.Get("a")) {
    absl::StatusOr<Array> w = LoadWeights("a", *a, ot->x_size(),
                                          absl::StrCat("--x has ", ot->x_size(), " points"));
    if (!w.ok()) return w.status();
    (void)client::ToRepeated(*w, ot->mutable_a());
  }
  if (auto b = flags.Get("b")) {
    absl::StatusOr<Array> w = LoadWeights("b", *b, ot->y_size(),
                                          absl::StrCat("--y has ", ot->y_size(), " points"));
    if (!w.ok()) return w.status();
    (void)client::ToRepeated(*w, ot->mutable_b());
  }
  return out;
}

absl::StatusOr<CommandSpec> BuildSlicedOtSpec(const ParsedFlags& flags) {
  CommandSpec out;
  absl::StatusOr<MeasureFlags> measures = MeasureFlagsFrom(flags, CostFlag::kNone);
  if (!measures.ok()) return measures.status();
  absl::StatusOr<RunFlags> run = RunFlagsFrom(flags);
  if (!run.ok()) return run.status();
  out.run = *std::move(run);
  v1::SlicedOtSpec* ot = out.spec.mutable_sliced_ot();
  double p = 0.0;
  if (absl::Status s = SetExponent(flags, &p); !s.ok()) return s;
  ot->set_p(p);
  if (flags.Has("directions") && (flags.Has("num-directions") || flags.Has("seed"))) {
    return UsageError(absl::StrCat("--directions gives the directions; --",
                                   flags.Has("seed") ? "seed" : "num-directions",
                                   " is not allowed with it"));
  }
  int32_t k = 0;
  if (absl::Status s = OptionalInt32(flags, "num-directions", 1, &k); !s.ok()) return s;
  ot->set_num_directions(k);
  if (auto seed = flags.Get("seed")) {
    uint64_t value = 0;
    if (!absl::SimpleAtoi(*seed, &value)) {
      return UsageError(absl::StrCat("--seed: expected an integer in 0..2^64-1, got '", *seed,
                                     "'"));
    }
    ot->set_seed(value);
  }
  absl::StatusOr<LoadedMeasures> loaded = LoadMeasures(*measures);
  if (!loaded.ok()) return loaded.status();
  SetClouds(*loaded, ot);
  if (auto path = flags.Get("directions")) {
    absl::StatusOr<Array> d = LoadCostMatrix("directions", *path);
    if (!d.ok()) return d.status();
    if (d->values.rows() != ot->x().cols()) {
      return InputError(absl::StrCat("--directions: ", *path, " has ", d->values.rows(),
                                     " rows but the points have dimension ", ot->x().cols(),
                                     " (one unit column per direction)"));
    }
    *ot->mutable_directions() = client::ToMatrix(*d);
  }
  return out;
}

namespace {

// --meanK and --covK into a GaussianMeasure.
absl::Status LoadGaussian(const ParsedFlags& flags, const std::string& mean_flag,
                          const std::string& cov_flag, v1::GaussianMeasure* out) {
  absl::StatusOr<Array> mean = LoadPoints(mean_flag, *flags.Get(mean_flag));
  if (!mean.ok()) return mean.status();
  if (absl::Status s = client::ToRepeated(*mean, out->mutable_mean()); !s.ok()) {
    return InputError(absl::StrCat("--", mean_flag, ": ", *flags.Get(mean_flag),
                                   " must hold a vector (1-D), got ", mean->values.rows(), " x ",
                                   mean->values.cols()));
  }
  absl::StatusOr<Array> cov = LoadCostMatrix(cov_flag, *flags.Get(cov_flag));
  if (!cov.ok()) return cov.status();
  const int64_t d = out->mean_size();
  if (cov->values.rows() != d || cov->values.cols() != d) {
    return InputError(absl::StrCat("--", cov_flag, ": ", *flags.Get(cov_flag), " is ",
                                   cov->values.rows(), " x ", cov->values.cols(), " but --",
                                   mean_flag, " has ", d, " values (need ", d, " x ", d, ")"));
  }
  *out->mutable_cov() = client::ToMatrix(*cov);
  return absl::OkStatus();
}

}  // namespace

template <typename Spec>
absl::Status LoadGaussianMeasures(const ParsedFlags& flags, Spec* spec) {
  const bool moments = flags.Has("mean1") || flags.Has("cov1") || flags.Has("mean2") ||
                       flags.Has("cov2");
  const bool clouds = flags.Has("x") || flags.Has("y");
  if (moments && clouds) {
    return UsageError(
        "give either --mean1 --cov1 --mean2 --cov2 (Gaussians) or --x --y (point clouds), "
        "not both");
  }
  if (!moments && !clouds) {
    return UsageError(
        "missing the measures: give --mean1 --cov1 --mean2 --cov2, or --x --y");
  }
  if (moments) {
    if (flags.Has("a") || flags.Has("b") || flags.Has("reg")) {
      return UsageError("--a, --b and --reg go with --x --y (point clouds), not with --mean1 ...");
    }
    if (absl::Status s = RequireAll(flags, {"mean1", "cov1", "mean2", "cov2"}, "");
        !s.ok()) {
      return s;
    }
    if (absl::Status s = LoadGaussian(flags, "mean1", "cov1", spec->mutable_source()); !s.ok()) {
      return s;
    }
    if (absl::Status s = LoadGaussian(flags, "mean2", "cov2", spec->mutable_target()); !s.ok()) {
      return s;
    }
    if (spec->source().mean_size() != spec->target().mean_size()) {
      return InputError(absl::StrCat("--mean1 has ", spec->source().mean_size(),
                                     " values but --mean2 has ", spec->target().mean_size()));
    }
    return absl::OkStatus();
  }
  absl::StatusOr<MeasureFlags> measures = MeasureFlagsFrom(flags, CostFlag::kNone);
  if (!measures.ok()) return measures.status();
  std::optional<double> reg;
  if (absl::Status s = OptionalDouble(flags, "reg", &reg); !s.ok()) return s;
  spec->set_regularization(reg.value_or(0.0));
  absl::StatusOr<LoadedMeasures> loaded = LoadMeasures(*measures);
  if (!loaded.ok()) return loaded.status();
  SetClouds(*loaded, spec);
  return absl::OkStatus();
}

template absl::Status LoadGaussianMeasures(const ParsedFlags&, v1::GaussianOtSpec*);
template absl::Status LoadGaussianMeasures(const ParsedFlags&, v1::FlowMapSpec*);

absl::StatusOr<CommandSpec> BuildGaussianOtSpec(const ParsedFlags& flags) {
  CommandSpec out;
  v1::GaussianOtSpec* ot = out.spec.mutable_gaussian_ot();
  if (absl::Status s = LoadGaussianMeasures(flags, ot); !s.ok()) return s;
  absl::StatusOr<RunFlags> run = RunFlagsFrom(flags);
  if (!run.ok()) return run.status();
  out.run = *std::move(run);
  ot->set_distance_only(flags.Has("distance-only"));
  if (auto times = flags.Get("interpolate")) {
    for (absl::string_view t : absl::StrSplit(*times, ',')) {
      absl::StatusOr<double> v = ParseDouble("interpolate", t);
      if (!v.ok()) return v.status();
      ot->add_interpolation_times(*v);
    }
  }
  return out;
}

}  // namespace advect::cli
