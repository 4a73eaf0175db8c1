#include "client/cli/sinkhorn_options.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "client/cli/errors.h"
#include "core/io/npy.h"

namespace advect::cli {
namespace {

std::string Temp(const std::string& name) { return testing::TempDir() + "sinkhorn_opts_" + name; }

std::string WriteArray(const std::string& name, int ndim, const Eigen::MatrixXd& values) {
  Array a;
  a.ndim = ndim;
  a.values = values;
  const std::string path = Temp(name);
  EXPECT_TRUE(WriteNpy(path, a).ok());
  return path;
}

ParsedFlags Flags(std::map<std::string, std::string> values) {
  ParsedFlags f;
  f.values = std::move(values);
  return f;
}

int Code(const absl::Status& s) { return ExitCodeOf(s); }

TEST(ParseCost, KeywordsAndFiles) {
  EXPECT_EQ(ParseCost("sqeuclidean")->kind, v1::COST_KIND_SQEUCLIDEAN);
  EXPECT_EQ(ParseCost("euclidean")->kind, v1::COST_KIND_EUCLIDEAN);
  auto power = ParseCost("power:1.5");
  ASSERT_TRUE(power.ok());
  EXPECT_EQ(power->kind, v1::COST_KIND_POWER);
  EXPECT_EQ(power->p, 1.5);
  EXPECT_EQ(Code(ParseCost("power:x").status()), kExitUsage);
  EXPECT_EQ(Code(ParseCost("power:").status()), kExitUsage);
  EXPECT_EQ(ParseCost("cost.npy")->file, "cost.npy");
  EXPECT_TRUE(ParseCost("cost.npy")->file.size() > 0);
}

TEST(SinkhornOptions, RequiredFlags) {
  EXPECT_EQ(Code(SinkhornOptionsFromFlags(Flags({{"x", "x"}, {"y", "y"}})).status()), kExitUsage);
  auto no_eps = SinkhornOptionsFromFlags(Flags({{"x", "x"}, {"y", "y"}}));
  EXPECT_NE(no_eps.status().message().find("--epsilon"), std::string::npos);
  auto no_y = SinkhornOptionsFromFlags(Flags({{"x", "x"}, {"epsilon", "1"}}));
  EXPECT_EQ(Code(no_y.status()), kExitUsage);
  EXPECT_NE(no_y.status().message().find("--y"), std::string::npos);
  EXPECT_EQ(Code(SinkhornOptionsFromFlags(Flags({{"epsilon", "1"}})).status()), kExitUsage);
}

TEST(SinkhornOptions, CostFileExcludesPoints) {
  const std::string cost = WriteArray("c_exists.npy", 2, Eigen::MatrixXd::Ones(2, 2));
  auto both = SinkhornOptionsFromFlags(Flags({{"x", "x"}, {"cost", cost}, {"epsilon", "1"}}));
  ASSERT_FALSE(both.ok());
  EXPECT_EQ(Code(both.status()), kExitUsage);
  EXPECT_NE(both.status().message().find("not allowed"), std::string::npos);
  EXPECT_TRUE(SinkhornOptionsFromFlags(Flags({{"cost", "c.npy"}, {"epsilon", "1"}})).ok());
  // A misspelt keyword with points is a usage error that lists the keywords.
  auto typo = SinkhornOptionsFromFlags(
      Flags({{"x", "x"}, {"y", "y"}, {"cost", "sqeuclidian"}, {"epsilon", "1"}}));
  EXPECT_EQ(Code(typo.status()), kExitUsage);
  EXPECT_NE(typo.status().message().find("not one of"), std::string::npos);
}

TEST(SinkhornOptions, Numbers) {
  auto o = SinkhornOptionsFromFlags(Flags({{"x", "x"},
                                           {"y", "y"},
                                           {"epsilon", "-1"},  // the server checks the range
                                           {"tol", "1e-6"},
                                           {"max-iter", "50"},
                                           {"epsilon-scaling", ""},
                                           {"epsilon-decay", "0.7"},
                                           {"frame-every", "5"},
                                           {"max-frames", "3"},
                                           {"timeout", "2.5"}}));
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->epsilon, -1);
  EXPECT_EQ(o->tolerance, 1e-6);
  EXPECT_EQ(o->max_iterations, 50);
  EXPECT_TRUE(o->epsilon_scaling);
  EXPECT_EQ(o->epsilon_decay, 0.7);
  EXPECT_EQ(o->run.frame_every, 5);
  EXPECT_EQ(o->run.max_frames, 3);
  EXPECT_EQ(o->run.timeout_seconds, 2.5);
  for (const auto& [flag, value] : std::vector<std::pair<std::string, std::string>>{
           {"epsilon", "abc"}, {"tol", "x"}, {"max-iter", "1.5"}, {"max-iter", "-3"},
           {"frame-every", "q"}, {"timeout", "0"}, {"timeout", "-1"}}) {
    std::map<std::string, std::string> values = {{"x", "x"}, {"y", "y"}, {"epsilon", "1"}};
    values[flag] = value;
    EXPECT_EQ(Code(SinkhornOptionsFromFlags(Flags(values)).status()), kExitUsage)
        << flag << "=" << value;
  }
}

TEST(SinkhornOptions, FlagCombinations) {
  std::map<std::string, std::string> base = {{"x", "x"}, {"y", "y"}, {"epsilon", "1"}};
  auto with = [&](std::map<std::string, std::string> extra) {
    auto v = base;
    v.insert(extra.begin(), extra.end());
    return Code(SinkhornOptionsFromFlags(Flags(v)).status());
  };
  EXPECT_EQ(with({{"epsilon-start", "1"}}), kExitUsage);
  EXPECT_EQ(with({{"epsilon-decay", "0.5"}}), kExitUsage);
  EXPECT_EQ(with({{"max-frames", "3"}}), kExitUsage);
  EXPECT_EQ(with({{"detach", ""}, {"out", "d"}}), kExitUsage);
  EXPECT_EQ(with({{"detach", ""}}), kExitOk);
}

TEST(BuildJobSpec, PointsWeightsAndCost) {
  Eigen::MatrixXd x(3, 2), y(2, 2);
  x << 0, 0, 1, 0, 0, 1;
  y << 1, 1, 2, 2;
  SinkhornOptions o;
  o.measures.x = WriteArray("x.npy", 2, x);
  o.measures.y = WriteArray("y.npy", 2, y);
  o.measures.a = WriteArray("a.npy", 1, Eigen::Vector3d(1, 2, 3));
  o.measures.cost = *ParseCost("power:3");
  o.epsilon = 0.1;
  o.plan = true;
  o.epsilon_scaling = true;
  o.run.frame_every = 2;
  auto spec = BuildJobSpec(o);
  ASSERT_TRUE(spec.ok()) << spec.status();
  const v1::EntropicOtSpec& ot = spec->entropic_ot();
  EXPECT_EQ(ot.x().rows(), 3);
  EXPECT_EQ(ot.x().cols(), 2);
  EXPECT_EQ(ot.x().values(2), 1.0);  // row 1 = (1, 0), row-major
  EXPECT_EQ(ot.y().rows(), 2);
  EXPECT_EQ(ot.a_size(), 3);
  EXPECT_EQ(ot.b_size(), 0);
  EXPECT_EQ(ot.cost().kind(), v1::COST_KIND_POWER);
  EXPECT_EQ(ot.cost().p(), 3.0);
  EXPECT_EQ(ot.epsilon(), 0.1);
  EXPECT_TRUE(ot.return_plan());
  EXPECT_TRUE(ot.has_epsilon_scaling());
  EXPECT_EQ(spec->frame_every(), 2);
  EXPECT_FALSE(ot.has_cost_matrix());
}

TEST(BuildJobSpec, OneDimensionalPointsAreDimensionOne) {
  SinkhornOptions o;
  o.measures.x = WriteArray("x1.npy", 1, Eigen::Vector3d(0, 1, 2));
  o.measures.y = WriteArray("y1.npy", 1, Eigen::Vector2d(0, 5));
  o.epsilon = 1;
  auto spec = BuildJobSpec(o);
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->entropic_ot().x().rows(), 3);
  EXPECT_EQ(spec->entropic_ot().x().cols(), 1);
}

