#include "client/cli/tokens_command.h"

#include <cstdint>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "client/cli/common_flags.h"
#include "client/cli/errors.h"
#include "client/cli/input_files.h"
#include "client/cli/job_runner.h"
#include "client/cli/ot_specs.h"
#include "client/lib/convert.h"

namespace advect::cli {
namespace {

absl::StatusOr<CommandSpec> BuildTokensEvolve(const ParsedFlags& flags) {
  CommandSpec out;
  absl::StatusOr<RunFlags> run = RunFlagsFrom(flags);
  if (!run.ok()) return run.status();
  out.run = *std::move(run);
  v1::TokenEvolveSpec* s = out.spec.mutable_tokens_evolve();
  if (!flags.Has("tokens")) return UsageError("missing required flag --tokens");
  absl::StatusOr<int> attention = Choice(flags, "attention", {"softmax", "l2", "sinkhorn"}, 0);
  if (!attention.ok()) return attention.status();
  constexpr v1::TokenAttention kAttentions[] = {v1::TOKEN_ATTENTION_SOFTMAX, v1::TOKEN_ATTENTION_L2,
                                                v1::TOKEN_ATTENTION_SINKHORN};
  s->set_attention(kAttentions[*attention]);
  if (flags.Has("sinkhorn-iters") && *attention != 2) {
    return UsageError("--sinkhorn-iters is only for --attention sinkhorn");
  }
  int32_t iterations = 0, steps = 0;
  if (absl::Status st = OptionalInt32(flags, "sinkhorn-iters", 1, &iterations); !st.ok()) {
    return st;
  }
  s->set_sinkhorn_iterations(iterations);
  if (absl::Status st = OptionalInt32(flags, "steps", 1, &steps); !st.ok()) return st;
  s->set_steps(steps);
  std::optional<double> beta, tau, radius;
  if (absl::Status st = OptionalDouble(flags, "beta", &beta); !st.ok()) return st;
  if (beta) s->set_beta(*beta);
  if (absl::Status st = OptionalDouble(flags, "step-size", &tau); !st.ok()) return st;
  if (tau) {
    if (!(*tau > 0.0)) return UsageError("--step-size: must be > 0");
    s->set_step_size(*tau);
  }
  if (absl::Status st = OptionalDouble(flags, "cluster-radius", &radius); !st.ok()) return st;
  if (radius) {
    if (!(*radius > 0.0)) return UsageError("--cluster-radius: must be > 0");
    s->set_cluster_radius(*radius);
  }
  s->set_sphere(flags.Has("sphere"));
  absl::StatusOr<Array> tokens = LoadPoints("tokens", *flags.Get("tokens"));
  if (!tokens.ok()) return tokens.status();
  *s->mutable_tokens() = client::ToMatrix(*tokens);
  for (auto [name, field] : {std::pair{"q", s->mutable_q()}, std::pair{"k", s->mutable_k()},
                             std::pair{"v", s->mutable_v()}}) {
    if (auto path = flags.Get(name)) {
      absl::StatusOr<Array> m = LoadPoints(name, *path);
      if (!m.ok()) return m.status();
      *field = client::ToMatrix(*m);
    }
  }
  return out;
}

}  // namespace

std::vector<FlagDef> TokensEvolveFlagDefs() {
  return {
      {"tokens", "X", "the tokens, n x d (required; e.g. a model's embeddings)"},
      {"q", "Q", "the query matrix, d x d (default I)"},
      {"k", "K", "the key matrix, d x d (default I)"},
      {"v", "V", "the value matrix, d x d (default I)"},
      {"beta", "B", "inverse temperature (default 1)"},
      {"attention", "softmax|l2|sinkhorn", "the attention (default softmax)"},
      {"sinkhorn-iters", "N",
       "Sinkformer normalisations, rows first (default 3; 1 is\nthe softmax)"},
      {"sphere", "", "keep the tokens on the unit sphere (layer norm)"},
      {"cluster-radius", "R",
       "tokens closer than R are one cluster (default 1e-2 x the\ntokens' RMS norm)"},
      {"step-size", "T", "tau, the step of one layer (default 0.1)"},
      {"steps", "N", "layers (default 100)"},
  };
}

absl::Status RunTokensCommand(const Context& context, absl::string_view /*name*/,
                              const ParsedFlags& flags) {
  absl::StatusOr<CommandSpec> command = BuildTokensEvolve(flags);
  if (!command.ok()) return command.status();
  return RunJob(context, std::move(command->spec), command->run, ProgressScale{});
}

}  // namespace advect::cli
