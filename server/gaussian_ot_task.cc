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
#include "server/matrix_convert.h"
#include "server/ot_input.h"

namespace advect::server {
namespace {

// The eigendecompositions cost O(d^3): bound d for the closed forms.
constexpr int64_t kMaxGaussianDimension = 512;

void ToProto(const Gaussian& g, v1::GaussianMeasure* out) {
  server::ToProto(g.mean, out->mutable_mean());
  server::ToProto(g.cov, out->mutable_cov());
}

absl::StatusOr<Gaussian> FromProto(const v1::GaussianMeasure& proto, absl::string_view name,
                                   absl::string_view suffix) {
  if (proto.mean().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(name, ".mean: required (d values)"));
  }
  if (absl::Status s = CheckCount(absl::StrCat(name, ".mean"), proto.mean_size(),
                                  kMaxGaussianDimension, "dimensions", "(fixed)");
      !s.ok()) {
    return s;
  }
  Gaussian g;
  g.mean = server::FromProto(proto.mean());
  absl::StatusOr<Eigen::MatrixXd> cov = server::FromProto(proto.cov(), absl::StrCat(name, ".cov"));
  if (!cov.ok()) return cov.status();
  g.cov = *std::move(cov);
  if (g.cov.rows() != g.mean.size() || g.cov.cols() != g.mean.size()) {
    return absl::InvalidArgumentError(absl::StrCat(name, ".cov: is ", g.cov.rows(), " x ",
                                                   g.cov.cols(), " but the mean has ",
                                                   g.mean.size(), " values"));
  }
  if (absl::Status s = ValidateGaussian(g, suffix); !s.ok()) {
    // The core names mean1/cov1 (the CLI's flags); the API's fields are source.mean/cov.
    std::string message(s.message());
    for (const char* field : {"mean", "cov"}) {
      const std::string core_name = absl::StrCat(field, suffix);
      if (message.rfind(core_name, 0) == 0) {
        message = absl::StrCat(name, ".", field, message.substr(core_name.size()));
      }
    }
    return absl::InvalidArgumentError(message);
  }
  return g;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Task>> PrepareGaussianOt(const v1::GaussianOtSpec& spec,
                                                        const Limits& limits,
                                                        absl::string_view prefix) {
  const std::string p(prefix);
  const bool moments = spec.has_source() || spec.has_target();
  const bool clouds = !IsUnset(spec.x()) || !IsUnset(spec.y());
  if (moments == clouds) {
    return absl::InvalidArgumentError(absl::StrCat(
        p, moments ? "x: give either source and target (Gaussians) or x and y (clouds), not both"
                   : "source: required: give source and target (Gaussians), or x and y (clouds)"));
  }
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
  Gaussian source, target;
  // Where a singular source covariance comes from, for the error message.
  const std::string source_field =
      moments ? "source.cov" : "x (its covariance; set regularization > 0)";
  if (moments) {
    absl::StatusOr<Gaussian> g1 = FromProto(spec.source(), "source", "1");
    if (!g1.ok()) return WithFieldPrefix(p, g1.status());
    absl::StatusOr<Gaussian> g2 = FromProto(spec.target(), "target", "2");
    if (!g2.ok()) return WithFieldPrefix(p, g2.status());
    if (g1->mean.size() != g2->mean.size()) {
      return absl::InvalidArgumentError(absl::StrCat(p, "target.mean: has ", g2->mean.size(),
                                                     " values but source.mean has ",
                                                     g1->mean.size()));
    }
    source = *std::move(g1);
    target = *std::move(g2);
  } else {
    Limits bounded = limits;
    bounded.max_dimension = std::min(limits.max_dimension, kMaxGaussianDimension);
    absl::StatusOr<Clouds> c = PrepareClouds(spec.x(), spec.y(), spec.a(), spec.b(), bounded);
    if (!c.ok()) return WithFieldPrefix(p, c.status());
    absl::StatusOr<Gaussian> g1 = EmpiricalGaussian(c->x, c->a, spec.regularization(), "x", "a");
    if (!g1.ok()) return WithFieldPrefix(p, g1.status());
    absl::StatusOr<Gaussian> g2 = EmpiricalGaussian(c->y, c->b, spec.regularization(), "y", "b");
    if (!g2.ok()) return WithFieldPrefix(p, g2.status());
    source = *std::move(g1);
    target = *std::move(g2);
  }
  std::vector<double> times(spec.interpolation_times().begin(), spec.interpolation_times().end());
  return std::make_unique<FunctionTask>(
      "gaussian_ot", false,
      [p, source_field, distance_only = spec.distance_only(), g1 = std::move(source), g2 = std::move(target),
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
