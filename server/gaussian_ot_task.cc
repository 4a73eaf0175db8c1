#include "server/gaussian_ot_task.h"

#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/solvers/gaussian.h"
#include "server/field_checks.h"
#include "server/gaussian_input.h"
#include "server/matrix_convert.h"
#include "server/ot_input.h"

namespace advect::server {

absl::StatusOr<std::unique_ptr<Task>> PrepareGaussianOt(const v1::GaussianOtSpec& spec,
                                                        const Limits& limits,
                                                        absl::string_view prefix) {
  const std::string p(prefix);
  if (spec.distance_only() && spec.interpolation_times_size() > 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        p, "interpolation_times: the interpolation needs the map; unset distance_only"));
  }
  for (int k = 0; k < spec.interpolation_times_size(); ++k) {
    const double t = spec.interpolation_times(k);
    if (!(std::isfinite(t) && t >= 0.0 && t <= 1.0)) {
      return absl::InvalidArgumentError(absl::StrCat(p, "interpolation_times: entry ", k,
                                                     " must be in [0, 1], got ", t));
    }
  }
  if (absl::Status s = CheckCount("interpolation_times", spec.interpolation_times_size(),
                                  limits.max_frames, "times", "--max-frames");
      !s.ok()) {
    return WithFieldPrefix(p, s);
  }
  absl::StatusOr<GaussianPair> pair = GaussianPairFromSpec(spec, limits);
  if (!pair.ok()) return WithFieldPrefix(p, pair.status());
  std::vector<double> times(spec.interpolation_times().begin(), spec.interpolation_times().end());
  return std::make_unique<FunctionTask>(
      "gaussian_ot", false,
      [p, source_field = pair->source_field, distance_only = spec.distance_only(),
       g1 = std::move(pair->source), g2 = std::move(pair->target),
       times = std::move(times)](Observer& observer) -> absl::StatusOr<v1::JobResult> {
        if (observer.StopRequested()) return absl::CancelledError("the job was asked to stop");
        GaussianOtOptions options;
        options.compute_map = !distance_only;
        absl::StatusOr<GaussianOtOutput> out = SolveGaussianOt(g1, g2, options);
        if (!out.ok()) {
          // A singular source covariance has no Monge map: say which field.
          if (out.status().code() == absl::StatusCode::kFailedPrecondition) {
            std::string message(out.status().message());
            if (message.rfind("cov1", 0) == 0) message = message.substr(4);
            if (const size_t k = message.find("(compute_map = false)"); k != std::string::npos) {
              message.replace(k, 21, "(set distance_only)");
            }
            return absl::InvalidArgumentError(absl::StrCat(p, source_field, message));
          }
          return WithFieldPrefix(p, out.status());
        }
        v1::JobResult result;
        v1::GaussianOtResult* r = result.mutable_gaussian_ot();
        r->set_transport_cost(out->transport_cost);
        if (!distance_only) {
          server::ToProto(out->map_matrix, r->mutable_map_matrix());
          server::ToProto(out->map_offset, r->mutable_map_offset());
        }
        ToProto(g1, r->mutable_source());
        ToProto(g2, r->mutable_target());
        for (double t : times) ToProto(McCannInterpolate(g1, *out, t), r->add_interpolation());
        observer.OnProgress({1, 0.0, out->transport_cost});
        return result;
      });
}

}  // namespace advect::server
