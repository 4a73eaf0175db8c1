// ValidateSinkhornOptions, and SolveSinkhorn refusing bad options with the
// same field-named messages (core/solvers/sinkhorn.h).
#include <cmath>
#include <limits>

#include <Eigen/Core>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/problems/linear_problem.h"
#include "core/solvers/sinkhorn.h"
#include "gtest/gtest.h"

namespace advect {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

SinkhornOptions Valid() {
  SinkhornOptions options;
  options.epsilon = 0.1;
  return options;
}

// Both the validator and the solver reject `options`, naming `field`.
void ExpectRejected(const SinkhornOptions& options, absl::string_view field) {
  const absl::Status s = ValidateSinkhornOptions(options);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_TRUE(absl::StartsWith(s.message(), absl::StrCat(field, ":"))) << s;

  absl::StatusOr<LinearProblem> problem =
      LinearProblem::FromCostMatrix(Eigen::MatrixXd::Ones(2, 2), Eigen::VectorXd(),
                                    Eigen::VectorXd());
  ASSERT_TRUE(problem.ok());
  absl::StatusOr<SinkhornOutput> out = SolveSinkhorn(*problem, options);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status(), s);
}

TEST(SinkhornOptionsTest, DefaultsWithAnEpsilonAreValid) {
  EXPECT_TRUE(ValidateSinkhornOptions(Valid()).ok());
  SinkhornOptions scaled = Valid();
  scaled.epsilon_scaling = EpsilonScaling{};
  EXPECT_TRUE(ValidateSinkhornOptions(scaled).ok());
  SinkhornOptions zero = Valid();
  zero.tolerance = 0.0;
  zero.max_iterations = 0;
  EXPECT_TRUE(ValidateSinkhornOptions(zero).ok());
}

TEST(SinkhornOptionsTest, EpsilonMustBePositiveAndFinite) {
  for (double eps : {0.0, -1e-3, kNaN, kInf}) {
    SinkhornOptions options = Valid();
    options.epsilon = eps;
    ExpectRejected(options, "epsilon");
  }
  // The default (unset) epsilon is rejected too.
  ExpectRejected(SinkhornOptions{}, "epsilon");
}

TEST(SinkhornOptionsTest, ToleranceMustBeNonNegativeAndFinite) {
  for (double tol : {-1e-12, kNaN, kInf}) {
    SinkhornOptions options = Valid();
    options.tolerance = tol;
    ExpectRejected(options, "tolerance");
  }
}

TEST(SinkhornOptionsTest, MaxIterationsMustBeNonNegative) {
  SinkhornOptions options = Valid();
  options.max_iterations = -1;
  ExpectRejected(options, "max_iterations");
}

TEST(SinkhornOptionsTest, DecayMustBeInsideTheOpenUnitInterval) {
  for (double decay : {0.0, 1.0, 1.5, -0.5, kNaN}) {
    SinkhornOptions options = Valid();
    options.epsilon_scaling = EpsilonScaling{0.0, decay};
    ExpectRejected(options, "epsilon_scaling.decay");
  }
}

TEST(SinkhornOptionsTest, InitialEpsilonMustBeNonNegativeAndFinite) {
  for (double initial : {-1.0, kNaN, kInf}) {
    SinkhornOptions options = Valid();
    options.epsilon_scaling = EpsilonScaling{initial, 0.5};
    ExpectRejected(options, "epsilon_scaling.initial_epsilon");
  }
}

}  // namespace
}  // namespace advect
