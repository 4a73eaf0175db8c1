// ReadNpy, ReadCsv, ReadArrayFile and WriteNpy (core/io/npy.h). Files that
// advect does not write itself (float32, Fortran order, integers, version 2.0,
// broken files) are built byte by byte here, following the .npy format
// description in NumPy's documentation (numpy.lib.format).
#include "core/io/npy.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace advect {
namespace {

using Eigen::MatrixXd;

std::string TempPath(absl::string_view name) {
  return absl::StrCat(::testing::TempDir(), "advect_npy_test_", name);
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Raw little-endian bytes of a sequence of values of type T.
template <typename T>
std::string RawBytes(const std::vector<T>& values) {
  std::string bytes(values.size() * sizeof(T), '\0');
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

// A .npy file: magic, version, header length (2 bytes for 1.0, 4 for 2.0), the
// header dict padded with spaces to a multiple of 64 bytes and ending in '\n'.
std::string NpyFile(absl::string_view dict, const std::string& data, int major = 1) {
  const size_t length_bytes = major == 1 ? 2 : 4;
  std::string header(dict);
  const size_t unpadded = 6 + 2 + length_bytes + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');
  std::string out = "\x93NUMPY";
  out.push_back(static_cast<char>(major));
  out.push_back('\0');
  for (size_t k = 0; k < length_bytes; ++k) {
    out.push_back(static_cast<char>((header.size() >> (8 * k)) & 0xff));
  }
  return out + header + data;
}

TEST(NpyTest, RoundTrip2D) {
  Array array;
  array.ndim = 2;
  array.values.resize(3, 4);
  array.values << 0.0, -0.0, 1.0 / 3.0, -2.5,  //
      1e-300, 1e300, std::numeric_limits<double>::denorm_min(), 7.0,  //
      std::nextafter(1.0, 2.0), -1e-17, 123456789.125, 0.1;
  const std::string path = TempPath("round_trip_2d.npy");
  ASSERT_TRUE(WriteNpy(path, array).ok());
  absl::StatusOr<Array> back = ReadNpy(path);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->ndim, 2);
  ASSERT_EQ(back->values.rows(), 3);
  ASSERT_EQ(back->values.cols(), 4);
  // Bit for bit (memcmp also tells -0.0 from 0.0).
  for (Eigen::Index i = 0; i < 3; ++i) {
    for (Eigen::Index j = 0; j < 4; ++j) {
      EXPECT_EQ(std::memcmp(&back->values(i, j), &array.values(i, j), sizeof(double)), 0)
          << i << ", " << j;
    }
  }
}

TEST(NpyTest, RoundTrip1D) {
  Array array;
  array.ndim = 1;
  array.values = Eigen::VectorXd::LinSpaced(5, -1.0, 1.0);
  const std::string path = TempPath("round_trip_1d.npy");
  ASSERT_TRUE(WriteNpy(path, array).ok());
  absl::StatusOr<Array> back = ReadNpy(path);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->ndim, 1);
  ASSERT_EQ(back->values.rows(), 5);
  ASSERT_EQ(back->values.cols(), 1);
  EXPECT_EQ(back->values, array.values);
}

TEST(NpyTest, WrittenFileFollowsTheFormat) {
  Array array;
  array.ndim = 2;
  array.values = MatrixXd::Constant(2, 3, 1.5);
  const std::string path = TempPath("format.npy");
  ASSERT_TRUE(WriteNpy(path, array).ok());
  const std::string bytes = ReadBytes(path);
  ASSERT_GE(bytes.size(), 10u);
  EXPECT_EQ(bytes.substr(0, 6), "\x93NUMPY");
  EXPECT_EQ(bytes[6], '\x01');
  EXPECT_EQ(bytes[7], '\x00');
  const size_t header_len =
      static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
  const size_t data_start = 10 + header_len;
  EXPECT_EQ(data_start % 64, 0u);
  ASSERT_EQ(bytes.size(), data_start + 6 * sizeof(double));
  const std::string header = bytes.substr(10, header_len);
  EXPECT_EQ(header.back(), '\n');
  EXPECT_TRUE(absl::StrContains(header, "'descr': '<f8'")) << header;
  EXPECT_TRUE(absl::StrContains(header, "'fortran_order': False")) << header;
  EXPECT_TRUE(absl::StrContains(header, "'shape': (2, 3)")) << header;
}

TEST(NpyTest, StackIsOneThreeDimensionalArrayInCOrder) {
  std::vector<MatrixXd> slices = {MatrixXd(2, 3), MatrixXd(2, 3)};
  for (int k = 0; k < 2; ++k) {
    for (int i = 0; i < 2; ++i) {
      for (int j = 0; j < 3; ++j) slices[k](i, j) = 100 * k + 10 * i + j;
    }
  }
  const std::string path = TempPath("stack.npy");
  ASSERT_TRUE(WriteNpyStack(path, slices).ok());
  const std::string bytes = ReadBytes(path);
  const size_t header_len =
      static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
  const std::string header = bytes.substr(10, header_len);
  EXPECT_TRUE(absl::StrContains(header, "'shape': (2, 2, 3)")) << header;
  ASSERT_EQ(bytes.size(), 10 + header_len + 12 * sizeof(double));
  std::vector<double> data(12);
  std::memcpy(data.data(), bytes.data() + 10 + header_len, 12 * sizeof(double));
  // C order: slice, then row, then column.
  EXPECT_EQ(data[0], 0.0);
  EXPECT_EQ(data[1], 1.0);
  EXPECT_EQ(data[3], 10.0);
  EXPECT_EQ(data[6], 100.0);
  EXPECT_EQ(data[11], 112.0);
  slices[1] = MatrixXd::Zero(3, 2);
  EXPECT_EQ(WriteNpyStack(path, slices).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(WriteNpyStack(path, {}).code(), absl::StatusCode::kInvalidArgument);
}

TEST(NpyTest, StackReadsBackInCAndFortranOrder) {
  std::vector<MatrixXd> slices = {MatrixXd(2, 3), MatrixXd(2, 3)};
  for (int k = 0; k < 2; ++k) {
    for (int i = 0; i < 2; ++i) {
      for (int j = 0; j < 3; ++j) slices[k](i, j) = 100 * k + 10 * i + j;
    }
  }
  const std::string path = TempPath("stack_read.npy");
  ASSERT_TRUE(WriteNpyStack(path, slices).ok());
  absl::StatusOr<std::vector<MatrixXd>> back = ReadNpyStack(path);
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_EQ(back->size(), 2u);
  EXPECT_TRUE((*back)[0] == slices[0]);
  EXPECT_TRUE((*back)[1] == slices[1]);
  // ReadNpy refuses the 3-D file, naming the shape.
  EXPECT_TRUE(absl::StrContains(ReadNpy(path).status().message(), "(2, 2, 3)"));

  // The same array in Fortran order: element (k, i, j) at k + 2 (i + 2 j).
  std::vector<double> data;
  for (int j = 0; j < 3; ++j) {
    for (int i = 0; i < 2; ++i) {
      for (int k = 0; k < 2; ++k) data.push_back(slices[k](i, j));
    }
  }
  const std::string fortran = TempPath("stack_fortran.npy");
  WriteBytes(fortran, NpyFile("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2, 3), }",
                              RawBytes(data)));
  back = ReadNpyStack(fortran);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE((*back)[0] == slices[0]);
  EXPECT_TRUE((*back)[1] == slices[1]);

  // A 2-D file is one slice; a 1-D file is refused.
  Array one{2, slices[0]};
  ASSERT_TRUE(WriteNpy(path, one).ok());
  back = ReadNpyStack(path);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 1u);
  EXPECT_TRUE((*back)[0] == slices[0]);
  Array vec{1, MatrixXd::Ones(3, 1)};
  ASSERT_TRUE(WriteNpy(path, vec).ok());
  EXPECT_TRUE(absl::StrContains(ReadNpyStack(path).status().message(), "expected a 3-D array"));
}

TEST(NpyTest, WriteRejectsA1DArrayWithSeveralColumns) {
  Array array;
  array.ndim = 1;
  array.values = MatrixXd::Zero(3, 2);
  const absl::Status s = WriteNpy(TempPath("bad_1d.npy"), array);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(s.message(), "1-D")) << s;
}

