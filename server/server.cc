#include "server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace advect::server {

namespace {

// The model of a succeeded flow_train job kept by `jobs`.
absl::StatusOr<v1::FlowModel> FindModel(JobManager& jobs, const std::string& id) {
  std::shared_ptr<JobRecord> record = jobs.Find(id);
  if (record == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        "model_id: no job ", id, " (finished jobs are kept for --job-ttl-seconds; send the "
        "exported model in `model` instead)"));
  }
  const v1::Job job = record->Snapshot(true);
  if (!job.result().has_flow_train()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "model_id: job ", id,
        job.state() == v1::JOB_STATE_SUCCEEDED || job.has_result()
            ? " is not a flow_train job"
            : " has not succeeded (a model exists once its flow_train job has)"));
  }
  return job.result().flow_train().model();
}

// The job options with the metrics' end-of-job hook.
JobManagerOptions WithMetrics(JobManagerOptions options, ServerMetrics* metrics) {
  options.on_ended = [metrics](const JobRecord& job) { metrics->JobEnded(job); };
  return options;
}

}  // namespace

Server::Server(const ServerOptions& options)
    : jobs_(WithMetrics(options.jobs, &metrics_)),
      factory_(options.limits, [this](const std::string& id) { return FindModel(jobs_, id); }),
      service_(&jobs_, &factory_, options.limits, options.events,
               TokenAuthenticator(options.security.tokens), &metrics_) {
  metrics_.WatchJobs(&jobs_, options.jobs.workers, options.jobs.queue_capacity);
}

absl::StatusOr<std::unique_ptr<Server>> Server::Start(const ServerOptions& options) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  std::unique_ptr<Server> server(new Server(options));

  grpc::ServerBuilder builder;
  // gRPC enables SO_REUSEPORT by default; without this two servers could share a port.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort(options.listen, ServerCredentialsFor(options.security),
                           &server->port_);
  builder.SetMaxReceiveMessageSize(static_cast<int>(
      std::min<int64_t>(options.max_message_bytes, std::numeric_limits<int>::max())));
  builder.SetMaxSendMessageSize(-1);
  builder.RegisterService(&server->service_);
  server->server_ = builder.BuildAndStart();
  if (!server->server_ || server->port_ == 0) {
    server->shut_down_ = true;
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options.listen,
                                               " (address in use or not valid?)"));
  }
  const size_t colon = options.listen.rfind(':');
  server->address_ = absl::StrCat(options.listen.substr(0, colon), ":", server->port_);
  if (!options.health_listen.empty()) {
    // A second server whose only service is gRPC's default health service (and
    // reflection): what Kubernetes' plaintext gRPC probes can reach under TLS.
    grpc::ServerBuilder health_builder;
    health_builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    int health_port = 0;
    health_builder.AddListeningPort(options.health_listen, grpc::InsecureServerCredentials(),
                                    &health_port);
    server->health_server_ = health_builder.BuildAndStart();
    if (!server->health_server_ || health_port == 0) {
      server->health_server_.reset();
      server->Shutdown(std::chrono::milliseconds(0));
      return absl::UnavailableError(absl::StrCat("--health-listen: cannot listen on ",
                                                 options.health_listen));
    }
    server->health_address_ = absl::StrCat(
        options.health_listen.substr(0, options.health_listen.rfind(':')), ":", health_port);
    server->health_server_->GetHealthCheckService()->SetServingStatus(true);
  }
  if (!options.metrics_listen.empty()) {
    absl::StatusOr<std::unique_ptr<MetricsEndpoint>> endpoint =
        MetricsEndpoint::Start(options.metrics_listen, server->metrics_.collectables());
    if (!endpoint.ok()) {
      server->Shutdown(std::chrono::milliseconds(0));
      return endpoint.status();
    }
    server->metrics_endpoint_ = *std::move(endpoint);
  }
  grpc::HealthCheckServiceInterface* health = server->server_->GetHealthCheckService();
  health->SetServingStatus(true);
  health->SetServingStatus(v1::AdvectService::service_full_name(), true);
  return server;
}

Server::~Server() { Shutdown(std::chrono::milliseconds(0)); }

void Server::Shutdown(std::chrono::milliseconds grace) {
  if (shut_down_) return;
  shut_down_ = true;
  server_->GetHealthCheckService()->Shutdown();
  if (health_server_) health_server_->GetHealthCheckService()->Shutdown();
  jobs_.BeginShutdown("the server is shutting down");
  if (!jobs_.WaitIdle(Clock::now() + grace)) {
    spdlog::info("shutdown: grace period over, cancelling {} running job(s)", jobs_.running());
    jobs_.CancelRunning("the server is shutting down");
    jobs_.WaitIdle(Clock::now() + std::chrono::seconds(5));
  }
  // Streams send their jobs' last events; stragglers are cancelled after 2 s.
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  if (health_server_) health_server_->Shutdown(std::chrono::system_clock::now());
}

}  // namespace advect::server
