// `advect particles flow|mmd|svgd|jko`: the Wasserstein gradient flow of
// particles (SCIENCE.md c1) with a potential, a pair interaction and Langevin
// noise; the MMD flow toward target samples and SVGD toward a Gaussian
// mixture (c2); the entropic JKO scheme on a grid (c3).
#ifndef ADVECT_CLIENT_CLI_PARTICLES_COMMAND_H_
#define ADVECT_CLIENT_CLI_PARTICLES_COMMAND_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "client/cli/context.h"
#include "client/cli/flags.h"

namespace advect::cli {

// The flags of `particles flow`, `particles mmd` and `particles svgd`
// (without the run flags).
std::vector<FlagDef> ParticlesFlowFlagDefs();
std::vector<FlagDef> ParticlesMmdFlagDefs();
std::vector<FlagDef> ParticlesSvgdFlagDefs();
std::vector<FlagDef> ParticlesJkoFlagDefs();

// Builds the spec from the flags and files, then runs the job as the other
// commands do (--out writes positions.npy, the recorded series and, with
// --frame-every, trajectory.npy).
absl::Status RunParticlesCommand(const Context& context, absl::string_view name,
                                 const ParsedFlags& flags);

}  // namespace advect::cli

#endif  // ADVECT_CLIENT_CLI_PARTICLES_COMMAND_H_
