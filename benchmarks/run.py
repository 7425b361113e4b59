"""Side-by-side benchmark runner: medians of repeated runs and the ratios the issues target.

    python benchmarks/run.py            # the full sizes of the issue (a few minutes)
    python benchmarks/run.py --quick    # small sizes, seconds (a smoke test)

All timings of one table are taken in one process, interleaved round by
round, so machine noise hits every peer alike; the medians and their ratios
are printed, with the machine's matrix-multiply rate for scale.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_kernels import RowNorms
from benchmarks.bench_linear import MinNormFit, MinNormPath


def _time(fn, *args):
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0


def _interleaved(bench, param, methods, repeat):
    """Median seconds of each method, timing them round-robin ``repeat`` times."""
    bench.setup(param)
    times = {m: [] for m in methods}
    for _ in range(repeat):
        for m in methods:
            times[m].append(_time(getattr(bench, m), param))
    return {m: statistics.median(t) for m, t in times.items()}


def gemm_rate(n=2000, repeat=5):
    """GFLOP/s of a square float64 matrix product on this machine."""
    rng = np.random.default_rng(0)
    A, B = rng.standard_normal((n, n)), rng.standard_normal((n, n))
    t = statistics.median(_time(np.matmul, A, B) for _ in range(repeat))
    return 2 * n**3 / t / 1e9


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    args = parser.parse_args(argv)

    fit_shapes = [(200, 2000), (2000, 200)] if args.quick else MinNormFit.params
    path_n = 100 if args.quick else MinNormPath.params[0]
    print(f"machine: {os.cpu_count()} cores; numpy {np.__version__}; "
          f"float64 GEMM {gemm_rate(500 if args.quick else 2000):.1f} GFLOP/s")
    print(f"medians of {args.repeat} interleaved runs (seconds)")
    if args.quick:
        print("quick mode: sizes far below the issue's, the targets do not apply")
    print()

    ok = True
    methods = ["time_gram", "time_minnorm_auto", "time_minnorm_auto_intercept",
               "time_sklearn_linear_regression", "time_scipy_lstsq_gelsy"]
    for shape in fit_shapes:
        med = _interleaved(MinNormFit(), shape, methods, args.repeat)
        n, p = shape
        gflops = min(n, p) ** 2 * max(n, p) / med["time_gram"] / 1e9
        print(f"MinNormRegressor fit, n={n}, p={p}")
        for m in methods:
            print(f"  {m[5:]:32s} {med[m]:9.4f}")
        r_gram = med["time_minnorm_auto"] / med["time_gram"]
        r_sk = med["time_sklearn_linear_regression"] / med["time_minnorm_auto"]
        print(f"  Gram rate {gflops:.1f} GFLOP/s (syrk)")
        print(f"  ratio auto / Gram          = {r_gram:5.2f}   (target <= 1.5)")
        print(f"  ratio sklearn LR / auto    = {r_sk:5.2f}   (target >= 5)")
        print(f"  ratio auto+intercept / Gram = "
              f"{med['time_minnorm_auto_intercept'] / med['time_gram']:5.2f}\n")
        ok &= r_gram <= 1.5 and r_sk >= 5

    med = _interleaved(MinNormPath(), path_n, ["time_path_50_points", "time_largest_single_fit"],
                       args.repeat)
    r_path = med["time_path_50_points"] / med["time_largest_single_fit"]
    print(f"minnorm_path, n={path_n}, 50 points p = n/10 ... 10n")
    print(f"  path                             {med['time_path_50_points']:9.4f}")
    print(f"  largest single fit               {med['time_largest_single_fit']:9.4f}")
    print(f"  ratio path / largest fit   = {r_path:5.2f}   (target <= 3)")
    ok &= r_path <= 3

    kernel_methods = ["time_kernel_c", "time_kernel_f", "time_numpy_square_matmul",
                      "time_numpy_einsum"]
    for shape in [(2000, 100)] if args.quick else RowNorms.params:
        med = _interleaved(RowNorms(), shape, kernel_methods, args.repeat)
        best_numpy = min(med["time_numpy_square_matmul"], med["time_numpy_einsum"])
        print(f"\nweighted_row_sq_norms, shape={shape}")
        for m in kernel_methods:
            print(f"  {m[5:]:32s} {med[m]:9.5f}")
        print(f"  ratio best numpy / kernel (C, F) = {best_numpy / med['time_kernel_c']:5.2f}, "
              f"{best_numpy / med['time_kernel_f']:5.2f}")
    if not args.quick:
        print("\nall targets met" if ok else "\nSOME TARGETS MISSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
