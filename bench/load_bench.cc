// load_bench: many concurrent AdvectService/Run calls of a small job against a running
// advectd (over TCP), with a separate health prober; reports jobs/s, latency percentiles
// and how every call ended. bench/run-load-bench starts advectd and runs it at nominal
// load and at 10x overload; see bench/README.md.
//
// Each of --concurrency client threads loops: one Run call (an entropic OT job, n = m =
// --points, d = --dim, epsilon --epsilon, seeded), its stream read to the end, then the
// next call at once (no back-off after a rejection), until --duration has passed or
// --calls calls have started. A call's latency runs from its start to its final status.
// Outcomes:
//   completed  status OK, a result event and a final SUCCEEDED state change;
//   rejected   RESOURCE_EXHAUSTED with no event streamed (the server's queue was full);
//   error      anything else. An error after at least one event is also counted as
//              "accepted but not completed": the server took the job and did not finish it.
// The threads share --channels channels round-robin (default one per thread, each its own
// connection, so HTTP/2 stream limits serialise nothing). A separate thread on its own
// channel calls grpc.health.v1.Health/Check every --health-every-ms and records its latency
// and failures (non-OK, not SERVING, or slower than --health-deadline-ms).
//
// Exit status: 0 if there was no error, no accepted-but-not-completed call, no failed
// health check and at least one completed call; 1 otherwise; 2 on bad flags.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <latch>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "advect/v1/advect_service.grpc.pb.h"
#include "bench/bench_common.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace {

using advect::bench::Clock;
using advect::bench::Fail;
using advect::bench::FlagValue;
using advect::bench::ParseCount;
using advect::bench::ParseDouble;
using advect::v1::AdvectService;
using grpc::health::v1::Health;

struct Flags {
  std::string server;
  int concurrency = 4;
  double duration_s = 10;
  int64_t calls = 0;  // > 0: this many calls instead of --duration
  int points = 64;
  int dim = 2;
  double epsilon = 0.05;
  uint64_t seed = 1;
  int channels = 0;  // 0: one per client thread
  int health_every_ms = 100;
  int health_deadline_ms = 2000;
  double call_deadline_s = 120;
  bool json = false;
};

void Usage() {
  std::cout
      << "Usage: load_bench --server HOST:PORT [--concurrency N] [--duration S | --calls N]\n"
         "                  [--points N] [--dim D] [--epsilon E] [--seed S] [--channels N]\n"
         "                  [--health-every-ms M] [--health-deadline-ms M]\n"
         "                  [--call-deadline S] [--json]\n"
         "  --server              advectd to load (required)\n"
         "  --concurrency         client threads, each with one Run call in flight (default 4)\n"
         "  --duration            seconds during which calls start (default 10)\n"
         "  --calls               make exactly this many calls instead of --duration\n"
         "  --points              n = m of the entropic OT job (default 64)\n"
         "  --dim                 dimension d of its points (default 2)\n"
         "  --epsilon             its epsilon (default 0.05; squared Euclidean cost, not "
         "normalised)\n"
         "  --seed                seed of its uniform points in [0,1)^d (default 1)\n"
         "  --channels            channels shared round-robin by the threads (default: one "
         "per thread)\n"
         "  --health-every-ms     period of the Health/Check prober, 0 = none (default 100)\n"
         "  --health-deadline-ms  a check slower than this fails (default 2000)\n"
         "  --call-deadline       deadline of each Run call in seconds (default 120)\n"
         "  --json                print one JSON object instead of the text report\n";
}

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  bool duration_given = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      Usage();
      std::exit(0);
    }
    if (arg == "--json") {
      f.json = true;
      continue;
    }
    const std::string value = FlagValue(argc, argv, i, arg);
    if (arg == "--server") {
      f.server = value;
    } else if (arg == "--concurrency") {
      f.concurrency = static_cast<int>(ParseCount(arg, value));
    } else if (arg == "--duration") {
      f.duration_s = ParseDouble(arg, value);
      if (!(f.duration_s > 0)) Fail("--duration: expected a positive number of seconds");
      duration_given = true;
    } else if (arg == "--calls") {
      f.calls = ParseCount(arg, value);
    } else if (arg == "--points") {
      f.points = static_cast<int>(ParseCount(arg, value));
    } else if (arg == "--dim") {
      f.dim = static_cast<int>(ParseCount(arg, value));
    } else if (arg == "--epsilon") {
      f.epsilon = ParseDouble(arg, value);
      if (!(f.epsilon > 0)) Fail("--epsilon: expected a positive number");
    } else if (arg == "--seed") {
      f.seed = static_cast<uint64_t>(ParseCount(arg, value));
    } else if (arg == "--channels") {
      f.channels = static_cast<int>(ParseCount(arg, value));
    } else if (arg == "--health-every-ms") {
      const double v = ParseDouble(arg, value);
      if (v < 0 || v != std::floor(v)) Fail("--health-every-ms: expected an integer >= 0");
      f.health_every_ms = static_cast<int>(v);
    } else if (arg == "--health-deadline-ms") {
      f.health_deadline_ms = static_cast<int>(ParseCount(arg, value));
    } else if (arg == "--call-deadline") {
      f.call_deadline_s = ParseDouble(arg, value);
      if (!(f.call_deadline_s > 0)) Fail("--call-deadline: expected a positive number");
    } else {
      std::cerr << "load_bench: unknown flag " << arg << "\n";
      Usage();
      std::exit(2);
    }
  }
  if (f.server.empty()) {
    std::cerr << "load_bench: --server HOST:PORT is required\n";
    Usage();
    std::exit(2);
  }
  if (f.calls > 0 && duration_given) Fail("give --duration or --calls, not both");
  if (f.channels == 0) f.channels = f.concurrency;
  f.channels = std::min(f.channels, f.concurrency);
  return f;
}

