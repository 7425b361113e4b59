"""What ``import interpstat`` loads: each check runs in a fresh interpreter."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("numba", "sklearn", "interpstat._lapack", "interpstat.linear")


def _run(code):
    """Run ``code`` in a fresh interpreter importing this checkout; its stdout as JSON."""
    env = {**os.environ,
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("statement", ["import interpstat", "import interpstat.theory"])
def test_theory_loads_no_estimator_machinery(statement):
    loaded = _run(f"""
        import json, sys
        {statement}
        import interpstat.theory
        interpstat.theory.minnorm_risk(2.0)
        print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))
    """)
    assert loaded == []


def test_estimators_load_on_first_access():
    out = _run(f"""
        import json, sys
        import interpstat
        before = [m for m in {HEAVY!r} if m in sys.modules]
        from interpstat import MinNormRegressor, PathResult, minnorm_path
        from interpstat import GaussianMixtureEM, em_restarts
        import interpstat.linear as linear
        import interpstat.mixture as mixture
        same = [MinNormRegressor is linear.MinNormRegressor, PathResult is linear.PathResult,
                minnorm_path is linear.minnorm_path, interpstat.minnorm_path is minnorm_path,
                GaussianMixtureEM is mixture.GaussianMixtureEM,
                em_restarts is mixture.em_restarts]
        print(json.dumps({{"before": before, "after": "sklearn" in sys.modules, "same": same,
                          "all": interpstat.__all__, "dir": dir(interpstat),
                          "version": interpstat.__version__}}))
    """)
    assert out["before"] == []  # the control: nothing heavy before the access
    assert out["after"]
    assert all(out["same"])
    assert sorted(out["all"]) == ["GaussianMixtureEM", "MinNormRegressor", "PathResult",
                                  "RestartsResult", "__version__", "em_restarts",
                                  "minnorm_path"]
    assert set(out["all"]) <= set(out["dir"])
    assert out["version"].startswith("0.")


def test_unknown_attribute_raises_attribute_error():
    out = _run("""
        import json
        import interpstat
        try:
            interpstat.nonexistent
        except AttributeError as exc:
            print(json.dumps(str(exc)))
        else:
            print(json.dumps(None))
    """)
    assert out == "module 'interpstat' has no attribute 'nonexistent'"
