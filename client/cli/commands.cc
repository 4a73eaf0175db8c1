#include "client/cli/commands.h"

#include "absl/strings/str_cat.h"

#include "client/cli/common_flags.h"
#include "client/cli/flow_command.h"
#include "client/cli/meanfield_command.h"
#include "client/cli/particles_command.h"
#include "client/cli/tokens_command.h"

namespace advect::cli {
namespace {

// --epsilon-scaling and its two parameters, shared by the entropic commands.
std::vector<FlagDef> EpsilonScalingFlags() {
  return {
      {"epsilon-scaling", "", "solve a decreasing sequence of epsilons, warm-started"},
      {"epsilon-start", "E0", "first epsilon of --epsilon-scaling (default: the largest cost)"},
      {"epsilon-decay", "Q", "factor between stages, in (0, 1) (default 0.5)"},
  };
}

// --mean1 --cov1 --mean2 --cov2 of the commands on two Gaussians.
std::vector<FlagDef> GaussianFlagDefs() {
  return {
      {"mean1", "FILE", "source mean, d values"},
      {"cov1", "FILE", "source covariance, d x d"},
      {"mean2", "FILE", "target mean, d values"},
      {"cov2", "FILE", "target covariance, d x d"},
  };
}

const FlagDef kRegFlag = {"reg", "R", "added to the diagonal of the empirical covariances\n(default 0)"};

std::vector<FlagDef> Flags(std::initializer_list<std::vector<FlagDef>> groups) {
  std::vector<FlagDef> all;
  for (const auto& group : groups) all.insert(all.end(), group.begin(), group.end());
  return all;
}

}  // namespace

const std::vector<FlagDef>& GlobalFlags() {
  static const auto* flags = new std::vector<FlagDef>{
      {"server", "HOST:PORT", "address of advectd (default: $ADVECT_SERVER, else\n127.0.0.1:50051)"},
      {"json", "", "print the result as proto3 JSON (snake_case field names)\non stdout, nothing else"},
      {"tls", "", "connect with TLS, verifying the server against the system's\nroot certificates (implied by --tls-ca and --tls-cert)"},
      {"tls-ca", "FILE", "PEM root certificates that sign the server's certificate"},
      {"tls-cert", "FILE", "PEM client certificate for mutual TLS (with --tls-key)"},
      {"tls-key", "FILE", "PEM private key of --tls-cert"},
      {"token", "TOKEN", "bearer token sent with every call (default: $ADVECT_TOKEN)"},
  };
  return *flags;
}

const std::vector<CommandDef>& Commands() {
  static const auto* commands = new std::vector<CommandDef>{
      {"ot",
       "sinkhorn",
       "entropic optimal transport (Sinkhorn) between two point clouds",
       {"ot sinkhorn --x X --y Y --epsilon E [FLAGS]",
        "ot sinkhorn --cost COST_FILE --epsilon E [FLAGS]"},
       "Solves min <P, C> + epsilon * KL(P | a x b) over couplings P of a and b on the\n"
       "server. By default it streams the job (Run), shows a progress line on stderr\n"
       "when stderr is a terminal, and prints a summary: transport cost, dual\n"
       "objective, iterations, marginal error, converged, epsilon, job id, elapsed.\n"
       "With --json it prints the advect.v1.EntropicOtResult instead; with --detach\n"
       "it submits the job (SubmitJob) and prints its id (--json: the Job).\n"
       "\n"
       "Input files are .npy (float64 or float32, 1-D or 2-D) or CSV (one row per\n"
       "line, numbers separated by commas, an optional header line). Points are\n"
       "2-D, one row per point; a 1-D file for --x or --y is read as n points in\n"
       "dimension d = 1. Weights are 1-D (or n x 1).",
       "",
       Flags({MeasureFlagDefs(CostFlag::kKeywordsAndFile),
              {
                  {"epsilon", "E", "entropic regularisation, > 0 (required)"},
                  {"tol", "T", "stop at L1 marginal error <= T (default 1e-9)"},
                  {"max-iter", "N", "maximum iterations over all stages (default 1000)"},
                  {"normalize-cost", "", "divide the cost by its maximum before solving"},
              },
              EpsilonScalingFlags(),
              {
                  {"method", "auto|log|online",
                   "auto (default): the scaling form on a stabilised kernel, in\n"
                   "the log domain where the kernel under- or overflows; log:\n"
                   "log-domain updates only (about 10x slower); online: no n x m\n"
                   "matrix at all, costs recomputed from --x and --y each pass"},
                  {"precision", "float64|float32",
                   "the kernel's number type (default float64); float32 halves\n"
                   "memory and time per iteration and raises --tol to >= 1e-5"},
                  {"plan", "", "return the n x m plan (plan.npy with --out)"},
              },
              RunFlagDefs(true,
                          "write every array of the result as DIR/<field>.npy (f.npy,\n"
                          "g.npy, plan.npy); DIR is created if missing")})},
      {"ot",
       "unbalanced",
       "unbalanced entropic optimal transport (KL marginal penalty rho)",
       {"ot unbalanced --x X --y Y --epsilon E --rho R [FLAGS]",
        "ot unbalanced --cost COST_FILE --epsilon E --rho R [FLAGS]"},
       "Solves min <P, C> + epsilon KL(P | a x b) + rho KL(P1 | a) + rho KL(P^T 1 | b)\n"
       "over P >= 0: the masses --a and --b are used as given (not normalised; their\n"
       "totals may differ) and the plan's marginals are only pulled towards them.\n"
       "Prints the transport cost, the plan's mass, primal and dual objectives and\n"
       "iterations. --json prints the advect.v1.UnbalancedOtResult.",
       "",
       Flags({MeasureFlagDefs(CostFlag::kKeywordsAndFile),
              {
                  {"epsilon", "E", "entropic regularisation, > 0 (required)"},
                  {"rho", "R", "marginal penalty, > 0 (required; large R: balanced)"},
                  {"tol", "T",
                   "stop when the potentials change by <= T * epsilon in one\n"
                   "iteration (default 1e-9)"},
                  {"max-iter", "N", "maximum iterations over all stages (default 1000)"},
                  {"normalize-cost", "", "divide the cost by its maximum before solving"},
              },
              EpsilonScalingFlags(),
              {
                  {"plan", "", "return the n x m plan (plan.npy with --out)"},
              },
              RunFlagDefs(true,
                          "write f.npy, g.npy (and plan.npy with --plan) in DIR, created\n"
                          "if missing")})},
      {"ot",
       "divergence",
       "Sinkhorn divergence S = OT_eps(a,b) - OT_eps(a,a)/2 - OT_eps(b,b)/2",
       {"ot divergence --x X --y Y --epsilon E [FLAGS]"},
       "The debiased entropic OT value between two clouds (Feydy et al. 2019):\n"
       "symmetric, >= 0, and 0 only for equal measures. Prints the divergence, the\n"
       "transport cost of the x-y plan and the three regularised values.\n"
       "--json prints the advect.v1.SinkhornDivergenceResult.",
       "",
       Flags({MeasureFlagDefs(CostFlag::kKeywordsAndFile),
              {
                  {"epsilon", "E", "entropic regularisation, > 0 (required)"},
                  {"tol", "T", "each solve stops at L1 marginal error <= T (default 1e-9)"},
                  {"max-iter", "N", "maximum iterations of each solve (default 1000)"},
              },
              EpsilonScalingFlags(),
              RunFlagDefs(false, "")})},
      {"ot",
       "exact",
       "exact optimal transport (network simplex): cost, sparse plan, potentials",
       {"ot exact --x X --y Y [FLAGS]", "ot exact --cost COST_FILE [FLAGS]"},
       "Solves min <P, C> over couplings P of a and b exactly on the server and prints\n"
       "the transport cost (W_p^p for the cost |x-y|^p), the dual objective, the\n"
       "number of pivots and the status: optimal, or iteration limit (NOT optimal:\n"
       "only --max-iter stops the solver early). The plan has at most n + m - 1\n"
       "nonzeros. --json prints the advect.v1.ExactOtResult.",
       "",
       Flags({MeasureFlagDefs(CostFlag::kKeywordsAndFile),
              {
                  {"max-iter", "N",
                   "stop after N pivots (default 0: no limit, always optimal);\n"
                   "a stopped result says NOT optimal"},
              },
              RunFlagDefs(false,
                          "write f.npy, g.npy and plan.npy (one row (i, j, P_ij)\n"
                          "per nonzero) in DIR, created if missing")})},
      {"ot",
       "barycenter",
       "Wasserstein barycenters: of histograms (fixed support) or of point clouds",
       {"ot barycenter --support S --hists H [--weights W] --epsilon E [FLAGS]",
        "ot barycenter --clouds A,B,... [--weights W] --init X0 [FLAGS]"},
       "Fixed support: the entropic barycenter of the histograms H (one per row, over\n"
       "the bins of S, one point per row) by iterative Bregman projections; --out\n"
       "writes barycenter.npy. Free support (Cuturi & Doucet): moves the points X0\n"
       "to the barycenter of the clouds with exact OT; --out writes support.npy, and\n"
       "the result has the barycenter's cost sum_k w_k W_2^2. --json prints the\n"
       "advect.v1.BarycenterResult or advect.v1.FreeSupportBarycenterResult.",
       "",
       Flags({{
                  {"support", "FILE", "the bins, one point per row (fixed support)"},
                  {"hists", "FILE", "histograms over the bins, one per row (fixed support)"},
                  {"cost", "KEYWORD",
                   "ground cost between bins: sqeuclidean (default), euclidean,\npower:P"},
                  {"epsilon", "E", "entropic regularisation, > 0 (fixed support)"},
                  {"clouds", "A,B,...", "point cloud files, comma separated (free support)"},
                  {"init", "FILE", "initial support X0, n x d (free support)"},
                  {"weights", "FILE", "one weight per histogram or cloud (default: uniform)"},
                  {"tol", "T", "stopping tolerance (default 1e-9)"},
                  {"max-iter", "N", "iteration cap (default 1000 fixed, 100 free)"},
              },
              RunFlagDefs(true,
                          "write barycenter.npy or support.npy in DIR (and\n"
                          "trajectory.npy with --frame-every), created if missing")})},
      {"ot",
       "interpolate",
       "displacement (McCann) interpolation between two clouds, as frames",
       {"ot interpolate --x X --y Y [--epsilon E] [--frames K] [--out DIR]"},
       "Solves the exact plan (or the entropic one with --epsilon) and streams the\n"
       "interpolant at t = 0, 1/(K-1), ..., 1 as trajectory frames: exact, one\n"
       "particle per nonzero of the plan moving from x_i to y_j; entropic, one per\n"
       "source point moving to its barycentric image. --out writes trajectory.npy\n"
       "(frames x particles x d), particle_weights.npy, times.npy and\n"
       "barycentric_map.npy. --json prints the advect.v1.OtInterpolationResult.",
       "",
       Flags({MeasureFlagDefs(CostFlag::kKeywordsAndFile),
              {
                  {"epsilon", "E", "use the entropic plan at this epsilon (default: exact)"},
                  {"frames", "K", "number of frames, >= 2 (default 11)"},
                  {"new-points", "FILE",
                   "points to send through the entropic map (needs --epsilon);\n"
                   "mapped_points.npy with --out"},
                  {"tol", "T", "Sinkhorn tolerance with --epsilon (default 1e-9)"},
                  {"max-iter", "N", "Sinkhorn iteration cap with --epsilon (default 1000)"},
              },
              RunFlagDefs(false,
                          "write trajectory.npy and the result's arrays in DIR, created\n"
                          "if missing")})},
      {"ot",
       "1d",
       "optimal transport on the real line (sorting), any p > 0",
       {"ot 1d --x X --y Y [--a A --b B] [--p P]"},
       "Computes W_p^p = int_0^1 |F_a^-1(s) - F_b^-1(s)|^p ds between two weighted\n"
       "measures on the line (the cost of the monotone coupling, optimal for p >= 1).\n"
       "--x and --y are 1-D files (or n x 1). --json prints the advect.v1.Ot1dResult.",
       "",
       Flags({{
                  {"x", "FILE", "source points on the line, n values"},
                  {"y", "FILE", "target points on the line, m values"},
                  {"a", "FILE", "source weights, n values >= 0 (default: uniform)"},
                  {"b", "FILE", "target weights, m values >= 0 (default: uniform)"},
                  {"p", "P", "exponent of the cost |x-y|^P, > 0 (default 2)"},
              },
              RunFlagDefs(false, "")})},
      {"ot",
       "sliced",
       "sliced Wasserstein: mean of 1-D W_p^p over directions",
       {"ot sliced --x X --y Y [--num-directions K --seed S] [FLAGS]",
        "ot sliced --x X --y Y --directions D [FLAGS]"},
       "Projects both clouds on unit directions and averages the 1-D W_p^p of the\n"
       "projections. The directions are drawn from --seed (the same seed gives the\n"
       "same directions) or given as a d x k file of unit columns. --json prints the\n"
       "advect.v1.SlicedOtResult.",
       "",
       Flags({MeasureFlagDefs(CostFlag::kNone),
              {
                  {"p", "P", "exponent of the 1-D cost |s-t|^P, > 0 (default 2)"},
                  {"num-directions", "K", "random directions to draw (default 50)"},
                  {"seed", "S", "seed of the random directions (default 0)"},
                  {"directions", "FILE", "d x k directions, unit columns (instead of\n--num-directions and --seed)"},
              },
              RunFlagDefs(false,
                          "write per_direction.npy and directions.npy in DIR, created\n"
                          "if missing")})},
      {"ot",
       "gaussian",
       "Bures-Wasserstein distance, Monge map and McCann interpolation of Gaussians",
       {"ot gaussian --mean1 M1 --cov1 S1 --mean2 M2 --cov2 S2 [FLAGS]",
        "ot gaussian --x X --y Y [--a A --b B] [--reg R] [FLAGS]"},
       "W_2^2 between N(m1, S1) and N(m2, S2), and the Monge map T(x) = A x + b.\n"
       "With --x --y the Gaussians are the clouds' weighted means and covariances\n"
       "(plus R on the diagonal). --json prints the advect.v1.GaussianOtResult.",
       "",
       Flags({GaussianFlagDefs(),
              MeasureFlagDefs(CostFlag::kNone),
              {
                  kRegFlag,
                  {"interpolate", "T1,T2,...",
                   "also return the McCann interpolants at these times in [0, 1]"},
                  {"distance-only", "",
                   "W_2^2 only, no map (allowed for a singular source covariance)"},
              },
              RunFlagDefs(false,
                          "write map_matrix.npy (A) and map_offset.npy (b) in DIR,\n"
                          "created if missing")})},
      {"flow",
       "sample",
       "diffusion sampling of a Gaussian mixture or a cloud (closed-form fields)",
       {"flow sample --gmm-weights W --gmm-means M --gmm-covs C [FLAGS]",
        "flow sample --target X [--target-weights W] [FLAGS]"},
       "Carries noise N(0, sigma^2 I) at t = 1 to the data law at t = 0 along\n"
       "Z_t = a_t X + b_t Y with the exact velocity, denoiser and score of the target\n"
       "(no network): a Gaussian mixture (K weights, K x d means, K x d x d\n"
       "covariances) or an empirical cloud. The probability-flow ODE is integrated\n"
       "by Euler, Heun or RK4 with --steps steps; --sampler sde runs the reverse SDE.\n"
       "With a cloud the exact field memorises: samples land on training points, and\n"
       "the result reports each sample's distance to its nearest training point.\n"
       "The result also has the Sinkhorn divergence between the samples and the\n"
       "target. --frame-every K streams the particles every K steps (time = t).",
       "",
       Flags({FlowSampleFlagDefs(),
              RunFlagDefs(true,
                          "write samples.npy (n x d), nearest_training_distance.npy\n"
                          "(cloud targets) and, with --frame-every, trajectory.npy\n"
                          "(frames x n x d) in DIR, created if missing")})},
      {"flow",
       "langevin",
       "unadjusted Langevin sampling of a Gaussian mixture with its exact score",
       {"flow langevin --gmm-weights W --gmm-means M --gmm-covs C [FLAGS]"},
       "Runs x <- x + h grad log p(x) + sqrt(2 h) xi from N(0, I) draws (or\n"
       "--initial-points) for --steps steps of size --step-size. The stationary law is\n"
       "p up to an O(h) bias. The result has the samples and the Sinkhorn divergence\n"
       "to the mixture; --frame-every K streams the particles (time = k h).",
       "",
       Flags({FlowLangevinFlagDefs(),
              RunFlagDefs(true,
                          "write samples.npy and, with --frame-every, trajectory.npy\n"
                          "(frames x n x d) in DIR, created if missing")})},
      {"flow",
       "train",
       "flow matching: train a velocity MLP from a source to a target cloud",
       {"flow train --source-gaussian --target X1 [--coupling ot] [FLAGS]",
        "flow train --source X0 --target X1 [--coupling independent|ot|entropic] [FLAGS]"},
       "Regresses an MLP v(x, t) on x1 - x0 at x_t = (1 - t) x0 + t x1 with Adam over\n"
       "minibatch pairs from the coupling (SCIENCE.md b4). The server keeps the model\n"
       "under the job's id ('advect flow sample --model ID') while it keeps the job.\n"
       "Prints model_id, final_loss, straightness (0 for straight paths) and the\n"
       "error of --few-steps Euler steps; --json prints the advect.v1.FlowTrainResult\n"
       "with the loss curve and the model's weights.",
       "",
       Flags({FlowTrainFlagDefs(),
              RunFlagDefs(false, "write losses.npy (the loss curve) in DIR")})},
      {"flow",
       "map",
       "the flow map of the independent coupling against the Brenier map (Gaussians)",
       {"flow map --mean1 M1 --cov1 S1 --mean2 M2 --cov2 S2 [FLAGS]",
        "flow map --x X --y Y [--a A --b B] [--reg R] [FLAGS]"},
       "Integrates the affine flow of x_t = (1 - t) x0 + t x1 (independent coupling,\n"
       "flow matching's and rectified flow's first pass) between N(m1, S1) and\n"
       "N(m2, S2) and compares its map T(x) = M x + o with the Brenier map A x + b:\n"
       "map distance E|T_flow - T_brenier|^2, both transport costs, the hidden\n"
       "rotation between them and its angle. --points P also carries P by both maps.",
       "",
       Flags({GaussianFlagDefs(),
              MeasureFlagDefs(CostFlag::kNone),
              {
                  kRegFlag,
                  {"steps", "N", "RK4 steps of the matrix ODE (default 200)"},
                  {"points", "P", "points (k x d) to carry by both maps"},
              },
              RunFlagDefs(false,
                          "write flow_matrix.npy, brenier_matrix.npy, hidden_rotation.npy,\n"
                          "flow_points.npy and brenier_points.npy (with --points) in DIR")})},
      {"particles",
       "flow",
       "the Wasserstein gradient flow of particles: potential, interaction, noise",
       {"particles flow --x X [--potential none|quadratic|double-well|gmm]\n"
        "    [--interaction none|gaussian|attraction-repulsion] [--noise S] [FLAGS]"},
       "Runs x_i <- x_i - h [grad V(x_i) + (1/n) sum_j grad W(x_i - x_j)]\n"
       "+ sqrt(2 sigma^2 h) xi_i for --steps steps (SCIENCE.md c1), all pairs. Prints\n"
       "initial_energy and final_energy, E = mean V + (1/2n^2) sum_ij W (without the\n"
       "entropy); without noise it decreases. --frame-every K streams the particles\n"
       "(time = k h).",
       "",
       Flags({ParticlesFlowFlagDefs(),
              RunFlagDefs(true,
                          "write positions.npy (n x d), energy.npy,\n"
                          "mean_squared_velocity.npy and, with --frame-every,\n"
                          "trajectory.npy (frames x n x d) in DIR, created if missing")})},
      {"particles",
       "mmd",
       "the MMD flow of particles toward target samples (Gaussian kernel)",
       {"particles mmd --x X --target Y [--kernel-width W] [FLAGS]"},
       "Runs the Wasserstein gradient flow of MMD^2(particles, target) / 2 with the\n"
       "kernel exp(-|x-y|^2 / 2w^2) (Arbel et al. 2019; SCIENCE.md c2): particles\n"
       "repel each other and are drawn to the target. Prints initial_mmd_squared and\n"
       "final_mmd_squared; it decreases along the flow. With a narrow kernel some\n"
       "particles may stall far from the target: widen --kernel-width.",
       "",
       Flags({ParticlesMmdFlagDefs(),
              RunFlagDefs(true,
                          "write positions.npy, mmd_squared.npy,\n"
                          "mean_squared_velocity.npy and, with --frame-every,\n"
                          "trajectory.npy (frames x n x d) in DIR")})},
      {"particles",
       "svgd",
       "Stein variational gradient descent toward a Gaussian mixture",
       {"particles svgd --gmm-weights W --gmm-means M --gmm-covs C [FLAGS]"},
       "Moves deterministic particles by phi(x) = mean_j [k(x_j, x) grad log p(x_j)\n"
       "+ grad_{x_j} k(x_j, x)] (Liu & Wang 2016; SCIENCE.md c2) so that they spread\n"
       "over p. Prints initial_ksd_squared and final_ksd_squared, the squared kernel\n"
       "Stein discrepancy (0 when the particles follow p).",
       "",
       Flags({ParticlesSvgdFlagDefs(),
              RunFlagDefs(true,
                          "write positions.npy, ksd_squared.npy,\n"
                          "mean_squared_velocity.npy and, with --frame-every,\n"
                          "trajectory.npy (frames x n x d) in DIR")})},
      {"particles",
       "jko",
       "the entropic JKO scheme on a 1-D or 2-D grid (Eulerian gradient flow)",
       {"particles jko --grid N[,N2] --lo A[,A2] --hi B[,B2] --density D\n"
        "    [--potential none|quadratic|double-well|gmm] [--noise S] [FLAGS]"},
       "Runs alpha <- argmin W_eps(alpha_k, alpha) / 2 tau + F(alpha), F = sum V alpha +\n"
       "sigma^2 sum alpha log alpha (Peyre 2015; SCIENCE.md c3), the Eulerian twin of\n"
       "'particles flow' without interaction, by scaling iterations on the grid's\n"
       "separable kernel. Prints initial_energy, final_energy, the mean and the\n"
       "covariance; --frame-every K streams the density (time = k tau).",
       "",
       Flags({ParticlesJkoFlagDefs(),
              RunFlagDefs(true,
                          "write density.npy (the grid's shape), energy.npy and, with\n"
                          "--frame-every, trajectory.npy (frames x grid) in DIR")})},
      {"meanfield",
       "train",
       "a two-layer network trained as a measure of neurons (mean field)",
       {"meanfield train [--neurons M --teacher-neurons K --dim D] [--activation relu|tanh]",
        "meanfield train --data X --labels Y [--neurons M] [FLAGS]"},
       "Trains f(z) = (1/m) sum_i v_i sigma(<u_i, z>) by gradient descent with the\n"
       "mean-field step scaling x_i <- x_i - h m grad R (SCIENCE.md c5): a Wasserstein\n"
       "gradient flow of the risk over the neurons. Without --data a teacher of the\n"
       "same form labels N(0, I) inputs, and the neurons travel to its directions.\n"
       "Prints initial_risk and final_risk (and the alignment with the teacher).",
       "",
       Flags({MeanFieldTrainFlagDefs(),
              RunFlagDefs(true,
                          "write positions.npy (the neurons, m x (D + 1)), risk.npy,\n"
                          "teacher.npy and, with --frame-every, trajectory.npy in DIR")})},
      {"tokens",
       "evolve",
       "transformer tokens moved by self-attention layers (depth is time)",
       {"tokens evolve --tokens X [--q Q --k K --v V] [--beta B]\n"
        "    [--attention softmax|l2|sinkhorn] [--sinkhorn-iters N] [--sphere] [FLAGS]"},
       "Each layer is an Euler step x_i <- x_i + tau sum_j A_ij V x_j with A the\n"
       "attention of beta <Q x_i, K x_j> (SCIENCE.md d1-d4): softmax, L2 (mean shift)\n"
       "or the Sinkformer's Sinkhorn normalisation. --sphere projects on the sphere\n"
       "(layer norm): tokens cluster, metastably for large beta. Prints num_clusters\n"
       "and mean_pairwise_cosine; --json adds their series over the layers.",
       "",
       Flags({TokensEvolveFlagDefs(),
              RunFlagDefs(true,
                          "write positions.npy, cluster_counts.npy,\n"
                          "mean_pairwise_cosines.npy and, with --frame-every,\n"
                          "trajectory.npy (frames x n x d) in DIR")})},
      {"jobs",
       "list",
       "list the server's jobs, newest first",
       {"jobs list [--state STATE] [--page-size N] [--page-token T]"},
       "Prints one line per job (--json: the advect.v1.ListJobsResponse). When more\n"
       "jobs remain, the last line gives the --page-token of the next page.",
       "",
       {
           {"state", "STATE", "only jobs in this state: queued, running, succeeded,\nfailed or cancelled"},
           {"page-size", "N", "jobs per page, 1..1000 (default 50)"},
           {"page-token", "T", "the token printed by the previous page"},
       }},
      {"jobs",
       "get",
       "show a job and its result",
       {"jobs get ID [--out DIR]"},
       "Prints the job's state, times, progress and, once it has succeeded, a summary\n"
       "of its result (--json: the advect.v1.Job).",
       "ID",
       {
           {"out", "DIR",
            "write every array of the result as DIR/<field>.npy once the job\n"
            "has succeeded (nothing is written while it is queued or running;\n"
            "a failed or cancelled job exits 5)"},
       }},
      {"jobs",
       "watch",
       "stream a job's events until it ends",
       {"jobs watch ID [--after SEQ]"},
       "Prints one line per event (--json: one advect.v1.JobEvent per line) until the\n"
       "job reaches a terminal state. Exits 5 when the job ends failed or cancelled.",
       "ID",
       {
           {"after", "SEQ", "only events with sequence > SEQ (default 0: all)"},
       }},
      {"jobs",
       "cancel",
       "cancel a queued or running job",
       {"jobs cancel ID"},
       "Requests cancellation and prints the job (--json: the advect.v1.Job). A\n"
       "finished job is left as it is. Use 'advect jobs watch ID' to see it end.",
       "ID",
       {}},
      {"health",
       "",
       "check that the server is up and serving (gRPC health service)",
       {"health [--timeout SECONDS]"},
       "Asks the server's grpc.health.v1.Health/Check for the overall status and\n"
       "prints it (SERVING, NOT_SERVING, ...; --json: {\"status\": \"SERVING\"}).\n"
       "Exits 0 when the server is serving, 4 when it is not, cannot be reached or\n"
       "does not answer within the timeout. Needs no token: the container image's\n"
       "HEALTHCHECK and Kubernetes probes use it.",
       "",
       {
           {"timeout", "SECONDS", "give up after this long, > 0 (default 5)"},
       }},
      {"plot",
       "",
       "draw a finished job as PNG, SVG or GIF figures",
       {"plot ID --output FILE [--figure KIND] [FLAGS]",
        "plot --from DIR --output-dir OUT [FLAGS]"},
       "Draws a succeeded job, fetched by ID (its result, progress and retained\n"
       "frames) or read from the --out DIR of the command that ran it (which also\n"
       "holds its inputs). Figures: coupling (points, weights as marker area, the\n"
       "largest plan entries as segments), paths (trajectories, time as colour),\n"
       "animation (animated SVG, GIF, or PNG small multiples), cloud (point clouds),\n"
       "heatmap (a 2-D jko density) and curves (convergence and recorded series on\n"
       "log axes). Points above two dimensions are shown through a PCA projection\n"
       "that the figure states. --output FILE writes one figure (by default the\n"
       "job's main one), its format from the extension; --output-dir writes every\n"
       "figure the job supports as <figure>.png and .svg (and animation.gif).\n"
       "Beyond --max-paths (paths) or 1500 (animation) particles, evenly chosen\n"
       "ones are drawn and the figure says how many.\n"
       "Prints the paths written (--json: {\"written\": [...]}).",
       "ID",
       {
           {"from", "DIR", "read the job from a run's --out directory instead of the server"},
           {"output", "FILE", "write one figure to FILE (.png or .svg; animation also .gif)"},
           {"output-dir", "DIR", "write every figure the job supports into DIR"},
           {"figure", "KIND", "coupling, paths, animation, cloud, heatmap or curves\n"
                              "(default: the job's main figure)"},
           {"x", "FILE", "source points of a coupling (the server keeps no inputs)"},
           {"y", "FILE", "target points of a coupling"},
           {"a", "FILE", "weights of --x (default: equal)"},
           {"b", "FILE", "weights of --y (default: equal)"},
           {"title", "TEXT", "the figure's title (default: what it shows and the job kind)"},
           {"subtitle", "TEXT", "the line under the title (default: the job id)"},
           {"width", "POINTS", "figure width, 200..4000 (default 720)"},
           {"height", "POINTS", "figure height, 150..4000 (default 540)"},
           {"scale", "S", "PNG pixels per point, 0.25..8 (default 2; a GIF gets half)"},
           {"max-segments", "N", "coupling: draw the N heaviest plan entries (default 600)"},
           {"max-paths", "N", "paths: draw at most N particles' paths (default 400)"},
           {"seconds", "S", "animation: seconds per pass through the frames (default 6)"},
       },
       /*positional_optional=*/true},
  };
  return *commands;
}

const CommandDef* FindCommand(absl::string_view group, absl::string_view name) {
  for (const CommandDef& c : Commands()) {
    if (c.group == group && c.name == name) return &c;
  }
  return nullptr;
}

bool IsGroup(absl::string_view group) {
  return group == "ot" || group == "flow" || group == "particles" || group == "tokens" ||
         group == "meanfield" || group == "jobs" || group == "health" || group == "plot";
}

std::string CommandName(const CommandDef& command) {
  return command.name.empty() ? command.group : absl::StrCat(command.group, " ", command.name);
}

std::vector<FlagDef> AllFlags(const CommandDef& command) {
  std::vector<FlagDef> all = command.flags;
  all.insert(all.end(), GlobalFlags().begin(), GlobalFlags().end());
  return all;
}

}  // namespace advect::cli
