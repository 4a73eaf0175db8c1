// The diffusion job kinds through the service (SCIENCE.md b2-b5):
// flow_sample with a Gaussian mixture or an empirical target, ODE or SDE,
// with diagnostics; langevin_sample; bad input refused naming the field.
#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/server/test_server.h"

namespace advect::testing {
namespace {

class DiffusionKindsTest : public ServerTest {
 protected:
  void SetUp() override { StartServer(); }
};

// --- flow_sample ---

v1::JobSpec FlowSpec() {
  v1::JobSpec spec;
  v1::FlowSampleSpec* s = spec.mutable_flow_sample();
  s->add_gmm_weights(1.0);
  v1::Matrix* means = s->mutable_gmm_means();
  means->set_rows(1);
  means->set_cols(2);
  means->add_values(1.0);
  means->add_values(-2.0);
  v1::Matrix* cov = s->add_gmm_covs();
  cov->set_rows(2);
  cov->set_cols(2);
  for (double v : {2.0, 0.6, 0.6, 0.5}) cov->add_values(v);
  s->set_sampler(v1::FLOW_SAMPLER_RK4);
  s->set_steps(50);
  s->set_num_samples(200);
  s->set_seed(7);
  return spec;
}

TEST_F(DiffusionKindsTest, FlowSampleCarriesNoiseToTheMixture) {
  // One Gaussian component: the flow is affine, so the noise point 0 lands on
  // the mean, and the sample moments approach (c, S).
  v1::JobSpec spec = FlowSpec();
  v1::Matrix* noise = spec.mutable_flow_sample()->mutable_initial_noise();
  noise->set_rows(1);
  noise->set_cols(2);
  noise->add_values(0.0);
  noise->add_values(0.0);
  const v1::FlowSampleResult at_zero = RunOk(spec).flow_sample();
  ASSERT_EQ(at_zero.samples().rows(), 1);
  EXPECT_NEAR(at_zero.samples().values(0), 1.0, 1e-9);
  EXPECT_NEAR(at_zero.samples().values(1), -2.0, 1e-9);
  EXPECT_EQ(at_zero.field_evaluations(), 200);  // 50 RK4 steps

  spec = FlowSpec();
  spec.set_frame_every(10);
  grpc::Status status;
  std::vector<v1::JobEvent> events = RunToEnd(spec, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  int frames = 0;
  v1::FlowSampleResult result;
  for (const v1::JobEvent& e : events) {
    if (e.has_frame()) ++frames;
    if (e.has_result()) result = e.result().flow_sample();
  }
  EXPECT_EQ(frames, 6);  // steps 0, 10, ..., 50
  ASSERT_EQ(result.samples().rows(), 200);
  double mean0 = 0.0;
  for (int i = 0; i < 200; ++i) mean0 += result.samples().values(2 * i) / 200.0;
  EXPECT_NEAR(mean0, 1.0, 4.0 * std::sqrt(2.0 / 200));  // 4 standard errors
  // The same seed gives the same bits.
  const v1::FlowSampleResult again = RunOk(FlowSpec()).flow_sample();
  EXPECT_TRUE(std::equal(again.samples().values().begin(), again.samples().values().end(),
                         result.samples().values().begin()));
}

TEST_F(DiffusionKindsTest, FlowSampleRefusesBadInputNamingTheField) {
  struct Case {
    std::function<void(v1::FlowSampleSpec*)> mutate;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](v1::FlowSampleSpec* s) { s->set_gmm_weights(0, -1.0); },
       "spec.flow_sample.gmm_weights: weights must be"},
      {[](v1::FlowSampleSpec* s) { s->mutable_gmm_covs(0)->set_values(1, 5.0); },
       "spec.flow_sample.gmm_covs[0]: not symmetric"},
      {[](v1::FlowSampleSpec* s) { s->clear_gmm_covs(); },
       "spec.flow_sample.gmm_covs: expected 1 covariance"},
      {[](v1::FlowSampleSpec* s) { s->set_sigma(-1.0); }, "spec.flow_sample.sigma: must be"},
      {[](v1::FlowSampleSpec* s) { s->set_steps(-3); }, "spec.flow_sample.steps: must be in"},
      {[](v1::FlowSampleSpec* s) { s->set_num_samples(-1); },
       "spec.flow_sample.num_samples: must be >= 1"},
      {[](v1::FlowSampleSpec* s) { *s->mutable_target() = RandomPoints(5, 2, 1); },
       "spec.flow_sample.target: give a Gaussian mixture"},
      {[](v1::FlowSampleSpec* s) { s->mutable_diagnostics()->set_max_points(-2); },
       "spec.flow_sample.diagnostics.max_points: must be in [1, 20000]"},
      {[](v1::FlowSampleSpec* s) { s->mutable_diagnostics()->set_epsilon(-1.0); },
       "spec.flow_sample.diagnostics.epsilon: must be finite"},
      {[](v1::FlowSampleSpec* s) { s->set_sampler(static_cast<v1::FlowSampler>(9)); },
       "spec.flow_sample.sampler: unknown FlowSampler value 9"},
      {[](v1::FlowSampleSpec* s) {
         s->mutable_initial_noise()->set_rows(1);
         s->mutable_initial_noise()->set_cols(3);
         for (int i = 0; i < 3; ++i) s->mutable_initial_noise()->add_values(0.0);
       },
       "spec.flow_sample.initial_noise: expected finite points (|x| <= 1e100) of dimension 2"},
  };
  for (const Case& c : cases) {
    v1::JobSpec spec = FlowSpec();
    c.mutate(spec.mutable_flow_sample());
    ExpectInvalid(spec, c.message);
  }
}

v1::JobSpec CloudSpec() {
  v1::JobSpec spec;
  v1::FlowSampleSpec* s = spec.mutable_flow_sample();
  *s->mutable_target() = RandomPoints(30, 2, 5);
  s->set_steps(300);
  s->set_num_samples(100);
  s->set_seed(3);
  return spec;
}

TEST_F(DiffusionKindsTest, EmpiricalTargetMemorisesWithOdeAndSde) {
  // SCIENCE.md b2: the exact field of a cloud returns copies of its points;
  // the diagnostics say so.
  for (v1::FlowSampler sampler : {v1::FLOW_SAMPLER_HEUN, v1::FLOW_SAMPLER_SDE}) {
    v1::JobSpec spec = CloudSpec();
    spec.mutable_flow_sample()->set_sampler(sampler);
    const v1::FlowSampleResult r = RunOk(spec).flow_sample();
    ASSERT_EQ(r.samples().rows(), 100);
    EXPECT_EQ(r.field_evaluations(), sampler == v1::FLOW_SAMPLER_SDE ? 300 : 2 * 299 + 1);
    ASSERT_TRUE(r.has_diagnostics());
    const v1::FlowDiagnostics& d = r.diagnostics();
    ASSERT_EQ(d.nearest_training_distance_size(), 100);
    EXPECT_GE(d.memorised_fraction(), 0.9) << sampler;
    EXPECT_LE(d.median_nearest_training_distance(), 1e-9);
    EXPECT_EQ(d.divergence_samples(), 100);
    EXPECT_EQ(d.divergence_reference_points(), 30);
    EXPECT_TRUE(d.divergence_converged());
    EXPECT_GE(d.sinkhorn_divergence(), -1e-9);
    EXPECT_GT(d.epsilon(), 0.0);
  }
  // Skipped diagnostics leave the field unset.
  v1::JobSpec spec = CloudSpec();
  spec.mutable_flow_sample()->mutable_diagnostics()->set_skip(true);
  EXPECT_FALSE(RunOk(spec).flow_sample().has_diagnostics());
}

TEST_F(DiffusionKindsTest, SdeSamplesTheMixtureAndTheDivergenceSeesAWrongTarget) {
  v1::JobSpec spec = FlowSpec();
  v1::FlowSampleSpec* s = spec.mutable_flow_sample();
  s->set_sampler(v1::FLOW_SAMPLER_SDE);
  s->set_steps(400);
  s->set_num_samples(400);
  const v1::FlowSampleResult good = RunOk(spec).flow_sample();
  EXPECT_EQ(good.field_evaluations(), 400);
  double mean0 = 0.0;
  for (int i = 0; i < 400; ++i) mean0 += good.samples().values(2 * i) / 400.0;
  EXPECT_NEAR(mean0, 1.0, 4.0 * std::sqrt(2.0 / 400));
  // One step of Euler from pure noise lands far from the law: a larger divergence.
  s->set_sampler(v1::FLOW_SAMPLER_EULER);
  s->set_steps(1);
  const v1::FlowSampleResult bad = RunOk(spec).flow_sample();
  EXPECT_GT(bad.diagnostics().sinkhorn_divergence(),
            3.0 * std::max(good.diagnostics().sinkhorn_divergence(), 1e-3));
  EXPECT_EQ(bad.diagnostics().nearest_training_distance_size(), 0);
}

v1::JobSpec LangevinSpec() {
  v1::JobSpec spec;
  v1::LangevinSampleSpec* s = spec.mutable_langevin_sample();
  s->add_gmm_weights(1.0);
  v1::Matrix* means = s->mutable_gmm_means();
  means->set_rows(1);
  means->set_cols(2);
  means->add_values(2.0);
  means->add_values(-1.0);
  v1::Matrix* cov = s->add_gmm_covs();
  cov->set_rows(2);
  cov->set_cols(2);
  for (double v : {0.5, 0.1, 0.1, 0.3}) cov->add_values(v);
  s->set_step_size(0.02);
  s->set_steps(500);
  s->set_num_samples(500);
  s->set_seed(11);
  return spec;
}

TEST_F(DiffusionKindsTest, LangevinReachesTheMixtureReproducibly) {
  v1::JobSpec spec = LangevinSpec();
  spec.set_frame_every(100);
  grpc::Status status;
  std::vector<v1::JobEvent> events = RunToEnd(spec, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  int frames = 0;
  v1::LangevinSampleResult r;
  for (const v1::JobEvent& e : events) {
    if (e.has_frame()) ++frames;
    if (e.has_result()) r = e.result().langevin_sample();
  }
  EXPECT_EQ(frames, 6);  // steps 0, 100, ..., 500
  EXPECT_EQ(r.field_evaluations(), 500);
  ASSERT_EQ(r.samples().rows(), 500);
  double mean0 = 0.0, mean1 = 0.0;
  for (int i = 0; i < 500; ++i) {
    mean0 += r.samples().values(2 * i) / 500.0;
    mean1 += r.samples().values(2 * i + 1) / 500.0;
  }
  EXPECT_NEAR(mean0, 2.0, 4.0 * std::sqrt(0.5 / 500));
  EXPECT_NEAR(mean1, -1.0, 4.0 * std::sqrt(0.3 / 500));
  EXPECT_TRUE(r.has_diagnostics());
  const v1::LangevinSampleResult again = RunOk(LangevinSpec()).langevin_sample();
  EXPECT_TRUE(std::equal(again.samples().values().begin(), again.samples().values().end(),
                         r.samples().values().begin()));
}

TEST_F(DiffusionKindsTest, LangevinRefusesBadInputNamingTheField) {
  struct Case {
    std::function<void(v1::LangevinSampleSpec*)> mutate;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](v1::LangevinSampleSpec* s) { s->set_step_size(-0.1); },
       "spec.langevin_sample.step_size: must be finite and > 0"},
      {[](v1::LangevinSampleSpec* s) { s->set_steps(-1); },
       "spec.langevin_sample.steps: must be in"},
      {[](v1::LangevinSampleSpec* s) { s->clear_gmm_weights(); },
       "spec.langevin_sample.gmm_weights: at least one"},
      {[](v1::LangevinSampleSpec* s) { s->set_num_samples(-4); },
       "spec.langevin_sample.num_samples: must be >= 1"},
      {[](v1::LangevinSampleSpec* s) {
         *s->mutable_initial_points() = RandomPoints(3, 4, 1);
       },
       "spec.langevin_sample.initial_points: expected finite points"},
  };
  for (const Case& c : cases) {
    v1::JobSpec spec = LangevinSpec();
    c.mutate(spec.mutable_langevin_sample());
    ExpectInvalid(spec, c.message);
  }
}

