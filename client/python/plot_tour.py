#!/usr/bin/python3
"""A tour of advect in five plots: real jobs run against advectd, drawn with matplotlib.

Each "# %%" cell below runs one small job with Run, keeps what it streamed (progress
events, trajectory frames, the result) and draws one figure. Run it as a script:

    PYTHONPATH=build/python:client/python /usr/bin/python3 client/python/plot_tour.py \
        --server 127.0.0.1:50051 --out-dir advect-plots

or cell by cell in an editor that understands "# %%" (VS Code, Spyder, Jupytext), after
`stub = connect_stub("127.0.0.1:50051")`.
"""

# %% Setup: the Agg backend (no display needed), the client helpers, and small tools shared
# by the cells: a Run loop that keeps the streamed events, frames as arrays, saving a figure.

import argparse
import os
import sys
from collections import namedtuple

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

import grpc  # noqa: E402
import numpy as np  # noqa: E402

import advect_client as ac  # noqa: E402
from advect_client import job_pb2, service_grpc, service_pb2  # noqa: E402
from advect.v1 import flow_pb2, mean_field_pb2, ot_interpolation_pb2, tokens_pb2  # noqa: E402

JOB_TIMEOUT = 60.0  # seconds per Run call

# What a Run call streamed: the typed result, the Progress messages and the TrajectoryFrames.
Streamed = namedtuple("Streamed", "result progress frames")


def connect_stub(address):
    """An AdvectService stub on a ready channel to `address`."""
    return service_grpc.AdvectServiceStub(ac.connect(address))


def run_job(stub, spec, timeout=JOB_TIMEOUT):
    """Runs `spec` with Run and keeps its progress events, frames and typed result.

    (advect_client.run prints the events but returns only the result; the plots need the
    events themselves.) Raises grpc.RpcError for a refused spec and RuntimeError when the
    job ends without a result.
    """
    progress, frames, result, last = [], [], None, None
    for response in stub.Run(service_pb2.RunRequest(spec=spec), timeout=timeout):
        last = response.event
        kind = last.WhichOneof("kind")
        if kind == "progress":
            progress.append(last.progress)
        elif kind == "frame":
            frames.append(last.frame)
        elif kind == "result":
            result = getattr(last.result, last.result.WhichOneof("kind"))
    if result is None:
        raise RuntimeError("job ended without a result: " +
                           (ac.describe_event(last) if last else "no events"))
    return Streamed(result, progress, frames)


def frame_arrays(frames):
    """The frames' times (F,) and positions (F, rows, cols), in frame order."""
    frames = sorted(frames, key=lambda f: f.index)
    times = np.array([f.time for f in frames])
    positions = np.stack([ac.from_matrix(f.positions) for f in frames])
    return times, positions


def time_coloured_paths(ax, times, positions, cmap="viridis", **line_options):
    """Draws each particle's path (positions[:, i, :2]) with segments coloured by time.

    Returns the LineCollection (a mappable for a colorbar labelled t).
    """
    starts, ends = positions[:-1, :, :2], positions[1:, :, :2]
    segments = np.stack([starts, ends], axis=2).reshape(-1, 2, 2)
    mid_times = np.repeat(0.5 * (times[:-1] + times[1:]), positions.shape[1])
    lines = LineCollection(segments, cmap=cmap, **line_options)
    lines.set_array(mid_times)
    lines.set_clim(times.min(), times.max())
    ax.add_collection(lines)
    return lines


def save(fig, out_dir, name, fmt):
    """Writes `fig` to out_dir/name.fmt, closes it and returns the path."""
    path = os.path.join(out_dir, f"{name}.{fmt}")
    fig.savefig(path, format=fmt, dpi=100)
    plt.close(fig)
    return path


def label_plane(ax, first="$x_1$", second="$x_2$"):
    ax.set_xlabel(first)
    ax.set_ylabel(second)
    ax.set_aspect("equal", adjustable="datalim")


# %% a. Entropic OT: the Sinkhorn coupling between two small weighted 2-D clouds (marker area
# proportional to weight, one segment per large plan entry, darker for more mass), and the
# convergence curve drawn from the progress events that streamed while it ran.

def entropic_ot_problem(seed=3):
    """A round source cloud and a two-lobed target, with random weights summing to 1."""
    rng = np.random.default_rng(seed)
    x = rng.normal(scale=0.6, size=(16, 2))
    y = np.vstack([rng.normal((3.0, 1.0), 0.4, size=(7, 2)),
                   rng.normal((3.0, -1.5), 0.4, size=(6, 2))])
    a = rng.uniform(0.5, 1.5, size=len(x))
    b = rng.uniform(0.5, 1.5, size=len(y))
    return x, y, a / a.sum(), b / b.sum()


