// AdvectService through real gRPC: Run, SubmitJob, GetJob, WatchJob, ListJobs,
// validation errors, frames, health and reflection.
#include <cmath>
#include <string>
#include <vector>

#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include "core/problems/linear_problem.h"
#include "core/solvers/sinkhorn.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "server/matrix_convert.h"
#include "tests/server/test_server.h"

namespace advect::testing {
namespace {

TEST_F(ServerTest, RunStreamsStatesProgressAndResult) {
  StartServer();
  grpc::Status status;
  std::vector<v1::JobEvent> events = RunToEnd(SmallSpec(), &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_GE(events.size(), 5u);
  const std::string id = events.front().job_id();
  EXPECT_FALSE(id.empty());
  EXPECT_EQ(events[0].state_change().state(), v1::JOB_STATE_QUEUED);
  EXPECT_EQ(events[1].state_change().state(), v1::JOB_STATE_RUNNING);
  EXPECT_TRUE(events[2].has_progress());
  EXPECT_TRUE(events[events.size() - 2].has_result());
  EXPECT_EQ(events.back().state_change().state(), v1::JOB_STATE_SUCCEEDED);
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].sequence(), static_cast<int64_t>(i + 1));
    EXPECT_EQ(events[i].job_id(), id);
  }
  const v1::EntropicOtResult& r = events[events.size() - 2].result().entropic_ot();
  EXPECT_TRUE(r.converged());
  EXPECT_LE(r.marginal_error(), 1e-9);
  EXPECT_EQ(r.f_size(), 12);
  EXPECT_EQ(r.g_size(), 10);
  EXPECT_EQ(r.epsilon(), 0.05);
  EXPECT_EQ(r.cost_scale(), 1.0);
  // The last progress event reports the final iteration.
  const v1::JobEvent* last_progress = nullptr;
  for (const auto& e : events) {
    if (e.has_progress()) last_progress = &e;
  }
  ASSERT_NE(last_progress, nullptr);
  EXPECT_EQ(last_progress->progress().iteration(), r.iterations());

  v1::Job job;
  ASSERT_TRUE(GetJob(id, &job).ok());
  EXPECT_EQ(job.state(), v1::JOB_STATE_SUCCEEDED);
  EXPECT_EQ(job.kind(), "entropic_ot");
  EXPECT_EQ(job.last_sequence(), static_cast<int64_t>(events.size()));
  EXPECT_TRUE(job.has_create_time() && job.has_start_time() && job.has_end_time());
  EXPECT_EQ(job.result().entropic_ot().transport_cost(), r.transport_cost());
}

TEST_F(ServerTest, ResultIsExactlyTheCoreSolversAnswer) {
  StartServer();
  v1::JobSpec spec = SmallSpec(30, 20, 3);
  spec.mutable_entropic_ot()->add_a(0.0);  // non-uniform weights, one of them zero
  for (int i = 1; i < 30; ++i) spec.mutable_entropic_ot()->add_a(i);
  spec.mutable_entropic_ot()->set_return_plan(true);
  grpc::Status status;
  std::vector<v1::JobEvent> events = RunToEnd(spec, &status);
  ASSERT_TRUE(status.ok());
  const v1::EntropicOtResult& r = events[events.size() - 2].result().entropic_ot();

  const v1::EntropicOtSpec& ot = spec.entropic_ot();
  absl::StatusOr<LinearProblem> problem = LinearProblem::FromPoints(
      *server::FromProto(ot.x(), "x"), *server::FromProto(ot.y(), "y"),
      server::FromProto(ot.a()), Eigen::VectorXd(), GroundCost{});
  ASSERT_TRUE(problem.ok());
  SinkhornOptions options;
  options.epsilon = 0.05;
  absl::StatusOr<SinkhornOutput> expected = SolveSinkhorn(*problem, options);
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(r.transport_cost(), expected->transport_cost);
  EXPECT_EQ(r.iterations(), expected->iterations);
  ASSERT_EQ(r.plan().rows(), 30);
  ASSERT_EQ(r.plan().cols(), 20);
  // Column sums of the plan are exactly b = 1/20 (the last half-step makes
  // them so); row sums are the (normalised) weights a within the tolerance.
  for (int j = 0; j < 20; ++j) {
    double column = 0;
    for (int i = 0; i < 30; ++i) column += r.plan().values(i * 20 + j);
    EXPECT_NEAR(column, 1.0 / 20, 1e-12);
  }
  double row_error = 0;
  for (int i = 0; i < 30; ++i) {
    double row = 0;
    for (int j = 0; j < 20; ++j) row += r.plan().values(i * 20 + j);
    row_error += std::abs(row - i / 435.0);
  }
  EXPECT_LE(row_error, 1e-9);
}

