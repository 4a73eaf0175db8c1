// Reading the input arrays of a command (points, weights, cost matrices) with
// shape checks. Every error is an input error (exit 3) naming the flag and file.
#ifndef ADVECT_CLIENT_CLI_INPUT_FILES_H_
#define ADVECT_CLIENT_CLI_INPUT_FILES_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/io/npy.h"

namespace advect::cli {

// Points, one row per point. A 1-D file of n values is n points in dimension 1.
absl::StatusOr<Array> LoadPoints(absl::string_view flag, const std::string& path);

// Weights: a 1-D file (or n x 1) of exactly `expected` values; `what` says
// where the count comes from (e.g. "--x has 8 points").
absl::StatusOr<Array> LoadWeights(absl::string_view flag, const std::string& path,
                                  int64_t expected, absl::string_view what);

// An explicit 2-D n x m cost matrix.
absl::StatusOr<Array> LoadCostMatrix(absl::string_view flag, const std::string& path);

}  // namespace advect::cli

#endif  // ADVECT_CLIENT_CLI_INPUT_FILES_H_
