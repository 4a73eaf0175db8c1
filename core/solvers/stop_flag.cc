#include "core/solvers/stop_flag.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <system_error>
#include <thread>

namespace advect {

bool RunBesideHelper(const std::function<bool(const Observer&)>& mine,
                     const std::function<bool(const Observer&)>& theirs, const Observer& client) {
  std::atomic<bool> stop{false};
  const CallerStop caller(client, stop);
  const HelperStop helper(stop);
  std::mutex mutex;
  std::condition_variable finished;
  bool helper_done = false;
  bool helper_ok = false;
  std::jthread thread;
  try {
    thread = std::jthread([&] {
      const bool ok = theirs(helper);
      const std::lock_guard<std::mutex> lock(mutex);
      helper_ok = ok;
      helper_done = true;
      finished.notify_one();
    });
  } catch (const std::system_error&) {
    return mine(client) && theirs(client);
  }
  const bool mine_ok = mine(caller);
  if (!mine_ok) stop.store(true, std::memory_order_relaxed);
  std::unique_lock<std::mutex> lock(mutex);
  while (!helper_done) {
    finished.wait_for(lock, std::chrono::milliseconds(1));
    if (!helper_done) {
      lock.unlock();
      caller.StopRequested();  // raises the flag if the client asks to stop
      lock.lock();
    }
  }
  return mine_ok && helper_ok;
}

bool RunTwoParts(bool parallel, const Observer& observer,
                 const std::function<bool(int part, const Observer&)>& part) {
  if (!parallel) return part(0, observer) && part(1, observer);
  return RunBesideHelper([&](const Observer& o) { return part(0, o); },
                         [&](const Observer& o) { return part(1, o); }, observer);
}

}  // namespace advect
