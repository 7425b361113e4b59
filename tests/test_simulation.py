"""Tests for the Monte-Carlo runner and its results object."""

import dataclasses
import itertools
import pickle
import threading

import joblib
import numba
import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW
from threadpoolctl import threadpool_info

from interpstat.simulation import SimulationResult, simulate

# Replicate functions live at module level so that loky can pickle them.


def normal_draw(params, rng):
    return rng.normal(params.get("mu", 0.0), 1.0)


def two_metrics(params, rng):
    x = rng.standard_normal(3)
    return {"first": x[0] + params["a"], "norm": float(np.linalg.norm(x))}


def thread_counts(params, rng):
    blas = max(info["num_threads"] for info in threadpool_info())
    return {"numba": numba.get_num_threads(), "blas": blas}


GRID = [{"mu": 0.0}, {"mu": 1.5}, {"mu": -2.0}]


def _simulate(fn=normal_draw, grid=GRID, n_reps=6, **kwargs):
    kwargs.setdefault("random_state", 0)
    return simulate(fn, grid, n_reps, **kwargs)


# ---------------------------------------------------------------------------
# Seeds and scheduling
# ---------------------------------------------------------------------------


def test_reproducible_given_random_state():
    first, again, other = _simulate(), _simulate(), _simulate(random_state=1)
    assert np.array_equal(first.draws["value"], again.draws["value"])
    assert not np.array_equal(first.draws["value"], other.draws["value"])
    assert first.entropy == 0


def test_draws_follow_the_documented_seed_tree():
    n_reps = 5
    result = _simulate(n_reps=n_reps, random_state=7)
    for c, cell_seq in enumerate(np.random.SeedSequence(7).spawn(len(GRID))):
        for r, child in enumerate(cell_seq.spawn(n_reps)):
            expected = np.random.default_rng(child).normal(GRID[c]["mu"], 1.0)
            assert result.draws["value"][c, r] == expected


def test_n_jobs_one_and_two_bit_identical():
    grid = {"a": [0.0, 1.0, 2.0]}
    serial = simulate(two_metrics, grid, 8, random_state=3, n_jobs=1)
    parallel = simulate(two_metrics, grid, 8, random_state=3, n_jobs=2, block_size=3)
    assert serial.metrics == parallel.metrics
    for metric in serial.metrics:
        assert np.array_equal(serial.draws[metric], parallel.draws[metric])


@pytest.mark.parametrize("block_size", [1, 2, 5, 6, 100])
def test_block_size_does_not_change_results(block_size):
    reference = _simulate(n_reps=6)
    result = _simulate(n_reps=6, block_size=block_size)
    assert np.array_equal(reference.draws["value"], result.draws["value"])


def test_configured_backend_is_used():
    # A closure holding a lock cannot be pickled (see the loky control below),
    # and its side effects are only visible here if the tasks run in this
    # process: both prove the threading backend of parallel_config was used.
    lock = threading.Lock()
    calls = []

    def fn(params, rng):
        with lock:
            calls.append(threading.get_ident())
        return normal_draw(params, rng)

    with joblib.parallel_config(backend="threading"):
        result = simulate(fn, GRID, 6, random_state=0, n_jobs=2, block_size=2)
    assert len(calls) == len(GRID) * 6
    assert np.array_equal(result.draws["value"], _simulate().draws["value"])
    # Negative control: a process backend has to pickle the task and fails.
    with (
        joblib.parallel_config(backend="loky"),
        pytest.raises(pickle.PicklingError, match="pickle"),
    ):
        simulate(fn, GRID, 6, random_state=0, n_jobs=2, block_size=2)


def test_parallel_config_n_jobs_is_honoured():
    with joblib.parallel_config(backend="threading", n_jobs=2):
        result = _simulate(block_size=1)
    assert np.array_equal(result.draws["value"], _simulate().draws["value"])


# Python >= 3.12 warns when forking a process that runs threads (numba, BLAS).
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_backend_without_generator_support():
    with joblib.parallel_config(backend="multiprocessing", n_jobs=2):
        result = _simulate(block_size=2)
    assert np.array_equal(result.draws["value"], _simulate().draws["value"])


