#include "server/advect_service.h"

#include <chrono>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/event_stream_reactor.h"
#include "server/job_factory.h"
#include "server/status_util.h"

namespace advect::server {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;

grpc::ServerUnaryReactor* Done(grpc::CallbackServerContext* ctx, const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

// The call's deadline on the steady clock, if it has one.
std::optional<Clock::time_point> CallDeadline(const grpc::CallbackServerContext* ctx) {
  const auto deadline = ctx->deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) return std::nullopt;
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(
                            deadline - std::chrono::system_clock::now());
}

}  // namespace

absl::Status AdvectServiceImpl::Counted(const char* method, absl::Status status) {
  if (!status.ok() && metrics_ != nullptr) metrics_->CallRefused(method, status.code());
  return status;
}

absl::Status AdvectServiceImpl::Authorize(const char* method,
                                          const grpc::CallbackServerContext* ctx,
                                          std::string* client) {
  int token = -1;
  absl::Status status = Counted(method, auth_.Check(ctx->client_metadata(), &token));
  if (client != nullptr) {
    if (token >= 0) {
      *client = absl::StrCat("token ", token + 1);
    } else {
      const std::string peer = ctx->peer();  // ipv4:1.2.3.4:port, ipv6:[::1]:port, unix:path
      const size_t colon = peer.rfind(':');
      *client = absl::StartsWith(peer, "ip") && colon != std::string::npos &&
                        colon > peer.find(':')
                    ? peer.substr(0, colon)
                    : peer;
    }
  }
  return status;
}

absl::StatusOr<std::shared_ptr<JobRecord>> AdvectServiceImpl::Submit(
    const v1::JobSpec& spec, std::optional<Clock::time_point> deadline,
    const std::string& client) {
  absl::StatusOr<std::unique_ptr<Task>> task = factory_->Prepare(spec);
  if (!task.ok()) return task.status();
  absl::StatusOr<EventLogLimits> events = EventLimitsFor(spec, **task, limits_, event_defaults_);
  if (!events.ok()) return events.status();
  absl::StatusOr<std::shared_ptr<JobRecord>> job =
      jobs_->Submit(*std::move(task), *events, deadline, client);
  if (job.ok() && metrics_ != nullptr) metrics_->JobSubmitted((*job)->kind());
  return job;
}

absl::StatusOr<std::shared_ptr<JobRecord>> AdvectServiceImpl::FindJob(const std::string& job_id) {
  if (job_id.empty()) return absl::InvalidArgumentError("job_id: required");
  std::shared_ptr<JobRecord> job = jobs_->Find(job_id);
  if (!job) {
    return absl::NotFoundError(absl::StrCat(
        "job_id: no job \"", job_id, "\" (unknown, or finished and since evicted)"));
  }
  return job;
}

grpc::ServerWriteReactor<v1::RunResponse>* AdvectServiceImpl::Run(
    grpc::CallbackServerContext* ctx, const v1::RunRequest* request) {
  using Reactor = EventStreamReactor<v1::RunResponse>;
  std::string client;
  if (absl::Status auth = Authorize("Run", ctx, &client); !auth.ok()) {
    return new Reactor(ToGrpcStatus(auth));
  }
  absl::StatusOr<std::shared_ptr<JobRecord>> job =
      Submit(request->spec(), CallDeadline(ctx), client);
  if (!job.ok()) return new Reactor(ToGrpcStatus(Counted("Run", job.status())));
  return new Reactor(ctx, jobs_, *std::move(job), 0, /*owns_job=*/true, metrics_);
}

grpc::ServerUnaryReactor* AdvectServiceImpl::SubmitJob(grpc::CallbackServerContext* ctx,
                                                       const v1::SubmitJobRequest* request,
                                                       v1::SubmitJobResponse* response) {
  std::string client;
  if (absl::Status auth = Authorize("SubmitJob", ctx, &client); !auth.ok()) return Done(ctx, auth);
  std::optional<Clock::time_point> deadline;
  if (request->has_timeout()) {
    const auto& t = request->timeout();
    if (t.seconds() < 0 || t.nanos() < 0 || (t.seconds() == 0 && t.nanos() == 0)) {
      return Done(ctx, Counted("SubmitJob",
                               absl::InvalidArgumentError("timeout: must be positive when set")));
    }
    deadline = Clock::now() + std::chrono::seconds(t.seconds()) + std::chrono::nanoseconds(t.nanos());
  }
  absl::StatusOr<std::shared_ptr<JobRecord>> job = Submit(request->spec(), deadline, client);
  if (job.ok()) *response->mutable_job() = (*job)->Snapshot(false);
  return Done(ctx, Counted("SubmitJob", job.status()));
}

