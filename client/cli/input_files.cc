#include "client/cli/input_files.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client/cli/errors.h"
#include "client/lib/convert.h"

namespace advect::cli {
namespace {

absl::StatusOr<Array> Read(absl::string_view flag, const std::string& path) {
  if (path.empty()) return InputError(absl::StrCat("--", flag, ": empty file name"));
  absl::StatusOr<Array> array = ReadArrayFile(path);
  if (!array.ok()) return InputError(absl::StrCat("--", flag, ": ", array.status().message()));
  if (array->values.size() == 0) {
    return InputError(absl::StrCat("--", flag, ": ", path, ": the array is empty"));
  }
  if (!client::AllFinite(*array)) {
    return InputError(absl::StrCat("--", flag, ": ", path, ": contains NaN or infinite values"));
  }
  return array;
}

std::string Shape(const Array& array) {
  return array.ndim == 1 ? absl::StrCat("a 1-D array of ", array.values.rows())
                         : absl::StrCat(array.values.rows(), " x ", array.values.cols());
}

}  // namespace

absl::StatusOr<Array> LoadPoints(absl::string_view flag, const std::string& path) {
  return Read(flag, path);  // 1-D arrays are already n x 1
}

absl::StatusOr<Array> LoadWeights(absl::string_view flag, const std::string& path,
                                  int64_t expected, absl::string_view what) {
  absl::StatusOr<Array> array = Read(flag, path);
  if (!array.ok()) return array.status();
  if (array->values.cols() != 1) {
    return InputError(absl::StrCat("--", flag, ": ", path,
                                   ": weights must be 1-D (or n x 1), got ", Shape(*array)));
  }
  if (array->values.rows() != expected) {
    return InputError(absl::StrCat("--", flag, ": ", path, ": has ", array->values.rows(),
                                   " weights but ", what));
  }
  return array;
}

absl::StatusOr<Array> LoadCostMatrix(absl::string_view flag, const std::string& path) {
  absl::StatusOr<Array> array = ReadArrayFile(path);
  if (!array.ok()) {
    std::string hint;
    if (absl::IsNotFound(array.status()) && !absl::StrContains(path, "/") &&
        !absl::StrContains(path, ".")) {
      hint = " (and not one of sqeuclidean, euclidean, power:P)";
    }
    return InputError(absl::StrCat("--", flag, ": ", array.status().message(), hint));
  }
  if (array->ndim != 2) {
    return InputError(absl::StrCat("--", flag, ": ", path,
                                   ": a cost matrix must be 2-D (n x m), got ", Shape(*array)));
  }
  if (array->values.size() == 0) {
    return InputError(absl::StrCat("--", flag, ": ", path, ": the array is empty"));
  }
  return array;
}

}  // namespace advect::cli
