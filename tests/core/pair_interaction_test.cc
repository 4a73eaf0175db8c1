// The all-pairs interaction sums (core/particles/interaction.h) on each of
// their routes, the pair kernel in each instruction-set build
// (core/particles/pair_kernel.h) and the Gram-matrix tiles, against the
// double sum written out here from SCIENCE.md c1.
#include <cmath>
#include <vector>

#include <Eigen/Core>
#include <gtest/gtest.h>

#include "core/observer.h"
#include "core/particles/interaction.h"
#include "core/particles/pair_kernel.h"
#include "tests/core/test_util.h"

namespace advect {
namespace {

using Eigen::MatrixXd;

// w(r) and w'(r) / r of the two profiles.
struct Profile {
  bool gaussian;
  double a, b;  // (strength, width) or (p, q)
};

double W(const Profile& f, double r) {
  if (f.gaussian) return f.a * std::exp(-r * r / (2.0 * f.b * f.b));
  return r == 0.0 ? 0.0 : std::pow(r, f.a) / f.a - std::pow(r, f.b) / f.b;
}

double G(const Profile& f, double r) {
  if (f.gaussian) return -f.a / (f.b * f.b) * std::exp(-r * r / (2.0 * f.b * f.b));
  return r == 0.0 ? 0.0 : std::pow(r, f.a - 2.0) - std::pow(r, f.b - 2.0);
}

Interaction Make(const Profile& f) {
  return f.gaussian ? *Interaction::Gaussian(f.a, f.b)
                    : *Interaction::AttractionRepulsion(f.a, f.b);
}

// grad_i = (1/n) sum_j g(r_ij) (x_i - x_j); energy = (1 / 2n^2) sum_ij w(r_ij).
void DoubleSum(const Profile& f, const MatrixXd& x, MatrixXd* grad, double* energy) {
  const Eigen::Index n = x.rows();
  *grad = MatrixXd::Zero(n, x.cols());
  long double e = 0.0;
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < n; ++j) {
      const Eigen::RowVectorXd diff = x.row(i) - x.row(j);
      const double r = diff.norm();
      grad->row(i) += G(f, r) * diff / static_cast<double>(n);
      e += W(f, r);
    }
  }
  *energy = static_cast<double>(e / (2.0L * n * n));
}

struct Case {
  Profile profile;
  Eigen::Index n, d;
};

class InteractionRoutesTest : public ::testing::TestWithParam<Case> {};

// Every route and both thread counts agree with the double sum; one and two
// threads give the same bits (they poll different observers: see PollStop in
// core/observer.h).
TEST_P(InteractionRoutesTest, MatchesTheDoubleSum) {
  const Case c = GetParam();
  MatrixXd x = 1.3 * testing::NormalPoints(c.n, c.d, 17 + c.d);
  x.row(3) = x.row(5);  // a coincident pair: g(0) diff = 0 must not turn into NaN
  x.array() += 4.0;     // away from the origin (the Gram route centres)
  MatrixXd want;
  double want_energy = 0.0;
  DoubleSum(c.profile, x, &want, &want_energy);
  const Interaction w = Make(c.profile);
  MatrixXd got[2];
  double energy[2] = {0.0, 0.0};
  Observer never;
  for (int threads : {1, 2}) {
    got[threads - 1] = MatrixXd::Constant(c.n, c.d, 0.25);
    energy[threads - 1] = 0.5;
    ASSERT_TRUE(w.Accumulate(x, never, threads, got[threads - 1], &energy[threads - 1]));
    got[threads - 1].array() -= 0.25;  // accumulated onto what was there
    energy[threads - 1] -= 0.5;
  }
  const double scale = want.cwiseAbs().maxCoeff();
  EXPECT_LT((got[0] - want).cwiseAbs().maxCoeff(), 1e-12 * scale);
  EXPECT_NEAR(energy[0], want_energy, 1e-12 * std::abs(want_energy) + 1e-15);
  EXPECT_EQ(got[0], got[1]);
  EXPECT_EQ(energy[0], energy[1]);
}