TEST(NpyTest, WriteToAnUnwritablePathFails) {
  Array array;
  array.values = MatrixXd::Zero(1, 1);
  const absl::Status s = WriteNpy(TempPath("no_such_dir/x.npy"), array);
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(absl::StrContains(s.message(), "no_such_dir")) << s;
}

TEST(NpyTest, ReadsFloat32) {
  const std::string path = TempPath("float32.npy");
  const std::vector<float> data = {1.5f, -2.25f, 0.1f, 3.0f, 1e-30f, -7.0f};
  WriteBytes(path, NpyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                           RawBytes(data)));
  absl::StatusOr<Array> a = ReadNpy(path);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->ndim, 2);
  ASSERT_EQ(a->values.rows(), 2);
  ASSERT_EQ(a->values.cols(), 3);
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 3; ++j) {
      // Widening float -> double is exact.
      EXPECT_EQ(a->values(i, j), static_cast<double>(data[3 * i + j])) << i << ", " << j;
    }
  }
}

TEST(NpyTest, ReadsFortranOrder) {
  const std::string path = TempPath("fortran.npy");
  // The 2 x 3 matrix [[1, 2, 3], [4, 5, 6]] stored column by column.
  const std::vector<double> data = {1, 4, 2, 5, 3, 6};
  WriteBytes(path, NpyFile("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }",
                           RawBytes(data)));
  absl::StatusOr<Array> a = ReadNpy(path);
  ASSERT_TRUE(a.ok()) << a.status();
  MatrixXd expected(2, 3);
  expected << 1, 2, 3, 4, 5, 6;
  EXPECT_EQ(a->values, expected);
}

