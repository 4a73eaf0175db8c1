#include "client/cli/progress_bar.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace advect::cli {
namespace {

TEST(ProgressBar, Render) {
  ProgressSnapshot s;
  s.state = "running";
  s.iteration = 120;
  s.max_iterations = 1000;
  s.error = 1.5e-5;
  s.first_error = 1.0;
  s.tolerance = 1e-9;
  const std::string line = ProgressBar::Render(s, 100);
  EXPECT_NE(line.find("advect: running"), std::string::npos) << line;
  EXPECT_NE(line.find("iteration 120/1000"), std::string::npos) << line;
  EXPECT_NE(line.find("error 1.5e-05"), std::string::npos) << line;
  EXPECT_NE(line.find('['), std::string::npos) << line;
  EXPECT_LT(ProgressBar::Render(s, 40).size(), 40u);
}

TEST(ProgressBar, RenderBeforeProgress) {
  ProgressSnapshot s;
  s.state = "queued";
  EXPECT_EQ(ProgressBar::Render(s, 80), "advect: queued");
}

TEST(ProgressBar, Fraction) {
  ProgressSnapshot s;
  s.max_iterations = 100;
  s.iteration = 25;
  EXPECT_DOUBLE_EQ(ProgressBar::Fraction(s), 0.25);
  s.first_error = 1.0;
  s.tolerance = 1e-8;
  s.error = 1e-4;  // half way in log scale
  EXPECT_NEAR(ProgressBar::Fraction(s), 0.5, 1e-12);
  s.error = 1e-9;
  EXPECT_DOUBLE_EQ(ProgressBar::Fraction(s), 1.0);
}

TEST(ProgressBar, DisabledDrawsNothing) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    ProgressBar bar(f, /*enabled=*/false, 10, 1e-9);
    bar.SetState("running");
    bar.Update(1, 0.5);
  }
  EXPECT_EQ(std::ftell(f), 0);
  {
    ProgressBar bar(f, /*enabled=*/true, 10, 1e-9);
    bar.SetState("running");
  }
  EXPECT_GT(std::ftell(f), 0);
  std::fclose(f);
}

}  // namespace
}  // namespace advect::cli
