// A small multilayer perceptron for learned velocity fields (SCIENCE.md b4):
// `depth` hidden layers of `width` units with one activation, a linear output
// layer, trained by hand-written backpropagation. Batches are columns:
// activations are features x batch, so every layer is one dense product
// W (out x in) * A (in x batch).
#ifndef ADVECT_CORE_FLOW_MATCHING_MLP_H_
#define ADVECT_CORE_FLOW_MATCHING_MLP_H_

#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "absl/status/statusor.h"

namespace advect {

enum class Activation { kRelu, kTanh, kSilu };

struct MlpShape {
  int64_t inputs = 0;
  int64_t width = 64;
  int64_t depth = 2;  // hidden layers, >= 1
  int64_t outputs = 0;
  Activation activation = Activation::kSilu;
};

inline constexpr int64_t kMaxMlpWidth = 4096;
inline constexpr int64_t kMaxMlpDepth = 16;

class Mlp {
 public:
  // Weights by He (relu) or Glorot (tanh, silu) scaling from NormalStream(seed),
  // biases 0. Errors name width, depth (and inputs/outputs, which must be >= 1).
  static absl::StatusOr<Mlp> Create(const MlpShape& shape, uint64_t seed);

  // Rebuilds a network from its layers, input first: weights[l] (out x in)
  // and biases[l] (out values), at least 2 layers, hidden layers of one width,
  // every value finite. Errors name layers[l].
  static absl::StatusOr<Mlp> FromLayers(Activation activation,
                                        const std::vector<Eigen::MatrixXd>& weights,
                                        const std::vector<Eigen::VectorXd>& biases);

  // The activations of one forward pass, kept for Backward.
  struct Cache {
    std::vector<Eigen::MatrixXd> pre;   // per hidden layer, width x batch
    std::vector<Eigen::MatrixXd> post;  // the input, then each hidden layer's output
  };

  // y = f(x), x inputs x batch, y outputs x batch.
  void Forward(const Eigen::MatrixXd& x, Eigen::MatrixXd& y) const;
  void Forward(const Eigen::MatrixXd& x, Eigen::MatrixXd& y, Cache& cache) const;

  // grad = d loss / d parameters (same layout as parameters()) given
  // dy = d loss / d y of the pass that filled `cache`.
  void Backward(const Cache& cache, const Eigen::MatrixXd& dy, Eigen::VectorXd& grad) const;

  // All weights and biases, layer by layer: W (column-major), then b.
  Eigen::VectorXd& parameters() { return parameters_; }
  const Eigen::VectorXd& parameters() const { return parameters_; }
  const MlpShape& shape() const { return shape_; }

  // Layer l's weight (out x in) and bias, copied out (for export).
  Eigen::MatrixXd Weight(int64_t layer) const;
  Eigen::VectorXd Bias(int64_t layer) const;
  int64_t num_layers() const { return static_cast<int64_t>(layers_.size()); }

 private:
  struct Layer {
    int64_t in = 0, out = 0;
    int64_t weight_offset = 0, bias_offset = 0;
  };
  Mlp() = default;
  Eigen::Map<const Eigen::MatrixXd> W(const Layer& l) const {
    return {parameters_.data() + l.weight_offset, l.out, l.in};
  }
  Eigen::Map<const Eigen::VectorXd> B(const Layer& l) const {
    return {parameters_.data() + l.bias_offset, l.out};
  }

  MlpShape shape_;
  std::vector<Layer> layers_;
  Eigen::VectorXd parameters_;
};

// Adam (Kingma & Ba 2015) with bias correction.
class Adam {
 public:
  explicit Adam(int64_t size, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8);
  void Step(Eigen::VectorXd& parameters, const Eigen::VectorXd& grad, double learning_rate);

 private:
  Eigen::VectorXd m_, v_;
  double beta1_, beta2_, eps_;
  int64_t t_ = 0;
};

}  // namespace advect

#endif  // ADVECT_CORE_FLOW_MATCHING_MLP_H_