TEST(NpyTest, ReadsFortranOrderFloat32) {
  const std::string path = TempPath("fortran_f4.npy");
  const std::vector<float> data = {1, 3, 5, 2, 4, 6};  // [[1, 2], [3, 4], [5, 6]]
  WriteBytes(path, NpyFile("{'descr': '<f4', 'fortran_order': True, 'shape': (3, 2), }",
                           RawBytes(data)));
  absl::StatusOr<Array> a = ReadNpy(path);
  ASSERT_TRUE(a.ok()) << a.status();
  MatrixXd expected(3, 2);
  expected << 1, 2, 3, 4, 5, 6;
  EXPECT_EQ(a->values, expected);
}

TEST(NpyTest, ReadsIntegers) {
  const std::string p64 = TempPath("int64.npy");
  WriteBytes(p64, NpyFile("{'descr': '<i8', 'fortran_order': False, 'shape': (4,), }",
                          RawBytes(std::vector<int64_t>{0, -1, 999, int64_t{1} << 40})));
  absl::StatusOr<Array> a = ReadNpy(p64);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->ndim, 1);
  Eigen::VectorXd expected(4);
  expected << 0, -1, 999, 1099511627776.0;
  EXPECT_EQ(a->values, MatrixXd(expected));

  const std::string p32 = TempPath("int32.npy");
  WriteBytes(p32, NpyFile("{'descr': '<i4', 'fortran_order': False, 'shape': (1, 2), }",
                          RawBytes(std::vector<int32_t>{-5, 7})));
  absl::StatusOr<Array> b = ReadNpy(p32);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->values(0, 0), -5.0);
  EXPECT_EQ(b->values(0, 1), 7.0);
}

TEST(NpyTest, ReadsVersion2Header) {
  const std::string path = TempPath("v2.npy");
  WriteBytes(path, NpyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }",
                           RawBytes(std::vector<double>{2.5, -3.5}), /*major=*/2));
  absl::StatusOr<Array> a = ReadNpy(path);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->values(0, 0), 2.5);
  EXPECT_EQ(a->values(1, 0), -3.5);
}

