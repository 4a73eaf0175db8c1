// Tests of the token dynamics (core/particles/token_dynamics.h, SCIENCE.md d):
// the Sinkformer with one iteration is the softmax, Sinkhorn iterations make
// the attention doubly stochastic, tokens on the sphere stay there, clusters
// form, and Gaussian token measures follow their closed-form ODE (d5).
#include <cmath>

#include <gtest/gtest.h>

#include "core/particles/gaussian_closure.h"
#include "core/particles/token_dynamics.h"
#include "tests/core/test_util.h"

namespace advect {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

TokenModel Model(AttentionKind kind, double beta) {
  TokenModel m;
  m.attention = kind;
  m.beta = beta;
  return m;
}

TEST(TokenDynamicsTest, OneSinkhornIterationIsTheSoftmax) {
  const MatrixXd x = testing::NormalPoints(30, 4, 1);
  TokenModel softmax = Model(AttentionKind::kSoftmax, 2.0);
  softmax.q = testing::NormalPoints(4, 4, 2);
  softmax.k = testing::NormalPoints(4, 4, 3);
  TokenModel sinkhorn = softmax;
  sinkhorn.attention = AttentionKind::kSinkhorn;
  sinkhorn.sinkhorn_iterations = 1;
  const MatrixXd a = AttentionMatrix(softmax, x);
  EXPECT_EQ(a, AttentionMatrix(sinkhorn, x));
  EXPECT_LT((a.rowwise().sum().array() - 1.0).abs().maxCoeff(), 1e-14);
  // The explicit softmax of beta <Q x_i, K x_j>.
  for (int i : {0, 17}) {
    VectorXd logits(30);
    for (int j = 0; j < 30; ++j) {
      logits[j] = 2.0 * (softmax.q * x.row(i).transpose()).dot(softmax.k * x.row(j).transpose());
    }
    const VectorXd p = (logits.array() - logits.maxCoeff()).exp();
    EXPECT_LT((a.row(i).transpose() - p / p.sum()).cwiseAbs().maxCoeff(), 1e-14);
  }
}

TEST(TokenDynamicsTest, SinkhornIterationsMakeTheAttentionDoublyStochastic) {
  const MatrixXd x = testing::NormalPoints(25, 3, 4);
  TokenModel m = Model(AttentionKind::kSinkhorn, 1.0);
  double previous = 1e9;
  for (int iterations : {2, 10, 50}) {
    m.sinkhorn_iterations = iterations;
    const MatrixXd a = AttentionMatrix(m, x);
    EXPECT_LT((a.colwise().sum().array() - 1.0).abs().maxCoeff(), 1e-13);  // even: columns
    const double rows = (a.rowwise().sum().array() - 1.0).abs().maxCoeff();
    EXPECT_LT(rows, previous);
    previous = rows;
  }
  EXPECT_LT(previous, 1e-8);
}

TEST(TokenDynamicsTest, L2AttentionIsMeanShift) {
  const MatrixXd x = testing::NormalPoints(20, 2, 5);
  TokenModel m = Model(AttentionKind::kL2, 3.0);
  const MatrixXd a = AttentionMatrix(m, x);
  for (int i : {0, 9}) {
    VectorXd w(20);
    for (int j = 0; j < 20; ++j) w[j] = std::exp(-1.5 * (x.row(i) - x.row(j)).squaredNorm());
    EXPECT_LT((a.row(i).transpose() - w / w.sum()).cwiseAbs().maxCoeff(), 1e-14);
  }
  // One step moves x_i by tau times the mean shift sum_j A_ij (x_j - x_i).
  ParticleStepping one;
  one.steps = 1;
  one.step_size = 0.1;
  absl::StatusOr<TokenRun> run = RunTokens(m, x, one);
  ASSERT_TRUE(run.ok()) << run.status();
  const MatrixXd expected = x + 0.1 * (a * x - x);
  EXPECT_LT((run->run.positions - expected).cwiseAbs().maxCoeff(), 1e-14);
}

TEST(TokenDynamicsTest, TokensOnTheSphereStayOnTheSphereAndCluster) {
  MatrixXd x = testing::NormalPoints(32, 3, 6);
  TokenModel m = Model(AttentionKind::kSoftmax, 1.0);
  m.sphere = true;
  m.cluster_radius = 1e-3;
  ParticleStepping stepping;
  stepping.steps = 600;
  stepping.step_size = 0.1;
  absl::StatusOr<TokenRun> run = RunTokens(m, x, stepping);
  ASSERT_TRUE(run.ok()) << run.status();
  const VectorXd norms = run->run.positions.rowwise().norm();
  EXPECT_LT((norms.array() - 1.0).abs().maxCoeff(), 1e-14);
  // With Q = K = V = I, d = 3 and beta = 1 the tokens reach one cluster.
  EXPECT_EQ(run->num_clusters.front(), 32);
  EXPECT_EQ(run->num_clusters.back(), 1);
  EXPECT_GT(run->run.energy.back(), 0.9999);  // mean pairwise cosine
  EXPECT_LT(run->run.energy.front(), 0.5);
}

TEST(TokenDynamicsTest, LargeBetaGivesSeveralMetastableClusters) {
  MatrixXd x = testing::NormalPoints(64, 2, 7);  // on the circle
  TokenModel m = Model(AttentionKind::kSoftmax, 25.0);
  m.sphere = true;
  m.cluster_radius = 1e-2;
  ParticleStepping stepping;
  stepping.steps = 400;
  stepping.step_size = 0.05;
  absl::StatusOr<TokenRun> run = RunTokens(m, x, stepping);
  ASSERT_TRUE(run.ok()) << run.status();
  const int64_t clusters = run->num_clusters.back();
  EXPECT_GT(clusters, 1);   // not yet one cluster
  EXPECT_LT(clusters, 16);  // but far fewer than 64 tokens
  TokenModel small = m;
  small.beta = 1.0;
  absl::StatusOr<TokenRun> merged = RunTokens(small, x, stepping);
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ(merged->num_clusters.back(), 1);
}

// Castin et al.: tokens drawn from a Gaussian follow the Gaussian closure of
// the affine mean-field velocity (statistical tolerance at n = 1500).
TEST(TokenDynamicsTest, GaussianTokensFollowTheirMomentOde) {
  const Eigen::Index n = 1500;
  MatrixXd x = 0.5 * testing::NormalPoints(n, 2, 8);
  x.col(0).array() += 0.3;
  TokenModel m = Model(AttentionKind::kSoftmax, 2.0);
  m.q.resize(2, 2);
  m.q << 1.0, 0.2, 0.0, 0.8;
  m.v.resize(2, 2);
  m.v << -0.5, 0.3, -0.2, -0.4;
  ParticleStepping stepping;
  stepping.steps = 200;
  stepping.step_size = 0.005;
  absl::StatusOr<TokenRun> run = RunTokens(m, x, stepping);
  ASSERT_TRUE(run.ok()) << run.status();
  absl::StatusOr<GaussianMoments> exact =
      IntegrateGaussianClosure(GaussianTokenField(m, 2), EmpiricalMoments(x), 1.0, 400);
  ASSERT_TRUE(exact.ok());
  const GaussianMoments got = EmpiricalMoments(run->run.positions);
  const GaussianMoments start = EmpiricalMoments(x);
  EXPECT_GT((exact->mean - start.mean).norm(), 0.1);  // the dynamics moved the moments
  EXPECT_LT((got.mean - exact->mean).norm(), 0.02);
  EXPECT_LT((got.cov - exact->cov).norm(), 0.02);
}

TEST(TokenDynamicsTest, RefusesBadModels) {
  const MatrixXd x = testing::NormalPoints(5, 2, 9);
  ParticleStepping s;
  TokenModel m = Model(AttentionKind::kSoftmax, 1.0);
  m.q = MatrixXd::Identity(3, 3);
  EXPECT_NE(RunTokens(m, x, s).status().message().find("q: must be 2 x 2"), std::string::npos);
  m = Model(AttentionKind::kSinkhorn, 1.0);
  m.sinkhorn_iterations = 0;
  EXPECT_NE(RunTokens(m, x, s).status().message().find("sinkhorn_iterations"), std::string::npos);
  m = Model(AttentionKind::kL2, -1.0);
  EXPECT_NE(RunTokens(m, x, s).status().message().find("beta"), std::string::npos);
  m = Model(AttentionKind::kSoftmax, 1.0);
  m.sphere = true;
  MatrixXd zero = x;
  zero.row(2).setZero();
  EXPECT_NE(RunTokens(m, zero, s).status().message().find("norm 0"), std::string::npos);
  m.cluster_radius = 0.0;
  EXPECT_NE(RunTokens(m, x, s).status().message().find("cluster_radius"), std::string::npos);
}

}  // namespace
}  // namespace advect