// --- flow_map ---

v1::JobSpec FlowMapSpec() {
  v1::JobSpec spec;
  v1::FlowMapSpec* s = spec.mutable_flow_map();
  auto set = [](v1::GaussianMeasure* g, std::vector<double> mean, std::vector<double> cov) {
    for (double v : mean) g->add_mean(v);
    g->mutable_cov()->set_rows(2);
    g->mutable_cov()->set_cols(2);
    for (double v : cov) g->mutable_cov()->add_values(v);
  };
  set(s->mutable_source(), {0.0, 0.0}, {3.0, 0.0, 0.0, 0.3});
  set(s->mutable_target(), {2.0, 1.0}, {1.0, 0.9, 0.9, 1.0});
  *s->mutable_points() = RandomPoints(5, 2, 9);
  return spec;
}

TEST_F(DiffusionKindsTest, FlowMapDiffersFromBrenierByAHiddenRotation) {
  const v1::FlowMapResult r = RunOk(FlowMapSpec()).flow_map();
  EXPECT_LE(r.pushforward_error(), 1e-10);
  EXPECT_GT(r.map_distance(), 1e-3);
  EXPECT_GT(r.rotation_angle(), 1e-2);
  EXPECT_GT(r.flow_cost(), r.w2_squared());
  ASSERT_EQ(r.flow_points().rows(), 5);
  ASSERT_EQ(r.brenier_points().rows(), 5);
  // Point 0 by the returned flow map.
  const double x0 = r.flow_points().values(0);
  const std::vector<double> p = {FlowMapSpec().flow_map().points().values(0),
                                 FlowMapSpec().flow_map().points().values(1)};
  EXPECT_NEAR(x0, r.flow_matrix().values(0) * p[0] + r.flow_matrix().values(1) * p[1] +
                      r.flow_offset(0),
              1e-12);
  // From clouds, with a singular covariance: refused naming the field.
  v1::JobSpec clouds;
  *clouds.mutable_flow_map()->mutable_x() = RandomPoints(2, 3, 1);  // 2 points in 3-D
  *clouds.mutable_flow_map()->mutable_y() = RandomPoints(20, 3, 2);
  ExpectInvalid(clouds, "spec.flow_map.x (its covariance): must be positive definite");
  clouds.mutable_flow_map()->set_regularization(0.1);
  EXPECT_EQ(RunOk(clouds).flow_map().flow_matrix().rows(), 3);
  v1::JobSpec bad = FlowMapSpec();
  bad.mutable_flow_map()->set_steps(-1);
  ExpectInvalid(bad, "spec.flow_map.steps: must be in");
  bad = FlowMapSpec();
  *bad.mutable_flow_map()->mutable_x() = RandomPoints(5, 2, 1);
  ExpectInvalid(bad, "spec.flow_map.x: give either source and target");
}

