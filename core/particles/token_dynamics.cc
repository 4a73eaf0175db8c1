#include "core/particles/token_dynamics.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/linalg/gemm.h"
#include "core/solvers/vector_exp.h"

namespace advect {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

// log-sum-exp normalisation of each column of t (contiguous), in place.
void NormaliseColumnsLog(MatrixXd& t) {
  for (Index i = 0; i < t.cols(); ++i) {
    const double top = t.col(i).maxCoeff();
    t.col(i).array() -= top + std::log((t.col(i).array() - top).exp().sum());
  }
}

// The same for each row (strided: reductions over the columns).
void NormaliseRowsLog(MatrixXd& t) {
  const VectorXd top = t.rowwise().maxCoeff();
  const VectorXd lse = top.array() + (t.colwise() - top).array().exp().rowwise().sum().log();
  t.colwise() -= lse;
}

// exp of each column of t normalised to sum 1 (the last column normalisation
// done in the exp domain: one exponential per entry).
void SoftmaxColumns(MatrixXd& t) {
  for (Index i = 0; i < t.cols(); ++i) {
    const double top = t.col(i).maxCoeff();
    t.col(i).array() -= top;
    vector_exp::ExpOrZero(t.col(i).data(), t.col(i).data(), t.rows(), -708.0);
    t.col(i) /= t.col(i).sum();
  }
}

// T = A^T (column i holds token i's attention weights over the tokens j).
MatrixXd AttentionByColumn(const TokenModel& model, const MatrixXd& x);

MatrixXd OrIdentity(const MatrixXd& m, Index d) {
  return m.size() == 0 ? MatrixXd::Identity(d, d) : m;
}

absl::Status CheckMatrix(const MatrixXd& m, Index d, const char* name) {
  if (m.size() == 0) return absl::OkStatus();
  if (m.rows() != d || m.cols() != d) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, ": must be ", d, " x ", d, " (the tokens' d), got ", m.rows(), " x ", m.cols()));
  }
  if (!m.allFinite()) return absl::InvalidArgumentError(absl::StrCat(name, ": must be finite"));
  return absl::OkStatus();
}

MatrixXd AttentionByColumn(const TokenModel& model, const MatrixXd& x) {
  const Index n = x.rows();
  const Index d = x.cols();
  const MatrixXd qx = x * OrIdentity(model.q, d).transpose();  // row i = (Q x_i)^T
  const MatrixXd kx = x * OrIdentity(model.k, d).transpose();
  MatrixXd t(n, n);
  Gemm(kx, false, qx, true, model.beta, 0.0, t);  // t(j, i) = beta <Q x_i, K x_j>
  if (model.attention == AttentionKind::kL2) {
    // -beta |Qx_i - Kx_j|^2 / 2 = beta <Qx_i, Kx_j> - beta (|Qx_i|^2 + |Kx_j|^2) / 2; the
    // |Qx_i|^2 term is constant over j and cancels in the normalisation.
    t.colwise() -= (0.5 * model.beta) * kx.rowwise().squaredNorm();
  }
  // Iteration 1, 3, ... normalises A's rows (t's columns), 2, 4, ... A's columns.
  const int iterations =
      model.attention == AttentionKind::kSinkhorn ? model.sinkhorn_iterations : 1;
  for (int it = 1; it < iterations; ++it) {
    if (it % 2 == 1) {
      NormaliseColumnsLog(t);
    } else {
      NormaliseRowsLog(t);
    }
  }
  if (iterations % 2 == 1) {
    SoftmaxColumns(t);
  } else {
    NormaliseRowsLog(t);
    vector_exp::ExpOrZero(t.data(), t.data(), t.size(), -708.0);
  }
  return t;
}

}  // namespace

MatrixXd AttentionMatrix(const TokenModel& model, const MatrixXd& x) {
  return AttentionByColumn(model, x).transpose();
}

int64_t CountClusters(const MatrixXd& x, double radius) {
  const Index n = x.rows();
  const Index d = x.cols();
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> pts = x;
  std::vector<Index> parent(static_cast<size_t>(n));
  std::iota(parent.begin(), parent.end(), Index{0});
  auto find = [&parent](Index i) {
    while (parent[static_cast<size_t>(i)] != i) {
      Index& up = parent[static_cast<size_t>(i)];
      up = parent[static_cast<size_t>(up)];
      i = up;
    }
    return i;
  };
  const double r2 = radius * radius;
  int64_t clusters = n;
  for (Index i = 0; i < n; ++i) {
    const double* xi = pts.data() + i * d;
    for (Index j = i + 1; j < n; ++j) {
      const double* xj = pts.data() + j * d;
      double squared = 0.0;
      for (Index c = 0; c < d; ++c) squared += (xi[c] - xj[c]) * (xi[c] - xj[c]);
      if (squared > r2) continue;
      const Index a = find(i), b = find(j);
      if (a != b) {
        parent[static_cast<size_t>(std::max(a, b))] = std::min(a, b);
        --clusters;
      }
    }
  }
  return clusters;
}

