// `advect flow sample|langevin|map|train`: diffusion sampling of a Gaussian mixture
// or a cloud with its closed-form fields (SCIENCE.md b2-b5), and the flow map
// against the Brenier map between Gaussians (b6), and flow-matching training (b4).
#ifndef ADVECT_CLIENT_CLI_FLOW_COMMAND_H_
#define ADVECT_CLIENT_CLI_FLOW_COMMAND_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "client/cli/context.h"
#include "client/cli/flags.h"

namespace advect::cli {

// The flags of `flow sample` and `flow langevin` (without the run flags).
std::vector<FlagDef> FlowSampleFlagDefs();
std::vector<FlagDef> FlowLangevinFlagDefs();
std::vector<FlagDef> FlowTrainFlagDefs();

// Builds the spec from the flags and files, then runs the job as the OT
// commands do (stream or --detach; --out writes samples.npy,
// nearest_training_distance.npy and trajectory.npy).
absl::Status RunFlowCommand(const Context& context, absl::string_view name,
                            const ParsedFlags& flags);

}  // namespace advect::cli

#endif  // ADVECT_CLIENT_CLI_FLOW_COMMAND_H_
