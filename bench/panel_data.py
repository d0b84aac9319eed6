"""Data for the batch-fitting benchmark (bench/panel.sh): N interrupted time series of 48 months.

Usage: /usr/bin/python3 bench/panel_data.py N OUT

Writes raw little-endian float64, N series x 48 values, series-major (series i is values
[48 i, 48 i + 48)). Series i, months t = 0..47, one interruption at month 24:

    y_t = a_i + b_i t + c_i level_t + d_i slope_t + u_t
    level_t = 1 if t >= 24 else 0,  slope_t = t - 24 if t >= 24 else 0
    a_i ~ 100 + 20 N(0,1), b_i ~ 0.5 + 0.2 N(0,1), c_i ~ 5 N(0,1), d_i ~ 0.3 N(0,1)
    u_t = 0.5 u_{t-1} + e_t, e_t ~ N(0, 4), u_0 from the stationary distribution N(0, 4 / 0.75)

Deterministic: the series come in blocks of 10,000, block k drawn from numpy's default_rng with
seed (20161, k), so a file is the same on every run and the first M series of a file of N >= M
series are the file of M series (sizes can be compared series by series). Memory stays at about
one block (a few MB) whatever N is.
"""

import sys

import numpy as np

T = 48
BREAK = 24
BLOCK = 10_000
SEED = 20161
RHO = 0.5
SD_E = 2.0


def block(k: int) -> np.ndarray:
    rng = np.random.default_rng([SEED, k])
    a = 100.0 + 20.0 * rng.standard_normal(BLOCK)
    b = 0.5 + 0.2 * rng.standard_normal(BLOCK)
    c = 5.0 * rng.standard_normal(BLOCK)
    d = 0.3 * rng.standard_normal(BLOCK)
    e = SD_E * rng.standard_normal((BLOCK, T))
    u = np.empty((BLOCK, T))
    u[:, 0] = e[:, 0] / np.sqrt(1.0 - RHO * RHO)
    for t in range(1, T):
        u[:, t] = RHO * u[:, t - 1] + e[:, t]
    t = np.arange(T, dtype=np.float64)
    level = (t >= BREAK).astype(np.float64)
    slope = np.where(t >= BREAK, t - BREAK, 0.0)
    return (a[:, None] + b[:, None] * t + c[:, None] * level + d[:, None] * slope + u)


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("usage: panel_data.py N OUT")
    n = int(sys.argv[1])
    if n < 1:
        sys.exit("panel_data.py: N must be positive")
    with open(sys.argv[2], "wb") as f:
        done = 0
        k = 0
        while done < n:
            m = min(BLOCK, n - done)
            block(k)[:m].astype("<f8").tofile(f)
            done += m
            k += 1


if __name__ == "__main__":
    main()