def draw_plan(ax, x, y, a, b, plan):
    """The clouds (area ∝ weight) and a segment per plan entry >= 1% of the largest."""
    rows, cols = np.nonzero(plan >= 0.01 * plan.max())
    colours = np.zeros((len(rows), 4))  # black, opacity ∝ mass
    colours[:, 3] = 0.85 * plan[rows, cols] / plan.max()
    segments = np.stack([x[rows], y[cols]], axis=1)
    ax.add_collection(LineCollection(segments, colors=colours, linewidths=1.5))
    ax.scatter(*x.T, s=3000 * a, c="tab:blue", edgecolors="k", label="source x (area ∝ a)")
    ax.scatter(*y.T, s=3000 * b, c="tab:orange", edgecolors="k", label="target y (area ∝ b)")
    handles, _ = ax.get_legend_handles_labels()
    handles.append(Line2D([], [], color="k", label="plan entry (opacity ∝ mass)"))
    ax.legend(handles=handles, loc="lower left", fontsize=8, markerscale=0.5)
    label_plane(ax)


def draw_convergence(ax, progress, tolerance):
    """progress.error against progress.iteration, on a log scale."""
    steps = np.array([p.iteration for p in progress])
    errors = np.array([p.error for p in progress])
    shown = errors > 0  # a log axis cannot show an exact 0
    ax.semilogy(steps[shown], errors[shown], "o-", ms=3, label="progress.error")
    ax.axhline(tolerance, color="gray", ls="--", label=f"tolerance {tolerance:g}")
    ax.set_xlabel("iteration")
    ax.set_ylabel("L1 marginal error")
    ax.legend()


def plot_entropic_ot(stub, epsilon=0.1, tolerance=1e-9):
    x, y, a, b = entropic_ot_problem()
    spec = ac.entropic_ot_spec(x, y, epsilon, a, b, tolerance=tolerance, max_iterations=5000,
                               return_plan=True)
    job = run_job(stub, spec)
    result = job.result

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.6))
    draw_plan(left, x, y, a, b, ac.from_matrix(result.plan))
    left.set_title(f"Entropic OT plan, ε = {epsilon:g}: cost {result.transport_cost:.3f}")
    draw_convergence(right, job.progress, tolerance)
    right.set_title(f"Sinkhorn convergence ({len(job.progress)} progress events, "
                    f"{result.iterations} iterations)")
    fig.tight_layout()
    summary = (f"{result.iterations} Sinkhorn iterations, {len(job.progress)} progress "
               f"events, converged {result.converged}")
    return fig, summary


# %% b. Displacement interpolation: the exact plan's particles moving in straight lines from
# a ring to two blobs, drawn from the 9 streamed frames with time as colour.

def plot_interpolation(stub, num_frames=9, seed=5):
    rng = np.random.default_rng(seed)
    angles = np.linspace(0.0, 2.0 * np.pi, 24, endpoint=False)
    x = np.column_stack([np.cos(angles), np.sin(angles)]) + rng.normal(0, 0.05, size=(24, 2))
    y = np.vstack([rng.normal((4.0, 1.5), 0.3, size=(9, 2)),
                   rng.normal((4.0, -1.5), 0.3, size=(9, 2))])
    interpolation = ot_interpolation_pb2.OtInterpolationSpec(
        x=ac.to_matrix(x), y=ac.to_matrix(y), num_frames=num_frames)  # epsilon 0: exact plan
    job = run_job(stub, job_pb2.JobSpec(ot_interpolation=interpolation, frame_every=1))
    times, positions = frame_arrays(job.frames)
    weights = np.asarray(job.result.particle_weights)

    fig, ax = plt.subplots(figsize=(7.5, 5))
    lines = time_coloured_paths(ax, times, positions, linewidths=1.0, alpha=0.6)
    for t, points in zip(times, positions):
        ax.scatter(*points.T, s=1500 * weights, c=np.full(len(points), t), cmap="viridis",
                   vmin=0, vmax=1, edgecolors="none")
    ax.scatter(*x.T, s=40, facecolors="none", edgecolors="k", label="source x (t = 0)")
    ax.scatter(*y.T, s=40, marker="s", facecolors="none", edgecolors="k",
               label="target y (t = 1)")
    fig.colorbar(lines, ax=ax, label="t")
    ax.legend(loc="upper center", fontsize=8)
    ax.set_title(f"Displacement interpolation: {positions.shape[1]} particles of the exact "
                 f"plan, {len(times)} frames")
    label_plane(ax)
    fig.tight_layout()
    return fig, f"{len(times)} frames of {positions.shape[1]} particles"


