// The measures of an OT job, checked before it is queued: two weighted point
// clouds (with a ground cost), or an explicit cost matrix and its weights.
// Shared by the job kinds whose specs use the fields x, y, a, b, cost and
// cost_matrix with the same meaning (see advect/v1/ot.proto).
#ifndef ADVECT_SERVER_OT_INPUT_H_
#define ADVECT_SERVER_OT_INPUT_H_

#include <cstdint>
#include <optional>

#include <Eigen/Core>
#include <google/protobuf/repeated_field.h>

#include "absl/status/statusor.h"
#include "advect/v1/array.pb.h"
#include "advect/v1/ot.pb.h"
#include "core/geometry/cost.h"
#include "core/observer.h"
#include "core/problems/linear_problem.h"
#include "server/limits.h"

namespace advect::server {

// Two weighted point clouds.
struct Clouds {
  Eigen::MatrixXd x;  // n x d
  Eigen::MatrixXd y;  // m x d
  Eigen::VectorXd a;  // n weights, normalised to sum 1
  Eigen::VectorXd b;  // m weights, normalised to sum 1
};

// Checks and converts x, y (present, same d, finite, within --max-points and
// --max-dimension) and the weights a, b (empty = uniform). Errors name x, y, a, b.
absl::StatusOr<Clouds> PrepareClouds(const v1::Matrix& x, const v1::Matrix& y,
                                     const google::protobuf::RepeatedField<double>& a,
                                     const google::protobuf::RepeatedField<double>& b,
                                     const Limits& limits);

// Converts a GroundCost, checking its kind and exponent. Errors name cost.kind, cost.p.
absl::StatusOr<GroundCost> CostFromProto(const v1::GroundCost& proto);

// How a solver holds the cost: kDense builds all n x m entries (so n * m is
// bounded by --max-cost-entries also for points); kImplicit evaluates entries
// from the points when needed, in O(n + m) memory.
enum class CostStorage { kDense, kImplicit };

// The input of a linear OT job.
struct OtInput {
  std::optional<Eigen::MatrixXd> cost_matrix;  // set: x and y are empty
  Clouds clouds;                               // only a and b when cost_matrix is set
  GroundCost cost;
  int64_t n = 0;
  int64_t m = 0;

  // The dense problem (builds the cost from the points, polling `observer`).
  // Moves the matrices out: call it once.
  absl::StatusOr<LinearProblem> TakeProblem(const Observer& observer);
};

// Checks either the points (x, y, cost) or cost_matrix, and the weights.
// Errors name the fields: x, y, a, b, cost.*, cost_matrix.
absl::StatusOr<OtInput> PrepareOtInput(const v1::Matrix& x, const v1::Matrix& y,
                                       const google::protobuf::RepeatedField<double>& a,
                                       const google::protobuf::RepeatedField<double>& b,
                                       const v1::GroundCost& cost, const v1::Matrix& cost_matrix,
                                       const Limits& limits, CostStorage storage);

// The same for any spec message with those six fields.
template <typename Spec>
absl::StatusOr<OtInput> PrepareOtInput(const Spec& spec, const Limits& limits,
                                       CostStorage storage) {
  return PrepareOtInput(spec.x(), spec.y(), spec.a(), spec.b(), spec.cost(), spec.cost_matrix(),
                        limits, storage);
}

}  // namespace advect::server

#endif  // ADVECT_SERVER_OT_INPUT_H_
