// `advect tokens evolve`: transformer tokens moved by self-attention layers as
// interacting particles (SCIENCE.md d1-d4).
#ifndef ADVECT_CLIENT_CLI_TOKENS_COMMAND_H_
#define ADVECT_CLIENT_CLI_TOKENS_COMMAND_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "client/cli/context.h"
#include "client/cli/flags.h"

namespace advect::cli {

// The flags of `tokens evolve` (without the run flags).
std::vector<FlagDef> TokensEvolveFlagDefs();

// Builds the spec from the flags and files, then runs the job (--out writes
// positions.npy, cluster_counts.npy, mean_pairwise_cosines.npy and, with
// --frame-every, trajectory.npy).
absl::Status RunTokensCommand(const Context& context, absl::string_view name,
                              const ParsedFlags& flags);

}  // namespace advect::cli

#endif  // ADVECT_CLIENT_CLI_TOKENS_COMMAND_H_
