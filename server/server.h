// advectd's gRPC server: AdvectService over the job engine, plus health and
// reflection. Everything a test needs to run the real server in-process.
#ifndef ADVECT_SERVER_SERVER_H_
#define ADVECT_SERVER_SERVER_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "server/advect_service.h"
#include "server/job_factory.h"
#include "server/job_manager.h"
#include "server/limits.h"
#include "server/metrics.h"
#include "server/security.h"

namespace advect::server {

struct ServerOptions {
  std::string listen = "127.0.0.1:50051";  // port 0 picks a free port
  JobManagerOptions jobs;
  Limits limits;
  EventLogLimits events;                   // defaults for every job's event log
  int64_t max_message_bytes = 64 << 20;    // largest request accepted
  SecurityOptions security;                // TLS and bearer tokens (default: neither)
  std::string metrics_listen;              // HOST:PORT of /metrics; empty: no endpoint
  std::string health_listen;               // HOST:PORT of a plaintext health-only port; empty: none
};

class Server {
 public:
  // Binds, starts the workers and serves. Fails if the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<Server>> Start(const ServerOptions& options);
  ~Server();

  int port() const { return port_; }
  // host:port actually bound.
  const std::string& address() const { return address_; }
  JobManager& jobs() { return jobs_; }
  // host:port of the plaintext health-only port; empty without one.
  const std::string& health_address() const { return health_address_; }
  // host:port of the /metrics endpoint; empty without one.
  std::string metrics_address() const {
    return metrics_endpoint_ ? metrics_endpoint_->address() : std::string();
  }

  // Graceful stop: health NOT_SERVING and new jobs refused, queued jobs
  // cancelled; running jobs get `grace` to finish, then are cancelled; streams
  // deliver their final events; then the server stops. Idempotent.
  void Shutdown(std::chrono::milliseconds grace);

 private:
  explicit Server(const ServerOptions& options);

  ServerMetrics metrics_;  // outlives the jobs, which report to it
  JobManager jobs_;        // outlives the service and every RPC
  DefaultTaskFactory factory_;
  AdvectServiceImpl service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::Server> health_server_;  // only grpc.health.v1, plaintext
  std::string health_address_;
  std::unique_ptr<MetricsEndpoint> metrics_endpoint_;  // stops first: its scrapes read jobs_
  int port_ = 0;
  std::string address_;
  bool shut_down_ = false;
};

}  // namespace advect::server

#endif  // ADVECT_SERVER_SERVER_H_
