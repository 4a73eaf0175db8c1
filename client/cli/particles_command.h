// `advect particles flow`: the Wasserstein gradient flow of particles
// (SCIENCE.md c1) with a potential, a pair interaction and Langevin noise.
#ifndef ADVECT_CLIENT_CLI_PARTICLES_COMMAND_H_
#define ADVECT_CLIENT_CLI_PARTICLES_COMMAND_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "client/cli/context.h"
#include "client/cli/flags.h"

namespace advect::cli {

// The flags of `particles flow` (without the run flags).
std::vector<FlagDef> ParticlesFlowFlagDefs();

// Builds the spec from the flags and files, then runs the job as the other
// commands do (--out writes positions.npy, energy.npy,
// mean_squared_velocity.npy and, with --frame-every, trajectory.npy).
absl::Status RunParticlesCommand(const Context& context, absl::string_view name,
                                 const ParsedFlags& flags);

}  // namespace advect::cli

#endif  // ADVECT_CLIENT_CLI_PARTICLES_COMMAND_H_
