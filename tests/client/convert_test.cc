#include "client/lib/convert.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "client/lib/channel.h"
#include "client/lib/status.h"

namespace advect::client {
namespace {

Array Make(int ndim, Eigen::MatrixXd values) {
  Array a;
  a.ndim = ndim;
  a.values = std::move(values);
  return a;
}

TEST(Convert, MatrixIsRowMajor) {
  Eigen::MatrixXd m(2, 3);
  m << 1, 2, 3, 4, 5, 6;
  v1::Matrix out = ToMatrix(Make(2, m));
  EXPECT_EQ(out.rows(), 2);
  EXPECT_EQ(out.cols(), 3);
  ASSERT_EQ(out.values_size(), 6);
  for (int k = 0; k < 6; ++k) EXPECT_EQ(out.values(k), k + 1);
}

TEST(Convert, MatrixRoundTrip) {
  Eigen::MatrixXd m = Eigen::MatrixXd::Random(4, 3);
  absl::StatusOr<Array> back = FromMatrix(ToMatrix(Make(2, m)));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->ndim, 2);
  EXPECT_EQ(back->values, m);
}

TEST(Convert, FromMatrixChecksTheSize) {
  v1::Matrix bad;
  bad.set_rows(2);
  bad.set_cols(2);
  bad.add_values(1.0);
  EXPECT_FALSE(FromMatrix(bad).ok());
  v1::Matrix empty;
  ASSERT_TRUE(FromMatrix(empty).ok());
  EXPECT_EQ(FromMatrix(empty)->values.size(), 0);
}

TEST(Convert, RepeatedFromColumnOrRowNotMatrix) {
  google::protobuf::RepeatedField<double> out;
  ASSERT_TRUE(ToRepeated(Make(1, Eigen::Vector3d(1, 2, 3)), &out).ok());
  EXPECT_EQ(std::vector<double>(out.begin(), out.end()), (std::vector<double>{1, 2, 3}));
  ASSERT_TRUE(ToRepeated(Make(2, Eigen::RowVector3d(4, 5, 6)), &out).ok());
  EXPECT_EQ(std::vector<double>(out.begin(), out.end()), (std::vector<double>{4, 5, 6}));
  EXPECT_FALSE(ToRepeated(Make(2, Eigen::MatrixXd::Zero(2, 2)), &out).ok());
}

TEST(Convert, FromRepeatedIsOneDimensional) {
  google::protobuf::RepeatedField<double> values;
  values.Add(7);
  values.Add(8);
  Array a = FromRepeated(values);
  EXPECT_EQ(a.ndim, 1);
  EXPECT_EQ(a.values.rows(), 2);
  EXPECT_EQ(a.values.cols(), 1);
  EXPECT_EQ(a.values(1, 0), 8);
}

TEST(Convert, AllFinite) {
  EXPECT_TRUE(AllFinite(Make(1, Eigen::Vector2d(1, 2))));
  EXPECT_FALSE(AllFinite(Make(1, Eigen::Vector2d(1, std::nan("")))));
  EXPECT_FALSE(AllFinite(Make(1, Eigen::Vector2d(std::numeric_limits<double>::infinity(), 0))));
}

TEST(Status, CodeNames) {
  EXPECT_EQ(StatusCodeName(0), "OK");
  EXPECT_EQ(StatusCodeName(3), "INVALID_ARGUMENT");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::UNAVAILABLE), "UNAVAILABLE");
  EXPECT_EQ(StatusCodeName(16), "UNAUTHENTICATED");
  EXPECT_EQ(StatusCodeName(99), "CODE_99");
  EXPECT_EQ(FormatStatus(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad eps")),
            "INVALID_ARGUMENT: bad eps");
  v1::JobError error;
  error.set_code(4);
  error.set_message("too slow");
  EXPECT_EQ(FormatJobError(error), "DEADLINE_EXCEEDED: too slow");
}

TEST(Status, JobStates) {
  EXPECT_EQ(ParseJobState("succeeded"), v1::JOB_STATE_SUCCEEDED);
  EXPECT_EQ(ParseJobState("RUNNING"), v1::JOB_STATE_RUNNING);
  EXPECT_EQ(ParseJobState("JOB_STATE_FAILED"), v1::JOB_STATE_FAILED);
  EXPECT_EQ(ParseJobState("canceled"), v1::JOB_STATE_CANCELLED);
  EXPECT_FALSE(ParseJobState("done").has_value());
  EXPECT_EQ(JobStateName(v1::JOB_STATE_QUEUED), "queued");
  EXPECT_TRUE(IsTerminal(v1::JOB_STATE_CANCELLED));
  EXPECT_FALSE(IsTerminal(v1::JOB_STATE_RUNNING));
}

TEST(Channel, ServerAddress) {
  EXPECT_EQ(ResolveServerAddress("a:1", "b:2"), "a:1");
  EXPECT_EQ(ResolveServerAddress("", "b:2"), "b:2");
  EXPECT_EQ(ResolveServerAddress("", nullptr), kDefaultServer);
  EXPECT_EQ(ResolveServerAddress("", ""), kDefaultServer);
  EXPECT_NE(MakeChannel("127.0.0.1:1"), nullptr);
}

}  // namespace
}  // namespace advect::client
