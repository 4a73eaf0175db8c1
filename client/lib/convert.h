// Conversions between advect::Array (Eigen, as read from .npy/CSV files) and the
// advect.v1 wire types: Matrix (row-major) and repeated double.
#ifndef ADVECT_CLIENT_LIB_CONVERT_H_
#define ADVECT_CLIENT_LIB_CONVERT_H_

#include <google/protobuf/repeated_field.h>

#include "absl/status/statusor.h"
#include "advect/v1/array.pb.h"
#include "core/io/npy.h"

namespace advect::client {

// The values of `array` (any shape) as a row-major advect.v1.Matrix.
v1::Matrix ToMatrix(const Array& array);

// Replaces `out` with the values of a 1-D array (or a single column / row).
// Fails when `array` has more than one row and more than one column.
absl::Status ToRepeated(const Array& array, google::protobuf::RepeatedField<double>* out);

// A 2-D Array from a Matrix; fails when values.size() != rows * cols or a size is negative.
absl::StatusOr<Array> FromMatrix(const v1::Matrix& matrix);

// A 1-D Array (n x 1, ndim 1) from repeated doubles.
Array FromRepeated(const google::protobuf::RepeatedField<double>& values);

// True when every value is finite (no NaN or infinity).
bool AllFinite(const Array& array);

}  // namespace advect::client

#endif  // ADVECT_CLIENT_LIB_CONVERT_H_
