// CostMatrix and ValidateGroundCost (core/geometry/cost.h).
#include "core/geometry/cost.h"

#include <cmath>
#include <iostream>
#include <limits>
#include <string>

#include <Eigen/Core>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace advect {
namespace {

using ::advect::testing::LoadPotArray;
using ::advect::testing::ReferenceNumber;
using ::advect::testing::UniformPoints;
using Eigen::MatrixXd;

// |x_i - y_j|^2 by the textbook loop.
double DirectSquaredDistance(const MatrixXd& x, const MatrixXd& y, Eigen::Index i,
                             Eigen::Index j) {
  double sum = 0.0;
  for (Eigen::Index k = 0; k < x.cols(); ++k) {
    const double diff = x(i, k) - y(j, k);
    sum += diff * diff;
  }
  return sum;
}

class CostTest : public ::testing::Test {
 protected:
  // Points in [-2, 3)^3, n != m to catch transposition mistakes.
  MatrixXd x_ = (UniformPoints(7, 3, 1) * 5.0).array() - 2.0;
  MatrixXd y_ = (UniformPoints(5, 3, 2) * 5.0).array() - 2.0;
};

TEST_F(CostTest, SquaredEuclideanMatchesDirectFormula) {
  absl::StatusOr<MatrixXd> c = CostMatrix(x_, y_, GroundCost{});
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->rows(), 7);
  ASSERT_EQ(c->cols(), 5);
  for (Eigen::Index i = 0; i < 7; ++i) {
    for (Eigen::Index j = 0; j < 5; ++j) {
      // Three products and two sums: a few ulps at most.
      const double expected = DirectSquaredDistance(x_, y_, i, j);
      EXPECT_NEAR((*c)(i, j), expected, 4e-16 * expected) << i << ", " << j;
    }
  }
}

TEST_F(CostTest, EuclideanMatchesDirectFormula) {
  absl::StatusOr<MatrixXd> c = CostMatrix(x_, y_, GroundCost{CostKind::kEuclidean});
  ASSERT_TRUE(c.ok()) << c.status();
  for (Eigen::Index i = 0; i < 7; ++i) {
    for (Eigen::Index j = 0; j < 5; ++j) {
      const double expected = std::sqrt(DirectSquaredDistance(x_, y_, i, j));
      EXPECT_NEAR((*c)(i, j), expected, 4e-16 * expected) << i << ", " << j;
    }
  }
}

TEST_F(CostTest, PowerMatchesDirectFormula) {
  for (double p : {0.5, 1.0, 1.5, 2.0, 3.0}) {
    absl::StatusOr<MatrixXd> c = CostMatrix(x_, y_, GroundCost{CostKind::kPower, p});
    ASSERT_TRUE(c.ok()) << c.status();
    for (Eigen::Index i = 0; i < 7; ++i) {
      for (Eigen::Index j = 0; j < 5; ++j) {
        const double expected = std::pow(std::sqrt(DirectSquaredDistance(x_, y_, i, j)), p);
        EXPECT_NEAR((*c)(i, j), expected, 1e-14 * expected) << "p=" << p << " " << i << ", " << j;
      }
    }
  }
}

TEST_F(CostTest, PowerOneAndTwoAgreeWithTheNamedCosts) {
  absl::StatusOr<MatrixXd> sq = CostMatrix(x_, y_, GroundCost{});
  absl::StatusOr<MatrixXd> eu = CostMatrix(x_, y_, GroundCost{CostKind::kEuclidean});
  absl::StatusOr<MatrixXd> p1 = CostMatrix(x_, y_, GroundCost{CostKind::kPower, 1.0});
  absl::StatusOr<MatrixXd> p2 = CostMatrix(x_, y_, GroundCost{CostKind::kPower, 2.0});
  ASSERT_TRUE(sq.ok() && eu.ok() && p1.ok() && p2.ok());
  EXPECT_LE((*p1 - *eu).cwiseAbs().maxCoeff(), 1e-15);
  EXPECT_LE((*p2 - *sq).cwiseAbs().maxCoeff(), 1e-14);
}

TEST_F(CostTest, SelfCostIsSymmetricWithZeroDiagonal) {
  for (GroundCost cost : {GroundCost{}, GroundCost{CostKind::kEuclidean},
                          GroundCost{CostKind::kPower, 1.5}}) {
    absl::StatusOr<MatrixXd> c = CostMatrix(x_, x_, cost);
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(c->diagonal().cwiseAbs().maxCoeff(), 0.0);
    EXPECT_EQ((*c - c->transpose()).cwiseAbs().maxCoeff(), 0.0);
    EXPECT_GE(c->minCoeff(), 0.0);
  }
}