// The small job: n = m = points uniform in [0,1)^dim (x and y from two seeded streams),
// squared Euclidean cost, epsilon, server defaults otherwise (tolerance 1e-9, at most 1000
// iterations, no plan in the result).
advect::v1::RunRequest SmallRunRequest(const Flags& flags) {
  advect::v1::RunRequest request;
  advect::v1::EntropicOtSpec* spec = request.mutable_spec()->mutable_entropic_ot();
  uint64_t seed = flags.seed;
  for (advect::v1::Matrix* m : {spec->mutable_x(), spec->mutable_y()}) {
    std::mt19937_64 rng(seed++);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    m->set_rows(flags.points);
    m->set_cols(flags.dim);
    for (int i = 0; i < flags.points * flags.dim; ++i) m->add_values(uniform(rng));
  }
  spec->set_epsilon(flags.epsilon);
  return request;
}

enum class Outcome { kCompleted, kRejected, kError };

struct CallResult {
  Outcome outcome = Outcome::kError;
  int64_t events = 0;
  int32_t iterations = 0;
  std::string error;  // kError only
};

// One Run call, its stream read to the end and classified.
CallResult RunOnce(AdvectService::Stub& stub, const advect::v1::RunRequest& request,
                   double deadline_s) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() +
                   std::chrono::microseconds(static_cast<int64_t>(deadline_s * 1e6)));
  std::unique_ptr<grpc::ClientReader<advect::v1::RunResponse>> reader = stub.Run(&ctx, request);
  advect::v1::RunResponse response;
  CallResult r;
  bool has_result = false;
  advect::v1::JobState last_state = advect::v1::JOB_STATE_UNSPECIFIED;
  std::string job_id;
  while (reader->Read(&response)) {
    ++r.events;
    const advect::v1::JobEvent& e = response.event();
    if (job_id.empty()) job_id = e.job_id();
    if (e.has_result()) {
      has_result = e.result().has_entropic_ot();
      r.iterations = e.result().entropic_ot().iterations();
    }
    if (e.has_state_change()) last_state = e.state_change().state();
  }
  const grpc::Status status = reader->Finish();
  if (status.ok() && has_result && last_state == advect::v1::JOB_STATE_SUCCEEDED) {
    r.outcome = Outcome::kCompleted;
    return r;
  }
  if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED && r.events == 0) {
    r.outcome = Outcome::kRejected;
    return r;
  }
  r.outcome = Outcome::kError;
  r.error = "status " + std::to_string(status.error_code()) + " \"" + status.error_message() +
            "\" after " + std::to_string(r.events) + " event(s)";
  if (!job_id.empty()) r.error += ", job " + job_id;
  if (status.ok()) {
    r.error += has_result ? ", last state " + advect::v1::JobState_Name(last_state)
                          : ", no entropic_ot result";
  }
  return r;
}

