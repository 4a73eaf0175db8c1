// Bytes that are not the request message, sent with a raw (generic) channel:
// the call fails with a status, no job is created, and the server goes on.
#include <string>

#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include "tests/server/test_server.h"

namespace advect::testing {
namespace {

class MalformedRequestTest : public ServerTest {
 protected:
  // Sends `bytes` as the request of the unary `method`; returns the status.
  grpc::Status Unary(const std::string& method, const std::string& bytes) {
    grpc::GenericStub generic(channel_);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::CompletionQueue cq;
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request(&slice, 1), response;
    auto call = generic.PrepareUnaryCall(&ctx, method, request, &cq);
    call->StartCall();
    grpc::Status status;
    call->Finish(&response, &status, reinterpret_cast<void*>(1));
    void* tag = nullptr;
    bool ok = false;
    EXPECT_TRUE(cq.Next(&tag, &ok));
    return status;
  }

  // Sends `bytes` as the request of the server-streaming Run; returns the
  // status and counts the responses.
  grpc::Status Stream(const std::string& bytes, int* responses) {
    grpc::GenericStub generic(channel_);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::CompletionQueue cq;
    auto call = generic.PrepareCall(&ctx, "/advect.v1.AdvectService/Run", &cq);
    void* tag = nullptr;
    bool ok = false;
    call->StartCall(reinterpret_cast<void*>(1));
    cq.Next(&tag, &ok);
    grpc::Slice slice(bytes);
    grpc::ByteBuffer out(&slice, 1);
    call->WriteLast(out, grpc::WriteOptions(), reinterpret_cast<void*>(2));
    cq.Next(&tag, &ok);
    *responses = 0;
    while (true) {
      grpc::ByteBuffer in;
      call->Read(&in, reinterpret_cast<void*>(3));
      if (!cq.Next(&tag, &ok) || !ok) break;
      ++*responses;
    }
    grpc::Status status;
    call->Finish(&status, reinterpret_cast<void*>(4));
    cq.Next(&tag, &ok);
    return status;
  }

  void ExpectServerStillWorks() {
    v1::ListJobsRequest request;
    v1::ListJobsResponse response;
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->ListJobs(&ctx, request, &response).ok());
    EXPECT_EQ(response.jobs_size(), 0) << "a malformed request created a job";
    EXPECT_TRUE(RunOk(SmallSpec()).has_entropic_ot());
  }
};

// Not a protobuf: a field key whose varint never ends, and a length that runs past the end.
const std::string kGarbage("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 11);
const std::string kTruncated("\x0a\x7f\x0a\x05", 4);  // spec: 127 bytes announced, 2 given

TEST_F(MalformedRequestTest, UnaryCallsFailWithoutCreatingAJob) {
  StartServer();
  for (const std::string* bytes : {&kGarbage, &kTruncated}) {
    for (const char* method :
         {"/advect.v1.AdvectService/SubmitJob", "/advect.v1.AdvectService/GetJob",
          "/advect.v1.AdvectService/ListJobs"}) {
      const grpc::Status status = Unary(method, *bytes);
      EXPECT_FALSE(status.ok()) << method;
      EXPECT_NE(status.error_code(), grpc::StatusCode::UNKNOWN) << method;
      EXPECT_NE(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << method;
    }
  }
  ExpectServerStillWorks();
}

TEST_F(MalformedRequestTest, RunFailsWithoutStreamingAnEvent) {
  StartServer();
  for (const std::string* bytes : {&kGarbage, &kTruncated}) {
    int responses = -1;
    const grpc::Status status = Stream(*bytes, &responses);
    EXPECT_FALSE(status.ok());
    EXPECT_NE(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
    EXPECT_EQ(responses, 0);
  }
  ExpectServerStillWorks();
}

TEST_F(MalformedRequestTest, AnotherMessageTypeIsAnInvalidSpecNamingTheField) {
  StartServer();
  // A valid protobuf of another shape (field 3, unknown here, = "hello"): it
  // parses as a SubmitJobRequest without a spec, which validation refuses.
  const grpc::Status status =
      Unary("/advect.v1.AdvectService/SubmitJob", std::string("\x1a\x05hello", 7));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_NE(status.error_message().find("spec"), std::string::npos) << status.error_message();
  ExpectServerStillWorks();
}

}  // namespace
}  // namespace advect::testing
