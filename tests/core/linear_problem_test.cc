// LinearProblem (core/problems/linear_problem.h): construction, validation
// messages (each names the offending field) and cost normalisation.
#include "core/problems/linear_problem.h"

#include <cmath>
#include <limits>

#include <Eigen/Core>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace advect {
namespace {

using ::advect::testing::UniformPoints;
using Eigen::MatrixXd;
using Eigen::VectorXd;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The status must be InvalidArgument and its message must start with "field:".
void ExpectFieldError(const absl::Status& status, absl::string_view field) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_TRUE(absl::StartsWith(status.message(), absl::StrCat(field, ":"))) << status;
}

class LinearProblemTest : public ::testing::Test {
 protected:
  absl::Status FromPoints(const MatrixXd& x, const MatrixXd& y, const VectorXd& a = VectorXd(),
                          const VectorXd& b = VectorXd(), GroundCost cost = GroundCost{}) {
    return LinearProblem::FromPoints(x, y, a, b, cost).status();
  }

  MatrixXd x_ = UniformPoints(6, 2, 1);
  MatrixXd y_ = UniformPoints(4, 2, 2);
};

TEST_F(LinearProblemTest, FromPointsBuildsCostAndUniformWeights) {
  absl::StatusOr<LinearProblem> p = LinearProblem::FromPoints(x_, y_, VectorXd(), VectorXd(),
                                                              GroundCost{});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->n(), 6);
  EXPECT_EQ(p->m(), 4);
  ASSERT_TRUE(p->has_points());
  EXPECT_EQ(p->x(), x_);
  EXPECT_EQ(p->y(), y_);
  EXPECT_EQ(p->a(), VectorXd::Constant(6, 1.0 / 6.0));
  EXPECT_EQ(p->b(), VectorXd::Constant(4, 0.25));
  EXPECT_EQ(p->cost_scale(), 1.0);
  EXPECT_NEAR(p->cost()(5, 3), (x_.row(5) - y_.row(3)).squaredNorm(), 1e-15);
}

TEST_F(LinearProblemTest, FromPointsNormalisesWeights) {
  VectorXd a(6);
  a << 1, 2, 3, 4, 5, 0;
  absl::StatusOr<LinearProblem> p =
      LinearProblem::FromPoints(x_, y_, a, VectorXd::Constant(4, 7.0), GroundCost{});
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_NEAR(p->a().sum(), 1.0, 1e-15);
  EXPECT_NEAR(p->a()[4], 5.0 / 15.0, 1e-16);
  EXPECT_EQ(p->a()[5], 0.0);
  EXPECT_EQ(p->b(), VectorXd::Constant(4, 0.25));
}

TEST_F(LinearProblemTest, NanInPointsNamesTheCloud) {
  MatrixXd x = x_;
  x(3, 1) = kNaN;
  ExpectFieldError(FromPoints(x, y_), "x");
  MatrixXd y = y_;
  y(0, 0) = -std::numeric_limits<double>::infinity();
  ExpectFieldError(FromPoints(x_, y), "y");
}

TEST_F(LinearProblemTest, DimensionMismatchNamesY) {
  const absl::Status s = FromPoints(x_, UniformPoints(4, 3, 2));
  ExpectFieldError(s, "y");
  EXPECT_TRUE(absl::StrContains(s.message(), "dimension 3 but x has dimension 2")) << s;
}

TEST_F(LinearProblemTest, EmptyCloudNamesTheCloud) {
  ExpectFieldError(FromPoints(MatrixXd(0, 2), y_), "x");
  ExpectFieldError(FromPoints(MatrixXd(6, 0), y_), "x");
  ExpectFieldError(FromPoints(x_, MatrixXd(0, 2)), "y");
}

TEST_F(LinearProblemTest, BadWeightsNameTheirSide) {
  VectorXd negative = VectorXd::Ones(6);
  negative[2] = -1.0;
  ExpectFieldError(FromPoints(x_, y_, negative), "a");
  ExpectFieldError(FromPoints(x_, y_, VectorXd::Zero(6)), "a");  // zero mass
  ExpectFieldError(FromPoints(x_, y_, VectorXd::Ones(5)), "a");  // wrong count
  ExpectFieldError(FromPoints(x_, y_, VectorXd(), VectorXd::Zero(4)), "b");
  ExpectFieldError(FromPoints(x_, y_, VectorXd(), VectorXd::Ones(6)), "b");
  VectorXd nan_b = VectorXd::Ones(4);
  nan_b[1] = kNaN;
  ExpectFieldError(FromPoints(x_, y_, VectorXd(), nan_b), "b");
}

