#include "server/sliced_ot_task.h"

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/solvers/sliced.h"
#include "server/field_checks.h"
#include "server/matrix_convert.h"
#include "server/ot_input.h"

namespace advect::server {
namespace {

constexpr double kDefaultP = 2.0;
constexpr int64_t kDefaultDirections = 50;

}  // namespace

absl::StatusOr<std::unique_ptr<Task>> PrepareSlicedOt(const v1::SlicedOtSpec& spec,
                                                      const Limits& limits,
                                                      absl::string_view prefix) {
  const std::string p(prefix);
  absl::StatusOr<Clouds> clouds = PrepareClouds(spec.x(), spec.y(), spec.a(), spec.b(), limits);
  if (!clouds.ok()) return WithFieldPrefix(p, clouds.status());
  SlicedOptions options;
  options.p = spec.p() == 0.0 ? kDefaultP : spec.p();
  options.seed = spec.seed();
  options.num_threads = limits.threads_per_job;
  if (!IsUnset(spec.directions())) {
    absl::StatusOr<Eigen::MatrixXd> d = FromProto(spec.directions(), "directions");
    if (!d.ok()) return WithFieldPrefix(p, d.status());
    options.directions = *std::move(d);
  } else {
    options.num_directions =
        spec.num_directions() == 0 ? kDefaultDirections : spec.num_directions();
    if (absl::Status s = CheckCount("num_directions", options.num_directions,
                                    limits.max_directions, "directions", "--max-directions");
        !s.ok()) {
      return WithFieldPrefix(p, s);
    }
  }
  if (options.directions.has_value()) {
    if (absl::Status s = CheckCount("directions", options.directions->cols(),
                                    limits.max_directions, "directions", "--max-directions");
        !s.ok()) {
      return WithFieldPrefix(p, s);
    }
  }
  if (absl::Status s = ValidateSlicedOptions(options, clouds->x.cols()); !s.ok()) {
    return WithFieldPrefix(p, s);
  }
  return std::make_unique<FunctionTask>(
      "sliced_ot", false,
      [p, options = std::move(options),
       c = *std::move(clouds)](Observer& observer) -> absl::StatusOr<v1::JobResult> {
        absl::StatusOr<SlicedOutput> out = SolveSliced(c.x, c.y, c.a, c.b, options, observer);
        if (!out.ok()) return WithFieldPrefix(p, out.status());
        v1::JobResult result;
        v1::SlicedOtResult* r = result.mutable_sliced_ot();
        r->set_transport_cost(out->transport_cost);
        ToProto(out->per_direction, r->mutable_per_direction());
        ToProto(out->directions, r->mutable_directions());
        return result;
      });
}

}  // namespace advect::server
