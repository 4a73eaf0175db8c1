// The particle-system job kinds through the service (SCIENCE.md c1):
// particle_flow with each potential and interaction, its energy record and
// frames, divergence reported as a failed job, bad input refused naming the
// field.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/server/test_server.h"

namespace advect::testing {
namespace {

class ParticleKindsTest : public ServerTest {
 protected:
  void SetUp() override { StartServer(); }
};

v1::JobSpec FlowSpec(int n = 40) {
  v1::JobSpec spec;
  v1::ParticleFlowSpec* s = spec.mutable_particle_flow();
  *s->mutable_x() = RandomPoints(n, 2, 3);
  for (double& v : *s->mutable_x()->mutable_values()) v = 4.0 * v - 2.0;
  s->set_potential(v1::PARTICLE_POTENTIAL_DOUBLE_WELL);
  s->set_interaction(v1::PARTICLE_INTERACTION_GAUSSIAN);
  s->set_interaction_strength(0.05);
  s->set_kernel_width(0.5);
  s->set_steps(500);
  s->set_step_size(0.02);
  return spec;
}

void SetMatrix(v1::Matrix* m, int rows, int cols, const std::vector<double>& values) {
  m->set_rows(rows);
  m->set_cols(cols);
  for (double v : values) m->add_values(v);
}

TEST_F(ParticleKindsTest, DoubleWellFlowLowersTheEnergyAndStreamsFrames) {
  v1::JobSpec spec = FlowSpec();
  spec.set_frame_every(125);
  grpc::Status status;
  std::vector<v1::JobEvent> events = RunToEnd(spec, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  int frames = 0;
  int progress = 0;
  v1::ParticleFlowResult result;
  for (const v1::JobEvent& e : events) {
    if (e.has_frame()) {
      EXPECT_EQ(e.frame().positions().rows(), 40);
      EXPECT_DOUBLE_EQ(e.frame().time(), 0.02 * static_cast<double>(e.frame().step()));
      ++frames;
    }
    if (e.has_progress()) ++progress;
    if (e.has_result()) result = e.result().particle_flow();
  }
  EXPECT_EQ(frames, 5);  // steps 0, 125, ..., 500
  EXPECT_GT(progress, 0);
  ASSERT_EQ(result.positions().rows(), 40);
  ASSERT_EQ(result.energy_size(), 501);
  EXPECT_EQ(result.record_steps(500), 500);
  EXPECT_DOUBLE_EQ(result.initial_energy(), result.energy(0));
  EXPECT_DOUBLE_EQ(result.final_energy(), result.energy(500));
  for (int k = 1; k < result.energy_size(); ++k) {
    ASSERT_LE(result.energy(k), result.energy(k - 1) + 1e-14) << "step " << k;
  }
  EXPECT_LT(result.final_energy(), result.initial_energy());
  EXPECT_EQ(result.field_evaluations(), 501);
  // At t = 10 every particle sits in a well, x = (+-1, 0), up to the weak
  // repulsion (force <= 0.05 / 0.5, against the wells' stiffness 2 and 1).
  for (int i = 0; i < 40; ++i) {
    EXPECT_NEAR(std::abs(result.positions().values(2 * i)), 1.0, 0.1) << "particle " << i;
    EXPECT_NEAR(result.positions().values(2 * i + 1), 0.0, 0.15) << "particle " << i;
  }
}

TEST_F(ParticleKindsTest, QuadraticPotentialWithNoiseIsSeededAndReachesItsCenter) {
  v1::JobSpec spec;
  v1::ParticleFlowSpec* s = spec.mutable_particle_flow();
  *s->mutable_x() = RandomPoints(2000, 2, 5);
  s->set_potential(v1::PARTICLE_POTENTIAL_QUADRATIC);
  s->add_center(3.0);
  s->add_center(-1.0);
  SetMatrix(s->mutable_hessian(), 2, 2, {2.0, 0.0, 0.0, 0.5});
  s->set_noise(0.5);
  s->set_steps(1000);
  s->set_step_size(0.01);
  s->set_seed(9);
  const v1::ParticleFlowResult a = RunOk(spec).particle_flow();
  const v1::ParticleFlowResult b = RunOk(spec).particle_flow();
  ASSERT_EQ(a.positions().values_size(), 4000);
  EXPECT_TRUE(std::equal(a.positions().values().begin(), a.positions().values().end(),
                         b.positions().values().begin()));
  double mean[2] = {0.0, 0.0};
  double var0 = 0.0;
  for (int i = 0; i < 2000; ++i) {
    mean[0] += a.positions().values(2 * i) / 2000.0;
    mean[1] += a.positions().values(2 * i + 1) / 2000.0;
  }
  for (int i = 0; i < 2000; ++i) {
    const double d = a.positions().values(2 * i) - mean[0];
    var0 += d * d / 2000.0;
  }
  // At t = 10 the law is N(c, 0.25 H^-1) up to e^{-2 * 0.5 * 10} and O(h).
  EXPECT_NEAR(mean[0], 3.0, 0.05);
  EXPECT_NEAR(mean[1], -1.0, 0.1);
  EXPECT_NEAR(var0, 0.125, 0.015);
}

TEST_F(ParticleKindsTest, MixturePotentialAndAttractionRepulsionRun) {
  v1::JobSpec spec = FlowSpec(30);
  v1::ParticleFlowSpec* s = spec.mutable_particle_flow();
  s->set_potential(v1::PARTICLE_POTENTIAL_GAUSSIAN_MIXTURE);
  s->set_interaction(v1::PARTICLE_INTERACTION_ATTRACTION_REPULSION);
  s->clear_interaction_strength();
  s->clear_kernel_width();
  s->set_attraction_power(2.0);
  s->set_repulsion_power(1.0);
  s->add_gmm_weights(0.5);
  s->add_gmm_weights(0.5);
  SetMatrix(s->mutable_gmm_means(), 2, 2, {-1.0, 0.0, 1.0, 0.0});
  SetMatrix(s->add_gmm_covs(), 2, 2, {0.3, 0.0, 0.0, 0.3});
  SetMatrix(s->add_gmm_covs(), 2, 2, {0.3, 0.0, 0.0, 0.3});
  const v1::ParticleFlowResult r = RunOk(spec).particle_flow();
  EXPECT_LT(r.final_energy(), r.initial_energy());
  EXPECT_EQ(r.positions().rows(), 30);
}

TEST_F(ParticleKindsTest, DivergingStepFailsNamingStepSize) {
  v1::JobSpec spec = FlowSpec();
  spec.mutable_particle_flow()->set_step_size(50.0);
  grpc::Status status;
  std::vector<v1::JobEvent> events = RunToEnd(spec, &status);
  ASSERT_FALSE(events.empty());
  const v1::StateChange& end = events.back().state_change();
  EXPECT_EQ(end.state(), v1::JOB_STATE_FAILED);
  EXPECT_EQ(end.error().code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_NE(end.error().message().find("spec.particle_flow.step_size"), std::string::npos)
      << end.error().message();
}

TEST_F(ParticleKindsTest, BadInputIsRefusedNamingTheField) {
  v1::JobSpec spec = FlowSpec();
  spec.mutable_particle_flow()->clear_x();
  ExpectInvalid(spec, "spec.particle_flow.x: the initial particles are required");
  spec = FlowSpec();
  spec.mutable_particle_flow()->mutable_x()->set_rows(41);
  ExpectInvalid(spec, "spec.particle_flow.x:");
  spec = FlowSpec();
  spec.mutable_particle_flow()->mutable_x()->set_values(3, NAN);
  ExpectInvalid(spec, "spec.particle_flow.x: must be finite");
  spec = FlowSpec();
  spec.mutable_particle_flow()->set_kernel_width(-1.0);
  ExpectInvalid(spec, "spec.particle_flow.kernel_width");
  spec = FlowSpec();
  spec.mutable_particle_flow()->set_attraction_power(3.0);
  ExpectInvalid(spec, "spec.particle_flow.attraction_power, repulsion_power: only for");
  spec = FlowSpec();
  spec.mutable_particle_flow()->add_center(1.0);
  ExpectInvalid(spec, "spec.particle_flow.center, hessian: only for");
  spec = FlowSpec();
  spec.mutable_particle_flow()->set_potential(v1::PARTICLE_POTENTIAL_QUADRATIC);
  spec.mutable_particle_flow()->add_center(1.0);
  ExpectInvalid(spec, "spec.particle_flow.center: has 1 values");
  spec = FlowSpec();
  spec.mutable_particle_flow()->set_potential(v1::PARTICLE_POTENTIAL_QUADRATIC);
  SetMatrix(spec.mutable_particle_flow()->mutable_hessian(), 2, 2, {1.0, 2.0, 0.0, 1.0});
  ExpectInvalid(spec, "spec.particle_flow.hessian: must be symmetric");
  spec = FlowSpec();
  spec.mutable_particle_flow()->set_potential(v1::PARTICLE_POTENTIAL_GAUSSIAN_MIXTURE);
  ExpectInvalid(spec, "spec.particle_flow.gmm_");
  spec = FlowSpec();
  spec.mutable_particle_flow()->set_steps(-3);
  ExpectInvalid(spec, "spec.particle_flow.steps");
  spec = FlowSpec();
  spec.mutable_particle_flow()->set_noise(-1.0);
  ExpectInvalid(spec, "spec.particle_flow.noise");
  spec = FlowSpec();
  spec.mutable_particle_flow()->set_step_size(INFINITY);
  ExpectInvalid(spec, "spec.particle_flow.step_size");
  spec = FlowSpec();
  spec.mutable_particle_flow()->set_interaction(static_cast<v1::ParticleInteraction>(42));
  ExpectInvalid(spec, "spec.particle_flow.interaction: unknown value 42");
}

TEST_F(ParticleKindsTest, InteractingParticlesAreCappedByTheirOwnLimit) {
  server::ServerOptions options = TestOptions();
  options.limits.max_interacting_particles = 30;
  server_->Shutdown(milliseconds(0));
  StartServer(options);
  ExpectInvalid(FlowSpec(40),
                "spec.particle_flow.x: 40 particles exceed the server limit of 30 "
                "(advectd --max-interacting-particles)");
  v1::JobSpec independent = FlowSpec(40);
  independent.mutable_particle_flow()->set_interaction(v1::PARTICLE_INTERACTION_NONE);
  independent.mutable_particle_flow()->clear_interaction_strength();
  independent.mutable_particle_flow()->clear_kernel_width();
  EXPECT_EQ(RunOk(independent).particle_flow().positions().rows(), 40);
}

// --- mmd_flow ---

v1::JobSpec MmdSpec() {
  v1::JobSpec spec;
  v1::MmdFlowSpec* s = spec.mutable_mmd_flow();
  *s->mutable_x() = RandomPoints(60, 2, 11);
  *s->mutable_target() = RandomPoints(50, 2, 12);
  for (int i = 0; i < 50; ++i) {
    s->mutable_target()->set_values(2 * i, s->target().values(2 * i) + 2.0);  // moved by (2, 0)
  }
  s->set_kernel_width(2.0);
  s->set_step_size(1.0);
  s->set_steps(300);
  return spec;
}

TEST_F(ParticleKindsTest, MmdFlowCarriesTheParticlesToTheTarget) {
  v1::JobSpec spec = MmdSpec();
  spec.set_frame_every(100);
  grpc::Status status;
  std::vector<v1::JobEvent> events = RunToEnd(spec, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  int frames = 0;
  double last_progress = -1.0;
  v1::MmdFlowResult r;
  for (const v1::JobEvent& e : events) {
    if (e.has_frame()) ++frames;
    if (e.has_progress()) last_progress = e.progress().objective();
    if (e.has_result()) r = e.result().mmd_flow();
  }
  EXPECT_EQ(frames, 4);
  ASSERT_EQ(r.mmd_squared_size(), 301);
  EXPECT_EQ(r.record_steps(300), 300);
  EXPECT_DOUBLE_EQ(r.kernel_width(), 2.0);
  EXPECT_DOUBLE_EQ(last_progress, r.final_mmd_squared());  // progress shows MMD^2
  for (int k = 1; k < r.mmd_squared_size(); ++k) {
    ASSERT_LE(r.mmd_squared(k), r.mmd_squared(k - 1) + 1e-12) << "step " << k;
  }
  EXPECT_LT(r.final_mmd_squared(), 0.02 * r.initial_mmd_squared());
  double mean0 = 0.0;
  for (int i = 0; i < 60; ++i) mean0 += r.positions().values(2 * i) / 60.0;
  EXPECT_NEAR(mean0, 2.5, 0.2);  // the target's mean
}

TEST_F(ParticleKindsTest, MmdFlowDefaultsAndRefusals) {
  v1::JobSpec spec = MmdSpec();
  spec.mutable_mmd_flow()->clear_kernel_width();
  spec.mutable_mmd_flow()->set_steps(5);
  const v1::MmdFlowResult r = RunOk(spec).mmd_flow();
  EXPECT_GT(r.kernel_width(), 0.1);  // the target's median distance
  EXPECT_LT(r.kernel_width(), 1.5);
  spec = MmdSpec();
  spec.mutable_mmd_flow()->clear_target();
  ExpectInvalid(spec, "spec.mmd_flow.target: the initial particles are required");
  spec = MmdSpec();
  *spec.mutable_mmd_flow()->mutable_target() = RandomPoints(5, 3, 1);
  ExpectInvalid(spec, "spec.mmd_flow.target: has d = 3, the particles x have d = 2");
  spec = MmdSpec();
  spec.mutable_mmd_flow()->set_kernel_width(-1.0);
  ExpectInvalid(spec, "spec.mmd_flow.kernel_width");
  spec = MmdSpec();
  spec.mutable_mmd_flow()->clear_kernel_width();
  *spec.mutable_mmd_flow()->mutable_target() = RandomPoints(1, 2, 1);
  ExpectInvalid(spec, "spec.mmd_flow.kernel_width: 0 asks for the median distance");
  spec = MmdSpec();
  spec.mutable_mmd_flow()->set_steps(2000000);
  ExpectInvalid(spec, "spec.mmd_flow.steps");
}

// --- svgd ---

v1::JobSpec SvgdSpec() {
  v1::JobSpec spec;
  v1::SvgdSpec* s = spec.mutable_svgd();
  s->add_gmm_weights(1.0);
  SetMatrix(s->mutable_gmm_means(), 1, 2, {1.0, -2.0});
  SetMatrix(s->add_gmm_covs(), 2, 2, {1.0, 0.4, 0.4, 0.5});
  s->set_num_particles(150);
  s->set_seed(3);
  s->set_step_size(0.05);
  s->set_steps(800);
  return spec;
}

TEST_F(ParticleKindsTest, SvgdSpreadsParticlesOverTheTarget) {
  const v1::SvgdResult r = RunOk(SvgdSpec()).svgd();
  ASSERT_EQ(r.positions().rows(), 150);
  double mean[2] = {0.0, 0.0};
  for (int i = 0; i < 150; ++i) {
    mean[0] += r.positions().values(2 * i) / 150.0;
    mean[1] += r.positions().values(2 * i + 1) / 150.0;
  }
  EXPECT_NEAR(mean[0], 1.0, 0.05);
  EXPECT_NEAR(mean[1], -2.0, 0.05);
  EXPECT_GE(r.final_ksd_squared(), 0.0);
  EXPECT_LT(r.final_ksd_squared(), 0.05 * r.initial_ksd_squared());
  EXPECT_EQ(r.field_evaluations(), 801);
  // The same seed gives the same bits; given particles replace the draws.
  const v1::SvgdResult again = RunOk(SvgdSpec()).svgd();
  EXPECT_TRUE(std::equal(r.positions().values().begin(), r.positions().values().end(),
                         again.positions().values().begin()));
  v1::JobSpec given = SvgdSpec();
  *given.mutable_svgd()->mutable_x() = RandomPoints(20, 2, 4);
  given.mutable_svgd()->set_steps(3);
  EXPECT_EQ(RunOk(given).svgd().positions().rows(), 20);
}

TEST_F(ParticleKindsTest, SvgdRefusals) {
  v1::JobSpec spec = SvgdSpec();
  spec.mutable_svgd()->clear_gmm_weights();
  ExpectInvalid(spec, "spec.svgd.gmm_");
  spec = SvgdSpec();
  *spec.mutable_svgd()->mutable_x() = RandomPoints(5, 3, 1);
  ExpectInvalid(spec, "spec.svgd.x: has d = 3, the mixture has d = 2");
  spec = SvgdSpec();
  spec.mutable_svgd()->set_kernel_width(-2.0);
  ExpectInvalid(spec, "spec.svgd.kernel_width");
  spec = SvgdSpec();
  spec.mutable_svgd()->set_num_particles(-4);
  ExpectInvalid(spec, "spec.svgd.num_particles");
  spec = SvgdSpec();
  spec.mutable_svgd()->set_step_size(-1.0);
  ExpectInvalid(spec, "spec.svgd.step_size");
}

// --- tokens_evolve ---

v1::JobSpec TokensSpec() {
  v1::JobSpec spec;
  v1::TokenEvolveSpec* s = spec.mutable_tokens_evolve();
  *s->mutable_tokens() = RandomPoints(24, 3, 21);
  for (double& v : *s->mutable_tokens()->mutable_values()) v = 2.0 * v - 1.0;
  s->set_sphere(true);
  s->set_beta(1.0);
  s->set_steps(600);
  s->set_step_size(0.1);
  return spec;
}

TEST_F(ParticleKindsTest, TokensOnTheSphereClusterIntoOne) {
  v1::JobSpec spec = TokensSpec();
  spec.set_frame_every(200);
  grpc::Status status;
  std::vector<v1::JobEvent> events = RunToEnd(spec, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  int frames = 0;
  v1::TokenEvolveResult r;
  for (const v1::JobEvent& e : events) {
    if (e.has_frame()) ++frames;
    if (e.has_result()) r = e.result().tokens_evolve();
  }
  EXPECT_EQ(frames, 4);
  ASSERT_EQ(r.positions().rows(), 24);
  for (int i = 0; i < 24; ++i) {
    const double* p = r.positions().values().data() + 3 * i;
    EXPECT_NEAR(p[0] * p[0] + p[1] * p[1] + p[2] * p[2], 1.0, 1e-12);
  }
  EXPECT_EQ(r.num_clusters(), 1);
  EXPECT_GT(r.mean_pairwise_cosine(), 0.999);
  ASSERT_EQ(r.cluster_counts_size(), 601);
  EXPECT_EQ(r.cluster_counts(0), 24);
  EXPECT_DOUBLE_EQ(r.cluster_radius(), 1e-2);
  EXPECT_LT(r.mean_pairwise_cosines(0), 0.5);
}

TEST_F(ParticleKindsTest, TokensSinkformerAndL2RunWithGivenMatrices) {
  v1::JobSpec spec = TokensSpec();
  v1::TokenEvolveSpec* s = spec.mutable_tokens_evolve();
  s->set_sphere(false);
  s->set_attention(v1::TOKEN_ATTENTION_SINKHORN);
  s->set_sinkhorn_iterations(5);
  SetMatrix(s->mutable_v(), 3, 3, {-1, 0, 0, 0, -1, 0, 0, 0, -1});  // contracting
  s->set_steps(50);
  const v1::TokenEvolveResult r = RunOk(spec).tokens_evolve();
  EXPECT_EQ(r.positions().rows(), 24);
  EXPECT_EQ(r.field_evaluations(), 51);
  spec = TokensSpec();
  spec.mutable_tokens_evolve()->set_attention(v1::TOKEN_ATTENTION_L2);
  spec.mutable_tokens_evolve()->set_sphere(false);
  spec.mutable_tokens_evolve()->set_beta(0.0);  // uniform weights: all move to the mean
  spec.mutable_tokens_evolve()->set_steps(200);
  const v1::TokenEvolveResult l2 = RunOk(spec).tokens_evolve();
  EXPECT_EQ(l2.num_clusters(), 1);
}

TEST_F(ParticleKindsTest, TokensRefusals) {
  v1::JobSpec spec = TokensSpec();
  spec.mutable_tokens_evolve()->clear_tokens();
  ExpectInvalid(spec, "spec.tokens_evolve.tokens: the initial particles are required");
  spec = TokensSpec();
  SetMatrix(spec.mutable_tokens_evolve()->mutable_q(), 2, 2, {1, 0, 0, 1});
  ExpectInvalid(spec, "spec.tokens_evolve.q: must be 3 x 3");
  spec = TokensSpec();
  spec.mutable_tokens_evolve()->set_sinkhorn_iterations(4);
  ExpectInvalid(spec, "spec.tokens_evolve.sinkhorn_iterations: only for");
  spec = TokensSpec();
  spec.mutable_tokens_evolve()->set_attention(v1::TOKEN_ATTENTION_SINKHORN);
  spec.mutable_tokens_evolve()->set_sinkhorn_iterations(5000);
  ExpectInvalid(spec, "spec.tokens_evolve.sinkhorn_iterations: must be in [1, 1000]");
  spec = TokensSpec();
  spec.mutable_tokens_evolve()->set_beta(INFINITY);
  ExpectInvalid(spec, "spec.tokens_evolve.beta");
  spec = TokensSpec();
  spec.mutable_tokens_evolve()->mutable_tokens()->set_values(3, 0.0);
  spec.mutable_tokens_evolve()->mutable_tokens()->set_values(4, 0.0);
  spec.mutable_tokens_evolve()->mutable_tokens()->set_values(5, 0.0);
  ExpectInvalid(spec, "spec.tokens_evolve.tokens: a token of norm 0");
  spec = TokensSpec();
  spec.mutable_tokens_evolve()->set_attention(static_cast<v1::TokenAttention>(9));
  ExpectInvalid(spec, "spec.tokens_evolve.attention: unknown value 9");
}

TEST_F(ParticleKindsTest, TokensAttentionMatrixIsBoundedByMaxCostEntries) {
  server::ServerOptions options = TestOptions();
  options.limits.max_cost_entries = 400;
  server_->Shutdown(milliseconds(0));
  StartServer(options);
  ExpectInvalid(TokensSpec(),
                "spec.tokens_evolve.tokens: 576 attention entries (n^2) exceed the server limit "
                "of 400 (advectd --max-cost-entries)");
}

// --- meanfield_train ---

v1::JobSpec MeanFieldSpec() {
  v1::JobSpec spec;
  v1::MeanFieldTrainSpec* s = spec.mutable_meanfield_train();
  s->set_neurons(40);
  s->set_teacher_neurons(2);
  s->set_dimension(3);
  s->set_num_samples(300);
  s->set_step_size(0.5);
  s->set_steps(600);
  s->set_seed(5);
  return spec;
}

TEST_F(ParticleKindsTest, MeanFieldTrainingLowersTheRiskAndAlignsNeurons) {
  v1::JobSpec spec = MeanFieldSpec();
  spec.set_frame_every(200);
  grpc::Status status;
  std::vector<v1::JobEvent> events = RunToEnd(spec, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  int frames = 0;
  v1::MeanFieldTrainResult r;
  for (const v1::JobEvent& e : events) {
    if (e.has_frame()) {
      EXPECT_EQ(e.frame().positions().cols(), 4);  // (u_i, v_i)
      ++frames;
    }
    if (e.has_result()) r = e.result().meanfield_train();
  }
  EXPECT_EQ(frames, 4);
  ASSERT_EQ(r.positions().rows(), 40);
  ASSERT_EQ(r.teacher().rows(), 2);
  for (int k = 1; k < r.risk_size(); ++k) {
    ASSERT_LE(r.risk(k), r.risk(k - 1) + 1e-15) << "step " << k;
  }
  EXPECT_LT(r.final_risk(), 0.05 * r.initial_risk());
  EXPECT_GT(r.final_alignment(), r.initial_alignment() + 0.1);
}

TEST_F(ParticleKindsTest, MeanFieldTrainsOnGivenData) {
  v1::JobSpec spec;
  v1::MeanFieldTrainSpec* s = spec.mutable_meanfield_train();
  *s->mutable_data() = RandomPoints(100, 2, 31);
  for (int i = 0; i < 100; ++i) {
    s->add_labels(std::sin(3.0 * s->data().values(2 * i)));  // y = sin(3 z_1)
  }
  s->set_neurons(50);
  s->set_activation(v1::NEURON_ACTIVATION_TANH);
  s->set_steps(300);
  const v1::MeanFieldTrainResult r = RunOk(spec).meanfield_train();
  EXPECT_EQ(r.positions().cols(), 3);
  EXPECT_LT(r.final_risk(), r.initial_risk());
  EXPECT_FALSE(r.has_teacher());
}

TEST_F(ParticleKindsTest, MeanFieldRefusals) {
  v1::JobSpec spec = MeanFieldSpec();
  *spec.mutable_meanfield_train()->mutable_data() = RandomPoints(10, 3, 1);
  ExpectInvalid(spec, "spec.meanfield_train.teacher_neurons, dimension, num_samples: only");
  spec = v1::JobSpec();
  *spec.mutable_meanfield_train()->mutable_data() = RandomPoints(10, 3, 1);
  spec.mutable_meanfield_train()->add_labels(1.0);
  ExpectInvalid(spec, "spec.meanfield_train.labels: need 10 values");
  spec = MeanFieldSpec();
  spec.mutable_meanfield_train()->add_labels(1.0);
  ExpectInvalid(spec, "spec.meanfield_train.labels: only with data");
  spec = MeanFieldSpec();
  spec.mutable_meanfield_train()->set_neurons(-1);
  ExpectInvalid(spec, "spec.meanfield_train.neurons: must be >= 1");
  spec = MeanFieldSpec();
  *spec.mutable_meanfield_train()->mutable_initial_neurons() = RandomPoints(40, 3, 1);
  ExpectInvalid(spec, "spec.meanfield_train.initial_neurons: need D + 1 = 4 columns");
  spec = MeanFieldSpec();
  spec.mutable_meanfield_train()->set_activation(static_cast<v1::NeuronActivation>(7));
  ExpectInvalid(spec, "spec.meanfield_train.activation: unknown value 7");
}

// --- jko ---

v1::JobSpec JkoSpec() {
  v1::JobSpec spec;
  v1::JkoSpec* s = spec.mutable_jko();
  s->add_grid_points(201);
  s->add_grid_lo(-4.0);
  s->add_grid_hi(5.0);
  v1::Matrix* density = s->mutable_density();
  density->set_rows(201);
  density->set_cols(1);
  for (int i = 0; i < 201; ++i) {
    const double x = -4.0 + 9.0 * i / 200.0;
    density->add_values(std::exp(-(x + 1.0) * (x + 1.0) / (2 * 0.09)));
  }
  s->set_potential(v1::PARTICLE_POTENTIAL_QUADRATIC);
  s->add_center(1.0);
  s->set_noise(std::sqrt(0.5));
  s->set_step_size(0.05);
  s->set_steps(20);
  s->set_epsilon(4e-3);
  return spec;
}

TEST_F(ParticleKindsTest, JkoFollowsTheOrnsteinUhlenbeckLaw) {
  v1::JobSpec spec = JkoSpec();
  spec.set_frame_every(10);
  grpc::Status status;
  std::vector<v1::JobEvent> events = RunToEnd(spec, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  int frames = 0;
  v1::JkoResult r;
  for (const v1::JobEvent& e : events) {
    if (e.has_frame()) {
      EXPECT_EQ(e.frame().positions().rows(), 201);  // the density
      ++frames;
    }
    if (e.has_result()) r = e.result().jko();
  }
  EXPECT_EQ(frames, 3);
  ASSERT_EQ(r.density().rows(), 201);
  ASSERT_EQ(r.energy_size(), 21);
  EXPECT_TRUE(r.converged());
  EXPECT_LT(r.final_energy(), r.initial_energy());
  // At t = 1: mean 1 - 2/e, variance 0.5 - 0.41/e^2 (coarser grid and steps than the core
  // test: looser tolerance).
  ASSERT_EQ(r.mean_size(), 1);
  EXPECT_NEAR(r.mean(0), 1.0 - 2.0 * std::exp(-1.0), 0.04);
  EXPECT_NEAR(r.covariance().values(0), 0.5 - 0.41 * std::exp(-2.0), 0.04);
}

TEST_F(ParticleKindsTest, JkoRefusals) {
  v1::JobSpec spec = JkoSpec();
  spec.mutable_jko()->add_grid_points(10);
  ExpectInvalid(spec, "spec.jko.grid_points, grid_lo, grid_hi: need 1 or 2 values");
  spec = JkoSpec();
  spec.mutable_jko()->mutable_density()->set_rows(200);
  ExpectInvalid(spec, "spec.jko.density");
  spec = JkoSpec();
  spec.mutable_jko()->mutable_density()->set_values(3, -1.0);
  ExpectInvalid(spec, "spec.jko.density: needs 201 finite values >= 0");
  spec = JkoSpec();
  spec.mutable_jko()->set_step_size(-1.0);
  ExpectInvalid(spec, "spec.jko.step_size");
  spec = JkoSpec();
  spec.mutable_jko()->set_noise(-1.0);
  ExpectInvalid(spec, "spec.jko.noise");
  spec = JkoSpec();
  spec.mutable_jko()->set_epsilon(-1.0);
  ExpectInvalid(spec, "spec.jko.epsilon");
  spec = JkoSpec();
  spec.mutable_jko()->set_grid_hi(0, -5.0);
  ExpectInvalid(spec, "spec.jko.grid: axis 0 needs finite lo < hi");
  spec = JkoSpec();
  spec.mutable_jko()->add_gmm_weights(1.0);
  ExpectInvalid(spec, "spec.jko.gmm_weights, gmm_means, gmm_covs: only for");
}

}  // namespace
}  // namespace advect::testing
