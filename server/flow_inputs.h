// Pieces shared by the diffusion job kinds (flow_sample, langevin_sample):
// the Gaussian-mixture target, seeded starting points, and the diagnostics
// settings and result, between protobuf and core/diffusion.
#ifndef ADVECT_SERVER_FLOW_INPUTS_H_
#define ADVECT_SERVER_FLOW_INPUTS_H_

#include <cstdint>
#include <optional>

#include <Eigen/Core>
#include <google/protobuf/repeated_field.h>

#include "absl/status/statusor.h"
#include "advect/v1/array.pb.h"
#include "advect/v1/flow.pb.h"
#include "core/diffusion/mixture_velocity.h"
#include "core/diffusion/sample_diagnostics.h"
#include "core/observer.h"
#include "server/limits.h"

namespace advect::server {

// The mixture of gmm_weights, gmm_means, gmm_covs, size-checked against the
// limits (K <= max_points, d <= max_dimension, K d^2 <= max_cost_entries)
// before anything is copied. Errors name the field.
absl::StatusOr<GaussianMixture> MixtureFromProto(
    const google::protobuf::RepeatedField<double>& weights, const v1::Matrix& means,
    const google::protobuf::RepeatedPtrField<v1::Matrix>& covs, const Limits& limits);

// The mixture of gmm_* as a target with a known score: MixtureFromProto, then
// checked by MixtureVelocity::Create (shapes, weights, positive definite
// covariances). Its Score(0, ...) is grad log p; the schedule and sigma do not
// matter there.
absl::StatusOr<MixtureVelocity> MixtureScoreFromProto(
    const google::protobuf::RepeatedField<double>& weights, const v1::Matrix& means,
    const google::protobuf::RepeatedPtrField<v1::Matrix>& covs, const Limits& limits);

// The given points (`given_field`: finite, d columns, at most max_points
// rows), or `count` rows of `scale` N(0, I) from NormalStream(seed), row by
// row (the first rows do not depend on count). `count_field` names the count.
absl::StatusOr<Eigen::MatrixXd> StartingPoints(const v1::Matrix& given, const char* given_field,
                                               int64_t count, const char* count_field,
                                               Eigen::Index d, double scale, uint64_t seed,
                                               const Limits& limits);

// Checks and converts FlowDiagnosticsSpec (errors name diagnostics.*): the
// options, or nullopt when spec.skip.
absl::StatusOr<std::optional<SampleDiagnosticsOptions>> OptionalDiagnostics(
    const v1::FlowDiagnosticsSpec& spec, uint64_t seed);

// Runs the diagnostics of `samples` against `target` (polling only the
// observer's stop) and writes them to *out.
absl::Status AttachDiagnostics(const Eigen::MatrixXd& samples, const MixtureVelocity& target,
                               const SampleDiagnosticsOptions& options,
                               const Observer& observer, v1::FlowDiagnostics* out);

}  // namespace advect::server

#endif  // ADVECT_SERVER_FLOW_INPUTS_H_