// Per client thread.
struct ThreadStats {
  std::vector<double> completed_ms;  // latency of each completed call
  std::vector<double> rejected_ms;   // latency of each rejected call
  int64_t calls = 0;
  int64_t errors = 0;
  int64_t accepted_not_completed = 0;
  int64_t events = 0;
  int32_t iterations = 0;
  std::vector<std::string> first_errors;
};

struct HealthStats {
  std::vector<double> ms;  // every check, failed ones included
  int64_t ok = 0;
  int64_t failed = 0;
  std::vector<std::string> first_failures;
};

// Nearest-rank percentile of sorted values (0 when empty).
double Percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address, int index) {
  grpc::ChannelArguments args;
  // Without this, channels with equal arguments share one subchannel (one connection).
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt("advect.load_bench.channel", index);
  args.SetMaxReceiveMessageSize(-1);
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
    Fail("cannot connect to " + address);
  }
  return channel;
}

void HealthLoop(std::shared_ptr<grpc::Channel> channel, int every_ms, int deadline_ms,
                const std::atomic<bool>& stop, HealthStats* stats) {
  std::unique_ptr<Health::Stub> stub = Health::NewStub(channel);
  Clock::time_point next = Clock::now();
  while (!stop.load()) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(deadline_ms));
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    const Clock::time_point start = Clock::now();
    const grpc::Status status = stub->Check(&ctx, request, &response);
    stats->ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    std::string failure;
    if (!status.ok()) {
      failure = "status " + std::to_string(status.error_code()) + " " + status.error_message();
    } else if (response.status() != grpc::health::v1::HealthCheckResponse::SERVING) {
      failure = "not SERVING";
    }
    if (failure.empty()) {
      ++stats->ok;
    } else {
      ++stats->failed;
      if (stats->first_failures.size() < 5) stats->first_failures.push_back(failure);
    }
    next += std::chrono::milliseconds(every_ms);
    const Clock::time_point now = Clock::now();
    if (next < now) next = now;  // a slow check: no burst to catch up
    while (!stop.load() && Clock::now() < next) {
      std::this_thread::sleep_for(
          std::min<Clock::duration>(next - Clock::now(), std::chrono::milliseconds(20)));
    }
  }
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

