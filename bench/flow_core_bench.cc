// flow_core_bench: times advect's closed-form Gaussian-mixture velocity
// (MixtureVelocity::Evaluate, core/diffusion/mixture_velocity.h) on one problem,
// for the side-by-side comparison with NumPy driven by bench/flow_vs_numpy.py.
//
// Modes (all print one JSON line on stdout):
//   --write DIR  generate the problem (seeded, below) and write DIR/weights.npy (K),
//                DIR/means.npy (K x d), DIR/covs.npy ((K d) x d: the K covariances
//                stacked row-wise) and DIR/z.npy (n x d). Nothing is timed.
//   (default)    read the problem from --dir DIR, or generate it in memory, build the
//                MixtureVelocity (linear schedule, --sigma), then time --reps rounds of
//                one Evaluate per t in --times (std::chrono::steady_clock around the
//                call only). --out DIR writes the first round's outputs as
//                DIR/v_<i>.npy (i = index of t), after the timing.
//   --peak       this build's dense-product rate: best of --reps C = A B with Eigen,
//                square double matrices of --size (2 size^3 flops each), compiled
//                with the same flags as advect_core.
//
// The problem (SplitMix64/NormalStream of core/random, so the same bits everywhere):
// weights w_j = 0.5 + U; means c_j ~ N(0, (spread^2 / d) I) (mean distance between
// two means about spread * sqrt(2), whatever d); covariances S_j = A A^T / d + 0.1 I
// with A a d x d standard normal matrix; points z = (x + sigma y) / 2, x drawn from
// the mixture and y ~ N(0, I): samples of the linear interpolant at t = 1/2.
//
// Flop model of one evaluation: 4 n K d^2, the two d x d matrix-vector products per
// point and component (Sigma_j^-1 (z - a c_j) and S_j times it). Lower-order terms
// (O(n K d) differences, quadratic forms and sums, n K exponentials, K Cholesky
// factorisations) are not counted; they dominate at small d.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "bench/bench_common.h"
#include "core/diffusion/mixture_velocity.h"
#include "core/diffusion/schedule.h"
#include "core/io/npy.h"
#include "core/observer.h"
#include "core/random/normal.h"
#include "core/random/splitmix64.h"

namespace {

using advect::bench::Clock;
using advect::bench::Fail;
using advect::bench::JsonList;
using advect::bench::Median;
using advect::bench::ParseCount;
using advect::bench::ParseDouble;
using advect::bench::PeakRssKb;
using Eigen::Index;
using Eigen::MatrixXd;

struct Flags {
  std::string mode = "time";  // time | write | peak
  std::string dir, out;
  Index n = 10000, k = 1000, d = 2;
  uint64_t seed = 1;
  double sigma = 1.0;
  double spread = 3.0;
  std::vector<double> times = {0.9, 0.5, 0.1};
  int reps = 3;
  int threads = 2;    // MixtureVelocity::set_num_threads (NumPy runs 2 BLAS threads)
  Index size = 2048;  // --peak
};

struct Problem {
  advect::GaussianMixture mixture;
  MatrixXd z;
};

void Usage() {
  std::cout << "Usage: flow_core_bench [--dir DIR | --n N --k K --d D --seed S --spread R]\n"
               "                       [--sigma S] [--times 0.9,0.5,0.1] [--reps R] [--threads 1|2]\n"
               "                       [--out DIR]\n"
               "       flow_core_bench --write DIR --n N --k K --d D [--seed S] [--sigma S]\n"
               "       flow_core_bench --peak [--size 2048] [--reps R]\n"
               "Times MixtureVelocity::Evaluate and prints one JSON line. Driven by\n"
               "bench/run-flow-bench; see bench/README.md.\n";
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
    } else if (arg == "--k") {
      f.k = ParseCount(arg, value);
    } else if (arg == "--d") {
      f.d = ParseCount(arg, value);
    } else if (arg == "--seed") {
      f.seed = static_cast<uint64_t>(ParseCount(arg, value));
    } else if (arg == "--sigma") {
      f.sigma = ParseDouble(arg, value);
    } else if (arg == "--spread") {
      f.spread = ParseDouble(arg, value);
    } else if (arg == "--reps") {
      f.reps = static_cast<int>(ParseCount(arg, value));
    } else if (arg == "--threads") {
      f.threads = static_cast<int>(ParseCount(arg, value));
    } else if (arg == "--size") {
      f.size = ParseCount(arg, value);
    } else if (arg == "--times") {
      f.times.clear();
      for (size_t pos = 0; pos <= value.size();) {
        const size_t comma = std::min(value.find(',', pos), value.size());
        const double t = ParseDouble(arg, value.substr(pos, comma - pos));
        if (!(t >= 0.0 && t <= 1.0)) Fail("--times: each t must be in [0, 1]");
        f.times.push_back(t);
        pos = comma + 1;
      }
    } else {
      std::cerr << "flow_core_bench: unknown flag " << arg << "\n";
      Usage();
      std::exit(2);
    }
  }
  return f;
}

