#!/usr/bin/python3
"""Writes the small example inputs of the README quick start (deterministic).

x.npy: 8 source points in the plane (float64, 8 x 2), on a noisy ring of radius 1.
y.npy: 10 target points (float64, 10 x 2), a Gaussian blob around (2, 0.5).
x.csv: the same points as x.npy, as CSV with a header line.

Run from anywhere: /usr/bin/python3 examples/make_examples.py
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    rng = np.random.default_rng(20261123)
    angles = np.linspace(0.0, 2.0 * np.pi, 8, endpoint=False)
    x = np.stack([np.cos(angles), np.sin(angles)], axis=1) + 0.05 * rng.standard_normal((8, 2))
    y = np.array([2.0, 0.5]) + 0.5 * rng.standard_normal((10, 2))
    x = np.round(x, 6)
    y = np.round(y, 6)
    np.save(os.path.join(HERE, "x.npy"), x.astype(np.float64))
    np.save(os.path.join(HERE, "y.npy"), y.astype(np.float64))
    np.savetxt(os.path.join(HERE, "x.csv"), x, delimiter=",", fmt="%.6f", header="x0,x1",
               comments="")


if __name__ == "__main__":
    main()
