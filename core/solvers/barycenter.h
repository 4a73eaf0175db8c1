// Fixed-support entropic Wasserstein barycenter by iterative Bregman
// projections (SCIENCE.md a8).
//
// Given K histograms h_k on a shared support with cost C and weights lambda_k,
// finds the histogram b minimising
//   sum_k lambda_k min_{P_k : P_k 1 = h_k, P_k^T 1 = b} <P_k, C> + eps KL(P_k | 1),
// with the entropy relative to the counting measure (Gibbs kernel
// K = exp(-C / eps)), as POT's ot.bregman.barycenter. In scaling form the
// iteration is
//   u_k = h_k / (K v_k),  b = prod_k (K^T u_k)^{lambda_k},  v_k = b / (K^T u_k);
// it runs here on the potentials f_k = eps log u_k, g_k = eps log v_k with
// log-sum-exp reductions, so it is stable at any eps > 0.
//
// References: Benamou, Carlier, Cuturi, Nenna & Peyre, "Iterative Bregman
// projections for regularized transportation problems" (SIAM J. Sci. Comput.
// 2015); Peyre & Cuturi, Computational Optimal Transport (2019), sec. 9.2.
#ifndef ADVECT_CORE_SOLVERS_BARYCENTER_H_
#define ADVECT_CORE_SOLVERS_BARYCENTER_H_

#include <cstdint>

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "core/geometry/cost.h"
#include "core/observer.h"

namespace advect {

struct BarycenterOptions {
  double epsilon = 0.0;  // required, finite and > 0, in units of the cost
  // Stop when max_k |P_k^T 1 - b|_1 <= tolerance, measured after the row update
  // (so P_k 1 = h_k exactly) with b the new barycenter. Since each P_k has mass
  // 1, |sum(b) - 1| is at most this error too. Finite and >= 0.
  double tolerance = 1e-9;
  int64_t max_iterations = 1000;  // >= 0
};

struct BarycenterOutput {
  // The weighted geometric mean of the couplings' column marginals (POT's
  // returned value). It is not renormalised: its mass is 1 up to `error`.
  Eigen::VectorXd barycenter;
  int64_t iterations = 0;
  double error = 0.0;      // max_k |P_k^T 1 - b|_1 at the last iteration
  bool converged = false;  // error <= tolerance
};

// Checks the options; errors name epsilon, tolerance or max_iterations.
absl::Status ValidateBarycenterOptions(const BarycenterOptions& options);

// The barycenter on a support of n bins with the explicit n x n cost matrix
// `cost` (C_ij from bin i to bin j). `histograms` is n x K, one histogram per
// COLUMN (as POT's A); each is >= 0 with positive mass and is normalised.
// `weights` has K entries >= 0 with a positive sum (normalised; empty means
// uniform 1/K). Errors name cost_matrix, histograms, weights and the options.
// Progress is reported once per iteration (error as above, objective =
// sum_k lambda_k (<P_k, C> + eps sum_ij P_k,ij (log P_k,ij - 1)) on the current
// couplings). Stop requests are polled once per cost column and return
// Cancelled; not converging is reported in the output. No frames.
absl::StatusOr<BarycenterOutput> SolveBarycenter(
    const Eigen::Ref<const Eigen::MatrixXd>& cost,
    const Eigen::Ref<const Eigen::MatrixXd>& histograms, const Eigen::VectorXd& weights,
    const BarycenterOptions& options, Observer& observer = NullObserver());

// The same on support points (n x d, row = point) with a ground cost; the
// n x n cost matrix is built from them. Errors name support and cost.p besides
// the fields above.
absl::StatusOr<BarycenterOutput> SolveBarycenterFromPoints(
    const Eigen::Ref<const Eigen::MatrixXd>& support, const GroundCost& ground_cost,
    const Eigen::Ref<const Eigen::MatrixXd>& histograms, const Eigen::VectorXd& weights,
    const BarycenterOptions& options, Observer& observer = NullObserver());

}  // namespace advect

#endif  // ADVECT_CORE_SOLVERS_BARYCENTER_H_
