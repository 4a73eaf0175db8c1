// The OT job kinds beyond entropic_ot through the service: each result is the
// core solver's answer bit for bit, and bad input is refused naming the field.
#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/geometry/weights.h"
#include "core/solvers/gaussian.h"
#include "core/solvers/network_simplex.h"
#include "core/solvers/ot_1d.h"
#include "core/solvers/sinkhorn_divergence.h"
#include "core/solvers/sliced.h"
#include "core/solvers/unbalanced_sinkhorn.h"
#include "server/matrix_convert.h"
#include "tests/server/test_server.h"

namespace advect::testing {
namespace {

class OtKindsTest : public ServerTest {
 protected:
  void SetUp() override { StartServer(); }
};

std::vector<double> Values(const v1::Matrix& m) { return {m.values().begin(), m.values().end()}; }

// --- entropic_ot, online ---

v1::JobSpec OnlineSpec() {
  v1::JobSpec spec;
  v1::EntropicOtSpec* s = spec.mutable_entropic_ot();
  *s->mutable_x() = RandomPoints(40, 2, 31);
  *s->mutable_y() = RandomPoints(30, 2, 32);
  s->set_epsilon(0.05);
  s->set_normalize_cost(true);
  s->set_method(v1::SINKHORN_METHOD_ONLINE);
  return spec;
}

TEST_F(OtKindsTest, OnlineSinkhornIsNotBoundByTheCostLimit) {
  // 40 * 30 = 1200 cost entries against a limit of 1000: the stored forms are
  // refused, the online form (which stores none) runs and gives their answer.
  server::ServerOptions options = TestOptions();
  options.limits.max_cost_entries = 1000;
  server_->Shutdown(milliseconds(0));
  StartServer(options);
  const v1::EntropicOtResult online = RunOk(OnlineSpec()).entropic_ot();
  EXPECT_TRUE(online.converged());
  EXPECT_EQ(online.log_domain_iterations(), online.iterations());
  EXPECT_GT(online.cost_scale(), 0.0);
  v1::JobSpec dense = OnlineSpec();
  dense.mutable_entropic_ot()->set_method(v1::SINKHORN_METHOD_LOG_DOMAIN);
  ExpectInvalid(dense, "--max-cost-entries");

  server_->Shutdown(milliseconds(0));
  StartServer();
  const v1::EntropicOtResult log_domain = RunOk(dense).entropic_ot();
  EXPECT_EQ(log_domain.iterations(), online.iterations());
  EXPECT_NEAR(log_domain.transport_cost(), online.transport_cost(),
              1e-12 * log_domain.transport_cost());
  EXPECT_EQ(log_domain.cost_scale(), online.cost_scale());
}

TEST_F(OtKindsTest, SinkhornMethodAndPrecisionAreChecked) {
  v1::JobSpec spec = OnlineSpec();
  spec.mutable_entropic_ot()->set_precision(v1::KERNEL_PRECISION_FLOAT32);
  ExpectInvalid(spec, "spec.entropic_ot.precision: KERNEL_PRECISION_FLOAT32 needs method");
  spec = OnlineSpec();
  spec.mutable_entropic_ot()->clear_x();
  spec.mutable_entropic_ot()->clear_y();
  *spec.mutable_entropic_ot()->mutable_cost_matrix() = RandomPoints(4, 3, 33);
  ExpectInvalid(spec, "spec.entropic_ot.method: SINKHORN_METHOD_ONLINE computes the costs");
  spec = OnlineSpec();
  spec.mutable_entropic_ot()->set_method(static_cast<v1::SinkhornMethod>(42));
  ExpectInvalid(spec, "spec.entropic_ot.method: unknown SinkhornMethod value 42");
}

// --- ot_1d ---

v1::JobSpec Ot1dSpec() {
  v1::JobSpec spec;
  v1::Ot1dSpec* s = spec.mutable_ot_1d();
  for (double v : Values(RandomPoints(50, 1, 5))) s->add_x(v);
  for (double v : Values(RandomPoints(40, 1, 6))) s->add_y(v * v);
  for (int i = 0; i < 50; ++i) s->add_a(1.0 + i % 3);
  return spec;
}

TEST_F(OtKindsTest, Ot1dIsTheCoreAnswer) {
  for (double p : {0.0, 1.0, 1.5}) {
    v1::JobSpec spec = Ot1dSpec();
    spec.mutable_ot_1d()->set_p(p);
    const v1::JobResult result = RunOk(spec);
    ASSERT_TRUE(result.has_ot_1d());
    const v1::Ot1dSpec& s = spec.ot_1d();
    // The server checks and normalises the weights before the solver sees them.
    const Eigen::VectorXd a = *NormalizedWeights(server::FromProto(s.a()), s.x_size(), "a");
    const Eigen::VectorXd b = *NormalizedWeights(Eigen::VectorXd(), s.y_size(), "b");
    absl::StatusOr<Ot1dOutput> expected = SolveOt1d(
        server::FromProto(s.x()), server::FromProto(s.y()), a, b, p == 0.0 ? 2.0 : p);
    ASSERT_TRUE(expected.ok());
    EXPECT_EQ(result.ot_1d().transport_cost(), expected->transport_cost) << "p = " << p;
    EXPECT_GT(result.ot_1d().transport_cost(), 0.0);
  }
}

TEST_F(OtKindsTest, Ot1dRefusesBadInputNamingTheField) {
  struct Case {
    std::function<void(v1::Ot1dSpec*)> mutate;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](v1::Ot1dSpec* s) { s->clear_x(); }, "spec.ot_1d.x: required"},
      {[](v1::Ot1dSpec* s) { s->clear_y(); }, "spec.ot_1d.y: required"},
      {[](v1::Ot1dSpec* s) { s->set_x(3, std::nan("")); }, "spec.ot_1d.x: "},
      {[](v1::Ot1dSpec* s) { s->set_y(0, INFINITY); }, "spec.ot_1d.y: "},
      {[](v1::Ot1dSpec* s) { s->add_a(1.0); }, "spec.ot_1d.a: "},
      {[](v1::Ot1dSpec* s) { s->set_a(0, -1.0); }, "spec.ot_1d.a: "},
      {[](v1::Ot1dSpec* s) { s->add_b(1.0); }, "spec.ot_1d.b: "},
      {[](v1::Ot1dSpec* s) { s->set_p(-1.0); }, "spec.ot_1d.p: must be finite and > 0"},
      {[](v1::Ot1dSpec* s) { s->set_p(NAN); }, "spec.ot_1d.p: must be finite and > 0"},
  };
  for (const Case& c : cases) {
    v1::JobSpec spec = Ot1dSpec();
    c.mutate(spec.mutable_ot_1d());
    ExpectInvalid(spec, c.message);
  }
}

