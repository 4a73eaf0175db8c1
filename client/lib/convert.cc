#include "client/lib/convert.h"

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace advect::client {

v1::Matrix ToMatrix(const Array& array) {
  v1::Matrix out;
  const Eigen::MatrixXd& m = array.values;
  out.set_rows(static_cast<int32_t>(m.rows()));
  out.set_cols(static_cast<int32_t>(m.cols()));
  auto* values = out.mutable_values();
  values->Reserve(static_cast<int>(m.size()));
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    for (Eigen::Index j = 0; j < m.cols(); ++j) values->AddAlreadyReserved(m(i, j));
  }
  return out;
}

absl::Status ToRepeated(const Array& array, google::protobuf::RepeatedField<double>* out) {
  const Eigen::MatrixXd& m = array.values;
  if (m.rows() > 1 && m.cols() > 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected a 1-D array, got ", m.rows(), " x ", m.cols()));
  }
  out->Clear();
  out->Reserve(static_cast<int>(m.size()));
  // A single row or a single column: column-major order is the element order.
  for (Eigen::Index k = 0; k < m.size(); ++k) out->AddAlreadyReserved(m.data()[k]);
  return absl::OkStatus();
}

absl::StatusOr<Array> FromMatrix(const v1::Matrix& matrix) {
  if (matrix.rows() < 0 || matrix.cols() < 0 ||
      static_cast<int64_t>(matrix.rows()) * matrix.cols() != matrix.values_size()) {
    return absl::InvalidArgumentError(absl::StrCat("matrix of ", matrix.rows(), " x ",
                                                   matrix.cols(), " has ", matrix.values_size(),
                                                   " values"));
  }
  Array out;
  out.ndim = 2;
  out.values.resize(matrix.rows(), matrix.cols());
  for (int i = 0; i < matrix.rows(); ++i) {
    for (int j = 0; j < matrix.cols(); ++j) {
      out.values(i, j) = matrix.values(i * matrix.cols() + j);
    }
  }
  return out;
}

Array FromRepeated(const google::protobuf::RepeatedField<double>& values) {
  Array out;
  out.ndim = 1;
  out.values.resize(values.size(), 1);
  for (int i = 0; i < values.size(); ++i) out.values(i, 0) = values.Get(i);
  return out;
}

bool AllFinite(const Array& array) { return array.values.allFinite(); }

}  // namespace advect::client