struct BadInput {
  std::string name;
  std::function<void(v1::JobSpec&)> mutate;
  std::string message;  // expected substring of the error
};

std::vector<BadInput> BadInputs() {
  auto ot = [](v1::JobSpec& s) { return s.mutable_entropic_ot(); };
  return {
      {"NoKind", [](v1::JobSpec& s) { s.clear_entropic_ot(); }, "spec.kind: no computation"},
      {"ZeroEpsilon", [&](v1::JobSpec& s) { ot(s)->set_epsilon(0); },
       "spec.entropic_ot.epsilon: must be finite and > 0, got 0"},
      {"NanEpsilon", [&](v1::JobSpec& s) { ot(s)->set_epsilon(std::nan("")); },
       "spec.entropic_ot.epsilon: must be finite and > 0"},
      {"ShapeMismatch", [&](v1::JobSpec& s) { ot(s)->mutable_x()->add_values(1.0); },
       "spec.entropic_ot.x: has 25 values but rows * cols = 12 * 2 = 24"},
      {"NanPoint", [&](v1::JobSpec& s) { ot(s)->mutable_y()->set_values(5, std::nan("")); },
       "spec.entropic_ot.y: values must be finite, but entry [2, 1] is nan"},
      {"DimensionMismatch",
       [&](v1::JobSpec& s) { *ot(s)->mutable_y() = RandomPoints(10, 3, 9); },
       "spec.entropic_ot.y: points have dimension 3 but x has dimension 2"},
      {"NegativeWeight",
       [&](v1::JobSpec& s) {
         for (int i = 0; i < 12; ++i) ot(s)->add_a(i == 4 ? -1.0 : 1.0);
       },
       "spec.entropic_ot.a: weights must be non-negative, but entry [4] is -1"},
      {"ZeroMass",
       [&](v1::JobSpec& s) {
         for (int i = 0; i < 10; ++i) ot(s)->add_b(0.0);
       },
       "spec.entropic_ot.b: weights must have a positive, finite total mass"},
      {"WrongWeightCount", [&](v1::JobSpec& s) { ot(s)->add_a(1.0); },
       "spec.entropic_ot.a: expected 12 weights (one per point), got 1"},
      {"MissingTarget", [&](v1::JobSpec& s) { ot(s)->clear_y(); },
       "spec.entropic_ot.y: required"},
      {"PointsAndCostMatrix",
       [&](v1::JobSpec& s) { *ot(s)->mutable_cost_matrix() = RandomPoints(12, 10, 5); },
       "spec.entropic_ot.cost_matrix: give either cost_matrix or the points"},
      {"InfiniteCost",
       [&](v1::JobSpec& s) {
         ot(s)->clear_x();
         ot(s)->clear_y();
         *ot(s)->mutable_cost_matrix() = RandomPoints(3, 4, 5);
         ot(s)->mutable_cost_matrix()->set_values(7, INFINITY);
       },
       "spec.entropic_ot.cost_matrix: values must be finite, but entry [1, 3] is inf"},
      {"NegativeTolerance", [&](v1::JobSpec& s) { ot(s)->set_tolerance(-1e-3); },
       "spec.entropic_ot.tolerance: must be finite and >= 0"},
      {"NegativeMaxIterations", [&](v1::JobSpec& s) { ot(s)->set_max_iterations(-5); },
       "spec.entropic_ot.max_iterations: must be >= 0, got -5"},
      {"BadDecay", [&](v1::JobSpec& s) { ot(s)->mutable_epsilon_scaling()->set_decay(1.5); },
       "spec.entropic_ot.epsilon_scaling.decay: must be in (0, 1), got 1.5"},
      {"BadPower",
       [&](v1::JobSpec& s) {
         ot(s)->mutable_cost()->set_kind(v1::COST_KIND_POWER);
         ot(s)->mutable_cost()->set_p(-1);
       },
       "spec.entropic_ot.cost.p: the exponent of a power cost must be finite and > 0"},
      {"TooManyPoints", [&](v1::JobSpec& s) { *ot(s)->mutable_x() = RandomPoints(101, 2, 5); },
       "spec.entropic_ot.x: 101 points exceed the server limit of 100 (advectd --max-points)"},
      {"PlanTooLarge",
       [&](v1::JobSpec& s) {
         *ot(s)->mutable_x() = RandomPoints(60, 2, 5);
         *ot(s)->mutable_y() = RandomPoints(60, 2, 6);
         ot(s)->set_return_plan(true);
       },
       "spec.entropic_ot.return_plan: 3600 plan entries (n * m) exceed the server limit of 1000"},
      {"NegativeFrameEvery", [](v1::JobSpec& s) { s.set_frame_every(-1); },
       "spec.frame_every: must be >= 0, got -1"},
      {"TooManyFrames", [](v1::JobSpec& s) { s.set_max_frames(1001); },
       "spec.max_frames: must be in 0..1000"},
      {"FramesWithoutPoints",
       [&](v1::JobSpec& s) {
         ot(s)->clear_x();
         ot(s)->clear_y();
         *ot(s)->mutable_cost_matrix() = RandomPoints(3, 4, 5);
         s.set_frame_every(1);
       },
       "spec.frame_every: this entropic_ot job has no positions to show"},
  };
}

