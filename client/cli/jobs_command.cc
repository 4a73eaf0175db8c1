#include "client/cli/jobs_command.h"

#include <limits>
#include <memory>

#include <grpcpp/client_context.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/cli/errors.h"
#include "client/cli/output.h"
#include "client/cli/plot_source.h"
#include "client/lib/status.h"

namespace advect::cli {
namespace {

const std::string& JobId(const ParsedFlags& flags) { return flags.positionals.at(0); }

}  // namespace

absl::StatusOr<v1::ListJobsRequest> ListJobsRequestFromFlags(const ParsedFlags& flags) {
  v1::ListJobsRequest request;
  if (auto state = flags.Get("state")) {
    std::optional<v1::JobState> parsed = client::ParseJobState(*state);
    if (!parsed) {
      return UsageError(absl::StrCat("--state: '", *state,
                                     "' is not one of queued, running, succeeded, failed, "
                                     "cancelled"));
    }
    request.set_state(*parsed);
  }
  if (auto size = flags.Get("page-size")) {
    absl::StatusOr<int64_t> n = ParseInt("page-size", *size, 1, 1000);
    if (!n.ok()) return n.status();
    request.set_page_size(static_cast<int32_t>(*n));
  }
  request.set_page_token(flags.Get("page-token").value_or(""));
  return request;
}

absl::Status RunJobsList(const Context& context, const ParsedFlags& flags) {
  absl::StatusOr<v1::ListJobsRequest> request = ListJobsRequestFromFlags(flags);
  if (!request.ok()) return request.status();
  grpc::ClientContext rpc;
  v1::ListJobsResponse response;
  grpc::Status status = context.stub->ListJobs(&rpc, *request, &response);
  if (!status.ok()) return RpcFailure(context, status);
  if (context.globals.json) {
    std::fprintf(context.out, "%s\n", ToJson(response).c_str());
  } else {
    std::fputs(FormatJobList(response).c_str(), context.out);
  }
  return absl::OkStatus();
}

absl::Status RunJobsGet(const Context& context, const ParsedFlags& flags) {
  const std::string out_dir = flags.Get("out").value_or("");
  if (flags.Has("out") && out_dir.empty()) return UsageError("--out: empty directory name");
  v1::GetJobRequest request;
  request.set_job_id(JobId(flags));
  grpc::ClientContext rpc;
  v1::GetJobResponse response;
  grpc::Status status = context.stub->GetJob(&rpc, request, &response);
  if (!status.ok()) return RpcFailure(context, status);
  const v1::Job& job = response.job();
  std::vector<std::string> written;
  const google::protobuf::Message* result = TypedResult(job.result());
  if (!out_dir.empty() && result != nullptr) {
    absl::StatusOr<std::vector<std::string>> paths = WriteResultArrays(out_dir, *result);
    if (!paths.ok()) return paths.status();
    written = *std::move(paths);
    // job.json lets `advect plot --from` read the directory (no inputs: the server keeps none).
    if (absl::Status s = WriteRunRecord(out_dir, job.job_id(), job.kind(), {}, {}, {}); !s.ok()) {
      return s;
    }
  }
  if (context.globals.json) {
    std::fprintf(context.out, "%s\n", ToJson(job).c_str());
  } else {
    std::fputs(FormatJob(job).c_str(), context.out);
    if (!written.empty()) {
      std::fprintf(context.out, "%-16s%s\n", "wrote", absl::StrJoin(written, ", ").c_str());
    }
  }
  if (!out_dir.empty() && result == nullptr) {
    if (job.state() == v1::JOB_STATE_FAILED || job.state() == v1::JOB_STATE_CANCELLED) {
      return JobFailedError(absl::StrCat("job ", job.job_id(), " ended ",
                                         client::JobStateName(job.state()),
                                         "; no result to write to ", out_dir));
    }
    std::fprintf(context.err, "advect: job %s is %s; no result written to %s yet\n",
                 job.job_id().c_str(), client::JobStateName(job.state()).c_str(),
                 out_dir.c_str());
  }
  return absl::OkStatus();
}

absl::Status RunJobsWatch(const Context& context, const ParsedFlags& flags) {
  v1::WatchJobRequest request;
  request.set_job_id(JobId(flags));
  if (auto after = flags.Get("after")) {
    absl::StatusOr<int64_t> seq =
        ParseInt("after", *after, 0, std::numeric_limits<int64_t>::max());
    if (!seq.ok()) return seq.status();
    request.set_after_sequence(*seq);
  }
  grpc::ClientContext rpc;
  std::unique_ptr<grpc::ClientReaderInterface<v1::WatchJobResponse>> reader =
      context.stub->WatchJob(&rpc, request);
  v1::WatchJobResponse response;
  v1::JobState final_state = v1::JOB_STATE_UNSPECIFIED;
  v1::JobError job_error;
  while (reader->Read(&response)) {
    const v1::JobEvent& event = response.event();
    if (event.has_state_change() && client::IsTerminal(event.state_change().state())) {
      final_state = event.state_change().state();
      job_error = event.state_change().error();
    }
    const std::string line = context.globals.json ? ToJson(event) : FormatEvent(event);
    std::fprintf(context.out, "%s\n", line.c_str());
    std::fflush(context.out);
  }
  grpc::Status status = reader->Finish();
  if (!status.ok()) return RpcFailure(context, status);
  if (final_state == v1::JOB_STATE_FAILED || final_state == v1::JOB_STATE_CANCELLED) {
    return JobFailedError(absl::StrCat("job ", JobId(flags),
                                       final_state == v1::JOB_STATE_FAILED ? " failed: "
                                                                           : " was cancelled: ",
                                       client::FormatJobError(job_error)));
  }
  return absl::OkStatus();
}

absl::Status RunJobsCancel(const Context& context, const ParsedFlags& flags) {
  v1::CancelJobRequest request;
  request.set_job_id(JobId(flags));
  grpc::ClientContext rpc;
  v1::CancelJobResponse response;
  grpc::Status status = context.stub->CancelJob(&rpc, request, &response);
  if (!status.ok()) return RpcFailure(context, status);
  if (context.globals.json) {
    std::fprintf(context.out, "%s\n", ToJson(response.job()).c_str());
  } else {
    std::fputs(FormatJob(response.job()).c_str(), context.out);
  }
  return absl::OkStatus();
}

}  // namespace advect::cli
