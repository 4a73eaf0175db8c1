#include "server/flow_map_task.h"

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/diffusion/gaussian_flow_map.h"
#include "server/field_checks.h"
#include "server/gaussian_input.h"
#include "server/matrix_convert.h"

namespace advect::server {
namespace {

constexpr int32_t kDefaultSteps = 200;

// The core names mean1/cov1 (source) and mean2/cov2 (target); say which API
// field they come from.
absl::Status Rename(const absl::Status& status, const GaussianPair& pair) {
  std::string message(status.message());
  const struct {
    const char* core;
    std::string api;
  } names[] = {{"cov1", pair.from_moments ? "source.cov" : "x (its covariance)"},
               {"cov2", pair.from_moments ? "target.cov" : "y (its covariance)"},
               {"mean1", "source.mean"},
               {"mean2", "target.mean"}};
  for (const auto& n : names) {
    if (message.rfind(n.core, 0) == 0) {
      return absl::Status(status.code(), n.api + message.substr(std::string(n.core).size()));
    }
  }
  return status;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Task>> PrepareFlowMap(const v1::FlowMapSpec& spec,
                                                     const Limits& limits,
                                                     absl::string_view prefix) {
  const std::string p(prefix);
  absl::StatusOr<GaussianPair> pair = GaussianPairFromSpec(spec, limits);
  if (!pair.ok()) return WithFieldPrefix(p, pair.status());
  const int64_t steps = spec.steps() == 0 ? kDefaultSteps : spec.steps();
  if (steps < 1 || steps > kMaxFlowMapSteps) {
    return absl::InvalidArgumentError(
        absl::StrCat(p, "steps: must be in [1, ", kMaxFlowMapSteps, "], got ", steps));
  }
  // Check the covariances now, so a singular one is refused before queueing.
  if (absl::StatusOr<GaussianFlowMapOutput> probe =
          CompareFlowAndBrenierMaps(pair->source, pair->target, 1);
      !probe.ok()) {
    return WithFieldPrefix(p, Rename(probe.status(), *pair));
  }
  Eigen::MatrixXd points;
  if (!IsUnset(spec.points())) {
    if (absl::Status s = CheckCount("points", spec.points().rows(), limits.max_points, "points",
                                    "--max-points");
        !s.ok()) {
      return WithFieldPrefix(p, s);
    }
    absl::StatusOr<Eigen::MatrixXd> given = FromProto(spec.points(), "points");
    if (!given.ok()) return WithFieldPrefix(p, given.status());
    if (given->cols() != pair->source.mean.size() || !given->allFinite()) {
      return absl::InvalidArgumentError(absl::StrCat(p, "points: expected finite points of dimension ",
                                                     pair->source.mean.size(), ", got ",
                                                     given->rows(), " x ", given->cols()));
    }
    points = *std::move(given);
  }
  return std::make_unique<FunctionTask>(
      "flow_map", false,
      [p, pair = *std::move(pair), steps,
       points = std::move(points)](Observer& observer) -> absl::StatusOr<v1::JobResult> {
        absl::StatusOr<GaussianFlowMapOutput> out =
            CompareFlowAndBrenierMaps(pair.source, pair.target, steps, observer);
        if (!out.ok()) return WithFieldPrefix(p, Rename(out.status(), pair));
        v1::JobResult result;
        v1::FlowMapResult* r = result.mutable_flow_map();
        ToProto(out->flow_matrix, r->mutable_flow_matrix());
        ToProto(out->flow_offset, r->mutable_flow_offset());
        ToProto(out->brenier_matrix, r->mutable_brenier_matrix());
        ToProto(out->brenier_offset, r->mutable_brenier_offset());
        r->set_map_distance(out->map_distance);
        r->set_flow_cost(out->flow_cost);
        r->set_w2_squared(out->w2_squared);
        ToProto(out->hidden_rotation, r->mutable_hidden_rotation());
        r->set_rotation_angle(out->rotation_angle);
        r->set_pushforward_error(out->pushforward_error);
        if (points.size() > 0) {
          ToProto(Eigen::MatrixXd((points * out->flow_matrix.transpose()).rowwise() +
                                  out->flow_offset.transpose()),
                  r->mutable_flow_points());
          ToProto(Eigen::MatrixXd((points * out->brenier_matrix.transpose()).rowwise() +
                                  out->brenier_offset.transpose()),
                  r->mutable_brenier_points());
        }
        ToProto(pair.source, r->mutable_source());
        ToProto(pair.target, r->mutable_target());
        return result;
      });
}

}  // namespace advect::server
