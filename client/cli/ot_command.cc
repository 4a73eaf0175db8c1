#include "client/cli/ot_command.h"

#include <chrono>
#include <memory>
#include <optional>

#include <grpcpp/client_context.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/cli/errors.h"
#include "client/cli/output.h"
#include "client/cli/progress_bar.h"
#include "client/cli/sinkhorn_options.h"
#include "client/lib/channel.h"
#include "client/lib/status.h"

namespace advect::cli {
namespace {

constexpr int64_t kServerDefaultMaxIterations = 1000;
constexpr double kServerDefaultTolerance = 1e-9;

absl::Status CheckSize(const google::protobuf::Message& request) {
  if (request.ByteSizeLong() > static_cast<size_t>(client::kMaxSendMessageBytes)) {
    return InputError(absl::StrCat("the request is ", request.ByteSizeLong() >> 20,
                                   " MiB, more than the 256 MiB the client sends"));
  }
  return absl::OkStatus();
}

absl::Status Detach(const Context& context, const SinkhornOptions& options, v1::JobSpec spec) {
  v1::SubmitJobRequest request;
  *request.mutable_spec() = std::move(spec);
  if (options.timeout_seconds) {
    const auto nanos = static_cast<int64_t>(*options.timeout_seconds * 1e9);
    request.mutable_timeout()->set_seconds(nanos / 1000000000);
    request.mutable_timeout()->set_nanos(static_cast<int32_t>(nanos % 1000000000));
  }
  if (absl::Status s = CheckSize(request); !s.ok()) return s;
  grpc::ClientContext rpc;
  v1::SubmitJobResponse response;
  grpc::Status status = context.stub->SubmitJob(&rpc, request, &response);
  if (!status.ok()) return RpcFailure(context, status);
  if (context.globals.json) {
    std::fprintf(context.out, "%s\n", ToJson(response.job()).c_str());
  } else {
    std::fprintf(context.out, "%s\n", response.job().job_id().c_str());
    if (context.err_is_tty) {
      std::fprintf(context.err, "advect: submitted; follow it with 'advect jobs watch %s'\n",
                   response.job().job_id().c_str());
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RunOtSinkhorn(const Context& context, const ParsedFlags& flags) {
  absl::StatusOr<SinkhornOptions> options = SinkhornOptionsFromFlags(flags);
  if (!options.ok()) return options.status();
  absl::StatusOr<v1::JobSpec> spec = BuildJobSpec(*options);
  if (!spec.ok()) return spec.status();
  if (options->detach) return Detach(context, *options, *std::move(spec));

  v1::RunRequest request;
  *request.mutable_spec() = *std::move(spec);
  if (absl::Status s = CheckSize(request); !s.ok()) return s;
  grpc::ClientContext rpc;
  if (options->timeout_seconds) {
    rpc.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::duration_cast<std::chrono::system_clock::duration>(
                         std::chrono::duration<double>(*options->timeout_seconds)));
  }
  const auto start = std::chrono::steady_clock::now();
  const double tol = options->tolerance.value_or(0.0);
  ProgressBar bar(context.err, context.err_is_tty,
                  options->max_iterations.value_or(0) > 0 ? *options->max_iterations
                                                          : kServerDefaultMaxIterations,
                  tol > 0 ? tol : kServerDefaultTolerance);
  bar.SetState("submitting");

  std::unique_ptr<grpc::ClientReaderInterface<v1::RunResponse>> reader =
      context.stub->Run(&rpc, request);
  RunInfo info;
  v1::JobState final_state = v1::JOB_STATE_UNSPECIFIED;
  v1::JobError job_error;
  std::optional<v1::EntropicOtResult> result;
  v1::RunResponse response;
  while (reader->Read(&response)) {
    const v1::JobEvent& event = response.event();
    if (info.job_id.empty()) info.job_id = event.job_id();
    switch (event.kind_case()) {
      case v1::JobEvent::kStateChange:
        bar.SetState(client::JobStateName(event.state_change().state()));
        if (client::IsTerminal(event.state_change().state())) {
          final_state = event.state_change().state();
          job_error = event.state_change().error();
        }
        break;
      case v1::JobEvent::kProgress:
        bar.Update(event.progress().iteration(), event.progress().error());
        break;
      case v1::JobEvent::kFrame:
        ++info.frames;
        break;
      case v1::JobEvent::kResult:
        if (event.result().has_entropic_ot()) result = event.result().entropic_ot();
        break;
      default:
        break;
    }
  }
  grpc::Status status = reader->Finish();
  bar.Clear();
  info.elapsed_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (final_state == v1::JOB_STATE_FAILED || final_state == v1::JOB_STATE_CANCELLED) {
    return JobFailedError(absl::StrCat(
        "job ", info.job_id, final_state == v1::JOB_STATE_FAILED ? " failed: " : " was cancelled: ",
        client::FormatJobError(job_error)));
  }
  if (!status.ok()) return RpcFailure(context, status);
  if (!result.has_value()) {
    return RpcError(grpc::Status(grpc::StatusCode::INTERNAL,
                                 absl::StrCat("the stream of job ", info.job_id,
                                              " ended without a result")));
  }
  std::vector<std::string> written;
  if (!options->out_dir.empty()) {
    absl::StatusOr<std::vector<std::string>> paths = WriteResultArrays(options->out_dir, *result);
    if (!paths.ok()) return paths.status();
    written = *std::move(paths);
  }
  if (context.globals.json) {
    std::fprintf(context.out, "%s\n", ToJson(*result).c_str());
  } else {
    std::string text = absl::StrCat(FormatOtResult(*result), FormatRunInfo(info));
    if (!written.empty()) {
      absl::StrAppend(&text, absl::StrFormat("%-16s%s\n", "wrote", absl::StrJoin(written, ", ")));
    }
    std::fputs(text.c_str(), context.out);
  }
  return absl::OkStatus();
}

}  // namespace advect::cli