int main(int argc, char** argv) {
  advect::bench::ProgramName() = "load_bench";
  const Flags flags = ParseFlags(argc, argv);
  const advect::v1::RunRequest request = SmallRunRequest(flags);

  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < flags.channels; ++i) channels.push_back(MakeChannel(flags.server, i));
  std::shared_ptr<grpc::Channel> health_channel =
      flags.health_every_ms > 0 ? MakeChannel(flags.server, flags.channels) : nullptr;

  std::vector<ThreadStats> stats(flags.concurrency);
  HealthStats health;
  std::atomic<bool> health_stop{false};
  std::atomic<int64_t> started_calls{0};
  std::latch ready(flags.concurrency + 1);
  std::latch go(1);
  Clock::time_point start;  // written before go.count_down()

  std::vector<std::thread> threads;
  threads.reserve(flags.concurrency);
  for (int t = 0; t < flags.concurrency; ++t) {
    threads.emplace_back([&, t] {
      std::unique_ptr<AdvectService::Stub> stub =
          AdvectService::NewStub(channels[t % channels.size()]);
      ThreadStats& s = stats[t];
      s.completed_ms.reserve(4096);
      ready.count_down();
      go.wait();
      const Clock::time_point end =
          start + std::chrono::microseconds(static_cast<int64_t>(flags.duration_s * 1e6));
      while (true) {
        if (flags.calls > 0) {
          if (started_calls.fetch_add(1) >= flags.calls) break;
        } else if (Clock::now() >= end) {
          break;
        }
        const Clock::time_point call_start = Clock::now();
        CallResult r = RunOnce(*stub, request, flags.call_deadline_s);
        const double ms =
            std::chrono::duration<double, std::milli>(Clock::now() - call_start).count();
        ++s.calls;
        s.events += r.events;
        switch (r.outcome) {
          case Outcome::kCompleted:
            s.completed_ms.push_back(ms);
            s.iterations = r.iterations;
            break;
          case Outcome::kRejected:
            s.rejected_ms.push_back(ms);
            break;
          case Outcome::kError:
            ++s.errors;
            if (r.events > 0) ++s.accepted_not_completed;
            if (s.first_errors.size() < 5) s.first_errors.push_back(r.error);
            break;
        }
      }
    });
  }
  ready.arrive_and_wait();
  std::thread health_thread;
  if (health_channel) {
    health_thread = std::thread(HealthLoop, health_channel, flags.health_every_ms,
                                flags.health_deadline_ms, std::cref(health_stop), &health);
  }
  start = Clock::now();
  go.count_down();
  for (std::thread& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  health_stop.store(true);
  if (health_thread.joinable()) health_thread.join();

  // Totals.
  std::vector<double> completed, rejected;
  int64_t calls = 0, errors = 0, anc = 0, events = 0;
  int32_t iterations = 0;
  std::vector<std::string> first_errors;
  for (const ThreadStats& s : stats) {
    completed.insert(completed.end(), s.completed_ms.begin(), s.completed_ms.end());
    rejected.insert(rejected.end(), s.rejected_ms.begin(), s.rejected_ms.end());
    calls += s.calls;
    errors += s.errors;
    anc += s.accepted_not_completed;
    events += s.events;
    if (s.iterations > 0) iterations = s.iterations;
    for (const std::string& e : s.first_errors) {
      if (first_errors.size() < 5) first_errors.push_back(e);
    }
  }
  std::sort(completed.begin(), completed.end());
  std::sort(rejected.begin(), rejected.end());
  std::vector<double> health_ms = health.ms;
  std::sort(health_ms.begin(), health_ms.end());
  const int64_t n_completed = static_cast<int64_t>(completed.size());
  const int64_t n_rejected = static_cast<int64_t>(rejected.size());
  const double jobs_per_s = static_cast<double>(n_completed) / seconds;
  const double calls_per_s = static_cast<double>(calls) / seconds;
  const double rejected_share = calls > 0 ? static_cast<double>(n_rejected) / calls : 0.0;
  const double events_per_job =
      n_completed > 0 ? static_cast<double>(events) / static_cast<double>(n_completed) : 0.0;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double client_cpu_s =
      static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
      static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6;
  const bool ok = errors == 0 && anc == 0 && health.failed == 0 && n_completed > 0;

  if (flags.json) {
    std::string errs = "[";
    for (size_t i = 0; i < first_errors.size(); ++i) {
      errs += (i ? ", " : "") + JsonString(first_errors[i]);
    }
    errs += "]";
    std::string health_errs = "[";
    for (size_t i = 0; i < health.first_failures.size(); ++i) {
      health_errs += (i ? ", " : "") + JsonString(health.first_failures[i]);
    }
    health_errs += "]";
    std::printf(
        "{\"server\": %s, \"concurrency\": %d, \"channels\": %d, \"points\": %d, \"dim\": %d, "
        "\"epsilon\": %.6g, \"iterations\": %d, \"seconds\": %.6g, \"client_cpu_s\": %.6g, "
        "\"calls\": %lld, "
        "\"completed\": %lld, \"rejected\": %lld, \"errors\": %lld, "
        "\"accepted_not_completed\": %lld, \"rejected_share\": %.6g, \"jobs_per_s\": %.6g, "
        "\"calls_per_s\": %.6g, \"events_per_completed\": %.4g, "
        "\"latency_ms\": {\"p50\": %.6g, \"p90\": %.6g, \"p99\": %.6g, \"max\": %.6g}, "
        "\"rejected_latency_ms\": {\"p50\": %.6g, \"p99\": %.6g, \"max\": %.6g}, "
        "\"health\": {\"every_ms\": %d, \"checks\": %lld, \"ok\": %lld, \"failed\": %lld, "
        "\"p50_ms\": %.6g, \"p99_ms\": %.6g, \"max_ms\": %.6g, \"first_failures\": %s}, "
        "\"first_errors\": %s, \"ok\": %s}\n",
        JsonString(flags.server).c_str(), flags.concurrency, flags.channels, flags.points,
        flags.dim, flags.epsilon, iterations, seconds, client_cpu_s, static_cast<long long>(calls),
        static_cast<long long>(n_completed), static_cast<long long>(n_rejected),
        static_cast<long long>(errors), static_cast<long long>(anc), rejected_share, jobs_per_s,
        calls_per_s, events_per_job, Percentile(completed, 0.5), Percentile(completed, 0.9),
        Percentile(completed, 0.99), completed.empty() ? 0.0 : completed.back(),
        Percentile(rejected, 0.5), Percentile(rejected, 0.99),
        rejected.empty() ? 0.0 : rejected.back(), flags.health_every_ms,
        static_cast<long long>(health.ms.size()), static_cast<long long>(health.ok),
        static_cast<long long>(health.failed), Percentile(health_ms, 0.5),
        Percentile(health_ms, 0.99), health_ms.empty() ? 0.0 : health_ms.back(),
        health_errs.c_str(), errs.c_str(), ok ? "true" : "false");
  } else {
    std::printf("server: advectd at %s; %d client threads on %d channel(s), %u hardware threads\n",
                flags.server.c_str(), flags.concurrency, flags.channels,
                std::thread::hardware_concurrency());
    std::printf("job: entropic_ot n = m = %d, d = %d, epsilon %g (%d Sinkhorn iterations)\n",
                flags.points, flags.dim, flags.epsilon, iterations);
    std::printf("wall time %.2f s, %lld calls (%.0f calls/s); this process used %.2f cores\n",
                seconds, static_cast<long long>(calls), calls_per_s, client_cpu_s / seconds);
    std::printf("  completed               %8lld  (%.1f jobs/s, %.1f events each)\n",
                static_cast<long long>(n_completed), jobs_per_s, events_per_job);
    std::printf("  rejected (RESOURCE_EX.) %8lld  (%.1f %% of calls)\n",
                static_cast<long long>(n_rejected), 100.0 * rejected_share);
    std::printf("  errors                  %8lld\n", static_cast<long long>(errors));
    std::printf("  accepted, not completed %8lld\n", static_cast<long long>(anc));
    std::printf("completed latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n",
                Percentile(completed, 0.5), Percentile(completed, 0.9), Percentile(completed, 0.99),
                completed.empty() ? 0.0 : completed.back());
    if (!rejected.empty()) {
      std::printf("rejected latency ms:  p50 %.2f  p99 %.2f  max %.2f\n", Percentile(rejected, 0.5),
                  Percentile(rejected, 0.99), rejected.back());
    }
    if (flags.health_every_ms > 0) {
      std::printf(
          "health checks every %d ms: %lld ok, %lld failed; ms p50 %.2f  p99 %.2f  "
          "max %.2f\n",
          flags.health_every_ms, static_cast<long long>(health.ok),
          static_cast<long long>(health.failed), Percentile(health_ms, 0.5),
          Percentile(health_ms, 0.99), health_ms.empty() ? 0.0 : health_ms.back());
    }
  }
  for (const std::string& e : first_errors) std::cerr << "load_bench: Run error: " << e << "\n";
  for (const std::string& e : health.first_failures) {
    std::cerr << "load_bench: health check failed: " << e << "\n";
  }
  if (n_completed == 0) std::cerr << "load_bench: no call completed\n";
  return ok ? 0 : 1;
}
