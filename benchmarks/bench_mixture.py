"""Benchmarks of the EM family, asv-compatible (``setup`` + ``time_*`` methods).

    python benchmarks/bench_mixture.py            # the issue's sizes (about a minute)
    python benchmarks/bench_mixture.py --quick    # small sizes (a smoke test)

``EMIteration`` times ten EM iterations of ``GaussianMixtureEM`` and of
scikit-learn's ``GaussianMixture`` from the same start (same weights, means
and precisions, ``tol=0``) on the same data, interleaved round by round;
``SymmetricRestarts`` times ``em_restarts`` on the symmetric known-covariance
model, ``GeneralRestarts`` on the k-component one against loops of single
fits.  The machine is shared, so the numbers are indicative.

Every timed call starts after a pause (``--pause``, 0.3 s): OpenBLAS's
worker threads keep spinning for roughly 0.05-0.1 s after a BLAS call, and a
parallel kernel started in that window shares the cores with them (measured:
one of our EM iterations at n = 1e5, d = 10, k = 5, diag took 6.1 ms after an
idle pause, 11.2 ms right after a 600 x 600 matmul).  Without the pause each
peer's time would include the other's leftover threads; ``--pause 0`` shows
the back-to-back numbers.
"""

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import ClassVar

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from interpstat.mixture import GaussianMixtureEM, em_restarts

N_ITER = 10


class EMIteration:
    """Ten EM iterations, ours against scikit-learn, from the same start."""

    params: ClassVar[list] = [(100_000, 2, 3, "full"), (100_000, 2, 3, "diag"),
                              (100_000, 10, 5, "full"), (100_000, 10, 5, "diag")]
    param_names: ClassVar[list] = ["n, d, k, covariance_type"]
    timeout = 600

    def setup(self, param):
        n, d, k, ct = param
        rng = np.random.default_rng(0)
        centres = rng.standard_normal((k, d)) * 3
        self.X = centres[rng.integers(0, k, n)] + rng.standard_normal((n, d))
        prec = np.stack([np.eye(d)] * k) if ct == "full" else np.ones((k, d))
        self.start = {"means_init": self.X[rng.choice(n, k, replace=False)],
                      "precisions_init": prec, "covariance_type": ct,
                      "max_iter": N_ITER, "tol": 0.0}
        self.weights = np.full(k, 1.0 / k)
        self.k = k
        self.time_ours(param)  # compile (or load the cache)

    def time_ours(self, param):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            GaussianMixtureEM(self.k, weights=self.weights, **self.start).fit(self.X)

    def time_sklearn(self, param):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            GaussianMixture(self.k, weights_init=self.weights, **self.start).fit(self.X)


class SymmetricRestarts:
    """``em_restarts``: symmetric fixed-identity model, 200 iterations per start."""

    params: ClassVar[list] = [(10_000, 2, 1000)]
    param_names: ClassVar[list] = ["n, d, restarts"]
    timeout = 600

    def setup(self, param):
        n, d, R = param
        rng = np.random.default_rng(1)
        z = rng.random(n) < 0.7
        theta = np.zeros(d)
        theta[0] = 1.0
        self.X = rng.standard_normal((n, d)) + np.where(z[:, None], theta, -theta)
        self.inits = rng.standard_normal((R, d)) * 2
        em_restarts(self.X[:50], self.inits[:2], weights=[0.7, 0.3], max_iter=2)  # compile

    def time_model1(self, param):
        em_restarts(self.X, self.inits, weights=[0.7, 0.3], learn_weights=False,
                    max_iter=200, tol=0.0)

    def time_model2(self, param):
        em_restarts(self.X, self.inits, weights=[0.7, 0.3], learn_weights=True,
                    max_iter=200, tol=0.0)


