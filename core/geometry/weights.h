// Weights of a discrete measure: validation and normalisation.
#ifndef ADVECT_CORE_GEOMETRY_WEIGHTS_H_
#define ADVECT_CORE_GEOMETRY_WEIGHTS_H_

#include "absl/strings/string_view.h"

#include <Eigen/Core>

#include "absl/status/statusor.h"

namespace advect {

// Returns the weights of a measure on `size` points, normalised to sum 1.
// Empty `weights` means uniform 1/size. Otherwise they must have `size` entries,
// all finite and >= 0, with a positive sum. Errors name `field`.
absl::StatusOr<Eigen::VectorXd> NormalizedWeights(const Eigen::Ref<const Eigen::VectorXd>& weights,
                                                  Eigen::Index size, absl::string_view field);

// The checks of NormalizedWeights without the copy: returns the total mass of
// `weights` (for callers that divide as they go), or `size` when `weights` is
// empty (the total of all-ones weights, which such a caller then uses).
absl::StatusOr<double> ValidatedWeightTotal(const Eigen::Ref<const Eigen::VectorXd>& weights,
                                            Eigen::Index size, absl::string_view field);

// Checks that every entry of `values` is finite; errors name `field` and the
// first bad entry (row and column when `cols` > 1).
absl::Status CheckFinite(const Eigen::Ref<const Eigen::MatrixXd>& values, absl::string_view field);

}  // namespace advect

#endif  // ADVECT_CORE_GEOMETRY_WEIGHTS_H_
