#include "server/ot_interpolation_task.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/solvers/displacement_interpolation.h"
#include "core/solvers/network_simplex.h"
#include "core/solvers/sinkhorn.h"
#include "server/field_checks.h"
#include "server/matrix_convert.h"
#include "server/ot_input.h"
#include "server/sinkhorn_settings.h"

namespace advect::server {
namespace {

constexpr int kDefaultFrames = 11;

// Forwards progress and stop requests to the job, but no frames: the frames of
// this job are the interpolant's, emitted after the plan is solved.
class PlanObserver final : public Observer {
 public:
  explicit PlanObserver(Observer& job) : job_(job) {}
  void OnProgress(const ProgressReport& report) override { job_.OnProgress(report); }
  bool StopRequested() const override { return job_.StopRequested(); }

 private:
  Observer& job_;
};

struct Plan {
  double transport_cost = 0.0;
  bool converged = false;
  InterpolationParticles particles;
  Eigen::MatrixXd barycentric_map;
  Eigen::VectorXd g;  // entropic only
};

absl::StatusOr<Plan> ExactPlan(const Clouds& c, const GroundCost& cost, Observer& observer) {
  absl::StatusOr<ExactOtOutput> out =
      SolveExactOtFromPoints(c.x, c.y, c.a, c.b, cost, ExactOtOptions{}, observer);
  if (!out.ok()) return out.status();
  Plan plan;
  plan.transport_cost = out->transport_cost;
  plan.converged = out->status == ExactOtStatus::kOptimal;
  plan.particles = ParticlesOfSparsePlan(c.x, c.y, out->plan_rows, out->plan_cols,
                                         out->plan_values);
  plan.barycentric_map =
      BarycentricMapOfSparsePlan(c.x, c.y, out->plan_rows, out->plan_cols, out->plan_values);
  return plan;
}

absl::StatusOr<Plan> EntropicPlan(const Clouds& c, const GroundCost& cost,
                                  SinkhornOptions options, Observer& observer) {
  absl::StatusOr<LinearProblem> problem =
      LinearProblem::FromPoints(c.x, c.y, c.a, c.b, cost, observer);
  if (!problem.ok()) return problem.status();
  options.return_plan = true;
  absl::StatusOr<SinkhornOutput> out = SolveSinkhorn(*problem, options, observer);
  if (!out.ok()) return out.status();
  Plan plan;
  plan.transport_cost = out->transport_cost;
  plan.converged = out->converged;
  plan.barycentric_map = BarycentricMapOfPlan(c.x, c.y, *out->plan);
  plan.particles = ParticlesOfMap(c.x, plan.barycentric_map, c.a);
  plan.g = std::move(out->g);
  return plan;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Task>> PrepareOtInterpolation(const v1::OtInterpolationSpec& spec,
                                                             const Limits& limits,
                                                             absl::string_view prefix) {
  const std::string p(prefix);
  const bool entropic = spec.epsilon() != 0.0;
  // The exact plan is computed from the points in O(n + m) memory; the
  // entropic one stores the cost and the plan.
  absl::StatusOr<OtInput> input =
      PrepareOtInput(spec.x(), spec.y(), spec.a(), spec.b(), spec.cost(), v1::Matrix(), limits,
                     entropic ? CostStorage::kDense : CostStorage::kImplicit);
  if (!input.ok()) return WithFieldPrefix(p, input.status());
  if (entropic) {
    if (absl::Status s = CheckCount("x", input->n * input->m, limits.max_plan_entries,
                                    "plan entries (n * m; the entropic plan is built)",
                                    "--max-plan-entries");
        !s.ok()) {
      return WithFieldPrefix(p, s);
    }
  }
  const int frames = spec.num_frames() == 0 ? kDefaultFrames : spec.num_frames();
  if (frames < 2) {
    return absl::InvalidArgumentError(
        absl::StrCat(p, "num_frames: must be >= 2 (t = 0 and t = 1), got ", frames));
  }
  if (absl::Status s = CheckCount("num_frames", frames, limits.max_frames, "frames",
                                  "--max-frames");
      !s.ok()) {
    return WithFieldPrefix(p, s);
  }
  SinkhornOptions options = SinkhornOptionsFrom(spec.epsilon(), spec.tolerance(),
                                                spec.max_iterations(), nullptr);
  options.num_threads = limits.threads_per_job;
  if (entropic) {
    if (absl::Status s = ValidateSinkhornOptions(options); !s.ok()) return WithFieldPrefix(p, s);
  }
  std::optional<Eigen::MatrixXd> new_points;
  if (!IsUnset(spec.new_points())) {
    if (!entropic) {
      return absl::InvalidArgumentError(absl::StrCat(
          p, "new_points: the map of new points is the entropic map; set epsilon > 0"));
    }
    if (absl::Status s = CheckCount("new_points", spec.new_points().rows(), limits.max_points,
                                    "points", "--max-points");
        !s.ok()) {
      return WithFieldPrefix(p, s);
    }
    absl::StatusOr<Eigen::MatrixXd> z = FromProto(spec.new_points(), "new_points");
    if (!z.ok()) return WithFieldPrefix(p, z.status());
    if (z->cols() != input->clouds.y.cols()) {
      return absl::InvalidArgumentError(absl::StrCat(p, "new_points: have dimension ", z->cols(),
                                                     " but the points have ",
                                                     input->clouds.y.cols()));
    }
    new_points = *std::move(z);
  }
  return std::make_unique<FunctionTask>(
      "ot_interpolation", true,
      [p, entropic, options, frames, new_points = std::move(new_points),
       in = *std::move(input)](Observer& observer) -> absl::StatusOr<v1::JobResult> {
        PlanObserver plan_observer(observer);
        absl::StatusOr<Plan> plan =
            entropic ? EntropicPlan(in.clouds, in.cost, options, plan_observer)
                     : ExactPlan(in.clouds, in.cost, plan_observer);
        if (!plan.ok()) return WithFieldPrefix(p, plan.status());
        v1::JobResult result;
        v1::OtInterpolationResult* r = result.mutable_ot_interpolation();
        for (int k = 0; k < frames; ++k) {
          if (observer.StopRequested()) return absl::CancelledError("the job was asked to stop");
          const double t = static_cast<double>(k) / (frames - 1);
          r->add_times(t);
          if (observer.WantsFrame(k)) {
            observer.OnFrame({k, t, InterpolantPositions(plan->particles, t)});
          }
        }
        r->set_transport_cost(plan->transport_cost);
        r->set_converged(plan->converged);
        ToProto(plan->particles.weights, r->mutable_particle_weights());
        ToProto(plan->barycentric_map, r->mutable_barycentric_map());
        if (new_points.has_value()) {
          absl::StatusOr<Eigen::MatrixXd> mapped = EntropicMap(
              *new_points, in.clouds.y, in.clouds.b, plan->g, options.epsilon, in.cost);
          if (!mapped.ok()) return WithFieldPrefix(p, mapped.status());
          ToProto(*mapped, r->mutable_mapped_points());
        }
        return result;
      });
}

}  // namespace advect::server
