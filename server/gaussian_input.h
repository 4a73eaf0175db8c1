// The two Gaussians of a request that gives them either as moments
// (source, target: GaussianMeasure) or as point clouds (x, y with weights a,
// b, whose weighted means and covariances plus regularization * I are used):
// gaussian_ot and flow_map share these fields.
#ifndef ADVECT_SERVER_GAUSSIAN_INPUT_H_
#define ADVECT_SERVER_GAUSSIAN_INPUT_H_

#include <cstdint>
#include <string>

#include <google/protobuf/repeated_field.h>

#include "absl/status/statusor.h"
#include "advect/v1/array.pb.h"
#include "advect/v1/gaussian_ot.pb.h"
#include "core/solvers/gaussian.h"
#include "server/limits.h"

namespace advect::server {

// The eigendecompositions cost O(d^3): d is bounded for the closed forms.
inline constexpr int64_t kMaxGaussianDimension = 512;

struct GaussianPair {
  Gaussian source;
  Gaussian target;
  bool from_moments = true;
  // Where a singular source covariance comes from, for error messages.
  std::string source_field;
};

// Errors are INVALID_ARGUMENT naming the field (source.mean, x, b, ...)
// without a prefix. `source`/`target` are null when unset.
absl::StatusOr<GaussianPair> GaussianPairFromFields(
    const v1::GaussianMeasure* source, const v1::GaussianMeasure* target, const v1::Matrix& x,
    const v1::Matrix& y, const google::protobuf::RepeatedField<double>& a,
    const google::protobuf::RepeatedField<double>& b, double regularization,
    const Limits& limits);

// The same for any spec with those fields.
template <typename Spec>
absl::StatusOr<GaussianPair> GaussianPairFromSpec(const Spec& spec, const Limits& limits) {
  return GaussianPairFromFields(spec.has_source() ? &spec.source() : nullptr,
                                spec.has_target() ? &spec.target() : nullptr, spec.x(), spec.y(),
                                spec.a(), spec.b(), spec.regularization(), limits);
}

void ToProto(const Gaussian& g, v1::GaussianMeasure* out);

}  // namespace advect::server

#endif  // ADVECT_SERVER_GAUSSIAN_INPUT_H_
