// Conditional flow matching (SCIENCE.md b4): a velocity MLP v(x, t) regressed
// on x1 - x0 at x_t = (1 - t) x0 + t x1, t ~ U(0, 1), with (x0, x1) drawn from
// a coupling of minibatches of the source (a cloud, or N(0, I)) and the target
// cloud: independent pairs, exact OT on the minibatch (OT-CFM; Tong et al.
// 2024, Pooladian et al. 2023), or the entropic plan with reg 2 sigma^2
// (Schrodinger-bridge CFM). Integrating dx/dt = v(x, t) from t = 0 to 1 then
// carries the source to the target; OT couplings give straighter paths.
#ifndef ADVECT_CORE_FLOW_MATCHING_FLOW_MATCHING_H_
#define ADVECT_CORE_FLOW_MATCHING_FLOW_MATCHING_H_

#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "core/flow_matching/mlp.h"
#include "core/observer.h"

namespace advect {

enum class Coupling { kIndependent, kExactOt, kEntropic };
enum class LearningRateSchedule { kConstant, kCosine };

struct FlowMatchingOptions {
  int64_t width = 64;
  int64_t depth = 2;
  Activation activation = Activation::kSilu;
  int64_t batch_size = 256;
  int64_t steps = 2000;
  double learning_rate = 1e-3;
  LearningRateSchedule schedule = LearningRateSchedule::kCosine;  // to 0 at the last step
  Coupling coupling = Coupling::kIndependent;
  double sigma = 0.1;  // the entropic coupling's reg = 2 sigma^2 (cost |x - y|^2)
  uint64_t seed = 0;
};

inline constexpr int64_t kMaxFlowMatchingSteps = 1'000'000;
inline constexpr int64_t kMaxFlowMatchingBatch = 4096;

struct FlowMatchingOutput {
  Mlp model;
  std::vector<double> losses;  // the minibatch loss of every step
};

// Checks the data and options (errors name source, target, width, depth,
// batch_size, steps, learning_rate, sigma).
absl::Status ValidateFlowMatching(const Eigen::MatrixXd& source, const Eigen::MatrixXd& target,
                                  const FlowMatchingOptions& options);

// `source` n0 x d (empty: N(0, I) draws) and `target` n1 x d. Minibatches are
// drawn with replacement (SplitMix64(seed)), Gaussian source points and the
// times from NormalStream / SplitMix64 streams of the same seed, so the same
// seed gives the same model. Progress once per step (iteration = step,
// error = the minibatch loss, objective = the learning rate). Errors name
// source, target, width, depth, batch_size, steps, learning_rate, sigma;
// Cancelled on a stop request.
absl::StatusOr<FlowMatchingOutput> TrainFlowMatching(const Eigen::MatrixXd& source,
                                                     const Eigen::MatrixXd& target,
                                                     const FlowMatchingOptions& options,
                                                     Observer& observer = NullObserver());

// out (n x d) = v(x, t) at every row of x.
void EvaluateModel(const Mlp& model, double t, const Eigen::MatrixXd& x, Eigen::MatrixXd& out);

struct PathReport {
  Eigen::MatrixXd endpoints;  // x at t = 1 after `steps` Euler steps
  // Liu et al. (2023): S = int_0^1 E|(x_1 - x_0) - v(x_t, t)|^2 dt along the
  // computed paths (Euler sum); 0 for straight paths.
  double straightness = 0.0;
  // E|x_1^(k) - x_1|^2 between `few_steps` Euler steps and the endpoints.
  double few_step_error = 0.0;
};

// Carries x0 (n x d) along the model with `steps` Euler steps (>= 1) and with
// `few_steps` (>= 1) for the comparison.
PathReport MeasurePaths(const Mlp& model, const Eigen::MatrixXd& x0, int64_t steps,
                        int64_t few_steps);

}  // namespace advect

#endif  // ADVECT_CORE_FLOW_MATCHING_FLOW_MATCHING_H_
