// Transformer tokens as interacting particles (SCIENCE.md d1-d4): depth is
// time, and each residual self-attention layer is an Euler step
//   x_i <- x_i + tau v_i,  v_i = sum_j A_ij V x_j            (softmax, Sinkhorn)
//   v_i = sum_j A_ij V (x_j - x_i)                             (L2: mean shift)
// with attention logits L_ij = beta <Q x_i, K x_j> (softmax, Sinkhorn) or
// -beta |Q x_i - K x_j|^2 / 2 (L2), A the row softmax of L, or for the
// Sinkformer (Sander et al. 2022) `sinkhorn_iterations` alternating row and
// column normalisations of exp(L), rows first (one iteration is the softmax).
// On the sphere (layer norm, Geshkovski et al. 2023) v_i is projected on the
// tangent space, P_i = I - x_i x_i^T, and the tokens are renormalised after
// each step. The record of each state is the mean pairwise cosine
// (1 / n(n-1)) sum_{i != j} cos(x_i, x_j) and the number of clusters: the
// connected components of the graph linking tokens closer than
// `cluster_radius`.
#ifndef ADVECT_CORE_PARTICLES_TOKEN_DYNAMICS_H_
#define ADVECT_CORE_PARTICLES_TOKEN_DYNAMICS_H_

#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "core/observer.h"
#include "core/particles/gaussian_closure.h"
#include "core/particles/particle_engine.h"

namespace advect {

enum class AttentionKind { kSoftmax, kL2, kSinkhorn };

inline constexpr int kMaxSinkhornIterations = 1000;

struct TokenModel {
  Eigen::MatrixXd q, k, v;  // d x d; empty means the identity
  double beta = 1.0;        // inverse temperature, finite (>= 0 for L2)
  AttentionKind attention = AttentionKind::kSoftmax;
  int sinkhorn_iterations = 3;  // kSinkhorn: >= 1
  bool sphere = false;
  double cluster_radius = 1e-2;  // > 0
  int num_threads = 2;
};

// The attention matrix A (n x n) of the tokens x (n x d): row-stochastic for
// softmax and L2; after an odd number of Sinkhorn iterations its rows sum to
// 1, after an even number its columns. Computed in the log domain.
Eigen::MatrixXd AttentionMatrix(const TokenModel& model, const Eigen::MatrixXd& x);

// The number of clusters of x (single linkage at `radius`).
int64_t CountClusters(const Eigen::MatrixXd& x, double radius);

// The mean pairwise cosine of the rows of x (1 for n = 1; rows of norm 0
// count as orthogonal to everything).
double MeanPairwiseCosine(const Eigen::MatrixXd& x);

// Checks the model for tokens of dimension d: Q, K, V d x d and finite, beta,
// sinkhorn_iterations, cluster_radius (errors name them).
absl::Status CheckTokenModel(const TokenModel& model, Eigen::Index d);

struct TokenRun {
  ParticleRun run;                    // positions; run.energy = mean pairwise cosine
  std::vector<int64_t> num_clusters;  // at run.energy_steps
};

// Checks the model (CheckTokenModel) and x (n x d, finite); on the sphere x
// is normalised first (rows of norm 0 are refused). Runs `stepping` (its noise must be 0; the
// step size is tau). Errors name the fields (tokens, q, k, v, beta,
// sinkhorn_iterations, cluster_radius) or come from RunParticles.
absl::StatusOr<TokenRun> RunTokens(const TokenModel& model, Eigen::MatrixXd x,
                                   const ParticleStepping& stepping,
                                   Observer& observer = NullObserver());

// Gaussian token measures (Castin et al. 2025; SCIENCE.md d5): for tokens
// N(m, S) in the mean-field limit, softmax attention off the sphere is the
// affine field v(x) = V E_tilted[y] = V (m + beta S K^T Q x), the mean of the
// Gaussian tilted by exp(beta <Q x, K y>). So Gaussians stay Gaussian, with
// b = V (m + beta S K^T Q m) and A = beta V S K^T Q in v = b + A (x - m).
AffineField GaussianTokenField(const TokenModel& model, Eigen::Index d);

}  // namespace advect

#endif  // ADVECT_CORE_PARTICLES_TOKEN_DYNAMICS_H_
