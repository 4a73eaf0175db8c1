#include "core/solvers/free_support_barycenter.h"

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/geometry/cost.h"
#include "core/geometry/weights.h"
#include "core/solvers/network_simplex.h"

namespace advect {
namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

// Forwards only stop requests to the exact solver: its own progress reports
// (pivot counts) would otherwise be mixed into the barycenter's.
class StopOnly : public Observer {
 public:
  explicit StopOnly(const Observer& outer) : outer_(outer) {}
  bool StopRequested() const override { return outer_.StopRequested(); }

 private:
  const Observer& outer_;
};

// The validated inputs, weights normalised.
struct Inputs {
  std::vector<WeightedCloud> clouds;
  VectorXd lambda;
  VectorXd a;
};

absl::StatusOr<Inputs> ValidateInputs(const std::vector<WeightedCloud>& clouds,
                                      const VectorXd& weights,
                                      const Eigen::Ref<const MatrixXd>& initial_support,
                                      const VectorXd& support_weights) {
  if (initial_support.rows() == 0 || initial_support.cols() == 0) {
    return absl::InvalidArgumentError("initial_support: the initial support has no points");
  }
  if (absl::Status s = CheckFinite(initial_support, "initial_support"); !s.ok()) return s;
  Inputs in;
  absl::StatusOr<VectorXd> a =
      NormalizedWeights(support_weights, initial_support.rows(), "support_weights");
  if (!a.ok()) return a.status();
  in.a = *std::move(a);
  if (clouds.empty()) {
    return absl::InvalidArgumentError("clouds: at least one point cloud is needed");
  }
  const Index d = initial_support.cols();
  for (size_t k = 0; k < clouds.size(); ++k) {
    const std::string field = absl::StrCat("clouds[", k, "].points");
    const MatrixXd& y = clouds[k].points;
    if (y.rows() == 0 || y.cols() == 0) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": the point cloud is empty"));
    }
    if (y.cols() != d) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ": points have dimension ", y.cols(), " but initial_support has dimension ", d));
    }
    if (absl::Status s = CheckFinite(y, field); !s.ok()) return s;
    absl::StatusOr<VectorXd> b =
        NormalizedWeights(clouds[k].weights, y.rows(), absl::StrCat("clouds[", k, "].weights"));
    if (!b.ok()) return b.status();
    in.clouds.push_back({y, *std::move(b)});
  }
  absl::StatusOr<VectorXd> lambda =
      NormalizedWeights(weights, static_cast<Index>(clouds.size()), "weights");
  if (!lambda.ok()) return lambda.status();
  in.lambda = *std::move(lambda);
  return in;
}

// Solves the K exact problems on support x; returns sum_k lambda_k W2^2(x, Y_k)
// and, when `next` is given, the updated support sum_k lambda_k diag(1/a) P_k Y_k.
absl::StatusOr<double> CostAndUpdate(const Inputs& in, const MatrixXd& x, Observer& stop_only,
                                     MatrixXd* next) {
  double cost = 0.0;
  if (next != nullptr) next->setZero(x.rows(), x.cols());
  for (size_t k = 0; k < in.clouds.size(); ++k) {
    const double lambda = in.lambda[static_cast<Index>(k)];
    // A cloud of weight 0 changes neither the cost nor the update.
    if (lambda == 0.0) continue;
    const WeightedCloud& cloud = in.clouds[k];
    absl::StatusOr<ExactOtOutput> ot = SolveExactOtFromPoints(
        x, cloud.points, in.a, cloud.weights, GroundCost{}, ExactOtOptions{}, stop_only);
    if (!ot.ok()) return ot.status();
    cost += lambda * ot->transport_cost;
    if (next == nullptr) continue;
    for (size_t e = 0; e < ot->plan_values.size(); ++e) {
      const Index i = ot->plan_rows[e];
      next->row(i) += (lambda * ot->plan_values[e] / in.a[i]) * cloud.points.row(ot->plan_cols[e]);
    }
  }
  if (next != nullptr) {
    // A support point of weight 0 receives no mass from any plan: it stays put.
    for (Index i = 0; i < x.rows(); ++i) {
      if (in.a[i] == 0.0) next->row(i) = x.row(i);
    }
  }
  return cost;
}

void MaybeEmitFrame(int64_t iteration, const MatrixXd& x, Observer& observer) {
  if (observer.WantsFrame(iteration)) {
    observer.OnFrame(Frame{iteration, static_cast<double>(iteration), x});
  }
}

}  // namespace

absl::Status ValidateFreeSupportBarycenterOptions(const FreeSupportBarycenterOptions& options) {
  if (options.max_iterations < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_iterations: must be >= 0, got ", options.max_iterations));
  }
  if (!(std::isfinite(options.tolerance) && options.tolerance >= 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("tolerance: must be finite and >= 0, got ", options.tolerance));
  }
  return absl::OkStatus();
}

absl::StatusOr<FreeSupportBarycenterOutput> SolveFreeSupportBarycenter(
    const std::vector<WeightedCloud>& clouds, const VectorXd& weights,
    const Eigen::Ref<const MatrixXd>& initial_support, const VectorXd& support_weights,
    const FreeSupportBarycenterOptions& options, Observer& observer) {
  if (absl::Status s = ValidateFreeSupportBarycenterOptions(options); !s.ok()) return s;
  absl::StatusOr<Inputs> in = ValidateInputs(clouds, weights, initial_support, support_weights);
  if (!in.ok()) return in.status();
  StopOnly stop_only(observer);

  FreeSupportBarycenterOutput out;
  MatrixXd x = initial_support;
  MatrixXd next;
  // The plans on the current support give both its cost and the next support,
  // so each iteration costs K exact solves, plus one round on the initial support.
  absl::StatusOr<double> cost = CostAndUpdate(*in, x, stop_only, &next);
  if (!cost.ok()) return cost.status();
  observer.OnProgress({0, 0.0, *cost});
  MaybeEmitFrame(0, x, observer);
  while (out.iterations < options.max_iterations) {
    ++out.iterations;
    out.displacement = (next - x).rowwise().norm().maxCoeff();
    x.swap(next);
    out.converged = out.displacement <= options.tolerance;
    // The last round only needs the cost; skip the update it would compute.
    const bool last = out.converged || out.iterations == options.max_iterations;
    cost = CostAndUpdate(*in, x, stop_only, last ? nullptr : &next);
    if (!cost.ok()) return cost.status();
    observer.OnProgress({out.iterations, out.displacement, *cost});
    MaybeEmitFrame(out.iterations, x, observer);
    if (out.converged) break;
  }
  out.cost = *cost;
  out.support = std::move(x);
  return out;
}

}  // namespace advect
