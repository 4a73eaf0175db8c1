#include "server/mmd_flow_task.h"

#include <cmath>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/particles/gradient_flow.h"
#include "core/particles/svgd.h"
#include "server/field_checks.h"
#include "server/particle_inputs.h"

namespace advect::server {
namespace {

// (1 / m^2) sum_{l,k} k(y_l, y_k): MMD^2 = 2 E + this, E the flow's energy.
// False when the observer asks to stop (polled every row).
bool TargetTerm(const Eigen::MatrixXd& y, double width, const Observer& observer, double* term) {
  const Eigen::Index m = y.rows();
  double sum = 0.0;
  for (Eigen::Index l = 0; l < m; ++l) {
    if (observer.StopRequested()) return false;
    for (Eigen::Index k = 0; k < m; ++k) {
      sum += std::exp(-0.5 * (y.row(l) - y.row(k)).squaredNorm() / (width * width));
    }
  }
  *term = sum / (static_cast<double>(m) * static_cast<double>(m));
  return true;
}

absl::StatusOr<std::unique_ptr<Task>> Prepare(const v1::MmdFlowSpec& spec, const Limits& limits,
                                              absl::string_view prefix) {
  absl::StatusOr<Eigen::MatrixXd> x = ParticlesFromProto(spec.x(), "x", true, limits);
  if (!x.ok()) return x.status();
  absl::StatusOr<Eigen::MatrixXd> y = ParticlesFromProto(spec.target(), "target", true, limits);
  if (!y.ok()) return y.status();
  if (y->cols() != x->cols()) {
    return absl::InvalidArgumentError(
        absl::StrCat("target: has d = ", y->cols(), ", the particles x have d = ", x->cols()));
  }
  double width = spec.kernel_width();
  if (width == 0.0) {
    width = MedianPairwiseDistance(*y);
    if (!(width > 0.0)) {
      return absl::InvalidArgumentError(
          "kernel_width: 0 asks for the median distance between target points, which is 0 "
          "here (fewer than 2 distinct points); give kernel_width > 0");
    }
  }
  absl::StatusOr<Potential> potential = Potential::KernelTarget(*y, width);
  if (!potential.ok()) return potential.status();
  absl::StatusOr<Interaction> interaction = Interaction::Gaussian(1.0, width);
  if (!interaction.ok()) return interaction.status();
  absl::StatusOr<ParticleStepping> stepping =
      SteppingFromSpec(spec.step_size(), spec.steps(), 0.0, 0);
  if (!stepping.ok()) return stepping.status();
  GradientFlowModel model{*std::move(potential), *std::move(interaction), limits.threads_per_job};
  auto run = [model = std::move(model), x = *std::move(x), y = *std::move(y), width,
              stepping = *stepping,
              prefix = std::string(prefix)](Observer& observer) -> absl::StatusOr<v1::JobResult> {
    double target_term = 0.0;
    if (!TargetTerm(y, width, observer, &target_term)) {
      return absl::CancelledError("the MMD flow was asked to stop");
    }
    // The engine records E; the progress and result show MMD^2 = 2 E + c.
    class MmdProgress : public Observer {
     public:
      MmdProgress(Observer& inner, double offset) : inner_(inner), offset_(offset) {}
      void OnProgress(const ProgressReport& r) override {
        inner_.OnProgress({r.iteration, r.error, 2.0 * r.objective + offset_});
      }
      bool WantsFrame(int64_t step) const override { return inner_.WantsFrame(step); }
      void OnFrame(Frame f) override { inner_.OnFrame(std::move(f)); }
      bool StopRequested() const override { return inner_.StopRequested(); }

     private:
      Observer& inner_;
      double offset_;
    } progress(observer, target_term);
    absl::StatusOr<ParticleRun> out = RunGradientFlow(model, x, stepping, progress);
    if (!out.ok()) return WithFieldPrefix(prefix, out.status());
    v1::JobResult result;
    v1::MmdFlowResult* r = result.mutable_mmd_flow();
    FillRunRecord(*out, r);
    for (double e : out->energy) r->add_mmd_squared(std::max(0.0, 2.0 * e + target_term));
    r->set_initial_mmd_squared(r->mmd_squared(0));
    r->set_final_mmd_squared(r->mmd_squared(r->mmd_squared_size() - 1));
    r->set_kernel_width(width);
    return result;
  };
  return std::unique_ptr<Task>(std::make_unique<FunctionTask>("mmd_flow", true, std::move(run)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Task>> PrepareMmdFlow(const v1::MmdFlowSpec& spec,
                                                     const Limits& limits,
                                                     absl::string_view prefix) {
  return WithFieldPrefix(prefix, Prepare(spec, limits, prefix));
}

}  // namespace advect::server
