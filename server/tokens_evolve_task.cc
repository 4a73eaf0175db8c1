#include "server/tokens_evolve_task.h"

#include <cmath>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/particles/token_dynamics.h"
#include "server/field_checks.h"
#include "server/particle_inputs.h"

namespace advect::server {
namespace {

constexpr double kDefaultTau = 0.1;
constexpr int32_t kDefaultLayers = 100;
constexpr int kDefaultSinkhornIterations = 3;
constexpr double kDefaultClusterFraction = 1e-2;

absl::StatusOr<Eigen::MatrixXd> OptionalMatrix(const v1::Matrix& m, const char* field) {
  if (IsUnset(m)) return Eigen::MatrixXd();
  return FromProto(m, field);
}

absl::StatusOr<std::unique_ptr<Task>> Prepare(const v1::TokenEvolveSpec& spec, const Limits& limits,
                                              absl::string_view prefix) {
  absl::StatusOr<Eigen::MatrixXd> x = ParticlesFromProto(spec.tokens(), "tokens", true, limits);
  if (!x.ok()) return x.status();
  // The n x n attention matrix is held in memory.
  if (absl::Status s = CheckCount("tokens", x->rows() * x->rows(), limits.max_cost_entries,
                                  "attention entries (n^2)", "--max-cost-entries");
      !s.ok()) {
    return s;
  }
  if (!v1::TokenAttention_IsValid(spec.attention())) {
    return absl::InvalidArgumentError(
        absl::StrCat("attention: unknown value ", static_cast<int>(spec.attention())));
  }
  TokenModel model;
  for (auto [m, field, out] :
       {std::tuple{&spec.q(), "q", &model.q}, std::tuple{&spec.k(), "k", &model.k},
        std::tuple{&spec.v(), "v", &model.v}}) {
    absl::StatusOr<Eigen::MatrixXd> value = OptionalMatrix(*m, field);
    if (!value.ok()) return value.status();
    *out = *std::move(value);
  }
  model.beta = spec.has_beta() ? spec.beta() : 1.0;
  model.attention = spec.attention() == v1::TOKEN_ATTENTION_L2         ? AttentionKind::kL2
                    : spec.attention() == v1::TOKEN_ATTENTION_SINKHORN ? AttentionKind::kSinkhorn
                                                                       : AttentionKind::kSoftmax;
  if (spec.sinkhorn_iterations() != 0 && model.attention != AttentionKind::kSinkhorn) {
    return absl::InvalidArgumentError(
        "sinkhorn_iterations: only for attention TOKEN_ATTENTION_SINKHORN");
  }
  model.sinkhorn_iterations =
      spec.sinkhorn_iterations() == 0 ? kDefaultSinkhornIterations : spec.sinkhorn_iterations();
  model.sphere = spec.sphere();
  model.num_threads = limits.threads_per_job;
  if (spec.cluster_radius() != 0.0) {
    model.cluster_radius = spec.cluster_radius();
  } else {
    const double rms =
        model.sphere ? 1.0 : std::sqrt(x->squaredNorm() / static_cast<double>(x->rows()));
    model.cluster_radius = kDefaultClusterFraction * (rms > 0.0 ? rms : 1.0);
  }
  absl::StatusOr<ParticleStepping> stepping =
      SteppingFromSpec(spec.step_size() == 0.0 ? kDefaultTau : spec.step_size(),
                       spec.steps() == 0 ? kDefaultLayers : spec.steps(), 0.0, 0);
  if (!stepping.ok()) return stepping.status();
  if (absl::Status s = CheckTokenModel(model, x->cols()); !s.ok()) return s;
  if (model.sphere && x->rowwise().norm().minCoeff() <= 0.0) {
    return absl::InvalidArgumentError(
        "tokens: a token of norm 0 has no place on the sphere (sphere = true)");
  }
  auto run = [model = std::move(model), x = *std::move(x), stepping = *stepping,
              prefix = std::string(prefix)](Observer& observer) -> absl::StatusOr<v1::JobResult> {
    absl::StatusOr<TokenRun> out = RunTokens(model, x, stepping, observer);
    if (!out.ok()) return WithFieldPrefix(prefix, out.status());
    v1::JobResult result;
    v1::TokenEvolveResult* r = result.mutable_tokens_evolve();
    FillRunRecord(out->run, r);
    r->mutable_cluster_counts()->Add(out->num_clusters.begin(), out->num_clusters.end());
    r->mutable_mean_pairwise_cosines()->Add(out->run.energy.begin(), out->run.energy.end());
    r->set_num_clusters(out->num_clusters.back());
    r->set_mean_pairwise_cosine(out->run.energy.back());
    r->set_cluster_radius(model.cluster_radius);
    return result;
  };
  return std::unique_ptr<Task>(
      std::make_unique<FunctionTask>("tokens_evolve", true, std::move(run)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Task>> PrepareTokensEvolve(const v1::TokenEvolveSpec& spec,
                                                          const Limits& limits,
                                                          absl::string_view prefix) {
  return WithFieldPrefix(prefix, Prepare(spec, limits, prefix));
}

}  // namespace advect::server
