#include "client/cli/output.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "client/cli/errors.h"

namespace advect::cli {
namespace {

v1::EntropicOtResult SampleResult(bool with_plan) {
  v1::EntropicOtResult r;
  r.set_transport_cost(1.25);
  r.set_dual_objective(1.5);
  r.add_f(1);
  r.add_f(2);
  r.add_g(3);
  r.set_iterations(7);
  r.set_marginal_error(1e-10);
  r.set_converged(true);
  r.set_epsilon(0.05);
  r.set_cost_scale(1);
  if (with_plan) {
    r.mutable_plan()->set_rows(2);
    r.mutable_plan()->set_cols(1);
    r.mutable_plan()->add_values(0.25);
    r.mutable_plan()->add_values(0.75);
  }
  return r;
}

TEST(Json, SnakeCaseAndDefaults) {
  v1::EntropicOtResult r;
  r.set_transport_cost(2);
  const std::string json = ToJson(r);
  EXPECT_EQ(json.find('\n'), std::string::npos);
  EXPECT_NE(json.find("\"transport_cost\":2"), std::string::npos) << json;
  EXPECT_NE(json.find("\"marginal_error\":0"), std::string::npos) << json;  // defaults printed
  EXPECT_NE(json.find("\"converged\":false"), std::string::npos) << json;
  EXPECT_NE(json.find("\"f\":[]"), std::string::npos) << json;
  EXPECT_EQ(json.find("transportCost"), std::string::npos);
  EXPECT_EQ(json.find("\"plan\""), std::string::npos);  // unset message fields stay out
}

TEST(Json, JobEnums) {
  v1::Job job;
  job.set_job_id("j1");
  job.set_state(v1::JOB_STATE_SUCCEEDED);
  const std::string json = ToJson(job);
  EXPECT_NE(json.find("\"job_id\":\"j1\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"state\":\"JOB_STATE_SUCCEEDED\""), std::string::npos) << json;
}

TEST(ResultArrays, RepeatedAndMatrixFields) {
  auto arrays = ResultArrays(SampleResult(true));
  ASSERT_EQ(arrays.size(), 3u);
  EXPECT_EQ(arrays[0].first, "f");
  EXPECT_EQ(arrays[0].second.ndim, 1);
  EXPECT_EQ(arrays[0].second.values.rows(), 2);
  EXPECT_EQ(arrays[1].first, "g");
  EXPECT_EQ(arrays[2].first, "plan");
  EXPECT_EQ(arrays[2].second.ndim, 2);
  EXPECT_EQ(arrays[2].second.values(1, 0), 0.75);
  EXPECT_EQ(ResultArrays(SampleResult(false)).size(), 2u);
}

TEST(ResultArrays, WrittenAsNpyInANewDirectory) {
  const std::string dir = testing::TempDir() + "advect_out_test/nested";
  std::filesystem::remove_all(testing::TempDir() + "advect_out_test");
  auto written = WriteResultArrays(dir, SampleResult(true));
  ASSERT_TRUE(written.ok()) << written.status();
  ASSERT_EQ(written->size(), 3u);
  absl::StatusOr<Array> plan = ReadNpy(dir + "/plan.npy");
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->values.rows(), 2);
  EXPECT_EQ(plan->values.cols(), 1);
  absl::StatusOr<Array> f = ReadNpy(dir + "/f.npy");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->ndim, 1);
  EXPECT_EQ(f->values(1, 0), 2.0);
}

TEST(ResultArrays, UnwritableDirectoryIsAnInputError) {
  const std::string file = testing::TempDir() + "advect_out_is_a_file";
  ASSERT_TRUE(WriteNpy(file, Array{1, Eigen::MatrixXd::Ones(1, 1)}).ok());
  auto written = WriteResultArrays(file + "/sub", SampleResult(false));
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(ExitCodeOf(written.status()), kExitInput);
  EXPECT_NE(written.status().message().find("--out"), std::string::npos);
}

TEST(HumanOutput, Summary) {
  const std::string text = FormatOtResult(SampleResult(true));
  for (const char* want : {"transport cost  1.25", "dual objective  1.5", "iterations      7",
                           "marginal error  1e-10", "converged       yes", "epsilon         0.05",
                           "plan            2 x 1"}) {
    EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
  }
  const std::string info = FormatRunInfo({"job-1", 0.5, 0});
  EXPECT_NE(info.find("job id          job-1"), std::string::npos) << info;
  EXPECT_NE(info.find("elapsed         0.500 s"), std::string::npos) << info;
}

TEST(HumanOutput, JobListAndEvents) {
  v1::ListJobsResponse list;
  v1::Job* job = list.add_jobs();
  job->set_job_id("abc");
  job->set_kind("entropic_ot");
  job->set_state(v1::JOB_STATE_FAILED);
  job->mutable_error()->set_code(4);
  job->mutable_error()->set_message("late");
  job->mutable_create_time()->set_seconds(1'700'000'000);
  list.set_next_page_token("tok");
  const std::string table = FormatJobList(list);
  EXPECT_NE(table.find("JOB ID"), std::string::npos);
  EXPECT_NE(table.find("abc"), std::string::npos);
  EXPECT_NE(table.find("failed"), std::string::npos);
  EXPECT_NE(table.find("DEADLINE_EXCEEDED: late"), std::string::npos);
  EXPECT_NE(table.find("2023-11-14T22:13:20.000Z"), std::string::npos) << table;
  EXPECT_NE(table.find("--page-token tok"), std::string::npos);

  v1::JobEvent event;
  event.set_sequence(3);
  event.mutable_progress()->set_iteration(10);
  event.mutable_progress()->set_error(0.5);
  EXPECT_NE(FormatEvent(event).find("progress iteration 10, error 0.5"), std::string::npos)
      << FormatEvent(event);
  event.mutable_state_change()->set_state(v1::JOB_STATE_CANCELLED);
  EXPECT_NE(FormatEvent(event).find("state cancelled"), std::string::npos);
  EXPECT_EQ(FormatTimestamp(google::protobuf::Timestamp()), "-");
}

}  // namespace
}  // namespace advect::cli