INSTANTIATE_TEST_SUITE_P(
    Routes, InteractionRoutesTest,
    ::testing::Values(
        // The pair kernel, d fixed at compile time (1..3) and read at run time.
        Case{{true, 1.5, 0.7}, 301, 1}, Case{{true, -0.5, 2.0}, 300, 2},
        Case{{true, 2.0, 1.1}, 130, 3}, Case{{true, 1.0, 3.0}, 257, kMaxPairKernelDimension},
        // Powers: whole, half-integer (p - 2 = -0.5) and singular repulsion.
        Case{{false, 2.0, 1.0}, 301, 2}, Case{{false, 4.0, 1.5}, 200, 3},
        Case{{false, 3.0, 0.5}, 150, 5}, Case{{false, 2.0, 1.0}, 90, 40},
        // The plain loop: exponents that are not half-integers.
        Case{{false, 4.0, 1.7}, 120, 2},
        // The Gram-matrix tiles: Gaussian above kMaxPairKernelDimension, over
        // several tiles and a partial one.
        Case{{true, 0.8, 4.0}, 600, kMaxPairKernelDimension + 1},
        Case{{true, -1.0, 6.0}, 530, 64}));

// The AVX2 and AVX-512 builds of the pair kernel give the baseline's sums to
// rounding, where this processor has them.
TEST(PairKernelTest, InstructionSetBuildsAgree) {
  const Eigen::Index n = 333;
  for (Eigen::Index d : {1, 2, 3, 7}) {
    const MatrixXd x = testing::NormalPoints(n, d, 40 + d);
    for (bool gaussian : {true, false}) {
      pair_kernel::Radial radial;
      radial.gaussian = gaussian;
      radial.strength = 1.2;
      radial.width = 0.9;
      radial.p = 3.0;
      radial.q = 1.5;
      radial.p_halves = 2;
      radial.q_halves = -1;
      std::vector<double> scratch(pair_kernel::kChunk);
      MatrixXd base = MatrixXd::Zero(n, d);
      double base_energy = 0.0;
      ASSERT_TRUE(pair_kernel::AccumulateRowsWithIsa("baseline", radial, x.data(), n, d, 0, n,
                                                     base.data(), &base_energy, scratch.data()));
      for (const char* isa : {"avx2", "avx512"}) {
        MatrixXd other = MatrixXd::Zero(n, d);
        double other_energy = 0.0;
        if (!pair_kernel::AccumulateRowsWithIsa(isa, radial, x.data(), n, d, 0, n, other.data(),
                                                &other_energy, scratch.data())) {
          continue;  // not on this processor
        }
        SCOPED_TRACE(::testing::Message() << isa << " d=" << d << " gaussian=" << gaussian);
        EXPECT_LT((other - base).cwiseAbs().maxCoeff(), 1e-13 * base.cwiseAbs().maxCoeff());
        EXPECT_NEAR(other_energy, base_energy, 1e-13 * std::abs(base_energy));
      }
    }
  }
  EXPECT_FALSE(pair_kernel::AccumulateRowsWithIsa("sse9", pair_kernel::Radial(), nullptr, 0, 1, 0,
                                                  0, nullptr, nullptr, nullptr));
}

// A stop request ends the sum on every route.
TEST(PairKernelTest, StopsWhenAsked) {
  class StopNow : public Observer {
   public:
    bool StopRequested() const override { return true; }
  };
  const MatrixXd x = testing::NormalPoints(400, 20, 3);
  MatrixXd grad = MatrixXd::Zero(400, 20);
  MatrixXd grad2 = MatrixXd::Zero(400, 2);
  StopNow stop;
  for (const Interaction& w :
       {*Interaction::Gaussian(1.0, 1.0), *Interaction::AttractionRepulsion(2.0, 1.0),
        *Interaction::AttractionRepulsion(2.2, 1.0)}) {
    EXPECT_FALSE(w.Accumulate(x, stop, 2, grad, nullptr));
    EXPECT_FALSE(w.Accumulate(x.leftCols(2), stop, 1, grad2, nullptr));
  }
}

}  // namespace
}  // namespace advect
