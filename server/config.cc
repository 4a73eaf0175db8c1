#include "server/config.h"

#include <functional>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace advect::server {
namespace {

struct Setting {
  const char* flag;  // without the leading --
  const char* env;
  const char* default_text;
  const char* help;
  std::function<absl::Status(const std::string& value, DaemonConfig& config)> set;
};

// Parses an integer in [lo, hi] into *out.
template <typename Int>
absl::Status ParseInt(const std::string& text, int64_t lo, int64_t hi, Int* out) {
  int64_t v = 0;
  if (!absl::SimpleAtoi(text, &v) || v < lo || v > hi) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected an integer in ", lo, "..", hi, ", got \"", text, "\""));
  }
  *out = static_cast<Int>(v);
  return absl::OkStatus();
}

const std::vector<Setting>& Settings() {
  static const auto* settings = new std::vector<Setting>{
      {"listen", "ADVECT_LISTEN", "127.0.0.1:50051",
       "Address to serve on, HOST:PORT; port 0 picks a free port (logged).",
       [](const std::string& v, DaemonConfig& c) {
         if (v.rfind(':') == std::string::npos) {
           return absl::InvalidArgumentError(absl::StrCat("expected HOST:PORT, got \"", v, "\""));
         }
         c.server.listen = v;
         return absl::OkStatus();
       }},
      {"workers", "ADVECT_WORKERS", "0",
       "Worker threads running jobs; 0 means one per hardware thread.",
       [](const std::string& v, DaemonConfig& c) {
         absl::Status s = ParseInt(v, 0, 1024, &c.server.jobs.workers);
         if (s.ok() && c.server.jobs.workers == 0) {
           c.server.jobs.workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
         }
         return s;
       }},
      {"queue-capacity", "ADVECT_QUEUE_CAPACITY", "64",
       "Jobs that may wait for a worker; beyond it submits get RESOURCE_EXHAUSTED.",
       [](const std::string& v, DaemonConfig& c) {
         return ParseInt(v, 0, 1'000'000, &c.server.jobs.queue_capacity);
       }},
      {"job-ttl-seconds", "ADVECT_JOB_TTL_SECONDS", "3600",
       "How long a finished job (and its result) stays available.",
       [](const std::string& v, DaemonConfig& c) {
         int64_t s = 0;
         absl::Status st = ParseInt(v, 0, int64_t{10} * 365 * 86400, &s);
         c.server.jobs.finished_ttl = std::chrono::seconds(s);
         return st;
       }},
      {"max-finished-jobs", "ADVECT_MAX_FINISHED_JOBS", "1000",
       "Finished jobs kept at most; the oldest are evicted first.",
       [](const std::string& v, DaemonConfig& c) {
         return ParseInt(v, 0, 10'000'000, &c.server.jobs.max_finished_jobs);
       }},
      {"max-points", "ADVECT_MAX_POINTS", "100000", "Points per cloud (n or m) at most.",
       [](const std::string& v, DaemonConfig& c) {
         return ParseInt(v, 1, int64_t{1} << 31, &c.server.limits.max_points);
       }},
      {"max-points-1d", "ADVECT_MAX_POINTS_1D", "4000000",
       "Points per measure (n or m) at most for ot_1d jobs (1-D, O(n log n)).",
       [](const std::string& v, DaemonConfig& c) {
         return ParseInt(v, 1, int64_t{1} << 31, &c.server.limits.max_points_1d);
       }},
      {"max-dimension", "ADVECT_MAX_DIMENSION", "4096", "Dimension d of points at most.",
       [](const std::string& v, DaemonConfig& c) {
         return ParseInt(v, 1, int64_t{1} << 31, &c.server.limits.max_dimension);
       }},
      {"max-cost-entries", "ADVECT_MAX_COST_ENTRIES", "16777216",
       "n * m at most (the cost matrix is held in memory twice, 16 bytes per entry).",
       [](const std::string& v, DaemonConfig& c) {
         return ParseInt(v, 1, int64_t{1} << 40, &c.server.limits.max_cost_entries);
       }},
      {"max-plan-entries", "ADVECT_MAX_PLAN_ENTRIES", "1048576",
       "n * m at most for a job that returns its plan (8 bytes per entry in the reply).",
       [](const std::string& v, DaemonConfig& c) {
         return ParseInt(v, 0, int64_t{1} << 32, &c.server.limits.max_plan_entries);
       }},
      {"max-frames", "ADVECT_MAX_FRAMES", "1000",
       "Default and maximum of JobSpec.max_frames (trajectory frames per job).",
       [](const std::string& v, DaemonConfig& c) {
         return ParseInt(v, 0, 1'000'000, &c.server.limits.max_frames);
       }},
      {"max-directions", "ADVECT_MAX_DIRECTIONS", "10000",
       "Directions per sliced_ot job at most.",
       [](const std::string& v, DaemonConfig& c) {
         return ParseInt(v, 1, 1'000'000, &c.server.limits.max_directions);
       }},
      {"max-interacting-particles", "ADVECT_MAX_INTERACTING_PARTICLES", "50000",
       "Particles at most in a job whose particles interact (all pairs, n^2 per step).",
       [](const std::string& v, DaemonConfig& c) {
         return ParseInt(v, 1, int64_t{1} << 31, &c.server.limits.max_interacting_particles);
       }},
      {"threads-per-job", "ADVECT_THREADS_PER_JOB", "2",
       "Threads one job's solver may use (sliced_ot, entropic_ot, ot_interpolation); the "
       "result does not depend on it.",
       [](const std::string& v, DaemonConfig& c) {
         int64_t t = 0;
         absl::Status s = ParseInt(v, 1, 64, &t);
         c.server.limits.threads_per_job = static_cast<int>(t);
         return s;
       }},
      {"max-jobs-per-client", "ADVECT_MAX_JOBS_PER_CLIENT", "0",
       "Jobs one client may have queued or running at once (beyond it RESOURCE_EXHAUSTED); "
       "a client is its bearer token, or its IP address without tokens. 0: no limit.",
       [](const std::string& v, DaemonConfig& c) {
         return ParseInt(v, 0, 1'000'000, &c.server.jobs.max_jobs_per_client);
       }},
      {"max-frame-bytes", "ADVECT_MAX_FRAME_BYTES", "67108864",
       "Frame payload retained per job; beyond it the oldest frames leave the log.",
       [](const std::string& v, DaemonConfig& c) {
         return ParseInt(v, 0, int64_t{1} << 40, &c.server.events.max_frame_bytes);
       }},
      {"progress-interval-ms", "ADVECT_PROGRESS_INTERVAL_MS", "100",
       "At most one progress event per job per interval (the last one is always kept).",
       [](const std::string& v, DaemonConfig& c) {
         int64_t ms = 0;
         absl::Status s = ParseInt(v, 0, 3'600'000, &ms);
         c.server.events.progress_interval = std::chrono::milliseconds(ms);
         return s;
       }},
      {"max-message-bytes", "ADVECT_MAX_MESSAGE_BYTES", "67108864",
       "Largest request message accepted.",
       [](const std::string& v, DaemonConfig& c) {
         return ParseInt(v, 1024, std::numeric_limits<int>::max(), &c.server.max_message_bytes);
       }},
      {"shutdown-grace-seconds", "ADVECT_SHUTDOWN_GRACE_SECONDS", "10",
       "On SIGINT/SIGTERM, how long running jobs may finish before they are cancelled.",
       [](const std::string& v, DaemonConfig& c) {
         int64_t s = 0;
         absl::Status st = ParseInt(v, 0, 86400, &s);
         c.shutdown_grace = std::chrono::seconds(s);
         return st;
       }},
      {"metrics-listen", "ADVECT_METRICS_LISTEN", "",
       "HOST:PORT of an HTTP endpoint serving Prometheus metrics at /metrics; port 0 picks a "
       "free port (logged).",
       [](const std::string& v, DaemonConfig& c) {
         if (!v.empty() && v.rfind(':') == std::string::npos) {
           return absl::InvalidArgumentError(absl::StrCat("expected HOST:PORT, got \"", v, "\""));
         }
         c.server.metrics_listen = v;
         return absl::OkStatus();
       }},
      {"health-listen", "ADVECT_HEALTH_LISTEN", "",
       "HOST:PORT of a second, plaintext port serving only grpc.health.v1: for probes that "
       "cannot speak TLS (Kubernetes' gRPC probes) when the main port does.",
       [](const std::string& v, DaemonConfig& c) {
         if (!v.empty() && v.rfind(':') == std::string::npos) {
           return absl::InvalidArgumentError(absl::StrCat("expected HOST:PORT, got \"", v, "\""));
         }
         c.server.health_listen = v;
         return absl::OkStatus();
       }},
      {"log-format", "ADVECT_LOG_FORMAT", "text",
       "text, or json: one JSON object a line (time, level, thread, msg, and job_id on lines "
       "about a job).",
       [](const std::string& v, DaemonConfig& c) {
         const std::string format = absl::AsciiStrToLower(v);
         if (format != "text" && format != "json") {
           return absl::InvalidArgumentError(
               absl::StrCat("expected text or json, got \"", v, "\""));
         }
         c.log_format = format;
         return absl::OkStatus();
       }},
      {"tls-cert", "ADVECT_TLS_CERT", "",
       "PEM certificate chain; with --tls-key, serve TLS instead of plaintext.",
       [](const std::string& v, DaemonConfig& c) {
         c.security.tls_cert = v;
         return absl::OkStatus();
       }},
      {"tls-key", "ADVECT_TLS_KEY", "", "PEM private key of --tls-cert.",
       [](const std::string& v, DaemonConfig& c) {
         c.security.tls_key = v;
         return absl::OkStatus();
       }},
      {"tls-client-ca", "ADVECT_TLS_CLIENT_CA", "",
       "PEM CA certificates; when set, clients must present a certificate they signed "
       "(mutual TLS).",
       [](const std::string& v, DaemonConfig& c) {
         c.security.tls_client_ca = v;
         return absl::OkStatus();
       }},
      {"auth-tokens", "ADVECT_AUTH_TOKENS", "",
       "File of bearer tokens, one a line; when set, every AdvectService call needs metadata "
       "\"authorization: Bearer TOKEN\" with one of them (health and reflection stay open).",
       [](const std::string& v, DaemonConfig& c) {
         c.security.auth_tokens = v;
         return absl::OkStatus();
       }},
      {"log-level", "ADVECT_LOG_LEVEL", "info", "One of trace, debug, info, warn, error, off.",
       [](const std::string& v, DaemonConfig& c) {
         const std::string level = absl::AsciiStrToLower(v);
         for (const char* ok : {"trace", "debug", "info", "warn", "error", "off"}) {
           if (level == ok) {
             c.log_level = level;
             return absl::OkStatus();
           }
         }
         return absl::InvalidArgumentError(absl::StrCat("unknown log level \"", v, "\""));
       }},
  };
  return *settings;
}