def test_random_state_none_records_entropy():
    result = _simulate(random_state=None)
    assert isinstance(result.entropy, int)
    again = _simulate(random_state=result.entropy)
    assert np.array_equal(result.draws["value"], again.draws["value"])


def test_seed_sequence_random_state_is_not_advanced():
    seq = np.random.SeedSequence(11)
    first = _simulate(random_state=seq)
    second = _simulate(random_state=seq)
    assert seq.n_children_spawned == 0
    assert np.array_equal(first.draws["value"], second.draws["value"])
    assert np.array_equal(first.draws["value"], _simulate(random_state=11).draws["value"])


def test_spawned_seed_sequence_is_repeatable():
    child = np.random.SeedSequence(5).spawn(3)[2]
    result = _simulate(random_state=child)
    assert result.spawn_key == (2,)
    again = _simulate(random_state=result.seed_sequence)
    assert np.array_equal(result.draws["value"], again.draws["value"])


@pytest.mark.parametrize(
    "random_state",
    [np.random.default_rng(0), np.random.RandomState(0), 1.5, "0", True],
)
def test_random_state_types_rejected(random_state):
    with pytest.raises(TypeError, match="int"):
        _simulate(random_state=random_state)


# ---------------------------------------------------------------------------
# Grid, metrics and validation
# ---------------------------------------------------------------------------


def test_dict_grid_is_cartesian_product():
    grid = {"n": [10, 20], "p": [5, 15, 25]}
    result = simulate(two_metrics_from_np, grid, 2, random_state=0)
    expected = tuple({"n": n, "p": p} for n, p in itertools.product(grid["n"], grid["p"]))
    assert result.grid == expected
    assert result.draws["value"].shape == (6, 2)
    listed = simulate(two_metrics_from_np, list(expected), 2, random_state=0)
    assert np.array_equal(result.draws["value"], listed.draws["value"])


def two_metrics_from_np(params, rng):
    return params["p"] / params["n"] + rng.standard_normal()


def test_scalar_and_dict_returns():
    scalar = _simulate()
    assert scalar.metrics == ("value",)
    several = simulate(two_metrics, {"a": [0.0, 1.0]}, 4, random_state=0)
    assert several.metrics == ("first", "norm")
    assert several.draws["norm"].dtype == np.float64
    assert np.all(several.draws["norm"] > 0)
    with pytest.raises(ValueError, match="several metrics"):
        several.mean()
    with pytest.raises(ValueError, match="Unknown metric"):
        several.mean("nope")
    assert several.mean("first").shape == (2,)


def test_numpy_scalar_returns_become_float64():
    result = simulate(lambda p, rng: np.float32(rng.integers(10)), [{}], 3, random_state=0)
    assert result.draws["value"].dtype == np.float64


@pytest.mark.parametrize("block_size", [1, 4])
def test_inconsistent_keys_raise(block_size):
    def fn(params, rng):
        return {"a": 1.0} if params["i"] == 0 else {"a": 1.0, "b": 2.0}

    with pytest.raises(ValueError, match=r"same metrics.*cell 1.*'b'"):
        simulate(fn, {"i": [0, 1]}, 4, random_state=0, block_size=block_size)


def test_float_then_dict_raises():
    def fn(params, rng):
        return 1.0 if rng.random() < 0.5 else {"value": 1.0}

    with pytest.raises(ValueError, match="same metrics"):
        simulate(fn, [{}], 50, random_state=0)


def test_keys_in_another_order_are_the_same_metrics():
    def fn(params, rng):
        pair = [("x", 1.0), ("y", 2.0)]
        return dict(pair if rng.random() < 0.5 else pair[::-1])

    result = simulate(fn, [{}], 20, random_state=0, block_size=3)
    assert np.all(result.draws["x"] == 1.0)
    assert np.all(result.draws["y"] == 2.0)


def test_array_return_raises():
    with pytest.raises(TypeError, match="shape"):
        simulate(lambda p, rng: rng.random(2), [{}], 2, random_state=0)