TEST(BuildJobSpec, CostMatrix) {
  SinkhornOptions o;
  o.measures.cost.file = WriteArray("c.npy", 2, Eigen::MatrixXd::Ones(2, 4));
  o.measures.b = WriteArray("b4.npy", 1, Eigen::Vector4d(1, 1, 1, 1));
  o.epsilon = 1;
  auto spec = BuildJobSpec(o);
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->entropic_ot().cost_matrix().rows(), 2);
  EXPECT_EQ(spec->entropic_ot().cost_matrix().cols(), 4);
  EXPECT_FALSE(spec->entropic_ot().has_x());
  EXPECT_EQ(spec->entropic_ot().b_size(), 4);
}

TEST(BuildJobSpec, InputErrorsNameTheFlagAndFile) {
  SinkhornOptions o;
  o.epsilon = 1;
  o.measures.x = Temp("does_not_exist.npy");
  o.measures.y = WriteArray("y2.npy", 2, Eigen::MatrixXd::Ones(2, 2));
  auto missing = BuildJobSpec(o);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(Code(missing.status()), kExitInput);
  EXPECT_NE(missing.status().message().find("--x"), std::string::npos);
  EXPECT_NE(missing.status().message().find("does_not_exist.npy"), std::string::npos);

  const std::string garbage = Temp("garbage.npy");
  std::ofstream(garbage) << "this is not numpy";
  o.measures.x = garbage;
  EXPECT_EQ(Code(BuildJobSpec(o).status()), kExitInput);

  // Dimension mismatch between x and y.
  o.measures.x = WriteArray("x3.npy", 2, Eigen::MatrixXd::Ones(2, 3));
  auto dims = BuildJobSpec(o);
  EXPECT_EQ(Code(dims.status()), kExitInput);
  EXPECT_NE(dims.status().message().find("dimension"), std::string::npos);

  // Weights of the wrong length or shape.
  o.measures.x = WriteArray("x4.npy", 2, Eigen::MatrixXd::Ones(2, 2));
  o.measures.a = WriteArray("a3.npy", 1, Eigen::Vector3d(1, 1, 1));
  auto count = BuildJobSpec(o);
  EXPECT_EQ(Code(count.status()), kExitInput);
  EXPECT_NE(count.status().message().find("--a"), std::string::npos);
  o.measures.a = WriteArray("a22.npy", 2, Eigen::MatrixXd::Ones(2, 2));
  EXPECT_EQ(Code(BuildJobSpec(o).status()), kExitInput);

  // NaN in points.
  o.measures.a.clear();
  Eigen::MatrixXd with_nan = Eigen::MatrixXd::Ones(2, 2);
  with_nan(1, 1) = std::nan("");
  o.measures.x = WriteArray("xnan.npy", 2, with_nan);
  EXPECT_EQ(Code(BuildJobSpec(o).status()), kExitInput);

  // A 1-D cost matrix, and a cost keyword typo.
  SinkhornOptions c;
  c.epsilon = 1;
  c.measures.cost.file = WriteArray("c1.npy", 1, Eigen::Vector2d(1, 2));
  EXPECT_EQ(Code(BuildJobSpec(c).status()), kExitInput);
  c.measures.cost.file = "sqeuclidian";
  auto typo = BuildJobSpec(c);
  EXPECT_EQ(Code(typo.status()), kExitInput);
  EXPECT_NE(typo.status().message().find("not one of"), std::string::npos);
}

}  // namespace
}  // namespace advect::cli
