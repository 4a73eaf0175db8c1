#include "server/barycenter_task.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/geometry/weights.h"
#include "core/solvers/barycenter.h"
#include "core/solvers/free_support_barycenter.h"
#include "server/field_checks.h"
#include "server/matrix_convert.h"
#include "server/ot_input.h"

namespace advect::server {
namespace {

constexpr int kDefaultBarycenterIterations = 1000;
constexpr int kDefaultFreeSupportIterations = 100;
constexpr double kDefaultTolerance = 1e-9;
// Histograms or clouds per job: each costs a solve per iteration.
constexpr int64_t kMaxInputs = 1024;

absl::Status CheckPointsSize(absl::string_view field, const v1::Matrix& m, const Limits& limits) {
  if (absl::Status s = CheckCount(field, m.rows(), limits.max_points, "points", "--max-points");
      !s.ok()) {
    return s;
  }
  return CheckCount(field, m.cols(), limits.max_dimension, "dimensions", "--max-dimension");
}

}  // namespace

absl::StatusOr<std::unique_ptr<Task>> PrepareBarycenter(const v1::BarycenterSpec& spec,
                                                        const Limits& limits,
                                                        absl::string_view prefix) {
  const std::string p(prefix);
  const bool has_support = !IsUnset(spec.support());
  if (has_support == !IsUnset(spec.cost_matrix())) {
    return absl::InvalidArgumentError(absl::StrCat(
        p, has_support ? "cost_matrix: give either support or cost_matrix, not both"
                       : "support: required (the bins' points), or give cost_matrix"));
  }
  const int64_t bins = has_support ? spec.support().rows() : spec.cost_matrix().rows();
  if (absl::Status s = CheckCount(has_support ? "support" : "cost_matrix", bins * bins,
                                  limits.max_cost_entries, "cost entries (bins^2)",
                                  "--max-cost-entries");
      !s.ok()) {
    return WithFieldPrefix(p, s);
  }
  if (absl::Status s = CheckCount("histograms", spec.histograms().rows(), kMaxInputs,
                                  "histograms", "(fixed)");
      !s.ok()) {
    return WithFieldPrefix(p, s);
  }
  std::optional<Eigen::MatrixXd> support, cost_matrix;
  GroundCost ground;
  if (has_support) {
    if (absl::Status s = CheckPointsSize("support", spec.support(), limits); !s.ok()) {
      return WithFieldPrefix(p, s);
    }
    absl::StatusOr<Eigen::MatrixXd> m = FromProto(spec.support(), "support");
    if (!m.ok()) return WithFieldPrefix(p, m.status());
    absl::StatusOr<GroundCost> c = CostFromProto(spec.cost());
    if (!c.ok()) return WithFieldPrefix(p, c.status());
    support = *std::move(m);
    ground = *c;
  } else {
    absl::StatusOr<Eigen::MatrixXd> m = FromProto(spec.cost_matrix(), "cost_matrix");
    if (!m.ok()) return WithFieldPrefix(p, m.status());
    cost_matrix = *std::move(m);
  }
  absl::StatusOr<Eigen::MatrixXd> histograms = FromProto(spec.histograms(), "histograms");
  if (!histograms.ok()) return WithFieldPrefix(p, histograms.status());
  if (histograms->rows() == 0 || histograms->cols() != bins) {
    return absl::InvalidArgumentError(absl::StrCat(
        p, "histograms: need K x bins = K x ", bins, " (one histogram per row), got ",
        histograms->rows(), " x ", histograms->cols()));
  }
  BarycenterOptions options;
  options.epsilon = spec.epsilon();
  options.tolerance = spec.tolerance() == 0.0 ? kDefaultTolerance : spec.tolerance();
  options.max_iterations =
      spec.max_iterations() == 0 ? kDefaultBarycenterIterations : spec.max_iterations();
  if (absl::Status s = ValidateBarycenterOptions(options); !s.ok()) return WithFieldPrefix(p, s);
  // The core takes histograms as columns.
  Eigen::MatrixXd columns = histograms->transpose();
  return std::make_unique<FunctionTask>(
      "barycenter", false,
      [p, options, ground, support = std::move(support), cost_matrix = std::move(cost_matrix),
       columns = std::move(columns), weights = FromProto(spec.weights())](
          Observer& observer) -> absl::StatusOr<v1::JobResult> {
        absl::StatusOr<BarycenterOutput> out =
            support.has_value()
                ? SolveBarycenterFromPoints(*support, ground, columns, weights, options, observer)
                : SolveBarycenter(*cost_matrix, columns, weights, options, observer);
        if (!out.ok()) return WithFieldPrefix(p, out.status());
        v1::JobResult result;
        v1::BarycenterResult* r = result.mutable_barycenter();
        ToProto(out->barycenter, r->mutable_barycenter());
        r->set_iterations(static_cast<int32_t>(out->iterations));
        r->set_error(out->error);
        r->set_converged(out->converged);
        return result;
      });
}

absl::StatusOr<std::unique_ptr<Task>> PrepareFreeSupportBarycenter(
    const v1::FreeSupportBarycenterSpec& spec, const Limits& limits, absl::string_view prefix) {
  const std::string p(prefix);
  if (spec.clouds().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(p, "clouds: required (at least one cloud)"));
  }
  if (absl::Status s = CheckCount("clouds", spec.clouds_size(), kMaxInputs, "clouds", "(fixed)");
      !s.ok()) {
    return WithFieldPrefix(p, s);
  }
  std::vector<WeightedCloud> clouds;
  for (int k = 0; k < spec.clouds_size(); ++k) {
    const std::string field = absl::StrCat("clouds[", k, "].points");
    if (absl::Status s = CheckPointsSize(field, spec.clouds(k).points(), limits); !s.ok()) {
      return WithFieldPrefix(p, s);
    }
    absl::StatusOr<Eigen::MatrixXd> points = FromProto(spec.clouds(k).points(), field);
    if (!points.ok()) return WithFieldPrefix(p, points.status());
    clouds.push_back({*std::move(points), FromProto(spec.clouds(k).weights())});
  }
  if (absl::Status s = CheckPointsSize("initial_support", spec.initial_support(), limits);
      !s.ok()) {
    return WithFieldPrefix(p, s);
  }
  absl::StatusOr<Eigen::MatrixXd> initial = FromProto(spec.initial_support(), "initial_support");
  if (!initial.ok()) return WithFieldPrefix(p, initial.status());
  FreeSupportBarycenterOptions options;
  options.max_iterations =
      spec.max_iterations() == 0 ? kDefaultFreeSupportIterations : spec.max_iterations();
  options.tolerance = spec.tolerance() == 0.0 ? kDefaultTolerance : spec.tolerance();
  if (absl::Status s = ValidateFreeSupportBarycenterOptions(options); !s.ok()) {
    return WithFieldPrefix(p, s);
  }
  return std::make_unique<FunctionTask>(
      "free_support_barycenter", true,
      [p, options, clouds = std::move(clouds), initial = *std::move(initial),
       weights = FromProto(spec.weights()), support_weights = FromProto(spec.support_weights())](
          Observer& observer) -> absl::StatusOr<v1::JobResult> {
        absl::StatusOr<FreeSupportBarycenterOutput> out = SolveFreeSupportBarycenter(
            clouds, weights, initial, support_weights, options, observer);
        if (!out.ok()) return WithFieldPrefix(p, out.status());
        v1::JobResult result;
        v1::FreeSupportBarycenterResult* r = result.mutable_free_support_barycenter();
        ToProto(out->support, r->mutable_support());
        r->set_transport_cost(out->cost);
        r->set_iterations(static_cast<int32_t>(out->iterations));
        r->set_displacement(out->displacement);
        r->set_converged(out->converged);
        return result;
      });
}

}  // namespace advect::server
