#include "core/geometry/weights.h"

#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace advect {

absl::Status CheckFinite(const Eigen::Ref<const Eigen::MatrixXd>& values, absl::string_view field) {
  // Vectorised pass first; the scan below only runs to name the bad entry.
  if (values.allFinite()) return absl::OkStatus();
  for (Eigen::Index j = 0; j < values.cols(); ++j) {
    for (Eigen::Index i = 0; i < values.rows(); ++i) {
      if (!std::isfinite(values(i, j))) {
        const std::string where =
            values.cols() == 1 ? absl::StrCat("[", i, "]") : absl::StrCat("[", i, ", ", j, "]");
        return absl::InvalidArgumentError(absl::StrCat(
            field, ": values must be finite, but entry ", where, " is ", values(i, j)));
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<double> ValidatedWeightTotal(const Eigen::Ref<const Eigen::VectorXd>& weights,
                                            Eigen::Index size, absl::string_view field) {
  if (size <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": the measure has no points"));
  }
  if (weights.size() == 0) return static_cast<double>(size);
  if (weights.size() != size) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": expected ", size,
                                                   " weights (one per point), got ",
                                                   weights.size()));
  }
  if (absl::Status s = CheckFinite(weights, field); !s.ok()) return s;
  for (Eigen::Index i = 0; i < size; ++i) {
    if (weights[i] < 0.0) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ": weights must be non-negative, but entry [", i, "] is ", weights[i]));
    }
  }
  const double total = weights.sum();
  if (!(total > 0.0) || !std::isfinite(total)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": weights must have a positive, finite total mass, got ", total));
  }
  return total;
}

absl::StatusOr<Eigen::VectorXd> NormalizedWeights(const Eigen::Ref<const Eigen::VectorXd>& weights,
                                                  Eigen::Index size, absl::string_view field) {
  absl::StatusOr<double> total = ValidatedWeightTotal(weights, size, field);
  if (!total.ok()) return total.status();
  if (weights.size() == 0) {
    return Eigen::VectorXd::Constant(size, 1.0 / static_cast<double>(size));
  }
  return Eigen::VectorXd(weights / *total);
}

}  // namespace advect
