// `advect meanfield train`: a two-layer network trained as a measure of
// neurons (SCIENCE.md c5), teacher-student or on given data.
#ifndef ADVECT_CLIENT_CLI_MEANFIELD_COMMAND_H_
#define ADVECT_CLIENT_CLI_MEANFIELD_COMMAND_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "client/cli/context.h"
#include "client/cli/flags.h"

namespace advect::cli {

// The flags of `meanfield train` (without the run flags).
std::vector<FlagDef> MeanFieldTrainFlagDefs();

// Builds the spec from the flags and files, then runs the job (--out writes
// positions.npy (the neurons), risk.npy, teacher.npy and, with
// --frame-every, trajectory.npy).
absl::Status RunMeanFieldCommand(const Context& context, absl::string_view name,
                                 const ParsedFlags& flags);

}  // namespace advect::cli

#endif  // ADVECT_CLIENT_CLI_MEANFIELD_COMMAND_H_
