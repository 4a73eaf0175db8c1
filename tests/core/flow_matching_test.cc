// Flow matching (SCIENCE.md b4): the MLP's backpropagation against finite
// differences, Adam, training that moves a Gaussian onto a target, and OT and
// entropic couplings giving straighter paths than the independent coupling on
// the same 2-D problem; reproducibility and errors naming the field.
#include "core/flow_matching/flow_matching.h"

#include <cmath>
#include <iostream>
#include <numeric>

#include <Eigen/Core>

#include "core/flow_matching/mlp.h"
#include "core/random/normal.h"
#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace advect {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

double Loss(const Mlp& mlp, const MatrixXd& x, const MatrixXd& target) {
  MatrixXd y;
  mlp.Forward(x, y);
  return 0.5 * (y - target).squaredNorm();
}

TEST(MlpTest, BackpropagationMatchesFiniteDifferences) {
  for (Activation a : {Activation::kRelu, Activation::kTanh, Activation::kSilu}) {
    absl::StatusOr<Mlp> mlp = Mlp::Create({3, 7, 3, 2, a}, 5);
    ASSERT_TRUE(mlp.ok()) << mlp.status();
    mlp->parameters() +=
        0.05 * testing::NormalPoints(mlp->parameters().size(), 1, 6).col(0);  // nonzero biases
    const MatrixXd x = testing::NormalPoints(3, 9, 7);
    const MatrixXd target = testing::NormalPoints(2, 9, 8);
    MatrixXd y;
    Mlp::Cache cache;
    mlp->Forward(x, y, cache);
    VectorXd grad;
    mlp->Backward(cache, y - target, grad);
    double worst = 0.0;
    for (Eigen::Index k = 0; k < mlp->parameters().size(); k += 3) {
      const double keep = mlp->parameters()[k];
      const double h = 1e-6;
      mlp->parameters()[k] = keep + h;
      const double up = Loss(*mlp, x, target);
      mlp->parameters()[k] = keep - h;
      const double down = Loss(*mlp, x, target);
      mlp->parameters()[k] = keep;
      worst =
          std::max(worst, std::abs((up - down) / (2 * h) - grad[k]) / (1.0 + std::abs(grad[k])));
    }
    EXPECT_LE(worst, 1e-6) << static_cast<int>(a);
  }
}

TEST(MlpTest, AdamMinimisesAQuadratic) {
  VectorXd p = VectorXd::Constant(4, 3.0);
  const VectorXd target(VectorXd::LinSpaced(4, -1.0, 2.0));
  Adam adam(4);
  for (int i = 0; i < 2000; ++i) adam.Step(p, 2.0 * (p - target), 0.01);
  EXPECT_LE((p - target).cwiseAbs().maxCoeff(), 1e-3);
}

TEST(FlowMatchingTest, TrainingCarriesTheGaussianOntoTheTargetReproducibly) {
  // Target N((3, -1), 0.25 I) as a cloud; source N(0, I) draws.
  MatrixXd target = 0.5 * testing::NormalPoints(2000, 2, 11);
  target.col(0).array() += 3.0;
  target.col(1).array() -= 1.0;
  FlowMatchingOptions o;
  o.width = 32;
  o.depth = 2;
  o.steps = 600;
  o.batch_size = 128;
  o.learning_rate = 3e-3;
  o.seed = 3;
  absl::StatusOr<FlowMatchingOutput> out = TrainFlowMatching(MatrixXd(), target, o);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->losses.size(), 600u);
  const double first = std::accumulate(out->losses.begin(), out->losses.begin() + 50, 0.0) / 50;
  const double last = std::accumulate(out->losses.end() - 50, out->losses.end(), 0.0) / 50;
  EXPECT_LT(last, 0.5 * first) << first << " -> " << last;
  const PathReport paths = MeasurePaths(out->model, testing::NormalPoints(2000, 2, 12), 100, 2);
  const Eigen::RowVector2d mean = paths.endpoints.colwise().mean();
  EXPECT_NEAR(mean[0], 3.0, 0.15);
  EXPECT_NEAR(mean[1], -1.0, 0.15);
  const MatrixXd centred = paths.endpoints.rowwise() - mean;
  const MatrixXd cov = centred.transpose() * centred / 1999.0;
  EXPECT_NEAR(cov(0, 0), 0.25, 0.1);
  EXPECT_NEAR(cov(1, 1), 0.25, 0.1);
  // The same seed gives the same model.
  absl::StatusOr<FlowMatchingOutput> again = TrainFlowMatching(MatrixXd(), target, o);
  EXPECT_TRUE(again->model.parameters() == out->model.parameters());
}

