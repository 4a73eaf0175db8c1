#include "server/matrix_convert.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace advect::server {

bool IsUnset(const v1::Matrix& m) {
  return m.rows() == 0 && m.cols() == 0 && m.values_size() == 0;
}

absl::StatusOr<Eigen::MatrixXd> FromProto(const v1::Matrix& m, absl::string_view field) {
  if (m.rows() < 0 || m.cols() < 0) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": rows and cols must be >= 0, got ",
                                                   m.rows(), " x ", m.cols()));
  }
  const int64_t expected = static_cast<int64_t>(m.rows()) * m.cols();
  if (m.values_size() != expected) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": has ", m.values_size(),
                                                   " values but rows * cols = ", m.rows(), " * ",
                                                   m.cols(), " = ", expected));
  }
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  return Eigen::MatrixXd(Eigen::Map<const RowMajor>(m.values().data(), m.rows(), m.cols()));
}

Eigen::VectorXd FromProto(const google::protobuf::RepeatedField<double>& values) {
  return Eigen::Map<const Eigen::VectorXd>(values.data(), values.size());
}

void ToProto(const Eigen::Ref<const Eigen::MatrixXd>& m, v1::Matrix* out) {
  out->set_rows(static_cast<int32_t>(m.rows()));
  out->set_cols(static_cast<int32_t>(m.cols()));
  out->mutable_values()->Resize(static_cast<int>(m.size()), 0.0);
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Eigen::Map<RowMajor>(out->mutable_values()->mutable_data(), m.rows(), m.cols()) = m;
}

void ToProto(const Eigen::Ref<const Eigen::VectorXd>& v,
             google::protobuf::RepeatedField<double>* out) {
  out->Resize(static_cast<int>(v.size()), 0.0);
  Eigen::Map<Eigen::VectorXd>(out->mutable_data(), v.size()) = v;
}

}  // namespace advect::server
