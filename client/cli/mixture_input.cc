#include "client/cli/mixture_input.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "client/cli/errors.h"
#include "client/cli/input_files.h"
#include "client/lib/convert.h"
#include "core/io/npy.h"

namespace advect::cli {

std::vector<FlagDef> MixtureFlagDefs() {
  return {
      {"gmm-weights", "W", "mixture weights, K values (1-D)"},
      {"gmm-means", "M", "mixture means, K x d"},
      {"gmm-covs", "C",
       "mixture covariances, a .npy of shape K x d x d (a d x d\nfile when K = 1), "
       "symmetric positive definite"},
  };
}

// Reads --gmm-weights --gmm-means --gmm-covs into the spec's gmm_* fields.
absl::Status LoadMixture(const ParsedFlags& flags, const MixtureFields& spec) {
  for (const char* name : {"gmm-weights", "gmm-means", "gmm-covs"}) {
    if (!flags.Has(name)) {
      return UsageError(absl::StrCat("missing --", name,
                                     ": a Gaussian mixture needs --gmm-weights, --gmm-means "
                                     "and --gmm-covs"));
    }
  }
  absl::StatusOr<Array> means = LoadPoints("gmm-means", *flags.Get("gmm-means"));
  if (!means.ok()) return means.status();
  const int64_t k = means->values.rows();
  absl::StatusOr<Array> weights = LoadWeights("gmm-weights", *flags.Get("gmm-weights"), k,
                                              absl::StrCat("--gmm-means has ", k, " components"));
  if (!weights.ok()) return weights.status();
  const std::string covs_path = *flags.Get("gmm-covs");
  absl::StatusOr<std::vector<Eigen::MatrixXd>> covs = ReadNpyStack(covs_path);
  if (!covs.ok()) {
    return InputError(absl::StrCat("--gmm-covs: ", covs.status().message()));
  }
  const int64_t d = means->values.cols();
  if (static_cast<int64_t>(covs->size()) != k ||
      (k > 0 && ((*covs)[0].rows() != d || (*covs)[0].cols() != d))) {
    return InputError(absl::StrCat("--gmm-covs: ", covs_path, " holds ", covs->size(),
                                   " matrices of ", covs->empty() ? 0 : (*covs)[0].rows(), " x ",
                                   covs->empty() ? 0 : (*covs)[0].cols(), "; --gmm-means needs ", k,
                                   " of ", d, " x ", d));
  }
  *spec.means = client::ToMatrix(*means);
  if (absl::Status s = client::ToRepeated(*weights, spec.weights); !s.ok()) {
    return s;
  }
  for (Eigen::MatrixXd& cov : *covs) {
    *spec.covs->Add() = client::ToMatrix(Array{2, std::move(cov)});
  }
  return absl::OkStatus();
}

}  // namespace advect::cli
