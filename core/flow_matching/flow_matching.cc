#include "core/flow_matching/flow_matching.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/geometry/cost.h"
#include "core/random/normal.h"
#include "core/random/splitmix64.h"
#include "core/solvers/network_simplex.h"
#include "core/solvers/sinkhorn.h"

namespace advect {
namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

}  // namespace

absl::Status ValidateFlowMatching(const MatrixXd& source, const MatrixXd& target,
                                  const FlowMatchingOptions& o) {
  if (target.rows() == 0 || target.cols() == 0 || !target.allFinite()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "target: expected at least one finite point of dimension >= 1, got ", target.rows(),
        " x ", target.cols()));
  }
  if (source.size() > 0 && (source.cols() != target.cols() || !source.allFinite())) {
    return absl::InvalidArgumentError(absl::StrCat("source: expected finite points of dimension ",
                                                   target.cols(), ", got ", source.rows(), " x ",
                                                   source.cols()));
  }
  if (o.batch_size < 1 || o.batch_size > kMaxFlowMatchingBatch) {
    return absl::InvalidArgumentError(absl::StrCat("batch_size: must be in [1, ",
                                                   kMaxFlowMatchingBatch, "], got ",
                                                   o.batch_size));
  }
  if (o.steps < 1 || o.steps > kMaxFlowMatchingSteps) {
    return absl::InvalidArgumentError(
        absl::StrCat("steps: must be in [1, ", kMaxFlowMatchingSteps, "], got ", o.steps));
  }
  if (!(std::isfinite(o.learning_rate) && o.learning_rate > 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("learning_rate: must be finite and > 0, got ", o.learning_rate));
  }
  if (o.coupling == Coupling::kEntropic && !(std::isfinite(o.sigma) && o.sigma > 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("sigma: must be finite and > 0 for the entropic coupling, got ", o.sigma));
  }
  if (o.width < 1 || o.width > kMaxMlpWidth) {
    return absl::InvalidArgumentError(
        absl::StrCat("width: must be in [1, ", kMaxMlpWidth, "], got ", o.width));
  }
  if (o.depth < 1 || o.depth > kMaxMlpDepth) {
    return absl::InvalidArgumentError(
        absl::StrCat("depth: must be in [1, ", kMaxMlpDepth, "], got ", o.depth));
  }
  return absl::OkStatus();
}

namespace {

// Row i of `plan` (n x n, rows summing to 1/n) -> a column drawn from it.
std::vector<Index> DrawFromRows(const MatrixXd& plan, SplitMix64& uniform) {
  std::vector<Index> pick(static_cast<size_t>(plan.rows()));
  for (Index i = 0; i < plan.rows(); ++i) {
    const double total = plan.row(i).sum();
    double u = uniform.NextUniform() * total;
    Index j = 0;
    for (; j + 1 < plan.cols(); ++j) {
      u -= plan(i, j);
      if (u < 0.0) break;
    }
    pick[static_cast<size_t>(i)] = j;
  }
  return pick;
}

// Reorders the rows of x1 so that (x0_i, x1_i) follow the coupling.
absl::Status Couple(const FlowMatchingOptions& o, const MatrixXd& x0, MatrixXd& x1,
                    SplitMix64& uniform, Observer& observer) {
  if (o.coupling == Coupling::kIndependent) return absl::OkStatus();
  const Index b = x0.rows();
  MatrixXd plan = MatrixXd::Zero(b, b);
  if (o.coupling == Coupling::kExactOt) {
    absl::StatusOr<ExactOtOutput> ot =
        SolveExactOtFromPoints(x0, x1, VectorXd(), VectorXd(), GroundCost{}, ExactOtOptions{},
                               observer);
    if (!ot.ok()) return ot.status();
    for (size_t e = 0; e < ot->plan_values.size(); ++e) {
      plan(ot->plan_rows[e], ot->plan_cols[e]) += ot->plan_values[e];
    }
  } else {
    absl::StatusOr<LinearProblem> problem =
        LinearProblem::FromPoints(x0, x1, VectorXd(), VectorXd(), GroundCost{}, observer);
    if (!problem.ok()) return problem.status();
    SinkhornOptions s;
    s.epsilon = 2.0 * o.sigma * o.sigma;
    s.tolerance = 1e-6;
    s.max_iterations = 2000;
    s.return_plan = true;
    s.epsilon_scaling = EpsilonScaling{};
    absl::StatusOr<SinkhornOutput> out = SolveSinkhorn(*problem, s, observer);
    if (!out.ok()) return out.status();
    plan = *std::move(out->plan);
  }
  const std::vector<Index> pick = DrawFromRows(plan, uniform);
  MatrixXd paired(b, x1.cols());
  for (Index i = 0; i < b; ++i) paired.row(i) = x1.row(pick[static_cast<size_t>(i)]);
  x1 = std::move(paired);
  return absl::OkStatus();
}

// Inputs of the network: x (features) and t, one column per point.
MatrixXd Inputs(const MatrixXd& x, const VectorXd& t) {
  MatrixXd in(x.cols() + 1, x.rows());
  in.topRows(x.cols()) = x.transpose();
  in.row(x.cols()) = t.transpose();
  return in;
}

// A quiet observer for the coupling solvers (their progress is not the job's).
class StopOnly : public Observer {
 public:
  explicit StopOnly(const Observer& inner) : inner_(inner) {}
  bool StopRequested() const override { return inner_.StopRequested(); }

