#include "core/solvers/barycenter.h"

#include <algorithm>
#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/geometry/weights.h"
#include "core/problems/linear_problem.h"  // ValidateCostMatrix
#include "core/solvers/log_domain.h"

namespace advect {
namespace {

using Eigen::ArrayXd;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using log_domain::SoftMinColumns;
using log_domain::TransposeInterruptibly;

absl::Status Stopped() { return absl::CancelledError("the solver was asked to stop"); }

// The histograms as columns, each normalised to mass 1; errors name
// histograms[k] for the k-th column.
absl::StatusOr<MatrixXd> NormalizedHistograms(const Eigen::Ref<const MatrixXd>& histograms,
                                              Index bins) {
  if (histograms.cols() == 0) {
    return absl::InvalidArgumentError("histograms: at least one histogram (column) is needed");
  }
  if (histograms.rows() != bins) {
    return absl::InvalidArgumentError(absl::StrCat("histograms: expected ", bins,
                                                   " rows (one per bin of the support), got ",
                                                   histograms.rows()));
  }
  MatrixXd out(bins, histograms.cols());
  for (Index k = 0; k < histograms.cols(); ++k) {
    absl::StatusOr<VectorXd> h =
        NormalizedWeights(histograms.col(k), bins, absl::StrCat("histograms[", k, "]"));
    if (!h.ok()) return h.status();
    out.col(k) = *h;
  }
  return out;
}

// sum_i h_i f_i with the convention 0 * (-inf) = 0: a bin without mass has
// f_i = -inf (u_i = 0) and contributes nothing to the coupling.
double MassWeightedSum(const VectorXd& h, const VectorXd& f) {
  return (h.array() > 0.0).select(h.array() * f.array(), 0.0).sum();
}

}  // namespace

absl::Status ValidateBarycenterOptions(const BarycenterOptions& options) {
  if (!(std::isfinite(options.epsilon) && options.epsilon > 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("epsilon: must be finite and > 0, got ", options.epsilon));
  }
  if (!(std::isfinite(options.tolerance) && options.tolerance >= 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("tolerance: must be finite and >= 0, got ", options.tolerance));
  }
  // At least one iteration: the barycenter only exists once the couplings have
  // been projected onto their row constraints.
  if (options.max_iterations < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_iterations: must be >= 1, got ", options.max_iterations));
  }
  return absl::OkStatus();
}

absl::StatusOr<BarycenterOutput> SolveBarycenter(const Eigen::Ref<const MatrixXd>& cost,
                                                 const Eigen::Ref<const MatrixXd>& histograms,
                                                 const VectorXd& weights,
                                                 const BarycenterOptions& options,
                                                 Observer& observer) {
  if (absl::Status s = ValidateBarycenterOptions(options); !s.ok()) return s;
  if (absl::Status s = ValidateCostMatrix(cost); !s.ok()) return s;
  if (cost.rows() != cost.cols()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cost_matrix: a barycenter's support is shared, so the cost must be square, "
                     "got ", cost.rows(), " x ", cost.cols()));
  }
  const Index n = cost.rows();
  absl::StatusOr<MatrixXd> h = NormalizedHistograms(histograms, n);
  if (!h.ok()) return h.status();
  const Index num_hist = h->cols();
  absl::StatusOr<VectorXd> lambda = NormalizedWeights(weights, num_hist, "weights");
  if (!lambda.ok()) return lambda.status();

  const double eps = options.epsilon;
  const MatrixXd c = cost;  // contiguous columns for SoftMinColumns
  MatrixXd c_t;             // column i = row i of C: the row update streams memory too
  if (!TransposeInterruptibly(c, observer, c_t)) return Stopped();
  // eps log h_k; -inf on empty bins, which the soft-min handles (u_i = 0).
  const MatrixXd eps_log_h = eps * h->array().log();
  const ArrayXd zeros = ArrayXd::Zero(n);  // counting-measure entropy: no log-weights

  // Potentials f_k = eps log u_k and g_k = eps log v_k, one column per histogram.
  MatrixXd f = MatrixXd::Zero(n, num_hist);
  MatrixXd g = MatrixXd::Zero(n, num_hist);
  // s_k = -eps log(K^T u_k), kept for the column update.
  MatrixXd s(n, num_hist);
  VectorXd out_col(n);
  ArrayXd scratch(n);
  BarycenterOutput out;
  VectorXd log_b(n);

  while (out.iterations < options.max_iterations) {
    ++out.iterations;
    // Row projections, u_k = h_k / (K v_k), then the soft-min giving K^T u_k.
    for (Index k = 0; k < num_hist; ++k) {
      if (!SoftMinColumns(c_t, g.col(k), zeros, eps, observer, out_col, scratch)) {
        return Stopped();
      }
      f.col(k) = eps_log_h.col(k) + out_col;
      if (!SoftMinColumns(c, f.col(k), zeros, eps, observer, out_col, scratch)) return Stopped();
      s.col(k) = out_col;
    }
    // b = prod_k (K^T u_k)^lambda_k. Because sum_k lambda_k g_k = 0 after every
    // column update, b is also the weighted geometric mean of the current
    // column marginals P_k^T 1 = v_k * K^T u_k, which the error compares it to.
    log_b = -(s * *lambda) / eps;
    const ArrayXd b = log_b.array().exp();
    double error = 0.0;
    double objective = 0.0;
    for (Index k = 0; k < num_hist; ++k) {
      const ArrayXd column_marginal = ((g.col(k) - s.col(k)).array() / eps).exp();
      error = std::max(error, (column_marginal - b).abs().sum());
      // With log P = (f_i + g_j - C_ij) / eps: <P, C> + eps <P, log P - 1>
      // = <P 1, f> + <P^T 1, g> - eps * mass, and P 1 = h_k has mass 1.
      objective += (*lambda)[k] * (MassWeightedSum(h->col(k), f.col(k)) +
                                   column_marginal.matrix().dot(g.col(k)) - eps);
    }
    out.error = error;
    observer.OnProgress({out.iterations, error, objective});
    if (error <= options.tolerance) {
      out.converged = true;
      break;
    }
    // Column projections, v_k = b / (K^T u_k).
    for (Index k = 0; k < num_hist; ++k) g.col(k) = eps * log_b + s.col(k);
  }
  out.barycenter = log_b.array().exp();
  return out;
}

absl::StatusOr<BarycenterOutput> SolveBarycenterFromPoints(
    const Eigen::Ref<const MatrixXd>& support, const GroundCost& ground_cost,
    const Eigen::Ref<const MatrixXd>& histograms, const VectorXd& weights,
    const BarycenterOptions& options, Observer& observer) {
  if (support.rows() == 0 || support.cols() == 0) {
    return absl::InvalidArgumentError("support: the support has no points");
  }
  if (absl::Status s = CheckFinite(support, "support"); !s.ok()) return s;
  if (absl::Status s = ValidateGroundCost(ground_cost); !s.ok()) return s;
  // Cheap checks first, so bad input fails before the n x n cost is built.
  if (absl::Status s = ValidateBarycenterOptions(options); !s.ok()) return s;
  if (histograms.rows() != support.rows()) {
    return absl::InvalidArgumentError(absl::StrCat("histograms: expected ", support.rows(),
                                                   " rows (one per support point), got ",
                                                   histograms.rows()));
  }
  absl::StatusOr<MatrixXd> cost = CostMatrix(support, support, ground_cost, observer);
  if (!cost.ok()) return cost.status();
  return SolveBarycenter(*cost, histograms, weights, options, observer);
}

}  // namespace advect
