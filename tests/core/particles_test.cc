// Tests of the particle engine and the Wasserstein gradient flow of particles
// (core/particles, SCIENCE.md c1 and c4). Oracles: the Gaussian closure
// (exact for the Euler step, O(h) for the ODE), the energy's finite
// differences (the field is -n times its gradient), the mixture's exact score,
// monotone energy without noise, and the Ornstein-Uhlenbeck stationary law.
#include <cmath>
#include <vector>

#include <Eigen/LU>
#include <gtest/gtest.h>

#include "core/diffusion/mixture_velocity.h"
#include "core/particles/gaussian_closure.h"
#include "core/particles/gradient_flow.h"
#include "core/particles/interaction.h"
#include "core/particles/particle_engine.h"
#include "core/particles/potential.h"
#include "core/random/normal.h"
#include "tests/core/test_util.h"

namespace advect {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

MatrixXd TestHessian() {
  MatrixXd h(2, 2);
  h << 2.0, 0.5, 0.5, 1.0;
  return h;
}

GradientFlowModel QuadraticModel() {
  return {*Potential::Quadratic(Eigen::Vector2d(1.0, -1.0), TestHessian()), Interaction::None(), 2};
}

GaussianMixture TwoBumps() {
  GaussianMixture m;
  m.weights = Eigen::Vector2d(0.3, 0.7);
  m.means.resize(2, 2);
  m.means << -2.0, 0.0, 1.5, 1.0;
  MatrixXd s0(2, 2), s1(2, 2);
  s0 << 0.5, 0.1, 0.1, 0.3;
  s1 << 0.8, -0.2, -0.2, 0.6;
  m.covs = {s0, s1};
  return m;
}

// The Euler step of an affine field moves any cloud's empirical moments by
// the discrete closure, exactly (up to rounding).
TEST(GaussianClosureTest, EulerStepsFollowTheDiscreteClosureExactly) {
  const MatrixXd x0 = 3.0 * testing::UniformPoints(500, 2, 7).array() - 1.0;  // not Gaussian
  const double h = 0.02;
  ParticleStepping stepping;
  stepping.steps = 50;
  stepping.step_size = h;
  absl::StatusOr<ParticleRun> run = RunGradientFlow(QuadraticModel(), x0, stepping);
  ASSERT_TRUE(run.ok()) << run.status();
  const AffineField field = QuadraticPotentialField(Eigen::Vector2d(1.0, -1.0), TestHessian());
  GaussianMoments expected = EmpiricalMoments(x0);
  for (int k = 0; k < 50; ++k) expected = EulerClosureStep(field, expected, h);
  const GaussianMoments got = EmpiricalMoments(run->positions);
  EXPECT_LT((got.mean - expected.mean).norm(), 1e-12);
  EXPECT_LT((got.cov - expected.cov).norm(), 1e-12);
}

// As h -> 0 the particles' moments tend to the closure ODE's (RK4), at order 1.
TEST(GaussianClosureTest, ParticleMomentsConvergeToTheClosureOdeAtOrderOne) {
  const MatrixXd x0 = testing::NormalPoints(400, 2, 3);
  const AffineField field = QuadraticPotentialField(Eigen::Vector2d(1.0, -1.0), TestHessian());
  absl::StatusOr<GaussianMoments> exact =
      IntegrateGaussianClosure(field, EmpiricalMoments(x0), 1.0, 2000);
  ASSERT_TRUE(exact.ok()) << exact.status();
  std::vector<double> errors;
  for (int64_t steps : {100, 200, 400}) {
    ParticleStepping stepping;
    stepping.steps = steps;
    stepping.step_size = 1.0 / static_cast<double>(steps);
    absl::StatusOr<ParticleRun> run = RunGradientFlow(QuadraticModel(), x0, stepping);
    ASSERT_TRUE(run.ok()) << run.status();
    const GaussianMoments got = EmpiricalMoments(run->positions);
    errors.push_back((got.mean - exact->mean).norm() + (got.cov - exact->cov).norm());
  }
  EXPECT_LT(errors[0], 0.05);
  for (size_t i = 1; i < errors.size(); ++i) {
    const double order = std::log2(errors[i - 1] / errors[i]);
    EXPECT_NEAR(order, 1.0, 0.15) << "errors " << errors[i - 1] << " -> " << errors[i];
  }
}

// With noise the quadratic potential is an Ornstein-Uhlenbeck process: its
// stationary law is N(c, sigma^2 H^-1), and its moments follow the closure with
// the 2 sigma^2 I term. 20000 particles: the tolerances are about 5 standard
// errors.
TEST(GaussianClosureTest, LangevinNoiseReachesTheOrnsteinUhlenbeckLaw) {
  const Eigen::Index n = 20000;
  ParticleStepping stepping;
  stepping.steps = 1500;
  stepping.step_size = 0.005;
  stepping.noise = 0.7;
  stepping.seed = 11;
  absl::StatusOr<ParticleRun> run =
      RunGradientFlow(QuadraticModel(), testing::NormalPoints(n, 2, 5), stepping);
  ASSERT_TRUE(run.ok()) << run.status();
  const AffineField field = QuadraticPotentialField(Eigen::Vector2d(1.0, -1.0), TestHessian());
  absl::StatusOr<GaussianMoments> exact = IntegrateGaussianClosure(
      field, {VectorXd::Zero(2), MatrixXd::Identity(2, 2)}, 7.5, 2000, 0.7);
  ASSERT_TRUE(exact.ok());
  const MatrixXd stationary = 0.49 * TestHessian().inverse();
  EXPECT_LT((exact->cov - stationary).norm(), 1e-3);  // t = 7.5 is nearly stationary
  const GaussianMoments got = EmpiricalMoments(run->positions);
  EXPECT_LT((got.mean - exact->mean).norm(), 5.0 * std::sqrt(0.49 / n) * 2.0);
  // Euler's O(h) bias on the covariance is about h |H| S ~ 0.005 * 2.3 * 0.5.
  EXPECT_LT((got.cov - exact->cov).norm(), 0.015);
}

// The energy of a state, with the field checked against its gradient: the
// field of particle i is -n dE/dx_i (E is a mean over particles).
double EnergyOf(const ParticleField& field, const MatrixXd& x) {
  MatrixXd v;
  double e = 0.0;
  EXPECT_TRUE(field(x, NullObserver(), v, &e));
  return e;
}

void ExpectFieldIsMinusEnergyGradient(const GradientFlowModel& model, const MatrixXd& x) {
  const ParticleField field = GradientFlowField(model);
  MatrixXd v;
  double e = 0.0;
  ASSERT_TRUE(field(x, NullObserver(), v, &e));
  const double n = static_cast<double>(x.rows());
  const double step = 1e-6;
  for (Eigen::Index i = 0; i < x.rows(); i += 3) {
    for (Eigen::Index c = 0; c < x.cols(); ++c) {
      MatrixXd plus = x, minus = x;
      plus(i, c) += step;
      minus(i, c) -= step;
      const double derivative = (EnergyOf(field, plus) - EnergyOf(field, minus)) / (2 * step);
      EXPECT_NEAR(v(i, c), -n * derivative, 1e-6 * std::max(1.0, std::abs(v(i, c))))
          << "particle " << i << " coordinate " << c;
    }
  }
}

TEST(GradientFlowTest, FieldIsMinusTheEnergyGradientForEveryPotentialAndInteraction) {
  const MatrixXd x = 2.0 * testing::NormalPoints(24, 2, 9);
  const std::vector<Potential> potentials = {
      Potential::None(2), *Potential::Quadratic(Eigen::Vector2d(0.5, 0.0), TestHessian()),
      Potential::DoubleWell(2), *Potential::NegativeLogMixture(TwoBumps())};
  const std::vector<Interaction> interactions = {
      Interaction::None(), *Interaction::Gaussian(1.5, 0.7), *Interaction::Gaussian(-0.5, 2.0),
      *Interaction::AttractionRepulsion(2.0, 1.0), *Interaction::AttractionRepulsion(4.0, 1.7)};
  for (size_t p = 0; p < potentials.size(); ++p) {
    for (size_t w = 0; w < interactions.size(); ++w) {
      SCOPED_TRACE(::testing::Message() << "potential " << p << " interaction " << w);
      ExpectFieldIsMinusEnergyGradient({potentials[p], interactions[w], 1}, x);
    }
  }
}

TEST(GradientFlowTest, MixturePotentialGradientIsMinusTheExactScore) {
  const MatrixXd x = 2.0 * testing::NormalPoints(300, 2, 13);
  absl::StatusOr<Potential> potential = Potential::NegativeLogMixture(TwoBumps());
  ASSERT_TRUE(potential.ok());
  MatrixXd grad = MatrixXd::Zero(x.rows(), 2);
  ASSERT_TRUE(potential->Accumulate(x, NullObserver(), grad, nullptr));
  absl::StatusOr<MixtureVelocity> mixture =
      MixtureVelocity::Create(TwoBumps(), 1.0, ScheduleKind::kLinear);
  ASSERT_TRUE(mixture.ok());
  MatrixXd score;
  ASSERT_TRUE(mixture->Score(0.0, x, NullObserver(), score));
  EXPECT_LT((grad + score).cwiseAbs().maxCoeff(),
            1e-10 * std::max(1.0, score.cwiseAbs().maxCoeff()));
}

class AlwaysStop : public Observer {
 public:
  bool StopRequested() const override { return true; }
};

// The costly potentials poll the observer row by row.
TEST(GradientFlowTest, MixtureAndKernelPotentialsStopWhenAsked) {
  const MatrixXd x = testing::NormalPoints(10, 2, 1);
  MatrixXd grad = MatrixXd::Zero(10, 2);
  AlwaysStop stop;
  EXPECT_FALSE(Potential::NegativeLogMixture(TwoBumps())->Accumulate(x, stop, grad, nullptr));
  EXPECT_FALSE(Potential::KernelTarget(x, 1.0)->Accumulate(x, stop, grad, nullptr));
  EXPECT_TRUE(Potential::DoubleWell(2).Accumulate(x, stop, grad, nullptr));  // O(n d): no poll
}

TEST(GradientFlowTest, EnergyDecreasesWithoutNoise) {
  const MatrixXd x0 = 1.5 * testing::NormalPoints(200, 2, 21);
  const std::vector<GradientFlowModel> models = {
      {Potential::DoubleWell(2), *Interaction::Gaussian(1.0, 0.5), 2},
      {Potential::None(2), *Interaction::AttractionRepulsion(2.0, 1.0), 2},
      {*Potential::NegativeLogMixture(TwoBumps()), *Interaction::Gaussian(-0.3, 1.0), 2}};
  for (size_t m = 0; m < models.size(); ++m) {
    ParticleStepping stepping;
    stepping.steps = 300;
    stepping.step_size = 0.01;
    absl::StatusOr<ParticleRun> run = RunGradientFlow(models[m], x0, stepping);
    ASSERT_TRUE(run.ok()) << run.status();
    ASSERT_EQ(run->energy.size(), 301u);
    for (size_t k = 1; k < run->energy.size(); ++k) {
      ASSERT_LE(run->energy[k], run->energy[k - 1] + 1e-14) << "model " << m << " step " << k;
    }
    EXPECT_LT(run->energy.back(), run->energy.front() - 1e-3) << "model " << m;
    EXPECT_LT(run->speed.back(), run->speed.front()) << "model " << m;
  }
}

// Attraction |x|^2/2 against repulsion |x| in the plane: the particles settle
// at mutual distances of order 1 (neither collapse nor spread) and the mean is
// conserved (the interaction is antisymmetric).
TEST(GradientFlowTest, AttractionRepulsionConservesTheMeanAndSettles) {
  const MatrixXd x0 = 3.0 * testing::NormalPoints(150, 2, 17);
  ParticleStepping stepping;
  stepping.steps = 2000;
  stepping.step_size = 0.02;
  absl::StatusOr<ParticleRun> run = RunGradientFlow(
      {Potential::None(2), *Interaction::AttractionRepulsion(2.0, 1.0), 2}, x0, stepping);
  ASSERT_TRUE(run.ok()) << run.status();
  const VectorXd mean0 = x0.colwise().mean();
  const VectorXd mean1 = run->positions.colwise().mean();
  EXPECT_LT((mean1 - mean0).norm(), 1e-10);
  EXPECT_LT(run->speed.back(), 1e-6);
  const double radius =
      std::sqrt((run->positions.rowwise() - mean1.transpose()).rowwise().squaredNorm().maxCoeff());
  EXPECT_GT(radius, 0.2);
  EXPECT_LT(radius, 2.0);
}

TEST(GradientFlowTest, ThreadsSeedsAndRecordsAreReproducible) {
  const MatrixXd x0 = testing::NormalPoints(201, 3, 23);
  GradientFlowModel model{Potential::DoubleWell(3), *Interaction::Gaussian(0.5, 1.0), 1};
  ParticleStepping stepping;
  stepping.steps = 1500;
  stepping.step_size = 0.001;
  stepping.noise = 0.3;
  stepping.seed = 4;
  absl::StatusOr<ParticleRun> one = RunGradientFlow(model, x0, stepping);
  model.num_threads = 2;
  absl::StatusOr<ParticleRun> two = RunGradientFlow(model, x0, stepping);
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_EQ(one->positions, two->positions);
  EXPECT_EQ(one->energy, two->energy);
  // ceil(1500 / 1000) = 2: steps 0, 2, ..., 1498 and 1500.
  ASSERT_EQ(one->energy_steps.size(), 751u);
  EXPECT_EQ(one->energy_steps[1], 2);
  EXPECT_EQ(one->energy_steps.back(), 1500);
  EXPECT_EQ(one->evaluations, 1501);
  stepping.seed = 5;
  absl::StatusOr<ParticleRun> other = RunGradientFlow(model, x0, stepping);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(one->positions, other->positions);
}

class StopAfter : public Observer {
 public:
  explicit StopAfter(int reports) : reports_(reports) {}
  void OnProgress(const ProgressReport& r) override { seen.push_back(r); }
  bool WantsFrame(int64_t step) const override { return step % 10 == 0; }
  void OnFrame(Frame f) override { frames.push_back(std::move(f)); }
  bool StopRequested() const override { return static_cast<int>(seen.size()) >= reports_; }
  std::vector<ProgressReport> seen;
  std::vector<Frame> frames;