class BadInputTest : public ServerTest, public ::testing::WithParamInterface<BadInput> {};

TEST_P(BadInputTest, RefusedBeforeQueueingWithTheFieldNamed) {
  server::ServerOptions options = TestOptions();
  options.limits.max_points = 100;
  options.limits.max_plan_entries = 1000;
  StartServer(options);
  v1::JobSpec spec = SmallSpec();
  GetParam().mutate(spec);

  grpc::Status run_status;
  std::vector<v1::JobEvent> events = RunToEnd(spec, &run_status);
  EXPECT_TRUE(events.empty());
  EXPECT_EQ(run_status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(run_status.error_message().find(GetParam().message), std::string::npos)
      << run_status.error_message();

  grpc::ClientContext ctx;
  v1::SubmitJobRequest request;
  *request.mutable_spec() = spec;
  v1::SubmitJobResponse response;
  grpc::Status submit_status = stub_->SubmitJob(&ctx, request, &response);
  EXPECT_EQ(submit_status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(submit_status.error_message(), run_status.error_message());

  grpc::ClientContext list_ctx;
  v1::ListJobsResponse list;
  ASSERT_TRUE(stub_->ListJobs(&list_ctx, v1::ListJobsRequest(), &list).ok());
  EXPECT_EQ(list.jobs_size(), 0) << "a refused spec must not create a job";
}

INSTANTIATE_TEST_SUITE_P(Validation, BadInputTest, ::testing::ValuesIn(BadInputs()),
                         [](const auto& info) { return info.param.name; });

TEST_F(ServerTest, OtherRequestFieldsAreValidated) {
  StartServer();
  v1::Job job;
  grpc::Status s = GetJob("", &job);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "job_id: required");
  s = GetJob("nope", &job);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(s.error_message().find("job_id: no job \"nope\""), std::string::npos);
  EXPECT_EQ(Cancel("nope").error_code(), grpc::StatusCode::NOT_FOUND);

  grpc::Status watch_status;
  Watch("nope", 0, &watch_status);
  EXPECT_EQ(watch_status.error_code(), grpc::StatusCode::NOT_FOUND);
  const std::string id = Submit(SmallSpec());
  Watch(id, -1, &watch_status);
  EXPECT_EQ(watch_status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(watch_status.error_message(), "after_sequence: must be >= 0, got -1");

  {
    grpc::ClientContext ctx;
    v1::SubmitJobRequest request;
    *request.mutable_spec() = SmallSpec();
    request.mutable_timeout()->set_seconds(-1);
    v1::SubmitJobResponse response;
    s = stub_->SubmitJob(&ctx, request, &response);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(s.error_message(), "timeout: must be positive when set");
  }
  for (auto [size, token] : {std::pair{5000, ""}, std::pair{10, "garbage"}}) {
    grpc::ClientContext ctx;
    v1::ListJobsRequest request;
    request.set_page_size(size);
    request.set_page_token(token);
    v1::ListJobsResponse response;
    s = stub_->ListJobs(&ctx, request, &response);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_TRUE(s.error_message().rfind(size == 5000 ? "page_size:" : "page_token:", 0) == 0)
        << s.error_message();
  }
}

TEST_F(ServerTest, WatchJobResumesAfterAnySequence) {
  StartServer();
  v1::JobSpec spec = SmallSpec();
  spec.set_frame_every(1);
  spec.mutable_entropic_ot()->set_epsilon(0.005);
  const std::string id = Submit(spec);
  grpc::Status status;
  // Watching a live job streams it to the end.
  std::vector<v1::JobEvent> all = Watch(id, 0, &status);
  ASSERT_TRUE(status.ok());
  ASSERT_GE(all.size(), 6u);
  EXPECT_EQ(all.back().state_change().state(), v1::JOB_STATE_SUCCEEDED);
  for (int64_t k : {int64_t{1}, int64_t{3}, static_cast<int64_t>(all.size()) - 1}) {
    std::vector<v1::JobEvent> rest = Watch(id, k, &status);
    ASSERT_TRUE(status.ok());
    ASSERT_EQ(rest.size(), all.size() - k) << "after " << k;
    for (size_t i = 0; i < rest.size(); ++i) {
      EXPECT_EQ(rest[i].SerializeAsString(), all[k + i].SerializeAsString());
    }
  }
  // After the last event of a finished job: nothing, and the stream ends.
  EXPECT_TRUE(Watch(id, all.size(), &status).empty());
  EXPECT_TRUE(status.ok());
}

TEST_F(ServerTest, FramesAreThinnedAndCapped) {
  StartServer();
  v1::JobSpec spec = SmallSpec(12, 10, 3);
  spec.mutable_entropic_ot()->set_epsilon(0.002);
  spec.set_frame_every(2);
  spec.set_max_frames(3);
  grpc::Status status;
  std::vector<v1::JobEvent> events = RunToEnd(spec, &status);
  ASSERT_TRUE(status.ok());
  std::vector<v1::TrajectoryFrame> frames;
  for (const auto& e : events) {
    if (e.has_frame()) frames.push_back(e.frame());
  }
  ASSERT_EQ(frames.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(frames[i].index(), i);
    EXPECT_EQ(frames[i].step(), 2 * (i + 1));
    EXPECT_EQ(frames[i].positions().rows(), 12);
    EXPECT_EQ(frames[i].positions().cols(), 3);
    for (double v : frames[i].positions().values()) {  // barycentres of targets in [0,1)^3
      EXPECT_GE(v, 0.0);
      EXPECT_LT(v, 1.0);
    }
  }
  v1::Job job;
  ASSERT_TRUE(GetJob(events.front().job_id(), &job).ok());
  EXPECT_EQ(job.frames_emitted(), 3);
  EXPECT_EQ(job.frames_dropped(), 0);
}

TEST_F(ServerTest, ListJobsPagesNewestFirstAndFilters) {
  StartServer();
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(Submit(SmallSpec()));
    WaitTerminal(ids.back());
  }
  const std::string cancelled = Submit(LongSpec());
  ASSERT_TRUE(Cancel(cancelled).ok());
  WaitTerminal(cancelled);

  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    grpc::ClientContext ctx;
    v1::ListJobsRequest request;
    request.set_page_size(2);
    request.set_page_token(token);
    v1::ListJobsResponse response;
    ASSERT_TRUE(stub_->ListJobs(&ctx, request, &response).ok());
    for (const auto& j : response.jobs()) {
      seen.push_back(j.job_id());
      EXPECT_FALSE(j.has_result()) << "ListJobs omits results";
    }
    token = response.next_page_token();
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(seen.size(), 6u);
  EXPECT_EQ(seen[0], cancelled);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(seen[5 - i], ids[i]);

  grpc::ClientContext ctx;
  v1::ListJobsRequest request;
  request.set_state(v1::JOB_STATE_CANCELLED);
  v1::ListJobsResponse response;
  ASSERT_TRUE(stub_->ListJobs(&ctx, request, &response).ok());
  ASSERT_EQ(response.jobs_size(), 1);
  EXPECT_EQ(response.jobs(0).job_id(), cancelled);
  EXPECT_TRUE(response.next_page_token().empty());
}

TEST_F(ServerTest, FinishedJobsExpireByCountAndTtl) {
  server::ServerOptions options = TestOptions();
  options.jobs.max_finished_jobs = 2;
  StartServer(options);
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    ids.push_back(Submit(SmallSpec()));
    WaitTerminal(ids.back());
  }
  // The worker evicts right after a job's terminal state becomes visible: poll.
  v1::Job job;
  const auto until = SteadyClock::now() + milliseconds(5000);
  while (GetJob(ids[1], &job).ok() && SteadyClock::now() < until) {
    std::this_thread::sleep_for(milliseconds(1));
  }
  EXPECT_EQ(GetJob(ids[0], &job).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(GetJob(ids[1], &job).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(GetJob(ids[2], &job).ok());
  EXPECT_TRUE(GetJob(ids[3], &job).ok());

  server_->Shutdown(milliseconds(0));
  options.jobs.max_finished_jobs = 100;
  options.jobs.finished_ttl = std::chrono::seconds(0);
  StartServer(options);
  const std::string id = Submit(SmallSpec());
  // The worker evicts expired jobs right after finishing one.
  const auto end = SteadyClock::now() + milliseconds(5000);
  grpc::Status s;
  do {
    s = GetJob(id, &job);
  } while (s.ok() && SteadyClock::now() < end);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(ServerTest, HealthServesTheServiceAndTheServer) {
  StartServer();
  auto health = grpc::health::v1::Health::NewStub(channel_);
  for (const std::string name : {"", "advect.v1.AdvectService"}) {
    grpc::ClientContext ctx;
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(name);
    grpc::health::v1::HealthCheckResponse response;
    ASSERT_TRUE(health->Check(&ctx, request, &response).ok()) << name;
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  }
  grpc::ClientContext ctx;
  grpc::health::v1::HealthCheckRequest request;
  request.set_service("no.such.Service");
  grpc::health::v1::HealthCheckResponse response;
  EXPECT_EQ(health->Check(&ctx, request, &response).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(ServerTest, ReflectionListsTheService) {
  StartServer();
  // ServerReflectionInfo with list_services (field 7, empty string), sent as raw
  // bytes: compiling reflection.proto beside libgrpc++_reflection would clash.
  grpc::GenericStub generic(channel_);
  grpc::ClientContext ctx;
  grpc::CompletionQueue cq;
  auto call = generic.PrepareCall(
      &ctx, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  void* tag = nullptr;
  bool ok = false;
  call->StartCall(reinterpret_cast<void*>(1));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  const std::string request("\x3a\x00", 2);
  grpc::Slice slice(request);
  grpc::ByteBuffer out(&slice, 1);
  call->Write(out, reinterpret_cast<void*>(2));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  grpc::ByteBuffer in;
  call->Read(&in, reinterpret_cast<void*>(3));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(in.Dump(&slices).ok());
  std::string bytes;
  for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  EXPECT_NE(bytes.find("advect.v1.AdvectService"), std::string::npos);
  EXPECT_NE(bytes.find("grpc.health.v1.Health"), std::string::npos);
  call->WritesDone(reinterpret_cast<void*>(4));
  ASSERT_TRUE(cq.Next(&tag, &ok));
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  ASSERT_TRUE(cq.Next(&tag, &ok));
  EXPECT_TRUE(status.ok()) << status.error_message();
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
}

}  // namespace
}  // namespace advect::testing
