#include "server/jko_task.h"

#include <cmath>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/solvers/entropic_jko.h"
#include "server/field_checks.h"
#include "server/matrix_convert.h"
#include "server/potential_input.h"

namespace advect::server {
namespace {

constexpr double kDefaultTau = 0.05;
constexpr int32_t kDefaultSteps = 20;

absl::StatusOr<std::unique_ptr<Task>> Prepare(const v1::JkoSpec& spec, const Limits& limits,
                                              absl::string_view prefix) {
  const int d = spec.grid_points_size();
  if (d < 1 || d > 2 || spec.grid_lo_size() != d || spec.grid_hi_size() != d) {
    return absl::InvalidArgumentError(absl::StrCat(
        "grid_points, grid_lo, grid_hi: need 1 or 2 values each, the same number; got ", d, ", ",
        spec.grid_lo_size(), ", ", spec.grid_hi_size()));
  }
  JkoGrid grid;
  int64_t total = 1;
  for (int k = 0; k < d; ++k) {
    if (spec.grid_points(k) < 2 || spec.grid_points(k) > 4096) {
      return absl::InvalidArgumentError(
          absl::StrCat("grid_points: each must be in [2, 4096], got ", spec.grid_points(k)));
    }
    grid.n.push_back(spec.grid_points(k));
    grid.lo.push_back(spec.grid_lo(k));
    grid.hi.push_back(spec.grid_hi(k));
    total *= spec.grid_points(k);
  }
  if (absl::Status s =
          CheckCount("grid_points", total, limits.max_points, "grid points", "--max-points");
      !s.ok()) {
    return s;
  }
  absl::StatusOr<Eigen::MatrixXd> density = FromProto(spec.density(), "density");
  if (!density.ok()) return density.status();
  const int64_t rows = grid.n[0], cols = d == 2 ? grid.n[1] : 1;
  if (density->rows() != rows || density->cols() != cols) {
    return absl::InvalidArgumentError(absl::StrCat("density: must be ", rows, " x ", cols,
                                                   " (the grid), got ", density->rows(), " x ",
                                                   density->cols()));
  }
  // Flat index i n_1 + j: the row-major values.
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row_major = *density;
  Eigen::VectorXd flat = Eigen::Map<const Eigen::VectorXd>(row_major.data(), total);
  absl::StatusOr<Potential> potential = PotentialFromSpec(spec, d, limits);
  if (!potential.ok()) return potential.status();
  const Eigen::MatrixXd points = JkoGridPoints(grid);
  Eigen::VectorXd v = potential->Values(points);
  // The core names these tau and sigma; the API calls them step_size and noise.
  if (!(std::isfinite(spec.step_size()) && spec.step_size() >= 0.0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "step_size: must be finite and > 0 (0 = ", kDefaultTau, "), got ", spec.step_size()));
  }
  if (!(std::isfinite(spec.noise()) && spec.noise() >= 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("noise: must be finite and >= 0, got ", spec.noise()));
  }
  JkoOptions options;
  options.tau = spec.step_size() == 0.0 ? kDefaultTau : spec.step_size();
  options.steps = spec.steps() == 0 ? kDefaultSteps : spec.steps();
  options.epsilon = spec.epsilon();
  options.sigma = spec.noise();
  if (spec.max_iterations() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_iterations: must be >= 1 (0 = 5000), got ", spec.max_iterations()));
  }
  if (spec.max_iterations() > 0) options.max_iterations = spec.max_iterations();
  if (absl::StatusOr<double> checked = CheckJkoInput(grid, flat, v, options); !checked.ok()) {
    return checked.status();
  }
  auto run = [grid, flat = std::move(flat), v = std::move(v), options, points,
              shape = std::pair{rows, cols},
              prefix = std::string(prefix)](Observer& observer) -> absl::StatusOr<v1::JobResult> {
    absl::StatusOr<JkoOutput> out = RunEntropicJko(grid, flat, v, options, observer);
    if (!out.ok()) return WithFieldPrefix(prefix, out.status());
    v1::JobResult result;
    v1::JkoResult* r = result.mutable_jko();
    const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> grid_shaped =
        Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
            out->density.data(), shape.first, shape.second);
    ToProto(Eigen::MatrixXd(grid_shaped), r->mutable_density());
    r->set_initial_energy(out->energy.front());
    r->set_final_energy(out->energy.back());
    r->mutable_energy()->Add(out->energy.begin(), out->energy.end());
    r->mutable_iterations()->Add(out->iterations.begin(), out->iterations.end());
    r->set_converged(out->converged);
    r->set_epsilon(out->epsilon);
    const double mass = out->density.sum();
    const Eigen::VectorXd mean = points.transpose() * out->density / mass;
    const Eigen::MatrixXd centered = points.rowwise() - mean.transpose();
    const Eigen::MatrixXd cov = centered.transpose() * out->density.asDiagonal() * centered / mass;
    ToProto(mean, r->mutable_mean());
    ToProto(cov, r->mutable_covariance());
    return result;
  };
  return std::unique_ptr<Task>(std::make_unique<FunctionTask>("jko", true, std::move(run)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Task>> PrepareJko(const v1::JkoSpec& spec, const Limits& limits,
                                                 absl::string_view prefix) {
  return WithFieldPrefix(prefix, Prepare(spec, limits, prefix));
}

}  // namespace advect::server
