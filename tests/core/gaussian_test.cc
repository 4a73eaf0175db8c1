// Gaussian (Bures-Wasserstein) OT: closed forms, the pushforward identity,
// McCann geodesics, POT 0.8.2's linear map (OT_mapping_linear) and input checks.
#include "core/solvers/gaussian.h"

#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <cmath>

#include "core/random/normal.h"
#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace advect {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

GaussianOtOutput Solve(const Gaussian& g1, const Gaussian& g2, bool compute_map = true) {
  absl::StatusOr<GaussianOtOutput> out = SolveGaussianOt(g1, g2, {compute_map});
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? *std::move(out) : GaussianOtOutput{};
}

double W2(const Gaussian& g1, const Gaussian& g2) { return Solve(g1, g2, false).transport_cost; }

MatrixXd Rotation(Eigen::Index d, uint64_t seed) {
  return Eigen::HouseholderQR<MatrixXd>(testing::UniformPoints(d, d, seed)).householderQ();
}

// Q diag(l) Q^T with eigenvalues log-spaced from 1 down to 1/condition.
MatrixXd SpdMatrix(Eigen::Index d, double condition, uint64_t seed, double scale = 1.0) {
  const MatrixXd q = Rotation(d, seed);
  VectorXd l(d);
  for (Eigen::Index i = 0; i < d; ++i) {
    l[i] = scale * std::pow(condition, -static_cast<double>(i) / static_cast<double>(d - 1));
  }
  const MatrixXd s = q * l.asDiagonal() * q.transpose();
  return 0.5 * (s + s.transpose());
}

Gaussian RandomGaussian(Eigen::Index d, double condition, uint64_t seed) {
  return {testing::UniformPoints(d, 1, seed + 1).col(0) * 3.0, SpdMatrix(d, condition, seed)};
}

double RelativeError(const MatrixXd& got, const MatrixXd& want) {
  return (got - want).norm() / want.norm();
}

TEST(GaussianTest, OneDimensionalClosedForm) {
  const Gaussian g1{VectorXd::Constant(1, 0.3), MatrixXd::Constant(1, 1, 4.0)};
  const Gaussian g2{VectorXd::Constant(1, -1.0), MatrixXd::Constant(1, 1, 0.25)};
  const GaussianOtOutput out = Solve(g1, g2);
  // (m1 - m2)^2 + (s1 - s2)^2 with standard deviations 2 and 0.5.
  EXPECT_NEAR(out.transport_cost, 1.3 * 1.3 + 1.5 * 1.5, 1e-14);
  EXPECT_NEAR(out.map_matrix(0, 0), 0.25, 1e-15);  // s2 / s1
  EXPECT_NEAR(out.map_offset[0], -1.0 - 0.25 * 0.3, 1e-15);
}

// Covariances sharing eigenvectors: W_2^2 = |m1 - m2|^2 + |S1^1/2 - S2^1/2|_F^2.
TEST(GaussianTest, CommutingCovariancesClosedForm) {
  const Eigen::Index d = 5;
  const VectorXd l1 = (VectorXd(d) << 1.0, 2.0, 0.5, 9.0, 1e-3).finished();
  const VectorXd l2 = (VectorXd(d) << 4.0, 0.1, 0.5, 1.0, 2.0).finished();
  const VectorXd m1 = VectorXd::LinSpaced(d, -1.0, 1.0);
  const VectorXd m2 = VectorXd::Constant(d, 0.5);
  const double expected = (m1 - m2).squaredNorm() + (l1.cwiseSqrt() - l2.cwiseSqrt()).squaredNorm();
  for (bool rotate : {false, true}) {
    const MatrixXd q = rotate ? Rotation(d, 4) : MatrixXd::Identity(d, d);
    const Gaussian g1{m1, q * l1.asDiagonal() * q.transpose()};
    const Gaussian g2{m2, q * l2.asDiagonal() * q.transpose()};
    const GaussianOtOutput out = Solve(g1, g2);
    EXPECT_NEAR(out.transport_cost, expected, 1e-13 * expected) << rotate;
    // The map is diagonal in the common basis: sqrt(l2 / l1).
    const MatrixXd a = q * (l2.array() / l1.array()).sqrt().matrix().asDiagonal() * q.transpose();
    EXPECT_LT(RelativeError(out.map_matrix, a), 1e-12) << rotate;
  }
}

