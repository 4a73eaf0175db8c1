// The observer interface through which every solver reports progress and
// trajectory frames, and learns that it should stop (cancellation, deadline).
#ifndef ADVECT_CORE_OBSERVER_H_
#define ADVECT_CORE_OBSERVER_H_

#include <cstdint>

#include <Eigen/Core>

namespace advect {

// One progress report. `error` is the solver's convergence measure and
// `objective` its current objective value.
struct ProgressReport {
  int64_t iteration = 0;
  double error = 0.0;
  double objective = 0.0;
};

// Particle positions at one time of a trajectory (row = particle).
struct Frame {
  int64_t step = 0;
  double time = 0.0;
  Eigen::MatrixXd positions;
};

// Receives a solver's progress and frames and tells it when to stop. Solvers
// poll StopRequested() often enough to stop within milliseconds at any size,
// and ask WantsFrame() before spending time on building a frame.
// Callbacks run on the solver's thread and must not block for long.
class Observer {
 public:
  virtual ~Observer() = default;
  virtual void OnProgress(const ProgressReport& /*report*/) {}
  virtual bool WantsFrame(int64_t /*step*/) const { return false; }
  virtual void OnFrame(Frame /*frame*/) {}
  virtual bool StopRequested() const { return false; }
};

// observer.StopRequested(), out of line, for polls inside vectorised kernels:
// were the compiler to devirtualise the call speculatively there, it would
// make one copy of the loop per guessed observer type and might vectorise the
// copies differently, so the rounding would depend on the observer passed
// (one thread or two pass different observers).
[[gnu::noinline]] inline bool PollStop(const Observer& observer) {
  return observer.StopRequested();
}

// An observer that ignores everything and never stops.
inline Observer& NullObserver() {
  static Observer instance;
  return instance;
}

}  // namespace advect

#endif  // ADVECT_CORE_OBSERVER_H_
