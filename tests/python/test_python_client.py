#!/usr/bin/python3
"""End-to-end tests of advectd through the Python client, against independent oracles (POT).

Each test starts its own advectd on 127.0.0.1:0 and stops it with SIGTERM (exit 0 expected).
The advectd binary comes from --advectd PATH or $ADVECTD. Stubs and the client come from
PYTHONPATH=<build>/python:<source>/client/python. Run with Debian's /usr/bin/python3:

    PYTHONPATH=build/python:client/python /usr/bin/python3 tests/python/test_python_client.py \
        --advectd build/server/advectd
"""

import os
import sys
import time
import unittest

import grpc
import numpy as np
import ot

import advect_client as ac
from advect_client import job_pb2, service_grpc, service_pb2
from advectd_process import AdvectdProcess, take_advectd_argument

ADVECTD = os.environ.get("ADVECTD")


def random_problem(n, m, d, seed):
    """Seeded point clouds and non-uniform weights summing to 1."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d))
    y = rng.normal(loc=0.5, scale=0.8, size=(m, d))
    a = rng.uniform(0.2, 2.0, size=n)
    b = rng.uniform(0.2, 2.0, size=m)
    return x, y, a / a.sum(), b / b.sum()


def job_end(events):
    """The terminal StateChange of an event list (the last event)."""
    last = events[-1]
    assert last.WhichOneof("kind") == "state_change", last
    return last.state_change


class PythonClientTest(unittest.TestCase):
    EPSILON = 0.5

    def setUp(self):
        self.assertTrue(ADVECTD and os.access(ADVECTD, os.X_OK),
                        f"advectd binary not given or not executable: {ADVECTD!r}")
        self.server = AdvectdProcess(ADVECTD, "--workers", "2")
        try:
            self.channel = ac.connect(self.server.address)
        except Exception:  # tearDown does not run when setUp fails
            self.server.stop()
            raise
        self.stub = service_grpc.AdvectServiceStub(self.channel)

    def tearDown(self):
        self.channel.close()
        code = self.server.stop()
        self.assertEqual(code, 0, "advectd did not exit 0 on SIGTERM:\n" + self.server.output())

    def quiet_run(self, spec):
        return ac.run(self.stub, spec, timeout=60, out=None)

    # (1) transport cost vs POT, and the plan's marginals
    def test_run_matches_pot_and_plan_has_the_marginals(self):
        x, y, a, b = random_problem(60, 50, 3, seed=7)
        spec = ac.entropic_ot_spec(x, y, self.EPSILON, a, b, tolerance=1e-12,
                                   max_iterations=100000, return_plan=True)
        printed = []
        result = ac.run(self.stub, spec, timeout=60, out=printed.append)
        self.assertTrue(any("iteration" in line for line in printed), printed)  # progress streamed
        self.assertTrue(result.converged)
        self.assertLessEqual(result.marginal_error, 1e-12)
        self.assertEqual(result.cost_scale, 1.0)
        self.assertEqual(result.epsilon, self.EPSILON)

        M = ot.dist(x, y)  # squared Euclidean, the server's default cost
        expected = float(ot.sinkhorn2(a, b, M, self.EPSILON, method="sinkhorn_log",
                                      stopThr=1e-12, numItermax=100000))
        self.assertLess(abs(result.transport_cost - expected), 1e-6 * abs(expected),
                        f"advect {result.transport_cost!r} vs POT {expected!r}")

        plan = ac.from_matrix(result.plan)
        self.assertEqual(plan.shape, (60, 50))
        self.assertTrue(np.all(plan >= 0))
        np.testing.assert_allclose(plan.sum(axis=1), a, rtol=0, atol=1e-12)
        np.testing.assert_allclose(plan.sum(axis=0), b, rtol=0, atol=1e-12)
        l1 = np.abs(plan.sum(axis=1) - a).sum() + np.abs(plan.sum(axis=0) - b).sum()
        self.assertAlmostEqual(l1, result.marginal_error, delta=1e-13)
        self.assertAlmostEqual(float(np.sum(plan * M)), result.transport_cost, delta=1e-12)
        # POT's plan for the same problem.
        pot_plan = ot.sinkhorn(a, b, M, self.EPSILON, method="sinkhorn_log", stopThr=1e-12,
                               numItermax=100000)
        np.testing.assert_allclose(plan, pot_plan, rtol=1e-6, atol=1e-12)

    # (2) P_ij = a_i b_j exp((f_i + g_j - C_ij) / eps)
    def test_potentials_reproduce_the_plan(self):
        x, y, a, b = random_problem(40, 30, 2, seed=11)
        eps = 0.2
        spec = ac.entropic_ot_spec(x, y, eps, a, b, tolerance=1e-10, max_iterations=100000,
                                   return_plan=True)
        result = self.quiet_run(spec)
        f = np.asarray(result.f)
        g = np.asarray(result.g)
        self.assertEqual((f.size, g.size), (40, 30))
        C = ot.dist(x, y)
        rebuilt = a[:, None] * b[None, :] * np.exp((f[:, None] + g[None, :] - C) / eps)
        np.testing.assert_allclose(ac.from_matrix(result.plan), rebuilt, rtol=1e-9, atol=1e-15)
        self.assertAlmostEqual(result.dual_objective, float(f @ a + g @ b), delta=1e-10)

    # (2b) exact OT vs POT's network simplex, non-uniform weights, n != m
    def test_exact_ot_matches_pot_emd(self):
        x, y, a, b = random_problem(70, 45, 3, seed=13)
        spec = job_pb2.JobSpec(exact_ot=ac.exact_pb2.ExactOtSpec(
            x=ac.to_matrix(x), y=ac.to_matrix(y), a=a.tolist(), b=b.tolist()))
        result = self.quiet_run(spec)
        M = ot.dist(x, y)
        expected = float(ot.emd2(a, b, M, numItermax=10**7))
        self.assertLess(abs(result.transport_cost - expected), 1e-12 * expected,
                        f"advect {result.transport_cost!r} vs POT {expected!r}")
        self.assertEqual(result.status, ac.exact_pb2.EXACT_OT_STATUS_OPTIMAL)
        plan = np.zeros((70, 45))
        plan[list(result.plan.row_indices), list(result.plan.col_indices)] = result.plan.values
        self.assertLessEqual(len(result.plan.values), 70 + 45 - 1)
        np.testing.assert_allclose(plan.sum(axis=1), a, rtol=0, atol=1e-14)
        np.testing.assert_allclose(plan.sum(axis=0), b, rtol=0, atol=1e-14)
        # Complementary slackness of the potentials, in units of max C.
        f, g = np.asarray(result.f), np.asarray(result.g)
        reduced = M - f[:, None] - g[None, :]
        self.assertGreater(reduced.min(), -1e-12 * M.max())
        self.assertLess(np.abs(reduced[plan > 0]).max(), 1e-12 * M.max())

    # (3) validation: INVALID_ARGUMENT naming the field
    def test_negative_epsilon_is_invalid_argument_naming_the_field(self):
        x, y, a, b = random_problem(5, 4, 2, seed=1)
        spec = ac.entropic_ot_spec(x, y, -1.0, a, b)
        with self.assertRaises(grpc.RpcError) as caught:
            self.quiet_run(spec)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("spec.entropic_ot.epsilon", caught.exception.details())
        # SubmitJob validates the same way, and creates no job.
        with self.assertRaises(grpc.RpcError) as caught:
            self.stub.SubmitJob(service_pb2.SubmitJobRequest(spec=spec), timeout=10)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("spec.entropic_ot.epsilon", caught.exception.details())
        listed = self.stub.ListJobs(service_pb2.ListJobsRequest(), timeout=10)
        self.assertEqual(len(listed.jobs), 0)

    # (4) WatchJob after_sequence=k resumes exactly after k
    def test_watch_resumes_after_sequence(self):
        x, y, a, b = random_problem(50, 40, 2, seed=3)
        # Frames give the job a longer event log than progress alone would.
        spec = ac.entropic_ot_spec(x, y, 0.05, a, b, tolerance=1e-10, max_iterations=100000)
        spec.frame_every = 20
        spec.max_frames = 15
        job = self.stub.SubmitJob(service_pb2.SubmitJobRequest(spec=spec), timeout=10).job
        # SubmitJobResponse's comment says "state QUEUED", but the snapshot is taken after
        # the job is queued, so a free worker may already have started it (seen: RUNNING).
        self.assertIn(job.state, (job_pb2.JOB_STATE_QUEUED, job_pb2.JOB_STATE_RUNNING))

        # While it runs: read a few events, drop the stream, resume after the last one.
        first = ac.watch(self.stub, job.job_id, after_sequence=0, limit=3, timeout=60)
        rest = ac.watch(self.stub, job.job_id, after_sequence=first[-1].sequence, timeout=60)
        joined = first + rest
        self.assertEqual([e.sequence for e in joined], list(range(1, len(joined) + 1)))
        self.assertEqual(job_end(joined).state, job_pb2.JOB_STATE_SUCCEEDED)

        # After it ended: the full log, and every suffix of it.
        full = ac.watch(self.stub, job.job_id, after_sequence=0, timeout=30)
        self.assertEqual(full, joined)
        self.assertGreater(len(full), 8, [e.WhichOneof("kind") for e in full])
        self.assertEqual(full[0].state_change.state, job_pb2.JOB_STATE_QUEUED)
        self.assertEqual(full[1].state_change.state, job_pb2.JOB_STATE_RUNNING)
        self.assertEqual(full[-2].WhichOneof("kind"), "result")
        for k in (1, 3, len(full) // 2, len(full) - 1, len(full), len(full) + 5):
            with self.subTest(after_sequence=k):
                got = ac.watch(self.stub, job.job_id, after_sequence=k, timeout=30)
                self.assertEqual(got, [e for e in full if e.sequence > k])
        self.assertTrue(all(e.job_id == job.job_id for e in full))

        final = self.stub.GetJob(service_pb2.GetJobRequest(job_id=job.job_id), timeout=10).job
        self.assertEqual(final.last_sequence, full[-1].sequence)
        self.assertTrue(final.HasField("result"))

    # (5) CancelJob stops a long job within a second
    def test_cancel_ends_a_long_job_quickly(self):
        x, y, a, b = random_problem(1500, 1500, 2, seed=5)
        spec = ac.entropic_ot_spec(x, y, 1e-4, a, b, normalize_cost=True, tolerance=1e-15,
                                   max_iterations=1000000)
        job = self.stub.SubmitJob(service_pb2.SubmitJobRequest(spec=spec), timeout=30).job
        # Wait until it is really running (its first progress event).
        seen = []
        for response in self.stub.WatchJob(
                service_pb2.WatchJobRequest(job_id=job.job_id), timeout=60):
            seen.append(response.event)
            if response.event.WhichOneof("kind") == "progress":
                break
        self.assertEqual(seen[-1].WhichOneof("kind"), "progress", seen)

        start = time.monotonic()
        self.stub.CancelJob(service_pb2.CancelJobRequest(job_id=job.job_id), timeout=10)
        rest = ac.watch(self.stub, job.job_id, after_sequence=seen[-1].sequence, timeout=30)
        elapsed = time.monotonic() - start
        end = job_end(rest)
        self.assertEqual(end.state, job_pb2.JOB_STATE_CANCELLED)
        self.assertEqual(end.error.code, grpc.StatusCode.CANCELLED.value[0])
        self.assertLess(elapsed, 1.0)

        final = self.stub.GetJob(service_pb2.GetJobRequest(job_id=job.job_id), timeout=10).job
        self.assertEqual(final.state, job_pb2.JOB_STATE_CANCELLED)
        self.assertFalse(final.HasField("result"))
        # Cancelling a finished job is a no-op.
        again = self.stub.CancelJob(service_pb2.CancelJobRequest(job_id=job.job_id), timeout=10)
        self.assertEqual(again.job.state, job_pb2.JOB_STATE_CANCELLED)

    # (6) grpc.health.v1
    def test_health_is_serving(self):
        self.assertEqual(ac.check_health(self.channel, service=""), "SERVING")
        self.assertEqual(ac.check_health(self.channel, service="advect.v1.AdvectService"),
                         "SERVING")
        with self.assertRaises(grpc.RpcError) as caught:
            ac.check_health(self.channel, service="no.such.Service")
        self.assertEqual(caught.exception.code(), grpc.StatusCode.NOT_FOUND)


class MatrixConversionTest(unittest.TestCase):
    """The numpy helpers alone (no server)."""

    def test_to_matrix_round_trip(self):
        array = np.arange(12.0).reshape(3, 4)
        matrix = ac.to_matrix(array)
        self.assertEqual((matrix.rows, matrix.cols), (3, 4))
        self.assertEqual(list(matrix.values), list(range(12)))
        np.testing.assert_array_equal(ac.from_matrix(matrix), array)
        with self.assertRaises(ValueError):
            ac.to_matrix(np.zeros(3))


if __name__ == "__main__":
    ADVECTD = take_advectd_argument(sys.argv) or ADVECTD
    unittest.main()
