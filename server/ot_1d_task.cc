#include "server/ot_1d_task.h"

#include <cmath>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/geometry/weights.h"
#include "core/solvers/ot_1d.h"
#include "server/field_checks.h"
#include "server/matrix_convert.h"

namespace advect::server {
namespace {

constexpr double kDefaultP = 2.0;

absl::StatusOr<Eigen::VectorXd> Points(const google::protobuf::RepeatedField<double>& values,
                                       absl::string_view field, const Limits& limits) {
  if (values.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": required (no points)"));
  if (absl::Status s = CheckCount(field, values.size(), limits.max_points_1d, "points",
                                  "--max-points-1d");
      !s.ok()) {
    return s;
  }
  Eigen::VectorXd v = FromProto(values);
  if (absl::Status s = CheckFinite(v, field); !s.ok()) return s;
  return v;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Task>> PrepareOt1d(const v1::Ot1dSpec& spec, const Limits& limits,
                                                  absl::string_view prefix) {
  const std::string p(prefix);
  absl::StatusOr<Eigen::VectorXd> x = Points(spec.x(), "x", limits);
  if (!x.ok()) return WithFieldPrefix(p, x.status());
  absl::StatusOr<Eigen::VectorXd> y = Points(spec.y(), "y", limits);
  if (!y.ok()) return WithFieldPrefix(p, y.status());
  absl::StatusOr<Eigen::VectorXd> a = NormalizedWeights(FromProto(spec.a()), x->size(), "a");
  if (!a.ok()) return WithFieldPrefix(p, a.status());
  absl::StatusOr<Eigen::VectorXd> b = NormalizedWeights(FromProto(spec.b()), y->size(), "b");
  if (!b.ok()) return WithFieldPrefix(p, b.status());
  const double exponent = spec.p() == 0.0 ? kDefaultP : spec.p();
  if (!(std::isfinite(exponent) && exponent > 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat(p, "p: must be finite and > 0 (0 means 2), got ", spec.p()));
  }
  return std::make_unique<FunctionTask>(
      "ot_1d", false,
      [p, exponent, x = *std::move(x), y = *std::move(y), a = *std::move(a),
       b = *std::move(b)](Observer& observer) -> absl::StatusOr<v1::JobResult> {
        absl::StatusOr<Ot1dOutput> out = SolveOt1d(x, y, a, b, exponent, observer);
        if (!out.ok()) return WithFieldPrefix(p, out.status());
        v1::JobResult result;
        result.mutable_ot_1d()->set_transport_cost(out->transport_cost);
        return result;
      });
}

}  // namespace advect::server
