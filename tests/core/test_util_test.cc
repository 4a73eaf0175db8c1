// The test helpers themselves: the reference.json scanner and SplitMix64.
#include "tests/core/test_util.h"

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace advect::testing {
namespace {

TEST(JsonNumberAtTest, DescendsNestedObjects) {
  const char* json = R"({
    "a": {"x": 1, "b": {"c": -2.5e-3}},
    "b": {"c": 42}
  })";
  absl::StatusOr<double> v = JsonNumberAt(json, {"a", "b", "c"});
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, -2.5e-3);
  v = JsonNumberAt(json, {"b", "c"});
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, 42.0);
}

TEST(JsonNumberAtTest, SkipsStringsArraysAndLookalikeKeys) {
  // Braces, brackets and quoted keys inside strings must not confuse the scan,
  // and a key of a nested object must not match a key of its parent.
  const char* json = R"({"note": "has } and \" and \"cost\": 5 {", "list": [1, {"cost": 7}, "]"],
                         "inner": {"cost": 9}, "cost": 0.001493744914646515})";
  absl::StatusOr<double> v = JsonNumberAt(json, {"cost"});
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, 0.001493744914646515);
  v = JsonNumberAt(json, {"inner", "cost"});
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(*v, 9.0);
}

TEST(JsonNumberAtTest, ReportsMissingKeysAndNonNumbers) {
  const char* json = R"({"a": {"b": null, "s": "text"}})";
  EXPECT_EQ(JsonNumberAt(json, {"a", "c"}).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(JsonNumberAt(json, {"x"}).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(JsonNumberAt(json, {"a", "b"}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(JsonNumberAt(json, {"a", "s"}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(JsonNumberAt(json, {"a"}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ReferenceNumberTest, ReadsTheCopiedPotReference) {
  // Values as printed in tests/data/pot_cases/README.md.
  absl::StatusOr<double> emd = ReferenceNumber({"cases", "n1000_d2", "emd", "cost"});
  ASSERT_TRUE(emd.ok()) << emd.status();
  EXPECT_EQ(*emd, 0.001493744914646515);
  absl::StatusOr<double> value = ReferenceNumber(
      {"cases", "n2000_d10", "sinkhorn", "sinkhorn_reg0.01", "value_normalized_cost"});
  ASSERT_TRUE(value.ok()) << value.status();
  EXPECT_EQ(*value, 0.05575073286676268);
  absl::StatusOr<double> niter =
      ReferenceNumber({"cases", "n1000_d2", "sinkhorn", "sinkhorn_log_reg0.01", "niter"});
  ASSERT_TRUE(niter.ok()) << niter.status();
  EXPECT_EQ(*niter, 160.0);
}

TEST(SplitMix64Test, FirstValuesAreInTheUnitInterval) {
  SplitMix64 rng(0);
  for (int i = 0; i < 1000; ++i) {
    const double u = rng.NextUniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
  // Same seed, same stream.
  EXPECT_EQ(UniformPoints(3, 2, 7), UniformPoints(3, 2, 7));
  EXPECT_NE(UniformPoints(3, 2, 7), UniformPoints(3, 2, 8));
}

}  // namespace
}  // namespace advect::testing