// --- flow_train and sampling with the model ---

v1::JobSpec TrainSpec() {
  v1::JobSpec spec;
  v1::FlowTrainSpec* s = spec.mutable_flow_train();
  // Target: a cloud around (3, -1).
  v1::Matrix target = RandomPoints(400, 2, 12);
  for (int i = 0; i < 400; ++i) {
    target.set_values(2 * i, 3.0 + 0.5 * target.values(2 * i));
    target.set_values(2 * i + 1, -1.0 + 0.5 * target.values(2 * i + 1));
  }
  *s->mutable_target() = target;
  s->set_coupling(v1::FLOW_COUPLING_EXACT_OT);
  s->set_width(32);
  s->set_steps(300);
  s->set_batch_size(64);
  s->set_learning_rate(3e-3);
  s->set_seed(4);
  s->set_eval_points(200);
  return spec;
}

TEST_F(DiffusionKindsTest, FlowTrainKeepsAModelThatSamplingUses) {
  const std::string id = Submit(TrainSpec());
  const v1::Job job = WaitTerminal(id, std::chrono::milliseconds(60'000));
  ASSERT_EQ(job.state(), v1::JOB_STATE_SUCCEEDED) << job.error().message();
  const v1::FlowTrainResult& r = job.result().flow_train();
  EXPECT_EQ(r.model_id(), id);
  EXPECT_EQ(r.losses_size(), 300);
  EXPECT_EQ(r.loss_steps(299), 300);
  EXPECT_LT(r.final_loss(), r.losses(0));
  EXPECT_GE(r.straightness(), 0.0);
  EXPECT_GE(r.few_step_error(), 0.0);
  ASSERT_EQ(r.model().layers_size(), 3);  // depth 2: two hidden layers and the output
  EXPECT_EQ(r.model().dimension(), 2);
  EXPECT_TRUE(r.model().gaussian_source());
  EXPECT_EQ(r.parameters(), (3 * 32 + 32) + (32 * 32 + 32) + (32 * 2 + 2));

  // Sampling by id and with the exported model give the same points near the target.
  v1::JobSpec by_id;
  by_id.mutable_flow_sample()->set_model_id(id);
  by_id.mutable_flow_sample()->set_num_samples(300);
  by_id.mutable_flow_sample()->set_seed(9);
  by_id.mutable_flow_sample()->set_sampler(v1::FLOW_SAMPLER_RK4);
  by_id.mutable_flow_sample()->set_steps(20);
  const v1::FlowSampleResult a = RunOk(by_id).flow_sample();
  v1::JobSpec inline_model = by_id;
  inline_model.mutable_flow_sample()->clear_model_id();
  *inline_model.mutable_flow_sample()->mutable_model() = r.model();
  const v1::FlowSampleResult b = RunOk(inline_model).flow_sample();
  ASSERT_EQ(a.samples().rows(), 300);
  EXPECT_TRUE(std::equal(a.samples().values().begin(), a.samples().values().end(),
                         b.samples().values().begin()));
  EXPECT_FALSE(a.has_diagnostics());
  double mean0 = 0.0;
  for (int i = 0; i < 300; ++i) mean0 += a.samples().values(2 * i) / 300.0;
  EXPECT_NEAR(mean0, 3.0, 0.3);

  // Errors.
  v1::JobSpec sde = by_id;
  sde.mutable_flow_sample()->set_sampler(v1::FLOW_SAMPLER_SDE);
  ExpectInvalid(sde, "spec.flow_sample.sampler: a learned velocity has no score");
  v1::JobSpec both = by_id;
  *both.mutable_flow_sample()->mutable_target() = RandomPoints(3, 2, 1);
  ExpectInvalid(both, "spec.flow_sample.model_id: a model is the field");
  v1::JobSpec unknown = by_id;
  unknown.mutable_flow_sample()->set_model_id("no-such-job");
  grpc::Status status = RunRefused(unknown);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
  EXPECT_NE(status.error_message().find("model_id: no job no-such-job"), std::string::npos);
  v1::JobSpec broken = inline_model;
  broken.mutable_flow_sample()->mutable_model()->mutable_layers(1)->mutable_bias()->RemoveLast();
  ExpectInvalid(broken, "spec.flow_sample.model.layers[1]: expected a 32 x 32 weight");
}

TEST_F(DiffusionKindsTest, FlowTrainRefusesBadInputNamingTheField) {
  struct Case {
    std::function<void(v1::FlowTrainSpec*)> mutate;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](v1::FlowTrainSpec* s) { s->clear_target(); }, "spec.flow_train.target: required"},
      {[](v1::FlowTrainSpec* s) { *s->mutable_source() = RandomPoints(5, 3, 1); },
       "spec.flow_train.source: expected finite points of dimension 2"},
      {[](v1::FlowTrainSpec* s) { s->set_width(5000); }, "spec.flow_train.width: must be in"},
      {[](v1::FlowTrainSpec* s) { s->set_depth(-1); }, "spec.flow_train.depth: must be in"},
      {[](v1::FlowTrainSpec* s) { s->set_batch_size(-1); },
       "spec.flow_train.batch_size: must be in"},
      {[](v1::FlowTrainSpec* s) { s->set_learning_rate(-1); },
       "spec.flow_train.learning_rate: must be"},
      {[](v1::FlowTrainSpec* s) {
         s->set_coupling(v1::FLOW_COUPLING_ENTROPIC);
         s->set_sigma(-1);
       },
       "spec.flow_train.sigma: must be"},
      {[](v1::FlowTrainSpec* s) { s->set_few_steps(500); }, "spec.flow_train.few_steps: must be"},
      {[](v1::FlowTrainSpec* s) { s->set_coupling(static_cast<v1::FlowCoupling>(9)); },
       "spec.flow_train.coupling: unknown FlowCoupling value 9"},
  };
  for (const Case& c : cases) {
    v1::JobSpec spec = TrainSpec();
    c.mutate(spec.mutable_flow_train());
    ExpectInvalid(spec, c.message);
  }
}

}  // namespace
}  // namespace advect::testing
