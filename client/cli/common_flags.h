// Flags shared by the OT commands: the two measures (--x --y --a --b --cost)
// and how the job is run (--frame-every --max-frames --timeout --detach --out),
// with their FlagDefs, parsing (usage errors) and file loading (input errors).
#ifndef ADVECT_CLIENT_CLI_COMMON_FLAGS_H_
#define ADVECT_CLIENT_CLI_COMMON_FLAGS_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include <google/protobuf/repeated_field.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "advect/v1/array.pb.h"
#include "advect/v1/ot.pb.h"
#include "client/cli/flags.h"

namespace advect::cli {

// Sets *out from --name when given (usage error when it is not a number).
absl::Status OptionalDouble(const ParsedFlags& flags, const std::string& name,
                            std::optional<double>* out);
// Sets *out from --name when given (an integer in [min, INT32_MAX]).
absl::Status OptionalInt32(const ParsedFlags& flags, const std::string& name, int64_t min,
                           int32_t* out);

// --name ONE|TWO|... -> the index of the choice (`fallback` when --name is
// absent); a usage error listing the choices otherwise.
absl::StatusOr<int> Choice(const ParsedFlags& flags, const std::string& name,
                           std::initializer_list<const char*> choices, int fallback);

// The value of --cost: a ground-cost keyword, or a file with an explicit cost matrix.
struct CostChoice {
  v1::CostKind kind = v1::COST_KIND_SQEUCLIDEAN;
  double p = 0.0;         // exponent of power:P
  std::string file;       // not empty: an explicit n x m cost matrix
};

// Parses sqeuclidean | euclidean | power:P | FILE. A bad P is a usage error.
absl::StatusOr<CostChoice> ParseCost(absl::string_view text);

// --x --y --a --b --cost as given (file paths; nothing read yet).
struct MeasureFlags {
  std::string x, y, a, b;  // empty when not given
  CostChoice cost;
};

// What --cost accepts for a command.
enum class CostFlag { kNone, kKeywordsAndFile };

// Checks presence and combinations: --x and --y are required unless --cost FILE
// is given (then they are refused). Usage errors.
absl::StatusOr<MeasureFlags> MeasureFlagsFrom(const ParsedFlags& flags, CostFlag cost_flag);

// The measures read from their files, as wire types. Input errors (exit 3).
struct LoadedMeasures {
  v1::Matrix x, y, cost_matrix;  // x, y unset with a cost matrix and vice versa
  google::protobuf::RepeatedField<double> a, b;
  v1::GroundCost cost;
};
absl::StatusOr<LoadedMeasures> LoadMeasures(const MeasureFlags& flags);

// Moves loaded points and weights into a spec with the fields x, y, a, b.
template <typename Spec>
void SetClouds(LoadedMeasures& m, Spec* spec) {
  if (m.x.rows() > 0) *spec->mutable_x() = std::move(m.x);
  if (m.y.rows() > 0) *spec->mutable_y() = std::move(m.y);
  spec->mutable_a()->Swap(&m.a);
  spec->mutable_b()->Swap(&m.b);
}

// The same plus cost and cost_matrix.
template <typename Spec>
void SetMeasures(LoadedMeasures& m, Spec* spec) {
  SetClouds(m, spec);
  if (m.cost_matrix.rows() > 0) {
    *spec->mutable_cost_matrix() = std::move(m.cost_matrix);
  } else {
    *spec->mutable_cost() = m.cost;
  }
}

// FlagDefs of --x --y --a --b, and of --cost when `cost_flag` allows it.
std::vector<FlagDef> MeasureFlagDefs(CostFlag cost_flag);

// How the job runs and where its result goes.
struct RunFlags {
  int32_t frame_every = 0;
  int32_t max_frames = 0;
  std::optional<double> timeout_seconds;
  bool detach = false;
  std::string out_dir;
};

// Parses the run flags (usage errors).
absl::StatusOr<RunFlags> RunFlagsFrom(const ParsedFlags& flags);

// FlagDefs of the run flags; `out_help` describes the files --out writes
// (empty: the command has no --out).
std::vector<FlagDef> RunFlagDefs(bool frames, const std::string& out_help);

}  // namespace advect::cli

#endif  // ADVECT_CLIENT_CLI_COMMON_FLAGS_H_
