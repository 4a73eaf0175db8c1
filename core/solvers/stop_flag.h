// Cancellation across a solver's threads. Only the calling thread talks to the
// client's Observer (its callbacks need not be thread-safe); helper threads see
// a shared flag that the calling thread raises when the client asks to stop.
#ifndef ADVECT_CORE_SOLVERS_STOP_FLAG_H_
#define ADVECT_CORE_SOLVERS_STOP_FLAG_H_

#include <atomic>
#include <functional>

#include "core/observer.h"

namespace advect {

// What helper threads poll.
class HelperStop : public Observer {
 public:
  explicit HelperStop(const std::atomic<bool>& stop) : stop_(stop) {}
  bool StopRequested() const override { return stop_.load(std::memory_order_relaxed); }

 private:
  const std::atomic<bool>& stop_;
};

// What the calling thread polls: the client's observer, which also raises the
// flag for the helpers.
class CallerStop : public Observer {
 public:
  CallerStop(const Observer& client, std::atomic<bool>& stop) : client_(client), stop_(stop) {}
  bool StopRequested() const override {
    if (stop_.load(std::memory_order_relaxed)) return true;
    if (!client_.StopRequested()) return false;
    stop_.store(true, std::memory_order_relaxed);
    return true;
  }

 private:
  const Observer& client_;
  std::atomic<bool>& stop_;
};

// Runs `mine` on the calling thread and `theirs` on one helper thread, each
// given the observer to poll; `mine` also when the helper cannot be started
// (then `theirs` runs after it, on the calling thread). While waiting for the
// helper the client is polled every millisecond. Returns false if either
// returned false (they return false when stopped).
bool RunBesideHelper(const std::function<bool(const Observer&)>& mine,
                     const std::function<bool(const Observer&)>& theirs, const Observer& client);

// Runs part(0, observer) and part(1, observer): on the calling thread and one
// helper when `parallel`, else one after the other on the calling thread.
// Solvers give the two parts fixed halves of their work, so their results do
// not depend on `parallel`. Returns false if either part did.
bool RunTwoParts(bool parallel, const Observer& observer,
                 const std::function<bool(int part, const Observer&)>& part);

}  // namespace advect

#endif  // ADVECT_CORE_SOLVERS_STOP_FLAG_H_