TEST_F(OtKindsTest, Ot1dSizeLimitIsExplicit) {
  server::ServerOptions options = TestOptions();
  options.limits.max_points_1d = 30;
  server_->Shutdown(milliseconds(0));
  StartServer(options);
  ExpectInvalid(Ot1dSpec(), "spec.ot_1d.x: 50 points exceed the server limit of 30 (advectd --max-points-1d)");
}

TEST_F(OtKindsTest, Ot1dRefusesFrames) {
  v1::JobSpec spec = Ot1dSpec();
  spec.set_frame_every(1);
  ExpectInvalid(spec, "spec.frame_every: this ot_1d job has no positions to show");
}


// --- exact_ot ---

v1::JobSpec ExactSpec(int n = 40, int m = 30) {
  v1::JobSpec spec;
  v1::ExactOtSpec* s = spec.mutable_exact_ot();
  *s->mutable_x() = RandomPoints(n, 2, 7);
  *s->mutable_y() = RandomPoints(m, 2, 8);
  for (int i = 0; i < n; ++i) s->add_a(1.0 + i % 4);
  return spec;
}

TEST_F(OtKindsTest, ExactOtIsTheCoreAnswerWithASparsePlan) {
  const v1::JobSpec spec = ExactSpec();
  const v1::JobResult result = RunOk(spec);
  ASSERT_TRUE(result.has_exact_ot());
  const v1::ExactOtResult& r = result.exact_ot();
  const v1::ExactOtSpec& s = spec.exact_ot();
  const Eigen::VectorXd a = *NormalizedWeights(server::FromProto(s.a()), 40, "a");
  const Eigen::VectorXd b = *NormalizedWeights(Eigen::VectorXd(), 30, "b");
  absl::StatusOr<ExactOtOutput> expected =
      SolveExactOtFromPoints(*server::FromProto(s.x(), "x"), *server::FromProto(s.y(), "y"), a,
                             b, GroundCost{}, ExactOtOptions{});
  ASSERT_TRUE(expected.ok()) << expected.status();
  EXPECT_EQ(r.transport_cost(), expected->transport_cost);
  EXPECT_EQ(r.status(), v1::EXACT_OT_STATUS_OPTIMAL);
  EXPECT_EQ(r.f_size(), 40);
  EXPECT_EQ(r.g_size(), 30);
  EXPECT_NEAR(r.dual_objective(), r.transport_cost(), 1e-12);
  ASSERT_EQ(r.plan().rows(), 40);
  ASSERT_EQ(r.plan().cols(), 30);
  ASSERT_LE(r.plan().values_size(), 40 + 30 - 1);
  ASSERT_EQ(r.plan().row_indices_size(), r.plan().values_size());
  ASSERT_EQ(r.plan().col_indices_size(), r.plan().values_size());
  // The sparse plan's marginals are a and b.
  Eigen::VectorXd rows = Eigen::VectorXd::Zero(40), cols = Eigen::VectorXd::Zero(30);
  double cost = 0.0;
  const Eigen::MatrixXd x = *server::FromProto(s.x(), "x");
  const Eigen::MatrixXd y = *server::FromProto(s.y(), "y");
  for (int e = 0; e < r.plan().values_size(); ++e) {
    const int i = r.plan().row_indices(e), j = r.plan().col_indices(e);
    rows[i] += r.plan().values(e);
    cols[j] += r.plan().values(e);
    cost += r.plan().values(e) * (x.row(i) - y.row(j)).squaredNorm();
  }
  EXPECT_LT((rows - a).lpNorm<1>(), 1e-14);
  EXPECT_LT((cols - b).lpNorm<1>(), 1e-14);
  EXPECT_NEAR(cost, r.transport_cost(), 1e-14);
}