TEST_F(CostTest, OnePointAndOneDimension) {
  MatrixXd x(1, 1), y(3, 1);
  x << 0.5;
  y << -1.0, 0.5, 2.5;
  absl::StatusOr<MatrixXd> c = CostMatrix(x, y, GroundCost{});
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->rows(), 1);
  ASSERT_EQ(c->cols(), 3);
  EXPECT_EQ((*c)(0, 0), 2.25);
  EXPECT_EQ((*c)(0, 1), 0.0);
  EXPECT_EQ((*c)(0, 2), 4.0);
}

TEST_F(CostTest, DimensionMismatchNamesY) {
  absl::StatusOr<MatrixXd> c = CostMatrix(x_, MatrixXd::Zero(4, 2), GroundCost{});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(c.status().message(), "y:")) << c.status();
  EXPECT_TRUE(absl::StrContains(c.status().message(), "dimension")) << c.status();
}

TEST_F(CostTest, NonPositiveOrNonFiniteExponentNamesCostP) {
  for (double p : {0.0, -1.0, std::numeric_limits<double>::quiet_NaN(),
                   std::numeric_limits<double>::infinity()}) {
    const GroundCost cost{CostKind::kPower, p};
    const absl::Status valid = ValidateGroundCost(cost);
    EXPECT_EQ(valid.code(), absl::StatusCode::kInvalidArgument) << "p=" << p;
    EXPECT_TRUE(absl::StartsWith(valid.message(), "cost.p:")) << valid;
    absl::StatusOr<MatrixXd> c = CostMatrix(x_, y_, cost);
    ASSERT_FALSE(c.ok()) << "p=" << p;
    EXPECT_TRUE(absl::StartsWith(c.status().message(), "cost.p:")) << c.status();
  }
  // p is ignored by the named costs.
  EXPECT_TRUE(ValidateGroundCost(GroundCost{CostKind::kEuclidean, -1.0}).ok());
  EXPECT_TRUE(ValidateGroundCost(GroundCost{CostKind::kSquaredEuclidean, 0.0}).ok());
}

// POT's ot.dist computes |x|^2 + |y|^2 - 2 <x, y> (clipped at 0); we compute
// sum_k (x_k - y_k)^2. reference.json records how far POT's M is from the
// direct formula (M_max_abs_diff_potdist_vs_direct: 7.4e-16 for n1000_d2,
// 4.4e-15 for n2000_d10), and the maximum and sum of POT's M.
class PotCostTest : public ::testing::TestWithParam<const char*> {};

TEST_P(PotCostTest, MatchesPotDist) {
  const char* name = GetParam();
  absl::StatusOr<MatrixXd> xs = LoadPotArray(std::string(name) + "/xs.npy");
  absl::StatusOr<MatrixXd> xt = LoadPotArray(std::string(name) + "/xt.npy");
  ASSERT_TRUE(xs.ok()) << xs.status();
  ASSERT_TRUE(xt.ok()) << xt.status();
  absl::StatusOr<MatrixXd> c = CostMatrix(*xs, *xt, GroundCost{});
  ASSERT_TRUE(c.ok()) << c.status();

  // POT's expansion formula, recomputed here.
  const Eigen::VectorXd sx = xs->rowwise().squaredNorm();
  const Eigen::VectorXd sy = xt->rowwise().squaredNorm();
  MatrixXd expansion = -2.0 * (*xs) * xt->transpose();
  expansion.colwise() += sx;
  expansion.rowwise() += sy.transpose();
  expansion = expansion.cwiseMax(0.0);
  const double recorded_diff =
      *ReferenceNumber({"cases", name, "M_max_abs_diff_potdist_vs_direct"});
  const double diff = (*c - expansion).cwiseAbs().maxCoeff();
  std::cout << name << ": max |M - expansion| = " << diff << " (POT recorded " << recorded_diff
            << ")\n";
  // Cancellation in the expansion costs a few ulps of |x|^2 + |y|^2 <= 2 d.
  const double tol = std::string(name) == "n1000_d2" ? 1e-14 : 2e-14;
  EXPECT_LE(diff, tol);

  // The maximum and the sum of POT's M.
  const double m_max = *ReferenceNumber({"cases", name, "M_max"});
  const double m_sum = *ReferenceNumber({"cases", name, "M_sum"});
  EXPECT_NEAR(c->maxCoeff(), m_max, tol);
  // n*m entries, each within recorded_diff of POT's, plus summation rounding.
  EXPECT_NEAR(c->sum(), m_sum, static_cast<double>(c->size()) * recorded_diff + 1e-12 * m_sum);
}

INSTANTIATE_TEST_SUITE_P(PotCases, PotCostTest, ::testing::Values("n1000_d2", "n2000_d10"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           return std::string(info.param);
                         });

}  // namespace
}  // namespace advect
