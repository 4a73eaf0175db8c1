// The potential V of a particle job (particle_flow, jko): the spec's
// potential enum with center and hessian (quadratic) or gmm_* (Gaussian
// mixture), checked against the dimension d; parameters given for another
// potential are refused. Errors name the fields. Spec is any message with
// those fields (ParticleFlowSpec, JkoSpec).
#ifndef ADVECT_SERVER_POTENTIAL_INPUT_H_
#define ADVECT_SERVER_POTENTIAL_INPUT_H_

#include <utility>

#include <Eigen/Core>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "advect/v1/particles.pb.h"
#include "core/diffusion/mixture_velocity.h"
#include "core/particles/potential.h"
#include "server/flow_inputs.h"
#include "server/limits.h"
#include "server/matrix_convert.h"

namespace advect::server {

template <typename Spec>
absl::StatusOr<Potential> PotentialFromSpec(const Spec& spec, Eigen::Index d,
                                            const Limits& limits) {
  if (!v1::ParticlePotential_IsValid(spec.potential())) {
    return absl::InvalidArgumentError(
        absl::StrCat("potential: unknown value ", static_cast<int>(spec.potential())));
  }
  const bool quadratic = spec.potential() == v1::PARTICLE_POTENTIAL_QUADRATIC;
  const bool mixture = spec.potential() == v1::PARTICLE_POTENTIAL_GAUSSIAN_MIXTURE;
  if (!quadratic && (spec.center_size() > 0 || !IsUnset(spec.hessian()))) {
    return absl::InvalidArgumentError(
        "center, hessian: only for potential PARTICLE_POTENTIAL_QUADRATIC");
  }
  if (!mixture &&
      (spec.gmm_weights_size() > 0 || !IsUnset(spec.gmm_means()) || spec.gmm_covs_size() > 0)) {
    return absl::InvalidArgumentError(
        "gmm_weights, gmm_means, gmm_covs: only for potential PARTICLE_POTENTIAL_GAUSSIAN_MIXTURE");
  }
  switch (spec.potential()) {
    case v1::PARTICLE_POTENTIAL_UNSPECIFIED:
    case v1::PARTICLE_POTENTIAL_NONE:
      return Potential::None(d);
    case v1::PARTICLE_POTENTIAL_DOUBLE_WELL:
      return Potential::DoubleWell(d);
    case v1::PARTICLE_POTENTIAL_QUADRATIC: {
      Eigen::VectorXd center = Eigen::VectorXd::Zero(d);
      if (spec.center_size() > 0) {
        if (spec.center_size() != d) {
          return absl::InvalidArgumentError(absl::StrCat("center: has ", spec.center_size(),
                                                         " values, the particles have d = ", d));
        }
        center = FromProto(spec.center());
      }
      Eigen::MatrixXd hessian = Eigen::MatrixXd::Identity(d, d);
      if (!IsUnset(spec.hessian())) {
        absl::StatusOr<Eigen::MatrixXd> h = FromProto(spec.hessian(), "hessian");
        if (!h.ok()) return h.status();
        hessian = *std::move(h);
      }
      return Potential::Quadratic(std::move(center), std::move(hessian));
    }
    case v1::PARTICLE_POTENTIAL_GAUSSIAN_MIXTURE: {
      absl::StatusOr<GaussianMixture> m =
          MixtureFromProto(spec.gmm_weights(), spec.gmm_means(), spec.gmm_covs(), limits);
      if (!m.ok()) return m.status();
      // MixtureVelocity::Create checks shapes, weights and finiteness.
      absl::StatusOr<MixtureVelocity> checked =
          MixtureVelocity::Create(*m, 1.0, ScheduleKind::kLinear);
      if (!checked.ok()) return checked.status();
      if (m->means.cols() != d) {
        return absl::InvalidArgumentError(absl::StrCat("gmm_means: has ", m->means.cols(),
                                                       " columns, the particles have d = ", d));
      }
      return Potential::NegativeLogMixture(*m);
    }
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("potential: unknown value ", static_cast<int>(spec.potential())));
  }
}

}  // namespace advect::server

#endif  // ADVECT_SERVER_POTENTIAL_INPUT_H_
