// The portable random streams: fixed bits (golden values), the log they rely
// on, and the distribution of the directions.
#include <cmath>

#include "core/random/normal.h"
#include "core/random/splitmix64.h"
#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace advect {
namespace {

TEST(SplitMix64Test, MatchesTheReferenceCloudGenerator) {
  SplitMix64 core(12345);
  testing::SplitMix64 reference(12345);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(core.NextUniform(), reference.NextUniform());
}

// These bits are the contract of core/random/normal.h: any platform, compiler
// or flag change that alters them breaks "same seed, same bits".
TEST(NormalStreamTest, GivesTheDocumentedBits) {
  NormalStream normal(42);
  EXPECT_EQ(normal.Next(), 0x1.f8c80e851c08cp-2);
  EXPECT_EQ(normal.Next(), -0x1.6354b5f7dce79p-1);
  EXPECT_EQ(normal.Next(), -0x1.47f4af60c7f94p+0);
  EXPECT_EQ(normal.Next(), -0x1.cd98e78b167aep-1);
  const Eigen::MatrixXd d = RandomUnitDirections(3, 2, 0);
  const double expected[6] = {0x1.9a95d748dff9p-1,   -0x1.25606475ed93ap-3, -0x1.28f55ea7b8e5cp-1,
                              -0x1.7078b3fa7aa63p-2, -0x1.6f1c1fb5e4302p-1, 0x1.31aa6d82c17aep-1};
  for (int k = 0; k < 6; ++k) EXPECT_EQ(d(k % 3, k / 3), expected[k]) << k;
}

TEST(PortableLogTest, IsWithinAFewUlpOfTheLibraryLog) {
  for (double x = 1e-310; x < 1e300; x *= 1.37) {
    const double exact = std::log(x);
    const double ulp = std::abs(std::nextafter(exact, INFINITY) - exact);
    EXPECT_LE(std::abs(PortableLog(x) - exact), 3 * ulp) << x;
  }
  for (double x = 0.5; x < 2.0; x += 1e-4) {
    const double exact = std::log(x);
    const double ulp = std::abs(std::nextafter(exact, INFINITY) - exact);
    EXPECT_LE(std::abs(PortableLog(x) - exact), 3 * ulp) << x;
  }
  EXPECT_EQ(PortableLog(1.0), 0.0);
}

// Moments of N(0, 1) from 10^6 draws, each checked at 5 standard errors: the
// mean (sd 1e-3), the second moment (sd 1.4e-3) and the fourth (sd 1e-2).
TEST(NormalStreamTest, HasStandardNormalMoments) {
  NormalStream normal(7);
  const int n = 1'000'000;
  double m1 = 0.0, m2 = 0.0, m4 = 0.0;
  for (int i = 0; i < n; ++i) {
    const double z = normal.Next();
    m1 += z;
    m2 += z * z;
    m4 += z * z * z * z;
  }
  EXPECT_NEAR(m1 / n, 0.0, 5e-3);
  EXPECT_NEAR(m2 / n, 1.0, 7e-3);
  EXPECT_NEAR(m4 / n, 3.0, 5e-2);
}

// Unit columns, and uniform on the sphere: E[theta theta^T] = I / d.
TEST(RandomUnitDirectionsTest, AreUnitAndIsotropic) {
  const int d = 4;
  const int k = 200'000;
  const Eigen::MatrixXd dirs = RandomUnitDirections(d, k, 3);
  EXPECT_LT((dirs.colwise().norm().array() - 1.0).abs().maxCoeff(), 1e-15);
  const Eigen::MatrixXd second = dirs * dirs.transpose() / k;
  // Each entry has a standard error below 1/(d sqrt(k)) ~ 6e-4.
  EXPECT_LT((second - Eigen::MatrixXd::Identity(d, d) / d).cwiseAbs().maxCoeff(), 3e-3);
  EXPECT_LT(dirs.rowwise().mean().cwiseAbs().maxCoeff(), 6e-3);
}

}  // namespace
}  // namespace advect
