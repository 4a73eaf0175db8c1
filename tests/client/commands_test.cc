// The ot and jobs commands against an in-process fake AdvectService: which
// RPC they call, what they print and which exit code they map outcomes to.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include "client/cli/errors.h"
#include "client/cli/jobs_command.h"
#include "client/cli/ot_command.h"
#include "client/lib/channel.h"
#include "core/io/npy.h"

namespace advect::cli {
namespace {

using grpc::ServerContext;
using grpc::Status;

v1::JobEvent StateEvent(int64_t seq, v1::JobState state, int code = 0) {
  v1::JobEvent e;
  e.set_job_id("job-7");
  e.set_sequence(seq);
  e.mutable_state_change()->set_state(state);
  if (code != 0) {
    e.mutable_state_change()->mutable_error()->set_code(code);
    e.mutable_state_change()->mutable_error()->set_message("stopped");
  }
  return e;
}

v1::EntropicOtResult Result() {
  v1::EntropicOtResult r;
  r.set_transport_cost(0.5);
  r.set_iterations(3);
  r.add_f(1);
  r.add_g(2);
  r.set_converged(true);
  return r;
}

// Scripted answers; `mode` picks the Run/Watch outcome.
class FakeService final : public v1::AdvectService::Service {
 public:
  std::string mode = "success";
  v1::RunRequest last_run;
  v1::SubmitJobRequest last_submit;
  v1::ListJobsRequest last_list;

  Status Run(ServerContext*, const v1::RunRequest* request,
             grpc::ServerWriter<v1::RunResponse>* writer) override {
    last_run = *request;
    if (mode == "invalid") return Status(grpc::StatusCode::INVALID_ARGUMENT, "epsilon: bad");
    for (const v1::JobEvent& e : Events()) {
      v1::RunResponse r;
      *r.mutable_event() = e;
      writer->Write(r);
    }
    return Status::OK;
  }
  Status SubmitJob(ServerContext*, const v1::SubmitJobRequest* request,
                   v1::SubmitJobResponse* response) override {
    last_submit = *request;
    response->mutable_job()->set_job_id("job-7");
    response->mutable_job()->set_state(v1::JOB_STATE_QUEUED);
    return Status::OK;
  }
  Status GetJob(ServerContext*, const v1::GetJobRequest* request,
                v1::GetJobResponse* response) override {
    if (request->job_id() != "job-7") return Status(grpc::StatusCode::NOT_FOUND, "no job");
    response->mutable_job()->set_job_id("job-7");
    response->mutable_job()->set_state(mode == "fail" ? v1::JOB_STATE_FAILED
                                                      : v1::JOB_STATE_SUCCEEDED);
    if (mode != "fail") *response->mutable_job()->mutable_result()->mutable_entropic_ot() = Result();
    return Status::OK;
  }
  Status WatchJob(ServerContext*, const v1::WatchJobRequest* request,
                  grpc::ServerWriter<v1::WatchJobResponse>* writer) override {
    for (const v1::JobEvent& e : Events()) {
      if (e.sequence() <= request->after_sequence()) continue;
      v1::WatchJobResponse r;
      *r.mutable_event() = e;
      writer->Write(r);
    }
    return Status::OK;
  }
  Status CancelJob(ServerContext*, const v1::CancelJobRequest* request,
                   v1::CancelJobResponse* response) override {
    response->mutable_job()->set_job_id(request->job_id());
    response->mutable_job()->set_state(v1::JOB_STATE_CANCELLED);
    return Status::OK;
  }
  Status ListJobs(ServerContext*, const v1::ListJobsRequest* request,
                  v1::ListJobsResponse* response) override {
    last_list = *request;
    response->add_jobs()->set_job_id("job-7");
    return Status::OK;
  }

