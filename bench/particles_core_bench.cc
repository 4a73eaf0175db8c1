// particles_core_bench: times steps of advect's all-pairs interaction flow
// (Interaction::Accumulate, core/particles/interaction.h, Gaussian W) for the
// side-by-side comparison with NumPy driven by bench/particles_vs_numpy.py.
//
// One step is the explicit Euler update of the particle gradient flow with the
// interaction alone (SCIENCE.md c1):
//   x_i <- x_i - h (1/n) sum_j grad W(x_i - x_j),
//   W(x) = strength exp(-|x|^2 / (2 width^2)),
// the field of all n^2 ordered pairs; no energy (a flow computes it only at
// its frames).
//
// Modes (all print one JSON line on stdout):
//   --write DIR  generate the points (seeded, below) and write DIR/x.npy (n x d).
//   (default)    read the points from --dir DIR (or generate them), then time
//                --steps steps (std::chrono::steady_clock around each step).
//                --out DIR writes the field at the initial points as
//                DIR/field.npy and the points after the steps as DIR/x_final.npy,
//                after the timing.
//   --peak       this machine's dense-product rate through advect's Gemm
//                (OpenBLAS, core/linalg/gemm.h): the best of --reps products
//                C = A B of square double matrices of --size, the columns of C
//                split over --threads threads (2 size^3 flops each).
//
// The points: x_ij ~ N(0, 1) (SplitMix64 and NormalStream of core/random), and
// width sqrt(d) by default, so that a typical exponent |x_i - x_j|^2 /
// (2 width^2) is about 1 in every dimension and the kernel is neither
// negligible nor flat.
//
// Flop model of one step: 4 n^2 d, the two dense products of the Gram form
// (x x^T for the squared distances, then K x for the sums), which NumPy runs
// and which is the least dense-product work of the full double sum. The n^2
// exponentials are not counted; they dominate at small d.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "bench/bench_common.h"
#include "core/io/npy.h"
#include "core/linalg/cpu_isa.h"
#include "core/linalg/gemm.h"
#include "core/observer.h"
#include "core/particles/interaction.h"
#include "core/random/normal.h"

namespace {

using advect::bench::Clock;
using advect::bench::Fail;
using advect::bench::JsonList;
using advect::bench::Median;
using advect::bench::ParseCount;
using advect::bench::ParseDouble;
using Eigen::Index;
using Eigen::MatrixXd;

struct Flags {
  std::string mode = "time";  // time | write | peak
  std::string dir, out;
  Index n = 10000, d = 2;
  uint64_t seed = 1;
  double strength = 1.0;
  double width = 0.0;  // 0: sqrt(d)
  double step_size = 0.1;
  int steps = 3;
  int threads = 2;  // Accumulate's num_threads (NumPy runs 2 BLAS threads)
  int reps = 3;     // --peak
  Index size = 2048;
};

void Usage() {
  std::printf(
      "Usage: particles_core_bench [--dir DIR | --n N --d D --seed S] [--strength A]\n"
      "                            [--width W] [--step-size H] [--steps S] [--threads 1|2]\n"
      "                            [--out DIR]\n"
      "       particles_core_bench --write DIR --n N --d D [--seed S]\n"
      "       particles_core_bench --peak [--size 2048] [--reps R] [--threads 1|2]\n"
      "Times steps of the Gaussian all-pairs interaction flow and prints one JSON line.\n"
      "Driven by bench/run-particles-bench; see bench/README.md.\n");
}

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      Usage();
      std::exit(0);
    }
    if (arg == "--peak") {
      f.mode = "peak";
      continue;
    }
    const std::string value = advect::bench::FlagValue(argc, argv, i, arg);
    if (arg == "--write") {
      f.mode = "write";
      f.dir = value;
    } else if (arg == "--dir") {
      f.dir = value;
    } else if (arg == "--out") {
      f.out = value;
    } else if (arg == "--n") {
      f.n = ParseCount(arg, value);
    } else if (arg == "--d") {
      f.d = ParseCount(arg, value);
    } else if (arg == "--seed") {
      f.seed = static_cast<uint64_t>(ParseCount(arg, value));
    } else if (arg == "--strength") {
      f.strength = ParseDouble(arg, value);
    } else if (arg == "--width") {
      f.width = ParseDouble(arg, value);
      if (!(f.width > 0.0)) Fail("--width: must be > 0");
    } else if (arg == "--step-size") {
      f.step_size = ParseDouble(arg, value);
    } else if (arg == "--steps") {
      f.steps = static_cast<int>(ParseCount(arg, value));
    } else if (arg == "--threads") {
      f.threads = static_cast<int>(ParseCount(arg, value));
      if (f.threads > 2) Fail("--threads: 1 or 2");
    } else if (arg == "--reps") {
      f.reps = static_cast<int>(ParseCount(arg, value));
    } else if (arg == "--size") {
      f.size = ParseCount(arg, value);
    } else {
      std::fprintf(stderr, "particles_core_bench: unknown flag %s\n", arg.c_str());
      Usage();
      std::exit(2);
    }
  }
  return f;
}