TEST_F(OtKindsTest, ExactOtCostMatrixAndIterationLimit) {
  v1::JobSpec spec;
  v1::ExactOtSpec* s = spec.mutable_exact_ot();
  // Assignment with an obvious optimum: the anti-diagonal costs 0.
  s->mutable_cost_matrix()->set_rows(3);
  s->mutable_cost_matrix()->set_cols(3);
  for (double v : {5.0, 4.0, 0.0, 3.0, 0.0, 2.0, 0.0, 1.0, 6.0}) s->mutable_cost_matrix()->add_values(v);
  v1::JobResult result = RunOk(spec);
  EXPECT_EQ(result.exact_ot().transport_cost(), 0.0);
  EXPECT_EQ(result.exact_ot().status(), v1::EXACT_OT_STATUS_OPTIMAL);

  // A limit of one pivot on a larger problem is reported as NOT optimal.
  v1::JobSpec limited = ExactSpec(60, 60);
  limited.mutable_exact_ot()->set_max_iterations(1);
  result = RunOk(limited);
  EXPECT_EQ(result.exact_ot().status(), v1::EXACT_OT_STATUS_ITERATION_LIMIT);
  EXPECT_EQ(result.exact_ot().iterations(), 1);
  const v1::JobResult optimal = RunOk(ExactSpec(60, 60));
  EXPECT_GT(result.exact_ot().transport_cost(), optimal.exact_ot().transport_cost());
}

TEST_F(OtKindsTest, ExactOtRefusesBadInputNamingTheField) {
  struct Case {
    std::function<void(v1::ExactOtSpec*)> mutate;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](v1::ExactOtSpec* s) { s->clear_x(); }, "spec.exact_ot.x: required"},
      {[](v1::ExactOtSpec* s) { s->mutable_y()->set_values(0, NAN); }, "spec.exact_ot.y: "},
      {[](v1::ExactOtSpec* s) { s->add_a(1.0); }, "spec.exact_ot.a: "},
      {[](v1::ExactOtSpec* s) { s->set_max_iterations(-1); }, "spec.exact_ot.max_iterations: "},
      {[](v1::ExactOtSpec* s) {
         s->mutable_cost()->set_kind(v1::COST_KIND_POWER);
         s->mutable_cost()->set_p(-2);
       },
       "spec.exact_ot.cost.p: "},
      {[](v1::ExactOtSpec* s) {
         s->mutable_cost_matrix()->set_rows(1);
         s->mutable_cost_matrix()->set_cols(1);
         s->mutable_cost_matrix()->add_values(0);
       },
       "spec.exact_ot.cost_matrix: give either cost_matrix or the points"},
  };
  for (const Case& c : cases) {
    v1::JobSpec spec = ExactSpec();
    c.mutate(spec.mutable_exact_ot());
    ExpectInvalid(spec, c.message);
  }
}

