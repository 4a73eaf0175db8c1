#include "client/cli/ot_command.h"

#include <utility>

#include "client/cli/job_runner.h"
#include "client/cli/ot_specs.h"
#include "client/cli/sinkhorn_options.h"

namespace advect::cli {
namespace {

// The server's defaults, for the progress line when the flags leave them out.
constexpr int64_t kServerDefaultMaxIterations = 1000;
constexpr double kServerDefaultTolerance = 1e-9;

absl::Status RunOtSinkhorn(const Context& context, const ParsedFlags& flags) {
  absl::StatusOr<SinkhornOptions> options = SinkhornOptionsFromFlags(flags);
  if (!options.ok()) return options.status();
  absl::StatusOr<v1::JobSpec> spec = BuildJobSpec(*options);
  if (!spec.ok()) return spec.status();
  ProgressScale scale;
  scale.max_iterations = options->max_iterations.value_or(0) > 0 ? *options->max_iterations
                                                                 : kServerDefaultMaxIterations;
  const double tol = options->tolerance.value_or(0.0);
  scale.tolerance = tol > 0 ? tol : kServerDefaultTolerance;
  return RunJob(context, *std::move(spec), options->run, scale);
}

}  // namespace

absl::Status RunOtCommand(const Context& context, absl::string_view name,
                          const ParsedFlags& flags) {
  if (name == "sinkhorn") return RunOtSinkhorn(context, flags);
  absl::StatusOr<CommandSpec> command;
  if (name == "exact") {
    command = BuildExactOtSpec(flags);
  } else if (name == "unbalanced") {
    command = BuildUnbalancedOtSpec(flags);
  } else if (name == "barycenter") {
    command = BuildBarycenterSpec(flags);
  } else if (name == "interpolate") {
    command = BuildOtInterpolationSpec(flags);
  } else if (name == "divergence") {
    command = BuildSinkhornDivergenceSpec(flags);
  } else if (name == "1d") {
    command = BuildOt1dSpec(flags);
  } else if (name == "sliced") {
    command = BuildSlicedOtSpec(flags);
  } else {
    command = BuildGaussianOtSpec(flags);
  }
  if (!command.ok()) return command.status();
  return RunJob(context, std::move(command->spec), command->run, ProgressScale{});
}

}  // namespace advect::cli
