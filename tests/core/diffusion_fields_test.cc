// The closed-form fields against direct formulas, and the stochastic samplers
// (SCIENCE.md b2, b3, b5):
//  * velocity, denoiser and score of a Gaussian mixture equal a per-point
//    Cholesky evaluation of the defining formulas; the score is the gradient
//    of log p_t (finite differences); the velocity equals the score form;
//    results do not depend on the thread count;
//  * an empirical target: the denoiser is the softmax of distances (the
//    nearest point at t = 0), and the exact field memorises: ODE and SDE
//    samples land on training points;
//  * the reverse SDE and Langevin reach a Gaussian target's mean and
//    covariance within statistical tolerance, reproducibly from the seed.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "core/diffusion/langevin.h"
#include "core/diffusion/mixture_kernel.h"
#include "core/diffusion/mixture_velocity.h"
#include "core/diffusion/ode_sampler.h"
#include "core/diffusion/sample_diagnostics.h"
#include "core/diffusion/schedule.h"
#include "core/diffusion/sde_sampler.h"
#include "core/random/normal.h"
#include "gtest/gtest.h"
#include "tests/core/test_util.h"

namespace advect {
namespace {

using ::advect::testing::UniformPoints;
using Eigen::MatrixXd;
using Eigen::VectorXd;

GaussianMixture ThreeComponents3d() {
  GaussianMixture g;
  g.weights = Eigen::Vector3d(0.5, 0.3, 0.2);
  g.means = MatrixXd(3, 3);
  g.means << -1.0, 0.0, 0.5, 1.0, 0.5, -0.5, 0.0, -1.0, 1.0;
  for (int j = 0; j < 3; ++j) {
    const MatrixXd a = UniformPoints(3, 3, 70 + j).array() - 0.5;
    g.covs.push_back(a * a.transpose() + 0.1 * (j + 1) * MatrixXd::Identity(3, 3));
  }
  return g;
}

// The defining formulas, one point at a time with a Cholesky factor per
// component: log p_t, E[X | z], E[Y | z].
struct Direct {
  double log_p = 0.0;
  VectorXd ex, ey;
};

Direct DirectAt(const GaussianMixture& g, double sigma, ScheduleKind kind, double t,
                const VectorXd& z) {
  const ScheduleValues s = EvaluateSchedule(kind, t);
  const Eigen::Index d = z.size();
  std::vector<double> log_r;
  std::vector<VectorXd> ex, ey;
  const double wsum = g.weights.sum();
  for (Eigen::Index j = 0; j < g.weights.size(); ++j) {
    MatrixXd cov = s.a * s.a * g.covs[j];
    cov.diagonal().array() += s.b * s.b * sigma * sigma;
    const Eigen::LLT<MatrixXd> llt(cov);
    const VectorXd diff = z - s.a * g.means.row(j).transpose();
    const VectorXd w = llt.solve(diff);
    const double log_det = 2.0 * llt.matrixL().toDenseMatrix().diagonal().array().log().sum();
    log_r.push_back(std::log(g.weights[j] / wsum) - 0.5 * diff.dot(w) - 0.5 * log_det -
                    0.5 * d * std::log(2.0 * M_PI));
    ex.push_back(g.means.row(j).transpose() + s.a * g.covs[j] * w);
    ey.push_back(s.b * sigma * sigma * w);
  }
  double top = -std::numeric_limits<double>::infinity();
  for (double l : log_r) top = std::max(top, l);
  double total = 0.0;
  Direct out{0.0, VectorXd::Zero(d), VectorXd::Zero(d)};
  for (size_t j = 0; j < log_r.size(); ++j) {
    const double r = std::exp(log_r[j] - top);
    total += r;
    out.ex += r * ex[j];
    out.ey += r * ey[j];
  }
  out.ex /= total;
  out.ey /= total;
  out.log_p = top + std::log(total);
  return out;
}

TEST(MixtureFieldsTest, MatchTheDefiningFormulas) {
  const GaussianMixture g = ThreeComponents3d();
  const double sigma = 0.8;
  for (ScheduleKind kind : {ScheduleKind::kLinear, ScheduleKind::kVariancePreserving}) {
    absl::StatusOr<MixtureVelocity> v = MixtureVelocity::Create(g, sigma, kind);
    ASSERT_TRUE(v.ok()) << v.status();
    // More points than one block (256), so the blocks and halves are used.
    const MatrixXd z = (UniformPoints(700, 3, 5).array() * 4.0 - 2.0).matrix();
    for (double t : {0.0, 0.05, 0.5, 0.97, 1.0}) {
      const ScheduleValues s = EvaluateSchedule(kind, t);
      MatrixXd vel, den, score;
      ASSERT_TRUE(v->Evaluate(t, z, NullObserver(), vel));
      ASSERT_TRUE(v->Denoise(t, z, NullObserver(), den));
      ASSERT_TRUE(v->Score(t, z, NullObserver(), score));
      double worst = 0.0;
      for (Eigen::Index i = 0; i < z.rows(); i += 7) {
        const Direct e = DirectAt(g, sigma, kind, t, z.row(i).transpose());
        const VectorXd want_v = s.da * e.ex + s.db * e.ey;
        // grad log p_t = -E[Sigma^-1 (z - a c)] = -E[Y | z] / (b sigma^2) for b > 0.
        worst = std::max(worst, (vel.row(i).transpose() - want_v).norm());
        worst = std::max(worst, (den.row(i).transpose() - e.ex).norm());
        if (s.b > 0.0) {
          const VectorXd want_s = -e.ey / (s.b * sigma * sigma);
          worst = std::max(worst, (score.row(i).transpose() - want_s).norm() /
                                      (1.0 + want_s.norm()));
        }
      }
      EXPECT_LE(worst, 1e-10) << "t = " << t;
    }
    // Fixed halves: two threads give the same bits as one.
    MatrixXd one, two;
    ASSERT_TRUE(v->Evaluate(0.3, z, NullObserver(), one));
    v->set_num_threads(2);
    ASSERT_TRUE(v->Evaluate(0.3, z, NullObserver(), two));
    EXPECT_TRUE(one == two);
  }
}

TEST(MixtureFieldsTest, EveryDimensionPathMatchesTheDefiningFormulas) {
  // The fused kernel's fixed-size builds (d = 1 to 4), its generic one (5 to
  // 16), and d > 16, the blocked dense-product path.
  for (Eigen::Index d : {1, 4, 6, 16, 17, 24}) {
    GaussianMixture g;
    g.weights = Eigen::Vector3d(0.2, 0.5, 0.3);
    g.means = (UniformPoints(3, d, 80).array() * 2.0 - 1.0).matrix();
    for (int j = 0; j < 3; ++j) {
      const MatrixXd a = UniformPoints(d, d, 81 + j).array() - 0.5;
      g.covs.push_back(a * a.transpose() / d + 0.2 * MatrixXd::Identity(d, d));
    }
    absl::StatusOr<MixtureVelocity> v = MixtureVelocity::Create(g, 0.7, ScheduleKind::kLinear);
    ASSERT_TRUE(v.ok()) << v.status();
    const MatrixXd z = (UniformPoints(300, d, 6).array() * 2.0 - 1.0).matrix();
    for (double t : {0.1, 0.6}) {
      const ScheduleValues s = EvaluateSchedule(ScheduleKind::kLinear, t);
      MatrixXd vel, den;
      ASSERT_TRUE(v->Evaluate(t, z, NullObserver(), vel));
      ASSERT_TRUE(v->Denoise(t, z, NullObserver(), den));
      double worst = 0.0;
      for (Eigen::Index i = 0; i < z.rows(); i += 11) {
        const Direct e = DirectAt(g, 0.7, ScheduleKind::kLinear, t, z.row(i).transpose());
        worst = std::max(worst, (vel.row(i).transpose() - (s.da * e.ex + s.db * e.ey)).norm());
        worst = std::max(worst, (den.row(i).transpose() - e.ex).norm());
      }
      EXPECT_LE(worst, 1e-9) << "d = " << d << ", t = " << t;
    }
  }
}

TEST(MixtureKernelTest, EveryBuildGivesTheSameField) {
  // The baseline, AVX2 and AVX-512 builds of the fused kernel (those this
  // processor has) agree to rounding; d = 2 (fixed size) and 6 (generic).
  for (int d : {2, 6}) {
    const int k = 5, rows = 37;
    const MatrixXd means = UniformPoints(k, d, 90);
    std::vector<double> precision, gain;
    for (int j = 0; j < k; ++j) {
      const MatrixXd a = UniformPoints(d, d, 91 + j).array() - 0.5;
      const MatrixXd p = a * a.transpose() + MatrixXd::Identity(d, d);
      const MatrixXd g = 0.3 * p - MatrixXd::Identity(d, d);
      precision.insert(precision.end(), p.data(), p.data() + d * d);
      gain.insert(gain.end(), g.data(), g.data() + d * d);
    }
    const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows_means = means;
    const std::vector<double> offset = {0.1, -0.3, 0.0, 0.5, -1.0};
    const mixture_kernel::Mixture m{d, k, precision.data(), gain.data(), rows_means.data(),
                                    offset.data(), 0.7, 0.4};
    const MatrixXd z = UniformPoints(rows, d, 99) * 3.0;
    std::vector<double> scratch(3 * rows + d);
    MatrixXd base(rows, d);
    ASSERT_TRUE(mixture_kernel::AccumulateWithIsa("baseline", m, z.data(), rows, rows,
                                                  base.data(), rows, scratch.data()));
    for (const char* isa : {"avx2", "avx512"}) {
      MatrixXd other(rows, d);
      if (!mixture_kernel::AccumulateWithIsa(isa, m, z.data(), rows, rows, other.data(), rows,
                                             scratch.data())) {
        continue;  // not on this processor
      }
      EXPECT_LE((other - base).cwiseAbs().maxCoeff(), 1e-12 * (1.0 + base.cwiseAbs().maxCoeff()))
          << isa << ", d = " << d;
    }
  }
}

TEST(MixtureFieldsTest, ScoreIsTheGradientOfLogDensityAndVelocityIsTheScoreForm) {
  const GaussianMixture g = ThreeComponents3d();
  const double sigma = 1.3;
  absl::StatusOr<MixtureVelocity> v = MixtureVelocity::Create(g, sigma, ScheduleKind::kLinear);
  ASSERT_TRUE(v.ok());
  const MatrixXd z = (UniformPoints(5, 3, 9).array() * 3.0 - 1.5).matrix();
  for (double t : {0.0, 0.3, 0.8}) {
    MatrixXd score, vel;
    ASSERT_TRUE(v->Score(t, z, NullObserver(), score));
    ASSERT_TRUE(v->Evaluate(t, z, NullObserver(), vel));
    const ScheduleValues s = EvaluateSchedule(ScheduleKind::kLinear, t);
    for (Eigen::Index i = 0; i < z.rows(); ++i) {
      for (int c = 0; c < 3; ++c) {
        const double h = 1e-5;
        VectorXd up = z.row(i).transpose(), down = up;
        up[c] += h;
        down[c] -= h;
        const double fd = (DirectAt(g, sigma, ScheduleKind::kLinear, t, up).log_p -
                           DirectAt(g, sigma, ScheduleKind::kLinear, t, down).log_p) /
                          (2 * h);
        EXPECT_NEAR(score(i, c), fd, 1e-6) << "t = " << t;
      }
      if (t > 0.0) {
        // v = (a'/a) z + (a' b^2 / a - b' b) sigma^2 s.
        const VectorXd form = (s.da / s.a) * z.row(i).transpose() +
                              (s.da * s.b * s.b / s.a - s.db * s.b) * sigma * sigma *
                                  score.row(i).transpose();
        EXPECT_LE((vel.row(i).transpose() - form).norm(), 1e-10);
      }
    }
  }
}

// The nearest row of `points` to each row of `z`, and the distance.
VectorXd NearestDistances(const MatrixXd& z, const MatrixXd& points) {
  VectorXd out(z.rows());
  for (Eigen::Index i = 0; i < z.rows(); ++i) {
    out[i] = (points.rowwise() - z.row(i)).rowwise().norm().minCoeff();
  }
  return out;
}

TEST(EmpiricalTargetTest, DenoiserIsTheSoftmaxAndTheNearestPointAtZero) {
  // More points than one block (512) and than one block of samples (256).
  const MatrixXd x = UniformPoints(1100, 2, 11);
  VectorXd w = UniformPoints(1100, 1, 12).col(0);
  w[3] = 0.0;  // dropped
  const double sigma = 0.5;
  absl::StatusOr<MixtureVelocity> v =
      MixtureVelocity::CreateEmpirical(x, w, sigma, ScheduleKind::kVariancePreserving);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->num_components(), 1099);
  const MatrixXd z = UniformPoints(300, 2, 13);
  for (double t : {0.02, 0.4, 1.0}) {
    const ScheduleValues s = EvaluateSchedule(ScheduleKind::kVariancePreserving, t);
    MatrixXd den, vel;
    ASSERT_TRUE(v->Denoise(t, z, NullObserver(), den));
    ASSERT_TRUE(v->Evaluate(t, z, NullObserver(), vel));
    for (Eigen::Index i = 0; i < z.rows(); i += 13) {
      // Direct softmax of -|z - a x_j|^2 / (2 b^2 sigma^2) + log w_j.
      VectorXd logits(x.rows());
      for (Eigen::Index j = 0; j < x.rows(); ++j) {
        logits[j] = (w[j] > 0 ? std::log(w[j]) : -std::numeric_limits<double>::infinity()) -
                    (z.row(i) - s.a * x.row(j)).squaredNorm() / (2 * s.b * s.b * sigma * sigma);
      }
      const VectorXd r = (logits.array() - logits.maxCoeff()).exp().matrix();
      const VectorXd want = (x.transpose() * r) / r.sum();
      EXPECT_LE((den.row(i).transpose() - want).norm(), 1e-10) << "t = " << t;
      const VectorXd want_v =
          s.da * want + s.db * (z.row(i).transpose() - s.a * want) / s.b;
      EXPECT_LE((vel.row(i).transpose() - want_v).norm(), 1e-9) << "t = " << t;
    }
  }
  MatrixXd at_zero;
  ASSERT_TRUE(v->Denoise(0.0, z, NullObserver(), at_zero));
  EXPECT_LE(NearestDistances(at_zero, x).maxCoeff(), 0.0);
  EXPECT_LE(((at_zero - z).rowwise().norm() - NearestDistances(z, v->means())).cwiseAbs().maxCoeff(),
            1e-12);
}

// At least 95 % of the samples within 1e-8 of a training point, all within 0.01.
void ExpectLandOnPoints(const MatrixXd& samples, const MatrixXd& points) {
  const VectorXd dist = NearestDistances(samples, points);
  EXPECT_GE((dist.array() <= 1e-8).count(), static_cast<Eigen::Index>(0.95 * samples.rows()));
  EXPECT_LE(dist.maxCoeff(), 0.01);
}

VelocityField Bind(const MixtureVelocity& v,
                   bool (MixtureVelocity::*method)(double, const MatrixXd&, const Observer&,
                                                   MatrixXd&) const) {
  return [&v, method](double t, const MatrixXd& z, const Observer& o, MatrixXd& out) {
    return (v.*method)(t, z, o, out);
  };
}

TEST(EmpiricalTargetTest, TheExactFieldMemorises) {
  // SCIENCE.md b2: with the exact field, samples land on training points.
  const MatrixXd x = UniformPoints(40, 2, 21);
  absl::StatusOr<MixtureVelocity> v =
      MixtureVelocity::CreateEmpirical(x, VectorXd(), 1.0, ScheduleKind::kLinear);
  ASSERT_TRUE(v.ok());
  MatrixXd z1(200, 2);
  NormalStream normal(3);
  for (Eigen::Index i = 0; i < z1.size(); ++i) z1.data()[i] = normal.Next();
  const VelocityField velocity = Bind(*v, &MixtureVelocity::Evaluate);
  const VelocityField denoiser = Bind(*v, &MixtureVelocity::Denoise);
  absl::StatusOr<OdeSampleOutput> ode =
      IntegrateFlow(velocity, z1, 400, OdeIntegrator::kHeun, NullObserver(), &denoiser);
  ASSERT_TRUE(ode.ok()) << ode.status();
  EXPECT_EQ(ode->evaluations, 2 * 399 + 1);
  // Measured: median 0, 99th percentile 5e-10; a sample whose path ends near
  // a tie between two points is still between them at the last step (1e-3
  // here), far from the point spacing (about 0.15).
  ExpectLandOnPoints(ode->samples, x);
  absl::StatusOr<OdeSampleOutput> sde =
      SampleReverseSde(denoiser, ScheduleKind::kLinear, 1.0, z1, 400, 5);
  ASSERT_TRUE(sde.ok()) << sde.status();
  ExpectLandOnPoints(sde->samples, x);
  // Not all on one point: the samples spread over many training points.
  int distinct = 0;
  for (Eigen::Index j = 0; j < x.rows(); ++j) {
    distinct += ((ode->samples.rowwise() - x.row(j)).rowwise().norm().array() < 1e-6).any();
  }
  EXPECT_GE(distinct, 20);
}

// Sample mean and covariance of the rows.
void Moments(const MatrixXd& s, VectorXd& mean, MatrixXd& cov) {
  mean = s.colwise().mean().transpose();
  const MatrixXd centred = s.rowwise() - mean.transpose();
  cov = centred.transpose() * centred / static_cast<double>(s.rows() - 1);
}

TEST(ReverseSdeTest, ReachesAGaussianTargetReproducibly) {
  Eigen::Vector2d c(1.0, -2.0);
  MatrixXd cov(2, 2);
  cov << 2.0, 0.6, 0.6, 0.5;
  const double sigma = 1.5;
  for (ScheduleKind kind : {ScheduleKind::kLinear, ScheduleKind::kVariancePreserving}) {
    absl::StatusOr<MixtureVelocity> v =
        MixtureVelocity::Create({VectorXd::Ones(1), c.transpose(), {cov}}, sigma, kind);
    ASSERT_TRUE(v.ok());
    const Eigen::Index n = 20000;
    MatrixXd z1(n, 2);
    NormalStream normal(8);
    for (Eigen::Index i = 0; i < z1.size(); ++i) z1.data()[i] = sigma * normal.Next();
    const VelocityField denoiser = Bind(*v, &MixtureVelocity::Denoise);
    absl::StatusOr<OdeSampleOutput> out = SampleReverseSde(denoiser, kind, sigma, z1, 800, 17);
    ASSERT_TRUE(out.ok()) << out.status();
    EXPECT_EQ(out->evaluations, 800);
    VectorXd mean;
    MatrixXd got;
    Moments(out->samples, mean, got);
    // Standard errors: sqrt(S_ii / n) for the mean, about sqrt(2 / n) S_ii =
    // 0.02 for the largest variance; 4 of them cover the scheme's O(1/steps)
    // bias at 800 steps (measured 0.01; it is 0.09 at 100 steps, the
    // variance too small, as the step ignores Var[X | Z_t]).
    for (int i = 0; i < 2; ++i) {
      EXPECT_NEAR(mean[i], c[i], 5.0 * std::sqrt(cov(i, i) / n)) << i;
    }
    EXPECT_LE((got - cov).cwiseAbs().maxCoeff(), 0.08) << got;
    absl::StatusOr<OdeSampleOutput> again = SampleReverseSde(denoiser, kind, sigma, z1, 800, 17);
    EXPECT_TRUE(again->samples == out->samples);
    absl::StatusOr<OdeSampleOutput> other = SampleReverseSde(denoiser, kind, sigma, z1, 800, 18);
    EXPECT_FALSE(other->samples == out->samples);
  }
}

TEST(LangevinTest, ReachesAGaussianTargetAndRefusesBadSteps) {
  Eigen::Vector2d c(0.5, 1.0);
  MatrixXd cov(2, 2);
  cov << 1.0, 0.3, 0.3, 0.6;
  absl::StatusOr<MixtureVelocity> v =
      MixtureVelocity::Create({VectorXd::Ones(1), c.transpose(), {cov}}, 1.0,
                              ScheduleKind::kLinear);
  ASSERT_TRUE(v.ok());
  const VelocityField score = Bind(*v, &MixtureVelocity::Score);
  const Eigen::Index n = 10000;
  const MatrixXd x0 = MatrixXd::Zero(n, 2);
  absl::StatusOr<OdeSampleOutput> out = RunLangevin(score, x0, 1500, 0.01, 4);
  ASSERT_TRUE(out.ok()) << out.status();
  VectorXd mean;
  MatrixXd got;
  Moments(out->samples, mean, got);
  for (int i = 0; i < 2; ++i) EXPECT_NEAR(mean[i], c[i], 5.0 * std::sqrt(cov(i, i) / n));
  // Unadjusted Langevin's stationary covariance is S (I - h S^-1 / 2)^-1: an
  // O(h) bias of about 1 % here, inside the tolerance.
  EXPECT_LE((got - cov).cwiseAbs().maxCoeff(), 0.05) << got;
  EXPECT_EQ(RunLangevin(score, x0, 10, 0.0, 4).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_NE(RunLangevin(score, x0, 10, -1.0, 4).status().message().find("step_size"),
            std::string::npos);
  EXPECT_NE(RunLangevin(score, x0, 0, 0.1, 4).status().message().find("steps"),
            std::string::npos);
}

TEST(EmpiricalTargetTest, RefusesBadTargetsNamingTheField) {
  EXPECT_NE(MixtureVelocity::CreateEmpirical(MatrixXd(0, 2), VectorXd(), 1.0,
                                             ScheduleKind::kLinear)
                .status()
                .message()
                .find("target: expected at least one"),
            std::string::npos);
  EXPECT_NE(MixtureVelocity::CreateEmpirical(MatrixXd::Zero(3, 2), VectorXd::Ones(2), 1.0,
                                             ScheduleKind::kLinear)
                .status()
                .message()
                .find("target_weights: expected 3"),
            std::string::npos);
  EXPECT_NE(MixtureVelocity::CreateEmpirical(MatrixXd::Zero(3, 2), VectorXd::Zero(3), 1.0,
                                             ScheduleKind::kLinear)
                .status()
                .message()
                .find("target_weights: weights must be"),
            std::string::npos);
  MatrixXd bad = MatrixXd::Zero(3, 2);
  bad(1, 1) = std::nan("");
  EXPECT_NE(MixtureVelocity::CreateEmpirical(bad, VectorXd(), 1.0, ScheduleKind::kLinear)
                .status()
                .message()
                .find("target:"),
            std::string::npos);
}

TEST(SampleDiagnosticsTest, DivergenceSeesAShiftAndDistancesSeeCopies) {
  const GaussianMixture g = ThreeComponents3d();
  absl::StatusOr<MixtureVelocity> v = MixtureVelocity::Create(g, 1.0, ScheduleKind::kLinear);
  ASSERT_TRUE(v.ok());
  // Draws follow the mixture: mean sum_j w_j c_j.
  const MatrixXd draws = v->Draw(20000, 3);
  const VectorXd mean = g.means.transpose() * g.weights;
  EXPECT_LE((draws.colwise().mean().transpose() - mean).norm(), 0.05);
  SampleDiagnosticsOptions options;
  options.max_points = 500;
  options.seed = 9;
  absl::StatusOr<SampleDiagnostics> same = DiagnoseSamples(v->Draw(500, 4), *v, options);
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_TRUE(same->divergence_converged);
  EXPECT_EQ(same->divergence_samples, 500);
  EXPECT_EQ(same->divergence_reference_points, 500);
  EXPECT_EQ(same->nearest_training_distance.size(), 0);
  MatrixXd shifted = v->Draw(500, 4);
  shifted.col(0).array() += 1.0;
  absl::StatusOr<SampleDiagnostics> off = DiagnoseSamples(shifted, *v, options);
  ASSERT_TRUE(off.ok());
  // A shift by 1 moves W2^2 by 1; two samples of the same law are much closer.
  EXPECT_GT(off->sinkhorn_divergence, 0.5);
  EXPECT_LT(same->sinkhorn_divergence, 0.2 * off->sinkhorn_divergence);

  // Empirical: copies of training points are found, at distance 0.
  const MatrixXd x = UniformPoints(3000, 2, 31);
  absl::StatusOr<MixtureVelocity> e =
      MixtureVelocity::CreateEmpirical(x, VectorXd(), 1.0, ScheduleKind::kLinear);
  ASSERT_TRUE(e.ok());
  MatrixXd samples = x.topRows(100);
  samples.bottomRows(20).array() += 0.3;  // 20 of 100 moved off the points
  absl::StatusOr<SampleDiagnostics> copies = DiagnoseSamples(samples, *e, options);
  ASSERT_TRUE(copies.ok());
  EXPECT_EQ(copies->divergence_reference_points, 500);  // a seeded subset of 3000
  ASSERT_EQ(copies->nearest_training_distance.size(), 100);
  EXPECT_EQ(copies->nearest_training_distance.head(80).maxCoeff(), 0.0);
  EXPECT_GT(copies->nearest_training_distance.tail(20).minCoeff(), 0.0);
  EXPECT_DOUBLE_EQ(copies->memorised_fraction, 0.8);
  EXPECT_EQ(copies->median_nearest_training_distance, 0.0);
  // The distances equal a brute-force search.
  EXPECT_LE((copies->nearest_training_distance - NearestDistances(samples, x)).cwiseAbs().maxCoeff(),
            1e-12);

  options.max_points = 0;
  EXPECT_NE(DiagnoseSamples(samples, *e, options).status().message().find("max_points: must be"),
            std::string::npos);
  options.max_points = 10;
  options.epsilon = -1.0;
  EXPECT_NE(DiagnoseSamples(samples, *e, options).status().message().find("epsilon: must be"),
            std::string::npos);
}

}  // namespace
}  // namespace advect