// --- sliced_ot ---

v1::JobSpec SlicedSpec() {
  v1::JobSpec spec;
  v1::SlicedOtSpec* s = spec.mutable_sliced_ot();
  *s->mutable_x() = RandomPoints(200, 3, 9);
  *s->mutable_y() = RandomPoints(150, 3, 10);
  s->set_num_directions(20);
  s->set_seed(42);
  return spec;
}

TEST_F(OtKindsTest, SlicedOtIsTheCoreAnswerAndReproducible) {
  const v1::JobSpec spec = SlicedSpec();
  const v1::JobResult first = RunOk(spec);
  const v1::JobResult second = RunOk(spec);
  ASSERT_TRUE(first.has_sliced_ot());
  EXPECT_EQ(first.SerializeAsString(), second.SerializeAsString());
  const v1::SlicedOtResult& r = first.sliced_ot();
  EXPECT_EQ(r.per_direction_size(), 20);
  EXPECT_EQ(r.directions().rows(), 3);
  EXPECT_EQ(r.directions().cols(), 20);

  const v1::SlicedOtSpec& s = spec.sliced_ot();
  SlicedOptions options;
  options.num_directions = 20;
  options.seed = 42;
  absl::StatusOr<SlicedOutput> expected = SolveSliced(
      *server::FromProto(s.x(), "x"), *server::FromProto(s.y(), "y"),
      *NormalizedWeights(Eigen::VectorXd(), 200, "a"), *NormalizedWeights(Eigen::VectorXd(), 150, "b"),
      options);
  ASSERT_TRUE(expected.ok()) << expected.status();
  EXPECT_EQ(r.transport_cost(), expected->transport_cost);

  // Given directions: the result uses exactly them.
  v1::JobSpec given = spec;
  *given.mutable_sliced_ot()->mutable_directions() = r.directions();
  given.mutable_sliced_ot()->clear_seed();
  given.mutable_sliced_ot()->clear_num_directions();
  EXPECT_EQ(RunOk(given).sliced_ot().transport_cost(), r.transport_cost());
  // Another seed gives other directions.
  v1::JobSpec other = spec;
  other.mutable_sliced_ot()->set_seed(43);
  EXPECT_NE(RunOk(other).sliced_ot().transport_cost(), r.transport_cost());
}

TEST_F(OtKindsTest, SlicedOtRefusesBadInputNamingTheField) {
  struct Case {
    std::function<void(v1::SlicedOtSpec*)> mutate;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](v1::SlicedOtSpec* s) { s->clear_y(); }, "spec.sliced_ot.y: required"},
      {[](v1::SlicedOtSpec* s) { s->set_p(-1); }, "spec.sliced_ot.p: "},
      {[](v1::SlicedOtSpec* s) { s->set_num_directions(-3); }, "spec.sliced_ot.num_directions: "},
      {[](v1::SlicedOtSpec* s) { s->set_num_directions(20000); },
       "spec.sliced_ot.num_directions: 20000 directions exceed the server limit of 10000"},
      {[](v1::SlicedOtSpec* s) {
         v1::Matrix* d = s->mutable_directions();
         d->set_rows(3);
         d->set_cols(1);
         for (double v : {1.0, 1.0, 0.0}) d->add_values(v);  // not a unit vector
       },
       "spec.sliced_ot.directions: "},
      {[](v1::SlicedOtSpec* s) {
         v1::Matrix* d = s->mutable_directions();
         d->set_rows(2);
         d->set_cols(1);
         for (double v : {1.0, 0.0}) d->add_values(v);  // wrong dimension
       },
       "spec.sliced_ot.directions: "},
  };
  for (const Case& c : cases) {
    v1::JobSpec spec = SlicedSpec();
    c.mutate(spec.mutable_sliced_ot());
    ExpectInvalid(spec, c.message);
  }
}

// --- gaussian_ot ---

