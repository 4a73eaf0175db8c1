#include "client/cli/particles_command.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/cli/common_flags.h"
#include "client/cli/errors.h"
#include "client/cli/input_files.h"
#include "client/cli/job_runner.h"
#include "client/cli/mixture_input.h"
#include "client/cli/ot_specs.h"
#include "client/lib/convert.h"

namespace advect::cli {
namespace {

template <typename Spec>
absl::Status SetDouble(const ParsedFlags& flags, const char* name, bool positive, Spec* s,
                       void (Spec::*set)(double)) {
  std::optional<double> value;
  if (absl::Status st = OptionalDouble(flags, name, &value); !st.ok()) return st;
  if (!value) return absl::OkStatus();
  if (positive && !(*value > 0.0)) return UsageError(absl::StrCat("--", name, ": must be > 0"));
  (s->*set)(*value);
  return absl::OkStatus();
}

// --steps into the spec (--seed goes through Seed, --step-size and the other doubles
// through SetDouble).
template <typename Spec>
absl::Status LoadSteps(const ParsedFlags& flags, Spec* s) {
  int32_t steps = 0;
  if (absl::Status st = OptionalInt32(flags, "steps", 1, &steps); !st.ok()) return st;
  s->set_steps(steps);
  return absl::OkStatus();
}

// --noise (sigma >= 0) into the spec; absent leaves the spec's 0.
template <typename Spec>
absl::Status LoadNoise(const ParsedFlags& flags, Spec* s) {
  std::optional<double> noise;
  if (absl::Status st = OptionalDouble(flags, "noise", &noise); !st.ok()) return st;
  if (!noise) return absl::OkStatus();
  if (!(*noise >= 0.0)) return UsageError("--noise: must be >= 0");
  s->set_noise(*noise);
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> Seed(const ParsedFlags& flags) {
  auto text = flags.Get("seed");
  if (!text) return 0;
  absl::StatusOr<int64_t> value = ParseInt("seed", *text, 0, std::numeric_limits<int64_t>::max());
  if (!value.ok()) return value.status();
  return static_cast<uint64_t>(*value);
}

// --potential and its parameters (--center, --hessian, the mixture flags)
// into a spec's potential fields (ParticleFlowSpec, JkoSpec); `d` is the
// dimension the center must have and `d_what` says where it comes from.
// Returns the choice's index (none, quadratic, double-well, gmm).
template <typename Spec>
absl::StatusOr<int> LoadPotential(const ParsedFlags& flags, int64_t d, absl::string_view d_what,
                                  Spec* s) {
  absl::StatusOr<int> potential =
      Choice(flags, "potential", {"none", "quadratic", "double-well", "gmm"}, 0);
  if (!potential.ok()) return potential.status();
  constexpr v1::ParticlePotential kPotentials[] = {
      v1::PARTICLE_POTENTIAL_NONE, v1::PARTICLE_POTENTIAL_QUADRATIC,
      v1::PARTICLE_POTENTIAL_DOUBLE_WELL, v1::PARTICLE_POTENTIAL_GAUSSIAN_MIXTURE};
  s->set_potential(kPotentials[*potential]);
  const bool quadratic = *potential == 1, mixture = *potential == 3;
  for (const char* name : {"center", "hessian"}) {
    if (flags.Has(name) && !quadratic) {
      return UsageError(absl::StrCat("--", name, " is only for --potential quadratic"));
    }
  }
  for (const char* name : {"gmm-weights", "gmm-means", "gmm-covs"}) {
    if (flags.Has(name) && !mixture) {
      return UsageError(absl::StrCat("--", name, " is only for --potential gmm"));
    }
  }
  if (auto path = flags.Get("center")) {
    absl::StatusOr<Array> center = LoadWeights("center", *path, d, d_what);
    if (!center.ok()) return center.status();
    if (absl::Status st = client::ToRepeated(*center, s->mutable_center()); !st.ok()) return st;
  }
  if (auto path = flags.Get("hessian")) {
    absl::StatusOr<Array> hessian = LoadPoints("hessian", *path);
    if (!hessian.ok()) return hessian.status();
    *s->mutable_hessian() = client::ToMatrix(*hessian);
  }
  if (mixture) {
    if (absl::Status st = LoadMixture(flags, s); !st.ok()) return st;
  }
  return *potential;
}

absl::StatusOr<CommandSpec> BuildParticlesFlow(const ParsedFlags& flags) {
  CommandSpec out;
  absl::StatusOr<RunFlags> run = RunFlagsFrom(flags);
  if (!run.ok()) return run.status();
  out.run = *std::move(run);
  v1::ParticleFlowSpec* s = out.spec.mutable_particle_flow();
  if (!flags.Has("x")) return UsageError("missing required flag --x (the initial particles)");
  absl::StatusOr<int> interaction =
      Choice(flags, "interaction", {"none", "gaussian", "attraction-repulsion"}, 0);
  if (!interaction.ok()) return interaction.status();
  constexpr v1::ParticleInteraction kInteractions[] = {
      v1::PARTICLE_INTERACTION_NONE, v1::PARTICLE_INTERACTION_GAUSSIAN,
      v1::PARTICLE_INTERACTION_ATTRACTION_REPULSION};
  s->set_interaction(kInteractions[*interaction]);
  // Each parameter belongs to one choice: a stray one is a usage error.
  struct Owned {
    const char* flag;
    bool allowed;
    const char* owner;
  };
  const bool gaussian = *interaction == 1, powers = *interaction == 2;
  for (const Owned& o : {Owned{"strength", gaussian, "--interaction gaussian"},
                         Owned{"kernel-width", gaussian, "--interaction gaussian"},
                         Owned{"p", powers, "--interaction attraction-repulsion"},
                         Owned{"q", powers, "--interaction attraction-repulsion"}}) {
    if (flags.Has(o.flag) && !o.allowed) {
      return UsageError(absl::StrCat("--", o.flag, " is only for ", o.owner));
    }
  }
  if (absl::Status st =
          SetDouble(flags, "strength", false, s, &v1::ParticleFlowSpec::set_interaction_strength);
      !st.ok()) {
    return st;
  }
  if (flags.Has("strength") && s->interaction_strength() == 0.0) {
    return UsageError("--strength: must be nonzero (> 0 repels, < 0 attracts)");
  }
  for (auto [name, set] : {std::pair{"kernel-width", &v1::ParticleFlowSpec::set_kernel_width},
                           std::pair{"p", &v1::ParticleFlowSpec::set_attraction_power},
                           std::pair{"q", &v1::ParticleFlowSpec::set_repulsion_power},
                           std::pair{"step-size", &v1::ParticleFlowSpec::set_step_size}}) {
    if (absl::Status st = SetDouble(flags, name, true, s, set); !st.ok()) return st;
  }
  if (absl::Status st = LoadNoise(flags, s); !st.ok()) return st;
  if (absl::Status st = LoadSteps(flags, s); !st.ok()) return st;
  absl::StatusOr<uint64_t> seed = Seed(flags);
  if (!seed.ok()) return seed.status();
  s->set_seed(*seed);
  absl::StatusOr<Array> x = LoadPoints("x", *flags.Get("x"));
  if (!x.ok()) return x.status();
  *s->mutable_x() = client::ToMatrix(*x);
  absl::StatusOr<int> potential =
      LoadPotential(flags, x->values.cols(), absl::StrCat("--x has d = ", x->values.cols()), s);
  if (!potential.ok()) return potential.status();
  return out;
}

absl::StatusOr<CommandSpec> BuildParticlesMmd(const ParsedFlags& flags) {
  CommandSpec out;
  absl::StatusOr<RunFlags> run = RunFlagsFrom(flags);
  if (!run.ok()) return run.status();
  out.run = *std::move(run);
  v1::MmdFlowSpec* s = out.spec.mutable_mmd_flow();
  for (const char* name : {"x", "target"}) {
    if (!flags.Has(name)) return UsageError(absl::StrCat("missing required flag --", name));
  }
  for (auto [name, set] : {std::pair{"kernel-width", &v1::MmdFlowSpec::set_kernel_width},
                           std::pair{"step-size", &v1::MmdFlowSpec::set_step_size}}) {
    if (absl::Status st = SetDouble(flags, name, true, s, set); !st.ok()) return st;
  }
  if (absl::Status st = LoadSteps(flags, s); !st.ok()) return st;
  absl::StatusOr<Array> x = LoadPoints("x", *flags.Get("x"));
  if (!x.ok()) return x.status();
  absl::StatusOr<Array> target = LoadPoints("target", *flags.Get("target"));
  if (!target.ok()) return target.status();
  *s->mutable_x() = client::ToMatrix(*x);
  *s->mutable_target() = client::ToMatrix(*target);
  return out;
}

absl::StatusOr<CommandSpec> BuildParticlesSvgd(const ParsedFlags& flags) {
  CommandSpec out;
  absl::StatusOr<RunFlags> run = RunFlagsFrom(flags);
  if (!run.ok()) return run.status();
  out.run = *std::move(run);
  v1::SvgdSpec* s = out.spec.mutable_svgd();
  if (flags.Has("x") && flags.Has("num-particles")) {
    return UsageError("give --x or --num-particles, not both");
  }
  for (auto [name, set] : {std::pair{"kernel-width", &v1::SvgdSpec::set_kernel_width},
                           std::pair{"step-size", &v1::SvgdSpec::set_step_size}}) {
    if (absl::Status st = SetDouble(flags, name, true, s, set); !st.ok()) return st;
  }
  if (absl::Status st = LoadSteps(flags, s); !st.ok()) return st;
  int32_t count = 0;
  if (absl::Status st = OptionalInt32(flags, "num-particles", 1, &count); !st.ok()) return st;
  s->set_num_particles(count);
  absl::StatusOr<uint64_t> seed = Seed(flags);
  if (!seed.ok()) return seed.status();
  s->set_seed(*seed);
  if (absl::Status st = LoadMixture(flags, s); !st.ok()) return st;
  if (auto path = flags.Get("x")) {
    absl::StatusOr<Array> x = LoadPoints("x", *path);
    if (!x.ok()) return x.status();
    *s->mutable_x() = client::ToMatrix(*x);
  }
  return out;
}

// --name A[,B]: 1 or 2 numbers.
absl::StatusOr<std::vector<double>> AxisList(const ParsedFlags& flags, const char* name) {
  std::vector<double> values;
  for (absl::string_view part : absl::StrSplit(*flags.Get(name), ',')) {
    absl::StatusOr<double> v = ParseDouble(name, part);
    if (!v.ok()) return v.status();
    values.push_back(*v);
  }
  if (values.size() > 2) {
    return UsageError(absl::StrCat("--", name, ": 1 or 2 values (one per grid axis)"));
  }
  return values;
}

absl::StatusOr<CommandSpec> BuildParticlesJko(const ParsedFlags& flags) {
  CommandSpec out;
  absl::StatusOr<RunFlags> run = RunFlagsFrom(flags);
  if (!run.ok()) return run.status();
  out.run = *std::move(run);
  v1::JkoSpec* s = out.spec.mutable_jko();
  for (const char* name : {"grid", "lo", "hi", "density"}) {
    if (!flags.Has(name)) return UsageError(absl::StrCat("missing required flag --", name));
  }
  absl::StatusOr<std::vector<double>> n = AxisList(flags, "grid");
  absl::StatusOr<std::vector<double>> lo = AxisList(flags, "lo");
  absl::StatusOr<std::vector<double>> hi = AxisList(flags, "hi");
  for (const auto* list : {&n, &lo, &hi}) {
    if (!list->ok()) return list->status();
  }
  if (lo->size() != n->size() || hi->size() != n->size()) {
    return UsageError("--grid, --lo and --hi need the same number of values (1 or 2)");
  }
  for (size_t k = 0; k < n->size(); ++k) {
    const double count = (*n)[k];
    if (!(count >= 2 && count <= 4096 && count == std::floor(count))) {
      return UsageError("--grid: each value must be an integer in [2, 4096]");
    }
    s->add_grid_points(static_cast<int32_t>(count));
    s->add_grid_lo((*lo)[k]);
    s->add_grid_hi((*hi)[k]);
  }
  for (auto [name, set] : {std::pair{"step-size", &v1::JkoSpec::set_step_size},
                           std::pair{"epsilon", &v1::JkoSpec::set_epsilon}}) {
    if (absl::Status st = SetDouble(flags, name, true, s, set); !st.ok()) return st;
  }
  if (absl::Status st = LoadNoise(flags, s); !st.ok()) return st;
  if (absl::Status st = LoadSteps(flags, s); !st.ok()) return st;
  absl::StatusOr<Array> density = LoadPoints("density", *flags.Get("density"));
  if (!density.ok()) return density.status();
  *s->mutable_density() = client::ToMatrix(*density);
  absl::StatusOr<int> potential =
      LoadPotential(flags, static_cast<int64_t>(n->size()), "the grid's dimension", s);
  if (!potential.ok()) return potential.status();
  return out;
}

}  // namespace

std::vector<FlagDef> ParticlesJkoFlagDefs() {
  std::vector<FlagDef> defs = {
      {"grid", "N[,N2]", "grid points per axis, 1 or 2 axes (required)"},
      {"lo", "A[,A2]", "the first point of each axis (required)"},
      {"hi", "B[,B2]", "the last point of each axis (required)"},
      {"density", "D", "the initial density on the grid: N values, or N x N2 (required)"},
      {"potential", "none|quadratic|double-well|gmm", "the potential V (default none)"},
      {"center", "C", "quadratic: the center c (default 0)"},
      {"hessian", "H", "quadratic: the symmetric matrix H (default I)"},
  };
  for (const FlagDef& f : MixtureFlagDefs()) defs.push_back(f);
  const std::vector<FlagDef> rest = {
      {"noise", "S", "sigma >= 0: the entropy's weight is sigma^2 (default 0)"},
      {"step-size", "T", "the JKO step tau > 0 (default 0.05)"},
      {"steps", "N", "JKO steps (default 20)"},
      {"epsilon", "E",
       "entropic regularisation (default (2 h)^2, h the spacing;\nits blur adds diffusion "
       "of about E / 4 tau)"},
  };
  defs.insert(defs.end(), rest.begin(), rest.end());
  return defs;
}

std::vector<FlagDef> ParticlesMmdFlagDefs() {
  return {
      {"x", "X", "the initial particles, n x d (required)"},
      {"target", "Y", "the target samples, m x d (required)"},
      {"kernel-width", "W",
       "width w of k = exp(-|x-y|^2 / 2w^2) (default: the median\ndistance between target "
       "points)"},
      {"step-size", "H", "Euler step h > 0 (default 0.01; steps of order w^2 are usual)"},
      {"steps", "N", "steps (default 1000)"},
  };
}

std::vector<FlagDef> ParticlesSvgdFlagDefs() {
  std::vector<FlagDef> defs = MixtureFlagDefs();
  const std::vector<FlagDef> rest = {
      {"x", "X", "the initial particles, n x d (default: N(0, I) draws)"},
      {"num-particles", "N", "particles drawn from N(0, I) (default 100)"},
      {"seed", "S", "seed of those draws (default 0)"},
      {"kernel-width", "W", "width w of the kernel (default: the median heuristic,\nevery step)"},
      {"step-size", "H", "step h > 0 (default 0.01)"},
      {"steps", "N", "steps (default 1000)"},
  };
  defs.insert(defs.end(), rest.begin(), rest.end());
  return defs;
}

std::vector<FlagDef> ParticlesFlowFlagDefs() {
  std::vector<FlagDef> defs = {
      {"x", "X", "the initial particles, n x d (required)"},
      {"potential", "none|quadratic|double-well|gmm",
       "the potential V (default none): (x-c)^T H (x-c)/2,\n(x_1^2-1)^2/4 + |x_2..d|^2/2, "
       "or a Gaussian mixture's\nnegative log density"},
      {"center", "C", "quadratic: the center c, d values (default 0)"},
      {"hessian", "H", "quadratic: the symmetric d x d matrix H (default I)"},
  };
  for (const FlagDef& f : MixtureFlagDefs()) defs.push_back(f);
  const std::vector<FlagDef> rest = {
      {"interaction", "none|gaussian|attraction-repulsion",
       "the pair interaction W (default none)"},
      {"strength", "S", "gaussian: W = S exp(-|x|^2 / 2w^2), S > 0 repels (default 1)"},
      {"kernel-width", "W", "gaussian: the width w (default 1)"},
      {"p", "P", "attraction-repulsion: W = |x|^p/p - |x|^q/q, 0 < q < p\n(default p = 2)"},
      {"q", "Q", "attraction-repulsion: the repulsion's power (default 1)"},
      {"noise", "S", "Langevin noise sigma >= 0, the entropy's weight sigma^2\n(default 0)"},
      {"step-size", "H", "Euler step h > 0 (default 0.01)"},
      {"steps", "N", "steps (default 1000)"},
      {"seed", "S", "seed of the noise (default 0)"},
  };
  defs.insert(defs.end(), rest.begin(), rest.end());
  return defs;
}

absl::Status RunParticlesCommand(const Context& context, absl::string_view name,
                                 const ParsedFlags& flags) {
  absl::StatusOr<CommandSpec> command = name == "mmd"    ? BuildParticlesMmd(flags)
                                        : name == "svgd" ? BuildParticlesSvgd(flags)
                                        : name == "jko"  ? BuildParticlesJko(flags)
                                                         : BuildParticlesFlow(flags);
  if (!command.ok()) return command.status();
  return RunJob(context, std::move(command->spec), command->run, ProgressScale{});
}

}  // namespace advect::cli
