// service_bench: what a tiny Sinkhorn job costs through the service, next to a bare
// gRPC round trip measured the same way.
//
// Configurations (each at concurrency 1 and 16 by default):
//   bare  grpc.health.v1.Health/Check, unary: the floor of one gRPC round trip.
//   run   AdvectService/Run of an n = m = 16, d = 2, epsilon = 0.1 entropic OT job,
//         its event stream read to the end (QUEUED ... SUCCEEDED) and checked.
// Every client thread has its own stubs; the threads share --channels channels
// (default 1: one HTTP/2 connection, as a typical client would), round-robin.
// Each thread does its share of warm-up calls, then all start together and make
// their share of --calls calls. Latency is per call; calls/s is all calls over the
// wall time of the timed phase.
//
// The server runs in-process on 127.0.0.1:0 (sharing the machine's cores with the
// clients), or is a running advectd given with --server.
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
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "advect/v1/advect_service.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "server/server.h"
#include "spdlog/spdlog.h"

namespace {

using Clock = std::chrono::steady_clock;
using advect::v1::AdvectService;
using grpc::health::v1::Health;

struct Flags {
  std::string server;  // empty: in-process
  int calls = 5000;    // timed calls per configuration (all threads together)
  int warmup = 500;    // warm-up calls per configuration (all threads together)
  std::vector<int> concurrency = {1, 16};
  int channels = 1;
  int workers = 0;  // in-process server's job workers; 0: one per hardware thread
};

void Usage() {
  std::cout
      << "Usage: service_bench [--server=HOST:PORT] [--calls=N] [--warmup=N]\n"
         "                     [--concurrency=1,16] [--channels=N] [--workers=N]\n"
         "  --server       benchmark a running advectd instead of an in-process server\n"
         "  --calls        timed calls per configuration, split over the threads (default 5000)\n"
         "  --warmup       untimed calls per configuration before it (default 500)\n"
         "  --concurrency  comma-separated client thread counts (default 1,16)\n"
         "  --channels     channels the threads share round-robin (default 1)\n"
         "  --workers      in-process server's job workers, 0 = hardware threads (default 0)\n";
}

int ParsePositive(const std::string& flag, const std::string& value, int min) {
  char* end = nullptr;
  const long v = std::strtol(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || v < min || v > 1'000'000) {
    std::cerr << "service_bench: " << flag << ": expected an integer >= " << min << ", got \""
              << value << "\"\n";
    std::exit(2);
  }
  return static_cast<int>(v);
}

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      Usage();
      std::exit(0);
    }
    std::string value;
    const size_t eq = arg.find('=');
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    }
    if (arg == "--server") {
      f.server = value;
    } else if (arg == "--calls") {
      f.calls = ParsePositive(arg, value, 1);
    } else if (arg == "--warmup") {
      f.warmup = ParsePositive(arg, value, 0);
    } else if (arg == "--channels") {
      f.channels = ParsePositive(arg, value, 1);
    } else if (arg == "--workers") {
      f.workers = ParsePositive(arg, value, 0);
    } else if (arg == "--concurrency") {
      f.concurrency.clear();
      size_t start = 0;
      while (start <= value.size()) {
        const size_t comma = std::min(value.find(',', start), value.size());
        f.concurrency.push_back(ParsePositive(arg, value.substr(start, comma - start), 1));
        start = comma + 1;
      }
    } else {
      std::cerr << "service_bench: unknown flag " << arg << "\n";
      Usage();
      std::exit(2);
    }
  }
  return f;
}

// The tiny job: n = m = 16 points uniform in the unit square, epsilon 0.1, defaults otherwise
// (tolerance 1e-9, at most 1000 iterations).
advect::v1::RunRequest TinyRunRequest() {
  constexpr int kPoints = 16;
  constexpr int kDim = 2;
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  advect::v1::RunRequest request;
  advect::v1::EntropicOtSpec* spec = request.mutable_spec()->mutable_entropic_ot();
  for (advect::v1::Matrix* m : {spec->mutable_x(), spec->mutable_y()}) {
    m->set_rows(kPoints);
    m->set_cols(kDim);
    for (int i = 0; i < kPoints * kDim; ++i) m->add_values(uniform(rng));
  }
  spec->set_epsilon(0.1);
  return request;
}