TEST(FlowMatchingTest, OtAndEntropicCouplingsGiveStraighterPaths) {
  // Source: two clusters at (-2, +-2); target: two clusters at (+2, +-2) —
  // rotated by 90 degrees relative to each other's pairing under independent
  // coupling, so independent paths cross and bend; OT pairs them straight.
  auto clusters = [](double x, uint64_t seed) {
    MatrixXd p = 0.3 * testing::NormalPoints(1000, 2, seed);
    for (Eigen::Index i = 0; i < p.rows(); ++i) {
      p(i, 0) += x;
      p(i, 1) += i % 2 == 0 ? 2.0 : -2.0;
    }
    return p;
  };
  const MatrixXd source = clusters(-2.0, 21);
  const MatrixXd target = clusters(2.0, 22);
  FlowMatchingOptions o;
  o.width = 32;
  o.depth = 2;
  o.steps = 500;
  o.batch_size = 64;
  o.learning_rate = 3e-3;
  o.sigma = 0.3;
  o.seed = 5;
  const MatrixXd start = clusters(-2.0, 23).topRows(500);
  double straightness[3], few[3];
  int k = 0;
  for (Coupling c : {Coupling::kIndependent, Coupling::kExactOt, Coupling::kEntropic}) {
    o.coupling = c;
    absl::StatusOr<FlowMatchingOutput> out = TrainFlowMatching(source, target, o);
    ASSERT_TRUE(out.ok()) << out.status();
    const PathReport r = MeasurePaths(out->model, start, 100, 2);
    straightness[k] = r.straightness;
    few[k] = r.few_step_error;
    std::cout << "coupling " << k << ": straightness " << r.straightness << ", 2-step error "
              << r.few_step_error << ", final loss " << out->losses.back() << "\n";
    ++k;
  }
  EXPECT_LT(straightness[1], 0.5 * straightness[0]);
  EXPECT_LT(straightness[2], 0.5 * straightness[0]);
  EXPECT_LT(few[1], few[0]);
  EXPECT_LT(few[2], few[0]);
}

TEST(FlowMatchingTest, RefusesBadOptionsNamingTheField) {
  const MatrixXd target = testing::NormalPoints(10, 2, 1);
  FlowMatchingOptions o;
  o.steps = 1;
  struct Case {
    void (*mutate)(FlowMatchingOptions&);
    const char* message;
  };
  const Case cases[] = {
      {[](FlowMatchingOptions& x) { x.width = 0; }, "width: must be in"},
      {[](FlowMatchingOptions& x) { x.depth = 99; }, "depth: must be in"},
      {[](FlowMatchingOptions& x) { x.batch_size = 0; }, "batch_size: must be in"},
      {[](FlowMatchingOptions& x) { x.steps = 0; }, "steps: must be in"},
      {[](FlowMatchingOptions& x) { x.learning_rate = -1; }, "learning_rate: must be"},
      {[](FlowMatchingOptions& x) {
         x.coupling = Coupling::kEntropic;
         x.sigma = 0;
       },
       "sigma: must be"},
  };
  for (const Case& c : cases) {
    FlowMatchingOptions bad = o;
    c.mutate(bad);
    EXPECT_NE(TrainFlowMatching(MatrixXd(), target, bad).status().message().find(c.message),
              std::string::npos)
        << c.message;
  }
  EXPECT_NE(TrainFlowMatching(testing::NormalPoints(5, 3, 2), target, o)
                .status()
                .message()
                .find("source:"),
            std::string::npos);
  EXPECT_NE(TrainFlowMatching(MatrixXd(), MatrixXd(), o).status().message().find("target:"),
            std::string::npos);
}

}  // namespace
}  // namespace advect
