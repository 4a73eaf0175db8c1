// The flags of `advect ot sinkhorn` and the JobSpec they describe.
#ifndef ADVECT_CLIENT_CLI_SINKHORN_OPTIONS_H_
#define ADVECT_CLIENT_CLI_SINKHORN_OPTIONS_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "advect/v1/job.pb.h"
#include "client/cli/common_flags.h"
#include "client/cli/flags.h"

namespace advect::cli {

// The checked flags of `advect ot sinkhorn` (no file read yet).
struct SinkhornOptions {
  MeasureFlags measures;
  RunFlags run;
  double epsilon = 0.0;
  std::optional<double> tolerance;
  std::optional<int32_t> max_iterations;
  bool normalize_cost = false;
  bool epsilon_scaling = false;
  std::optional<double> epsilon_start, epsilon_decay;
  bool plan = false;
  v1::SinkhornMethod method = v1::SINKHORN_METHOD_UNSPECIFIED;
  v1::KernelPrecision precision = v1::KERNEL_PRECISION_UNSPECIFIED;
};

// Checks flag presence, combinations and numbers (usage errors, exit 2).
// The server checks the ranges of epsilon, tolerance and so on.
absl::StatusOr<SinkhornOptions> SinkhornOptionsFromFlags(const ParsedFlags& flags);

// Reads the input files and builds the JobSpec (input errors, exit 3).
absl::StatusOr<v1::JobSpec> BuildJobSpec(const SinkhornOptions& options);

}  // namespace advect::cli

#endif  // ADVECT_CLIENT_CLI_SINKHORN_OPTIONS_H_
