#include "server/entropic_ot_task.h"

#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/geometry/cost.h"
#include "core/geometry/weights.h"
#include "core/problems/linear_problem.h"
#include "core/solvers/sinkhorn.h"
#include "server/matrix_convert.h"

namespace advect::server {
namespace {

constexpr double kDefaultTolerance = 1e-9;
constexpr int kDefaultMaxIterations = 1000;

class EntropicOtTask final : public Task {
 public:
  std::string kind() const override { return "entropic_ot"; }
  bool supports_frames() const override { return !cost_matrix_.has_value(); }

  absl::StatusOr<v1::JobResult> Run(Observer& observer) override {
    absl::StatusOr<LinearProblem> problem =
        cost_matrix_.has_value()
            ? LinearProblem::FromCostMatrix(*std::move(cost_matrix_), a_, b_)
            : LinearProblem::FromPoints(std::move(x_), std::move(y_), a_, b_, cost_, observer);
    if (!problem.ok()) return Prefixed(problem.status());
    if (normalize_cost_) {
      if (absl::Status s = problem->NormalizeCost(); !s.ok()) return Prefixed(s);
    }
    absl::StatusOr<SinkhornOutput> out = SolveSinkhorn(*problem, options_, observer);
    if (!out.ok()) return Prefixed(out.status());

    v1::JobResult result;
    v1::EntropicOtResult* r = result.mutable_entropic_ot();
    r->set_transport_cost(out->transport_cost);
    r->set_dual_objective(out->dual_objective);
    ToProto(out->f, r->mutable_f());
    ToProto(out->g, r->mutable_g());
    r->set_iterations(static_cast<int32_t>(out->iterations));
    r->set_marginal_error(out->marginal_error);
    r->set_converged(out->converged);
    if (out->plan.has_value()) ToProto(*out->plan, r->mutable_plan());
    r->set_epsilon(out->epsilon);
    r->set_cost_scale(problem->cost_scale());
    return result;
  }

  absl::Status Prefixed(const absl::Status& s) const {
    if (s.code() != absl::StatusCode::kInvalidArgument) return s;
    return absl::InvalidArgumentError(absl::StrCat(prefix_, s.message()));
  }

  std::string prefix_;
  std::optional<Eigen::MatrixXd> cost_matrix_;
  Eigen::MatrixXd x_;
  Eigen::MatrixXd y_;
  Eigen::VectorXd a_;
  Eigen::VectorXd b_;
  GroundCost cost_;
  bool normalize_cost_ = false;
  SinkhornOptions options_;
};

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

absl::Status CheckCount(absl::string_view field, int64_t count, int64_t limit,
                        absl::string_view what, absl::string_view flag) {
  if (count <= limit) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", count, " ", what,
                                                 " exceed the server limit of ", limit,
                                                 " (advectd ", flag, ")"));
}

// Everything but the prefix; PrepareEntropicOt adds it to any error.
absl::StatusOr<std::unique_ptr<EntropicOtTask>> Prepare(const v1::EntropicOtSpec& spec,
                                                        const Limits& limits) {
  auto task = std::make_unique<EntropicOtTask>();
  int64_t n = 0;
  int64_t m = 0;
  if (!IsUnset(spec.cost_matrix())) {
    if (!IsUnset(spec.x()) || !IsUnset(spec.y())) {
      return absl::InvalidArgumentError(
          "cost_matrix: give either cost_matrix or the points x and y, not both");
    }
    n = spec.cost_matrix().rows();
    m = spec.cost_matrix().cols();
    if (absl::Status s = CheckCount("cost_matrix", n * m, limits.max_cost_entries, "entries",
                                    "--max-cost-entries");
        !s.ok()) {
      return s;
    }
    absl::StatusOr<Eigen::MatrixXd> c = FromProto(spec.cost_matrix(), "cost_matrix");
    if (!c.ok()) return c.status();
    if (absl::Status s = ValidateCostMatrix(*c); !s.ok()) return s;
    if (spec.normalize_cost() && !(c->maxCoeff() > 0.0)) {
      return absl::InvalidArgumentError(
          "normalize_cost: the cost's maximum is not positive, so it cannot be normalised");
    }
    task->cost_matrix_ = *std::move(c);
  } else {
    if (IsUnset(spec.x())) {
      return absl::InvalidArgumentError("x: required (the source points), or give cost_matrix");
    }
    if (IsUnset(spec.y())) {
      return absl::InvalidArgumentError("y: required (the target points), or give cost_matrix");
    }
    n = spec.x().rows();
    m = spec.y().rows();
    for (const auto& [field, matrix] : {std::pair{"x", &spec.x()}, std::pair{"y", &spec.y()}}) {
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
    if (absl::Status s = CheckCount("y", n * m, limits.max_cost_entries,
                                    "cost entries (n * m)", "--max-cost-entries");
        !s.ok()) {
      return s;
    }
    absl::StatusOr<Eigen::MatrixXd> x = FromProto(spec.x(), "x");
    if (!x.ok()) return x.status();
    absl::StatusOr<Eigen::MatrixXd> y = FromProto(spec.y(), "y");
    if (!y.ok()) return y.status();
    if (absl::Status s = ValidatePoints(*x, *y); !s.ok()) return s;
    absl::StatusOr<GroundCost> cost = CostFromProto(spec.cost());
    if (!cost.ok()) return cost.status();
    task->cost_ = *cost;
    task->x_ = *std::move(x);
    task->y_ = *std::move(y);
  }
  absl::StatusOr<Eigen::VectorXd> a = NormalizedWeights(FromProto(spec.a()), n, "a");
  if (!a.ok()) return a.status();
  absl::StatusOr<Eigen::VectorXd> b = NormalizedWeights(FromProto(spec.b()), m, "b");
  if (!b.ok()) return b.status();
  task->a_ = *std::move(a);
  task->b_ = *std::move(b);

  SinkhornOptions& options = task->options_;
  options.epsilon = spec.epsilon();
  options.tolerance = spec.tolerance() == 0.0 ? kDefaultTolerance : spec.tolerance();
  options.max_iterations =
      spec.max_iterations() == 0 ? kDefaultMaxIterations : spec.max_iterations();
  if (spec.has_epsilon_scaling()) {
    options.epsilon_scaling = EpsilonScaling{
        spec.epsilon_scaling().initial_epsilon(),
        spec.epsilon_scaling().decay() == 0.0 ? 0.5 : spec.epsilon_scaling().decay()};
  }
  options.return_plan = spec.return_plan();
  if (options.return_plan) {
    if (absl::Status s = CheckCount("return_plan", n * m, limits.max_plan_entries,
                                    "plan entries (n * m)", "--max-plan-entries");
        !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = ValidateSinkhornOptions(options); !s.ok()) return s;
  task->normalize_cost_ = spec.normalize_cost();
  return task;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Task>> PrepareEntropicOt(const v1::EntropicOtSpec& spec,
                                                        const Limits& limits,
                                                        absl::string_view prefix) {
  absl::StatusOr<std::unique_ptr<EntropicOtTask>> task = Prepare(spec, limits);
  if (!task.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(prefix, task.status().message()));
  }
  (*task)->prefix_ = std::string(prefix);
  return std::unique_ptr<Task>(*std::move(task));
}

}  // namespace advect::server