class GeneralRestarts:
    """``em_restarts(symmetric=False)``: k = 3 known identity covariance, 200 iterations per start.

    The peers run the same starts one fit at a time: a loop of
    ``GaussianMixtureEM(covariance_type="fixed")`` fits (the same model, the
    same iterates) and a loop of scikit-learn ``GaussianMixture`` fits with
    ``covariance_type="spherical"`` (the nearest peer, *not* the same model:
    it also estimates one variance per component).  The loops are timed on
    the first ``peer_restarts`` starts and scaled linearly to all of them
    (each fit is independent and does the same fixed work, ``tol=0``).
    """

    params: ClassVar[list] = [(10_000, 2, 3, 200)]
    param_names: ClassVar[list] = ["n, d, k, restarts"]
    peer_restarts = 10
    timeout = 600

    def setup(self, param):
        n, d, k, R = param
        rng = np.random.default_rng(2)
        centres = rng.standard_normal((k, d)) * 4
        self.X = centres[rng.integers(0, k, n)] + rng.standard_normal((n, d))
        self.inits = np.stack([self.X[rng.choice(n, k, replace=False)] for _ in range(R)])
        self.k = k
        em_restarts(self.X[:50], self.inits[:2], symmetric=False, max_iter=2)  # compile
        self.time_loop_ours(param, 1)

    def time_restarts(self, param):
        em_restarts(self.X, self.inits, symmetric=False, learn_weights=True, max_iter=200,
                    tol=0.0)

    def time_loop_ours(self, param, n_fits=None):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            for start in self.inits[: n_fits or self.peer_restarts]:
                GaussianMixtureEM(self.k, covariance_type="fixed", means_init=start,
                                  max_iter=200, tol=0.0).fit(self.X)

    def time_loop_sklearn_spherical(self, param):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            for start in self.inits[: self.peer_restarts]:
                GaussianMixture(self.k, covariance_type="spherical", means_init=start,
                                precisions_init=np.ones(self.k), max_iter=200,
                                tol=0.0).fit(self.X)


def _interleaved(bench, param, methods, repeat, pause=0.3):
    bench.setup(param)
    times = {m: [] for m in methods}
    for _ in range(repeat):
        for m in methods:
            time.sleep(pause)  # let the previous call's spinning BLAS threads go idle
            t0 = time.perf_counter()
            getattr(bench, m)(param)
            times[m].append(time.perf_counter() - t0)
    return {m: statistics.median(t) for m, t in times.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--restart-repeat", type=int, default=3,
                        help="runs of each em_restarts benchmark (medians; about 10 s each)")
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    parser.add_argument("--pause", type=float, default=0.3,
                        help="seconds of idle before each timed call (see the module docstring)")
    args = parser.parse_args(argv)
    import os

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    restart_repeat = args.repeat if args.quick else args.restart_repeat
    print(f"medians of {args.repeat} interleaved runs ({restart_repeat} for em_restarts), "
          f"{args.pause:g} s idle before each")
    ok = True
    for n, d, k, ct in EMIteration.params:
        param = (2000 if args.quick else n, d, k, ct)
        med = _interleaved(EMIteration(), param, ["time_ours", "time_sklearn"], args.repeat,
                           args.pause)
        ratio = med["time_sklearn"] / med["time_ours"]
        print(f"EM iteration, n={param[0]}, d={d}, k={k}, {ct}: ours "
              f"{1e3 * med['time_ours'] / N_ITER:7.2f} ms, sklearn "
              f"{1e3 * med['time_sklearn'] / N_ITER:7.2f} ms, ratio sklearn / ours = "
              f"{ratio:5.2f}   (target >= 5)")
        ok &= ratio >= 5
    n, d, R = SymmetricRestarts.params[0]
    param = (1000, d, 50) if args.quick else (n, d, R)
    med = _interleaved(SymmetricRestarts(), param, ["time_model1", "time_model2"],
                       restart_repeat, args.pause)
    for m in ("time_model1", "time_model2"):
        print(f"em_restarts {m[5:]}, n={param[0]}, d={d}, {param[2]} restarts x 200 "
              f"iterations: {med[m]:7.2f} s   (target < 10)")
        ok &= med[m] < 10
    n, d, k, R = GeneralRestarts.params[0]
    param = (1000, d, k, 20) if args.quick else (n, d, k, R)
    med = _interleaved(GeneralRestarts(), param, ["time_restarts", "time_loop_ours",
                                                  "time_loop_sklearn_spherical"],
                       restart_repeat, args.pause)
    scale = param[3] / GeneralRestarts.peer_restarts
    ours = med["time_restarts"]
    loop = med["time_loop_ours"] * scale
    sk = med["time_loop_sklearn_spherical"] * scale
    print(f"em_restarts general k={k}, n={param[0]}, d={d}, {param[3]} restarts x 200 "
          f"iterations: {ours:7.2f} s; loop of GaussianMixtureEM fits {loop:7.2f} s "
          f"(ratio {loop / ours:5.1f}); loop of sklearn GaussianMixture('spherical', "
          f"not the same model) {sk:7.2f} s (ratio {sk / ours:5.1f})   (loops timed on "
          f"{GeneralRestarts.peer_restarts} starts, scaled)")
    if not args.quick:
        print("\nall targets met" if ok else "\nSOME TARGETS MISSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
