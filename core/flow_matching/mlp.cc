#include "core/flow_matching/mlp.h"

#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/linalg/gemm.h"
#include "core/random/normal.h"

namespace advect {
namespace {

using Eigen::ArrayXXd;
using Eigen::MatrixXd;

void Activate(Activation a, const MatrixXd& pre, MatrixXd& post) {
  switch (a) {
    case Activation::kRelu:
      post = pre.cwiseMax(0.0);
      break;
    case Activation::kTanh:
      post = pre.array().tanh().matrix();
      break;
    case Activation::kSilu:
      post = (pre.array() / (1.0 + (-pre.array()).exp())).matrix();
      break;
  }
}

// d post / d pre, elementwise.
ArrayXXd Derivative(Activation a, const MatrixXd& pre, const MatrixXd& post) {
  switch (a) {
    case Activation::kRelu:
      return (pre.array() > 0.0).cast<double>();
    case Activation::kTanh:
      return 1.0 - post.array().square();
    case Activation::kSilu: {
      const ArrayXXd s = 1.0 / (1.0 + (-pre.array()).exp());
      return s * (1.0 + pre.array() * (1.0 - s));
    }
  }
  return {};
}

}  // namespace

absl::StatusOr<Mlp> Mlp::Create(const MlpShape& shape, uint64_t seed) {
  if (shape.inputs < 1 || shape.outputs < 1) {
    return absl::InvalidArgumentError(absl::StrCat("inputs and outputs must be >= 1, got ",
                                                   shape.inputs, " and ", shape.outputs));
  }
  if (shape.width < 1 || shape.width > kMaxMlpWidth) {
    return absl::InvalidArgumentError(
        absl::StrCat("width: must be in [1, ", kMaxMlpWidth, "], got ", shape.width));
  }
  if (shape.depth < 1 || shape.depth > kMaxMlpDepth) {
    return absl::InvalidArgumentError(
        absl::StrCat("depth: must be in [1, ", kMaxMlpDepth, "], got ", shape.depth));
  }
  Mlp mlp;
  mlp.shape_ = shape;
  int64_t offset = 0;
  int64_t in = shape.inputs;
  for (int64_t l = 0; l <= shape.depth; ++l) {
    const int64_t out = l == shape.depth ? shape.outputs : shape.width;
    Layer layer{in, out, offset, offset + in * out};
    offset += in * out + out;
    mlp.layers_.push_back(layer);
    in = out;
  }
  mlp.parameters_ = Eigen::VectorXd::Zero(offset);
  NormalStream normal(seed);
  for (const Layer& l : mlp.layers_) {
    const double scale = shape.activation == Activation::kRelu
                             ? std::sqrt(2.0 / static_cast<double>(l.in))
                             : std::sqrt(2.0 / static_cast<double>(l.in + l.out));
    for (int64_t i = 0; i < l.in * l.out; ++i) {
      mlp.parameters_[l.weight_offset + i] = scale * normal.Next();
    }
  }
  return mlp;
}

absl::StatusOr<Mlp> Mlp::FromLayers(Activation activation, const std::vector<MatrixXd>& weights,
                                    const std::vector<Eigen::VectorXd>& biases) {
  const int64_t count = static_cast<int64_t>(weights.size());
  if (count < 2 || biases.size() != weights.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "layers: expected at least 2 layers, each with a weight and a bias, got ", count,
        " weights and ", biases.size(), " biases"));
  }
  MlpShape shape{weights.front().cols(), weights.front().rows(), count - 1,
                 weights.back().rows(), activation};
  for (int64_t l = 0; l < count; ++l) {
    const MatrixXd& w = weights[static_cast<size_t>(l)];
    const int64_t want_in = l == 0 ? shape.inputs : shape.width;
    const int64_t want_out = l == count - 1 ? shape.outputs : shape.width;
    if (w.cols() != want_in || w.rows() != want_out ||
        biases[static_cast<size_t>(l)].size() != want_out) {
      return absl::InvalidArgumentError(absl::StrCat(
          "layers[", l, "]: expected a ", want_out, " x ", want_in, " weight and ", want_out,
          " biases, got ", w.rows(), " x ", w.cols(), " and ",
          biases[static_cast<size_t>(l)].size()));
    }
    if (!w.allFinite() || !biases[static_cast<size_t>(l)].allFinite()) {
      return absl::InvalidArgumentError(absl::StrCat("layers[", l, "]: values must be finite"));
    }
  }
  absl::StatusOr<Mlp> mlp = Create(shape, 0);
  if (!mlp.ok()) return absl::InvalidArgumentError(absl::StrCat("layers: ", mlp.status().message()));
  for (size_t l = 0; l < weights.size(); ++l) {
    const Layer& layer = mlp->layers_[l];
    Eigen::Map<MatrixXd>(mlp->parameters_.data() + layer.weight_offset, layer.out, layer.in) =
        weights[l];
    Eigen::Map<Eigen::VectorXd>(mlp->parameters_.data() + layer.bias_offset, layer.out) =
        biases[l];
  }
  return mlp;
}

