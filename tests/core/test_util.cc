#include "tests/core/test_util.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/io/npy.h"
#include "core/random/normal.h"

namespace advect::testing {
namespace {

using Pos = absl::string_view::size_type;
constexpr Pos kNone = absl::string_view::npos;

Pos SkipSpace(absl::string_view s, Pos pos) {
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\n' || s[pos] == '\r' || s[pos] == '\t')) {
    ++pos;
  }
  return pos;
}

// `pos` is at an opening quote; returns the position just after the closing one.
Pos SkipString(absl::string_view s, Pos pos) {
  for (++pos; pos < s.size(); ++pos) {
    if (s[pos] == '\\') {
      ++pos;
    } else if (s[pos] == '"') {
      return pos + 1;
    }
  }
  return kNone;
}

// Returns the position just after the JSON value starting at `pos`.
Pos SkipValue(absl::string_view s, Pos pos) {
  if (pos >= s.size()) return kNone;
  if (s[pos] == '"') return SkipString(s, pos);
  if (s[pos] == '{' || s[pos] == '[') {
    int depth = 0;
    while (pos < s.size()) {
      const char c = s[pos];
      if (c == '"') {
        pos = SkipString(s, pos);
        if (pos == kNone) return kNone;
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        if (--depth == 0) return pos + 1;
      }
      ++pos;
    }
    return kNone;
  }
  while (pos < s.size() && s[pos] != ',' && s[pos] != '}' && s[pos] != ']' && s[pos] != ' ' &&
         s[pos] != '\n' && s[pos] != '\r' && s[pos] != '\t') {
    ++pos;
  }
  return pos;
}

// `pos` is at the '{' of an object; returns the start of the value of member `key`.
Pos FindMember(absl::string_view s, Pos pos, absl::string_view key) {
  if (pos >= s.size() || s[pos] != '{') return kNone;
  pos = SkipSpace(s, pos + 1);
  while (pos < s.size() && s[pos] == '"') {
    const Pos key_end = SkipString(s, pos);
    if (key_end == kNone) return kNone;
    const absl::string_view name = s.substr(pos + 1, key_end - pos - 2);
    pos = SkipSpace(s, key_end);
    if (pos >= s.size() || s[pos] != ':') return kNone;
    pos = SkipSpace(s, pos + 1);
    if (name == key) return pos;
    pos = SkipValue(s, pos);
    if (pos == kNone) return kNone;
    pos = SkipSpace(s, pos);
    if (pos < s.size() && s[pos] == ',') pos = SkipSpace(s, pos + 1);
  }
  return kNone;
}

std::string DataRoot() { return ADVECT_TEST_DATA; }

}  // namespace

std::string PotCasePath(absl::string_view relative) {
  return absl::StrCat(DataRoot(), "/pot_cases/", relative);
}

absl::StatusOr<Eigen::MatrixXd> LoadPotArray(absl::string_view relative) {
  absl::StatusOr<Array> array = ReadNpy(PotCasePath(relative));
  if (!array.ok()) return array.status();
  return std::move(array->values);
}

absl::StatusOr<double> JsonNumberAt(absl::string_view json,
                                    std::initializer_list<absl::string_view> path) {
  Pos pos = SkipSpace(json, 0);
  for (absl::string_view key : path) {
    pos = FindMember(json, pos, key);
    if (pos == kNone) {
      return absl::NotFoundError(
          absl::StrCat("no value at ", absl::StrJoin(path, "/"), " (missing \"", key, "\")"));
    }
  }
  const Pos end = SkipValue(json, pos);
  double value = 0.0;
  if (end == kNone || !absl::SimpleAtod(json.substr(pos, end - pos), &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("the value at ", absl::StrJoin(path, "/"), " is not a number"));
  }
  return value;
}

absl::StatusOr<double> ReferenceNumber(std::initializer_list<absl::string_view> path) {
  static const std::string* const text = [] {
    std::ifstream in(PotCasePath("reference.json"));
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return new std::string(buffer.str());
  }();
  if (text->empty()) {
    return absl::NotFoundError(absl::StrCat(PotCasePath("reference.json"), ": missing or empty"));
  }
  return JsonNumberAt(*text, path);
}

double SplitMix64::NextUniform() {
  state_ += 0x9E3779B97F4A7C15ULL;
  uint64_t z = state_;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

Eigen::MatrixXd UniformPoints(Eigen::Index n, Eigen::Index d, uint64_t seed) {
  SplitMix64 rng(seed);
  Eigen::MatrixXd points(n, d);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index k = 0; k < d; ++k) points(i, k) = rng.NextUniform();
  }
  return points;
}

absl::StatusOr<LinearProblem> PotCaseProblem(absl::string_view case_name) {
  absl::StatusOr<Eigen::MatrixXd> xs = LoadPotArray(absl::StrCat(case_name, "/xs.npy"));
  if (!xs.ok()) return xs.status();
  absl::StatusOr<Eigen::MatrixXd> xt = LoadPotArray(absl::StrCat(case_name, "/xt.npy"));
  if (!xt.ok()) return xt.status();
  return LinearProblem::FromPoints(*std::move(xs), *std::move(xt), Eigen::VectorXd(),
                                   Eigen::VectorXd(), GroundCost{});
}

Eigen::MatrixXd NormalPoints(Eigen::Index n, Eigen::Index d, uint64_t seed) {
  NormalStream normal(seed);
  Eigen::MatrixXd x(n, d);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index c = 0; c < d; ++c) x(i, c) = normal.Next();
  }
  return x;
}

}  // namespace advect::testing
