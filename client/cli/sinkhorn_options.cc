#include "client/cli/sinkhorn_options.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "client/cli/errors.h"

namespace advect::cli {

absl::StatusOr<SinkhornOptions> SinkhornOptionsFromFlags(const ParsedFlags& flags) {
  SinkhornOptions o;
  absl::StatusOr<MeasureFlags> measures = MeasureFlagsFrom(flags, CostFlag::kKeywordsAndFile);
  if (!measures.ok()) return measures.status();
  o.measures = *std::move(measures);
  auto epsilon = flags.Get("epsilon");
  if (!epsilon) return UsageError("missing required flag --epsilon");
  absl::StatusOr<double> eps = ParseDouble("epsilon", *epsilon);
  if (!eps.ok()) return eps.status();
  o.epsilon = *eps;

  if (absl::Status s = OptionalDouble(flags, "tol", &o.tolerance); !s.ok()) return s;
  if (flags.Has("max-iter")) {
    int32_t n = 0;
    if (absl::Status s = OptionalInt32(flags, "max-iter", 0, &n); !s.ok()) return s;
    o.max_iterations = n;
  }
  o.normalize_cost = flags.Has("normalize-cost");
  o.epsilon_scaling = flags.Has("epsilon-scaling");
  if (absl::Status s = OptionalDouble(flags, "epsilon-start", &o.epsilon_start); !s.ok()) return s;
  if (absl::Status s = OptionalDouble(flags, "epsilon-decay", &o.epsilon_decay); !s.ok()) return s;
  if ((o.epsilon_start || o.epsilon_decay) && !o.epsilon_scaling) {
    return UsageError(absl::StrCat("--", o.epsilon_start ? "epsilon-start" : "epsilon-decay",
                                   " needs --epsilon-scaling"));
  }
  o.plan = flags.Has("plan");
  if (auto method = flags.Get("method")) {
    if (*method == "auto") {
      o.method = v1::SINKHORN_METHOD_AUTO;
    } else if (*method == "log") {
      o.method = v1::SINKHORN_METHOD_LOG_DOMAIN;
    } else if (*method == "online") {
      o.method = v1::SINKHORN_METHOD_ONLINE;
    } else {
      return UsageError(
          absl::StrCat("--method must be auto, log or online, got '", *method, "'"));
    }
  }
  if (auto precision = flags.Get("precision")) {
    if (*precision == "float64") {
      o.precision = v1::KERNEL_PRECISION_FLOAT64;
    } else if (*precision == "float32") {
      o.precision = v1::KERNEL_PRECISION_FLOAT32;
    } else {
      return UsageError(
          absl::StrCat("--precision must be float64 or float32, got '", *precision, "'"));
    }
  }
  absl::StatusOr<RunFlags> run = RunFlagsFrom(flags);
  if (!run.ok()) return run.status();
  o.run = *std::move(run);
  return o;
}

absl::StatusOr<v1::JobSpec> BuildJobSpec(const SinkhornOptions& o) {
  v1::JobSpec spec;
  spec.set_frame_every(o.run.frame_every);
  spec.set_max_frames(o.run.max_frames);
  v1::EntropicOtSpec* ot = spec.mutable_entropic_ot();
  absl::StatusOr<LoadedMeasures> measures = LoadMeasures(o.measures);
  if (!measures.ok()) return measures.status();
  SetMeasures(*measures, ot);
  ot->set_normalize_cost(o.normalize_cost);
  ot->set_epsilon(o.epsilon);
  ot->set_tolerance(o.tolerance.value_or(0.0));
  ot->set_max_iterations(o.max_iterations.value_or(0));
  if (o.epsilon_scaling) {
    ot->mutable_epsilon_scaling()->set_initial_epsilon(o.epsilon_start.value_or(0.0));
    ot->mutable_epsilon_scaling()->set_decay(o.epsilon_decay.value_or(0.0));
  }
  ot->set_return_plan(o.plan);
  ot->set_method(o.method);
  ot->set_precision(o.precision);
  return spec;
}

}  // namespace advect::cli