grpc::ServerUnaryReactor* AdvectServiceImpl::GetJob(grpc::CallbackServerContext* ctx,
                                                    const v1::GetJobRequest* request,
                                                    v1::GetJobResponse* response) {
  if (absl::Status auth = Authorize("GetJob", ctx); !auth.ok()) return Done(ctx, auth);
  absl::StatusOr<std::shared_ptr<JobRecord>> job = FindJob(request->job_id());
  if (job.ok()) *response->mutable_job() = (*job)->Snapshot(true);
  return Done(ctx, Counted("GetJob", job.status()));
}

grpc::ServerWriteReactor<v1::WatchJobResponse>* AdvectServiceImpl::WatchJob(
    grpc::CallbackServerContext* ctx, const v1::WatchJobRequest* request) {
  using Reactor = EventStreamReactor<v1::WatchJobResponse>;
  if (absl::Status auth = Authorize("WatchJob", ctx); !auth.ok()) {
    return new Reactor(ToGrpcStatus(auth));
  }
  if (request->after_sequence() < 0) {
    return new Reactor(ToGrpcStatus(Counted(
        "WatchJob", absl::InvalidArgumentError(absl::StrCat("after_sequence: must be >= 0, got ",
                                                            request->after_sequence())))));
  }
  absl::StatusOr<std::shared_ptr<JobRecord>> job = FindJob(request->job_id());
  if (!job.ok()) return new Reactor(ToGrpcStatus(Counted("WatchJob", job.status())));
  return new Reactor(ctx, jobs_, *std::move(job), request->after_sequence(),
                     /*owns_job=*/false, metrics_);
}

grpc::ServerUnaryReactor* AdvectServiceImpl::CancelJob(grpc::CallbackServerContext* ctx,
                                                       const v1::CancelJobRequest* request,
                                                       v1::CancelJobResponse* response) {
  if (absl::Status auth = Authorize("CancelJob", ctx); !auth.ok()) return Done(ctx, auth);
  absl::StatusOr<std::shared_ptr<JobRecord>> job = FindJob(request->job_id());
  if (job.ok()) {
    jobs_->Stop(*job, absl::StatusCode::kCancelled, "cancelled by CancelJob");
    *response->mutable_job() = (*job)->Snapshot(false);
  }
  return Done(ctx, Counted("CancelJob", job.status()));
}

grpc::ServerUnaryReactor* AdvectServiceImpl::ListJobs(grpc::CallbackServerContext* ctx,
                                                      const v1::ListJobsRequest* request,
                                                      v1::ListJobsResponse* response) {
  if (absl::Status auth = Authorize("ListJobs", ctx); !auth.ok()) return Done(ctx, auth);
  if (request->page_size() < 0 || request->page_size() > kMaxPageSize) {
    return Done(ctx, Counted("ListJobs", absl::InvalidArgumentError(absl::StrCat(
                                             "page_size: must be in 0..", kMaxPageSize, ", got ",
                                             request->page_size()))));
  }
  if (!v1::JobState_IsValid(request->state())) {
    return Done(ctx, Counted("ListJobs", absl::InvalidArgumentError(absl::StrCat(
                                             "state: unknown job state ", request->state()))));
  }
  absl::StatusOr<JobPage> page =
      jobs_->List(request->state(), request->page_size() == 0 ? kDefaultPageSize
                                                              : request->page_size(),
                  request->page_token());
  if (page.ok()) {
    for (const auto& job : page->jobs) *response->add_jobs() = job->Snapshot(false);
    response->set_next_page_token(page->next_page_token);
  }
  return Done(ctx, Counted("ListJobs", page.status()));
}

}  // namespace advect::server
