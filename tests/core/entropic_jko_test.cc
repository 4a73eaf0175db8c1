// Tests of the entropic JKO scheme (core/solvers/entropic_jko.h, SCIENCE.md
// c3) against the Ornstein-Uhlenbeck closed form, and against its particle
// twin (the Langevin particle flow of core/particles) on the same problem.
#include <cmath>

#include <gtest/gtest.h>

#include "core/particles/gradient_flow.h"
#include "core/solvers/entropic_jko.h"
#include "tests/core/test_util.h"

namespace advect {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

// V = (x - 1)^2 / 2, sigma^2 = 0.5, alpha_0 = N(-1, 0.3^2): alpha_t is
// N(m_t, s_t^2) with m_t = 1 - 2 e^{-t}, s_t^2 = 0.5 + (0.09 - 0.5) e^{-2t}.
constexpr double kSigma2 = 0.5;
double MeanAt(double t) { return 1.0 - 2.0 * std::exp(-t); }
double VarianceAt(double t) { return kSigma2 + (0.09 - kSigma2) * std::exp(-2.0 * t); }

TEST(EntropicJkoTest, FokkerPlanckOfAQuadraticPotentialMatchesOrnsteinUhlenbeck) {
  const JkoGrid grid{{401}, {-4.0}, {5.0}};
  const MatrixXd x = JkoGridPoints(grid);
  VectorXd density = (-(x.col(0).array() + 1.0).square() / (2 * 0.09)).exp().matrix();
  density /= density.sum();
  const VectorXd v = 0.5 * (x.col(0).array() - 1.0).square().matrix();
  JkoOptions o;
  o.tau = 0.02;
  o.steps = 50;
  o.sigma = std::sqrt(kSigma2);
  o.epsilon = 1e-3;
  absl::StatusOr<JkoOutput> out = RunEntropicJko(grid, density, v, o);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(out->converged);
  EXPECT_NEAR(out->density.sum(), 1.0, 1e-12);
  const double mean = out->density.dot(x.col(0));
  const double var = out->density.dot((x.col(0).array() - mean).square().matrix());
  for (size_t k = 1; k < out->energy.size(); ++k) {
    ASSERT_LE(out->energy[k], out->energy[k - 1] + 1e-12) << "step " << k;
  }
  // Measured at 801 points: mean 0.2569 against 0.2642, variance 0.4521 against 0.4445
  // (implicit Euler's O(tau) and the entropic blur eps / 4 tau).
  EXPECT_NEAR(mean, MeanAt(1.0), 0.015);
  EXPECT_NEAR(var, VarianceAt(1.0), 0.015);
  EXPECT_GT(std::abs(mean - (-1.0)), 1.0);  // it moved

  // The particle twin: Langevin particles of the same flow, 20000 of them.
  ParticleStepping stepping;
  stepping.steps = 200;
  stepping.step_size = 0.005;
  stepping.noise = std::sqrt(kSigma2);
  stepping.seed = 3;
  const MatrixXd x0 = (0.3 * testing::NormalPoints(20000, 1, 9)).array() - 1.0;
  absl::StatusOr<ParticleRun> run = RunGradientFlow(
      {*Potential::Quadratic(VectorXd::Ones(1), MatrixXd::Identity(1, 1)), Interaction::None(), 1},
      x0, stepping);
  ASSERT_TRUE(run.ok()) << run.status();
  const double particle_mean = run->positions.mean();
  const double particle_var = (run->positions.array() - particle_mean).square().mean();
  EXPECT_NEAR(particle_mean, MeanAt(1.0), 0.02);
  EXPECT_NEAR(particle_var, VarianceAt(1.0), 0.02);
  EXPECT_NEAR(particle_mean, mean, 0.03);  // the two views agree
  EXPECT_NEAR(particle_var, var, 0.03);
}

// In 2-D, V = (x - c)^T diag(1, 2) (x - c) / 2 separates: each axis is an
// Ornstein-Uhlenbeck process with its own rate.
TEST(EntropicJkoTest, TwoDimensionalGridSeparatesIntoTwoOrnsteinUhlenbecks) {
  const JkoGrid grid{{121, 101}, {-3.0, -2.5}, {3.0, 2.5}};
  const MatrixXd x = JkoGridPoints(grid);
  ASSERT_EQ(x.rows(), 121 * 101);
  EXPECT_DOUBLE_EQ(x(1, 1), -2.5 + 0.05);  // flat index i * n1 + j
  EXPECT_DOUBLE_EQ(x(101, 0), -3.0 + 0.05);
  VectorXd density =
      (-(x.col(0).array().square() + x.col(1).array().square()) / (2 * 0.09)).exp().matrix();
  density /= density.sum();
  const VectorXd v =
      (0.5 * (x.col(0).array() - 1.0).square() + (x.col(1).array() + 0.5).square()).matrix();
  JkoOptions o;
  o.tau = 0.05;
  o.steps = 10;
  o.sigma = std::sqrt(kSigma2);
  o.epsilon = 1e-2;
  absl::StatusOr<JkoOutput> out = RunEntropicJko(grid, density, v, o);
  ASSERT_TRUE(out.ok()) << out.status();
  const double t = 0.5;
  const double m0 = out->density.dot(x.col(0));
  const double m1 = out->density.dot(x.col(1));
  const double v0 = out->density.dot((x.col(0).array() - m0).square().matrix());
  const double v1 = out->density.dot((x.col(1).array() - m1).square().matrix());
  // Rates k = 1 and 2: m_t = c + (m_0 - c) e^{-kt}, s_t^2 = sigma^2/k + (s_0^2 - sigma^2/k)
  // e^{-2kt}.
  EXPECT_NEAR(m0, 1.0 - std::exp(-t), 0.03);
  EXPECT_NEAR(m1, -0.5 + 0.5 * std::exp(-2.0 * t), 0.03);
  EXPECT_NEAR(v0, 0.5 + (0.09 - 0.5) * std::exp(-2.0 * t), 0.04);
  EXPECT_NEAR(v1, 0.25 + (0.09 - 0.25) * std::exp(-4.0 * t), 0.04);
}

TEST(EntropicJkoTest, RefusesBadInput) {
  const JkoGrid grid{{11}, {0.0}, {1.0}};
  const VectorXd ok = VectorXd::Ones(11);
  JkoOptions o;
  EXPECT_NE(RunEntropicJko({{1}, {0.0}, {1.0}}, VectorXd::Ones(1), VectorXd::Zero(1), o)
                .status()
                .message()
                .find("grid"),
            std::string::npos);
  EXPECT_NE(RunEntropicJko(grid, VectorXd::Zero(11), VectorXd::Zero(11), o)
                .status()
                .message()
                .find("density"),
            std::string::npos);
  EXPECT_NE(RunEntropicJko(grid, ok, VectorXd::Zero(3), o).status().message().find("potential"),
            std::string::npos);
  o.tau = -1.0;
  EXPECT_NE(RunEntropicJko(grid, ok, VectorXd::Zero(11), o).status().message().find("tau"),
            std::string::npos);
}

}  // namespace
}  // namespace advect
