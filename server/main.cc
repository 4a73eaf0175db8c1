// advectd: parse settings, start the server, wait for SIGINT/SIGTERM, shut down gracefully.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "server/config.h"
#include "server/logging.h"
#include "server/server.h"
#include "spdlog/spdlog.h"

extern char** environ;

int main(int argc, char** argv) {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const size_t eq = entry.find('=');
    if (eq != std::string::npos && entry.rfind("ADVECT_", 0) == 0) {
      env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
    }
  }
  absl::StatusOr<advect::server::DaemonConfig> config =
      advect::server::ParseDaemonConfig(std::vector<std::string>(argv + 1, argv + argc), env);
  if (!config.ok()) {
    std::cerr << "advectd: " << config.status().message() << "\n";
    return 2;
  }
  if (config->help) {
    std::cout << advect::server::DaemonUsage();
    return 0;
  }
  if (absl::Status s = advect::server::ConfigureLogging(config->log_level, config->log_format);
      !s.ok()) {
    std::cerr << "advectd: " << s.message() << "\n";
    return 2;
  }

  // Block the stop signals in every thread (gRPC's included); one thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  absl::StatusOr<advect::server::SecurityOptions> security =
      advect::server::LoadSecurity(config->security);
  if (!security.ok()) {
    std::cerr << "advectd: " << security.status().message() << "\n";
    return 2;
  }
  config->server.security = *std::move(security);
  if (!config->server.security.tokens.empty() && !config->server.security.tls.has_value()) {
    spdlog::warn("--auth-tokens without --tls-cert: bearer tokens travel in plaintext (fine "
                 "behind a TLS-terminating proxy or on a private network, not elsewhere)");
  }

  absl::StatusOr<std::unique_ptr<advect::server::Server>> server =
      advect::server::Server::Start(config->server);
  if (!server.ok()) {
    spdlog::error("{}", server.status().ToString());
    return 1;
  }
  // Printed whatever the log level: with port 0 it is how callers learn the port.
  const char* transport = !config->server.security.tls.has_value() ? "plaintext"
                          : config->server.security.tls->client_ca_pem.empty() ? "TLS"
                                                                               : "mutual TLS";
  if (spdlog::should_log(spdlog::level::info)) {
    spdlog::info("advectd listening on {} ({}{}, {} workers, queue capacity {})",
                 (*server)->address(), transport,
                 config->server.security.tokens.empty() ? "" : ", bearer tokens",
                 config->server.jobs.workers, config->server.jobs.queue_capacity);
  } else {
    std::cout << "advectd listening on " << (*server)->address() << std::endl;
  }
  if (!(*server)->health_address().empty()) {
    spdlog::info("health checks also on {} (plaintext, grpc.health.v1 only)",
                 (*server)->health_address());
  }
  if (!(*server)->metrics_address().empty()) {
    spdlog::info("metrics at http://{}/metrics", (*server)->metrics_address());
  }

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  spdlog::info("received {}, shutting down (grace {} ms)",
               signal_number == SIGINT ? "SIGINT" : "SIGTERM", config->shutdown_grace.count());
  (*server)->Shutdown(config->shutdown_grace);
  server->reset();
  spdlog::info("advectd stopped");
  return 0;
}
