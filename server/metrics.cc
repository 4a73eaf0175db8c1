#include "server/metrics.h"

#include <chrono>
#include <exception>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/exposer.h>
#include <prometheus/metric_family.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "server/job_manager.h"
#include "server/job_record.h"

namespace advect::server {
namespace {

// Seconds from 5 ms to an hour: small OT jobs to long flows.
const prometheus::Histogram::BucketBoundaries& DurationBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600};
  return *buckets;
}

double Seconds(const google::protobuf::Timestamp& from, const google::protobuf::Timestamp& to) {
  return static_cast<double>(to.seconds() - from.seconds()) +
         static_cast<double>(to.nanos() - from.nanos()) * 1e-9;
}

// JOB_STATE_SUCCEEDED -> succeeded.
std::string StateLabel(v1::JobState state) {
  absl::string_view name = v1::JobState_Name(state);
  absl::ConsumePrefix(&name, "JOB_STATE_");
  return absl::AsciiStrToLower(name);
}

// Gauges read from the JobManager when Prometheus scrapes.
class JobGauges : public prometheus::Collectable {
 public:
  JobGauges(const JobManager* jobs, int workers, int queue_capacity)
      : jobs_(jobs), workers_(workers), queue_capacity_(queue_capacity) {}

  std::vector<prometheus::MetricFamily> Collect() const override {
    return {Gauge("advect_jobs_queued", "Jobs waiting for a worker.", jobs_->queued()),
            Gauge("advect_jobs_running", "Jobs running on a worker.", jobs_->running()),
            Gauge("advect_workers", "Worker threads (advectd --workers).", workers_),
            Gauge("advect_queue_capacity", "Jobs that may wait (advectd --queue-capacity).",
                  queue_capacity_)};
  }

 private:
  static prometheus::MetricFamily Gauge(const char* name, const char* help, double value) {
    prometheus::MetricFamily family;
    family.name = name;
    family.help = help;
    family.type = prometheus::MetricType::Gauge;
    family.metric.emplace_back();
    family.metric.back().gauge.value = value;
    return family;
  }

  const JobManager* jobs_;
  const int workers_, queue_capacity_;
};

}  // namespace

ServerMetrics::ServerMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      submitted_(prometheus::BuildCounter()
                     .Name("advect_jobs_submitted_total")
                     .Help("Jobs accepted (Run and SubmitJob), by kind.")
                     .Register(*registry_)),
      finished_(prometheus::BuildCounter()
                    .Name("advect_jobs_finished_total")
                    .Help("Jobs that reached a terminal state, by kind and state.")
                    .Register(*registry_)),
      refused_(prometheus::BuildCounter()
                   .Name("advect_requests_rejected_total")
                   .Help("AdvectService calls refused, by method and gRPC status code.")
                   .Register(*registry_)),
      duration_(prometheus::BuildHistogram()
                    .Name("advect_job_duration_seconds")
                    .Help("Running time of jobs that ran (start to terminal state), by kind.")
                    .Register(*registry_)),
      queue_wait_(prometheus::BuildHistogram()
                      .Name("advect_job_queue_wait_seconds")
                      .Help("Time jobs waited in the queue before a worker took them.")
                      .Register(*registry_)
                      .Add({}, DurationBuckets())),
      streams_(prometheus::BuildGauge()
                   .Name("advect_active_streams")
                   .Help("Open Run and WatchJob streams.")
                   .Register(*registry_)
                   .Add({})) {}

void ServerMetrics::WatchJobs(const JobManager* jobs, int workers, int queue_capacity) {
  job_gauges_ = std::make_shared<JobGauges>(jobs, workers, queue_capacity);
}

std::vector<std::shared_ptr<prometheus::Collectable>> ServerMetrics::collectables() const {
  std::vector<std::shared_ptr<prometheus::Collectable>> all = {registry_};
  if (job_gauges_) all.push_back(job_gauges_);
  return all;
}

void ServerMetrics::JobSubmitted(const std::string& kind) {
  submitted_.Add({{"kind", kind}}).Increment();
}

void ServerMetrics::JobEnded(const JobRecord& job) {
  const v1::Job snapshot = job.Snapshot(false);
  finished_.Add({{"kind", job.kind()}, {"state", StateLabel(snapshot.state())}}).Increment();
  if (snapshot.has_start_time()) {
    queue_wait_.Observe(Seconds(snapshot.create_time(), snapshot.start_time()));
    if (snapshot.has_end_time()) {
      duration_.Add({{"kind", job.kind()}}, DurationBuckets())
          .Observe(Seconds(snapshot.start_time(), snapshot.end_time()));
    }
  }
}

void ServerMetrics::CallRefused(const std::string& method, absl::StatusCode code) {
  refused_.Add({{"method", method}, {"code", absl::StatusCodeToString(code)}}).Increment();
}

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Start(
    const std::string& listen, std::vector<std::shared_ptr<prometheus::Collectable>> sources) {
  std::unique_ptr<MetricsEndpoint> endpoint(new MetricsEndpoint());
  try {
    endpoint->exposer_ = std::make_unique<prometheus::Exposer>(listen, /*num_threads=*/2);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("--metrics-listen: cannot listen on ", listen, " (", e.what(), ")"));
  }
  endpoint->sources_ = std::move(sources);
  for (const auto& source : endpoint->sources_) endpoint->exposer_->RegisterCollectable(source);
  const std::vector<int> ports = endpoint->exposer_->GetListeningPorts();
  const size_t colon = listen.rfind(':');
  endpoint->address_ =
      absl::StrCat(listen.substr(0, colon), ":", ports.empty() ? 0 : ports.front());
  return endpoint;
}

MetricsEndpoint::~MetricsEndpoint() = default;

}  // namespace advect::server
