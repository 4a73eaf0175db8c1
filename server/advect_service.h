// The AdvectService handlers: translate the request, call the job engine, map the status.
#ifndef ADVECT_SERVER_ADVECT_SERVICE_H_
#define ADVECT_SERVER_ADVECT_SERVICE_H_

#include <memory>
#include <optional>

#include <grpcpp/grpcpp.h>

#include "advect/v1/advect_service.grpc.pb.h"
#include "server/job_manager.h"
#include "server/limits.h"
#include "server/metrics.h"
#include "server/security.h"
#include "server/task.h"

namespace advect::server {

class AdvectServiceImpl final : public v1::AdvectService::CallbackService {
 public:
  // `auth` checks every call's bearer token (a disabled one lets every call in).
  AdvectServiceImpl(JobManager* jobs, const TaskFactory* factory, Limits limits,
                    EventLogLimits event_defaults, TokenAuthenticator auth = TokenAuthenticator({}),
                    ServerMetrics* metrics = nullptr)
      : jobs_(jobs),
        factory_(factory),
        limits_(limits),
        event_defaults_(event_defaults),
        auth_(std::move(auth)),
        metrics_(metrics) {}

  grpc::ServerWriteReactor<v1::RunResponse>* Run(grpc::CallbackServerContext* ctx,
                                                 const v1::RunRequest* request) override;
  grpc::ServerUnaryReactor* SubmitJob(grpc::CallbackServerContext* ctx,
                                      const v1::SubmitJobRequest* request,
                                      v1::SubmitJobResponse* response) override;
  grpc::ServerUnaryReactor* GetJob(grpc::CallbackServerContext* ctx,
                                   const v1::GetJobRequest* request,
                                   v1::GetJobResponse* response) override;
  grpc::ServerWriteReactor<v1::WatchJobResponse>* WatchJob(
      grpc::CallbackServerContext* ctx, const v1::WatchJobRequest* request) override;
  grpc::ServerUnaryReactor* CancelJob(grpc::CallbackServerContext* ctx,
                                      const v1::CancelJobRequest* request,
                                      v1::CancelJobResponse* response) override;
  grpc::ServerUnaryReactor* ListJobs(grpc::CallbackServerContext* ctx,
                                     const v1::ListJobsRequest* request,
                                     v1::ListJobsResponse* response) override;

 private:
  // Validates and queues a spec; `deadline` bounds the job's running time.
  absl::StatusOr<std::shared_ptr<JobRecord>> Submit(const v1::JobSpec& spec,
                                                    std::optional<Clock::time_point> deadline,
                                                    const std::string& client);
  absl::StatusOr<std::shared_ptr<JobRecord>> FindJob(const std::string& job_id);

  // `status`, counted as a refused `method` call when it is not OK; the
  // caller's token checked first.
  absl::Status Counted(const char* method, absl::Status status);
  // Checks the caller's token; sets *client (when given) to who is calling, for
  // --max-jobs-per-client: "token N" (its line among the tokens) with tokens,
  // else the peer's address without its port.
  absl::Status Authorize(const char* method, const grpc::CallbackServerContext* ctx,
                         std::string* client = nullptr);

  JobManager* const jobs_;
  const TaskFactory* const factory_;
  const Limits limits_;
  const EventLogLimits event_defaults_;
  const TokenAuthenticator auth_;
  ServerMetrics* const metrics_;  // may be null
};

}  // namespace advect::server

#endif  // ADVECT_SERVER_ADVECT_SERVICE_H_
