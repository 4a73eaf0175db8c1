// The closed-form mixture velocity and the ODE samplers (SCIENCE.md b1-b3):
// a Gaussian target is reached by an affine map with the right mean and
// covariance (both schedules), Euler, Heun and RK4 converge at orders 1, 2
// and 4, bad mixtures are refused naming the field, stops and frames work.
#include <cmath>
#include <vector>

#include <Eigen/Core>

#include "core/diffusion/mixture_velocity.h"
#include "core/diffusion/ode_sampler.h"
#include "core/diffusion/schedule.h"
#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace advect {
namespace {

using ::advect::testing::UniformPoints;
using Eigen::MatrixXd;
using Eigen::VectorXd;

VelocityField FieldOf(const MixtureVelocity& v) {
  return [&v](double t, const MatrixXd& z, const Observer& o, MatrixXd& out) {
    return v.Evaluate(t, z, o, out);
  };
}

MatrixXd Sample(const MixtureVelocity& v, const MatrixXd& z1, int64_t steps, OdeIntegrator how) {
  absl::StatusOr<OdeSampleOutput> out = IntegrateFlow(FieldOf(v), z1, steps, how);
  EXPECT_TRUE(out.ok()) << out.status();
  return out->samples;
}

TEST(ScheduleTest, EndpointsAndDerivatives) {
  for (ScheduleKind kind : {ScheduleKind::kLinear, ScheduleKind::kVariancePreserving}) {
    const ScheduleValues s0 = EvaluateSchedule(kind, 0.0);
    const ScheduleValues s1 = EvaluateSchedule(kind, 1.0);
    EXPECT_NEAR(s0.a, 1.0, 1e-15);
    EXPECT_NEAR(s0.b, 0.0, 1e-15);
    EXPECT_NEAR(s1.a, 0.0, 1e-15);
    EXPECT_NEAR(s1.b, 1.0, 1e-15);
    for (double t : {0.1, 0.5, 0.9}) {  // derivatives by central differences
      const double h = 1e-6;
      const ScheduleValues p = EvaluateSchedule(kind, t + h);
      const ScheduleValues m = EvaluateSchedule(kind, t - h);
      const ScheduleValues s = EvaluateSchedule(kind, t);
      EXPECT_NEAR(s.da, (p.a - m.a) / (2 * h), 1e-8);
      EXPECT_NEAR(s.db, (p.b - m.b) / (2 * h), 1e-8);
    }
  }
}

TEST(MixtureVelocityTest, GaussianTargetIsReachedByAnAffineMap) {
  // X ~ N(c, S), Y ~ N(0, sigma^2 I): the probability flow from t = 1 to 0 is
  // an affine map T(z) = c + A z with A sigma^2 A^T = S, so it pushes the noise
  // N(0, sigma^2 I) exactly onto the data law.
  Eigen::Vector2d c(1.0, -2.0);
  MatrixXd cov(2, 2);
  cov << 2.0, 0.6, 0.6, 0.5;
  const double sigma = 1.5;
  for (ScheduleKind kind : {ScheduleKind::kLinear, ScheduleKind::kVariancePreserving}) {
    GaussianMixture g{VectorXd::Ones(1), c.transpose(), {cov}};
    absl::StatusOr<MixtureVelocity> v = MixtureVelocity::Create(g, sigma, kind);
    ASSERT_TRUE(v.ok()) << v.status();
    MatrixXd z1 = MatrixXd::Zero(4, 2);
    z1.row(1) << 1.0, 0.0;
    z1.row(2) << 0.0, 1.0;
    z1.row(3) << 0.7, -1.3;
    const MatrixXd out = Sample(*v, z1, 200, OdeIntegrator::kRk4);
    const Eigen::RowVector2d origin = out.row(0);
    MatrixXd a(2, 2);
    a.col(0) = (out.row(1) - origin).transpose();
    a.col(1) = (out.row(2) - origin).transpose();
    EXPECT_LE((origin.transpose() - c).norm(), 1e-9);
    EXPECT_LE((a * (sigma * sigma) * a.transpose() - cov).cwiseAbs().maxCoeff(), 1e-8);
    // Affine: the fourth point lands where A says.
    EXPECT_LE((out.row(3) - (origin + (a * z1.row(3).transpose()).transpose())).norm(), 1e-9);
  }
}

TEST(OdeSamplerTest, EulerHeunAndRk4ConvergeAtOrders124) {
  GaussianMixture g;
  g.weights = Eigen::Vector3d(0.5, 0.3, 0.2);
  g.means = MatrixXd(3, 2);
  g.means << -1.0, 0.0, 1.0, 0.5, 0.0, -1.0;
  MatrixXd s1(2, 2), s2(2, 2), s3(2, 2);
  s1 << 0.3, 0.1, 0.1, 0.2;
  s2 << 0.2, -0.05, -0.05, 0.4;
  s3 << 0.25, 0.0, 0.0, 0.25;
  g.covs = {s1, s2, s3};
  absl::StatusOr<MixtureVelocity> v = MixtureVelocity::Create(g, 1.0, ScheduleKind::kLinear);
  ASSERT_TRUE(v.ok()) << v.status();
  const MatrixXd z1 = (UniformPoints(32, 2, 41).array() * 4.0 - 2.0).matrix();
  const MatrixXd reference = Sample(*v, z1, 4096, OdeIntegrator::kRk4);
  struct Order {
    OdeIntegrator how;
    double order;
    const char* name;
  };
  for (const Order& o : {Order{OdeIntegrator::kEuler, 1.0, "euler"},
                         Order{OdeIntegrator::kHeun, 2.0, "heun"},
                         Order{OdeIntegrator::kRk4, 4.0, "rk4"}}) {
    const double e1 = (Sample(*v, z1, 32, o.how) - reference).cwiseAbs().maxCoeff();
    const double e2 = (Sample(*v, z1, 64, o.how) - reference).cwiseAbs().maxCoeff();
    const double slope = std::log2(e1 / e2);
    std::cout << o.name << ": error " << e1 << " at 32 steps, " << e2 << " at 64, slope "
              << slope << "\n";
    EXPECT_NEAR(slope, o.order, 0.35) << o.name;
  }
}

TEST(MixtureVelocityTest, RefusesBadMixturesNamingTheField) {
  const MatrixXd spd = MatrixXd::Identity(2, 2);
  struct Bad {
    GaussianMixture g;
    double sigma;
    const char* message;
  };
  MatrixXd not_pd(2, 2);
  not_pd << 1.0, 2.0, 2.0, 1.0;
  MatrixXd not_sym(2, 2);
  not_sym << 1.0, 0.5, 0.0, 1.0;
  const std::vector<Bad> cases = {
      {{VectorXd(), MatrixXd(0, 2), {}}, 1.0, "gmm_weights: at least one"},
      {{-VectorXd::Ones(1), MatrixXd::Zero(1, 2), {spd}}, 1.0, "gmm_weights: weights must be"},
      {{VectorXd::Ones(2), MatrixXd::Zero(1, 2), {spd, spd}}, 1.0, "gmm_means: expected 2"},
      {{VectorXd::Ones(1), MatrixXd::Zero(1, 2), {}}, 1.0, "gmm_covs: expected 1"},
      {{VectorXd::Ones(1), MatrixXd::Zero(1, 2), {MatrixXd::Identity(3, 3)}}, 1.0,
       "gmm_covs[0]: expected a finite 2 x 2"},
      {{VectorXd::Ones(1), MatrixXd::Zero(1, 2), {not_pd}}, 1.0, "gmm_covs[0]: not positive"},
      {{VectorXd::Ones(1), MatrixXd::Zero(1, 2), {not_sym}}, 1.0, "gmm_covs[0]: not symmetric"},
      {{VectorXd::Ones(1), MatrixXd::Zero(1, 2), {spd}}, 0.0, "sigma: must be finite and > 0"},
  };
  for (const Bad& b : cases) {
    absl::StatusOr<MixtureVelocity> v =
        MixtureVelocity::Create(b.g, b.sigma, ScheduleKind::kLinear);
    ASSERT_FALSE(v.ok()) << b.message;
    EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(v.status().message().find(b.message), std::string::npos) << v.status();
  }
  absl::StatusOr<MixtureVelocity> v = MixtureVelocity::Create(
      {VectorXd::Ones(1), MatrixXd::Zero(1, 2), {spd}}, 1.0, ScheduleKind::kLinear);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(IntegrateFlow(FieldOf(*v), MatrixXd::Zero(3, 2), 0, OdeIntegrator::kEuler)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

class Recorder : public Observer {
 public:
  explicit Recorder(int stop_after) : stop_after_(stop_after) {}
  void OnProgress(const ProgressReport& r) override { reports.push_back(r); }
  bool WantsFrame(int64_t step) const override { return step % 5 == 0; }
  void OnFrame(Frame f) override { frames.push_back(std::move(f)); }
  bool StopRequested() const override {
    return stop_after_ >= 0 && static_cast<int>(reports.size()) >= stop_after_;
  }
  std::vector<ProgressReport> reports;
  std::vector<Frame> frames;

 private:
  int stop_after_;
};

TEST(OdeSamplerTest, StreamsFramesAndHonoursAStop) {
  absl::StatusOr<MixtureVelocity> v = MixtureVelocity::Create(
      {VectorXd::Ones(1), MatrixXd::Zero(1, 2), {MatrixXd::Identity(2, 2)}}, 1.0,
      ScheduleKind::kVariancePreserving);
  ASSERT_TRUE(v.ok());
  const MatrixXd z1 = UniformPoints(10, 2, 43);
  Recorder all(-1);
  absl::StatusOr<OdeSampleOutput> out = IntegrateFlow(FieldOf(*v), z1, 20, OdeIntegrator::kHeun, all);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->evaluations, 40);
  ASSERT_EQ(all.reports.size(), 20u);
  EXPECT_NEAR(all.reports.back().objective, 0.0, 1e-15);  // t after the last step
  ASSERT_EQ(all.frames.size(), 5u);                        // steps 0, 5, 10, 15, 20
  EXPECT_EQ(all.frames.front().time, 1.0);
  EXPECT_TRUE(all.frames.front().positions == z1);
  EXPECT_TRUE(all.frames.back().positions == out->samples);

  Recorder stop(3);
  out = IntegrateFlow(FieldOf(*v), z1, 20, OdeIntegrator::kRk4, stop);
  EXPECT_EQ(out.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(stop.reports.size(), 3u);
}

}  // namespace
}  // namespace advect
