#include "client/cli/progress_bar.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace advect::cli {

ProgressBar::ProgressBar(std::FILE* out, bool enabled, int64_t max_iterations, double tolerance)
    : out_(out), enabled_(enabled) {
  snapshot_.max_iterations = max_iterations;
  snapshot_.tolerance = tolerance;
}

ProgressBar::~ProgressBar() { Clear(); }

void ProgressBar::SetState(absl::string_view state) {
  snapshot_.state = std::string(state);
  Draw();
}

void ProgressBar::Update(int64_t iteration, double error) {
  snapshot_.iteration = iteration;
  snapshot_.error = error;
  if (snapshot_.first_error < 0 && error > 0) snapshot_.first_error = error;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ >= std::chrono::milliseconds(100)) Draw();
}

void ProgressBar::Clear() {
  if (!enabled_ || !drawn_) return;
  std::fputs("\r\033[K", out_);
  std::fflush(out_);
  drawn_ = false;
}

void ProgressBar::Draw() {
  if (!enabled_) return;
  last_draw_ = std::chrono::steady_clock::now();
  std::fprintf(out_, "\r\033[K%s", Render(snapshot_, Width()).c_str());
  std::fflush(out_);
  drawn_ = true;
}

int ProgressBar::Width() const {
  winsize ws{};
  if (ioctl(fileno(out_), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

double ProgressBar::Fraction(const ProgressSnapshot& s) {
  double f = 0.0;
  if (s.max_iterations > 0) f = static_cast<double>(s.iteration) / s.max_iterations;
  if (s.error > 0 && s.first_error > 0 && s.tolerance > 0 && s.first_error > s.tolerance) {
    const double total = std::log(s.first_error / s.tolerance);
    f = std::max(f, std::log(s.first_error / s.error) / total);
  }
  if (s.error >= 0 && s.tolerance > 0 && s.error <= s.tolerance) f = 1.0;
  return std::clamp(f, 0.0, 1.0);
}

std::string ProgressBar::Render(const ProgressSnapshot& s, int width) {
  std::string text = absl::StrCat("advect: ", s.state);
  if (s.iteration > 0) {
    absl::StrAppend(&text, "  iteration ", s.iteration);
    if (s.max_iterations > 0) absl::StrAppend(&text, "/", s.max_iterations);
  }
  if (s.error >= 0) absl::StrAppend(&text, absl::StrFormat("  error %.3g", s.error));
  // A fixed-width bar (so that it does not jump as the numbers change) on wide terminals.
  const int bar = width >= 72 ? 24 : 0;
  std::string line;
  if (bar > 0 && s.iteration > 0) {
    const int done = static_cast<int>(std::lround(Fraction(s) * bar));
    line = absl::StrCat(text.substr(0, text.find("  ")), "  [", std::string(done, '#'),
                        std::string(bar - done, '.'), "]", text.substr(text.find("  ")));
  } else {
    line = text;
  }
  if (width > 1 && static_cast<int>(line.size()) > width - 1) line.resize(width - 1);
  return line;
}

}  // namespace advect::cli
