// The Gaussian-mixture flags shared by `flow sample|langevin` and `particles
// flow` (--gmm-weights --gmm-means --gmm-covs), loaded into a spec's gmm_*
// fields.
#ifndef ADVECT_CLIENT_CLI_MIXTURE_INPUT_H_
#define ADVECT_CLIENT_CLI_MIXTURE_INPUT_H_

#include <vector>

#include <google/protobuf/repeated_field.h>

#include "absl/status/status.h"
#include "advect/v1/array.pb.h"
#include "client/cli/flags.h"

namespace advect::cli {

std::vector<FlagDef> MixtureFlagDefs();

// Where the mixture goes (a spec's gmm_weights, gmm_means, gmm_covs).
struct MixtureFields {
  google::protobuf::RepeatedField<double>* weights;
  v1::Matrix* means;
  google::protobuf::RepeatedPtrField<v1::Matrix>* covs;
};

// Reads the three files (usage error when one flag is missing, input error
// when the shapes disagree).
absl::Status LoadMixture(const ParsedFlags& flags, const MixtureFields& spec);

template <typename Spec>
absl::Status LoadMixture(const ParsedFlags& flags, Spec* spec) {
  return LoadMixture(flags, MixtureFields{spec->mutable_gmm_weights(), spec->mutable_gmm_means(),
                                          spec->mutable_gmm_covs()});
}

}  // namespace advect::cli

#endif  // ADVECT_CLIENT_CLI_MIXTURE_INPUT_H_