// One call of a configuration; false (with a message) if it did not succeed.
// Server-side split of one Run call, from its events' timestamps (server clock), in us.
struct ServerSide {
  std::vector<double> queued_us;  // QUEUED -> RUNNING: waiting for a worker
  std::vector<double> solve_us;   // RUNNING -> SUCCEEDED: preparing and solving
};

class Caller {
 public:
  virtual ~Caller() = default;
  virtual bool Call(std::string* error) = 0;
  // Server-side timings of the calls so far (Run only).
  virtual ServerSide* server_side() { return nullptr; }
};

double Micros(const google::protobuf::Timestamp& from, const google::protobuf::Timestamp& to) {
  return static_cast<double>(to.seconds() - from.seconds()) * 1e6 +
         static_cast<double>(to.nanos() - from.nanos()) / 1e3;
}

class HealthCaller final : public Caller {
 public:
  explicit HealthCaller(std::shared_ptr<grpc::Channel> channel) : stub_(Health::NewStub(channel)) {}
  bool Call(std::string* error) override {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    const grpc::Status status = stub_->Check(&ctx, request, &response);
    if (!status.ok()) {
      *error = "Health/Check: " + status.error_message();
      return false;
    }
    if (response.status() != grpc::health::v1::HealthCheckResponse::SERVING) {
      *error = "Health/Check: not SERVING";
      return false;
    }
    return true;
  }

 private:
  std::unique_ptr<Health::Stub> stub_;
};

class RunCaller final : public Caller {
 public:
  // `events` counts the streamed events; `iterations` gets the solver's iteration count.
  RunCaller(std::shared_ptr<grpc::Channel> channel, const advect::v1::RunRequest* request,
            std::atomic<int64_t>* events, std::atomic<int64_t>* iterations)
      : stub_(AdvectService::NewStub(channel)),
        request_(request),
        events_(events),
        iterations_(iterations) {}
  bool Call(std::string* error) override {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    std::unique_ptr<grpc::ClientReader<advect::v1::RunResponse>> reader =
        stub_->Run(&ctx, *request_);
    advect::v1::RunResponse response;
    int64_t count = 0;
    bool succeeded = false;
    google::protobuf::Timestamp queued, running;
    while (reader->Read(&response)) {
      ++count;
      const advect::v1::JobEvent& e = response.event();
      succeeded = false;
      if (e.has_result()) iterations_->store(e.result().entropic_ot().iterations());
      if (!e.has_state_change()) continue;
      switch (e.state_change().state()) {
        case advect::v1::JOB_STATE_QUEUED:
          queued = e.time();
          break;
        case advect::v1::JOB_STATE_RUNNING:
          running = e.time();
          break;
        case advect::v1::JOB_STATE_SUCCEEDED:
          succeeded = true;
          server_side_.queued_us.push_back(Micros(queued, running));
          server_side_.solve_us.push_back(Micros(running, e.time()));
          break;
        default:
          break;
      }
    }
    const grpc::Status status = reader->Finish();
    events_->fetch_add(count, std::memory_order_relaxed);
    if (!status.ok()) {
      *error = "Run: " + std::to_string(status.error_code()) + " " + status.error_message();
      return false;
    }
    if (!succeeded) {
      *error = "Run: the stream did not end with SUCCEEDED";
      return false;
    }
    return true;
  }
  ServerSide* server_side() override { return &server_side_; }

 private:
  ServerSide server_side_;
  std::unique_ptr<AdvectService::Stub> stub_;
  const advect::v1::RunRequest* request_;
  std::atomic<int64_t>* events_;
  std::atomic<int64_t>* iterations_;
};

struct Measurement {
  std::string config;
  int concurrency = 0;
  int64_t calls = 0;
  int64_t warmup_calls = 0;
  int64_t failures = 0;
  double p50_us = 0;
  double p99_us = 0;
  double calls_per_s = 0;
  std::optional<double> queued_p50_us;  // Run only: server-side split, see ServerSide
  std::optional<double> solve_p50_us;
  std::string first_error;
};

