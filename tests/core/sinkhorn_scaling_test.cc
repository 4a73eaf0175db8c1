// The scaling form of SolveSinkhorn (sinkhorn_scaling.h) against the log
// domain: the same answers, the fall-back where the kernel underflows,
// absorption, the float32 kernel, and results that do not depend on threads.
#include <cmath>

#include <Eigen/Core>

#include "core/problems/linear_problem.h"
#include "core/solvers/sinkhorn.h"
#include "core/solvers/sinkhorn_row_pass.h"
#include "core/solvers/vector_exp.h"
#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace advect {
namespace {

using ::advect::testing::UniformPoints;
using Eigen::MatrixXd;
using Eigen::VectorXd;

LinearProblem Problem(const MatrixXd& x, const MatrixXd& y, bool normalize = true) {
  absl::StatusOr<LinearProblem> p =
      LinearProblem::FromPoints(x, y, VectorXd(), VectorXd(), GroundCost{});
  EXPECT_TRUE(p.ok()) << p.status();
  if (normalize) {
    EXPECT_TRUE(p->NormalizeCost().ok());
  }
  return *std::move(p);
}

SinkhornOptions Options(double epsilon, SinkhornMethod method, double tolerance = 1e-9) {
  SinkhornOptions o;
  o.epsilon = epsilon;
  o.tolerance = tolerance;
  o.max_iterations = 100000;
  o.method = method;
  return o;
}

SinkhornOutput Solve(const LinearProblem& problem, const SinkhornOptions& options) {
  absl::StatusOr<SinkhornOutput> out = SolveSinkhorn(problem, options);
  EXPECT_TRUE(out.ok()) << out.status();
  return *std::move(out);
}

TEST(SinkhornScalingTest, MatchesTheLogDomain) {
  const LinearProblem problem = Problem(UniformPoints(400, 3, 1), UniformPoints(350, 3, 2));
  for (double eps : {0.1, 0.01}) {
    const SinkhornOutput scaled = Solve(problem, Options(eps, SinkhornMethod::kAuto));
    const SinkhornOutput logd = Solve(problem, Options(eps, SinkhornMethod::kLogDomain));
    ASSERT_TRUE(scaled.converged && logd.converged) << eps;
    EXPECT_EQ(scaled.log_domain_iterations, 0) << eps;
    EXPECT_GE(scaled.kernel_builds, 1) << eps;
    EXPECT_EQ(logd.kernel_builds, 0) << eps;
    EXPECT_EQ(logd.log_domain_iterations, logd.iterations) << eps;
    EXPECT_LE(scaled.marginal_error, 1e-9) << eps;
    // Both are within 1e-9 of the same fixed point.
    EXPECT_NEAR(scaled.transport_cost, logd.transport_cost, 1e-8 * logd.transport_cost) << eps;
    EXPECT_NEAR(scaled.dual_objective, logd.dual_objective, 1e-8 * logd.transport_cost) << eps;
    // Potentials are defined up to f + c, g - c.
    const double shift = scaled.f[0] - logd.f[0];
    EXPECT_LE((scaled.f.array() - shift - logd.f.array()).abs().maxCoeff(), 1e-6 * eps) << eps;
    EXPECT_LE((scaled.g.array() + shift - logd.g.array()).abs().maxCoeff(), 1e-6 * eps) << eps;
  }
}

TEST(SinkhornScalingTest, AbsorbsLargeScalingsAndStillConverges) {
  // The float32 kernel absorbs u and v once they leave [1e-15, 1e15]; at
  // epsilon = 5e-4 of the largest cost that happens twice on this problem
  // (three kernel builds), and the answer is still the log domain's.
  const LinearProblem problem = Problem(UniformPoints(200, 2, 3), UniformPoints(200, 2, 4));
  SinkhornOptions f32 = Options(5e-4, SinkhornMethod::kAuto, 1e-5);
  f32.precision = SinkhornPrecision::kFloat32;
  const SinkhornOutput scaled = Solve(problem, f32);
  const SinkhornOutput logd = Solve(problem, Options(5e-4, SinkhornMethod::kLogDomain, 1e-9));
  ASSERT_TRUE(scaled.converged && logd.converged);
  EXPECT_EQ(scaled.kernel_builds, 3);
  EXPECT_EQ(scaled.log_domain_iterations, 0);
  EXPECT_LE(scaled.marginal_error, 1e-5);
  EXPECT_NEAR(scaled.transport_cost, logd.transport_cost, 1e-4 * logd.transport_cost);
}

TEST(SinkhornScalingTest, FallsBackToTheLogDomainWhereTheKernelUnderflows) {
  // x = 1 is nobody's nearest source, so with f = 0 its row of the kernel is
  // exp(-(C_1j - min_i C_ij) / eps) = exp(-~1e4): all zeros. The first pass
  // fails right after the build and the stage runs in the log domain.
  MatrixXd x(2, 1);
  x << 0.0, 1.0;
  MatrixXd y(2, 1);
  y << 0.0, 0.001;
  const LinearProblem problem = Problem(x, y);
  const SinkhornOutput out = Solve(problem, Options(1e-4, SinkhornMethod::kAuto, 1e-10));
  const SinkhornOutput logd = Solve(problem, Options(1e-4, SinkhornMethod::kLogDomain, 1e-10));
  ASSERT_TRUE(out.converged);
  EXPECT_EQ(out.kernel_builds, 1);
  EXPECT_EQ(out.log_domain_iterations, out.iterations);
  EXPECT_NEAR(out.transport_cost, logd.transport_cost, 1e-12);
  EXPECT_LE(out.marginal_error, 1.01e-10);  // the stopping test, up to rounding
}

TEST(SinkhornScalingTest, SmallEpsilonMatchesTheLogDomain) {
  // The stability bound: epsilon = 1e-4 of the largest cost, with
  // epsilon scaling, in either precision. Plans within 1e-4 in L1 of their
  // marginals have costs within about 1e-4 * max C = 1e-4 of each other.
  const LinearProblem problem = Problem(UniformPoints(120, 2, 5), UniformPoints(100, 2, 6));
  SinkhornOptions log_options = Options(1e-4, SinkhornMethod::kLogDomain, 1e-4);
  log_options.epsilon_scaling = EpsilonScaling{};
  const SinkhornOutput logd = Solve(problem, log_options);
  ASSERT_TRUE(logd.converged);
  for (SinkhornPrecision precision : {SinkhornPrecision::kFloat64, SinkhornPrecision::kFloat32}) {
    SinkhornOptions options = log_options;
    options.method = SinkhornMethod::kAuto;
    options.precision = precision;
    const SinkhornOutput out = Solve(problem, options);
    ASSERT_TRUE(out.converged);
    EXPECT_TRUE(out.f.allFinite() && out.g.allFinite());
    EXPECT_LE(out.marginal_error, 1e-4);
    EXPECT_NEAR(out.transport_cost, logd.transport_cost, 2e-4);
    EXPECT_GE(out.kernel_builds, 15);  // one per stage: 1, 1/2, ..., 2^-13, then 1e-4
  }
}

TEST(SinkhornScalingTest, Float32KernelMeetsItsToleranceMeasuredInDouble) {
  const LinearProblem problem = Problem(UniformPoints(500, 2, 7), UniformPoints(450, 2, 8));
  SinkhornOptions f32 = Options(0.01, SinkhornMethod::kAuto, 1e-9);
  f32.precision = SinkhornPrecision::kFloat32;
  f32.return_plan = true;
  const SinkhornOutput out = Solve(problem, f32);
  const SinkhornOutput ref = Solve(problem, Options(0.01, SinkhornMethod::kAuto, 1e-12));
  EXPECT_EQ(out.tolerance, kFloat32ToleranceFloor);  // 1e-9 was raised
  EXPECT_TRUE(out.converged);
  EXPECT_LE(out.marginal_error, kFloat32ToleranceFloor);
  // The plan really has that error, measured here independently.
  const MatrixXd& plan = *out.plan;
  const double error = (plan.rowwise().sum() - problem.a()).lpNorm<1>() +
                       (plan.colwise().sum().transpose() - problem.b()).lpNorm<1>();
  EXPECT_NEAR(error, out.marginal_error, 1e-12);
  EXPECT_NEAR(out.transport_cost, ref.transport_cost, 1e-4 * ref.transport_cost);

  // A tolerance above the floor is kept as asked.
  f32.tolerance = 1e-4;
  EXPECT_EQ(Solve(problem, f32).tolerance, 1e-4);
  EXPECT_EQ(EffectiveSinkhornTolerance(Options(0.01, SinkhornMethod::kAuto, 1e-9)), 1e-9);
}

TEST(SinkhornScalingTest, ThreadsDoNotChangeTheResult) {
  // n * m = 90,000 is above the size where a second thread starts.
  const LinearProblem problem = Problem(UniformPoints(300, 2, 9), UniformPoints(300, 2, 10));
  for (SinkhornMethod method : {SinkhornMethod::kAuto, SinkhornMethod::kLogDomain}) {
    for (SinkhornPrecision precision : {SinkhornPrecision::kFloat64, SinkhornPrecision::kFloat32}) {
      if (method == SinkhornMethod::kLogDomain && precision == SinkhornPrecision::kFloat32) {
        continue;
      }
      SinkhornOptions one = Options(0.01, method);
      one.precision = precision;
      one.return_plan = true;
      SinkhornOptions two = one;
      two.num_threads = 2;
      const SinkhornOutput a = Solve(problem, one);
      const SinkhornOutput b = Solve(problem, two);
      EXPECT_EQ(a.iterations, b.iterations);
      EXPECT_EQ(a.transport_cost, b.transport_cost);
      EXPECT_TRUE(a.f == b.f);
      EXPECT_TRUE(a.g == b.g);
      EXPECT_TRUE(*a.plan == *b.plan);
    }
  }
}

TEST(SinkhornScalingTest, RejectsBadThreadCounts) {
  SinkhornOptions o = Options(0.1, SinkhornMethod::kAuto);
  o.num_threads = 0;
  absl::Status s = ValidateSinkhornOptions(o);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("num_threads"), std::string::npos) << s;
  o.num_threads = kSinkhornMaxThreads + 1;
  EXPECT_EQ(ValidateSinkhornOptions(o).code(), absl::StatusCode::kInvalidArgument);
}

