#include "server/ot_input.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/geometry/weights.h"
#include "server/field_checks.h"
#include "server/matrix_convert.h"

namespace advect::server {
namespace {

absl::StatusOr<Eigen::VectorXd> Weights(const google::protobuf::RepeatedField<double>& w,
                                        int64_t count, absl::string_view field) {
  return NormalizedWeights(FromProto(w), count, field);
}

// The per-cloud limits, checked before any conversion.
absl::Status CheckCloudSizes(const v1::Matrix& x, const v1::Matrix& y, const Limits& limits) {
  for (const auto& [field, matrix] : {std::pair{"x", &x}, std::pair{"y", &y}}) {
    if (absl::Status s = CheckCount(field, matrix->rows(), limits.max_points, "points",
                                    "--max-points");
        !s.ok()) {
      return s;
    }
    if (absl::Status s = CheckCount(field, matrix->cols(), limits.max_dimension, "dimensions",
                                    "--max-dimension");
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Clouds> PrepareClouds(const v1::Matrix& x, const v1::Matrix& y,
                                     const google::protobuf::RepeatedField<double>& a,
                                     const google::protobuf::RepeatedField<double>& b,
                                     const Limits& limits) {
  if (IsUnset(x)) return absl::InvalidArgumentError("x: required (the source points)");
  if (IsUnset(y)) return absl::InvalidArgumentError("y: required (the target points)");
  if (absl::Status s = CheckCloudSizes(x, y, limits); !s.ok()) return s;
  Clouds clouds;
  absl::StatusOr<Eigen::MatrixXd> xm = FromProto(x, "x");
  if (!xm.ok()) return xm.status();
  absl::StatusOr<Eigen::MatrixXd> ym = FromProto(y, "y");
  if (!ym.ok()) return ym.status();
  if (absl::Status s = ValidatePoints(*xm, *ym); !s.ok()) return s;
  absl::StatusOr<Eigen::VectorXd> aw = Weights(a, xm->rows(), "a");
  if (!aw.ok()) return aw.status();
  absl::StatusOr<Eigen::VectorXd> bw = Weights(b, ym->rows(), "b");
  if (!bw.ok()) return bw.status();
  clouds.x = *std::move(xm);
  clouds.y = *std::move(ym);
  clouds.a = *std::move(aw);
  clouds.b = *std::move(bw);
  return clouds;
}

absl::StatusOr<GroundCost> CostFromProto(const v1::GroundCost& proto) {
  GroundCost cost;
  switch (proto.kind()) {
    case v1::COST_KIND_UNSPECIFIED:
    case v1::COST_KIND_SQEUCLIDEAN:
      cost.kind = CostKind::kSquaredEuclidean;
      break;
    case v1::COST_KIND_EUCLIDEAN:
      cost.kind = CostKind::kEuclidean;
      break;
    case v1::COST_KIND_POWER:
      cost.kind = CostKind::kPower;
      cost.p = proto.p();
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("cost.kind: unknown cost kind ", static_cast<int>(proto.kind())));
  }
  if (absl::Status s = ValidateGroundCost(cost); !s.ok()) return s;
  return cost;
}

absl::StatusOr<LinearProblem> OtInput::TakeProblem(const Observer& observer) {
  if (cost_matrix.has_value()) {
    return LinearProblem::FromCostMatrix(*std::move(cost_matrix), clouds.a, clouds.b);
  }
  return LinearProblem::FromPoints(std::move(clouds.x), std::move(clouds.y), clouds.a, clouds.b,
                                   cost, observer);
}

absl::StatusOr<OtInput> PrepareOtInput(const v1::Matrix& x, const v1::Matrix& y,
                                       const google::protobuf::RepeatedField<double>& a,
                                       const google::protobuf::RepeatedField<double>& b,
                                       const v1::GroundCost& cost, const v1::Matrix& cost_matrix,
                                       const Limits& limits, CostStorage storage) {
  OtInput input;
  if (!IsUnset(cost_matrix)) {
    if (!IsUnset(x) || !IsUnset(y)) {
      return absl::InvalidArgumentError(
          "cost_matrix: give either cost_matrix or the points x and y, not both");
    }
    input.n = cost_matrix.rows();
    input.m = cost_matrix.cols();
    if (absl::Status s = CheckCount("cost_matrix", input.n * input.m, limits.max_cost_entries,
                                    "entries", "--max-cost-entries");
        !s.ok()) {
      return s;
    }
    absl::StatusOr<Eigen::MatrixXd> c = FromProto(cost_matrix, "cost_matrix");
    if (!c.ok()) return c.status();
    if (absl::Status s = ValidateCostMatrix(*c); !s.ok()) return s;
    absl::StatusOr<Eigen::VectorXd> aw = Weights(a, input.n, "a");
    if (!aw.ok()) return aw.status();
    absl::StatusOr<Eigen::VectorXd> bw = Weights(b, input.m, "b");
    if (!bw.ok()) return bw.status();
    input.cost_matrix = *std::move(c);
    input.clouds.a = *std::move(aw);
    input.clouds.b = *std::move(bw);
    return input;
  }
  if (IsUnset(x)) {
    return absl::InvalidArgumentError("x: required (the source points), or give cost_matrix");
  }
  if (IsUnset(y)) {
    return absl::InvalidArgumentError("y: required (the target points), or give cost_matrix");
  }
  input.n = x.rows();
  input.m = y.rows();
  // Check the sizes before converting anything.
  if (absl::Status s = CheckCloudSizes(x, y, limits); !s.ok()) return s;
  if (storage == CostStorage::kDense) {
    if (absl::Status s = CheckCount("y", input.n * input.m, limits.max_cost_entries,
                                    "cost entries (n * m)", "--max-cost-entries");
        !s.ok()) {
      return s;
    }
  }
  absl::StatusOr<Clouds> clouds = PrepareClouds(x, y, a, b, limits);
  if (!clouds.ok()) return clouds.status();
  absl::StatusOr<GroundCost> ground = CostFromProto(cost);
  if (!ground.ok()) return ground.status();
  input.clouds = *std::move(clouds);
  input.cost = *ground;
  return input;
}

}  // namespace advect::server