Problem Generate(const Flags& f) {
  advect::SplitMix64 uniform(f.seed);
  advect::NormalStream normal(f.seed + 1);
  Problem p;
  advect::GaussianMixture& m = p.mixture;
  m.weights.resize(f.k);
  for (Index j = 0; j < f.k; ++j) m.weights[j] = 0.5 + uniform.NextUniform();
  m.means.resize(f.k, f.d);
  const double mean_scale = f.spread / std::sqrt(static_cast<double>(f.d));
  for (Index j = 0; j < f.k; ++j) {
    for (Index c = 0; c < f.d; ++c) m.means(j, c) = mean_scale * normal.Next();
  }
  std::vector<MatrixXd> factors;  // Cholesky factors of the S_j, to sample x
  for (Index j = 0; j < f.k; ++j) {
    MatrixXd a(f.d, f.d);
    for (Index r = 0; r < f.d; ++r) {
      for (Index c = 0; c < f.d; ++c) a(r, c) = normal.Next();
    }
    MatrixXd s = a * a.transpose() / static_cast<double>(f.d);
    s.diagonal().array() += 0.1;
    s = 0.5 * (s + s.transpose());  // exactly symmetric
    factors.push_back(s.llt().matrixL());
    m.covs.push_back(std::move(s));
  }
  // z = (x + sigma y) / 2 with x ~ mixture: component j by inverse CDF of the weights.
  Eigen::VectorXd cdf(f.k);
  double sum = 0.0;
  for (Index j = 0; j < f.k; ++j) cdf[j] = (sum += m.weights[j]);
  p.z.resize(f.n, f.d);
  Eigen::VectorXd xi(f.d);
  for (Index i = 0; i < f.n; ++i) {
    const double u = uniform.NextUniform() * sum;
    const Index j = std::min<Index>(std::upper_bound(cdf.data(), cdf.data() + f.k, u) - cdf.data(),
                                    f.k - 1);
    for (Index c = 0; c < f.d; ++c) xi[c] = normal.Next();
    const Eigen::VectorXd x = m.means.row(j).transpose() + factors[j] * xi;
    for (Index c = 0; c < f.d; ++c) p.z(i, c) = 0.5 * (x[c] + f.sigma * normal.Next());
  }
  return p;
}

MatrixXd Load(const std::string& path) {
  absl::StatusOr<advect::Array> array = advect::ReadNpy(path);
  if (!array.ok()) Fail(path + ": " + std::string(array.status().message()));
  return std::move(array->values);
}

void Save(const std::string& path, MatrixXd values, int ndim = 2) {
  const absl::Status s = advect::WriteNpy(path, advect::Array{ndim, std::move(values)});
  if (!s.ok()) Fail(path + ": " + s.ToString());
}

Problem Read(const std::string& dir) {
  Problem p;
  advect::GaussianMixture& m = p.mixture;
  m.weights = Load(dir + "/weights.npy").col(0);
  m.means = Load(dir + "/means.npy");
  const MatrixXd stack = Load(dir + "/covs.npy");
  const Index k = m.means.rows(), d = m.means.cols();
  if (stack.rows() != k * d || stack.cols() != d) Fail("covs.npy: expected (K d) x d");
  for (Index j = 0; j < k; ++j) m.covs.push_back(stack.middleRows(j * d, d));
  p.z = Load(dir + "/z.npy");
  return p;
}