 private:
  const Observer& inner_;
};

}  // namespace

absl::StatusOr<FlowMatchingOutput> TrainFlowMatching(const MatrixXd& source,
                                                     const MatrixXd& target,
                                                     const FlowMatchingOptions& options,
                                                     Observer& observer) {
  if (absl::Status s = ValidateFlowMatching(source, target, options); !s.ok()) return s;
  const Index d = target.cols();
  MlpShape shape{d + 1, options.width, options.depth, d, options.activation};
  absl::StatusOr<Mlp> model = Mlp::Create(shape, options.seed);
  if (!model.ok()) return model.status();
  Adam adam(model->parameters().size());
  SplitMix64 uniform(options.seed ^ 0xA5A5A5A5A5A5A5A5ULL);
  NormalStream normal(options.seed + 7);
  StopOnly quiet(observer);
  const Index b = options.batch_size;
  FlowMatchingOutput out{*std::move(model), {}};
  out.losses.reserve(static_cast<size_t>(options.steps));
  MatrixXd x0(b, d), x1(b, d), y, dy;
  VectorXd t(b), grad;
  Mlp::Cache cache;
  auto draw_row = [&](const MatrixXd& cloud) {
    return std::min<Index>(static_cast<Index>(uniform.NextUniform() * cloud.rows()),
                           cloud.rows() - 1);
  };
  for (int64_t step = 0; step < options.steps; ++step) {
    if (observer.StopRequested()) return absl::CancelledError("training was asked to stop");
    for (Index i = 0; i < b; ++i) {
      if (source.size() > 0) {
        x0.row(i) = source.row(draw_row(source));
      } else {
        for (Index c = 0; c < d; ++c) x0(i, c) = normal.Next();
      }
      x1.row(i) = target.row(draw_row(target));
    }
    if (absl::Status s = Couple(options, x0, x1, uniform, quiet); !s.ok()) {
      if (s.code() == absl::StatusCode::kCancelled) return s;
      return absl::InternalError(absl::StrCat("the coupling failed at step ", step, ": ",
                                              s.message()));
    }
    for (Index i = 0; i < b; ++i) t[i] = uniform.NextUniform();
    const MatrixXd xt = (x0.array().colwise() * (1.0 - t.array()) +
                         x1.array().colwise() * t.array())
                            .matrix();
    out.model.Forward(Inputs(xt, t), y, cache);
    // loss = mean_i |v_i - (x1_i - x0_i)|^2; dy = 2 (v - u) / b.
    dy = y - (x1 - x0).transpose();
    const double loss = dy.squaredNorm() / static_cast<double>(b);
    dy *= 2.0 / static_cast<double>(b);
    out.model.Backward(cache, dy, grad);
    double lr = options.learning_rate;
    if (options.schedule == LearningRateSchedule::kCosine) {
      lr *= 0.5 * (1.0 + std::cos(std::numbers::pi * static_cast<double>(step) /
                                  static_cast<double>(options.steps)));
    }
    adam.Step(out.model.parameters(), grad, lr);
    out.losses.push_back(loss);
    observer.OnProgress({step + 1, loss, lr});
    if (!std::isfinite(loss)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the loss is not finite at step ", step + 1, "; lower learning_rate"));
    }
  }
  return out;
}

void EvaluateModel(const Mlp& model, double t, const MatrixXd& x, MatrixXd& out) {
  MatrixXd y;
  model.Forward(Inputs(x, VectorXd::Constant(x.rows(), t)), y);
  out = y.transpose();
}

PathReport MeasurePaths(const Mlp& model, const MatrixXd& x0, int64_t steps, int64_t few_steps) {
  PathReport report;
  auto integrate = [&](int64_t k, double* straightness) {
    MatrixXd x = x0, v;
    std::vector<MatrixXd> velocities;
    const double h = 1.0 / static_cast<double>(k);
    for (int64_t s = 0; s < k; ++s) {
      EvaluateModel(model, static_cast<double>(s) * h, x, v);
      if (straightness != nullptr) velocities.push_back(v);
      x += h * v;
    }
    if (straightness != nullptr) {
      const MatrixXd chord = x - x0;
      double sum = 0.0;
      for (const MatrixXd& vel : velocities) sum += (vel - chord).squaredNorm();
      *straightness = sum * h / static_cast<double>(x0.rows());
    }
    return x;
  };
  report.endpoints = integrate(steps, &report.straightness);
  const MatrixXd few = integrate(few_steps, nullptr);
  report.few_step_error =
      (few - report.endpoints).squaredNorm() / static_cast<double>(x0.rows());
  return report;
}

}  // namespace advect