@pytest.mark.parametrize("n_reps", [1, 0, -3, 2.0, True])
def test_n_reps_validated(n_reps):
    with pytest.raises(ValueError, match="n_reps"):
        _simulate(n_reps=n_reps)


@pytest.mark.parametrize("grid", [[], {}, {"a": []}])
def test_empty_grid_raises(grid):
    with pytest.raises(ValueError, match="empty"):
        _simulate(grid=grid)


@pytest.mark.parametrize("grid", [[{"a": 1}, 3], {"a": 1}, {"a": "xyz"}, "abc"])
def test_malformed_grid_raises(grid):
    with pytest.raises(TypeError):
        _simulate(grid=grid)


def test_grid_is_copied():
    grid = [{"mu": 0.0}]
    result = _simulate(grid=grid)
    grid[0]["mu"] = 99.0
    assert result.grid == ({"mu": 0.0},)


# ---------------------------------------------------------------------------
# Threads, progress
# ---------------------------------------------------------------------------


def _blas_threads():
    return [info["num_threads"] for info in threadpool_info()]


def test_inner_threads_limits_and_restores():
    numba_before, blas_before = numba.get_num_threads(), _blas_threads()
    result = simulate(thread_counts, [{}], 2, random_state=0, inner_threads=1)
    assert np.all(result.draws["numba"] == 1)
    assert np.all(result.draws["blas"] == 1)
    assert numba.get_num_threads() == numba_before
    assert _blas_threads() == blas_before


def test_inner_threads_none_leaves_counts():
    result = simulate(thread_counts, [{}], 2, random_state=0, inner_threads=None)
    assert np.all(result.draws["numba"] == numba.get_num_threads())
    assert np.all(result.draws["blas"] == max(_blas_threads()))


def test_inner_threads_restored_with_threading_backend():
    numba_before, blas_before = numba.get_num_threads(), _blas_threads()
    with joblib.parallel_config(backend="threading"):
        result = simulate(thread_counts, [{}] * 4, 3, random_state=0, n_jobs=2, block_size=1)
    assert np.all(result.draws["numba"] == 1)
    assert numba.get_num_threads() == numba_before
    assert _blas_threads() == blas_before


def test_progress_bar_on_stderr(capsys):
    _simulate(progress=True, config={"name": "demo-sweep"})
    captured = capsys.readouterr()
    assert "demo-sweep" in captured.err
    assert "18/18" in captured.err
    assert captured.out == ""


def test_no_progress_by_default(capsys):
    _simulate()
    assert capsys.readouterr().err == ""


# ---------------------------------------------------------------------------
# Summaries
# ---------------------------------------------------------------------------


def test_mean_se_ci_match_numpy_scipy_statsmodels():
    result = _simulate(n_reps=30, random_state=4)
    draws = result.draws["value"]
    np.testing.assert_allclose(result.mean(), draws.mean(axis=1), rtol=1e-13)
    se = draws.std(axis=1, ddof=1) / np.sqrt(30)
    np.testing.assert_allclose(result.std_error(), se, rtol=1e-12)
    assert np.array_equal(result.n_valid(), [30, 30, 30])
    for level in (0.9, 0.95):
        low, high = result.ci(level=level)
        ref_low, ref_high = stats.t.interval(level, 29, loc=draws.mean(axis=1), scale=se)
        np.testing.assert_allclose(low, ref_low, rtol=1e-12)
        np.testing.assert_allclose(high, ref_high, rtol=1e-12)
        for c in range(len(GRID)):
            sm_low, sm_high = DescrStatsW(draws[c]).tconfint_mean(alpha=1 - level)
            np.testing.assert_allclose([low[c], high[c]], [sm_low, sm_high], rtol=1e-12)