MatrixXd Generate(const Flags& f) {
  advect::NormalStream normal(f.seed);
  MatrixXd x(f.n, f.d);
  for (Index i = 0; i < f.n; ++i) {
    for (Index c = 0; c < f.d; ++c) x(i, c) = normal.Next();
  }
  return x;
}

MatrixXd Load(const std::string& path) {
  absl::StatusOr<advect::Array> array = advect::ReadNpy(path);
  if (!array.ok()) Fail(path + ": " + std::string(array.status().message()));
  return std::move(array->values);
}

void Save(const std::string& path, MatrixXd values) {
  const absl::Status s = advect::WriteNpy(path, advect::Array{2, std::move(values)});
  if (!s.ok()) Fail(path + ": " + s.ToString());
}

int Peak(const Flags& f) {
  const MatrixXd a = MatrixXd::Random(f.size, f.size);
  const MatrixXd b = MatrixXd::Random(f.size, f.size);
  MatrixXd c(f.size, f.size);
  const Index half = f.size / 2;
  auto product = [&] {
    if (f.threads == 1) {
      advect::Gemm(a, false, b, false, 1.0, 0.0, c);
      return;
    }
    std::thread other(
        [&] { advect::Gemm(a, false, b.leftCols(half), false, 1.0, 0.0, c.leftCols(half)); });
    advect::Gemm(a, false, b.rightCols(f.size - half), false, 1.0, 0.0, c.rightCols(f.size - half));
    other.join();
  };
  product();  // warm-up: pages, caches
  double best = 1e300;
  for (int r = 0; r < f.reps; ++r) {
    const Clock::time_point start = Clock::now();
    product();
    best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
  }
  const double flops = 2.0 * std::pow(static_cast<double>(f.size), 3);
  std::printf(
      "{\"mode\": \"peak\", \"library\": \"advect Gemm (OpenBLAS)\", \"threads\": %d, "
      "\"size\": %lld, \"seconds_best\": %.6g, \"gflops\": %.4g, \"check\": %.17g}\n",
      f.threads, static_cast<long long>(f.size), best, flops / best * 1e-9, c.sum());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  advect::bench::ProgramName() = "particles_core_bench";
  const Flags flags = ParseFlags(argc, argv);
  if (flags.mode == "peak") return Peak(flags);
  if (flags.mode == "write") {
    Save(flags.dir + "/x.npy", Generate(flags));
    std::printf("{\"mode\": \"write\", \"dir\": \"%s\", \"n\": %lld, \"d\": %lld}\n",
                flags.dir.c_str(), static_cast<long long>(flags.n),
                static_cast<long long>(flags.d));
    return 0;
  }

  MatrixXd x = flags.dir.empty() ? Generate(flags) : Load(flags.dir + "/x.npy");
  const Index n = x.rows(), d = x.cols();
  const double width = flags.width > 0.0 ? flags.width : std::sqrt(static_cast<double>(d));
  absl::StatusOr<advect::Interaction> interaction =
      advect::Interaction::Gaussian(flags.strength, width);
  if (!interaction.ok()) Fail("Interaction::Gaussian: " + interaction.status().ToString());

  const std::string route =
      d > advect::kMaxPairKernelDimension ? "gram products (BLAS)" : "pair kernel";
  MatrixXd field(n, d), first_field;
  std::vector<double> seconds;
  for (int s = 0; s < flags.steps; ++s) {
    const Clock::time_point start = Clock::now();
    field.setZero();
    if (!interaction->Accumulate(x, advect::NullObserver(), flags.threads, field, nullptr)) {
      Fail("Accumulate stopped");
    }
    x -= flags.step_size * field;
    seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    if (s == 0) first_field = field;
  }
  if (!flags.out.empty()) {
    Save(flags.out + "/field.npy", first_field);
    Save(flags.out + "/x_final.npy", x);
  }
  const double median = Median(seconds);
  const double nd = static_cast<double>(n);
  const double flops = 4.0 * nd * nd * static_cast<double>(d);
  std::printf(
      "{\"mode\": \"time\", \"n\": %lld, \"d\": %lld, \"strength\": %.6g, "
      "\"width\": %.6g, \"step_size\": %.6g, \"steps\": %d, \"route\": \"%s\", "
      "\"isa\": \"%s\", \"seconds\": %.6g, \"seconds_all\": %s, "
      "\"steps_per_second\": %.6g, \"flop_model\": \"4 n^2 d\", "
      "\"flops_per_step\": %.6g, \"gflops\": %.4g, \"threads\": %d, "
      "\"peak_rss_kb\": %ld}\n",
      static_cast<long long>(n), static_cast<long long>(d), flags.strength, width, flags.step_size,
      flags.steps, route.c_str(), advect::CpuIsaName(advect::DetectedCpuIsa()), median,
      JsonList(seconds).c_str(), 1.0 / median, flops, flops / median * 1e-9, flags.threads,
      advect::bench::PeakRssKb());
  return 0;
}
