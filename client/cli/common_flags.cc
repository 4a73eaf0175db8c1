#include "client/cli/common_flags.h"

#include <filesystem>
#include <limits>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "client/cli/errors.h"
#include "client/cli/input_files.h"
#include "client/lib/convert.h"

namespace advect::cli {

absl::StatusOr<int> Choice(const ParsedFlags& flags, const std::string& name,
                           std::initializer_list<const char*> choices, int fallback) {
  auto text = flags.Get(name);
  if (!text) return fallback;
  int i = 0;
  std::string list;
  for (const char* c : choices) {
    if (*text == c) return i;
    absl::StrAppend(&list, i == 0 ? "" : ", ", c);
    ++i;
  }
  return UsageError(absl::StrCat("--", name, ": expected one of ", list, ", got '", *text, "'"));
}


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
    absl::StatusOr<int64_t> v = ParseInt(name, *text, min, std::numeric_limits<int32_t>::max());
    if (!v.ok()) return v.status();
    *out = static_cast<int32_t>(*v);
  }
  return absl::OkStatus();
}

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

absl::StatusOr<MeasureFlags> MeasureFlagsFrom(const ParsedFlags& flags, CostFlag cost_flag) {
  MeasureFlags o;
  o.x = flags.Get("x").value_or("");
  o.y = flags.Get("y").value_or("");
  o.a = flags.Get("a").value_or("");
  o.b = flags.Get("b").value_or("");
  if (auto text = flags.Get("cost"); text && cost_flag == CostFlag::kKeywordsAndFile) {
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
    return UsageError(absl::StrCat(
        "missing required flag --", flags.Has("x") ? "y" : "x",
        cost_flag == CostFlag::kNone ? "" : " (give --x and --y, or --cost FILE)"));
  }
  return o;
}

absl::StatusOr<LoadedMeasures> LoadMeasures(const MeasureFlags& o) {
  LoadedMeasures out;
  int64_t n = 0, m = 0;
  std::string n_from, m_from;
  if (!o.cost.file.empty()) {
    absl::StatusOr<Array> cost = LoadCostMatrix("cost", o.cost.file);
    if (!cost.ok()) return cost.status();
    out.cost_matrix = client::ToMatrix(*cost);
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
    out.x = client::ToMatrix(*x);
    out.y = client::ToMatrix(*y);
    n = x->values.rows();
    m = y->values.rows();
    n_from = absl::StrCat("--x has ", n, " points");
    m_from = absl::StrCat("--y has ", m, " points");
    out.cost.set_kind(o.cost.kind);
    out.cost.set_p(o.cost.p);
  }
  if (!o.a.empty()) {
    absl::StatusOr<Array> a = LoadWeights("a", o.a, n, n_from);
    if (!a.ok()) return a.status();
    (void)client::ToRepeated(*a, &out.a);
  }
  if (!o.b.empty()) {
    absl::StatusOr<Array> b = LoadWeights("b", o.b, m, m_from);
    if (!b.ok()) return b.status();
    (void)client::ToRepeated(*b, &out.b);
  }
  return out;
}

std::vector<FlagDef> MeasureFlagDefs(CostFlag cost_flag) {
  std::vector<FlagDef> defs = {
      {"x", "FILE", "source points, n x d (1-D file: n points in d = 1)"},
      {"y", "FILE", "target points, m x d, same d as --x (1-D file: d = 1)"},
      {"a", "FILE", "source weights, n values >= 0 (default: uniform)"},
      {"b", "FILE", "target weights, m values >= 0 (default: uniform)"},
  };
  if (cost_flag == CostFlag::kKeywordsAndFile) {
    defs.push_back({"cost", "COST",
                    "sqeuclidean (default, |x-y|^2), euclidean (|x-y|), power:P\n"
                    "(|x-y|^P), or FILE: an explicit n x m cost matrix, given\n"
                    "instead of --x and --y"});
  }
  return defs;
}

absl::StatusOr<RunFlags> RunFlagsFrom(const ParsedFlags& flags) {
  RunFlags o;
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

std::vector<FlagDef> RunFlagDefs(bool frames, const std::string& out_help) {
  std::vector<FlagDef> defs;
  if (frames) {
    defs.push_back({"frame-every", "K", "ask for a trajectory frame every K iterations"});
    defs.push_back({"max-frames", "N", "at most N frames (default: the server's limit)"});
  }
  defs.push_back(
      {"timeout", "SECONDS", "deadline of the call; with --detach, the job's time limit"});
  defs.push_back({"detach", "", "submit the job, print its id and return at once"});
  if (!out_help.empty()) defs.push_back({"out", "DIR", out_help});
  return defs;
}

}  // namespace advect::cli
