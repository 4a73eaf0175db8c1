#include "server/unbalanced_ot_task.h"

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/geometry/weights.h"
#include "core/solvers/unbalanced_sinkhorn.h"
#include "server/field_checks.h"
#include "server/matrix_convert.h"
#include "server/ot_input.h"
#include "server/sinkhorn_settings.h"

namespace advect::server {
namespace {

// Masses as given (validated, not normalised); empty means 1/size each.
absl::StatusOr<Eigen::VectorXd> Masses(const google::protobuf::RepeatedField<double>& values,
                                       int64_t size, absl::string_view field) {
  Eigen::VectorXd masses = FromProto(values);
  if (absl::StatusOr<double> total = ValidatedWeightTotal(masses, size, field); !total.ok()) {
    return total.status();
  }
  if (masses.size() == 0) masses = Eigen::VectorXd::Constant(size, 1.0 / static_cast<double>(size));
  return masses;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Task>> PrepareUnbalancedOt(const v1::UnbalancedOtSpec& spec,
                                                          const Limits& limits,
                                                          absl::string_view prefix) {
  const std::string p(prefix);
  absl::StatusOr<OtInput> input = PrepareOtInput(spec, limits, CostStorage::kDense);
  if (!input.ok()) return WithFieldPrefix(p, input.status());
  absl::StatusOr<Eigen::VectorXd> a = Masses(spec.a(), input->n, "a");
  if (!a.ok()) return WithFieldPrefix(p, a.status());
  absl::StatusOr<Eigen::VectorXd> b = Masses(spec.b(), input->m, "b");
  if (!b.ok()) return WithFieldPrefix(p, b.status());
  if (input->cost_matrix.has_value() && spec.normalize_cost() &&
      !(input->cost_matrix->maxCoeff() > 0.0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        p, "normalize_cost: the cost's maximum is not positive, so it cannot be normalised"));
  }
  const SinkhornOptions common =
      SinkhornOptionsFrom(spec.epsilon(), spec.tolerance(), spec.max_iterations(),
                          spec.has_epsilon_scaling() ? &spec.epsilon_scaling() : nullptr);
  UnbalancedSinkhornOptions options;
  options.epsilon = common.epsilon;
  options.rho = spec.rho();
  options.tolerance = common.tolerance;
  options.max_iterations = common.max_iterations;
  options.epsilon_scaling = common.epsilon_scaling;
  options.return_plan = spec.return_plan();
  if (options.return_plan) {
    if (absl::Status s = CheckCount("return_plan", input->n * input->m, limits.max_plan_entries,
                                    "plan entries (n * m)", "--max-plan-entries");
        !s.ok()) {
      return WithFieldPrefix(p, s);
    }
  }
  if (absl::Status s = ValidateUnbalancedSinkhornOptions(options); !s.ok()) {
    return WithFieldPrefix(p, s);
  }
  const bool frames = !input->cost_matrix.has_value();
  return std::make_unique<FunctionTask>(
      "unbalanced_ot", frames,
      [p, options, normalize = spec.normalize_cost(), in = *std::move(input), a = *std::move(a),
       b = *std::move(b)](Observer& observer) mutable -> absl::StatusOr<v1::JobResult> {
        absl::StatusOr<LinearProblem> problem = in.TakeProblem(observer);
        if (!problem.ok()) return WithFieldPrefix(p, problem.status());
        if (normalize) {
          if (absl::Status s = problem->NormalizeCost(); !s.ok()) return WithFieldPrefix(p, s);
        }
        absl::StatusOr<UnbalancedSinkhornOutput> out =
            SolveUnbalancedSinkhorn(*problem, a, b, options, observer);
        if (!out.ok()) return WithFieldPrefix(p, out.status());
        v1::JobResult result;
        v1::UnbalancedOtResult* r = result.mutable_unbalanced_ot();
        r->set_transport_cost(out->transport_cost);
        r->set_plan_mass(out->plan_mass);
        r->set_primal_objective(out->primal_objective);
        r->set_dual_objective(out->dual_objective);
        ToProto(out->f, r->mutable_f());
        ToProto(out->g, r->mutable_g());
        r->set_iterations(static_cast<int32_t>(out->iterations));
        r->set_potential_change(out->potential_change);
        r->set_converged(out->converged);
        if (out->plan.has_value()) ToProto(*out->plan, r->mutable_plan());
        r->set_epsilon(out->epsilon);
        r->set_cost_scale(problem->cost_scale());
        return result;
      });
}

}  // namespace advect::server