double MeanPairwiseCosine(const MatrixXd& x) {
  const Index n = x.rows();
  if (n < 2) return 1.0;
  VectorXd sum = VectorXd::Zero(x.cols());
  double self = 0.0;
  for (Index i = 0; i < n; ++i) {
    const double norm = x.row(i).norm();
    if (norm > 0.0) {
      sum += x.row(i).transpose() / norm;
      self += 1.0;
    }
  }
  return (sum.squaredNorm() - self) / (static_cast<double>(n) * static_cast<double>(n - 1));
}

AffineField GaussianTokenField(const TokenModel& model, Index d) {
  const MatrixXd q = OrIdentity(model.q, d), k = OrIdentity(model.k, d), v = OrIdentity(model.v, d);
  const double beta = model.beta;
  return [q, k, v, beta](const GaussianMoments& g, VectorXd& b, MatrixXd& a) {
    a = beta * v * g.cov * k.transpose() * q;
    b = v * g.mean + a * g.mean;
  };
}

absl::Status CheckTokenModel(const TokenModel& model, Index d) {
  for (auto [m, name] :
       {std::pair{&model.q, "q"}, std::pair{&model.k, "k"}, std::pair{&model.v, "v"}}) {
    if (absl::Status s = CheckMatrix(*m, d, name); !s.ok()) return s;
  }
  if (!std::isfinite(model.beta) || (model.attention == AttentionKind::kL2 && model.beta < 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("beta: must be finite (and >= 0 for L2 attention), got ", model.beta));
  }
  if (model.attention == AttentionKind::kSinkhorn &&
      (model.sinkhorn_iterations < 1 || model.sinkhorn_iterations > kMaxSinkhornIterations)) {
    return absl::InvalidArgumentError(absl::StrCat("sinkhorn_iterations: must be in [1, ",
                                                   kMaxSinkhornIterations, "], got ",
                                                   model.sinkhorn_iterations));
  }
  if (!(std::isfinite(model.cluster_radius) && model.cluster_radius > 0.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("cluster_radius: must be finite and > 0, got ", model.cluster_radius));
  }
  return absl::OkStatus();
}

absl::StatusOr<TokenRun> RunTokens(const TokenModel& model, MatrixXd x,
                                   const ParticleStepping& stepping, Observer& observer) {
  const Index d = x.cols();
  if (x.rows() < 1 || d < 1 || !x.allFinite()) {
    return absl::InvalidArgumentError("tokens: need at least 1 finite token of dimension >= 1");
  }
  if (absl::Status s = CheckTokenModel(model, d); !s.ok()) return s;
  if (stepping.noise != 0.0) return absl::InvalidArgumentError("noise: tokens move without noise");
  if (model.sphere) {
    const VectorXd norms = x.rowwise().norm();
    if (norms.minCoeff() <= 0.0) {
      return absl::InvalidArgumentError(
          "tokens: a token of norm 0 has no place on the sphere (sphere = true)");
    }
    x = norms.cwiseInverse().asDiagonal() * x;
  }
  auto clusters = std::make_shared<std::vector<int64_t>>();
  const MatrixXd v_matrix = OrIdentity(model.v, d);
  ParticleField field = [model, v_matrix, clusters](const MatrixXd& z, const Observer& o,
                                                    MatrixXd& velocity, double* record) {
    if (o.StopRequested()) return false;
    const MatrixXd t = AttentionByColumn(model, z);  // A^T
    if (o.StopRequested()) return false;
    const MatrixXd vz = z * v_matrix.transpose();  // row j = (V x_j)^T
    velocity.resize(z.rows(), z.cols());
    Gemm(t, true, vz, false, 1.0, 0.0, velocity);  // sum_j A_ij V x_j
    if (model.attention == AttentionKind::kL2) {
      velocity -= t.colwise().sum().transpose().asDiagonal() * vz;  // sum_j A_ij V (x_j - x_i)
    }
    if (model.sphere) {
      const VectorXd radial = (velocity.array() * z.array()).rowwise().sum();
      velocity -= radial.asDiagonal() * z;  // (I - x x^T) v, |x| = 1
    }
    if (record != nullptr) {
      *record = MeanPairwiseCosine(z);
      clusters->push_back(CountClusters(z, model.cluster_radius));
    }
    return true;
  };
  ParticleStepping steps = stepping;
  if (model.sphere) {
    steps.project = [](MatrixXd& z) { z = z.rowwise().norm().cwiseInverse().asDiagonal() * z; };
  }
  absl::StatusOr<ParticleRun> run = RunParticles(field, std::move(x), steps, observer);
  if (!run.ok()) return run.status();
  TokenRun out;
  out.run = *std::move(run);
  out.num_clusters = std::move(*clusters);
  return out;
}

}  // namespace advect
