// Displacement (McCann) interpolation between two measures along a coupling
// (SCIENCE.md a9): alpha_t = sum_ij P_ij delta_{(1 - t) x_i + t y_j}, and the
// barycentric map T(x_i) = sum_j P_ij y_j / a_i, with its entropic extension to
// new points. Reference: McCann (1997); Peyre & Cuturi, Computational Optimal
// Transport (2019), sec. 7.4 (displacement interpolation) and remark 4.23;
// Pooladian & Niles-Weed (2021) for the entropic map of new points.
#ifndef ADVECT_CORE_SOLVERS_DISPLACEMENT_INTERPOLATION_H_
#define ADVECT_CORE_SOLVERS_DISPLACEMENT_INTERPOLATION_H_

#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "core/geometry/cost.h"

namespace advect {

// Particles of an interpolant: particle e moves in a straight line from
// start.row(e) (t = 0) to end.row(e) (t = 1) and carries mass weights[e].
struct InterpolationParticles {
  Eigen::MatrixXd start;
  Eigen::MatrixXd end;
  Eigen::VectorXd weights;
};

// One particle per nonzero (i, j) of a sparse plan: x_i -> y_j with mass P_ij.
// This is the exact displacement interpolant of the plan.
InterpolationParticles ParticlesOfSparsePlan(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                             const Eigen::Ref<const Eigen::MatrixXd>& y,
                                             const std::vector<int64_t>& rows,
                                             const std::vector<int64_t>& cols,
                                             const std::vector<double>& values);

// One particle per source point: x_i -> map.row(i) with mass a_i (the
// interpolant of the barycentric projection of a plan; for a plan that is a
// map, as exact OT between uniform clouds of equal size, the same as above).
InterpolationParticles ParticlesOfMap(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                      const Eigen::Ref<const Eigen::MatrixXd>& map,
                                      const Eigen::Ref<const Eigen::VectorXd>& a);

// Positions (1 - t) start + t end of every particle.
Eigen::MatrixXd InterpolantPositions(const InterpolationParticles& particles, double t);

// T(x_i) = sum_j P_ij y_j / sum_j P_ij for a sparse plan over n source points;
// a row without mass keeps x_i.
Eigen::MatrixXd BarycentricMapOfSparsePlan(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                           const Eigen::Ref<const Eigen::MatrixXd>& y,
                                           const std::vector<int64_t>& rows,
                                           const std::vector<int64_t>& cols,
                                           const std::vector<double>& values);

// The same for a dense n x m plan.
Eigen::MatrixXd BarycentricMapOfPlan(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                     const Eigen::Ref<const Eigen::MatrixXd>& y,
                                     const Eigen::Ref<const Eigen::MatrixXd>& plan);

// The entropic map of new points z (k x d), from the target potential g of an
// entropic solve: T(z) = sum_j w_j(z) y_j with w_j(z) proportional to
// b_j exp((g_j - c(z, y_j)) / epsilon). At z = x_i it is the barycentric map of
// the entropic plan. Errors name new_points (dimension, finite values).
absl::StatusOr<Eigen::MatrixXd> EntropicMap(const Eigen::Ref<const Eigen::MatrixXd>& z,
                                            const Eigen::Ref<const Eigen::MatrixXd>& y,
                                            const Eigen::Ref<const Eigen::VectorXd>& b,
                                            const Eigen::Ref<const Eigen::VectorXd>& g,
                                            double epsilon, const GroundCost& cost);

}  // namespace advect

#endif  // ADVECT_CORE_SOLVERS_DISPLACEMENT_INTERPOLATION_H_
