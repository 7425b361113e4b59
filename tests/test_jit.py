"""The jit factory: cache policy, read-only fallback, thread-count context manager."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numba
import pytest

import interpstat
from interpstat._jit import cache_enabled, num_threads

PKG_DIR = Path(interpstat.__file__).parent

# Run in a subprocess: import the package, run a parallel kernel, report.
_PROBE = """
import numpy as np, interpstat, interpstat._jit as j
from interpstat._kernels.linalg import weighted_row_sq_norms
from interpstat import MinNormRegressor
A = np.arange(12.0).reshape(4, 3)
out = np.empty(4)
weighted_row_sq_norms(A, np.ones(3), out)
assert np.allclose(out, (A**2).sum(1)), out
X = np.random.default_rng(0).standard_normal((5, 9))
MinNormRegressor(fit_intercept=False).loo_residuals(X, np.ones(5))
print("FILE", interpstat.__file__)
print("UNCACHED", ",".join(j.uncached_kernels))
"""


def _copy_package(dest):
    for path in PKG_DIR.rglob("*.py"):
        target = dest / "interpstat" / path.relative_to(PKG_DIR)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())


def _run(env_extra, pythonpath, cwd):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NUMBA_", "INTERPSTAT_"))}
    env.update(env_extra)
    env["PYTHONPATH"] = str(pythonpath)
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE], env=env, cwd=cwd, capture_output=True, text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    lines = dict(line.split(" ", 1) if " " in line else (line, "") for line in
                 proc.stdout.splitlines())
    return lines


def test_runs_when_no_cache_location_is_writable(tmp_path):
    # The package is imported from a zip archive (its directory cannot hold a
    # cache), and NUMBA_CACHE_DIR, HOME and XDG_CACHE_HOME point below /proc,
    # where nothing can be created even by root: numba finds no cache locator
    # and raises at decoration; the factory must compile without a cache.
    archive = tmp_path / "pkg.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in PKG_DIR.rglob("*.py"):
            zf.write(path, Path("interpstat") / path.relative_to(PKG_DIR))
    unwritable = "/proc/interpstat-no-such-dir"
    out = _run(
        {"NUMBA_CACHE_DIR": unwritable, "HOME": unwritable, "XDG_CACHE_HOME": unwritable},
        archive, tmp_path,
    )
    assert out["FILE"].startswith(str(archive))
    assert "_row_sq_norms_rows" in out["UNCACHED"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_runs_from_read_only_install(tmp_path):  # pragma: no cover - non-root only
    site = tmp_path / "site"
    _copy_package(site)
    for path in sorted(site.rglob("*"), reverse=True):
        path.chmod(0o555 if path.is_dir() else 0o444)
    site.chmod(0o555)
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o555)
    try:
        out = _run({"NUMBA_CACHE_DIR": str(cache), "HOME": str(cache),
                    "XDG_CACHE_HOME": str(cache)}, site, tmp_path)
    finally:
        for path in [site, *site.rglob("*")]:
            path.chmod(0o755)
    assert "_row_sq_norms_rows" in out["UNCACHED"]


def test_cache_written_to_numba_cache_dir(tmp_path):
    site = tmp_path / "site"
    _copy_package(site)
    cache = tmp_path / "cache"
    out = _run({"NUMBA_CACHE_DIR": str(cache)}, site, tmp_path)
    assert out["UNCACHED"] == ""
    assert list(cache.rglob("*_row_sq_norms_rows*.nbi"))


def test_cache_opt_out(tmp_path):
    site = tmp_path / "site"
    _copy_package(site)
    cache = tmp_path / "cache"
    out = _run({"NUMBA_CACHE_DIR": str(cache), "INTERPSTAT_NUMBA_CACHE": "0"}, site, tmp_path)
    assert out["UNCACHED"] == ""
    assert not list(cache.rglob("*.nbi"))
    assert not list((site / "interpstat").rglob("*.nbi"))


@pytest.mark.parametrize(("value", "expected"), [("0", False), ("off", False), ("1", True),
                                                 ("", True)])
def test_cache_enabled_reads_environment(monkeypatch, value, expected):
    monkeypatch.setenv("INTERPSTAT_NUMBA_CACHE", value)
    assert cache_enabled() is expected


def test_num_threads_sets_and_restores():
    before = numba.get_num_threads()
    with num_threads(1) as k:
        assert k == 1
        assert numba.get_num_threads() == 1
    assert numba.get_num_threads() == before
    with pytest.raises(RuntimeError, match="boom"), num_threads(1):
        raise RuntimeError("boom")
    assert numba.get_num_threads() == before
    with num_threads(None) as k:
        assert k == before


def test_num_threads_validates():
    with pytest.raises(ValueError, match="positive"), num_threads(0):
        pass
    too_many = numba.config.NUMBA_NUM_THREADS + 1
    with pytest.warns(RuntimeWarning, match="NUMBA_NUM_THREADS"), num_threads(too_many) as k:
        assert k == numba.config.NUMBA_NUM_THREADS