 private:
  int reports_;
};

TEST(ParticleEngineTest, StreamsProgressAndFramesAndStops) {
  ParticleStepping stepping;
  stepping.steps = 100;
  stepping.step_size = 0.01;
  StopAfter all(1000);
  absl::StatusOr<ParticleRun> run =
      RunGradientFlow(QuadraticModel(), testing::NormalPoints(50, 2, 1), stepping, all);
  ASSERT_TRUE(run.ok());
  ASSERT_EQ(all.seen.size(), 100u);
  EXPECT_EQ(all.seen.front().iteration, 1);
  EXPECT_EQ(all.seen.back().iteration, 100);
  EXPECT_DOUBLE_EQ(all.seen.back().objective, run->energy.back());
  ASSERT_EQ(all.frames.size(), 11u);
  EXPECT_DOUBLE_EQ(all.frames.back().time, 1.0);
  EXPECT_EQ(all.frames.back().positions, run->positions);
  StopAfter early(5);
  absl::StatusOr<ParticleRun> stopped =
      RunGradientFlow(QuadraticModel(), testing::NormalPoints(50, 2, 1), stepping, early);
  EXPECT_EQ(stopped.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(early.seen.size(), 5u);
}

TEST(ParticleEngineTest, RejectsBadSettingsAndReportsDivergence) {
  const MatrixXd x0 = testing::NormalPoints(20, 2, 1);
  ParticleStepping stepping;
  stepping.steps = 0;
  EXPECT_NE(RunGradientFlow(QuadraticModel(), x0, stepping).status().message().find("steps"),
            std::string::npos);
  stepping.steps = 10;
  stepping.step_size = -1.0;
  EXPECT_NE(RunGradientFlow(QuadraticModel(), x0, stepping).status().message().find("step_size"),
            std::string::npos);
  stepping.step_size = 0.1;
  stepping.noise = -0.1;
  EXPECT_NE(RunGradientFlow(QuadraticModel(), x0, stepping).status().message().find("noise"),
            std::string::npos);
  stepping.noise = 0.0;
  EXPECT_EQ(
      RunGradientFlow(QuadraticModel(), testing::NormalPoints(20, 3, 1), stepping).status().code(),
      absl::StatusCode::kInvalidArgument);
  // The double well's cubic force diverges under a large step.
  stepping.step_size = 5.0;
  stepping.steps = 100;
  absl::StatusOr<ParticleRun> diverged =
      RunGradientFlow({Potential::DoubleWell(2), Interaction::None(), 1}, 3.0 * x0, stepping);
  EXPECT_EQ(diverged.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(diverged.status().message().find("step_size"), std::string::npos) << diverged.status();
}

TEST(ParticlesInputTest, RejectsBadPotentialsAndInteractions) {
  EXPECT_FALSE(Potential::Quadratic(VectorXd::Zero(2), MatrixXd::Identity(3, 3)).ok());
  MatrixXd asym(2, 2);
  asym << 1.0, 0.5, 0.0, 1.0;
  EXPECT_NE(Potential::Quadratic(VectorXd::Zero(2), asym).status().message().find("symmetric"),
            std::string::npos);
  GaussianMixture bad = TwoBumps();
  bad.covs[1] = -bad.covs[1];
  EXPECT_NE(Potential::NegativeLogMixture(bad).status().message().find("gmm_covs[1]"),
            std::string::npos);
  EXPECT_NE(Interaction::Gaussian(0.0, 1.0).status().message().find("interaction_strength"),
            std::string::npos);
  EXPECT_NE(Interaction::Gaussian(1.0, 0.0).status().message().find("kernel_width"),
            std::string::npos);
  EXPECT_NE(Interaction::AttractionRepulsion(2.0, 2.0).status().message().find("repulsion_power"),
            std::string::npos);
  EXPECT_NE(Interaction::AttractionRepulsion(-1.0, 0.5).status().message().find("attraction_power"),
            std::string::npos);
}

}  // namespace
}  // namespace advect