void Write(const std::string& dir, const Problem& p) {
  const Index k = p.mixture.means.rows(), d = p.mixture.means.cols();
  MatrixXd stack(k * d, d);
  for (Index j = 0; j < k; ++j) stack.middleRows(j * d, d) = p.mixture.covs[j];
  Save(dir + "/weights.npy", p.mixture.weights, 1);
  Save(dir + "/means.npy", p.mixture.means);
  Save(dir + "/covs.npy", stack);
  Save(dir + "/z.npy", p.z);
}

}  // namespace

int main(int argc, char** argv) {
  advect::bench::ProgramName() = "flow_core_bench";
  const Flags flags = ParseFlags(argc, argv);
  if (flags.mode == "peak") return advect::bench::PrintDensePeak(flags.size, flags.reps);
  if (flags.mode == "write") {
    Write(flags.dir, Generate(flags));
    std::printf("{\"mode\": \"write\", \"dir\": \"%s\", \"n\": %lld, \"k\": %lld, \"d\": %lld}\n",
                flags.dir.c_str(), static_cast<long long>(flags.n),
                static_cast<long long>(flags.k), static_cast<long long>(flags.d));
    return 0;
  }

  Problem p = flags.dir.empty() ? Generate(flags) : Read(flags.dir);
  const Index n = p.z.rows(), k = p.mixture.means.rows(), d = p.mixture.means.cols();
  absl::StatusOr<advect::MixtureVelocity> velocity = advect::MixtureVelocity::Create(
      std::move(p.mixture), flags.sigma, advect::ScheduleKind::kLinear);
  if (!velocity.ok()) Fail("MixtureVelocity::Create: " + velocity.status().ToString());
  velocity->set_num_threads(flags.threads);

  const size_t nt = flags.times.size();
  std::vector<MatrixXd> first(nt);
  std::vector<double> all;
  std::vector<std::vector<double>> by_t(nt);
  MatrixXd out;
  for (int r = 0; r < flags.reps; ++r) {
    for (size_t i = 0; i < nt; ++i) {
      const Clock::time_point start = Clock::now();
      const bool done = velocity->Evaluate(flags.times[i], p.z, advect::NullObserver(), out);
      const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
      if (!done) Fail("Evaluate stopped");
      all.push_back(seconds);
      by_t[i].push_back(seconds);
      if (r == 0) first[i] = out;
    }
  }
  if (!flags.out.empty()) {
    for (size_t i = 0; i < nt; ++i) Save(flags.out + "/v_" + std::to_string(i) + ".npy", first[i]);
  }
  std::vector<double> median_by_t;
  for (const std::vector<double>& v : by_t) median_by_t.push_back(Median(v));
  const double median = Median(all);
  const double flops = 4.0 * static_cast<double>(n) * static_cast<double>(k) *
                       static_cast<double>(d) * static_cast<double>(d);
  std::printf("{\"mode\": \"time\", \"n\": %lld, \"k\": %lld, \"d\": %lld, \"sigma\": %.6g, "
              "\"times\": %s, \"reps\": %d, \"seconds\": %.6g, \"seconds_by_t\": %s, "
              "\"seconds_all\": %s, \"evals_per_second\": %.6g, \"flop_model\": \"4 n K d^2\", "
              "\"flops_per_eval\": %.6g, \"gflops\": %.4g, \"simd\": \"%s\", "
              "\"threads\": %d, \"peak_rss_kb\": %ld}\n",
              static_cast<long long>(n), static_cast<long long>(k), static_cast<long long>(d),
              flags.sigma, JsonList(flags.times).c_str(), flags.reps, median,
              JsonList(median_by_t).c_str(), JsonList(all).c_str(), 1.0 / median, flops,
              flops / median * 1e-9, Eigen::SimdInstructionSetsInUse(), flags.threads, PeakRssKb());
  return 0;
}