void SetGaussian(v1::GaussianMeasure* g, std::vector<double> mean, std::vector<double> cov) {
  for (double v : mean) g->add_mean(v);
  const int d = static_cast<int>(mean.size());
  g->mutable_cov()->set_rows(d);
  g->mutable_cov()->set_cols(d);
  for (double v : cov) g->mutable_cov()->add_values(v);
}

TEST_F(OtKindsTest, GaussianOtClosedFormMapAndInterpolation) {
  v1::JobSpec spec;
  v1::GaussianOtSpec* s = spec.mutable_gaussian_ot();
  // Diagonal covariances commute: W2^2 = |m1-m2|^2 + sum (sqrt(s1) - sqrt(s2))^2.
  SetGaussian(s->mutable_source(), {0.0, 1.0}, {4.0, 0.0, 0.0, 1.0});
  SetGaussian(s->mutable_target(), {3.0, 1.0}, {1.0, 0.0, 0.0, 9.0});
  s->add_interpolation_times(0.0);
  s->add_interpolation_times(0.5);
  const v1::GaussianOtResult r = RunOk(spec).gaussian_ot();
  EXPECT_NEAR(r.transport_cost(), 9.0 + 1.0 + 4.0, 1e-12);
  ASSERT_EQ(r.map_matrix().values_size(), 4);
  EXPECT_NEAR(r.map_matrix().values(0), 0.5, 1e-12);  // sqrt(1/4)
  EXPECT_NEAR(r.map_matrix().values(3), 3.0, 1e-12);  // sqrt(9/1)
  ASSERT_EQ(r.interpolation_size(), 2);
  EXPECT_NEAR(r.interpolation(1).mean(0), 1.5, 1e-12);
  EXPECT_NEAR(r.interpolation(1).cov().values(0), 2.25, 1e-12);  // ((2 + 1) / 2)^2
  EXPECT_NEAR(r.interpolation(0).cov().values(3), 1.0, 1e-12);
}

TEST_F(OtKindsTest, GaussianOtFromCloudsUsesTheirMoments) {
  v1::JobSpec spec;
  v1::GaussianOtSpec* s = spec.mutable_gaussian_ot();
  *s->mutable_x() = RandomPoints(500, 2, 11);
  *s->mutable_y() = RandomPoints(400, 2, 12);
  s->set_regularization(1e-6);
  const v1::GaussianOtResult r = RunOk(spec).gaussian_ot();
  const Eigen::MatrixXd x = *server::FromProto(s->x(), "x");
  absl::StatusOr<Gaussian> g1 = EmpiricalGaussian(x, Eigen::VectorXd(), 1e-6, "x");
  ASSERT_TRUE(g1.ok());
  EXPECT_NEAR(r.source().mean(0), g1->mean[0], 1e-15);
  EXPECT_NEAR(r.source().cov().values(1), g1->cov(0, 1), 1e-15);
  EXPECT_GT(r.transport_cost(), 0.0);
}

TEST_F(OtKindsTest, GaussianOtRefusesBadInputNamingTheField) {
  struct Case {
    std::function<void(v1::GaussianOtSpec*)> mutate;
    std::string message;
  };
  const auto base = [](v1::GaussianOtSpec* s) {
    SetGaussian(s->mutable_source(), {0.0, 0.0}, {1.0, 0.0, 0.0, 1.0});
    SetGaussian(s->mutable_target(), {1.0, 0.0}, {2.0, 0.0, 0.0, 1.0});
  };
  const std::vector<Case> cases = {
      {[](v1::GaussianOtSpec* s) { s->clear_source(); s->clear_target(); },
       "spec.gaussian_ot.source: required"},
      {[](v1::GaussianOtSpec* s) { *s->mutable_x() = RandomPoints(5, 2, 1); },
       "spec.gaussian_ot.x: give either"},
      {[](v1::GaussianOtSpec* s) { s->mutable_source()->mutable_cov()->set_values(1, 0.5); },
       "spec.gaussian_ot.source.cov"},
      {[](v1::GaussianOtSpec* s) { s->mutable_target()->mutable_cov()->set_values(0, -1.0); },
       "spec.gaussian_ot.target.cov"},
      {[](v1::GaussianOtSpec* s) { s->mutable_target()->add_mean(1.0); },
       "spec.gaussian_ot.target.cov: is 2 x 2 but the mean has 3 values"},
      {[](v1::GaussianOtSpec* s) { s->add_interpolation_times(1.5); },
       "spec.gaussian_ot.interpolation_times: entry 0 must be in [0, 1]"},
  };
  for (const Case& c : cases) {
    v1::JobSpec spec;
    base(spec.mutable_gaussian_ot());
    c.mutate(spec.mutable_gaussian_ot());
    ExpectInvalid(spec, c.message);
  }
}

