#include "server/flow_inputs.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/random/normal.h"
#include "server/field_checks.h"
#include "server/matrix_convert.h"

namespace advect::server {

absl::StatusOr<GaussianMixture> MixtureFromProto(
    const google::protobuf::RepeatedField<double>& weights, const v1::Matrix& means,
    const google::protobuf::RepeatedPtrField<v1::Matrix>& covs, const Limits& limits) {
  const int64_t k = weights.size();
  if (absl::Status s = CheckCount("gmm_weights", k, limits.max_points, "components",
                                  "--max-points");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckCount("gmm_means", means.cols(), limits.max_dimension, "dimensions",
                                  "--max-dimension");
      !s.ok()) {
    return s;
  }
  // K covariances of d^2 entries are held and factorised: bound K d^2.
  const int64_t d = means.cols();
  if (absl::Status s = CheckCount("gmm_covs", k * d * d, limits.max_cost_entries,
                                  "covariance entries (K d^2)", "--max-cost-entries");
      !s.ok()) {
    return s;
  }
  GaussianMixture mixture;
  mixture.weights = FromProto(weights);
  absl::StatusOr<Eigen::MatrixXd> m = FromProto(means, "gmm_means");
  if (!m.ok()) return m.status();
  mixture.means = *std::move(m);
  for (int j = 0; j < covs.size(); ++j) {
    absl::StatusOr<Eigen::MatrixXd> cov = FromProto(covs[j], absl::StrCat("gmm_covs[", j, "]"));
    if (!cov.ok()) return cov.status();
    mixture.covs.push_back(*std::move(cov));
  }
  return mixture;
}

absl::StatusOr<MixtureVelocity> MixtureScoreFromProto(
    const google::protobuf::RepeatedField<double>& weights, const v1::Matrix& means,
    const google::protobuf::RepeatedPtrField<v1::Matrix>& covs, const Limits& limits) {
  absl::StatusOr<GaussianMixture> mixture = MixtureFromProto(weights, means, covs, limits);
  if (!mixture.ok()) return mixture.status();
  return MixtureVelocity::Create(*std::move(mixture), 1.0, ScheduleKind::kLinear);
}

absl::StatusOr<Eigen::MatrixXd> StartingPoints(const v1::Matrix& given, const char* given_field,
                                               int64_t count, const char* count_field,
                                               Eigen::Index d, double scale, uint64_t seed,
                                               const Limits& limits) {
  if (!IsUnset(given)) {
    if (absl::Status s =
            CheckCount(given_field, given.rows(), limits.max_points, "points", "--max-points");
        !s.ok()) {
      return s;
    }
    absl::StatusOr<Eigen::MatrixXd> points = FromProto(given, given_field);
    if (!points.ok()) return points.status();
    // Finite and not so large that squared distances overflow.
    if (points->cols() != d || !points->allFinite() ||
        (points->size() > 0 && points->cwiseAbs().maxCoeff() > 1e100)) {
      return absl::InvalidArgumentError(
          absl::StrCat(given_field, ": expected finite points (|x| <= 1e100) of dimension ", d,
                       ", got ", points->rows(), " x ", points->cols()));
    }
    return *std::move(points);
  }
  if (count < 1) {
    return absl::InvalidArgumentError(absl::StrCat(count_field, ": must be >= 1, got ", count));
  }
  if (absl::Status s = CheckCount(count_field, count, limits.max_points, "samples", "--max-points");
      !s.ok()) {
    return s;
  }
  NormalStream normal(seed);
  Eigen::MatrixXd z(count, d);
  for (Eigen::Index i = 0; i < count; ++i) {
    for (Eigen::Index c = 0; c < d; ++c) z(i, c) = scale * normal.Next();
  }
  return z;
}

absl::StatusOr<std::optional<SampleDiagnosticsOptions>> OptionalDiagnostics(
    const v1::FlowDiagnosticsSpec& spec, uint64_t seed) {
  if (spec.skip()) return std::nullopt;
  SampleDiagnosticsOptions options;
  options.epsilon = spec.epsilon();
  options.max_points = spec.max_points() == 0 ? kDefaultDiagnosticPoints : spec.max_points();
  // A different stream from the sampler's noise.
  options.seed = seed ^ 0x5DEECE66DULL;
  if (!(std::isfinite(options.epsilon) && options.epsilon >= 0.0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "diagnostics.epsilon: must be finite and >= 0 (0 = default), got ", spec.epsilon()));
  }
  if (options.max_points < 1 || options.max_points > kMaxDiagnosticPoints) {
    return absl::InvalidArgumentError(absl::StrCat("diagnostics.max_points: must be in [1, ",
                                                   kMaxDiagnosticPoints, "] (0 = ",
                                                   kDefaultDiagnosticPoints, "), got ",
                                                   spec.max_points()));
  }
  return options;
}

namespace {

// Forwards only StopRequested: the diagnostics' own Sinkhorn progress must not
// mix with the sampler's progress stream.
class StopOnlyObserver : public Observer {
 public:
  explicit StopOnlyObserver(const Observer& inner) : inner_(inner) {}
  bool StopRequested() const override { return inner_.StopRequested(); }

 private:
  const Observer& inner_;
};

void DiagnosticsToProto(const SampleDiagnostics& d, v1::FlowDiagnostics* out) {
  out->set_sinkhorn_divergence(d.sinkhorn_divergence);
  out->set_epsilon(d.epsilon);
  out->set_divergence_samples(static_cast<int32_t>(d.divergence_samples));
  out->set_divergence_reference_points(static_cast<int32_t>(d.divergence_reference_points));
  out->set_divergence_converged(d.divergence_converged);
  out->mutable_nearest_training_distance()->Assign(
      d.nearest_training_distance.data(),
      d.nearest_training_distance.data() + d.nearest_training_distance.size());
  out->set_median_nearest_training_distance(d.median_nearest_training_distance);
  out->set_memorised_fraction(d.memorised_fraction);
}

}  // namespace

absl::Status AttachDiagnostics(const Eigen::MatrixXd& samples, const MixtureVelocity& target,
                               const SampleDiagnosticsOptions& options,
                               const Observer& observer, v1::FlowDiagnostics* out) {
  StopOnlyObserver stop(observer);
  absl::StatusOr<SampleDiagnostics> d = DiagnoseSamples(samples, target, options, stop);
  if (!d.ok()) return d.status();
  DiagnosticsToProto(*d, out);
  return absl::OkStatus();
}

}  // namespace advect::server
