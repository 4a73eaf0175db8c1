#!/usr/bin/python3
"""A small example client for advect (advect.v1.AdvectService) in Python.

It shows the whole API surface a script needs:

* connect and check health (grpc.health.v1),
* build an EntropicOtSpec from numpy arrays (``to_matrix`` / ``from_matrix``),
* ``Run``: submit a job and print its events as they stream, then the result,
* ``SubmitJob`` + ``WatchJob`` (resuming after the last sequence seen) + ``CancelJob``.

The generated stubs are not checked in; they are built by CMake into
``<build>/python``. Run with, for example::

    PYTHONPATH=build/python /usr/bin/python3 client/python/advect_client.py --server 127.0.0.1:50051

Use Debian's /usr/bin/python3 (it has python3-grpcio and python3-numpy).
"""

import argparse
import os
import sys

import grpc
import numpy as np

try:
    from advect.v1 import advect_service_pb2 as service_pb2
    from advect.v1 import advect_service_pb2_grpc as service_grpc
    from advect.v1 import array_pb2, exact_ot_pb2 as exact_pb2, job_pb2, ot_pb2
    import health_pb2
    import health_pb2_grpc
except ImportError as error:  # pragma: no cover - a set-up problem, not a bug
    raise ImportError(
        "advect stubs not found: build them (ninja advect_python_stubs) and set "
        "PYTHONPATH=<build>/python") from error

DEFAULT_SERVER = "127.0.0.1:50051"
RPC_TIMEOUT = 10.0  # seconds, for the unary calls


# --- numpy <-> advect.v1.Matrix -------------------------------------------------------------

def to_matrix(array):
    """A 2-D numpy array as an advect.v1.Matrix (row-major values)."""
    array = np.asarray(array, dtype=np.float64)
    if array.ndim != 2:
        raise ValueError(f"to_matrix needs a 2-D array, got shape {array.shape}")
    rows, cols = array.shape
    return array_pb2.Matrix(rows=rows, cols=cols, values=array.ravel(order="C"))


def from_matrix(matrix):
    """An advect.v1.Matrix as a (rows, cols) numpy array."""
    values = np.asarray(matrix.values, dtype=np.float64)
    if values.size != matrix.rows * matrix.cols:
        raise ValueError(f"matrix has {values.size} values for {matrix.rows} x {matrix.cols}")
    return values.reshape(matrix.rows, matrix.cols)


def entropic_ot_spec(x, y, epsilon, a=None, b=None, **options):
    """A JobSpec for entropic OT between point clouds x (n x d) and y (m x d).

    a, b: optional weights (None means uniform). options: any other EntropicOtSpec
    field, e.g. tolerance=1e-9, max_iterations=10000, return_plan=True, normalize_cost=True.
    """
    spec = ot_pb2.EntropicOtSpec(x=to_matrix(x), y=to_matrix(y), epsilon=epsilon, **options)
    if a is not None:
        spec.a.extend(np.asarray(a, dtype=np.float64))
    if b is not None:
        spec.b.extend(np.asarray(b, dtype=np.float64))
    return job_pb2.JobSpec(entropic_ot=spec)


# --- connection and health ------------------------------------------------------------------

def server_address(cli_value=None):
    """--server, else $ADVECT_SERVER, else 127.0.0.1:50051."""
    return cli_value or os.environ.get("ADVECT_SERVER") or DEFAULT_SERVER


def connect(address, timeout=5.0):
    """An insecure channel to `address`, once it is ready (ConnectionError otherwise)."""
    channel = grpc.insecure_channel(address)
    try:
        grpc.channel_ready_future(channel).result(timeout=timeout)
    except grpc.FutureTimeoutError:
        channel.close()
        raise ConnectionError(f"cannot connect to {address} within {timeout:g} s "
                              "(is advectd running there?)") from None
    return channel


def check_health(channel, service="advect.v1.AdvectService", timeout=RPC_TIMEOUT):
    """The grpc.health.v1 status name of `service` ("" = the whole server), e.g. "SERVING"."""
    stub = health_pb2_grpc.HealthStub(channel)
    reply = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=timeout)
    return health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)


# --- printing events ------------------------------------------------------------------------

def describe_event(event):
    """One line for a JobEvent."""
    kind = event.WhichOneof("kind")
    head = f"[{event.job_id} #{event.sequence}]"
    if kind == "state_change":
        text = f"{head} {job_pb2.JobState.Name(event.state_change.state)}"
        if event.state_change.HasField("error"):
            err = event.state_change.error
            text += f" ({code_name(err.code)}: {err.message})"
        return text
    if kind == "progress":
        p = event.progress
        return (f"{head} iteration {p.iteration}: marginal error {p.error:.3e}, "
                f"objective {p.objective:.9g}")
    if kind == "frame":
        return f"{head} frame {event.frame.index} at step {event.frame.step}"
    if kind == "result":
        return f"{head} result"
    return f"{head} {kind}"


def code_name(code):
    """The name of a numeric google.rpc code (JobError.code), e.g. 1 -> "CANCELLED"."""
    for status in grpc.StatusCode:
        if status.value[0] == code:
            return status.name
    return str(code)