TEST_F(OtKindsTest, GaussianOtSingularSourceFailsNamingTheField) {
  v1::JobSpec spec;
  v1::GaussianOtSpec* s = spec.mutable_gaussian_ot();
  SetGaussian(s->mutable_source(), {0.0, 0.0}, {1.0, 0.0, 0.0, 0.0});
  SetGaussian(s->mutable_target(), {1.0, 0.0}, {2.0, 0.0, 0.0, 1.0});
  grpc::Status status;
  std::vector<v1::JobEvent> events = RunToEnd(spec, &status);
  ASSERT_FALSE(events.empty());
  const v1::StateChange& end = events.back().state_change();
  EXPECT_EQ(end.state(), v1::JOB_STATE_FAILED);
  EXPECT_EQ(end.error().code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_NE(end.error().message().find("spec.gaussian_ot.source.cov"), std::string::npos)
      << end.error().message();
  EXPECT_NE(end.error().message().find("distance_only"), std::string::npos)
      << end.error().message();
  // The distance alone is defined: (1 - sqrt 2)^2 + (0 - 1)^2 + 1.
  spec.mutable_gaussian_ot()->set_distance_only(true);
  const v1::GaussianOtResult r = RunOk(spec).gaussian_ot();
  EXPECT_NEAR(r.transport_cost(), std::pow(1.0 - std::sqrt(2.0), 2) + 1.0 + 1.0, 1e-12);
  EXPECT_FALSE(r.has_map_matrix());
}

// --- unbalanced_ot ---

v1::JobSpec UnbalancedSpec() {
  v1::JobSpec spec;
  v1::UnbalancedOtSpec* s = spec.mutable_unbalanced_ot();
  *s->mutable_x() = RandomPoints(30, 2, 13);
  *s->mutable_y() = RandomPoints(20, 2, 14);
  for (int i = 0; i < 30; ++i) s->add_a(0.1);   // total mass 3
  for (int j = 0; j < 20; ++j) s->add_b(0.05);  // total mass 1
  s->set_epsilon(0.05);
  s->set_rho(0.5);
  s->set_max_iterations(100000);
  return spec;
}

TEST_F(OtKindsTest, UnbalancedOtIsTheCoreAnswerWithRawMasses) {
  const v1::JobSpec spec = UnbalancedSpec();
  const v1::UnbalancedOtResult r = RunOk(spec).unbalanced_ot();
  const v1::UnbalancedOtSpec& s = spec.unbalanced_ot();
  absl::StatusOr<LinearProblem> problem = LinearProblem::FromPoints(
      *server::FromProto(s.x(), "x"), *server::FromProto(s.y(), "y"), Eigen::VectorXd(),
      Eigen::VectorXd(), GroundCost{});
  ASSERT_TRUE(problem.ok());
  UnbalancedSinkhornOptions options;
  options.epsilon = 0.05;
  options.rho = 0.5;
  options.max_iterations = 100000;
  absl::StatusOr<UnbalancedSinkhornOutput> expected = SolveUnbalancedSinkhorn(
      *problem, server::FromProto(s.a()), server::FromProto(s.b()), options);
  ASSERT_TRUE(expected.ok()) << expected.status();
  EXPECT_EQ(r.transport_cost(), expected->transport_cost);
  EXPECT_EQ(r.plan_mass(), expected->plan_mass);
  EXPECT_TRUE(r.converged());
  // The masses are not normalised: the plan's mass lies between the two totals.
  EXPECT_GT(r.plan_mass(), 1.0);
  EXPECT_LT(r.plan_mass(), 3.0);
  EXPECT_NEAR(r.primal_objective(), r.dual_objective(), 1e-7 * std::abs(r.primal_objective()));
}

TEST_F(OtKindsTest, UnbalancedOtRefusesBadInputNamingTheField) {
  struct Case {
    std::function<void(v1::UnbalancedOtSpec*)> mutate;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](v1::UnbalancedOtSpec* s) { s->set_rho(0); }, "spec.unbalanced_ot.rho: "},
      {[](v1::UnbalancedOtSpec* s) { s->set_rho(-1); }, "spec.unbalanced_ot.rho: "},
      {[](v1::UnbalancedOtSpec* s) { s->set_epsilon(0); }, "spec.unbalanced_ot.epsilon: "},
      {[](v1::UnbalancedOtSpec* s) { s->set_a(2, -1.0); }, "spec.unbalanced_ot.a: "},
      {[](v1::UnbalancedOtSpec* s) { s->add_b(1.0); }, "spec.unbalanced_ot.b: "},
      {[](v1::UnbalancedOtSpec* s) { s->set_tolerance(-1); }, "spec.unbalanced_ot.tolerance: "},
  };
  for (const Case& c : cases) {
    v1::JobSpec spec = UnbalancedSpec();
    c.mutate(spec.mutable_unbalanced_ot());
    ExpectInvalid(spec, c.message);
  }
}

