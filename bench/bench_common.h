// Helpers shared by the core benchmarks (flow_core_bench, particles_core_bench):
// failing with a message, parsing numeric flags, medians, JSON lists, the peak
// resident set, and this build's dense-product rate. Header-only; each
// benchmark is one translation unit.
#ifndef ADVECT_BENCH_BENCH_COMMON_H_
#define ADVECT_BENCH_BENCH_COMMON_H_

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <Eigen/Core>

namespace advect::bench {

using Clock = std::chrono::steady_clock;

// The program name Fail prefixes its message with; each benchmark sets it first.
inline std::string& ProgramName() {
  static std::string name = "bench";
  return name;
}

[[noreturn]] inline void Fail(const std::string& message) {
  std::cerr << ProgramName() << ": " << message << "\n";
  std::exit(1);
}

inline double ParseDouble(const std::string& flag, const std::string& value) {
  char* end = nullptr;
  const double v = std::strtod(value.c_str(), &end);
  if (value.empty() || *end != '\0') Fail(flag + ": expected a number, got \"" + value + "\"");
  return v;
}

inline Eigen::Index ParseCount(const std::string& flag, const std::string& value) {
  const double v = ParseDouble(flag, value);
  if (!(v >= 1) || v != std::floor(v)) Fail(flag + ": expected a positive integer");
  return static_cast<Eigen::Index>(v);
}

// The value of flag argv[i], given as "--flag=value" or as "--flag value"
// (then i moves past it); `arg` becomes the flag's name alone.
inline std::string FlagValue(int argc, char** argv, int& i, std::string& arg) {
  const size_t eq = arg.find('=');
  if (eq != std::string::npos) {
    std::string value = arg.substr(eq + 1);
    arg = arg.substr(0, eq);
    return value;
  }
  if (i + 1 >= argc) Fail(arg + ": missing value");
  return argv[++i];
}

inline double Median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const size_t h = v.size() / 2;
  return v.size() % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
}

inline std::string JsonList(const std::vector<double>& v) {
  std::string s = "[";
  char buf[32];
  for (size_t i = 0; i < v.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%s%.6g", i ? ", " : "", v[i]);
    s += buf;
  }
  return s + "]";
}

inline long PeakRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// Prints one JSON line: the best of `reps` products C = A B of square double
// matrices of `size` with Eigen (2 size^3 flops each), compiled with the
// benchmark's flags (those of advect_core).
inline int PrintDensePeak(Eigen::Index size, int reps) {
  using Eigen::MatrixXd;
  const MatrixXd a = MatrixXd::Random(size, size);
  const MatrixXd b = MatrixXd::Random(size, size);
  MatrixXd c(size, size);
  c.noalias() = a * b;  // warm-up: pages, caches
  double best = 1e300;
  for (int r = 0; r < reps; ++r) {
    const Clock::time_point start = Clock::now();
    c.noalias() = a * b;
    best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
  }
  const double flops = 2.0 * std::pow(static_cast<double>(size), 3);
  std::printf(
      "{\"mode\": \"peak\", \"library\": \"Eigen %d.%d.%d\", \"simd\": \"%s\", "
      "\"threads\": %d, \"size\": %lld, \"seconds_best\": %.6g, \"gflops\": %.4g, "
      "\"check\": %.17g}\n",
      EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION, EIGEN_MINOR_VERSION,
      Eigen::SimdInstructionSetsInUse(), Eigen::nbThreads(), static_cast<long long>(size), best,
      flops / best * 1e-9, c.sum());
  return 0;
}

}  // namespace advect::bench

#endif  // ADVECT_BENCH_BENCH_COMMON_H_
