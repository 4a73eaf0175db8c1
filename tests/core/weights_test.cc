// NormalizedWeights and CheckFinite (core/geometry/weights.h).
#include "core/geometry/weights.h"

#include <cmath>
#include <limits>

#include <Eigen/Core>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace advect {
namespace {

using Eigen::VectorXd;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

void ExpectInvalid(const absl::Status& status, absl::string_view field, absl::string_view detail) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_TRUE(absl::StartsWith(status.message(), absl::StrCat(field, ":"))) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), detail)) << status;
}

TEST(NormalizedWeightsTest, EmptyMeansUniform) {
  absl::StatusOr<VectorXd> w = NormalizedWeights(VectorXd(), 4, "a");
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ(*w, VectorXd::Constant(4, 0.25));
}

TEST(NormalizedWeightsTest, NormalisesToSumOne) {
  VectorXd raw(4);
  raw << 1.0, 0.0, 3.0, 4.0;
  absl::StatusOr<VectorXd> w = NormalizedWeights(raw, 4, "b");
  ASSERT_TRUE(w.ok()) << w.status();
  VectorXd expected(4);
  expected << 0.125, 0.0, 0.375, 0.5;
  EXPECT_EQ(*w, expected);
  EXPECT_NEAR(w->sum(), 1.0, 1e-15);
}

TEST(NormalizedWeightsTest, TinyAndHugeTotalsStillNormalise) {
  for (double scale : {1e-300, 1e300}) {
    VectorXd raw = VectorXd::Constant(3, scale);
    absl::StatusOr<VectorXd> w = NormalizedWeights(raw, 3, "a");
    ASSERT_TRUE(w.ok()) << w.status();
    EXPECT_NEAR(w->sum(), 1.0, 1e-15) << scale;
  }
}

TEST(NormalizedWeightsTest, NoPointsIsAnError) {
  ExpectInvalid(NormalizedWeights(VectorXd(), 0, "a").status(), "a", "no points");
}

TEST(NormalizedWeightsTest, WrongCountIsAnError) {
  ExpectInvalid(NormalizedWeights(VectorXd::Ones(3), 4, "b").status(), "b",
                "expected 4 weights (one per point), got 3");
}

TEST(NormalizedWeightsTest, NegativeWeightIsAnError) {
  VectorXd raw(3);
  raw << 0.5, -0.1, 0.6;
  ExpectInvalid(NormalizedWeights(raw, 3, "a").status(), "a", "entry [1] is -0.1");
}

TEST(NormalizedWeightsTest, NegativeZeroIsAllowed) {
  VectorXd raw(2);
  raw << -0.0, 2.0;
  absl::StatusOr<VectorXd> w = NormalizedWeights(raw, 2, "a");
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ((*w)[1], 1.0);
}

TEST(NormalizedWeightsTest, ZeroMassIsAnError) {
  ExpectInvalid(NormalizedWeights(VectorXd::Zero(3), 3, "b").status(), "b",
                "positive, finite total mass");
}

TEST(NormalizedWeightsTest, NonFiniteWeightIsAnError) {
  for (double bad : {kNaN, kInf, -kInf}) {
    VectorXd raw = VectorXd::Ones(3);
    raw[2] = bad;
    ExpectInvalid(NormalizedWeights(raw, 3, "a").status(), "a", "entry [2]");
  }
}

TEST(NormalizedWeightsTest, OverflowingTotalIsAnError) {
  VectorXd raw = VectorXd::Constant(2, 1e308);
  ExpectInvalid(NormalizedWeights(raw, 2, "a").status(), "a", "finite total mass");
}

TEST(CheckFiniteTest, AcceptsFiniteValues) {
  EXPECT_TRUE(CheckFinite(Eigen::MatrixXd::Random(3, 4), "x").ok());
  EXPECT_TRUE(CheckFinite(Eigen::MatrixXd(0, 0), "x").ok());
}

TEST(CheckFiniteTest, NamesTheFieldAndTheEntry) {
  Eigen::MatrixXd m = Eigen::MatrixXd::Zero(3, 4);
  m(2, 1) = kNaN;
  ExpectInvalid(CheckFinite(m, "x"), "x", "entry [2, 1] is nan");
  VectorXd v = VectorXd::Zero(5);
  v[3] = -kInf;
  ExpectInvalid(CheckFinite(v, "cost_matrix"), "cost_matrix", "entry [3] is -inf");
}

}  // namespace
}  // namespace advect

namespace advect {
namespace {

TEST(ValidatedWeightTotalTest, ReturnsTheTotalOrTheCount) {
  const Eigen::VectorXd w = (Eigen::VectorXd(3) << 1.0, 2.0, 0.5).finished();
  absl::StatusOr<double> total = ValidatedWeightTotal(w, 3, "a");
  ASSERT_TRUE(total.ok());
  EXPECT_EQ(*total, 3.5);
  absl::StatusOr<double> uniform = ValidatedWeightTotal(Eigen::VectorXd(), 4, "b");
  ASSERT_TRUE(uniform.ok());
  EXPECT_EQ(*uniform, 4.0);
  EXPECT_EQ(ValidatedWeightTotal(-w, 3, "a").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace advect
