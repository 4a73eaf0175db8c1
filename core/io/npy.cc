#include "core/io/npy.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace advect {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

absl::Status Bad(const std::string& path, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", why));
}

// Returns the value of `key` in the .npy header dict, e.g. 'descr': '<f8'.
std::string HeaderValue(absl::string_view header, absl::string_view key) {
  const std::string quoted = absl::StrCat("'", key, "'");
  size_t pos = header.find(quoted);
  if (pos == absl::string_view::npos) return "";
  pos = header.find(':', pos + quoted.size());
  if (pos == absl::string_view::npos) return "";
  absl::string_view rest = absl::StripLeadingAsciiWhitespace(header.substr(pos + 1));
  if (rest.empty()) return "";
  char close = rest[0] == '(' ? ')' : (rest[0] == '\'' ? '\'' : ',');
  size_t end = rest.find(close, 1);
  if (end == absl::string_view::npos) return "";
  return std::string(rest.substr(0, end + (close == ',' ? 0 : 1)));
}

template <typename T>
void Convert(const std::vector<char>& bytes, std::vector<double>& out) {
  const size_t count = bytes.size() / sizeof(T);
  out.resize(count);
  for (size_t i = 0; i < count; ++i) {
    T v;
    std::memcpy(&v, bytes.data() + i * sizeof(T), sizeof(T));
    out[i] = static_cast<double>(v);
  }
}

}  // namespace

namespace {

// A .npy file's shape and values (in file order) as doubles.
struct NpyData {
  std::vector<int64_t> shape;
  std::vector<double> flat;
  bool column_major = false;
};

absl::StatusOr<NpyData> ReadNpyData(const std::string& path, size_t max_ndim) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open the file"));
  char magic[kMagicSize];
  if (!in.read(magic, kMagicSize) || std::memcmp(magic, kMagic, kMagicSize) != 0) {
    return Bad(path, "not a NumPy .npy file (bad magic bytes)");
  }
  unsigned char version[2];
  if (!in.read(reinterpret_cast<char*>(version), 2)) return Bad(path, "truncated .npy header");
  uint32_t header_len = 0;
  if (version[0] == 1) {
    unsigned char len[2];
    if (!in.read(reinterpret_cast<char*>(len), 2)) return Bad(path, "truncated .npy header");
    header_len = len[0] | (len[1] << 8);
  } else if (version[0] == 2 || version[0] == 3) {
    unsigned char len[4];
    if (!in.read(reinterpret_cast<char*>(len), 4)) return Bad(path, "truncated .npy header");
    header_len = len[0] | (len[1] << 8) | (len[2] << 16) | (static_cast<uint32_t>(len[3]) << 24);
  } else {
    return Bad(path, absl::StrCat("unsupported .npy format version ", version[0]));
  }
  if (header_len > (1u << 20)) return Bad(path, "implausibly large .npy header");
  std::string header(header_len, '\0');
  if (!in.read(header.data(), header_len)) return Bad(path, "truncated .npy header");

  const std::string descr = HeaderValue(header, "descr");
  const std::string fortran = HeaderValue(header, "fortran_order");
  const std::string shape_text = HeaderValue(header, "shape");
  size_t item = 0;
  if (descr == "'<f8'" || descr == "'<i8'") {
    item = 8;
  } else if (descr == "'<f4'" || descr == "'<i4'") {
    item = 4;
  } else {
    return Bad(path, absl::StrCat("unsupported dtype ", descr.empty() ? "(none)" : descr,
                                  "; use little-endian float64 or float32"));
  }
  if (shape_text.size() < 2) return Bad(path, "missing shape in the .npy header");
  std::vector<int64_t> shape;
  for (absl::string_view part :
       absl::StrSplit(shape_text.substr(1, shape_text.size() - 2), ',', absl::SkipWhitespace())) {
    int64_t dim = 0;
    if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(part), &dim) || dim < 0) {
      return Bad(path, absl::StrCat("bad shape ", shape_text));
    }
    shape.push_back(dim);
  }
  if (shape.empty() || shape.size() > max_ndim) {
    return Bad(path, absl::StrCat(max_ndim == 2 ? "expected a 1-D or 2-D array"
                                                : "expected an array of at most 3 dimensions",
                                  ", got shape ", shape_text));
  }
  int64_t count64 = 1;
  for (int64_t dim : shape) {
    if (dim > 0 && count64 > (int64_t{1} << 40) / dim) return Bad(path, "array too large");
    count64 *= dim;
  }
  const size_t count = static_cast<size_t>(count64);
  std::vector<char> bytes(count * item);
  if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
    return Bad(path, absl::StrCat("truncated data: expected ", count, " values"));
  }
  std::vector<double> flat;
  if (descr == "'<f8'") Convert<double>(bytes, flat);
  if (descr == "'<f4'") Convert<float>(bytes, flat);
  if (descr == "'<i8'") Convert<int64_t>(bytes, flat);
  if (descr == "'<i4'") Convert<int32_t>(bytes, flat);

  return NpyData{std::move(shape), std::move(flat), fortran == "True"};
}

}  // namespace

absl::StatusOr<Array> ReadNpy(const std::string& path) {
  absl::StatusOr<NpyData> data = ReadNpyData(path, 2);
  if (!data.ok()) return data.status();
  const int64_t rows = data->shape[0];
  const int64_t cols = data->shape.size() == 2 ? data->shape[1] : 1;
  const std::vector<double>& flat = data->flat;
  const bool column_major = data->column_major;
  Array out;
  out.ndim = static_cast<int>(data->shape.size());
  out.values.resize(rows, cols);
  for (int64_t i = 0; i < rows; ++i) {
    for (int64_t j = 0; j < cols; ++j) {
      out.values(i, j) = column_major ? flat[j * rows + i] : flat[i * cols + j];
    }
  }
  return out;
}

