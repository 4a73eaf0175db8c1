// The flow map of the independent-coupling interpolant against the Brenier
// map between Gaussians (SCIENCE.md b6): equal when the covariances commute,
// a hidden rotation when they do not; the matrix ODE agrees with integrating
// the velocity field point by point; both maps push the source to the target.
#include "core/diffusion/gaussian_flow_map.h"

#include <cmath>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "gtest/gtest.h"

namespace advect {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

Gaussian Make(const VectorXd& mean, const MatrixXd& cov) { return Gaussian{mean, cov}; }

TEST(GaussianFlowMapTest, CommutingCovariancesGiveTheBrenierMap) {
  const Gaussian g0 = Make(Eigen::Vector3d(0, 1, 2), Eigen::Vector3d(1.0, 4.0, 0.25).asDiagonal());
  const Gaussian g1 = Make(Eigen::Vector3d(1, -1, 0), Eigen::Vector3d(2.0, 0.5, 3.0).asDiagonal());
  absl::StatusOr<GaussianFlowMapOutput> out = CompareFlowAndBrenierMaps(g0, g1, 200);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_LE((out->flow_matrix - out->brenier_matrix).cwiseAbs().maxCoeff(), 1e-9);
  EXPECT_LE((out->flow_offset - out->brenier_offset).cwiseAbs().maxCoeff(), 1e-9);
  EXPECT_LE(out->map_distance, 1e-16);
  EXPECT_LE(out->rotation_angle, 1e-7);
  EXPECT_NEAR(out->flow_cost, out->w2_squared, 1e-9);
  EXPECT_LE(out->pushforward_error, 1e-10);
  // Per axis the 1-D map is sqrt(s1 / s0).
  EXPECT_NEAR(out->flow_matrix(1, 1), std::sqrt(0.5 / 4.0), 1e-10);
}

TEST(GaussianFlowMapTest, NonCommutingCovariancesShowAHiddenRotation) {
  MatrixXd s0(2, 2), s1(2, 2);
  s0 << 3.0, 0.0, 0.0, 0.3;
  s1 << 1.0, 0.9, 0.9, 1.0;
  const Gaussian g0 = Make(Eigen::Vector2d(0.0, 0.0), s0);
  const Gaussian g1 = Make(Eigen::Vector2d(2.0, 1.0), s1);
  absl::StatusOr<GaussianFlowMapOutput> out = CompareFlowAndBrenierMaps(g0, g1, 400);
  ASSERT_TRUE(out.ok()) << out.status();
  const MatrixXd& m = out->flow_matrix;
  // Both maps push N(m0, S0) to N(m1, S1).
  EXPECT_LE(out->pushforward_error, 1e-10);
  const MatrixXd& a = out->brenier_matrix;
  EXPECT_LE((a * s0 * a.transpose() - s1).cwiseAbs().maxCoeff(), 1e-10);
  // The flow map is not symmetric, hence not a gradient: not the Brenier map.
  EXPECT_GT(std::abs(m(0, 1) - m(1, 0)), 1e-2);
  EXPECT_GT(out->map_distance, 1e-3);
  EXPECT_GT(out->rotation_angle, 1e-2);
  // Brenier is optimal: the flow costs more.
  EXPECT_GT(out->flow_cost, out->w2_squared + 1e-3);
  // Q is orthogonal.
  const MatrixXd& q = out->hidden_rotation;
  EXPECT_LE((q.transpose() * q - MatrixXd::Identity(2, 2)).cwiseAbs().maxCoeff(), 1e-9);
  // In 2-D the angle is that of Q.
  EXPECT_NEAR(out->rotation_angle, std::abs(std::atan2(q(1, 0), q(0, 0))), 1e-9);

  // The matrix ODE agrees with the velocity field integrated point by point:
  // v_t(z) = (m1 - m0) + C_t^-1 (t S1 - (1 - t) S0) ... transposed, at z - mu_t.
  const Eigen::Vector2d x0(0.7, -1.2);
  Eigen::Vector2d z = x0;
  const int steps = 2000;
  auto v = [&](double t, const Eigen::Vector2d& at) -> Eigen::Vector2d {
    const MatrixXd c = (1 - t) * (1 - t) * s0 + t * t * s1;
    const MatrixXd k = t * s1 - (1 - t) * s0;
    const Eigen::Vector2d mu = (1 - t) * g0.mean + t * g1.mean;
    return (g1.mean - g0.mean) + k * Eigen::LLT<MatrixXd>(c).solve(at - mu);
  };
  for (int i = 0; i < steps; ++i) {
    const double t = static_cast<double>(i) / steps, h = 1.0 / steps;
    const Eigen::Vector2d k1 = v(t, z), k2 = v(t + h / 2, z + h / 2 * k1),
                          k3 = v(t + h / 2, z + h / 2 * k2), k4 = v(t + h, z + h * k3);
    z += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
  }
  EXPECT_LE((z - (m * x0 + out->flow_offset)).norm(), 1e-9);
}

TEST(GaussianFlowMapTest, Rk4ConvergesAndBadInputIsRefused) {
  MatrixXd s0(2, 2), s1(2, 2);
  s0 << 2.0, 0.5, 0.5, 1.0;
  s1 << 0.5, -0.2, -0.2, 2.0;
  const Gaussian g0 = Make(Eigen::Vector2d::Zero(), s0);
  const Gaussian g1 = Make(Eigen::Vector2d::Ones(), s1);
  const MatrixXd fine = CompareFlowAndBrenierMaps(g0, g1, 2000)->flow_matrix;
  const double e1 = (CompareFlowAndBrenierMaps(g0, g1, 10)->flow_matrix - fine).norm();
  const double e2 = (CompareFlowAndBrenierMaps(g0, g1, 20)->flow_matrix - fine).norm();
  EXPECT_NEAR(std::log2(e1 / e2), 4.0, 0.5);

  EXPECT_NE(CompareFlowAndBrenierMaps(g0, g1, 0).status().message().find("steps: must be"),
            std::string::npos);
  const Gaussian singular = Make(Eigen::Vector2d::Zero(), MatrixXd::Zero(2, 2));
  EXPECT_NE(CompareFlowAndBrenierMaps(singular, g1, 10).status().message().find("cov1"),
            std::string::npos);
  EXPECT_NE(CompareFlowAndBrenierMaps(g0, singular, 10).status().message().find("cov2"),
            std::string::npos);
  const Gaussian three = Make(Eigen::Vector3d::Zero(), MatrixXd::Identity(3, 3));
  EXPECT_NE(CompareFlowAndBrenierMaps(g0, three, 10).status().message().find("mean2"),
            std::string::npos);
}

}  // namespace
}  // namespace advect