 private:
  std::vector<v1::JobEvent> Events() const {
    std::vector<v1::JobEvent> events = {StateEvent(1, v1::JOB_STATE_QUEUED),
                                        StateEvent(2, v1::JOB_STATE_RUNNING)};
    if (mode == "fail") {
      events.push_back(StateEvent(3, v1::JOB_STATE_FAILED, 4));
    } else if (mode == "cancel") {
      events.push_back(StateEvent(3, v1::JOB_STATE_CANCELLED, 1));
    } else if (mode == "no_result") {
      events.push_back(StateEvent(3, v1::JOB_STATE_SUCCEEDED));
    } else {
      v1::JobEvent progress;
      progress.set_sequence(3);
      progress.mutable_progress()->set_iteration(3);
      events.push_back(progress);
      v1::JobEvent result;
      result.set_sequence(4);
      *result.mutable_result()->mutable_entropic_ot() = Result();
      events.push_back(result);
      events.push_back(StateEvent(5, v1::JOB_STATE_SUCCEEDED));
    }
    return events;
  }
};

std::string ReadAll(std::FILE* f) {
  std::string out;
  std::rewind(f);
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return out;
}

class CommandsTest : public testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_NE(port_, 0);
    const std::string address = "127.0.0.1:" + std::to_string(port_);
    stub_ = v1::AdvectService::NewStub(client::MakeChannel(address));
    context_.globals.server = address;
    context_.stub = stub_.get();
    context_.out = out_ = std::tmpfile();
    context_.err = err_ = std::tmpfile();
    Array x{2, Eigen::MatrixXd::Ones(3, 2)};
    // One file per test: ctest runs the tests of this binary in parallel.
    x_ = testing::TempDir() + "commands_test_x_" +
         testing::UnitTest::GetInstance()->current_test_info()->name() + ".npy";
    ASSERT_TRUE(WriteNpy(x_, x).ok());
  }
  void TearDown() override {
    server_->Shutdown();
    std::fclose(out_);
    std::fclose(err_);
  }
  ParsedFlags SinkhornFlags() {
    ParsedFlags f;
    f.values = {{"x", x_}, {"y", x_}, {"epsilon", "0.1"}};
    return f;
  }
  ParsedFlags IdFlags(const std::string& id = "job-7") {
    ParsedFlags f;
    f.positionals = {id};
    return f;
  }

  FakeService service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::AdvectService::Stub> stub_;
  Context context_;
  std::FILE* out_ = nullptr;
  std::FILE* err_ = nullptr;
  std::string x_;
};

TEST_F(CommandsTest, RunPrintsTheSummary) {
  ASSERT_TRUE(RunOtCommand(context_, "sinkhorn", SinkhornFlags()).ok());
  const std::string out = ReadAll(out_);
  EXPECT_NE(out.find("transport cost  0.5"), std::string::npos) << out;
  EXPECT_NE(out.find("job id          job-7"), std::string::npos) << out;
  EXPECT_EQ(ReadAll(err_), "");  // not a terminal: no progress line
  EXPECT_EQ(service_.last_run.spec().entropic_ot().x().rows(), 3);
  EXPECT_EQ(service_.last_run.spec().entropic_ot().epsilon(), 0.1);
}

TEST_F(CommandsTest, RunJsonPrintsOnlyTheResult) {
  context_.globals.json = true;
  ASSERT_TRUE(RunOtCommand(context_, "sinkhorn", SinkhornFlags()).ok());
  const std::string out = ReadAll(out_);
  EXPECT_EQ(out.rfind("{\"transport_cost\":0.5", 0), 0u) << out;
  EXPECT_EQ(out.find('\n'), out.size() - 1);
}

TEST_F(CommandsTest, RunOutcomesMapToExitCodes) {
  service_.mode = "fail";
  absl::Status failed = RunOtCommand(context_, "sinkhorn", SinkhornFlags());
  EXPECT_EQ(ExitCodeOf(failed), kExitJobFailed);
  EXPECT_EQ(ErrorLine(failed), "error: job job-7 failed: DEADLINE_EXCEEDED: stopped");
  service_.mode = "cancel";
  EXPECT_EQ(ExitCodeOf(RunOtCommand(context_, "sinkhorn", SinkhornFlags())), kExitJobFailed);
  service_.mode = "invalid";
  absl::Status invalid = RunOtCommand(context_, "sinkhorn", SinkhornFlags());
  EXPECT_EQ(ExitCodeOf(invalid), kExitRpc);
  EXPECT_EQ(ErrorLine(invalid), "error: INVALID_ARGUMENT: epsilon: bad");
  service_.mode = "no_result";
  EXPECT_EQ(ExitCodeOf(RunOtCommand(context_, "sinkhorn", SinkhornFlags())), kExitRpc);
}

