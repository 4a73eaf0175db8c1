// Tests of the MMD flow (the gradient flow with a kernel-target potential and
// a Gaussian interaction) and of SVGD (core/particles/svgd.h), SCIENCE.md c2.
// Oracles: the MMD^2 formula, its monotone decrease along the flow, the
// field against the energy's finite differences, and SVGD reaching a
// Gaussian target's moments with a decreasing kernel Stein discrepancy.
#include <cmath>

#include <gtest/gtest.h>

#include "core/diffusion/mixture_velocity.h"
#include "core/particles/gradient_flow.h"
#include "core/particles/particle_engine.h"
#include "core/particles/svgd.h"
#include "tests/core/test_util.h"

namespace advect {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

double Kernel(const MatrixXd& a, const MatrixXd& b, double w) {
  double sum = 0.0;
  for (Eigen::Index i = 0; i < a.rows(); ++i) {
    for (Eigen::Index j = 0; j < b.rows(); ++j) {
      sum += std::exp(-0.5 * (a.row(i) - b.row(j)).squaredNorm() / (w * w));
    }
  }
  return sum / static_cast<double>(a.rows() * b.rows());
}

double Mmd2(const MatrixXd& x, const MatrixXd& y, double w) {
  return Kernel(x, x, w) - 2.0 * Kernel(x, y, w) + Kernel(y, y, w);
}

GradientFlowModel MmdModel(const MatrixXd& y, double w) {
  return {*Potential::KernelTarget(y, w), *Interaction::Gaussian(1.0, w), 2};
}

TEST(MmdFlowTest, EnergyIsHalfTheMmdMinusTheTargetTerm) {
  const MatrixXd x = testing::NormalPoints(40, 2, 1);
  const MatrixXd y = 1.0 + 0.5 * testing::NormalPoints(30, 2, 2).array();
  const double w = 0.8;
  MatrixXd v;
  double e = 0.0;
  ASSERT_TRUE(GradientFlowField(MmdModel(y, w))(x, NullObserver(), v, &e));
  EXPECT_NEAR(2.0 * e + Kernel(y, y, w), Mmd2(x, y, w), 1e-12);
  // The field is -n times the gradient of the energy.
  const double step = 1e-6;
  for (Eigen::Index i = 0; i < 40; i += 7) {
    for (Eigen::Index c = 0; c < 2; ++c) {
      MatrixXd plus = x, minus = x;
      plus(i, c) += step;
      minus(i, c) -= step;
      const double derivative = (Mmd2(plus, y, w) - Mmd2(minus, y, w)) / (4.0 * step);
      EXPECT_NEAR(v(i, c), -40.0 * derivative, 1e-6);
    }
  }
}

TEST(MmdFlowTest, ParticlesFlowTowardTheTargetWithDecreasingMmd) {
  const MatrixXd x0 = testing::NormalPoints(100, 2, 3);
  MatrixXd y = 0.5 * testing::NormalPoints(100, 2, 4);
  y.col(0).array() += 3.0;
  const double w = 3.0;
  ParticleStepping stepping;
  stepping.steps = 400;
  stepping.step_size = 0.5;
  absl::StatusOr<ParticleRun> run = RunGradientFlow(MmdModel(y, w), x0, stepping);
  ASSERT_TRUE(run.ok()) << run.status();
  for (size_t k = 1; k < run->energy.size(); ++k) {
    ASSERT_LE(run->energy[k], run->energy[k - 1] + 1e-14) << "step " << k;
  }
  const double before = Mmd2(x0, y, w);
  const double after = Mmd2(run->positions, y, w);
  EXPECT_LT(after, 0.02 * before) << before << " -> " << after;
  EXPECT_NEAR(run->positions.col(0).mean(), 3.0, 0.3);
}

GaussianMixture OneGaussian() {
  GaussianMixture m;
  m.weights = VectorXd::Ones(1);
  m.means = Eigen::RowVector2d(1.0, -2.0);
  MatrixXd s(2, 2);
  s << 1.0, 0.4, 0.4, 0.5;
  m.covs = {s};
  return m;
}

SvgdModel GaussianTarget(const MixtureVelocity* target) {
  SvgdModel model;
  model.score = [target](const MatrixXd& x, const Observer& o, MatrixXd& out) {
    return target->Score(0.0, x, o, out);
  };
  return model;
}

TEST(SvgdTest, ReachesAGaussianTargetWithDecreasingStein) {
  absl::StatusOr<MixtureVelocity> target =
      MixtureVelocity::Create(OneGaussian(), 1.0, ScheduleKind::kLinear);
  ASSERT_TRUE(target.ok());
  absl::StatusOr<ParticleField> field = SvgdField(GaussianTarget(&*target));
  ASSERT_TRUE(field.ok());
  ParticleStepping stepping;
  stepping.steps = 1000;
  stepping.step_size = 0.05;
  absl::StatusOr<ParticleRun> run =
      RunParticles(*field, 0.5 * testing::NormalPoints(200, 2, 5), stepping);
  ASSERT_TRUE(run.ok()) << run.status();
  const VectorXd mean = run->positions.colwise().mean();
  const MatrixXd centered = run->positions.rowwise() - mean.transpose();
  const MatrixXd cov = centered.transpose() * centered / 200.0;
  EXPECT_NEAR(mean[0], 1.0, 0.05);
  EXPECT_NEAR(mean[1], -2.0, 0.05);
  // SVGD with finitely many particles underestimates variances a little.
  EXPECT_LT((cov - OneGaussian().covs[0]).norm(), 0.2) << cov;
  EXPECT_GE(run->energy.back(), 0.0);
  EXPECT_LT(run->energy.back(), 0.05 * run->energy.front())
      << run->energy.front() << " -> " << run->energy.back();
}

TEST(SvgdTest, MedianHeuristicAndBadWidth) {
  MatrixXd x(3, 1);
  x << 0.0, 1.0, 3.0;  // distances 1, 2, 3: median 2
  EXPECT_NEAR(MedianHeuristicWidth(x), 2.0 / std::sqrt(2.0 * std::log(4.0)), 1e-15);
  EXPECT_EQ(MedianHeuristicWidth(MatrixXd::Zero(4, 2)), 1.0);
  SvgdModel model;
  model.width = -1.0;
  EXPECT_NE(SvgdField(model).status().message().find("kernel_width"), std::string::npos);
  EXPECT_NE(Potential::KernelTarget(MatrixXd::Zero(0, 2), 1.0).status().message().find("target"),
            std::string::npos);
}

}  // namespace
}  // namespace advect
