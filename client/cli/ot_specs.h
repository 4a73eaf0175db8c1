// The flags of `advect ot exact|1d|sliced|gaussian` and the JobSpecs they
// describe. Each builder checks the flags (usage errors, exit 2), then reads
// the input files (input errors, exit 3). The server checks value ranges.
#ifndef ADVECT_CLIENT_CLI_OT_SPECS_H_
#define ADVECT_CLIENT_CLI_OT_SPECS_H_

#include <vector>

#include "absl/status/statusor.h"
#include "advect/v1/flow.pb.h"
#include "advect/v1/job.pb.h"
#include "client/cli/common_flags.h"
#include "client/cli/flags.h"

namespace advect::cli {

// A spec and how to run it.
struct CommandSpec {
  v1::JobSpec spec;
  RunFlags run;
};

// ot exact: --x --y [--a --b --cost] or --cost FILE [--a --b]; [--max-iter N].
absl::StatusOr<CommandSpec> BuildExactOtSpec(const ParsedFlags& flags);
// ot unbalanced: the flags of ot sinkhorn plus --rho R (required).
absl::StatusOr<CommandSpec> BuildUnbalancedOtSpec(const ParsedFlags& flags);
// ot divergence: --x --y [--a --b --cost KEYWORD] --epsilon E [--tol --max-iter
// --epsilon-scaling ...].
absl::StatusOr<CommandSpec> BuildSinkhornDivergenceSpec(const ParsedFlags& flags);
// ot interpolate: --x --y [--a --b --cost KEYWORD] [--epsilon E] [--frames K]
// [--new-points Z]; asks for every frame (frame_every = 1).
absl::StatusOr<CommandSpec> BuildOtInterpolationSpec(const ParsedFlags& flags);
// ot barycenter: --support S --hists H [--weights W] --epsilon E [--tol --max-iter]
// (fixed support), or --clouds A,B,... [--weights W] --init X0 [--tol --max-iter]
// (free support).
absl::StatusOr<CommandSpec> BuildBarycenterSpec(const ParsedFlags& flags);
// ot 1d: --x --y (1-D files, or n x 1) [--a --b --p].
absl::StatusOr<CommandSpec> BuildOt1dSpec(const ParsedFlags& flags);
// ot sliced: --x --y [--a --b --p] and --directions FILE or [--num-directions K --seed S].
absl::StatusOr<CommandSpec> BuildSlicedOtSpec(const ParsedFlags& flags);
// ot gaussian: --mean1 --cov1 --mean2 --cov2, or --x --y [--a --b --reg];
// [--interpolate T1,T2,...].
absl::StatusOr<CommandSpec> BuildGaussianOtSpec(const ParsedFlags& flags);

// The two Gaussians of ot gaussian and flow map into `spec` (source, target
// or x, y, a, b, regularization): --mean1 --cov1 --mean2 --cov2, or --x --y
// [--a --b --reg]. Defined for GaussianOtSpec and FlowMapSpec.
template <typename Spec>
absl::Status LoadGaussianMeasures(const ParsedFlags& flags, Spec* spec);

}  // namespace advect::cli

#endif  // ADVECT_CLIENT_CLI_OT_SPECS_H_