TEST_F(LinearProblemTest, BadExponentNamesCostP) {
  ExpectFieldError(FromPoints(x_, y_, VectorXd(), VectorXd(), GroundCost{CostKind::kPower, 0.0}),
                   "cost.p");
  ExpectFieldError(FromPoints(x_, y_, VectorXd(), VectorXd(), GroundCost{CostKind::kPower, -2.0}),
                   "cost.p");
}

TEST_F(LinearProblemTest, FromCostMatrix) {
  MatrixXd c(2, 3);
  c << 0, 1, 2, 3, 4, 5;
  absl::StatusOr<LinearProblem> p = LinearProblem::FromCostMatrix(c, VectorXd(), VectorXd());
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_FALSE(p->has_points());
  EXPECT_EQ(p->cost(), c);
  EXPECT_EQ(p->a(), VectorXd::Constant(2, 0.5));
  EXPECT_EQ(p->b(), VectorXd::Constant(3, 1.0 / 3.0));
}

TEST_F(LinearProblemTest, FromCostMatrixErrors) {
  ExpectFieldError(LinearProblem::FromCostMatrix(MatrixXd(0, 3), VectorXd(), VectorXd()).status(),
                   "cost_matrix");
  MatrixXd c = MatrixXd::Ones(2, 3);
  c(1, 2) = kNaN;
  const absl::Status nan = LinearProblem::FromCostMatrix(c, VectorXd(), VectorXd()).status();
  ExpectFieldError(nan, "cost_matrix");
  EXPECT_TRUE(absl::StrContains(nan.message(), "[1, 2]")) << nan;
  ExpectFieldError(
      LinearProblem::FromCostMatrix(MatrixXd::Ones(2, 3), VectorXd::Ones(3), VectorXd()).status(),
      "a");
  ExpectFieldError(
      LinearProblem::FromCostMatrix(MatrixXd::Ones(2, 3), VectorXd(), -VectorXd::Ones(3)).status(),
      "b");
}

TEST_F(LinearProblemTest, NormalizeCostDividesByTheMaximum) {
  absl::StatusOr<LinearProblem> p = LinearProblem::FromPoints(x_, y_, VectorXd(), VectorXd(),
                                                              GroundCost{});
  ASSERT_TRUE(p.ok()) << p.status();
  const MatrixXd original = p->cost();
  const double max_cost = original.maxCoeff();
  ASSERT_TRUE(p->NormalizeCost().ok());
  EXPECT_EQ(p->cost().maxCoeff(), 1.0);
  EXPECT_EQ(p->cost_scale(), max_cost);
  EXPECT_LE((p->cost() * p->cost_scale() - original).cwiseAbs().maxCoeff(), 1e-15 * max_cost);
  // A second normalisation is a no-op on the cost and keeps the scale.
  ASSERT_TRUE(p->NormalizeCost().ok());
  EXPECT_EQ(p->cost_scale(), max_cost);
}

TEST_F(LinearProblemTest, NormalizeCostNeedsAPositiveMaximum) {
  for (double value : {0.0, -1.0}) {
    absl::StatusOr<LinearProblem> p =
        LinearProblem::FromCostMatrix(MatrixXd::Constant(2, 2, value), VectorXd(), VectorXd());
    ASSERT_TRUE(p.ok()) << p.status();
    ExpectFieldError(p->NormalizeCost(), "normalize_cost");
    EXPECT_EQ(p->cost_scale(), 1.0);  // unchanged on failure
  }
  // Identical clouds under a point-cloud cost: all zeros.
  absl::StatusOr<LinearProblem> same = LinearProblem::FromPoints(
      MatrixXd::Ones(3, 2), MatrixXd::Ones(2, 2), VectorXd(), VectorXd(), GroundCost{});
  ASSERT_TRUE(same.ok()) << same.status();
  ExpectFieldError(same->NormalizeCost(), "normalize_cost");
}

}  // namespace
}  // namespace advect
