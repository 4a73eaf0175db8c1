// A one-line progress display on stderr, redrawn in place, for terminals only.
#ifndef ADVECT_CLIENT_CLI_PROGRESS_BAR_H_
#define ADVECT_CLIENT_CLI_PROGRESS_BAR_H_

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include "absl/strings/string_view.h"

namespace advect::cli {

// What the line shows.
struct ProgressSnapshot {
  std::string state = "submitting";
  int64_t iteration = 0;
  int64_t max_iterations = 0;  // 0: unknown
  double error = -1.0;         // < 0: none yet
  double first_error = -1.0;   // the first error seen, for the bar
  double tolerance = 0.0;      // 0: unknown
};

class ProgressBar {
 public:
  // Draws on `out` only when `enabled` (pass: stderr is a terminal).
  ProgressBar(std::FILE* out, bool enabled, int64_t max_iterations, double tolerance);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void SetState(absl::string_view state);         // redraws at once
  void Update(int64_t iteration, double error);   // redraws at most ~10 times a second
  void Clear();                                   // erases the line

  // The line for `snapshot`, at most width - 1 characters.
  static std::string Render(const ProgressSnapshot& snapshot, int width);
  // Fraction done in [0, 1]: the larger of iterations / max and the progress of
  // log(error) from the first error to the tolerance.
  static double Fraction(const ProgressSnapshot& snapshot);

 private:
  void Draw();
  int Width() const;

  std::FILE* out_;
  bool enabled_;
  bool drawn_ = false;
  ProgressSnapshot snapshot_;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace advect::cli

#endif  // ADVECT_CLIENT_CLI_PROGRESS_BAR_H_