// --- sinkhorn_divergence ---

TEST_F(OtKindsTest, SinkhornDivergenceIsZeroOnEqualMeasuresAndPositiveOtherwise) {
  v1::JobSpec spec;
  v1::SinkhornDivergenceSpec* s = spec.mutable_sinkhorn_divergence();
  *s->mutable_x() = RandomPoints(40, 2, 15);
  *s->mutable_y() = RandomPoints(35, 2, 16);
  s->set_epsilon(0.05);
  const v1::SinkhornDivergenceResult r = RunOk(spec).sinkhorn_divergence();
  EXPECT_TRUE(r.converged());
  EXPECT_GT(r.divergence(), 0.0);
  EXPECT_NEAR(r.divergence(), r.ot_xy() - 0.5 * (r.ot_xx() + r.ot_yy()), 1e-15);
  EXPECT_GT(r.transport_cost(), 0.0);

  const v1::SinkhornDivergenceSpec& in = spec.sinkhorn_divergence();
  SinkhornOptions options;
  options.epsilon = 0.05;
  absl::StatusOr<SinkhornDivergenceOutput> expected = SolveSinkhornDivergence(
      *server::FromProto(in.x(), "x"), *server::FromProto(in.y(), "y"),
      *NormalizedWeights(Eigen::VectorXd(), 40, "a"), *NormalizedWeights(Eigen::VectorXd(), 35, "b"),
      GroundCost{}, options);
  ASSERT_TRUE(expected.ok()) << expected.status();
  EXPECT_EQ(r.divergence(), expected->divergence);

  *s->mutable_y() = s->x();
  EXPECT_NEAR(RunOk(spec).sinkhorn_divergence().divergence(), 0.0, 1e-9);

  s->set_epsilon(-1);
  ExpectInvalid(spec, "spec.sinkhorn_divergence.epsilon: ");
  s->set_epsilon(0.05);
  s->clear_x();
  ExpectInvalid(spec, "spec.sinkhorn_divergence.x: required");
}

// --- ot_interpolation ---

