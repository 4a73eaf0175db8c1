#include "core/particles/mean_field_network.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/linalg/gemm.h"
#include "core/random/normal.h"

namespace advect {

using Eigen::ArrayXXd;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

// sigma and sigma' elementwise.
ArrayXXd Activate(const ArrayXXd& pre, NeuronActivation a) {
  if (a == NeuronActivation::kRelu) return pre.max(0.0);
  return pre.tanh();
}

ArrayXXd Derivative(const ArrayXXd& pre, NeuronActivation a) {
  if (a == NeuronActivation::kRelu) return (pre > 0.0).cast<double>();
  const ArrayXXd t = pre.tanh();
  return 1.0 - t * t;
}

// Pre-activations <u_i, z_s>: N x m.
MatrixXd PreActivations(const MatrixXd& neurons, const MatrixXd& z) {
  const Index d = z.cols();
  MatrixXd pre(z.rows(), neurons.rows());
  const MatrixXd u = neurons.leftCols(d);
  Gemm(z, false, u, true, 1.0, 0.0, pre);
  return pre;
}

}  // namespace

VectorXd TwoLayerOutput(const MatrixXd& neurons, NeuronActivation activation, const MatrixXd& z) {
  const Index m = neurons.rows();
  const Index d = z.cols();
  const MatrixXd act = Activate(PreActivations(neurons, z).array(), activation).matrix();
  return act * neurons.col(d) / static_cast<double>(m);
}

double TwoLayerRisk(const MatrixXd& neurons, NeuronActivation activation,
                    const TwoLayerData& data) {
  const VectorXd r = TwoLayerOutput(neurons, activation, data.z) - data.y;
  return 0.5 * r.squaredNorm() / static_cast<double>(data.z.rows());
}

absl::StatusOr<ParticleField> MeanFieldField(TwoLayerData data, NeuronActivation activation) {
  if (data.z.rows() < 1 || data.z.cols() < 1 || !data.z.allFinite()) {
    return absl::InvalidArgumentError("data: needs at least 1 finite input of dimension >= 1");
  }
  if (data.y.size() != data.z.rows() || !data.y.allFinite()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "labels: need ", data.z.rows(), " finite values (one per input), got ", data.y.size()));
  }
  return ParticleField([data = std::move(data), activation](const MatrixXd& neurons,
                                                            const Observer& observer,
                                                            MatrixXd& velocity, double* risk) {
    if (observer.StopRequested()) return false;
    const Index n = data.z.rows();
    const Index d = data.z.cols();
    const Index m = neurons.rows();
    const ArrayXXd pre = PreActivations(neurons, data.z).array();  // N x m
    const MatrixXd act = Activate(pre, activation).matrix();
    const VectorXd v = neurons.col(d);
    const VectorXd residual = act * v / static_cast<double>(m) - data.y;  // f - y
    if (risk != nullptr) *risk = 0.5 * residual.squaredNorm() / static_cast<double>(n);
    // m grad_v R = (1/N) act^T r;  m grad_u R = v_i (1/N) sum_s r_s sigma'(pre_si) z_s.
    velocity.resize(m, d + 1);
    velocity.col(d) = -(act.transpose() * residual) / static_cast<double>(n);
    const MatrixXd weighted =
        (Derivative(pre, activation).colwise() * residual.array()).matrix();  // N x m
    MatrixXd grad_u(m, d);
    Gemm(weighted, true, data.z, false, 1.0 / static_cast<double>(n), 0.0, grad_u);
    velocity.leftCols(d) = -(v.asDiagonal() * grad_u);
    return true;
  });
}

Teacher MakeTeacher(int64_t k, int64_t d, int64_t n, NeuronActivation activation, uint64_t seed) {
  NormalStream normal(seed);
  Teacher t;
  t.neurons.resize(k, d + 1);
  for (Index j = 0; j < k; ++j) {
    for (Index c = 0; c < d; ++c) t.neurons(j, c) = normal.Next();
    t.neurons.row(j).head(d).normalize();
    t.neurons(j, d) = 1.0;
  }
  t.data.z.resize(n, d);
  for (Index s = 0; s < n; ++s) {
    for (Index c = 0; c < d; ++c) t.data.z(s, c) = normal.Next();
  }
  t.data.y = TwoLayerOutput(t.neurons, activation, t.data.z);
  return t;
}

MatrixXd InitialNeurons(int64_t m, int64_t d, uint64_t seed) {
  NormalStream normal(seed);
  MatrixXd x(m, d + 1);
  const double scale = 1.0 / std::sqrt(static_cast<double>(d));
  for (Index i = 0; i < m; ++i) {
    for (Index c = 0; c < d; ++c) x(i, c) = scale * normal.Next();
    x(i, d) = normal.Next();
  }
  return x;
}

double TeacherAlignment(const MatrixXd& student, const MatrixXd& teacher) {
  const Index d = teacher.cols() - 1;
  double weighted = 0.0, total = 0.0;
  for (Index i = 0; i < student.rows(); ++i) {
    const double norm = student.row(i).head(d).norm();
    if (!(norm > 0.0)) continue;
    double best = 0.0;
    for (Index k = 0; k < teacher.rows(); ++k) {
      const double cosine = student.row(i).head(d).dot(teacher.row(k).head(d)) /
                            (norm * teacher.row(k).head(d).norm());
      best = std::max(best, std::abs(cosine));
    }
    const double mass = std::abs(student(i, d)) * norm;
    weighted += mass * best;
    total += mass;
  }
  return total > 0.0 ? weighted / total : 0.0;
}

}  // namespace advect
