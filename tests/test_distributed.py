"""The Monte-Carlo runner and the CLI on a dask.distributed cluster (loopback only)."""

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")
joblib = pytest.importorskip("joblib")

from interpstat.cli import main  # noqa: E402
from interpstat.simulation import simulate  # noqa: E402


def _replicate(params, rng):
    return {"x": float(rng.normal(params["mu"], 1.0)), "y": float(rng.uniform())}


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1",
        dashboard_address=None,
    ) as cl:
        yield cl


def test_simulate_on_dask_is_bit_identical(cluster):
    grid = {"mu": [0.0, 1.0, 2.0]}
    local = simulate(_replicate, grid, 20, random_state=7, n_jobs=1)
    with distributed.Client(cluster), joblib.parallel_config(backend="dask"):
        remote = simulate(_replicate, grid, 20, random_state=7, block_size=3)
    for m in local.metrics:
        np.testing.assert_array_equal(local.draws[m], remote.draws[m])


def test_cli_scheduler_option(cluster, tmp_path, capsys):
    status = main(["reproduce", "double-descent", "--quick", "--out", str(tmp_path),
                   "--no-progress", "--scheduler", cluster.scheduler_address])
    assert status == 0
    assert (tmp_path / "double-descent" / "results.csv").exists()
    capsys.readouterr()
