#include "server/job_factory.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/barycenter_task.h"
#include "server/entropic_ot_task.h"
#include "server/exact_ot_task.h"
#include "server/flow_map_task.h"
#include "server/flow_sample_task.h"
#include "server/flow_train_task.h"
#include "server/langevin_sample_task.h"
#include "server/gaussian_ot_task.h"
#include "server/sinkhorn_divergence_task.h"
#include "server/sliced_ot_task.h"
#include "server/unbalanced_ot_task.h"
#include "server/ot_1d_task.h"
#include "server/ot_interpolation_task.h"
#include "server/jko_task.h"
#include "server/meanfield_train_task.h"
#include "server/mmd_flow_task.h"
#include "server/particle_flow_task.h"
#include "server/svgd_task.h"
#include "server/tokens_evolve_task.h"

namespace advect::server {

absl::StatusOr<std::unique_ptr<Task>> DefaultTaskFactory::Prepare(const v1::JobSpec& spec) const {
  switch (spec.kind_case()) {
    case v1::JobSpec::kEntropicOt:
      return PrepareEntropicOt(spec.entropic_ot(), limits_, "spec.entropic_ot.");
    case v1::JobSpec::kOt1D:
      return PrepareOt1d(spec.ot_1d(), limits_, "spec.ot_1d.");
    case v1::JobSpec::kExactOt:
      return PrepareExactOt(spec.exact_ot(), limits_, "spec.exact_ot.");
    case v1::JobSpec::kSlicedOt:
      return PrepareSlicedOt(spec.sliced_ot(), limits_, "spec.sliced_ot.");
    case v1::JobSpec::kGaussianOt:
      return PrepareGaussianOt(spec.gaussian_ot(), limits_, "spec.gaussian_ot.");
    case v1::JobSpec::kUnbalancedOt:
      return PrepareUnbalancedOt(spec.unbalanced_ot(), limits_, "spec.unbalanced_ot.");
    case v1::JobSpec::kOtInterpolation:
      return PrepareOtInterpolation(spec.ot_interpolation(), limits_, "spec.ot_interpolation.");
    case v1::JobSpec::kBarycenter:
      return PrepareBarycenter(spec.barycenter(), limits_, "spec.barycenter.");
    case v1::JobSpec::kFreeSupportBarycenter:
      return PrepareFreeSupportBarycenter(spec.free_support_barycenter(), limits_,
                                          "spec.free_support_barycenter.");
    case v1::JobSpec::kSinkhornDivergence:
      return PrepareSinkhornDivergence(spec.sinkhorn_divergence(), limits_,
                                       "spec.sinkhorn_divergence.");
    case v1::JobSpec::kFlowSample:
      return PrepareFlowSample(spec.flow_sample(), limits_, "spec.flow_sample.", models_);
    case v1::JobSpec::kFlowTrain:
      return PrepareFlowTrain(spec.flow_train(), limits_, "spec.flow_train.");
    case v1::JobSpec::kFlowMap:
      return PrepareFlowMap(spec.flow_map(), limits_, "spec.flow_map.");
    case v1::JobSpec::kLangevinSample:
      return PrepareLangevinSample(spec.langevin_sample(), limits_, "spec.langevin_sample.");
    case v1::JobSpec::kParticleFlow:
      return PrepareParticleFlow(spec.particle_flow(), limits_, "spec.particle_flow.");
    case v1::JobSpec::kMmdFlow:
      return PrepareMmdFlow(spec.mmd_flow(), limits_, "spec.mmd_flow.");
    case v1::JobSpec::kSvgd:
      return PrepareSvgd(spec.svgd(), limits_, "spec.svgd.");
    case v1::JobSpec::kTokensEvolve:
      return PrepareTokensEvolve(spec.tokens_evolve(), limits_, "spec.tokens_evolve.");
    case v1::JobSpec::kMeanfieldTrain:
      return PrepareMeanFieldTrain(spec.meanfield_train(), limits_, "spec.meanfield_train.");
    case v1::JobSpec::kJko:
      return PrepareJko(spec.jko(), limits_, "spec.jko.");
    case v1::JobSpec::KIND_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError(
      "spec.kind: no computation given; set one of: entropic_ot, exact_ot, ot_1d, sliced_ot, "
      "gaussian_ot, unbalanced_ot, sinkhorn_divergence, ot_interpolation, barycenter, "
      "free_support_barycenter, flow_sample, langevin_sample, flow_map, flow_train, particle_flow, mmd_flow, svgd, tokens_evolve, meanfield_train, jko");
}

absl::StatusOr<EventLogLimits> EventLimitsFor(const v1::JobSpec& spec, const Task& task,
                                              const Limits& limits, EventLogLimits defaults) {
  if (spec.frame_every() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("spec.frame_every: must be >= 0, got ", spec.frame_every()));
  }
  if (spec.max_frames() < 0 || spec.max_frames() > limits.max_frames) {
    return absl::InvalidArgumentError(absl::StrCat("spec.max_frames: must be in 0..",
                                                   limits.max_frames, " (advectd --max-frames), got ",
                                                   spec.max_frames()));
  }
  if (spec.frame_every() > 0 && !task.supports_frames()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "spec.frame_every: this ", task.kind(),
        " job has no positions to show as frames",
        task.kind() == "entropic_ot" ? " (it was given a cost matrix, not points)" : "",
        "; set it to 0"));
  }
  defaults.frame_every = spec.frame_every();
  defaults.max_frames = spec.max_frames() == 0 ? limits.max_frames : spec.max_frames();
  return defaults;
}

}  // namespace advect::server