TEST(VectorExpTest, MatchesStdExpAndZeroesBelowTheFloor) {
  std::vector<double> in;
  for (int k = 0; k < 1003; ++k) in.push_back(-750.0 + 0.75 * k);  // -750 .. 1.5
  std::vector<double> out(in.size());
  vector_exp::ExpOrZero(in.data(), out.data(), static_cast<int64_t>(in.size()), -700.0);
  for (size_t k = 0; k < in.size(); ++k) {
    if (in[k] < -700.0) {
      EXPECT_EQ(out[k], 0.0) << in[k];
    } else {
      EXPECT_NEAR(out[k], std::exp(in[k]), 4.5e-16 * std::exp(in[k])) << in[k];
    }
  }
  std::cout << "vector exp: " << vector_exp::ExpIsa() << ", row pass: " << row_pass::RowPassIsa()
            << "\n";
}

TEST(RowPassTest, ComputesBothHalfStepSums) {
  // K is 5 x 7 column-major; the pass over columns 1..6 gives v_j = 1 / (K^T w)_j
  // and acc = K (b * v) over those columns.
  const MatrixXd k = (MatrixXd::Random(5, 7).array() + 1.5).matrix();
  const VectorXd w = (VectorXd::Random(5).array() + 1.5).matrix();
  const VectorXd b = (VectorXd::Random(7).array() + 1.5).matrix();
  VectorXd v = VectorXd::Zero(7);
  VectorXd acc = VectorXd::Zero(5);
  ASSERT_TRUE(row_pass::RowPass(k.data(), 5, 1, 7, w.data(), b.data(), v.data(), acc.data()));
  VectorXd want_acc = VectorXd::Zero(5);
  for (int j = 1; j < 7; ++j) {
    EXPECT_NEAR(v[j], 1.0 / k.col(j).dot(w), 1e-15);
    want_acc += b[j] * v[j] * k.col(j);
  }
  EXPECT_EQ(v[0], 0.0);
  EXPECT_LE((acc - want_acc).lpNorm<Eigen::Infinity>(), 1e-14);

  // A column with no positive entry fails the pass.
  MatrixXd zero = k;
  zero.col(3).setZero();
  EXPECT_FALSE(
      row_pass::RowPass(zero.data(), 5, 0, 7, w.data(), b.data(), v.data(), acc.data()));

  // The float kernel agrees to float precision.
  const Eigen::MatrixXf kf = k.cast<float>();
  const Eigen::VectorXf wf = w.cast<float>();
  VectorXd vf = VectorXd::Zero(7);
  VectorXd accf = VectorXd::Zero(5);
  ASSERT_TRUE(row_pass::RowPass(kf.data(), 5, 1, 7, wf.data(), b.data(), vf.data(), accf.data()));
  EXPECT_LE((vf - v).lpNorm<Eigen::Infinity>(), 1e-6 * v.lpNorm<Eigen::Infinity>());
  EXPECT_LE((accf - want_acc).lpNorm<Eigen::Infinity>(), 1e-6 * want_acc.lpNorm<Eigen::Infinity>());
}

}  // namespace
}  // namespace advect