// Nearest-rank percentile of sorted values.
double Percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

template <typename MakeCaller>
Measurement Measure(const std::string& config, int concurrency, const Flags& flags,
                    const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                    MakeCaller make_caller) {
  const int per_thread = (flags.calls + concurrency - 1) / concurrency;
  const int warm_per_thread = (flags.warmup + concurrency - 1) / concurrency;
  std::vector<std::vector<double>> latencies(concurrency);
  std::vector<ServerSide> server_side(concurrency);
  bool has_server_side = false;
  std::atomic<int64_t> failures{0};
  std::mutex error_mu;
  std::string first_error;
  std::latch ready(concurrency + 1);
  std::latch go(1);

  auto record_error = [&](const std::string& e) {
    failures.fetch_add(1);
    std::lock_guard<std::mutex> lock(error_mu);
    if (first_error.empty()) first_error = e;
  };

  std::vector<std::thread> threads;
  for (int t = 0; t < concurrency; ++t) {
    threads.emplace_back([&, t] {
      std::unique_ptr<Caller> caller = make_caller(channels[t % channels.size()]);
      if (t == 0) has_server_side = caller->server_side() != nullptr;
      std::string error;
      for (int i = 0; i < warm_per_thread; ++i) {
        if (!caller->Call(&error)) record_error("warm-up: " + error);
      }
      latencies[t].reserve(per_thread);
      if (ServerSide* s = caller->server_side()) *s = ServerSide{};  // forget the warm-up
      ready.count_down();
      go.wait();
      for (int i = 0; i < per_thread; ++i) {
        const Clock::time_point start = Clock::now();
        const bool ok = caller->Call(&error);
        const Clock::time_point end = Clock::now();
        latencies[t].push_back(std::chrono::duration<double, std::micro>(end - start).count());
        if (!ok) record_error(error);
      }
      if (ServerSide* s = caller->server_side()) server_side[t] = std::move(*s);
    });
  }
  ready.arrive_and_wait();
  const Clock::time_point start = Clock::now();
  go.count_down();
  for (std::thread& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();

  std::vector<double> all;
  for (const auto& v : latencies) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  Measurement m;
  m.config = config;
  m.concurrency = concurrency;
  m.calls = static_cast<int64_t>(all.size());
  m.warmup_calls = static_cast<int64_t>(warm_per_thread) * concurrency;
  m.failures = failures.load();
  m.p50_us = Percentile(all, 0.50);
  m.p99_us = Percentile(all, 0.99);
  m.calls_per_s = static_cast<double>(all.size()) / seconds;
  m.first_error = first_error;
  if (has_server_side) {
    std::vector<double> queued, solve;
    for (const ServerSide& s : server_side) {
      queued.insert(queued.end(), s.queued_us.begin(), s.queued_us.end());
      solve.insert(solve.end(), s.solve_us.begin(), s.solve_us.end());
    }
    std::sort(queued.begin(), queued.end());
    std::sort(solve.begin(), solve.end());
    m.queued_p50_us = Percentile(queued, 0.5);
    m.solve_p50_us = Percentile(solve, 0.5);
  }
  return m;
}

std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(const std::string& address, int count) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < count; ++i) {
    grpc::ChannelArguments args;
    // Without this, channels with equal arguments share one subchannel (one connection).
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("advect.bench.channel", i);
    channels.push_back(
        grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
  }
  for (auto& channel : channels) {
    if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
      std::cerr << "service_bench: cannot connect to " << address << "\n";
      std::exit(1);
    }
  }
  return channels;
}

}  // namespace