TEST_F(CommandsTest, DetachPrintsTheIdAndSendsTheTimeout) {
  ParsedFlags flags = SinkhornFlags();
  flags.values["detach"] = "";
  flags.values["timeout"] = "1.5";
  ASSERT_TRUE(RunOtCommand(context_, "sinkhorn", flags).ok());
  EXPECT_EQ(ReadAll(out_), "job-7\n");
  EXPECT_EQ(service_.last_submit.timeout().seconds(), 1);
  EXPECT_EQ(service_.last_submit.timeout().nanos(), 500000000);
}

TEST_F(CommandsTest, UnreachableServerIsAnRpcError) {
  auto stub = v1::AdvectService::NewStub(client::MakeChannel("127.0.0.1:1"));
  context_.stub = stub.get();
  context_.globals.server = "127.0.0.1:1";
  absl::Status status = RunJobsList(context_, ParsedFlags());
  EXPECT_EQ(ExitCodeOf(status), kExitRpc);
  EXPECT_EQ(ErrorLine(status).rfind("error: UNAVAILABLE: ", 0), 0u) << status;
  EXPECT_NE(status.message().find("127.0.0.1:1"), std::string::npos);
}

TEST_F(CommandsTest, JobsGetWatchCancelList) {
  context_.globals.json = true;
  ASSERT_TRUE(RunJobsGet(context_, IdFlags()).ok());
  EXPECT_NE(ReadAll(out_).find("\"state\":\"JOB_STATE_SUCCEEDED\""), std::string::npos);
  EXPECT_EQ(ExitCodeOf(RunJobsGet(context_, IdFlags("nope"))), kExitRpc);

  std::FILE* watch_out = std::tmpfile();
  context_.out = watch_out;
  ParsedFlags watch = IdFlags();
  watch.values["after"] = "3";
  ASSERT_TRUE(RunJobsWatch(context_, watch).ok());
  const std::string lines = ReadAll(watch_out);
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 2) << lines;  // events 4 and 5
  context_.out = out_;
  std::fclose(watch_out);

  service_.mode = "fail";
  EXPECT_EQ(ExitCodeOf(RunJobsWatch(context_, IdFlags())), kExitJobFailed);
  EXPECT_TRUE(RunJobsCancel(context_, IdFlags()).ok());

  ParsedFlags list;
  list.values = {{"state", "succeeded"}, {"page-size", "5"}, {"page-token", "t"}};
  EXPECT_TRUE(RunJobsList(context_, list).ok());
  EXPECT_EQ(service_.last_list.state(), v1::JOB_STATE_SUCCEEDED);
  EXPECT_EQ(service_.last_list.page_size(), 5);
  EXPECT_EQ(service_.last_list.page_token(), "t");
  list.values = {{"state", "done"}};
  EXPECT_EQ(ExitCodeOf(RunJobsList(context_, list)), kExitUsage);
}

TEST_F(CommandsTest, JobsGetOutWritesTheArrays) {
  const std::string dir = testing::TempDir() + "commands_test_out";
  ParsedFlags flags = IdFlags();
  flags.values["out"] = dir;
  ASSERT_TRUE(RunJobsGet(context_, flags).ok());
  EXPECT_TRUE(ReadNpy(dir + "/f.npy").ok());
  EXPECT_TRUE(ReadNpy(dir + "/g.npy").ok());
  service_.mode = "fail";
  EXPECT_EQ(ExitCodeOf(RunJobsGet(context_, flags)), kExitJobFailed);
}

}  // namespace
}  // namespace advect::cli
