// advectd's Prometheus metrics (prometheus-cpp from Debian): jobs by kind and
// final state, job and queue-wait durations, refused calls, open streams, and
// the queue and worker gauges read from the JobManager at each scrape. Served
// over HTTP at /metrics by MetricsEndpoint (--metrics-listen).
#ifndef ADVECT_SERVER_METRICS_H_
#define ADVECT_SERVER_METRICS_H_

#include <memory>
#include <string>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace prometheus {
class Exposer;
}

namespace advect::server {

class JobManager;
class JobRecord;

class ServerMetrics {
 public:
  ServerMetrics();

  // What /metrics serves: the registry, and the job gauges once watched.
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables() const;

  // Adds the scrape-time gauges of `jobs` (queued, running, workers, queue
  // capacity); `jobs` must outlive the registry's last scrape.
  void WatchJobs(const JobManager* jobs, int workers, int queue_capacity);

  void JobSubmitted(const std::string& kind);
  // A job reached its terminal state (counts it, observes its durations).
  void JobEnded(const JobRecord& job);
  // An AdvectService call refused before any job ran (bad spec, full queue,
  // shutting down, bad token, unknown job...).
  void CallRefused(const std::string& method, absl::StatusCode code);
  void StreamOpened() { streams_.Increment(); }
  void StreamClosed() { streams_.Decrement(); }

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<prometheus::Collectable> job_gauges_;
  prometheus::Family<prometheus::Counter>& submitted_;
  prometheus::Family<prometheus::Counter>& finished_;
  prometheus::Family<prometheus::Counter>& refused_;
  prometheus::Family<prometheus::Histogram>& duration_;
  prometheus::Histogram& queue_wait_;
  prometheus::Gauge& streams_;
};

// The HTTP endpoint serving a registry at /metrics.
class MetricsEndpoint {
 public:
  // Binds HOST:PORT (port 0 picks a free one). UNAVAILABLE when it cannot.
  static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(
      const std::string& listen, std::vector<std::shared_ptr<prometheus::Collectable>> sources);
  ~MetricsEndpoint();

  // HOST:PORT actually bound.
  const std::string& address() const { return address_; }

 private:
  MetricsEndpoint() = default;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::vector<std::shared_ptr<prometheus::Collectable>> sources_;  // the exposer holds weak refs
  std::string address_;
};

}  // namespace advect::server

#endif  // ADVECT_SERVER_METRICS_H_
