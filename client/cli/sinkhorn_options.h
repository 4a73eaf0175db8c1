// The flags of `advect ot sinkhorn` and the JobSpec they describe.
#ifndef ADVECT_CLIENT_CLI_SINKHORN_OPTIONS_H_
#define ADVECT_CLIENT_CLI_SINKHORN_OPTIONS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "advect/v1/job.pb.h"
#include "client/cli/flags.h"

namespace advect::cli {

// The value of --cost: a ground-cost keyword, or a file with an explicit cost matrix.
struct CostChoice {
  v1::CostKind kind = v1::COST_KIND_SQEUCLIDEAN;
  double p = 0.0;         // exponent of power:P
  std::string file;       // not empty: an explicit n x m cost matrix
};

// Parses sqeuclidean | euclidean | power:P | FILE. A bad P is a usage error.
absl::StatusOr<CostChoice> ParseCost(absl::string_view text);

// The checked flags of `advect ot sinkhorn` (no file read yet).
struct SinkhornOptions {
  std::string x, y, a, b;  // file paths; empty when not given
  CostChoice cost;
  double epsilon = 0.0;
  std::optional<double> tolerance;
  std::optional<int32_t> max_iterations;
  bool normalize_cost = false;
  bool epsilon_scaling = false;
  std::optional<double> epsilon_start, epsilon_decay;
  bool plan = false;
  int32_t frame_every = 0;
  int32_t max_frames = 0;
  std::optional<double> timeout_seconds;
  bool detach = false;
  std::string out_dir;
};

// Checks flag presence, combinations and numbers (usage errors, exit 2).
// The server checks the ranges of epsilon, tolerance and so on.
absl::StatusOr<SinkhornOptions> SinkhornOptionsFromFlags(const ParsedFlags& flags);

// Reads the input files and builds the JobSpec (input errors, exit 3).
absl::StatusOr<v1::JobSpec> BuildJobSpec(const SinkhornOptions& options);

}  // namespace advect::cli

#endif  // ADVECT_CLIENT_CLI_SINKHORN_OPTIONS_H_
