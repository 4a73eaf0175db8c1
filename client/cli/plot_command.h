// `advect plot`: a finished job (by id, or an --out directory) drawn as PNG,
// SVG or GIF figures.
#ifndef ADVECT_CLIENT_CLI_PLOT_COMMAND_H_
#define ADVECT_CLIENT_CLI_PLOT_COMMAND_H_

#include "absl/status/status.h"
#include "client/cli/context.h"
#include "client/cli/flags.h"

namespace advect::cli {

// Loads the job (ID or --from DIR), then writes --output FILE (one figure) or
// every figure the job supports into --output-dir DIR, printing each path.
absl::Status RunPlot(const Context& context, const ParsedFlags& flags);

}  // namespace advect::cli

#endif  // ADVECT_CLIENT_CLI_PLOT_COMMAND_H_