absl::Status Apply(const Setting& s, const std::string& value, const std::string& source,
                   DaemonConfig& config) {
  absl::Status st = s.set(value, config);
  if (st.ok()) return st;
  return absl::InvalidArgumentError(absl::StrCat(source, ": ", st.message()));
}

}  // namespace

absl::StatusOr<DaemonConfig> ParseDaemonConfig(const std::vector<std::string>& args,
                                               const std::map<std::string, std::string>& env) {
  DaemonConfig config;
  for (const Setting& s : Settings()) {
    if (absl::Status st = s.set(s.default_text, config); !st.ok()) return st;
    if (auto it = env.find(s.env); it != env.end()) {
      if (absl::Status st = Apply(s, it->second, s.env, config); !st.ok()) return st;
    }
  }
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      config.help = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0) {
      return absl::InvalidArgumentError(absl::StrCat("unexpected argument \"", arg, "\""));
    }
    const size_t eq = arg.find('=');
    const std::string name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    const Setting* setting = nullptr;
    for (const Setting& s : Settings()) {
      if (name == s.flag) setting = &s;
    }
    if (setting == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name, " (see --help)"));
    }
    std::string value;
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return absl::InvalidArgumentError(absl::StrCat("--", name, ": missing value"));
    }
    if (absl::Status st = Apply(*setting, value, absl::StrCat("--", name), config); !st.ok()) {
      return st;
    }
  }
  return config;
}

std::string DaemonUsage() {
  std::string out =
      "advectd: the advect gRPC server (advect.v1.AdvectService, grpc.health.v1, reflection)\n\n"
      "Usage: advectd [--flag=value ...]\n\n"
      "Every flag can also be set by its environment variable; a flag wins.\n\n";
  for (const Setting& s : Settings()) {
    absl::StrAppend(&out, "  --", s.flag, "  (", s.env, ", default ",
                    *s.default_text == '\0' ? "none" : s.default_text, ")\n      ", s.help,
                    "\n");
  }
  absl::StrAppend(&out,
                  "\nSIGINT/SIGTERM: stop accepting jobs, let running ones finish for the grace "
                  "period, cancel the rest, exit 0.\n");
  return out;
}

}  // namespace advect::server
