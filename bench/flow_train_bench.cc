// flow_train_bench: training steps per second of advect's flow-matching MLP
// (core/flow_matching) on one seeded problem; bench/run-train-bench runs it
// beside the same architecture in PyTorch (bench/flow_train_vs_torch.py).
//   flow_train_bench [--d 2] [--width 64] [--depth 2] [--batch 256] [--steps 500]
//                    [--reps 3] [--activation silu|relu|tanh]
// Prints one JSON line: steps/s (median over repetitions), the first and last
// losses. The source is N(0, I) and the target a seeded cloud of 4096 points
// (two clusters at +-2 on the first axis); independent coupling, constant
// learning rate 1e-3, so each step is one minibatch forward, backward and
// Adam update, as in the PyTorch loop.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "core/flow_matching/flow_matching.h"
#include "core/random/normal.h"

namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void Fail(const std::string& message) {
  std::cerr << "flow_train_bench: " << message << "\n";
  std::exit(1);
}

int64_t Count(const std::string& flag, const char* value) {
  char* end = nullptr;
  const long long v = std::strtoll(value, &end, 10);
  if (*end != '\0' || v < 1) Fail(flag + ": expected a positive integer");
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t d = 2, width = 64, depth = 2, batch = 256, steps = 500, reps = 3;
  std::string activation = "silu";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--d") {
      d = Count(flag, argv[i + 1]);
    } else if (flag == "--width") {
      width = Count(flag, argv[i + 1]);
    } else if (flag == "--depth") {
      depth = Count(flag, argv[i + 1]);
    } else if (flag == "--batch") {
      batch = Count(flag, argv[i + 1]);
    } else if (flag == "--steps") {
      steps = Count(flag, argv[i + 1]);
    } else if (flag == "--reps") {
      reps = Count(flag, argv[i + 1]);
    } else if (flag == "--activation") {
      activation = argv[i + 1];
    } else {
      Fail("unknown flag " + flag);
    }
  }
  if (argc % 2 == 0) Fail("every flag takes a value");
  advect::FlowMatchingOptions o;
  o.width = width;
  o.depth = depth;
  o.batch_size = batch;
  o.steps = steps;
  o.learning_rate = 1e-3;
  o.schedule = advect::LearningRateSchedule::kConstant;
  o.coupling = advect::Coupling::kIndependent;
  o.activation = activation == "relu"   ? advect::Activation::kRelu
                 : activation == "tanh" ? advect::Activation::kTanh
                                        : advect::Activation::kSilu;
  advect::NormalStream normal(42);
  Eigen::MatrixXd target(4096, d);
  for (Eigen::Index i = 0; i < target.rows(); ++i) {
    for (Eigen::Index c = 0; c < d; ++c) target(i, c) = 0.3 * normal.Next();
    target(i, 0) += i % 2 == 0 ? 2.0 : -2.0;
  }
  std::vector<double> rates;
  double first = 0.0, last = 0.0;
  for (int64_t r = 0; r < reps; ++r) {
    o.seed = static_cast<uint64_t>(r);
    const Clock::time_point start = Clock::now();
    absl::StatusOr<advect::FlowMatchingOutput> out =
        advect::TrainFlowMatching(Eigen::MatrixXd(), target, o);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (!out.ok()) Fail(std::string(out.status().message()));
    rates.push_back(static_cast<double>(steps) / seconds);
    first = out->losses.front();
    last = out->losses.back();
  }
  std::sort(rates.begin(), rates.end());
  std::printf(
      "{\"impl\": \"advect\", \"d\": %lld, \"width\": %lld, \"depth\": %lld, \"batch\": %lld, "
      "\"steps\": %lld, \"reps\": %lld, \"activation\": \"%s\", \"steps_per_second\": %.6g, "
      "\"first_loss\": %.6g, \"last_loss\": %.6g, \"simd\": \"%s\"}\n",
      static_cast<long long>(d), static_cast<long long>(width), static_cast<long long>(depth),
      static_cast<long long>(batch), static_cast<long long>(steps), static_cast<long long>(reps),
      activation.c_str(), rates[rates.size() / 2], first, last, Eigen::SimdInstructionSetsInUse());
  return 0;
}
