#include "server/job_manager.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "spdlog/spdlog.h"

namespace advect::server {

JobManager::JobManager(JobManagerOptions options)
    : options_(options), rng_(std::random_device{}()) {
  const int n = std::max(1, options_.workers);
  workers_.reserve(n);
  for (int i = 0; i < n; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

JobManager::~JobManager() {
  BeginShutdown("the server is shutting down");
  CancelRunning("the server is shutting down");
  {
    std::lock_guard<std::mutex> lock(mu_);
    exiting_ = true;
  }
  work_cv_.notify_all();
  for (std::thread& t : workers_) t.join();
}

std::string JobManager::NewIdLocked() {
  std::string id;
  do {
    id = absl::StrFormat("%016x", rng_());
  } while (by_id_.contains(id));
  return id;
}

absl::StatusOr<std::shared_ptr<JobRecord>> JobManager::Submit(
    std::unique_ptr<Task> task, EventLogLimits limits, std::optional<Clock::time_point> deadline,
    const std::string& client) {
  std::shared_ptr<JobRecord> job;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!accepting_) return absl::UnavailableError("the server is shutting down");
    if (static_cast<int>(queue_.size()) >= options_.queue_capacity) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "the job queue is full (", queue_.size(),
          " jobs waiting, advectd --queue-capacity); retry later"));
    }
    const bool limited = options_.max_jobs_per_client > 0 && !client.empty();
    if (limited && active_by_client_[client] >= options_.max_jobs_per_client) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "client ", client, " already has ", active_by_client_[client],
          " jobs queued or running (advectd --max-jobs-per-client); retry when one ends"));
    }
    EvictFinishedLocked();
    const int64_t index = next_index_++;
    job = std::make_shared<JobRecord>(NewIdLocked(), index, std::move(task), limits, deadline);
    by_id_.emplace(job->id(), job);
    by_index_.emplace(index, job);
    queue_.push_back(job);
    if (limited) {
      ++active_by_client_[client];
      client_of_.emplace(job.get(), client);
    }
  }
  work_cv_.notify_one();
  spdlog::debug("job {} ({}) queued", job->id(), job->kind());
  return job;
}

std::shared_ptr<JobRecord> JobManager::Find(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

void JobManager::Stop(const std::shared_ptr<JobRecord>& job, absl::StatusCode code,
                      std::string message) {
  if (!job->RequestStop(code, std::move(message))) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = std::find(queue_.begin(), queue_.end(), job);
    if (it == queue_.end()) return;  // a worker has it and will note its end
    queue_.erase(it);                // it ended at once, and no worker will see it
    ended_.push_back(job);
  }
  NoteEnded(*job);
}

absl::StatusOr<JobPage> JobManager::List(v1::JobState state, int page_size,
                                         const std::string& page_token) {
  int64_t before = INT64_MAX;
  if (!page_token.empty() && (!absl::SimpleAtoi(page_token, &before) || before <= 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_token: not a token returned by ListJobs: \"", page_token, "\""));
  }
  JobPage page;
  std::lock_guard<std::mutex> lock(mu_);
  EvictFinishedLocked();
  for (auto it = std::make_reverse_iterator(by_index_.lower_bound(before));
       it != by_index_.rend(); ++it) {
    if (state != v1::JOB_STATE_UNSPECIFIED && it->second->state() != state) continue;
    if (static_cast<int>(page.jobs.size()) == page_size) {
      page.next_page_token = absl::StrCat(page.jobs.back()->index());
      break;
    }
    page.jobs.push_back(it->second);
  }
  return page;
}

void JobManager::BeginShutdown(const std::string& reason) {
  std::deque<std::shared_ptr<JobRecord>> queued;
  {
    std::lock_guard<std::mutex> lock(mu_);
    accepting_ = false;
    queued.swap(queue_);
  }
  for (auto& job : queued) job->RequestStop(absl::StatusCode::kCancelled, reason);
  {
    std::lock_guard<std::mutex> lock(mu_);
    ended_.insert(ended_.end(), queued.begin(), queued.end());
  }
  for (const auto& job : queued) NoteEnded(*job);
}

bool JobManager::WaitIdle(Clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  return idle_cv_.wait_until(lock, deadline, [this] { return running_ == 0 && queue_.empty(); });
}

void JobManager::CancelRunning(const std::string& reason) {
  std::vector<std::shared_ptr<JobRecord>> jobs;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [index, job] : by_index_) jobs.push_back(job);
  }
  for (auto& job : jobs) job->RequestStop(absl::StatusCode::kCancelled, reason);
}

int JobManager::running() const {
  std::lock_guard<std::mutex> lock(mu_);
  return running_;
}

int JobManager::queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(queue_.size());
}

void JobManager::WorkerLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    work_cv_.wait(lock, [this] { return exiting_ || !queue_.empty(); });
    if (queue_.empty()) return;  // exiting
    std::shared_ptr<JobRecord> job = std::move(queue_.front());
    queue_.pop_front();
    ++running_;
    lock.unlock();
    if (job->Start()) {
      spdlog::debug("job {} started", job->id());
      job->RunToCompletion();
    }
    NoteEnded(*job);
    lock.lock();
    ended_.push_back(std::move(job));
    --running_;
    EvictFinishedLocked();
    if (running_ == 0 && queue_.empty()) idle_cv_.notify_all();
  }
}

void JobManager::NoteEnded(const JobRecord& job) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = client_of_.find(&job); it != client_of_.end()) {
      if (--active_by_client_[it->second] <= 0) active_by_client_.erase(it->second);
      client_of_.erase(it);
    }
  }
  const v1::Job done = job.Snapshot(false);
  spdlog::info("job {} ({}) {}: {} iterations{}", job.id(), job.kind(),
               v1::JobState_Name(done.state()), done.progress().iteration(),
               done.has_error() ? absl::StrCat(", ", done.error().message()) : "");
  if (options_.on_ended) options_.on_ended(job);
}

void JobManager::EvictFinishedLocked() {
  const Clock::time_point now = Clock::now();
  while (!ended_.empty()) {  // oldest first
    const std::shared_ptr<JobRecord>& job = ended_.front();
    const bool expired = now - job->end_time().value_or(now) >= options_.finished_ttl;
    if (!expired && static_cast<int>(ended_.size()) <= options_.max_finished_jobs) break;
    by_id_.erase(job->id());
    by_index_.erase(job->index());
    ended_.pop_front();
  }
}

}  // namespace advect::server
