// Conversions between advect.v1.Matrix / repeated double and Eigen.
#ifndef ADVECT_SERVER_MATRIX_CONVERT_H_
#define ADVECT_SERVER_MATRIX_CONVERT_H_

#include <Eigen/Core>
#include <google/protobuf/repeated_field.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "advect/v1/array.pb.h"

namespace advect::server {

// True when the matrix is "not set" (rows = cols = 0 and no values).
bool IsUnset(const v1::Matrix& m);

// Checks the shape (rows, cols >= 0, values.size() == rows * cols) and copies
// the row-major values. Errors name `field`.
absl::StatusOr<Eigen::MatrixXd> FromProto(const v1::Matrix& m, absl::string_view field);

Eigen::VectorXd FromProto(const google::protobuf::RepeatedField<double>& values);

void ToProto(const Eigen::Ref<const Eigen::MatrixXd>& m, v1::Matrix* out);
void ToProto(const Eigen::Ref<const Eigen::VectorXd>& v,
             google::protobuf::RepeatedField<double>* out);

}  // namespace advect::server

#endif  // ADVECT_SERVER_MATRIX_CONVERT_H_
