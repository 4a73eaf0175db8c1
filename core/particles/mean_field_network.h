// A two-layer network as a measure of neurons (SCIENCE.md c5; Chizat & Bach
// 2018, Mei, Montanari & Nguyen 2018):
//   f(z) = (1/m) sum_i v_i sigma(<u_i, z>),  neuron x_i = (u_i, v_i) in R^{D+1},
// trained on (z_s, y_s), s = 1..N, by gradient descent on the risk
//   R = (1 / 2N) sum_s (f(z_s) - y_s)^2
// with the mean-field step scaling x_i <- x_i - h m grad_{x_i} R: the
// particle discretisation of the Wasserstein gradient flow of R over the
// neurons' measure. The record is R. A teacher network of the same form
// generates labels for the teacher-student experiment; the student's neurons
// travel to the teacher's directions.
#ifndef ADVECT_CORE_PARTICLES_MEAN_FIELD_NETWORK_H_
#define ADVECT_CORE_PARTICLES_MEAN_FIELD_NETWORK_H_

#include <cstdint>

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "core/particles/particle_engine.h"

namespace advect {

enum class NeuronActivation { kRelu, kTanh };

struct TwoLayerData {
  Eigen::MatrixXd z;  // N x D inputs
  Eigen::VectorXd y;  // N labels
};

// f at every row of z for the neurons (m x (D+1), rows (u_i, v_i)).
Eigen::VectorXd TwoLayerOutput(const Eigen::MatrixXd& neurons, NeuronActivation activation,
                               const Eigen::MatrixXd& z);

// The risk R of the neurons on the data.
double TwoLayerRisk(const Eigen::MatrixXd& neurons, NeuronActivation activation,
                    const TwoLayerData& data);

// The field -m grad R at every neuron and, with `risk` not null, R. Errors:
// INVALID_ARGUMENT naming `data` or `labels` (shapes, finiteness).
absl::StatusOr<ParticleField> MeanFieldField(TwoLayerData data, NeuronActivation activation);

// A teacher: k neurons with u uniform on the unit sphere of R^d and v = 1, and
// n inputs z ~ N(0, I_d) labelled by it; all from `seed` (NormalStream).
struct Teacher {
  Eigen::MatrixXd neurons;  // k x (d + 1)
  TwoLayerData data;
};
Teacher MakeTeacher(int64_t k, int64_t d, int64_t n, NeuronActivation activation, uint64_t seed);

// m student neurons: u ~ N(0, I_d / d) (|u| about 1) and v ~ N(0, 1), from
// `seed`.
Eigen::MatrixXd InitialNeurons(int64_t m, int64_t d, uint64_t seed);

// How well the student's neurons point at the teacher's: the mean over
// student neurons of max_k cos(u_i, u*_k), weighted by |v_i| |u_i| (a ReLU
// neuron's mass). In [-1, 1]; 1 when every neuron with mass is aligned.
double TeacherAlignment(const Eigen::MatrixXd& student, const Eigen::MatrixXd& teacher);

}  // namespace advect

#endif  // ADVECT_CORE_PARTICLES_MEAN_FIELD_NETWORK_H_