// T pushes N(m1, S1) to N(m2, S2): A m1 + b = m2 and A S1 A = S2, with A
// symmetric positive semidefinite. Measured residuals |A S1 A - S2| / |S2|
// (d = 6, printed): 5e-15 at cond(S1) = 10, 1.7e-12 at 1e6, 1.8e-10 at 1e8.
TEST(GaussianTest, MapPushesTheSourceOntoTheTarget) {
  for (double condition : {10.0, 1e3, 1e6, 1e8}) {
    const Gaussian g1 = RandomGaussian(6, condition, 10);
    const Gaussian g2 = RandomGaussian(6, 50.0, 20);
    const GaussianOtOutput out = Solve(g1, g2);
    const MatrixXd& a = out.map_matrix;
    const double residual = RelativeError(a * g1.cov * a, g2.cov);
    std::printf("cond(S1) = %g: |A S1 A - S2| / |S2| = %.3g\n", condition, residual);
    EXPECT_LT(residual, condition <= 1e3 ? 1e-13 : condition * 1e-16) << condition;
    EXPECT_EQ(a, a.transpose());
    EXPECT_GE(Eigen::SelfAdjointEigenSolver<MatrixXd>(a).eigenvalues().minCoeff(), 0.0);
    EXPECT_LT((a * g1.mean + out.map_offset - g2.mean).norm(), 1e-13 * g2.mean.norm());
  }
}

TEST(GaussianTest, DistanceToItselfIsZeroAndSymmetric) {
  for (double condition : {1.0, 1e4}) {
    const Gaussian g1 = RandomGaussian(8, condition, 30);
    const Gaussian g2 = RandomGaussian(8, 7.0, 40);
    EXPECT_NEAR(W2(g1, g1), 0.0, 1e-14 * g1.cov.trace());
    const GaussianOtOutput self = Solve(g1, g1);
    EXPECT_LT((self.map_matrix - MatrixXd::Identity(8, 8)).norm(), 1e-11 * condition);
    const double forward = W2(g1, g2);
    EXPECT_GT(forward, 1.0);
    EXPECT_NEAR(W2(g2, g1), forward, 1e-13 * forward);
  }
}

// McCann: the endpoints, then W_2(g_s, g_t) = |t - s| W_2(g1, g2) along the way.
TEST(GaussianTest, McCannInterpolantIsTheConstantSpeedGeodesic) {
  const Gaussian g1 = RandomGaussian(5, 100.0, 50);
  const Gaussian g2 = RandomGaussian(5, 10.0, 60);
  const GaussianOtOutput map = Solve(g1, g2);
  const Gaussian start = McCannInterpolate(g1, map, 0.0);
  EXPECT_EQ(start.mean, g1.mean);
  EXPECT_LT(RelativeError(start.cov, g1.cov), 1e-15);
  const Gaussian end = McCannInterpolate(g1, map, 1.0);
  EXPECT_LT((end.mean - g2.mean).norm(), 1e-13 * g2.mean.norm());
  EXPECT_LT(RelativeError(end.cov, g2.cov), 1e-12);
  const double total = map.transport_cost;
  for (double t : {0.25, 0.5, 0.9}) {
    const Gaussian mid = McCannInterpolate(g1, map, t);
    EXPECT_NEAR(W2(g1, mid), t * t * total, 1e-10 * total) << t;
    EXPECT_NEAR(W2(mid, g2), (1 - t) * (1 - t) * total, 1e-10 * total) << t;
  }
  EXPECT_EQ(McCannInterpolate(g1, GaussianOtOutput{}, 0.5).mean.size(), 0);
}

