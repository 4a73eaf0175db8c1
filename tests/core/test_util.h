// Shared helpers for the core tests: paths into tests/data, loading the POT
// reference arrays and scalars, and the SplitMix64 stream that generated the
// reference point clouds (tests/data/pot_cases/README.md).
#ifndef ADVECT_TESTS_CORE_TEST_UTIL_H_
#define ADVECT_TESTS_CORE_TEST_UTIL_H_

#include <cstdint>
#include <initializer_list>
#include <string>

#include <Eigen/Core>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/problems/linear_problem.h"

namespace advect::testing {

// Absolute path of a file under tests/data/pot_cases (copied from the POT 0.8.2 run).
std::string PotCasePath(absl::string_view relative);

// Reads a .npy file under tests/data/pot_cases with advect's own reader.
absl::StatusOr<Eigen::MatrixXd> LoadPotArray(absl::string_view relative);

// The problem of a reference case ("n1000_d2", "n2000_d10"): its xs and xt with
// uniform weights and the squared Euclidean cost, not normalised.
absl::StatusOr<LinearProblem> PotCaseProblem(absl::string_view case_name);

// A number from tests/data/pot_cases/reference.json, found by its key path, e.g.
// {"cases", "n1000_d2", "emd", "cost"}. The lookup is a small JSON scanner that
// descends one object per key (it skips strings and nested values correctly),
// enough for reference.json; it is not a general JSON library.
absl::StatusOr<double> ReferenceNumber(std::initializer_list<absl::string_view> path);

// Same, on a JSON text given directly (used by the scanner's own test).
absl::StatusOr<double> JsonNumberAt(absl::string_view json,
                                    std::initializer_list<absl::string_view> path);

// SplitMix64 (Steele, Lea & Flood 2014) as specified in the cases' README:
// doubles in [0, 1) with 53 random bits.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  double NextUniform();

 private:
  uint64_t state_;
};

// An n x d matrix filled row by row from SplitMix64(seed).
Eigen::MatrixXd UniformPoints(Eigen::Index n, Eigen::Index d, uint64_t seed);

// An n x d matrix of N(0, 1) draws, row by row from core/random's NormalStream(seed).
Eigen::MatrixXd NormalPoints(Eigen::Index n, Eigen::Index d, uint64_t seed);

}  // namespace advect::testing

#endif  // ADVECT_TESTS_CORE_TEST_UTIL_H_
