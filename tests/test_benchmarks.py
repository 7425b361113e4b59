"""The benchmark runner still runs (quick sizes; it asserts nothing about speed)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_runner_quick():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--repeat", "1"],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    for needle in ("ratio auto / Gram", "ratio path / largest fit", "weighted_row_sq_norms"):
        assert needle in proc.stdout
