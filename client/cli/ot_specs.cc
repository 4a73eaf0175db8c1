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

absl::StatusOr<CommandSpec> BuildGaussianOtSpec(const ParsedFlags& flags) {
  CommandSpec out;
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
  absl::StatusOr<RunFlags> run = RunFlagsFrom(flags);
  if (!run.ok()) return run.status();
  out.run = *std::move(run);
  v1::GaussianOtSpec* ot = out.spec.mutable_gaussian_ot();
  ot->set_distance_only(flags.Has("distance-only"));
  if (auto times = flags.Get("interpolate")) {
    for (absl::string_view t : absl::StrSplit(*times, ',')) {
      absl::StatusOr<double> v = ParseDouble("interpolate", t);
      if (!v.ok()) return v.status();
      ot->add_interpolation_times(*v);
    }
  }
  if (moments) {
    if (flags.Has("a") || flags.Has("b") || flags.Has("reg")) {
      return UsageError("--a, --b and --reg go with --x --y (point clouds), not with --mean1 ...");
    }
    if (absl::Status s = RequireAll(flags, {"mean1", "cov1", "mean2", "cov2"}, "");
        !s.ok()) {
      return s;
    }
    if (absl::Status s = LoadGaussian(flags, "mean1", "cov1", ot->mutable_source()); !s.ok()) {
      return s;
    }
    if (absl::Status s = LoadGaussian(flags, "mean2", "cov2", ot->mutable_target()); !s.ok()) {
      return s;
    }
    if (ot->source().mean_size() != ot->target().mean_size()) {
      return InputError(absl::StrCat("--mean1 has ", ot->source().mean_size(),
                                     " values but --mean2 has ", ot->target().mean_size()));
    }
    return out;
  }
  absl::StatusOr<MeasureFlags> measures = MeasureFlagsFrom(flags, CostFlag::kNone);
  if (!measures.ok()) return measures.status();
  std::optional<double> reg;
  if (absl::Status s = OptionalDouble(flags, "reg", &reg); !s.ok()) return s;
  ot->set_regularization(reg.value_or(0.0));
  absl::StatusOr<LoadedMeasures> loaded = LoadMeasures(*measures);
  if (!loaded.ok()) return loaded.status();
  SetClouds(*loaded, ot);
  return out;
}

}  // namespace advect::cli
