#include "client/cli/job_runner.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <grpcpp/client_context.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/cli/errors.h"
#include "client/cli/output.h"
#include "client/cli/plot_source.h"
#include "client/cli/progress_bar.h"
#include "client/lib/channel.h"
#include "client/lib/convert.h"
#include "client/lib/status.h"

namespace advect::cli {
namespace {

absl::Status CheckSize(const google::protobuf::Message& request) {
  if (request.ByteSizeLong() > static_cast<size_t>(client::kMaxSendMessageBytes)) {
    return InputError(absl::StrCat("the request is ", request.ByteSizeLong() >> 20,
                                   " MiB, more than the 256 MiB the client sends"));
  }
  return absl::OkStatus();
}

absl::Status Detach(const Context& context, const RunFlags& options, v1::JobSpec spec) {
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

absl::Status RunJob(const Context& context, v1::JobSpec spec, const RunFlags& run,
                    ProgressScale scale) {
  spec.set_frame_every(run.frame_every);
  spec.set_max_frames(run.max_frames);
  if (run.detach) return Detach(context, run, std::move(spec));
  const RunFlags* options = &run;
  const std::string kind = SpecKind(spec);
  std::map<std::string, Array> inputs;
  if (!options->out_dir.empty()) inputs = SpecInputs(spec);

  v1::RunRequest request;
  *request.mutable_spec() = std::move(spec);
  if (absl::Status s = CheckSize(request); !s.ok()) return s;
  grpc::ClientContext rpc;
  if (options->timeout_seconds) {
    rpc.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::duration_cast<std::chrono::system_clock::duration>(
                         std::chrono::duration<double>(*options->timeout_seconds)));
  }
  const auto start = std::chrono::steady_clock::now();
  ProgressBar bar(context.err, context.err_is_tty, scale.max_iterations, scale.tolerance);
  bar.SetState("submitting");

  std::unique_ptr<grpc::ClientReaderInterface<v1::RunResponse>> reader =
      context.stub->Run(&rpc, request);
  RunInfo info;
  v1::JobState final_state = v1::JOB_STATE_UNSPECIFIED;
  v1::JobError job_error;
  std::optional<v1::JobResult> result;
  std::vector<Eigen::MatrixXd> frames;  // kept for --out (trajectory.npy)
  std::vector<double> frame_times;      // kept for --out (frame_times.npy)
  std::vector<ProgressPoint> progress;  // kept for --out (progress.npy)
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
        if (!options->out_dir.empty()) {
          progress.push_back({static_cast<double>(event.progress().iteration()),
                              event.progress().error(), event.progress().objective()});
        }
        break;
      case v1::JobEvent::kFrame:
        ++info.frames;
        if (!options->out_dir.empty()) {
          if (absl::StatusOr<Array> positions = client::FromMatrix(event.frame().positions());
              positions.ok()) {
            frames.push_back(std::move(positions->values));
            frame_times.push_back(event.frame().time());
          }
        }
        break;
      case v1::JobEvent::kResult:
        if (TypedResult(event.result()) != nullptr) result = event.result();
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
    absl::StatusOr<std::vector<std::string>> paths =
        WriteResultArrays(options->out_dir, *TypedResult(*result));
    if (!paths.ok()) return paths.status();
    written = *std::move(paths);
    if (!frames.empty()) {
      const std::string path = options->out_dir + "/trajectory.npy";
      if (absl::Status s = WriteNpyStack(path, frames); !s.ok()) {
        return InputError(absl::StrCat("--out: ", s.message()));
      }
      written.push_back(path);
    }
    if (absl::Status s =
            WriteRunRecord(options->out_dir, info.job_id, kind, inputs, progress, frame_times);
        !s.ok()) {
      return s;
    }
  }
  if (context.globals.json) {
    std::fprintf(context.out, "%s\n", ToJson(*TypedResult(*result)).c_str());
  } else {
    std::string text = absl::StrCat(FormatResult(*result), FormatRunInfo(info));
    if (!written.empty()) {
      absl::StrAppend(&text, absl::StrFormat("%-16s%s\n", "wrote", absl::StrJoin(written, ", ")));
    }
    std::fputs(text.c_str(), context.out);
  }
  return absl::OkStatus();
}

}  // namespace advect::cli
