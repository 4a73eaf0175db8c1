#include "server/gaussian_input.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/field_checks.h"
#include "server/matrix_convert.h"
#include "server/ot_input.h"

namespace advect::server {
namespace {

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

void ToProto(const Gaussian& g, v1::GaussianMeasure* out) {
  server::ToProto(g.mean, out->mutable_mean());
  server::ToProto(g.cov, out->mutable_cov());
}

absl::StatusOr<GaussianPair> GaussianPairFromFields(
    const v1::GaussianMeasure* source, const v1::GaussianMeasure* target, const v1::Matrix& x,
    const v1::Matrix& y, const google::protobuf::RepeatedField<double>& a,
    const google::protobuf::RepeatedField<double>& b, double regularization,
    const Limits& limits) {
  const bool moments = source != nullptr || target != nullptr;
  const bool clouds = !IsUnset(x) || !IsUnset(y);
  if (moments == clouds) {
    return absl::InvalidArgumentError(
        moments ? "x: give either source and target (Gaussians) or x and y (clouds), not both"
                : "source: required: give source and target (Gaussians), or x and y (clouds)");
  }
  GaussianPair pair;
  pair.from_moments = moments;
  pair.source_field = moments ? "source.cov" : "x (its covariance; set regularization > 0)";
  if (moments) {
    absl::StatusOr<Gaussian> g1 =
        FromProto(source != nullptr ? *source : v1::GaussianMeasure(), "source", "1");
    if (!g1.ok()) return g1.status();
    absl::StatusOr<Gaussian> g2 =
        FromProto(target != nullptr ? *target : v1::GaussianMeasure(), "target", "2");
    if (!g2.ok()) return g2.status();
    if (g1->mean.size() != g2->mean.size()) {
      return absl::InvalidArgumentError(absl::StrCat("target.mean: has ", g2->mean.size(),
                                                     " values but source.mean has ",
                                                     g1->mean.size()));
    }
    pair.source = *std::move(g1);
    pair.target = *std::move(g2);
    return pair;
  }
  Limits bounded = limits;
  bounded.max_dimension = std::min(limits.max_dimension, kMaxGaussianDimension);
  absl::StatusOr<Clouds> c = PrepareClouds(x, y, a, b, bounded);
  if (!c.ok()) return c.status();
  absl::StatusOr<Gaussian> g1 = EmpiricalGaussian(c->x, c->a, regularization, "x", "a");
  if (!g1.ok()) return g1.status();
  absl::StatusOr<Gaussian> g2 = EmpiricalGaussian(c->y, c->b, regularization, "y", "b");
  if (!g2.ok()) return g2.status();
  pair.source = *std::move(g1);
  pair.target = *std::move(g2);
  return pair;
}

}  // namespace advect::server