// Source covariance of rank 1 in R^2: the distance is defined, the map is not.
TEST(GaussianTest, SingularSourceGivesTheDistanceButNoMap) {
  const Gaussian g1{VectorXd::Zero(2), (MatrixXd(2, 2) << 1.0, 0.0, 0.0, 0.0).finished()};
  const Gaussian g2{VectorXd::Zero(2), (MatrixXd(2, 2) << 4.0, 0.0, 0.0, 9.0).finished()};
  absl::StatusOr<GaussianOtOutput> with_map = SolveGaussianOt(g1, g2);
  EXPECT_EQ(with_map.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(with_map.status().message().rfind("cov1: the Monge map needs", 0), 0u);
  const GaussianOtOutput distance = Solve(g1, g2, false);
  EXPECT_NEAR(distance.transport_cost, 1.0 + 9.0, 1e-14);  // (1-2)^2 + (0-3)^2
  EXPECT_EQ(distance.map_matrix.size(), 0);
  // A singular target is fine for the map too.
  EXPECT_NEAR(Solve(g2, g1).transport_cost, 10.0, 1e-14);
}

// POT 0.8.2's OT_mapping_linear on the clouds of reference.json "linmap"
// (n = 10^4, d = 50, reg 1e-6): regenerated, the empirical moments match POT's
// Cs/Ct/ms/mt to 1e-14, and the map and the distance match at the stated
// tolerances. cond(Ct) is 5.5e5; cond(Cs) is 1.3.
TEST(GaussianTest, MatchesPotLinearMap) {
  const Eigen::Index n = 10'000;
  const Eigen::Index d = 50;
  const MatrixXd xs = testing::UniformPoints(n, d, 12345);
  const MatrixXd r = testing::UniformPoints(d, d, 777).array() - 0.5;
  const MatrixXd xt =
      ((testing::UniformPoints(n, d, 67890).array() - 0.5).matrix() * r).array() + 1.0;
  absl::StatusOr<Gaussian> gs = EmpiricalGaussian(xs, VectorXd(), 1e-6, "x");
  absl::StatusOr<Gaussian> gt = EmpiricalGaussian(xt, VectorXd(), 1e-6, "y");
  ASSERT_TRUE(gs.ok() && gt.ok());
  auto load = [](const char* name) {
    absl::StatusOr<MatrixXd> m = testing::LoadPotArray(name);
    EXPECT_TRUE(m.ok()) << m.status();
    return m.ok() ? *m : MatrixXd();
  };
  const MatrixXd cs = load("linmap_Cs.npy"), ct = load("linmap_Ct.npy");
  const VectorXd ms = load("linmap_ms.npy"), mt = load("linmap_mt.npy");
  const MatrixXd pot_a = load("linmap_A.npy");
  const VectorXd pot_b = load("linmap_b.npy");
  EXPECT_LT((gs->mean - ms).cwiseAbs().maxCoeff(), 1e-14);
  EXPECT_LT((gt->mean - mt).cwiseAbs().maxCoeff(), 1e-14);
  EXPECT_LT((gs->cov - cs).cwiseAbs().maxCoeff(), 1e-14 * cs.cwiseAbs().maxCoeff());
  EXPECT_LT((gt->cov - ct).cwiseAbs().maxCoeff(), 1e-14 * ct.cwiseAbs().maxCoeff());

  const GaussianOtOutput out = Solve(*gs, *gt);
  const double a_error =
      (out.map_matrix - pot_a).cwiseAbs().maxCoeff() / pot_a.cwiseAbs().maxCoeff();
  const double b_error =
      (out.map_offset - pot_b).cwiseAbs().maxCoeff() / pot_b.cwiseAbs().maxCoeff();
  std::printf("linmap: max|A - A_pot| / max|A_pot| = %.3g, same for b: %.3g\n", a_error, b_error);
  EXPECT_LT(a_error, 1e-10);
  EXPECT_LT(b_error, 1e-10);
  // POT's own map reproduces Ct from Cs no better than ours does.
  EXPECT_LT(RelativeError(out.map_matrix * cs * out.map_matrix, ct),
            RelativeError(pot_a * cs * pot_a, ct) * 10 + 1e-14);
  constexpr double kBures = 19.478639143922724;  // reference.json linmap bures_w2sq_scipy
  EXPECT_NEAR(out.transport_cost, kBures, 1e-9 * kBures);
  // The same from POT's own moments.
  EXPECT_NEAR(W2({ms, cs}, {mt, ct}), kBures, 1e-9 * kBures);
}

// Two samples of 2 x 10^5 Gaussian points: the W_2^2 of their empirical
// Gaussians is within a few standard errors of the closed form.
TEST(GaussianTest, EmpiricalGaussiansOfLargeSamplesApproachTheClosedForm) {
  const Eigen::Index d = 3;
  const Eigen::Index n = 200'000;
  const Gaussian g1{(VectorXd(d) << 1.0, 0.0, -1.0).finished(), SpdMatrix(d, 20.0, 70, 2.0)};
  const Gaussian g2{(VectorXd(d) << 0.0, 2.0, 0.5).finished(), SpdMatrix(d, 5.0, 80)};
  auto sample = [&](const Gaussian& g, uint64_t seed) {
    NormalStream normal(seed);
    MatrixXd z(n, d);
    for (Eigen::Index i = 0; i < n; ++i) {
      for (Eigen::Index k = 0; k < d; ++k) z(i, k) = normal.Next();
    }
    const MatrixXd l = g.cov.llt().matrixL();
    return MatrixXd((z * l.transpose()).rowwise() + g.mean.transpose());
  };
  absl::StatusOr<Gaussian> e1 = EmpiricalGaussian(sample(g1, 1), VectorXd(), 0.0, "x");
  absl::StatusOr<Gaussian> e2 = EmpiricalGaussian(sample(g2, 2), VectorXd(), 0.0, "y");
  ASSERT_TRUE(e1.ok() && e2.ok());
  const double exact = W2(g1, g2);
  const double estimate = W2(*e1, *e2);
  std::printf("W2^2 closed form %.6f, from 2e5 samples %.6f\n", exact, estimate);
  EXPECT_NEAR(estimate, exact, 0.01 * exact);
}

TEST(GaussianTest, WeightedEmpiricalGaussianMatchesRepeatedPoints) {
  // Weights 1:3 on two points equal the uniform measure on {p0, p1, p1, p1}.
  const MatrixXd two = (MatrixXd(2, 2) << 0.0, 1.0, 2.0, -1.0).finished();
  const MatrixXd four = (MatrixXd(4, 2) << 0.0, 1.0, 2.0, -1.0, 2.0, -1.0, 2.0, -1.0).finished();
  absl::StatusOr<Gaussian> weighted =
      EmpiricalGaussian(two, (VectorXd(2) << 1.0, 3.0).finished(), 0.5, "x", "a");
  absl::StatusOr<Gaussian> repeated = EmpiricalGaussian(four, VectorXd(), 0.5, "x", "a");
  ASSERT_TRUE(weighted.ok() && repeated.ok());
  EXPECT_LT((weighted->mean - repeated->mean).norm(), 1e-15);
  EXPECT_LT((weighted->cov - repeated->cov).norm(), 1e-15);
  EXPECT_NEAR(weighted->cov(0, 0), 0.75 + 0.5, 1e-15);  // variance 4 * 1/4 * 3/4, plus reg
}

TEST(GaussianTest, BadInputNamesTheField) {
  const Gaussian good{VectorXd::Zero(2), MatrixXd::Identity(2, 2)};
  auto message = [&](const Gaussian& g1, const Gaussian& g2) {
    absl::StatusOr<GaussianOtOutput> out = SolveGaussianOt(g1, g2);
    EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(out.status().message());
  };
  auto starts = [](const std::string& text, const char* prefix) {
    return text.rfind(prefix, 0) == 0;
  };
  Gaussian bad = good;
  bad.cov(0, 1) = 0.1;  // not symmetric
  EXPECT_TRUE(starts(message(bad, good), "cov1: the covariance must be symmetric"));
  bad = good;
  bad.cov(1, 1) = -1e-3;
  EXPECT_TRUE(starts(message(good, bad), "cov2: the covariance must be positive semidefinite"));
  bad = good;
  bad.cov = MatrixXd::Identity(3, 3);
  EXPECT_TRUE(starts(message(bad, good), "cov1: expected a 2 x 2 matrix"));
  bad = good;
  bad.mean[1] = NAN;
  EXPECT_TRUE(starts(message(good, bad), "mean2: values must be finite"));
  bad = good;
  bad.cov(0, 0) = INFINITY;
  EXPECT_TRUE(starts(message(bad, good), "cov1: values must be finite"));
  EXPECT_TRUE(starts(message(good, {VectorXd::Zero(3), MatrixXd::Identity(3, 3)}),
                     "mean2: the target has dimension 3"));
  EXPECT_TRUE(starts(message({VectorXd(), MatrixXd()}, good), "mean1: the mean is empty"));
  // Round-off asymmetry and negative eigenvalues at 1e-13 of the scale pass.
  Gaussian nearly = good;
  nearly.cov(0, 1) = 1e-13;
  nearly.cov(1, 1) = -1e-13;
  nearly.cov(0, 0) = 1.0;
  nearly.cov(1, 0) = 0.0;
  EXPECT_TRUE(ValidateGaussian(nearly, "1").ok());

  const MatrixXd x = MatrixXd::Ones(3, 2);
  EXPECT_TRUE(starts(std::string(EmpiricalGaussian(x, VectorXd(), -1.0, "x").status().message()),
                     "regularization: must be finite and >= 0"));
  EXPECT_TRUE(
      starts(std::string(EmpiricalGaussian(x, VectorXd::Ones(2), 0.0, "x", "a").status().message()),
             "a: expected 3 weights"));
  EXPECT_TRUE(
      starts(std::string(EmpiricalGaussian(MatrixXd(), VectorXd(), 0.0, "y").status().message()),
             "y: the point cloud is empty"));
}

}  // namespace
}  // namespace advect