// Every broken file gives InvalidArgument with the path and a reason.
void ExpectBadFile(const std::string& path, absl::string_view reason) {
  absl::StatusOr<Array> a = ReadNpy(path);
  ASSERT_FALSE(a.ok()) << path;
  EXPECT_EQ(a.status().code(), absl::StatusCode::kInvalidArgument) << a.status();
  EXPECT_TRUE(absl::StrContains(a.status().message(), path)) << a.status();
  EXPECT_TRUE(absl::StrContains(a.status().message(), reason)) << a.status();
}

TEST(NpyTest, TruncatedDataIsAnError) {
  const std::string path = TempPath("truncated_data.npy");
  WriteBytes(path, NpyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (10,), }",
                           RawBytes(std::vector<double>{1, 2, 3})));
  ExpectBadFile(path, "truncated data: expected 10 values");
}

TEST(NpyTest, TruncatedHeaderIsAnError) {
  const std::string full =
      NpyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }",
              RawBytes(std::vector<double>{1}));
  const std::string path = TempPath("truncated_header.npy");
  for (size_t keep : {7, 9, 30}) {
    WriteBytes(path, full.substr(0, keep));
    ExpectBadFile(path, "truncated .npy header");
  }
}

TEST(NpyTest, GarbageIsAnError) {
  const std::string path = TempPath("garbage.npy");
  WriteBytes(path, "this is not a numpy file at all");
  ExpectBadFile(path, "not a NumPy .npy file");
  WriteBytes(path, "");
  ExpectBadFile(path, "not a NumPy .npy file");
}

TEST(NpyTest, UnsupportedContentsAreErrors) {
  const std::string path = TempPath("unsupported.npy");
  const std::string data = RawBytes(std::vector<double>(8, 1.0));
  WriteBytes(path, NpyFile("{'descr': '>f8', 'fortran_order': False, 'shape': (8,), }", data));
  ExpectBadFile(path, "unsupported dtype '>f8'");
  WriteBytes(path, NpyFile("{'descr': '<c16', 'fortran_order': False, 'shape': (4,), }", data));
  ExpectBadFile(path, "unsupported dtype");
  WriteBytes(path, NpyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2, 2), }", data));
  ExpectBadFile(path, "expected a 1-D or 2-D array");
  WriteBytes(path, NpyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", data));
  ExpectBadFile(path, "expected a 1-D or 2-D array");
  WriteBytes(path, NpyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (-2, 4), }", data));
  ExpectBadFile(path, "bad shape");
  WriteBytes(path, NpyFile("{'descr': '<f8', 'fortran_order': False, }", data));
  ExpectBadFile(path, "missing shape");
  std::string v9 = NpyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (8,), }", data);
  v9[6] = 9;
  WriteBytes(path, v9);
  ExpectBadFile(path, "unsupported .npy format version 9");
}

TEST(NpyTest, MissingFileIsNotFound) {
  const std::string path = TempPath("does_not_exist.npy");
  absl::StatusOr<Array> a = ReadNpy(path);
  EXPECT_EQ(a.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(a.status().message(), path)) << a.status();
  EXPECT_EQ(ReadCsv(TempPath("does_not_exist.csv")).status().code(), absl::StatusCode::kNotFound);
}

// The reference clouds were generated by SplitMix64 (tests/data/pot_cases/README.md);
// reading them must reproduce that stream bit for bit.
TEST(NpyTest, ReadsPotReferenceCloudsExactly) {
  struct Cloud {
    const char* file;
    Eigen::Index n, d;
    uint64_t seed;
  };
  for (const Cloud& c : {Cloud{"n1000_d2/xs.npy", 1000, 2, 12345},
                         Cloud{"n1000_d2/xt.npy", 1000, 2, 67890},
                         Cloud{"n2000_d10/xs.npy", 2000, 10, 12345},
                         Cloud{"n2000_d10/xt.npy", 2000, 10, 67890}}) {
    absl::StatusOr<Array> a = ReadNpy(testing::PotCasePath(c.file));
    ASSERT_TRUE(a.ok()) << a.status();
    EXPECT_EQ(a->ndim, 2);
    EXPECT_EQ(a->values, testing::UniformPoints(c.n, c.d, c.seed)) << c.file;
  }
}

