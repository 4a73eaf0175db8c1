#include "core/solvers/sinkhorn_online.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/solvers/log_domain.h"
#include "core/solvers/stop_flag.h"
#include "core/solvers/vector_exp.h"

namespace advect {
namespace {

using Eigen::ArrayXd;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using log_domain::kNegligibleExponent;

absl::Status Stopped() { return absl::CancelledError("the solver was asked to stop"); }

// Costs from one cloud to single points of the other, scaled: Column(q) fills
// out_p = c(p, q) / scale for every point p of the cloud.
class CostColumns {
 public:
  CostColumns(const MatrixXd& cloud, const GroundCost& cost, double scale)
      : cloud_(cloud), cost_(cost), scale_(scale) {}
  void Column(const Eigen::Ref<const VectorXd>& q, ArrayXd& out) const {
    CostColumn(cloud_, q, cost_, out);
    if (scale_ != 1.0) out /= scale_;  // as LinearProblem::NormalizeCost
  }
  Index size() const { return cloud_.rows(); }

 private:
  const MatrixXd& cloud_;
  GroundCost cost_;
  double scale_;
};

// out_q = -eps log sum_p exp(logw_p + (pot_p - c(p, q)) / eps) for the query
// points q in [begin, end): one half-step, as log_domain::SoftMinColumnRange
// does on a stored cost column.
bool SoftMinRange(const CostColumns& costs, const MatrixXd& queries, const VectorXd& pot,
                  const ArrayXd& logw, double eps, Index begin, Index end,
                  const Observer& observer, VectorXd& out) {
  const double inv_eps = 1.0 / eps;
  const ArrayXd base = logw + pot.array() * inv_eps;
  ArrayXd column(costs.size());
  ArrayXd scratch(costs.size());
  for (Index q = begin; q < end; ++q) {
    if (observer.StopRequested()) return false;
    costs.Column(queries.row(q).transpose(), column);
    scratch = base - column * inv_eps;
    const double top = scratch.maxCoeff();
    scratch -= top;
    vector_exp::ExpOrZero(scratch.data(), scratch.data(), scratch.size(), kNegligibleExponent);
    out[q] = -eps * (top + std::log(scratch.sum()));
  }
  return true;
}

bool SoftMin(const CostColumns& costs, const MatrixXd& queries, const VectorXd& pot,
             const ArrayXd& logw, double eps, bool parallel, const Observer& observer,
             VectorXd& out) {
  const Index half = queries.rows() / 2;
  return RunTwoParts(parallel, observer, [&](int part, const Observer& o) {
    return part == 0 ? SoftMinRange(costs, queries, pot, logw, eps, 0, half, o, out)
                     : SoftMinRange(costs, queries, pot, logw, eps, half, queries.rows(), o, out);
  });
}

// Calls visit(part, j, cost column j, plan column j) for the targets j of each
// half (part 0: [0, m/2), part 1: the rest), the plan being
// P_ij = a_i b_j exp((f_i + g_j - C_ij) / eps).
template <typename Visit>
bool ForEachPlanColumn(const OnlineProblem& problem, const CostColumns& source_costs,
                       const VectorXd& f, const VectorXd& g, double eps, bool parallel,
                       const Observer& observer, Visit visit) {
  const double inv_eps = 1.0 / eps;
  const ArrayXd base = problem.a.array().log() + f.array() * inv_eps;
  const Index m = problem.y.rows();
  return RunTwoParts(parallel, observer, [&](int part, const Observer& o) {
    const Index begin = part == 0 ? 0 : m / 2;
    const Index end = part == 0 ? m / 2 : m;
    ArrayXd cost(problem.x.rows());
    ArrayXd exponent(problem.x.rows());
    ArrayXd column(problem.x.rows());
    for (Index j = begin; j < end; ++j) {
      if (o.StopRequested()) return false;
      source_costs.Column(problem.y.row(j).transpose(), cost);
      exponent = base + (std::log(problem.b[j]) + g[j] * inv_eps) - cost * inv_eps;
      vector_exp::ExpOrZero(exponent.data(), column.data(), exponent.size(), kNegligibleExponent);
      visit(part, j, cost, column);
    }
    return true;
  });
}

}  // namespace

absl::StatusOr<double> MaxCostOnline(const MatrixXd& x, const MatrixXd& y, const GroundCost& cost,
                                     int num_threads, const Observer& observer) {
  if (absl::Status s = ValidateGroundCost(cost); !s.ok()) return s;
  if (x.cols() != y.cols()) {
    return absl::InvalidArgumentError(absl::StrCat("y: points have dimension ", y.cols(),
                                                   " but x has dimension ", x.cols()));
  }
  const CostColumns costs(x, cost, 1.0);
  const Index m = y.rows();
  double max_parts[2] = {-std::numeric_limits<double>::infinity(),
                         -std::numeric_limits<double>::infinity()};
  const bool ok = RunTwoParts(num_threads > 1 && x.rows() * m >= (Index{1} << 16), observer,
                              [&](int part, const Observer& o) {
                                ArrayXd column(x.rows());
                                const Index begin = part == 0 ? 0 : m / 2;
                                const Index end = part == 0 ? m / 2 : m;
                                for (Index j = begin; j < end; ++j) {
                                  if (o.StopRequested()) return false;
                                  costs.Column(y.row(j).transpose(), column);
                                  max_parts[part] = std::max(max_parts[part], column.maxCoeff());
                                }
                                return true;
                              });
  if (!ok) return Stopped();
  return std::max(max_parts[0], max_parts[1]);
}

absl::StatusOr<SinkhornOutput> SolveSinkhornOnline(const OnlineProblem& problem,
                                                   const SinkhornOptions& options,
                                                   Observer& observer) {
  if (absl::Status s = ValidateSinkhornOptions(options); !s.ok()) return s;
  if (absl::Status s = ValidateGroundCost(problem.cost); !s.ok()) return s;
  const Index n = problem.x.rows();
  const Index m = problem.y.rows();
  if (problem.y.cols() != problem.x.cols()) {
    return absl::InvalidArgumentError(absl::StrCat("y: points have dimension ", problem.y.cols(),
                                                   " but x has dimension ", problem.x.cols()));
  }
  if (problem.a.size() != n || problem.b.size() != m) {
    return absl::InvalidArgumentError(absl::StrCat("a, b: expected ", n, " and ", m,
                                                   " weights, got ", problem.a.size(), " and ",
                                                   problem.b.size()));
  }
  if (!(problem.cost_scale > 0.0 && std::isfinite(problem.cost_scale))) {
    return absl::InvalidArgumentError(
        absl::StrCat("cost_scale: must be finite and > 0, got ", problem.cost_scale));
  }
  const CostColumns source_costs(problem.x, problem.cost, problem.cost_scale);  // over i
  const CostColumns target_costs(problem.y, problem.cost, problem.cost_scale);  // over j
  const ArrayXd log_a = problem.a.array().log();
  const ArrayXd log_b = problem.b.array().log();
  const bool parallel = options.num_threads > 1 && n * m >= (Index{1} << 16);

  SinkhornOutput out;
  VectorXd f = VectorXd::Zero(n);
  VectorXd g = VectorXd::Zero(m);
  VectorXd g_next(m);
  int64_t iteration = 0;
  double eps = options.epsilon;
  const double tolerance = options.tolerance;  // float64 throughout: no floor

  auto frame_positions = [&](const VectorXd& fi, const VectorXd& gi, MatrixXd& positions) {
    MatrixXd sums[2] = {MatrixXd::Zero(n, problem.y.cols()), MatrixXd::Zero(n, problem.y.cols())};
    MatrixXd mass = MatrixXd::Zero(n, 2);
    const bool done = ForEachPlanColumn(
        problem, source_costs, fi, gi, eps, parallel, observer,
        [&](int part, Index j, const ArrayXd&, const ArrayXd& column) {
          sums[part].noalias() += column.matrix() * problem.y.row(j);
          mass.col(part) += column.matrix();
        });
    if (!done) return false;
    positions = sums[0] + sums[1];
    const VectorXd total = mass.col(0) + mass.col(1);
    for (Index i = 0; i < n; ++i) {
      // A source point with no mass (a_i = 0) stays where it is.
      positions.row(i) = total[i] > 0.0 ? VectorXd(positions.row(i) / total[i]).transpose()
                                        : VectorXd(problem.x.row(i)).transpose();
    }
    return true;
  };

  absl::Status max_status;
  const std::vector<double> stages =
      log_domain::EpsilonStages(options.epsilon, options.epsilon_scaling, [&] {
        absl::StatusOr<double> c =
            MaxCostOnline(problem.x, problem.y, problem.cost, options.num_threads, observer);
        if (!c.ok()) {
          max_status = c.status();
          return options.epsilon;  // a single stage; the stop is reported below
        }
        return *c / problem.cost_scale;
      });
  if (!max_status.ok()) return max_status;

  for (size_t stage = 0; stage < stages.size(); ++stage) {
    eps = stages[stage];
    const bool final_stage = stage + 1 == stages.size();
    const double stage_tol = final_stage ? tolerance : std::max(tolerance, kSinkhornStageTolerance);
    bool stage_converged = false;
    // Rows exact for the current g; the error is then all in the columns.
    if (!SoftMin(target_costs, problem.x, g, log_b, eps, parallel, observer, f)) return Stopped();
    while (iteration < options.max_iterations) {
      ++iteration;
      if (!SoftMin(source_costs, problem.y, f, log_a, eps, parallel, observer, g_next)) {
        return Stopped();
      }
      const double error =
          (problem.b.array() * (((g - g_next).array() / eps).exp() - 1.0).abs()).sum();
      observer.OnProgress({iteration, error, problem.a.dot(f) + problem.b.dot(g)});
      if (observer.WantsFrame(iteration)) {
        Frame frame{iteration, static_cast<double>(iteration), MatrixXd()};
        if (!frame_positions(f, g, frame.positions)) return Stopped();
        observer.OnFrame(std::move(frame));
      }
      if (error <= stage_tol) {
        stage_converged = true;
        break;
      }
      g.swap(g_next);
      if (!SoftMin(target_costs, problem.x, g, log_b, eps, parallel, observer, f)) {
        return Stopped();
      }
    }
    out.converged = final_stage && stage_converged;
    if (iteration >= options.max_iterations && !stage_converged) break;
  }

  // Measure the returned plan: cost, marginals, and the plan itself if asked.
  log_domain::PlanMeasurement measurement(n, m, options.return_plan);
  const bool measured = ForEachPlanColumn(
      problem, source_costs, f, g, eps, parallel, observer,
      [&](int part, Index j, const ArrayXd& cost, const ArrayXd& column) {
        measurement.Add(part, j, cost, column);
      });
  if (!measured) return Stopped();
  measurement.Finish(problem.a, problem.b, out);
  out.dual_objective = problem.a.dot(f) + problem.b.dot(g);
  out.iterations = iteration;
  out.log_domain_iterations = iteration;
  out.epsilon = eps;
  out.tolerance = tolerance;
  out.f = std::move(f);
  out.g = std::move(g);
  return out;
}

}  // namespace advect