# %% c. Diffusion sampling: Gaussian noise carried to a 2-D Gaussian mixture by the
# probability-flow ODE; the paths (coloured by t, from 1 = noise to 0 = data) and the samples.

def mixture_spec(weights, means, scale):
    """FlowSampleSpec fields of a mixture with isotropic covariances scale^2 I."""
    d = means.shape[1]
    return dict(gmm_weights=weights, gmm_means=ac.to_matrix(means),
                gmm_covs=[ac.to_matrix(scale**2 * np.eye(d)) for _ in weights])


def plot_flow_sample(stub, steps=40, samples=400, drawn_paths=80, seed=7):
    angles = np.pi / 2 + 2 * np.pi * np.arange(3) / 3
    means = 2.5 * np.column_stack([np.cos(angles), np.sin(angles)])
    sample = flow_pb2.FlowSampleSpec(**mixture_spec([0.5, 0.3, 0.2], means, 0.3), steps=steps,
                                     num_samples=samples, seed=seed)
    job = run_job(stub, job_pb2.JobSpec(flow_sample=sample, frame_every=1,
                                        max_frames=steps + 1))
    times, positions = frame_arrays(job.frames)
    final = ac.from_matrix(job.result.samples)

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 5))
    lines = time_coloured_paths(left, times, positions[:, :drawn_paths], cmap="plasma",
                                linewidths=0.8)
    left.scatter(*positions[0, :drawn_paths].T, s=6, c="gray", label="noise (t = 1)")
    left.scatter(*final[:drawn_paths].T, s=6, c="k", label="sample (t = 0)")
    fig.colorbar(lines, ax=left, label="t")
    left.set_title(f"Probability-flow paths ({drawn_paths} of {samples}, {steps} Heun steps)")
    left.legend(loc="lower right", fontsize=8)
    right.scatter(*positions[0].T, s=4, c="lightgray", label="initial noise")
    right.scatter(*final.T, s=4, c="tab:blue", label="samples")
    right.scatter(*means.T, s=120, marker="X", c="tab:red", label="mixture means")
    right.set_title(f"All {samples} samples at t = 0 and the initial noise")
    right.legend(loc="lower right", fontsize=8)
    for ax in (left, right):
        label_plane(ax)
    fig.tight_layout()
    divergence = job.result.diagnostics.sinkhorn_divergence  # to fresh mixture draws
    return fig, f"{len(times)} frames of {samples} samples, Sinkhorn divergence {divergence:.3g}"


# %% d. Tokens on the sphere: self-attention layers (softmax, beta = 9, layer norm) as a
# particle flow on S^2; initial and final tokens with their paths, and how the number of
# clusters falls with depth.

def sphere_wireframe(ax):
    u, v = np.meshgrid(np.linspace(0, 2 * np.pi, 25), np.linspace(0, np.pi, 13))
    ax.plot_wireframe(np.cos(u) * np.sin(v), np.sin(u) * np.sin(v), np.cos(v),
                      color="lightgray", linewidth=0.4)


def plot_tokens(stub, tokens=48, beta=9.0, steps=300, seed=11):
    x = np.random.default_rng(seed).normal(size=(tokens, 3))
    evolve = tokens_pb2.TokenEvolveSpec(tokens=ac.to_matrix(x), sphere=True, beta=beta,
                                        step_size=0.1, steps=steps)
    job = run_job(stub, job_pb2.JobSpec(tokens_evolve=evolve, frame_every=5))
    _, positions = frame_arrays(job.frames)  # frame 0: the tokens the server normalised
    final = ac.from_matrix(job.result.positions)

    fig = plt.figure(figsize=(11, 5))
    ball = fig.add_subplot(1, 2, 1, projection="3d")
    sphere_wireframe(ball)
    for path in positions.transpose(1, 0, 2):
        ball.plot(*path.T, color="tab:gray", linewidth=0.6, alpha=0.7)
    ball.scatter(*positions[0].T, s=12, c="tab:blue", label="initial tokens")
    ball.scatter(*final.T, s=60, c="tab:red", depthshade=False,
                 label=f"final tokens ({job.result.num_clusters} clusters)")
    ball.plot([], [], color="tab:gray", linewidth=0.6, label="paths (frames)")
    for axis, name in zip((ball.xaxis, ball.yaxis, ball.zaxis), ("$x_1$", "$x_2$", "$x_3$")):
        axis.set_ticks([-1, 0, 1])
        axis.set_label_text(name)
    ball.set_box_aspect((1, 1, 1))
    ball.legend(loc="upper left", fontsize=8)
    ball.set_title(f"{tokens} tokens on $S^2$, β = {beta:g}, {steps} layers")

    counts = fig.add_subplot(1, 2, 2)
    counts.step(job.result.record_steps, job.result.cluster_counts, where="post",
                label=f"clusters (radius {job.result.cluster_radius:g})")
    counts.set_xlabel("layer (step)")
    counts.set_ylabel("number of clusters")
    counts.set_title("Clustering with depth")
    counts.legend()
    fig.tight_layout()
    return fig, (f"{job.result.num_clusters} clusters after {steps} layers, mean cosine "
                 f"{job.result.mean_pairwise_cosine:.3f}")