TEST_F(OtKindsTest, OtInterpolationStreamsTheDisplacementInterpolant) {
  v1::JobSpec spec;
  spec.set_frame_every(1);
  v1::OtInterpolationSpec* s = spec.mutable_ot_interpolation();
  *s->mutable_x() = RandomPoints(15, 2, 17);
  // y = x + (3, 0): the exact plan is the translation, every particle moves by it.
  v1::Matrix y = s->x();
  for (int i = 0; i < 15; ++i) y.set_values(2 * i, y.values(2 * i) + 3.0);
  *s->mutable_y() = y;
  s->set_num_frames(5);
  grpc::Status status;
  const std::vector<v1::JobEvent> events = RunToEnd(spec, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<v1::TrajectoryFrame> frames;
  const v1::OtInterpolationResult* r = nullptr;
  for (const v1::JobEvent& e : events) {
    if (e.has_frame()) frames.push_back(e.frame());
    if (e.has_result()) r = &e.result().ot_interpolation();
  }
  ASSERT_NE(r, nullptr);
  ASSERT_EQ(frames.size(), 5u);
  EXPECT_NEAR(r->transport_cost(), 9.0, 1e-12);
  EXPECT_TRUE(r->converged());
  ASSERT_EQ(r->times_size(), 5);
  EXPECT_EQ(r->times(2), 0.5);
  const Eigen::MatrixXd x = *server::FromProto(s->x(), "x");
  const Eigen::MatrixXd map = *server::FromProto(r->barycentric_map(), "map");
  EXPECT_LT((map.col(0) - x.col(0) - Eigen::VectorXd::Constant(15, 3.0)).cwiseAbs().maxCoeff(),
            1e-12);
  for (const v1::TrajectoryFrame& f : frames) {
    const Eigen::MatrixXd pos = *server::FromProto(f.positions(), "positions");
    ASSERT_EQ(pos.rows(), r->particle_weights_size());
    // Every particle sits at x_i + t * (3, 0) for some i: the mean moves by 3t.
    EXPECT_NEAR(pos.col(0).mean(), x.col(0).mean() + 3.0 * f.time(), 1e-12);
  }

  // Entropic, with new points through the entropic map.
  s->set_epsilon(0.05);
  s->set_max_iterations(100000);
  *s->mutable_new_points() = RandomPoints(4, 2, 18);
  const v1::OtInterpolationResult entropic = RunOk(spec).ot_interpolation();
  EXPECT_EQ(entropic.mapped_points().rows(), 4);
  EXPECT_TRUE(entropic.converged());

  s->set_epsilon(0);
  ExpectInvalid(spec, "spec.ot_interpolation.new_points: the map of new points is the entropic map");
  s->clear_new_points();
  s->set_num_frames(1);
  ExpectInvalid(spec, "spec.ot_interpolation.num_frames: must be >= 2");
}

// --- barycenter, free_support_barycenter ---

TEST_F(OtKindsTest, BarycenterOfTwoDiracsIsAtTheMidpoint) {
  v1::JobSpec spec;
  v1::BarycenterSpec* s = spec.mutable_barycenter();
  const int bins = 51;
  s->mutable_support()->set_rows(bins);
  s->mutable_support()->set_cols(1);
  for (int i = 0; i < bins; ++i) s->mutable_support()->add_values(i / 50.0);
  s->mutable_histograms()->set_rows(2);
  s->mutable_histograms()->set_cols(bins);
  for (int k = 0; k < 2; ++k) {
    for (int i = 0; i < bins; ++i) {
      s->mutable_histograms()->add_values(i == (k == 0 ? 10 : 40) ? 1.0 : 0.0);
    }
  }
  s->set_epsilon(1e-4);
  s->set_max_iterations(100000);
  const v1::BarycenterResult r = RunOk(spec).barycenter();
  ASSERT_EQ(r.barycenter_size(), bins);
  int argmax = 0;
  for (int i = 0; i < bins; ++i) {
    if (r.barycenter(i) > r.barycenter(argmax)) argmax = i;
  }
  EXPECT_EQ(argmax, 25);  // displacement, not a mixture of the two Diracs
  EXPECT_LT(r.barycenter(10) + r.barycenter(40), 1e-6);

  s->mutable_histograms()->set_cols(bins - 1);
  ExpectInvalid(spec, "spec.barycenter.histograms: ");
}

TEST_F(OtKindsTest, FreeSupportBarycenterOfTranslatesMeetsHalfway) {
  v1::JobSpec spec;
  v1::FreeSupportBarycenterSpec* s = spec.mutable_free_support_barycenter();
  const v1::Matrix y1 = RandomPoints(12, 2, 19);
  v1::Matrix y2 = y1;
  for (int i = 0; i < 12; ++i) y2.set_values(2 * i + 1, y2.values(2 * i + 1) + 2.0);
  *s->add_clouds()->mutable_points() = y1;
  *s->add_clouds()->mutable_points() = y2;
  *s->mutable_initial_support() = RandomPoints(12, 2, 20);
  const v1::FreeSupportBarycenterResult r = RunOk(spec).free_support_barycenter();
  EXPECT_TRUE(r.converged());
  EXPECT_NEAR(r.transport_cost(), 1.0, 1e-12);  // 2 * (1/2) * |(0, 1)|^2
  const Eigen::MatrixXd support = *server::FromProto(r.support(), "support");
  EXPECT_NEAR(support.col(1).mean(), server::FromProto(y1, "y")->col(1).mean() + 1.0, 1e-12);

  s->clear_clouds();
  ExpectInvalid(spec, "spec.free_support_barycenter.clouds: required");
}

}  // namespace
}  // namespace advect::testing