def test_nan_draws_are_kept_and_ignored():
    def fn(params, rng):
        if params["k"] == 2:
            return np.nan
        x = rng.standard_normal()
        return np.nan if (params["k"] == 1 and x > 0) else x

    result = simulate(fn, {"k": [0, 1, 2]}, 40, random_state=0)
    draws = result.draws["value"]
    n_valid = result.n_valid()
    assert n_valid[0] == 40
    assert 0 < n_valid[1] < 40
    assert n_valid[2] == 0
    assert np.isnan(draws[1]).sum() == 40 - n_valid[1]
    np.testing.assert_allclose(result.mean()[:2], np.nanmean(draws[:2], axis=1), rtol=1e-13)
    se = np.nanstd(draws[:2], axis=1, ddof=1) / np.sqrt(n_valid[:2])
    np.testing.assert_allclose(result.std_error()[:2], se, rtol=1e-12)
    low, high = result.ci()
    assert np.isnan([result.mean()[2], low[2], high[2]]).all()
    frame = result.to_frame()
    assert frame["value_n_valid"].tolist() == n_valid.tolist()


@pytest.mark.parametrize("seed", range(3))
def test_ci_coverage_and_negative_control(seed):
    # 200 cells of 50 N(mu, 1) draws: the number of 95% intervals covering mu is
    # Binomial(200, 0.95); accept within 4 binomial standard deviations.
    n_cells, level = 200, 0.95
    mus = np.linspace(-3.0, 3.0, n_cells)
    result = simulate(normal_draw, [{"mu": m} for m in mus], 50, random_state=seed)
    tolerance = 4.0 * np.sqrt(n_cells * level * (1 - level))

    def consistent(curve):
        return abs(result.covers(curve, level=level).sum() - n_cells * level) <= tolerance

    assert consistent(mus)
    assert not consistent(mus + 1.0)  # the same check rejects a wrong curve


def test_covers_never_covers_inf_or_nan():
    result = _simulate(n_reps=10)
    covered = result.covers(result.mean())
    assert covered.all()
    assert not result.covers(np.inf).any()
    assert not result.covers([np.inf, -np.inf, np.nan]).any()
    assert result.covers(np.array([0.0, np.inf, result.mean()[2]])).tolist() == [
        bool(result.covers(0.0)[0]),
        False,
        True,
    ]


def test_ci_level_validated():
    with pytest.raises(ValueError, match="level"):
        _simulate().ci(level=1.5)


def test_to_frame_columns_and_values():
    result = simulate(two_metrics, {"a": [0.0, 2.0]}, 5, random_state=0)
    frame = result.to_frame(level=0.9)
    metric_columns = [
        f"{m}_{s}"
        for m in ("first", "norm")
        for s in ("mean", "se", "ci_low", "ci_high", "n_valid")
    ]
    assert list(frame.columns) == ["a", *metric_columns, "n_reps"]
    assert frame["a"].tolist() == [0.0, 2.0]
    assert frame["n_reps"].tolist() == [5, 5]
    np.testing.assert_array_equal(frame["norm_mean"], result.mean("norm"))
    np.testing.assert_array_equal(frame["first_se"], result.std_error("first"))
    low, high = result.ci("norm", level=0.9)
    np.testing.assert_array_equal(frame["norm_ci_low"], low)
    np.testing.assert_array_equal(frame["norm_ci_high"], high)


def test_to_frame_rejects_clashing_names():
    with pytest.raises(ValueError, match="clash"):
        simulate(normal_draw, [{"n_reps": 1}], 2, random_state=0).to_frame()


# ---------------------------------------------------------------------------
# Immutability
# ---------------------------------------------------------------------------


