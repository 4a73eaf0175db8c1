// The job engine: a registry of jobs, a bounded queue and a fixed pool of
// worker threads. Finished jobs are kept for a TTL, up to a count limit.
#ifndef ADVECT_SERVER_JOB_MANAGER_H_
#define ADVECT_SERVER_JOB_MANAGER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "server/job_record.h"
#include "server/task.h"

namespace advect::server {

struct JobManagerOptions {
  int workers = 1;
  int queue_capacity = 64;       // jobs waiting for a worker
  std::chrono::seconds finished_ttl{3600};
  int max_finished_jobs = 1000;
  int max_jobs_per_client = 0;   // queued + running jobs of one client at most; 0: no limit
  // Called once per job when it reaches its terminal state (on the thread that
  // ended it, without the manager's lock); may be empty.
  std::function<void(const JobRecord&)> on_ended;
};

struct JobPage {
  std::vector<std::shared_ptr<JobRecord>> jobs;
  std::string next_page_token;
};

class JobManager {
 public:
  explicit JobManager(JobManagerOptions options);
  ~JobManager();  // cancels what is left and joins the workers
  JobManager(const JobManager&) = delete;
  JobManager& operator=(const JobManager&) = delete;

  // Queues a prepared task for `client` (who submits it; empty: anonymous).
  // RESOURCE_EXHAUSTED when the queue is full or the client already has
  // max_jobs_per_client jobs queued or running; UNAVAILABLE when shutting down.
  absl::StatusOr<std::shared_ptr<JobRecord>> Submit(std::unique_ptr<Task> task,
                                                    EventLogLimits limits,
                                                    std::optional<Clock::time_point> deadline,
                                                    const std::string& client = "");
  // Null if unknown (or evicted).
  std::shared_ptr<JobRecord> Find(const std::string& id);
  // Stops a job (see JobRecord::RequestStop) and takes it off the queue.
  void Stop(const std::shared_ptr<JobRecord>& job, absl::StatusCode code, std::string message);
  // Newest first; state UNSPECIFIED means all. INVALID_ARGUMENT for a bad token.
  absl::StatusOr<JobPage> List(v1::JobState state, int page_size, const std::string& page_token);

  // Shutdown steps: refuse new jobs and cancel queued ones; wait until no job
  // runs (true) or the deadline passes (false); cancel running jobs.
  void BeginShutdown(const std::string& reason);
  bool WaitIdle(Clock::time_point deadline);
  void CancelRunning(const std::string& reason);

  int running() const;
  int queued() const;

 private:
  void WorkerLoop();
  // Logs the terminal state of a job that just ended and calls on_ended (once
  // per job, without the lock).
  void NoteEnded(const JobRecord& job);
  void EvictFinishedLocked();
  std::string NewIdLocked();

  const JobManagerOptions options_;
  mutable std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable idle_cv_;
  std::deque<std::shared_ptr<JobRecord>> queue_;
  absl::flat_hash_map<std::string, std::shared_ptr<JobRecord>> by_id_;
  std::map<int64_t, std::shared_ptr<JobRecord>> by_index_;
  // Finished jobs still retained, in the order they ended (each appears once:
  // queued via Stop or BeginShutdown, otherwise by the worker that had it).
  std::deque<std::shared_ptr<JobRecord>> ended_;
  // Queued and running jobs by client, and the client of each such job.
  absl::flat_hash_map<std::string, int> active_by_client_;
  absl::flat_hash_map<const JobRecord*, std::string> client_of_;
  int64_t next_index_ = 1;
  int running_ = 0;
  bool accepting_ = true;
  bool exiting_ = false;
  std::mt19937_64 rng_;
  std::vector<std::thread> workers_;
};

}  // namespace advect::server

#endif  // ADVECT_SERVER_JOB_MANAGER_H_
