#include "server/entropic_ot_task.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/problems/linear_problem.h"
#include "core/solvers/sinkhorn.h"
#include "core/solvers/sinkhorn_online.h"
#include "server/field_checks.h"
#include "server/matrix_convert.h"
#include "server/ot_input.h"
#include "server/sinkhorn_settings.h"

namespace advect::server {
namespace {

class EntropicOtTask final : public Task {
 public:
  std::string kind() const override { return "entropic_ot"; }
  bool supports_frames() const override { return !input_.cost_matrix.has_value(); }

  absl::StatusOr<v1::JobResult> Run(Observer& observer) override {
    double cost_scale = 1.0;
    absl::StatusOr<SinkhornOutput> out =
        online_ ? SolveOnline(observer, cost_scale) : SolveDense(observer, cost_scale);
    if (!out.ok()) return WithFieldPrefix(prefix_, out.status());

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
    r->set_cost_scale(cost_scale);
    r->set_tolerance(out->tolerance);
    r->set_log_domain_iterations(static_cast<int32_t>(out->log_domain_iterations));
    r->set_kernel_builds(static_cast<int32_t>(out->kernel_builds));
    return result;
  }

  absl::StatusOr<SinkhornOutput> SolveDense(Observer& observer, double& cost_scale) {
    absl::StatusOr<LinearProblem> problem = input_.TakeProblem(observer);
    if (!problem.ok()) return problem.status();
    if (normalize_cost_) {
      if (absl::Status s = problem->NormalizeCost(); !s.ok()) return s;
    }
    cost_scale = problem->cost_scale();
    return SolveSinkhorn(*problem, options_, observer);
  }

  absl::StatusOr<SinkhornOutput> SolveOnline(Observer& observer, double& cost_scale) {
    OnlineProblem problem{std::move(input_.clouds.x), std::move(input_.clouds.y),
                          std::move(input_.clouds.a), std::move(input_.clouds.b), input_.cost,
                          1.0};
    if (normalize_cost_) {
      absl::StatusOr<double> max_cost =
          MaxCostOnline(problem.x, problem.y, problem.cost, options_.num_threads, observer);
      if (!max_cost.ok()) return max_cost.status();
      if (!(*max_cost > 0.0)) {
        return absl::InvalidArgumentError(
            absl::StrCat("normalize_cost: the cost's maximum is ", *max_cost,
                         "; only a positive maximum can be used"));
      }
      problem.cost_scale = *max_cost;
    }
    cost_scale = problem.cost_scale;
    return SolveSinkhornOnline(problem, options_, observer);
  }

  std::string prefix_;
  OtInput input_;
  bool normalize_cost_ = false;
  bool online_ = false;
  SinkhornOptions options_;
};

// Everything but the prefix; PrepareEntropicOt adds it to any error.
absl::StatusOr<std::unique_ptr<EntropicOtTask>> Prepare(const v1::EntropicOtSpec& spec,
                                                        const Limits& limits) {
  auto task = std::make_unique<EntropicOtTask>();
  task->online_ = spec.method() == v1::SINKHORN_METHOD_ONLINE;
  if (task->online_ && !IsUnset(spec.cost_matrix())) {
    return absl::InvalidArgumentError(
        "method: SINKHORN_METHOD_ONLINE computes the costs from the points x and y; it cannot "
        "take cost_matrix");
  }
  absl::StatusOr<OtInput> input =
      PrepareOtInput(spec, limits, task->online_ ? CostStorage::kImplicit : CostStorage::kDense);
  if (!input.ok()) return input.status();
  task->input_ = *std::move(input);
  const OtInput& in = task->input_;
  if (in.cost_matrix.has_value() && spec.normalize_cost() && !(in.cost_matrix->maxCoeff() > 0.0)) {
    return absl::InvalidArgumentError(
        "normalize_cost: the cost's maximum is not positive, so it cannot be normalised");
  }

  SinkhornOptions& options = task->options_;
  options = SinkhornOptionsFrom(spec.epsilon(), spec.tolerance(), spec.max_iterations(),
                                spec.has_epsilon_scaling() ? &spec.epsilon_scaling() : nullptr);
  options.return_plan = spec.return_plan();
  options.num_threads = limits.threads_per_job;
  switch (spec.method()) {
    case v1::SINKHORN_METHOD_UNSPECIFIED:
    case v1::SINKHORN_METHOD_AUTO:
      options.method = SinkhornMethod::kAuto;
      break;
    case v1::SINKHORN_METHOD_LOG_DOMAIN:
    case v1::SINKHORN_METHOD_ONLINE:  // the log-domain updates, costs from the points
      options.method = SinkhornMethod::kLogDomain;
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("method: unknown SinkhornMethod value ", spec.method()));
  }
  switch (spec.precision()) {
    case v1::KERNEL_PRECISION_UNSPECIFIED:
    case v1::KERNEL_PRECISION_FLOAT64:
      options.precision = SinkhornPrecision::kFloat64;
      break;
    case v1::KERNEL_PRECISION_FLOAT32:
      if (options.method == SinkhornMethod::kLogDomain) {
        return absl::InvalidArgumentError(
            "precision: KERNEL_PRECISION_FLOAT32 needs method SINKHORN_METHOD_AUTO (the log "
            "domain and the online form have no kernel)");
      }
      options.precision = SinkhornPrecision::kFloat32;
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("precision: unknown KernelPrecision value ", spec.precision()));
  }
  if (options.return_plan) {
    if (absl::Status s = CheckCount("return_plan", in.n * in.m, limits.max_plan_entries,
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
  if (!task.ok()) return WithFieldPrefix(prefix, task.status());
  (*task)->prefix_ = std::string(prefix);
  return std::unique_ptr<Task>(*std::move(task));
}

}  // namespace advect::server
