#include "server/exact_ot_task.h"

#include <string>
#include <utility>

#include "core/solvers/network_simplex.h"
#include "server/field_checks.h"
#include "server/matrix_convert.h"
#include "server/ot_input.h"

namespace advect::server {
namespace {

v1::JobResult ToResult(const ExactOtOutput& out, int64_t n, int64_t m) {
  v1::JobResult result;
  v1::ExactOtResult* r = result.mutable_exact_ot();
  r->set_transport_cost(out.transport_cost);
  r->set_dual_objective(out.dual_objective);
  ToProto(out.f, r->mutable_f());
  ToProto(out.g, r->mutable_g());
  v1::SparseMatrix* plan = r->mutable_plan();
  plan->set_rows(static_cast<int32_t>(n));
  plan->set_cols(static_cast<int32_t>(m));
  const auto k = static_cast<int>(out.plan_values.size());
  plan->mutable_row_indices()->Reserve(k);
  plan->mutable_col_indices()->Reserve(k);
  plan->mutable_values()->Reserve(k);
  for (int e = 0; e < k; ++e) {
    plan->add_row_indices(static_cast<int32_t>(out.plan_rows[e]));
    plan->add_col_indices(static_cast<int32_t>(out.plan_cols[e]));
    plan->add_values(out.plan_values[e]);
  }
  r->set_iterations(out.iterations);
  r->set_status(out.status == ExactOtStatus::kOptimal ? v1::EXACT_OT_STATUS_OPTIMAL
                                                      : v1::EXACT_OT_STATUS_ITERATION_LIMIT);
  return result;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Task>> PrepareExactOt(const v1::ExactOtSpec& spec,
                                                     const Limits& limits,
                                                     absl::string_view prefix) {
  const std::string p(prefix);
  absl::StatusOr<OtInput> input = PrepareOtInput(spec, limits, CostStorage::kImplicit);
  if (!input.ok()) return WithFieldPrefix(p, input.status());
  ExactOtOptions options;
  options.max_iterations = spec.max_iterations();
  if (absl::Status s = ValidateExactOtOptions(options); !s.ok()) return WithFieldPrefix(p, s);
  // Pricing reads a dense cost about twice as fast as it computes entries from
  // points (bench/README.md), so the cost is stored when it fits in
  // --max-cost-entries; beyond that it is evaluated on the fly, in O(n + m) memory.
  const bool dense = input->cost_matrix.has_value() ||
                     input->n * input->m <= limits.max_cost_entries;
  return std::make_unique<FunctionTask>(
      "exact_ot", false,
      [p, options, dense, in = *std::move(input)](
          Observer& observer) mutable -> absl::StatusOr<v1::JobResult> {
        absl::StatusOr<ExactOtOutput> out;
        const int64_t n = in.n, m = in.m;
        if (dense) {
          absl::StatusOr<LinearProblem> problem = in.TakeProblem(observer);
          if (!problem.ok()) return WithFieldPrefix(p, problem.status());
          out = SolveExactOt(*problem, options, observer);
        } else {
          out = SolveExactOtFromPoints(in.clouds.x, in.clouds.y, in.clouds.a, in.clouds.b,
                                       in.cost, options, observer);
        }
        if (!out.ok()) return WithFieldPrefix(p, out.status());
        return ToResult(*out, n, m);
      });
}

}  // namespace advect::server