void Mlp::Forward(const MatrixXd& x, MatrixXd& y) const {
  Cache cache;
  Forward(x, y, cache);
}

void Mlp::Forward(const MatrixXd& x, MatrixXd& y, Cache& cache) const {
  const size_t hidden = layers_.size() - 1;
  cache.pre.resize(hidden);
  cache.post.resize(hidden + 1);
  cache.post[0] = x;
  for (size_t l = 0; l < hidden; ++l) {
    cache.pre[l].resize(layers_[l].out, x.cols());
    Gemm(W(layers_[l]), false, cache.post[l], false, 1.0, 0.0, cache.pre[l]);
    cache.pre[l].colwise() += B(layers_[l]);
    Activate(shape_.activation, cache.pre[l], cache.post[l + 1]);
  }
  y.resize(layers_.back().out, x.cols());
  Gemm(W(layers_.back()), false, cache.post[hidden], false, 1.0, 0.0, y);
  y.colwise() += B(layers_.back());
}

void Mlp::Backward(const Cache& cache, const MatrixXd& dy, Eigen::VectorXd& grad) const {
  grad.resize(parameters_.size());
  const size_t hidden = layers_.size() - 1;
  MatrixXd delta = dy;  // d loss / d (pre-activation of the current layer)
  for (size_t l = hidden + 1; l-- > 0;) {
    const Layer& layer = layers_[l];
    Eigen::Map<MatrixXd> dw(grad.data() + layer.weight_offset, layer.out, layer.in);
    Gemm(delta, false, cache.post[l], true, 1.0, 0.0, dw);
    Eigen::Map<Eigen::VectorXd>(grad.data() + layer.bias_offset, layer.out) =
        delta.rowwise().sum();
    if (l == 0) break;
    MatrixXd back(layer.in, delta.cols());
    Gemm(W(layer), true, delta, false, 1.0, 0.0, back);
    delta = (back.array() *
             Derivative(shape_.activation, cache.pre[l - 1], cache.post[l]))
                .matrix();
  }
}

MatrixXd Mlp::Weight(int64_t layer) const { return W(layers_[static_cast<size_t>(layer)]); }
Eigen::VectorXd Mlp::Bias(int64_t layer) const { return B(layers_[static_cast<size_t>(layer)]); }

Adam::Adam(int64_t size, double beta1, double beta2, double eps)
    : m_(Eigen::VectorXd::Zero(size)),
      v_(Eigen::VectorXd::Zero(size)),
      beta1_(beta1),
      beta2_(beta2),
      eps_(eps) {}

void Adam::Step(Eigen::VectorXd& parameters, const Eigen::VectorXd& grad, double learning_rate) {
  ++t_;
  m_ = beta1_ * m_ + (1.0 - beta1_) * grad;
  v_ = beta2_ * v_ + (1.0 - beta2_) * grad.cwiseAbs2();
  const double c1 = 1.0 - std::pow(beta1_, static_cast<double>(t_));
  const double c2 = 1.0 - std::pow(beta2_, static_cast<double>(t_));
  parameters.array() -=
      learning_rate * (m_.array() / c1) / ((v_.array() / c2).sqrt() + eps_);
}

}  // namespace advect