int main(int argc, char** argv) {
  const Flags flags = ParseFlags(argc, argv);

  std::unique_ptr<advect::server::Server> server;
  std::string address = flags.server;
  if (address.empty()) {
    spdlog::set_level(spdlog::level::warn);  // the server logs every job at info
    advect::server::ServerOptions options;
    options.listen = "127.0.0.1:0";
    const int hardware_threads =
        static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    options.jobs.workers = flags.workers > 0 ? flags.workers : hardware_threads;
    absl::StatusOr<std::unique_ptr<advect::server::Server>> started =
        advect::server::Server::Start(options);
    if (!started.ok()) {
      std::cerr << "service_bench: " << started.status() << "\n";
      return 1;
    }
    server = *std::move(started);
    address = server->address();
    std::printf("server: in-process on %s, %d job workers\n", address.c_str(),
                options.jobs.workers);
  } else {
    std::printf("server: advectd at %s\n", address.c_str());
  }
  std::printf(
      "client: %d warm-up + %d timed calls per configuration, %d channel(s) shared "
      "round-robin, one stub per thread; %u hardware threads\n",
      flags.warmup, flags.calls, flags.channels, std::thread::hardware_concurrency());
  std::printf("run job: entropic_ot n = m = 16, d = 2, epsilon 0.1, stream read to the end\n\n");

  const std::vector<std::shared_ptr<grpc::Channel>> channels =
      MakeChannels(address, flags.channels);
  const advect::v1::RunRequest run_request = TinyRunRequest();
  std::atomic<int64_t> run_events{0};
  std::atomic<int64_t> run_iterations{0};

  std::vector<Measurement> results;
  for (int concurrency : flags.concurrency) {
    const Measurement bare = Measure(
        "bare Health/Check", concurrency, flags, channels,
        [](std::shared_ptr<grpc::Channel> ch) { return std::make_unique<HealthCaller>(ch); });
    run_events.store(0);
    const Measurement run = Measure("Run (16x16 Sinkhorn)", concurrency, flags, channels,
                                    [&](std::shared_ptr<grpc::Channel> ch) {
                                      return std::make_unique<RunCaller>(
                                          ch, &run_request, &run_events, &run_iterations);
                                    });
    std::printf(
        "concurrency %d done: %.1f events per Run stream, %lld Sinkhorn iterations per job\n",
        concurrency,
        static_cast<double>(run_events.load()) / static_cast<double>(run.calls + run.warmup_calls),
        static_cast<long long>(run_iterations.load()));
    results.push_back(bare);
    results.push_back(run);
  }

  // Rows come in pairs (bare, Run) per concurrency; the last column is p50 over bare p50.
  std::printf("\n%-22s %5s %7s %10s %10s %10s %12s\n", "config", "conc", "calls", "p50 (us)",
              "p99 (us)", "calls/s", "p50 / bare");
  for (size_t i = 0; i < results.size(); ++i) {
    const Measurement& m = results[i];
    const double bare_p50 = results[i - i % 2].p50_us;
    std::printf("%-22s %5d %7lld %10.0f %10.0f %10.0f %12.2f\n", m.config.c_str(), m.concurrency,
                static_cast<long long>(m.calls), m.p50_us, m.p99_us, m.calls_per_s,
                bare_p50 > 0 ? m.p50_us / bare_p50 : 0.0);
  }
  std::printf(
      "\nServer side of Run (event timestamps), p50: QUEUED->RUNNING (waiting for a "
      "worker), RUNNING->SUCCEEDED (solve)\n");
  for (const Measurement& m : results) {
    if (!m.solve_p50_us) continue;
    std::printf("  concurrency %2d: queued %8.0f us, solve %8.0f us, rest of the call %8.0f us\n",
                m.concurrency, *m.queued_p50_us, *m.solve_p50_us,
                m.p50_us - *m.queued_p50_us - *m.solve_p50_us);
  }

  int64_t failures = 0;
  for (const Measurement& m : results) {
    failures += m.failures;
    if (m.failures > 0) {
      std::fprintf(stderr, "%s c=%d: %lld failed call(s), first: %s\n", m.config.c_str(),
                   m.concurrency, static_cast<long long>(m.failures), m.first_error.c_str());
    }
  }
  if (server) server->Shutdown(std::chrono::milliseconds(1000));
  return failures == 0 ? 0 : 1;
}