// --- CSV ---------------------------------------------------------------------

absl::StatusOr<Array> CsvFrom(absl::string_view name, const std::string& text) {
  const std::string path = TempPath(name);
  WriteBytes(path, text);
  return ReadCsv(path);
}

TEST(CsvTest, ReadsAHeaderAndRows) {
  absl::StatusOr<Array> a = CsvFrom("header.csv", "x,y,z\n1,2,3\n-4.5,5e-3,6E2\n");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->ndim, 2);
  MatrixXd expected(2, 3);
  expected << 1, 2, 3, -4.5, 5e-3, 600;
  EXPECT_EQ(a->values, expected);
}

TEST(CsvTest, AcceptsOtherSeparatorsCommentsAndBlankLines) {
  absl::StatusOr<Array> a =
      CsvFrom("separators.csv", "# a comment\n1 2\n\n  3;4  \r\n5\t6\n# trailing\n");
  ASSERT_TRUE(a.ok()) << a.status();
  MatrixXd expected(3, 2);
  expected << 1, 2, 3, 4, 5, 6;
  EXPECT_EQ(a->values, expected);
}

TEST(CsvTest, OneColumnIsOneDimensional) {
  absl::StatusOr<Array> a = CsvFrom("column.csv", "weight\n0.25\n0.75\n");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->ndim, 1);
  ASSERT_EQ(a->values.rows(), 2);
  ASSERT_EQ(a->values.cols(), 1);
  EXPECT_EQ(a->values(1, 0), 0.75);
}

TEST(CsvTest, RaggedRowsAreAnError) {
  absl::StatusOr<Array> a = CsvFrom("ragged.csv", "1,2,3\n4,5,6\n7,8\n");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(a.status().message(), "line 3 has 2 columns, expected 3"))
      << a.status();
  EXPECT_TRUE(absl::StrContains(a.status().message(), "ragged.csv")) << a.status();
}

TEST(CsvTest, TextAfterTheFirstLineIsAnError) {
  absl::StatusOr<Array> a = CsvFrom("text.csv", "1,2\n3,four\n");
  ASSERT_FALSE(a.ok());
  EXPECT_TRUE(absl::StrContains(a.status().message(), "line 2 has a value that is not a number"))
      << a.status();
  // A second non-numeric line is not a header either.
  absl::StatusOr<Array> b = CsvFrom("two_headers.csv", "x,y\nunits,units\n1,2\n");
  ASSERT_FALSE(b.ok());
  EXPECT_TRUE(absl::StrContains(b.status().message(), "line 2")) << b.status();
}

TEST(CsvTest, NoNumbersIsAnError) {
  for (const char* text : {"", "x,y\n", "# only a comment\n\n"}) {
    absl::StatusOr<Array> a = CsvFrom("empty.csv", text);
    ASSERT_FALSE(a.ok()) << text;
    EXPECT_TRUE(absl::StrContains(a.status().message(), "no numbers found")) << a.status();
  }
}

TEST(ArrayFileTest, DispatchesOnTheExtension) {
  Array array;
  array.ndim = 2;
  array.values = MatrixXd::Identity(2, 2);
  const std::string npy = TempPath("dispatch.NPY");
  ASSERT_TRUE(WriteNpy(npy, array).ok());
  absl::StatusOr<Array> a = ReadArrayFile(npy);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->values, array.values);

  const std::string csv = TempPath("dispatch.txt");
  WriteBytes(csv, "1,0\n0,1\n");
  absl::StatusOr<Array> b = ReadArrayFile(csv);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->values, array.values);
}

}  // namespace
}  // namespace advect
