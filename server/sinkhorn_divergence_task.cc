#include "server/sinkhorn_divergence_task.h"

#include <algorithm>
#include <string>
#include <utility>

#include "core/solvers/sinkhorn_divergence.h"
#include "server/field_checks.h"
#include "server/ot_input.h"
#include "server/sinkhorn_settings.h"

namespace advect::server {

absl::StatusOr<std::unique_ptr<Task>> PrepareSinkhornDivergence(
    const v1::SinkhornDivergenceSpec& spec, const Limits& limits, absl::string_view prefix) {
  const std::string p(prefix);
  // The largest of the three cost matrices (x-y, x-x, y-y) must fit the limit.
  const int64_t larger = std::max(spec.x().rows(), spec.y().rows());
  if (absl::Status s = CheckCount(spec.x().rows() >= spec.y().rows() ? "x" : "y", larger * larger,
                                  limits.max_cost_entries,
                                  "cost entries (the symmetric term is max(n, m)^2)",
                                  "--max-cost-entries");
      !s.ok() && larger <= limits.max_points) {
    return WithFieldPrefix(p, s);
  }
  absl::StatusOr<Clouds> clouds = PrepareClouds(spec.x(), spec.y(), spec.a(), spec.b(), limits);
  if (!clouds.ok()) return WithFieldPrefix(p, clouds.status());
  absl::StatusOr<GroundCost> cost = CostFromProto(spec.cost());
  if (!cost.ok()) return WithFieldPrefix(p, cost.status());
  const SinkhornOptions options =
      SinkhornOptionsFrom(spec.epsilon(), spec.tolerance(), spec.max_iterations(),
                          spec.has_epsilon_scaling() ? &spec.epsilon_scaling() : nullptr);
  if (absl::Status s = ValidateSinkhornOptions(options); !s.ok()) return WithFieldPrefix(p, s);
  return std::make_unique<FunctionTask>(
      "sinkhorn_divergence", false,
      [p, options, cost = *cost,
       c = *std::move(clouds)](Observer& observer) -> absl::StatusOr<v1::JobResult> {
        absl::StatusOr<SinkhornDivergenceOutput> out =
            SolveSinkhornDivergence(c.x, c.y, c.a, c.b, cost, options, observer);
        if (!out.ok()) return WithFieldPrefix(p, out.status());
        v1::JobResult result;
        v1::SinkhornDivergenceResult* r = result.mutable_sinkhorn_divergence();
        r->set_divergence(out->divergence);
        r->set_transport_cost(out->transport_cost);
        r->set_ot_xy(out->ot_xy);
        r->set_ot_xx(out->ot_xx);
        r->set_ot_yy(out->ot_yy);
        r->set_iterations(static_cast<int32_t>(out->iterations));
        r->set_converged(out->converged);
        return result;
      });
}

}  // namespace advect::server