# --- Run ------------------------------------------------------------------------------------

def run(stub, spec, timeout=None, out=print):
    """Runs `spec` with Run, prints its events as they stream, returns the typed result.

    The result is the message of the spec's kind (EntropicOtResult for entropic_ot,
    ExactOtResult for exact_ot, ...).

    Raises grpc.RpcError (e.g. INVALID_ARGUMENT for a bad spec) and RuntimeError when the
    job ends without a result (FAILED or CANCELLED).
    """
    result = None
    last = None
    for response in stub.Run(service_pb2.RunRequest(spec=spec), timeout=timeout):
        last = response.event
        if last.WhichOneof("kind") == "result":
            result = getattr(last.result, last.result.WhichOneof("kind"))
        if out:
            out(describe_event(last))
    if result is None:  # the last event is the terminal state change, with the reason
        raise RuntimeError("job ended without a result: " +
                           (describe_event(last) if last else "no events"))
    if out and spec.WhichOneof("kind") == "entropic_ot":
        out(f"transport cost {result.transport_cost:.12g}, {result.iterations} iterations, "
            f"marginal error {result.marginal_error:.3e}, converged {result.converged}")
    elif out:
        out(f"transport cost {result.transport_cost:.12g}")
    return result


# --- SubmitJob, WatchJob (resumable), CancelJob ---------------------------------------------

def watch(stub, job_id, after_sequence=0, limit=None, timeout=None):
    """Events of `job_id` with sequence > after_sequence, until the job ends (or `limit` events)."""
    events = []
    call = stub.WatchJob(service_pb2.WatchJobRequest(job_id=job_id, after_sequence=after_sequence),
                         timeout=timeout)
    for response in call:
        events.append(response.event)
        if limit is not None and len(events) >= limit:
            call.cancel()  # stop watching; the detached job keeps running
            break
    return events


def submit_watch_cancel(stub, spec, first_events=3, out=print):
    """A detached job: submit it, watch a few events, drop the stream, cancel the job, then
    resume watching after the last sequence seen (to see how it ended).

    Returns the job as GetJob sees it at the end (state CANCELLED, or SUCCEEDED if it
    finished before the cancel arrived).
    """
    job = stub.SubmitJob(service_pb2.SubmitJobRequest(spec=spec), timeout=RPC_TIMEOUT).job
    out(f"submitted {job.job_id} ({job_pb2.JobState.Name(job.state)})")

    seen = watch(stub, job.job_id, after_sequence=0, limit=first_events)
    for event in seen:
        out(describe_event(event))
    last = seen[-1].sequence if seen else 0
    out(f"stream dropped after #{last}; cancelling, then resuming from there")

    cancelled = stub.CancelJob(service_pb2.CancelJobRequest(job_id=job.job_id),
                               timeout=RPC_TIMEOUT).job
    out(f"CancelJob -> {job_pb2.JobState.Name(cancelled.state)}")
    for event in watch(stub, job.job_id, after_sequence=last, timeout=30):
        out(describe_event(event))
    final = stub.GetJob(service_pb2.GetJobRequest(job_id=job.job_id), timeout=RPC_TIMEOUT).job
    out(f"final state {job_pb2.JobState.Name(final.state)}")
    return final


# --- main -----------------------------------------------------------------------------------

def random_problem(n, m, d, seed):
    """Two Gaussian point clouds and random positive weights."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d))
    y = rng.normal(loc=1.0, size=(m, d))
    a = rng.uniform(0.5, 1.5, size=n)
    b = rng.uniform(0.5, 1.5, size=m)
    return x, y, a / a.sum(), b / b.sum()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", help=f"host:port (default $ADVECT_SERVER or {DEFAULT_SERVER})")
    parser.add_argument("-n", type=int, default=200, help="source points")
    parser.add_argument("-m", type=int, default=150, help="target points")
    parser.add_argument("-d", type=int, default=2, help="dimension")
    parser.add_argument("--epsilon", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-cancel-demo", action="store_true",
                        help="skip the SubmitJob/WatchJob/CancelJob demo")
    args = parser.parse_args(argv)

    address = server_address(args.server)
    with connect(address) as channel:
        print(f"{address}: health {check_health(channel)}")
        stub = service_grpc.AdvectServiceStub(channel)

        x, y, a, b = random_problem(args.n, args.m, args.d, args.seed)
        result = run(stub, entropic_ot_spec(x, y, args.epsilon, a, b, tolerance=1e-9,
                                            max_iterations=100000))

        if not args.no_cancel_demo:
            # Large and slow on purpose, so that there is something to cancel.
            x, y, a, b = random_problem(1000, 1000, 2, args.seed + 1)
            submit_watch_cancel(stub, entropic_ot_spec(x, y, 1e-4, a, b, normalize_cost=True,
                                                       tolerance=1e-15, max_iterations=1000000))
    return result


if __name__ == "__main__":
    try:
        main()
    except grpc.RpcError as error:
        sys.exit(f"advect_client: {error.code().name}: {error.details()}")
    except ConnectionError as error:
        sys.exit(f"advect_client: {error}")
