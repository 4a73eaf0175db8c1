#include "client/cli/flow_command.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "client/cli/common_flags.h"
#include "client/cli/errors.h"
#include "client/cli/input_files.h"
#include "client/cli/job_runner.h"
#include "client/cli/mixture_input.h"
#include "client/cli/ot_specs.h"
#include "client/lib/convert.h"
#include "core/io/npy.h"

namespace advect::cli {
namespace {

std::vector<FlagDef> SamplingFlagDefs() {
  return {
      {"steps", "N", "steps (flow sample: default 100; langevin: 1000)"},
      {"num-samples", "N", "samples to draw (default 1000)"},
      {"seed", "S", "seed of the initial noise and of the SDE/Langevin noise\n(default 0)"},
      {"diagnostic-points", "N",
       "points on each side of the Sinkhorn divergence to the target\n(default 500, at "
       "most 20000)"},
      {"diagnostic-epsilon", "E",
       "epsilon of that divergence (default 0.1 x the target's mean\nsquared radius)"},
      {"no-diagnostics", "", "skip the divergence and nearest-point distances"},
  };
}

std::vector<FlagDef> Concat(std::initializer_list<std::vector<FlagDef>> groups) {
  std::vector<FlagDef> all;
  for (const auto& g : groups) all.insert(all.end(), g.begin(), g.end());
  return all;
}

// --steps --num-samples --seed and the diagnostics flags, shared by both commands.
template <typename Spec>
absl::Status LoadSampling(const ParsedFlags& flags, Spec* spec) {
  int32_t steps = 0, samples = 0;
  if (absl::Status s = OptionalInt32(flags, "steps", 1, &steps); !s.ok()) return s;
  if (absl::Status s = OptionalInt32(flags, "num-samples", 1, &samples); !s.ok()) return s;
  spec->set_steps(steps);
  spec->set_num_samples(samples);
  if (auto text = flags.Get("seed")) {
    absl::StatusOr<int64_t> value =
        ParseInt("seed", *text, 0, std::numeric_limits<int64_t>::max());
    if (!value.ok()) return value.status();
    spec->set_seed(static_cast<uint64_t>(*value));
  }
  v1::FlowDiagnosticsSpec* d = spec->mutable_diagnostics();
  d->set_skip(flags.Has("no-diagnostics"));
  std::optional<double> epsilon;
  if (absl::Status s = OptionalDouble(flags, "diagnostic-epsilon", &epsilon); !s.ok()) return s;
  if (epsilon) d->set_epsilon(*epsilon);
  int32_t points = 0;
  if (absl::Status s = OptionalInt32(flags, "diagnostic-points", 1, &points); !s.ok()) return s;
  d->set_max_points(points);
  return absl::OkStatus();
}

absl::StatusOr<CommandSpec> BuildFlowSample(const ParsedFlags& flags) {
  CommandSpec out;
  absl::StatusOr<RunFlags> run = RunFlagsFrom(flags);
  if (!run.ok()) return run.status();
  out.run = *std::move(run);
  v1::FlowSampleSpec* s = out.spec.mutable_flow_sample();
  const bool mixture = flags.Has("gmm-weights") || flags.Has("gmm-means") || flags.Has("gmm-covs");
  const bool cloud = flags.Has("target");
  const bool model = flags.Has("model");
  if (model && (mixture || cloud)) {
    return UsageError("--model is the field: give no --gmm-* or --target with it");
  }
  if (!model && mixture == cloud) {
    return UsageError(mixture ? "give --gmm-weights --gmm-means --gmm-covs or --target, not both"
                              : "missing the target: give --gmm-weights W --gmm-means M "
                                "--gmm-covs C, or --target X");
  }
  if (flags.Has("target-weights") && !cloud) {
    return UsageError("--target-weights needs --target");
  }
  absl::StatusOr<int> schedule = Choice(flags, "schedule", {"linear", "vp"}, 0);
  if (!schedule.ok()) return schedule.status();
  s->set_schedule(*schedule == 0 ? v1::FLOW_SCHEDULE_LINEAR
                                 : v1::FLOW_SCHEDULE_VARIANCE_PRESERVING);
  absl::StatusOr<int> sampler = Choice(flags, "sampler", {"euler", "heun", "rk4", "sde"}, 1);
  if (!sampler.ok()) return sampler.status();
  constexpr v1::FlowSampler kSamplers[] = {v1::FLOW_SAMPLER_EULER, v1::FLOW_SAMPLER_HEUN,
                                           v1::FLOW_SAMPLER_RK4, v1::FLOW_SAMPLER_SDE};
  s->set_sampler(kSamplers[*sampler]);
  std::optional<double> sigma;
  if (absl::Status st = OptionalDouble(flags, "sigma", &sigma); !st.ok()) return st;
  if (sigma) {
    if (!(*sigma > 0.0)) return UsageError("--sigma: must be > 0");
    s->set_sigma(*sigma);
  }
  if (absl::Status st = LoadSampling(flags, s); !st.ok()) return st;
  if (model) {
    s->set_model_id(*flags.Get("model"));
  } else if (mixture) {
    if (absl::Status st = LoadMixture(flags, s); !st.ok()) return st;
  } else {
    absl::StatusOr<Array> x = LoadPoints("target", *flags.Get("target"));
    if (!x.ok()) return x.status();
    if (auto w = flags.Get("target-weights")) {
      absl::StatusOr<Array> weights =
          LoadWeights("target-weights", *w, x->values.rows(),
                      absl::StrCat("--target has ", x->values.rows(), " points"));
      if (!weights.ok()) return weights.status();
      if (absl::Status st = client::ToRepeated(*weights, s->mutable_target_weights()); !st.ok()) {
        return st;
      }
    }
    *s->mutable_target() = client::ToMatrix(*x);
  }
  if (auto path = flags.Get("initial-noise")) {
    absl::StatusOr<Array> z = LoadPoints("initial-noise", *path);
    if (!z.ok()) return z.status();
    *s->mutable_initial_noise() = client::ToMatrix(*z);
  }
  return out;
}

absl::StatusOr<CommandSpec> BuildFlowLangevin(const ParsedFlags& flags) {
  CommandSpec out;
  absl::StatusOr<RunFlags> run = RunFlagsFrom(flags);
  if (!run.ok()) return run.status();
  out.run = *std::move(run);
  v1::LangevinSampleSpec* s = out.spec.mutable_langevin_sample();
  std::optional<double> step;
  if (absl::Status st = OptionalDouble(flags, "step-size", &step); !st.ok()) return st;
  if (step) {
    if (!(*step > 0.0)) return UsageError("--step-size: must be > 0");
    s->set_step_size(*step);
  }
  if (absl::Status st = LoadSampling(flags, s); !st.ok()) return st;
  if (absl::Status st = LoadMixture(flags, s); !st.ok()) return st;
  if (auto path = flags.Get("initial-points")) {
    absl::StatusOr<Array> x = LoadPoints("initial-points", *path);
    if (!x.ok()) return x.status();
    *s->mutable_initial_points() = client::ToMatrix(*x);
  }
  return out;
}

absl::StatusOr<CommandSpec> BuildFlowTrain(const ParsedFlags& flags) {
  CommandSpec out;
  absl::StatusOr<RunFlags> run = RunFlagsFrom(flags);
  if (!run.ok()) return run.status();
  out.run = *std::move(run);
  v1::FlowTrainSpec* s = out.spec.mutable_flow_train();
  if (flags.Has("source") == flags.Has("source-gaussian")) {
    return UsageError(flags.Has("source") ? "give --source or --source-gaussian, not both"
                                          : "missing the source: give --source X0 or "
                                            "--source-gaussian");
  }
  if (!flags.Has("target")) return UsageError("missing required flag --target");
  absl::StatusOr<int> coupling = Choice(flags, "coupling", {"independent", "ot", "entropic"}, 0);
  if (!coupling.ok()) return coupling.status();
  constexpr v1::FlowCoupling kCouplings[] = {v1::FLOW_COUPLING_INDEPENDENT,
                                             v1::FLOW_COUPLING_EXACT_OT,
                                             v1::FLOW_COUPLING_ENTROPIC};
  s->set_coupling(kCouplings[*coupling]);
  absl::StatusOr<int> activation = Choice(flags, "activation", {"silu", "relu", "tanh"}, 0);
  if (!activation.ok()) return activation.status();
  constexpr v1::MlpActivation kActivations[] = {v1::MLP_ACTIVATION_SILU, v1::MLP_ACTIVATION_RELU,
                                                v1::MLP_ACTIVATION_TANH};
  s->set_activation(kActivations[*activation]);
  absl::StatusOr<int> schedule = Choice(flags, "lr-schedule", {"cosine", "constant"}, 0);
  if (!schedule.ok()) return schedule.status();
  s->set_learning_rate_schedule(*schedule == 0 ? v1::LEARNING_RATE_SCHEDULE_COSINE
                                               : v1::LEARNING_RATE_SCHEDULE_CONSTANT);
  struct IntFlag {
    const char* name;
    void (v1::FlowTrainSpec::*set)(int32_t);
  };
  for (const IntFlag& f : {IntFlag{"width", &v1::FlowTrainSpec::set_width},
                           IntFlag{"depth", &v1::FlowTrainSpec::set_depth},
                           IntFlag{"batch-size", &v1::FlowTrainSpec::set_batch_size},
                           IntFlag{"steps", &v1::FlowTrainSpec::set_steps},
                           IntFlag{"eval-steps", &v1::FlowTrainSpec::set_eval_steps},
                           IntFlag{"few-steps", &v1::FlowTrainSpec::set_few_steps}}) {
    int32_t value = 0;
    if (absl::Status st = OptionalInt32(flags, f.name, 1, &value); !st.ok()) return st;
    (s->*f.set)(value);
  }
  for (const char* name : {"lr", "sigma"}) {
    std::optional<double> value;
    if (absl::Status st = OptionalDouble(flags, name, &value); !st.ok()) return st;
    if (value && !(*value > 0.0)) return UsageError(absl::StrCat("--", name, ": must be > 0"));
    if (value) (std::string(name) == "lr" ? s->set_learning_rate(*value) : s->set_sigma(*value));
  }
  if (auto text = flags.Get("seed")) {
    absl::StatusOr<int64_t> value =
        ParseInt("seed", *text, 0, std::numeric_limits<int64_t>::max());
    if (!value.ok()) return value.status();
    s->set_seed(static_cast<uint64_t>(*value));
  }
  absl::StatusOr<Array> target = LoadPoints("target", *flags.Get("target"));
  if (!target.ok()) return target.status();
  *s->mutable_target() = client::ToMatrix(*target);
  if (auto path = flags.Get("source")) {
    absl::StatusOr<Array> source = LoadPoints("source", *path);
    if (!source.ok()) return source.status();
    *s->mutable_source() = client::ToMatrix(*source);
  }
  return out;
}

absl::StatusOr<CommandSpec> BuildFlowMap(const ParsedFlags& flags) {
  CommandSpec out;
  v1::FlowMapSpec* s = out.spec.mutable_flow_map();
  if (absl::Status st = LoadGaussianMeasures(flags, s); !st.ok()) return st;
  absl::StatusOr<RunFlags> run = RunFlagsFrom(flags);
  if (!run.ok()) return run.status();
  out.run = *std::move(run);
  int32_t steps = 0;
  if (absl::Status st = OptionalInt32(flags, "steps", 1, &steps); !st.ok()) return st;
  s->set_steps(steps);
  if (auto path = flags.Get("points")) {
    absl::StatusOr<Array> points = LoadPoints("points", *path);
    if (!points.ok()) return points.status();
    *s->mutable_points() = client::ToMatrix(*points);
  }
  return out;
}

}  // namespace

std::vector<FlagDef> FlowSampleFlagDefs() {
  return Concat({MixtureFlagDefs(),
                 {
                     {"target", "X", "an empirical target instead: m x d points"},
                     {"target-weights", "W", "weights of the --target points (default uniform)"},
                     {"schedule", "linear|vp",
                      "interpolant: linear a = 1 - t, b = t (default), or\nvariance preserving "
                      "a = cos(pi t / 2), b = sin(pi t / 2)"},
                     {"sigma", "S", "noise scale: N(0, S^2 I) at t = 1 (default 1)"},
                     {"sampler", "euler|heun|rk4|sde",
                      "probability-flow ODE integrator (default heun), or the\nreverse SDE "
                      "(exponential Euler-Maruyama)"},
                     {"initial-noise", "Z", "the points at t = 1 (n x d) instead of seeded noise"},
                     {"model", "ID",
                      "a trained model (a flow train job id) as the field: N(0, I)\n"
                      "draws (or --initial-noise) carried from t = 0 to 1"},
                 },
                 SamplingFlagDefs()});
}

std::vector<FlagDef> FlowTrainFlagDefs() {
  return {
      {"source", "X0", "source points at t = 0 (n0 x d)"},
      {"source-gaussian", "", "the source is N(0, I) instead"},
      {"target", "X1", "target points at t = 1 (n1 x d), required"},
      {"coupling", "independent|ot|entropic",
       "how minibatches are paired (default independent): exact OT\non each minibatch, or "
       "the entropic plan with reg 2 sigma^2"},
      {"sigma", "S", "the entropic coupling's sigma (default 0.1)"},
      {"width", "N", "hidden units per layer (default 64)"},
      {"depth", "N", "hidden layers (default 2)"},
      {"activation", "silu|relu|tanh", "hidden activation (default silu)"},
      {"batch-size", "N", "pairs per step (default 256)"},
      {"steps", "N", "Adam steps (default 2000)"},
      {"lr", "R", "Adam's learning rate (default 1e-3)"},
      {"lr-schedule", "cosine|constant", "learning-rate schedule (default cosine)"},
      {"seed", "S", "seed of the weights, minibatches and times (default 0)"},
      {"eval-steps", "N", "Euler steps of the straightness measure (default 100)"},
      {"few-steps", "N", "the small step count whose error is reported (default 2)"},
  };
}

std::vector<FlagDef> FlowLangevinFlagDefs() {
  return Concat({MixtureFlagDefs(),
                 {
                     {"step-size", "H", "Langevin step h > 0 (default 0.01)"},
                     {"initial-points", "X", "starting points (n x d) instead of N(0, I) draws"},
                 },
                 SamplingFlagDefs()});
}

absl::Status RunFlowCommand(const Context& context, absl::string_view name,
                            const ParsedFlags& flags) {
  absl::StatusOr<CommandSpec> command = name == "sample"     ? BuildFlowSample(flags)
                                        : name == "langevin" ? BuildFlowLangevin(flags)
                                        : name == "train"    ? BuildFlowTrain(flags)
                                                             : BuildFlowMap(flags);
  if (!command.ok()) return command.status();
  return RunJob(context, std::move(command->spec), command->run, ProgressScale{});
}

}  // namespace advect::cli