# %% e. Mean-field neurons: a two-layer ReLU student (40 neurons) trained on a 3-neuron
# teacher in 2-D; the neurons' input weights travel to the teacher's directions, and the risk.

def draw_neurons(ax, positions, final, teacher):
    """Input weights u (first 2 coordinates): paths, start, end coloured by v, the teacher."""
    for path in positions.transpose(1, 0, 2):
        ax.plot(*path[:, :2].T, color="lightgray", linewidth=0.7, zorder=1)
    ax.scatter(*positions[0, :, :2].T, s=15, facecolors="none", edgecolors="gray",
               label="initial u", zorder=2)
    v = final[:, 2]
    limit = np.abs(v).max()
    dots = ax.scatter(*final[:, :2].T, s=25 + 60 * np.abs(v) / limit, c=v, cmap="coolwarm",
                      vmin=-limit, vmax=limit, edgecolors="k", linewidths=0.3,
                      label="trained u (size ∝ |v|)", zorder=3)
    reach = 1.1 * np.abs(final[:, :2]).max()
    for k, direction in enumerate(teacher[:, :2]):  # where the neurons with v > 0 gather
        ax.plot(*np.outer([0, reach], direction).T, "k--", linewidth=0.8, zorder=1,
                label="teacher rays" if k == 0 else None)
    ax.scatter(*teacher[:, :2].T, s=220, marker="*", c="gold", edgecolors="k",
               label="teacher u*", zorder=4)
    ax.legend(loc="lower left", fontsize=8)
    label_plane(ax, "$u_1$", "$u_2$")
    return dots


def plot_meanfield(stub, neurons=40, steps=1000, seed=1):
    train = mean_field_pb2.MeanFieldTrainSpec(neurons=neurons, teacher_neurons=3, dimension=2,
                                              num_samples=200, step_size=0.1, steps=steps,
                                              seed=seed)
    job = run_job(stub, job_pb2.JobSpec(meanfield_train=train, frame_every=25))
    result = job.result
    _, positions = frame_arrays(job.frames)  # rows (u_1, u_2, v)

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 5))
    dots = draw_neurons(left, positions, ac.from_matrix(result.positions),
                        ac.from_matrix(result.teacher))
    fig.colorbar(dots, ax=left, label="output weight v")
    left.set_title(f"Neurons' input weights, alignment {result.initial_alignment:.2f} "
                   f"→ {result.final_alignment:.2f}")

    record = np.asarray(result.record_steps)
    shown = record > 0  # log axes start at step 1
    right.loglog(record[shown], np.asarray(result.risk)[shown], label="risk R")
    right.set_xlabel("gradient step")
    right.set_ylabel("risk")
    right.set_title(f"Training risk: {result.initial_risk:.3g} → {result.final_risk:.3g}")
    right.legend()
    fig.tight_layout()
    return fig, f"risk {result.initial_risk:.3g} -> {result.final_risk:.3g}"


# %% Run the tour: every figure above, saved into --out-dir, one printed line each.

FIGURES = [
    ("entropic_ot", plot_entropic_ot),
    ("ot_interpolation", plot_interpolation),
    ("flow_sample", plot_flow_sample),
    ("tokens_sphere", plot_tokens),
    ("meanfield_neurons", plot_meanfield),
]


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", help="host:port (default $ADVECT_SERVER or "
                        f"{ac.DEFAULT_SERVER})")
    parser.add_argument("--out-dir", default="advect-plots", help="where the figures go")
    parser.add_argument("--format", choices=("png", "svg"), default="png")
    return parser.parse_args(argv)


def main(argv=None):
    """Runs the tour; returns the paths written."""
    args = parse_args(argv)
    os.makedirs(args.out_dir, exist_ok=True)
    channel = ac.connect(ac.server_address(args.server))
    written = []
    with channel:
        stub = service_grpc.AdvectServiceStub(channel)
        for name, plot in FIGURES:
            fig, summary = plot(stub)
            written.append(save(fig, args.out_dir, name, args.format))
            print(f"wrote {written[-1]}: {summary}")
    return written


if __name__ == "__main__":
    try:
        main()
    except grpc.RpcError as error:
        sys.exit(f"plot_tour: {error.code().name}: {error.details()}")
    except (ConnectionError, RuntimeError) as error:
        sys.exit(f"plot_tour: {error}")