def test_result_is_frozen_and_read_only():
    result = _simulate(config={"name": "x"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.n_reps = 3
    with pytest.raises(ValueError, match="read-only"):
        result.draws["value"][0, 0] = 1.0
    assert result.config == {"name": "x"}


def test_pickle_round_trip_stays_read_only():
    result = _simulate()
    copy = pickle.loads(pickle.dumps(result))
    assert np.array_equal(copy.draws["value"], result.draws["value"])
    assert (copy.grid, copy.entropy) == (result.grid, result.entropy)
    assert not copy.draws["value"].flags.writeable


def test_direct_construction_copies_and_checks_shapes():
    mine = np.zeros((1, 3))
    result = SimulationResult(grid=({"a": 1},), n_reps=3, entropy=0, draws={"v": mine})
    assert mine.flags.writeable
    mine[0, 0] = 5.0
    assert result.draws["v"][0, 0] == 0.0
    with pytest.raises(ValueError, match="shape"):
        SimulationResult(grid=({"a": 1},), n_reps=2, entropy=0, draws={"v": mine})


# ---------------------------------------------------------------------------
# Proportion intervals
# ---------------------------------------------------------------------------


def bernoulli_draw(params, rng):
    return float(rng.random() < params["prob"])


@pytest.mark.parametrize(("method", "sm_method"), [("wilson", "wilson"),
                                                   ("clopper-pearson", "beta")])
def test_proportion_intervals_match_statsmodels(method, sm_method):
    # probabilities 0 and 1 give cells of all failures / all successes
    grid = [{"prob": p} for p in (0.0, 0.1, 0.5, 0.9, 1.0)]
    result = simulate(bernoulli_draw, grid, 40, random_state=1)
    count = result.draws["value"].sum(axis=1)
    assert count[0] == 0
    assert count[-1] == 40
    for level in (0.9, 0.95):
        low, high = result.ci(level=level, method=method)
        ref_low, ref_high = proportion_confint(count, 40, alpha=1 - level, method=sm_method)
        np.testing.assert_allclose(low, ref_low, rtol=1e-13, atol=0)
        np.testing.assert_allclose(high, ref_high, rtol=1e-13, atol=0)
        assert np.all((low >= 0) & (high <= 1) & (high > low))
        # exact ends without successes / failures (Wilson's formula can miss 1 by an ulp)
        assert low[0] == 0.0
        assert high[-1] == 1.0
        np.testing.assert_array_equal(
            result.covers([0.0, 0.1, 0.5, 0.9, 1.0], level=level, method=method),
            (low <= [0.0, 0.1, 0.5, 0.9, 1.0]) & ([0.0, 0.1, 0.5, 0.9, 1.0] <= high),
        )
    frame = result.to_frame(method={"value": method})
    np.testing.assert_array_equal(frame["value_ci_low"], result.ci(method=method)[0])


def test_proportion_intervals_ignore_nan_draws():
    draws = np.array([[1.0, 0.0, np.nan, 1.0], [np.nan] * 4])
    result = SimulationResult(grid=({"k": 0}, {"k": 1}), n_reps=4, entropy=0,
                              draws={"success": draws})
    low, high = result.ci(method="wilson")
    ref = proportion_confint(2, 3, alpha=1 - 0.95, method="wilson")
    np.testing.assert_allclose([low[0], high[0]], ref, rtol=1e-13)
    assert np.isnan([low[1], high[1]]).all()


@pytest.mark.parametrize("seed", range(2))
def test_wilson_coverage_and_negative_control(seed):
    # 200 cells of 60 Bernoulli(p) draws: the number of 95% Wilson intervals
    # covering p is close to Binomial(200, 0.95) (Wilson's coverage is near
    # nominal for n p (1 - p) >= 5); accept within 4 binomial SDs.
    n_cells, level = 200, 0.95
    probs = np.linspace(0.2, 0.8, n_cells)
    result = simulate(bernoulli_draw, [{"prob": p} for p in probs], 60, random_state=seed)
    tolerance = 4.0 * np.sqrt(n_cells * level * (1 - level))

    def consistent(curve):
        covered = result.covers(curve, level=level, method="wilson").sum()
        return abs(covered - n_cells * level) <= tolerance

    assert consistent(probs)
    assert not consistent(probs + 0.15)


def test_interval_method_validated():
    with pytest.raises(ValueError, match="method must be one of"):
        _simulate().ci(method="normal")
    with pytest.raises(ValueError, match="0 or 1"):
        _simulate().ci(method="wilson")  # normal draws are not indicators
    with pytest.raises(ValueError, match="unknown metrics"):
        _simulate().to_frame(method={"nope": "t"})
