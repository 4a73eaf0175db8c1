// Reading and writing NumPy .npy files and CSV files of numbers.
#ifndef ADVECT_CORE_IO_NPY_H_
#define ADVECT_CORE_IO_NPY_H_

#include <string>
#include <vector>

#include <Eigen/Core>

#include "absl/status/statusor.h"

namespace advect {

// A 1-D or 2-D array of doubles. A 1-D array of length n is stored as an
// n x 1 matrix with ndim = 1.
struct Array {
  int ndim = 2;
  Eigen::MatrixXd values;
};

// Reads a .npy file (format 1.0-3.0) holding little-endian float64 or float32
// (also int32/int64, converted), 1-D or 2-D, C or Fortran order.
absl::StatusOr<Array> ReadNpy(const std::string& path);

// Reads a 3-D .npy array of shape (slices, rows, cols), e.g. K covariance
// matrices K x d x d, as `slices` matrices; a 2-D file is one slice. Same
// dtypes and orders as ReadNpy.
absl::StatusOr<std::vector<Eigen::MatrixXd>> ReadNpyStack(const std::string& path);

// Reads a CSV file of numbers: one row per line, separated by commas (or
// whitespace/semicolons). A first line that is not numeric is a header and is
// skipped. All rows must have the same number of columns.
absl::StatusOr<Array> ReadCsv(const std::string& path);

// ReadNpy for names ending in .npy, ReadCsv otherwise.
absl::StatusOr<Array> ReadArrayFile(const std::string& path);

// Writes a float64 C-order .npy file; ndim 1 writes values as a vector (values must have one column).
absl::Status WriteNpy(const std::string& path, const Array& array);

// Writes equally shaped matrices as one float64 C-order 3-D array of shape
// (slices, rows, cols), e.g. the frames of a trajectory (frames x n x d).
absl::Status WriteNpyStack(const std::string& path, const std::vector<Eigen::MatrixXd>& slices);

}  // namespace advect

#endif  // ADVECT_CORE_IO_NPY_H_