absl::StatusOr<std::vector<Eigen::MatrixXd>> ReadNpyStack(const std::string& path) {
  absl::StatusOr<NpyData> data = ReadNpyData(path, 3);
  if (!data.ok()) return data.status();
  if (data->shape.size() < 2) {
    return Bad(path, "expected a 3-D array (slices x rows x cols) or one 2-D slice, got a 1-D "
                     "array");
  }
  const bool one = data->shape.size() == 2;
  const int64_t slices = one ? 1 : data->shape[0];
  const int64_t rows = data->shape[one ? 0 : 1];
  const int64_t cols = data->shape[one ? 1 : 2];
  std::vector<Eigen::MatrixXd> out(static_cast<size_t>(slices), Eigen::MatrixXd(rows, cols));
  for (int64_t k = 0; k < slices; ++k) {
    for (int64_t i = 0; i < rows; ++i) {
      for (int64_t j = 0; j < cols; ++j) {
        // C order: index (k, i, j) at (k rows + i) cols + j; Fortran: k + slices (i + rows j).
        out[static_cast<size_t>(k)](i, j) =
            data->column_major ? data->flat[static_cast<size_t>(k + slices * (i + rows * j))]
                               : data->flat[static_cast<size_t>((k * rows + i) * cols + j)];
      }
    }
  }
  return out;
}

absl::StatusOr<Array> ReadCsv(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open the file"));
  std::vector<std::vector<double>> rows;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty() || text[0] == '#') continue;
    std::vector<double> row;
    bool numeric = true;
    for (absl::string_view cell : absl::StrSplit(text, absl::ByAnyChar(",; \t"), absl::SkipEmpty())) {
      double v = 0.0;
      if (!absl::SimpleAtod(cell, &v)) {
        numeric = false;
        break;
      }
      row.push_back(v);
    }
    if (!numeric) {
      if (rows.empty() && line_no == 1) continue;  // a header line
      return Bad(path, absl::StrCat("line ", line_no, " has a value that is not a number"));
    }
    if (!rows.empty() && row.size() != rows.front().size()) {
      return Bad(path, absl::StrCat("line ", line_no, " has ", row.size(), " columns, expected ",
                                    rows.front().size()));
    }
    rows.push_back(std::move(row));
  }
  if (rows.empty()) return Bad(path, "no numbers found");
  Array out;
  out.ndim = rows.front().size() == 1 ? 1 : 2;
  out.values.resize(static_cast<Eigen::Index>(rows.size()),
                    static_cast<Eigen::Index>(rows.front().size()));
  for (size_t i = 0; i < rows.size(); ++i) {
    for (size_t j = 0; j < rows[i].size(); ++j) out.values(i, j) = rows[i][j];
  }
  return out;
}

absl::StatusOr<Array> ReadArrayFile(const std::string& path) {
  return absl::EndsWithIgnoreCase(path, ".npy") ? ReadNpy(path) : ReadCsv(path);
}

namespace {

using RowMajorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Writes a float64 C-order .npy file of the given shape (e.g. "(3, 4)") whose
// data are the blocks, one after the other, each in row-major order.
absl::Status WriteFloat64Npy(const std::string& path, const std::string& shape,
                             const std::vector<const Eigen::MatrixXd*>& blocks) {
  std::string header =
      absl::StrCat("{'descr': '<f8', 'fortran_order': False, 'shape': ", shape, ", }");
  // Pad with spaces so that magic + version + length + header is a multiple of 64, ending in \n.
  const size_t unpadded = kMagicSize + 2 + 2 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return absl::PermissionDeniedError(absl::StrCat(path, ": cannot write the file"));
  out.write(kMagic, kMagicSize);
  const char version[2] = {1, 0};
  out.write(version, 2);
  const uint16_t len = static_cast<uint16_t>(header.size());
  const char len_bytes[2] = {static_cast<char>(len & 0xff), static_cast<char>(len >> 8)};
  out.write(len_bytes, 2);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  for (const Eigen::MatrixXd* block : blocks) {
    const RowMajorMatrix row_major = *block;
    out.write(reinterpret_cast<const char*>(row_major.data()),
              static_cast<std::streamsize>(sizeof(double) * row_major.size()));
  }
  if (!out) return absl::DataLossError(absl::StrCat(path, ": write failed"));
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteNpy(const std::string& path, const Array& array) {
  const Eigen::Index rows = array.values.rows();
  const Eigen::Index cols = array.values.cols();
  if (array.ndim == 1 && cols != 1) {
    return absl::InvalidArgumentError("WriteNpy: a 1-D array must have one column");
  }
  const std::string shape =
      array.ndim == 1 ? absl::StrCat("(", rows, ",)") : absl::StrCat("(", rows, ", ", cols, ")");
  return WriteFloat64Npy(path, shape, {&array.values});
}

absl::Status WriteNpyStack(const std::string& path, const std::vector<Eigen::MatrixXd>& slices) {
  if (slices.empty()) return absl::InvalidArgumentError("WriteNpyStack: no slices");
  std::vector<const Eigen::MatrixXd*> blocks;
  for (const Eigen::MatrixXd& slice : slices) {
    if (slice.rows() != slices[0].rows() || slice.cols() != slices[0].cols()) {
      return absl::InvalidArgumentError("WriteNpyStack: the slices differ in shape");
    }
    blocks.push_back(&slice);
  }
  return WriteFloat64Npy(path,
                         absl::StrCat("(", slices.size(), ", ", slices[0].rows(), ", ",
                                      slices[0].cols(), ")"),
                         blocks);
}

}  // namespace advect
