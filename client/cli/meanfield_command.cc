#include "client/cli/meanfield_command.h"

#include <cstdint>
#include <limits>
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

absl::StatusOr<CommandSpec> BuildMeanFieldTrain(const ParsedFlags& flags) {
  CommandSpec out;
  absl::StatusOr<RunFlags> run = RunFlagsFrom(flags);
  if (!run.ok()) return run.status();
  out.run = *std::move(run);
  v1::MeanFieldTrainSpec* s = out.spec.mutable_meanfield_train();
  const bool data = flags.Has("data");
  if (data != flags.Has("labels")) return UsageError("--data and --labels go together");
  if (data) {
    for (const char* name : {"teacher-neurons", "dim", "num-samples"}) {
      if (flags.Has(name)) {
        return UsageError(absl::StrCat("--", name, " is for the teacher: not with --data"));
      }
    }
  }
  absl::StatusOr<int> activation = Choice(flags, "activation", {"relu", "tanh"}, 0);
  if (!activation.ok()) return activation.status();
  s->set_activation(*activation == 0 ? v1::NEURON_ACTIVATION_RELU : v1::NEURON_ACTIVATION_TANH);
  struct IntFlag {
    const char* name;
    void (v1::MeanFieldTrainSpec::*set)(int32_t);
  };
  for (const IntFlag& f : {IntFlag{"neurons", &v1::MeanFieldTrainSpec::set_neurons},
                           IntFlag{"teacher-neurons", &v1::MeanFieldTrainSpec::set_teacher_neurons},
                           IntFlag{"dim", &v1::MeanFieldTrainSpec::set_dimension},
                           IntFlag{"num-samples", &v1::MeanFieldTrainSpec::set_num_samples},
                           IntFlag{"steps", &v1::MeanFieldTrainSpec::set_steps}}) {
    int32_t value = 0;
    if (absl::Status st = OptionalInt32(flags, f.name, 1, &value); !st.ok()) return st;
    (s->*f.set)(value);
  }
  std::optional<double> step;
  if (absl::Status st = OptionalDouble(flags, "step-size", &step); !st.ok()) return st;
  if (step) {
    if (!(*step > 0.0)) return UsageError("--step-size: must be > 0");
    s->set_step_size(*step);
  }
  if (auto text = flags.Get("seed")) {
    absl::StatusOr<int64_t> value = ParseInt("seed", *text, 0, std::numeric_limits<int64_t>::max());
    if (!value.ok()) return value.status();
    s->set_seed(static_cast<uint64_t>(*value));
  }
  if (data) {
    absl::StatusOr<Array> z = LoadPoints("data", *flags.Get("data"));
    if (!z.ok()) return z.status();
    absl::StatusOr<Array> y = LoadWeights("labels", *flags.Get("labels"), z->values.rows(),
                                          absl::StrCat("--data has ", z->values.rows(), " rows"));
    if (!y.ok()) return y.status();
    *s->mutable_data() = client::ToMatrix(*z);
    if (absl::Status st = client::ToRepeated(*y, s->mutable_labels()); !st.ok()) return st;
  }
  if (auto path = flags.Get("initial-neurons")) {
    absl::StatusOr<Array> x = LoadPoints("initial-neurons", *path);
    if (!x.ok()) return x.status();
    *s->mutable_initial_neurons() = client::ToMatrix(*x);
  }
  return out;
}

}  // namespace

std::vector<FlagDef> MeanFieldTrainFlagDefs() {
  return {
      {"neurons", "M", "student neurons m (default 100)"},
      {"teacher-neurons", "K", "teacher neurons (default 3)"},
      {"dim", "D", "input dimension of the teacher's data (default 5)"},
      {"num-samples", "N", "teacher inputs, N(0, I) draws (default 1000)"},
      {"activation", "relu|tanh", "the activation (default relu)"},
      {"data", "X", "training inputs, N x D, instead of a teacher"},
      {"labels", "Y", "their labels, N values (with --data)"},
      {"initial-neurons", "X", "the initial neurons, m x (D + 1) rows (u_i, v_i)"},
      {"step-size", "H", "step h > 0, scaled by m (default 0.1)"},
      {"steps", "N", "steps (default 1000)"},
      {"seed", "S", "seed of the teacher, its data and the neurons (default 0)"},
  };
}

absl::Status RunMeanFieldCommand(const Context& context, absl::string_view /*name*/,
                                 const ParsedFlags& flags) {
  absl::StatusOr<CommandSpec> command = BuildMeanFieldTrain(flags);
  if (!command.ok()) return command.status();
  return RunJob(context, std::move(command->spec), command->run, ProgressScale{});
}

}  // namespace advect::cli
