#include "client/cli/sinkhorn_options.h"

#include <filesystem>
#include <limits>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "client/cli/errors.h"
#include "client/cli/input_files.h"
#include "client/lib/convert.h"

namespace advect::cli {
namespace {

constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();

// Sets *out from --name when given.
absl::Status OptionalDouble(const ParsedFlags& flags, const std::string& name,
                            std::optional<double>* out) {
  if (auto text = flags.Get(name)) {
    absl::StatusOr<double> v = ParseDouble(name, *text);
    if (!v.ok()) return v.status();
    *out = *v;
  }
  return absl::OkStatus();
}

absl::Status OptionalInt32(const ParsedFlags& flags, const std::string& name, int64_t min,
                           int32_t* out) {
  if (auto text = flags.Get(name)) {
    absl::StatusOr<int64_t> v = ParseInt(name, *text, min, kInt32Max);
    if (!v.ok()) return v.status();
    *out = static_cast<int32_t>(*v);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CostChoice> ParseCost(absl::string_view text) {
  CostChoice cost;
  if (text == "sqeuclidean") return cost;
  if (text == "euclidean") {
    cost.kind = v1::COST_KIND_EUCLIDEAN;
    return cost;
  }
  if (absl::ConsumePrefix(&text, "power:")) {
    absl::StatusOr<double> p = ParseDouble("cost power:P", text);
    if (!p.ok()) return p.status();
    cost.kind = v1::COST_KIND_POWER;
    cost.p = *p;
    return cost;
  }
  if (text.empty()) return UsageError("--cost: empty value");
  cost.kind = v1::COST_KIND_UNSPECIFIED;
  cost.file = std::string(text);
  return cost;
}

absl::StatusOr<SinkhornOptions> SinkhornOptionsFromFlags(const ParsedFlags& flags) {
  SinkhornOptions o;
  o.x = flags.Get("x").value_or("");
  o.y = flags.Get("y").value_or("");
  o.a = flags.Get("a").value_or("");
  o.b = flags.Get("b").value_or("");
  if (auto text = flags.Get("cost")) {
    absl::StatusOr<CostChoice> cost = ParseCost(*text);
    if (!cost.ok()) return cost.status();
    o.cost = *cost;
  }
  if (!o.cost.file.empty()) {
    if (flags.Has("x") || flags.Has("y")) {
      std::error_code ec;
      if (!std::filesystem::exists(o.cost.file, ec)) {
        return UsageError(absl::StrCat("--cost: '", o.cost.file,
                                       "' is not one of sqeuclidean, euclidean, power:P (nor an "
                                       "existing cost matrix file)"));
      }
      return UsageError(absl::StrCat("--cost ", o.cost.file,
                                     " gives an explicit cost matrix; --x and --y are not "
                                     "allowed with it"));
    }
  } else if (!flags.Has("x") || !flags.Has("y")) {
    return UsageError(absl::StrCat("missing required flag --", flags.Has("x") ? "y" : "x",
                                   " (give --x and --y, or --cost FILE)"));
  }
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
  if (absl::Status s = OptionalInt32(flags, "frame-every", 0, &o.frame_every); !s.ok()) return s;
  if (absl::Status s = OptionalInt32(flags, "max-frames", 0, &o.max_frames); !s.ok()) return s;
  if (flags.Has("max-frames") && o.frame_every == 0) {
    return UsageError("--max-frames needs --frame-every K (K > 0)");
  }
  if (absl::Status s = OptionalDouble(flags, "timeout", &o.timeout_seconds); !s.ok()) return s;
  if (o.timeout_seconds && *o.timeout_seconds <= 0) {
    return UsageError(absl::StrCat("--timeout: must be > 0 seconds, got ", *o.timeout_seconds));
  }
  o.detach = flags.Has("detach");
  o.out_dir = flags.Get("out").value_or("");
  if (flags.Has("out") && o.out_dir.empty()) return UsageError("--out: empty directory name");
  if (o.detach && flags.Has("out")) {
    return UsageError("--out cannot be used with --detach (use 'advect jobs get ID --out DIR')");
  }
  return o;
}

absl::StatusOr<v1::JobSpec> BuildJobSpec(const SinkhornOptions& o) {
  v1::JobSpec spec;
  spec.set_frame_every(o.frame_every);
  spec.set_max_frames(o.max_frames);
  v1::EntropicOtSpec* ot = spec.mutable_entropic_ot();
  int64_t n = 0, m = 0;
  std::string n_from, m_from;
  if (!o.cost.file.empty()) {
    absl::StatusOr<Array> cost = LoadCostMatrix("cost", o.cost.file);
    if (!cost.ok()) return cost.status();
    *ot->mutable_cost_matrix() = client::ToMatrix(*cost);
    n = cost->values.rows();
    m = cost->values.cols();
    n_from = absl::StrCat("the cost matrix has ", n, " rows");
    m_from = absl::StrCat("the cost matrix has ", m, " columns");
  } else {
    absl::StatusOr<Array> x = LoadPoints("x", o.x);
    if (!x.ok()) return x.status();
    absl::StatusOr<Array> y = LoadPoints("y", o.y);
    if (!y.ok()) return y.status();
    if (x->values.cols() != y->values.cols()) {
      return InputError(absl::StrCat("--x ", o.x, " has points of dimension ", x->values.cols(),
                                     " but --y ", o.y, " has dimension ", y->values.cols()));
    }
    *ot->mutable_x() = client::ToMatrix(*x);
    *ot->mutable_y() = client::ToMatrix(*y);
    n = x->values.rows();
    m = y->values.rows();
    n_from = absl::StrCat("--x has ", n, " points");
    m_from = absl::StrCat("--y has ", m, " points");
    ot->mutable_cost()->set_kind(o.cost.kind);
    ot->mutable_cost()->set_p(o.cost.p);
  }
  if (!o.a.empty()) {
    absl::StatusOr<Array> a = LoadWeights("a", o.a, n, n_from);
    if (!a.ok()) return a.status();
    (void)client::ToRepeated(*a, ot->mutable_a());
  }
  if (!o.b.empty()) {
    absl::StatusOr<Array> b = LoadWeights("b", o.b, m, m_from);
    if (!b.ok()) return b.status();
    (void)client::ToRepeated(*b, ot->mutable_b());
  }
  ot->set_normalize_cost(o.normalize_cost);
  ot->set_epsilon(o.epsilon);
  ot->set_tolerance(o.tolerance.value_or(0.0));
  ot->set_max_iterations(o.max_iterations.value_or(0));
  if (o.epsilon_scaling) {
    ot->mutable_epsilon_scaling()->set_initial_epsilon(o.epsilon_start.value_or(0.0));
    ot->mutable_epsilon_scaling()->set_decay(o.epsilon_decay.value_or(0.0));
  }
  ot->set_return_plan(o.plan);
  return spec;
}

}  // namespace advect::cli
