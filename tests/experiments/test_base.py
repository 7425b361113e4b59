"""The reproduction base: frames, coverage, intervals, figure, report, files."""

import subprocess
import sys
from dataclasses import dataclass

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from statsmodels.stats.proportion import proportion_confint

from interpstat.experiments import Design, Reproduction
from interpstat.simulation import simulate

# ---------------------------------------------------------------------------
# A toy reproduction: normal draws with a known mean, Bernoulli draws with a
# known success probability, and a "path" design computing every point at once
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Toy:
    n_reps: int = 40
    level: float = 0.9
    shift: float = 0.0  # added to the theory: 0 is correct, > 0 a wrong curve


def normal_replicate(params, rng):
    return {"value": params["mu"] + rng.standard_normal()}


def bernoulli_replicate(params, rng):
    return float(rng.random() < params["prob"])


def path_replicate(params, rng):
    z = rng.standard_normal()
    return {f"m{k}": k + z for k in params["ks"]}


MUS = np.linspace(0.5, 4.0, 30)
PROBS = np.array([0.0, 0.05, 0.3, 0.5, 0.8, 1.0])


def toy_designs(s, interval="wilson"):
    mean = Design(
        name="mean",
        replicate=normal_replicate,
        grid=pd.DataFrame({"mu": MUS}),
        cells=[{"mu": float(m)} for m in MUS],
        n_reps=s.n_reps,
        theory=lambda pts: {"exact": pts.mu.to_numpy() + s.shift, "double": 2 * pts.mu},
        curves={"exact": "mean", "double": "twice the mean"},
        dense=pd.DataFrame({"mu": np.linspace(0.5, 4.0, 50)}),
        x="mu",
        quantity="a N(mu, 1) draw",
        title="Normal",
        threshold=1.0,
    )
    rate = Design(
        name="rate",
        replicate=bernoulli_replicate,
        grid=pd.DataFrame({"prob": PROBS}),
        cells=[{"prob": float(p)} for p in PROBS],
        n_reps=s.n_reps,
        theory=lambda pts: {"exact": pts.prob.to_numpy()},
        curves={"exact": "success probability"},
        dense=pd.DataFrame({"prob": np.linspace(0, 1, 11)}),
        x="prob",
        interval=interval,
        logx=False,
        logy=False,
        ylim=(-0.05, 1.05),
    )
    return [mean, rate]


def path_designs(s):
    ks = [1, 2, 3, 4]
    return [
        Design(
            name="path",
            replicate=path_replicate,
            grid=pd.DataFrame({"k": ks}),
            cells=[{"ks": tuple(ks)}],
            metric=[f"m{k}" for k in ks],
            n_reps=s.n_reps,
            theory=lambda pts: {"exact": pts.k.to_numpy() + s.shift},
            curves={"exact": "k"},
            dense=pd.DataFrame({"k": [1, 4]}),
            x="k",
        )
    ]


def toy(designs=toy_designs, **presets):
    presets = presets or {"quick": Toy(), "default": Toy(n_reps=60)}
    return Reproduction(
        name="toy",
        title="A toy",
        intro="Normal means and Bernoulli rates.",
        presets=presets,
        designs=designs,
        settings=lambda s: [f"shift = {s.shift}"],
        coverage_note="nothing is heavy-tailed here.",
    )


@pytest.fixture(scope="module")
def toy_run(tmp_path_factory, global_random_seed):
    out = tmp_path_factory.mktemp("toy")
    return toy().run(out, mode="quick", random_state=global_random_seed, progress=False)


# ---------------------------------------------------------------------------
# The simulated frame
# ---------------------------------------------------------------------------


def test_frame_columns_and_values_match_simulate(toy_run, global_random_seed):
    frame = toy_run["frame"]
    assert list(frame.columns) == [
        "design", "mu", "prob", "n_reps", "sim_mean", "sim_se", "ci_low", "ci_high",
        "exact", "double", "covered",
    ]
    # design i runs with child i of the root seed
    seeds = np.random.SeedSequence(global_random_seed).spawn(2)
    result = simulate(normal_replicate, [{"mu": float(m)} for m in MUS], 40,
                      random_state=seeds[0])
    mean = frame[frame.design == "mean"]
    np.testing.assert_array_equal(mean.sim_mean, result.mean("value"))
    np.testing.assert_array_equal(mean.sim_se, result.std_error("value"))
    low, high = result.ci("value", level=0.9)
    np.testing.assert_array_equal(mean.ci_low, low)
    np.testing.assert_array_equal(mean.ci_high, high)
    np.testing.assert_array_equal(mean.covered, result.covers(MUS, "value", level=0.9))
    np.testing.assert_array_equal(mean.double, 2 * MUS)
    # a curve a design lacks is NaN in its rows
    assert frame[frame.design == "rate"].double.isna().all()
    assert frame.attrs["level"] == 0.9


def test_frame_column_order():
    frame = toy(designs=path_designs).simulate_frame(Toy(n_reps=5), random_state=0)
    assert list(frame.columns) == [
        "design", "k", "n_reps", "sim_mean", "sim_se", "ci_low", "ci_high", "exact", "covered",
    ]


def test_coverage_of_a_known_mean_and_negative_control(global_random_seed):
    # 30 points, 90% intervals: the covered count is Binomial(30, 0.9) for the
    # right curve; accept down to 4 SDs below the mean.  A curve shifted by
    # 0.6 (about 3.8 standard errors at 40 draws) must be rejected.
    m, level = len(MUS), 0.9
    floor = level * m - 4 * np.sqrt(m * level * (1 - level))
    right = toy().simulate_frame(Toy(), random_state=global_random_seed)
    wrong = toy().simulate_frame(Toy(shift=0.6), random_state=global_random_seed)
    assert right[right.design == "mean"].covered.sum() >= floor
    assert wrong[wrong.design == "mean"].covered.sum() < 0.5 * m
    # the same draws: only the curve changed
    np.testing.assert_array_equal(right.sim_mean, wrong.sim_mean)


@pytest.mark.parametrize(("interval", "sm_method"), [("wilson", "wilson"),
                                                     ("clopper-pearson", "beta")])
def test_proportion_design_intervals_equal_statsmodels(interval, sm_method):
    s = Toy(n_reps=30, level=0.95)
    rep = toy(designs=lambda s: toy_designs(s, interval=interval))
    frame = rep.simulate_frame(s, random_state=3)
    rate = frame[frame.design == "rate"]
    count = np.rint(rate.sim_mean.to_numpy() * 30)
    assert count[0] == 0
    assert count[-1] == 30
    low, high = proportion_confint(count, 30, alpha=1 - 0.95, method=sm_method)
    np.testing.assert_allclose(rate.ci_low, low, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(rate.ci_high, high, rtol=1e-12, atol=1e-15)
    # probabilities 0 and 1 are covered by their intervals (a Student-t
    # interval would collapse to a point there)
    assert rate.covered.iloc[0]
    assert rate.covered.iloc[-1]
    # the mean design keeps Student-t intervals
    assert frame.loc[frame.design == "mean", "ci_low"].lt(
        frame.loc[frame.design == "mean", "sim_mean"]).all()


def test_path_design_one_cell_many_metrics():
    rep = toy(designs=path_designs)
    frame = rep.simulate_frame(Toy(n_reps=25), random_state=1)
    result = simulate(path_replicate, [{"ks": (1, 2, 3, 4)}], 25,
                      random_state=np.random.SeedSequence(1).spawn(1)[0])
    for k in (1, 2, 3, 4):
        row = frame[frame.k == k].iloc[0]
        assert row.sim_mean == result.mean(f"m{k}")[0]
        assert row.ci_low == result.ci(f"m{k}", level=0.9)[0][0]
        assert row.covered == result.covers(k, f"m{k}", level=0.9)[0]


def batch_replicate(params, rng):
    draws = rng.random(params["batch"]) < params["prob"]
    return {f"d{i}": float(v) for i, v in enumerate(draws)}


def test_batched_design_pools_draws_into_one_metric():
    # a replicate returns a batch of 0/1 draws: the base runs ceil(n_reps /
    # batch) replicates per cell and pools the first n_reps draws
    probs = np.array([0.1, 0.6])

    def designs(s):
        return [Design(
            name="batched", replicate=batch_replicate, grid=pd.DataFrame({"prob": probs}),
            cells=[{"prob": float(p), "batch": 8} for p in probs], n_reps=s.n_reps,
            theory=lambda pts: {"exact": pts.prob.to_numpy()}, curves={"exact": "p"},
            dense=pd.DataFrame({"prob": [0.0, 1.0]}), x="prob", metric="hit",
            interval="clopper-pearson", batch=8,
        )]

    frame = toy(designs=designs).simulate_frame(Toy(n_reps=20), random_state=5)
    assert frame.n_reps.tolist() == [20, 20]
    seed = np.random.SeedSequence(5).spawn(1)[0]
    raw = simulate(batch_replicate, [{"prob": float(p), "batch": 8} for p in probs], 3,
                   random_state=seed, config={"name": "batched"})
    pooled = np.concatenate([raw.draws[m] for m in raw.metrics], axis=1)[:, :20]
    np.testing.assert_array_equal(frame.sim_mean.to_numpy(), pooled.mean(axis=1))
    low, high = proportion_confint(pooled.sum(axis=1), 20, alpha=0.1, method="beta")
    np.testing.assert_allclose(frame.ci_low, low, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(frame.ci_high, high, rtol=1e-12, atol=1e-15)


def test_theory_frame():
    dense = toy().theory_frame(Toy())
    assert list(dense.columns) == ["design", "mu", "prob", "exact", "double"]
    mean = dense[dense.design == "mean"]
    np.testing.assert_array_equal(mean.exact, np.linspace(0.5, 4.0, 50))
    assert len(dense[dense.design == "rate"]) == 11


# ---------------------------------------------------------------------------
# Figure, report, files
# ---------------------------------------------------------------------------


def test_figure_is_a_figure_outside_pyplot(toy_run):
    import matplotlib.pyplot as plt

    rep, s = toy(), Toy()
    before, backend = plt.get_fignums(), matplotlib.get_backend()
    fig = rep.figure(s, toy_run["frame"], rep.theory_frame(s))
    assert isinstance(fig, Figure)
    assert plt.get_fignums() == before
    assert matplotlib.get_backend() == backend
    normal, rate = fig.axes
    assert normal.get_title() == "Normal"
    assert normal.get_xscale() == "log"
    assert rate.get_yscale() == "linear"
    assert rate.get_ylim() == (-0.05, 1.05)
    legend = [t.get_text() for t in normal.get_legend().get_texts()]
    assert legend == ["mean", "twice the mean", "simulation (90% CI, 40 reps)"]
    assert len(normal.get_lines()) >= 3  # two curves and the threshold line


def test_report_states_level_and_coverage(toy_run):
    report = toy_run["report"].read_text(encoding="utf-8")
    frame = toy_run["frame"]
    k = int(frame[frame.design == "mean"].covered.sum())
    assert f"| mean | 30 | 30 | {k} | {k / 30:.0%} |" in report
    assert "mean: 40 replicates per point, 90% Student-t intervals" in report
    assert "rate: 40 replicates per point, 90% Wilson intervals" in report
    assert "- shift = 0.0" in report
    assert "- mean: a N(mu, 1) draw" in report
    assert "| design | mu | prob | simulation | 90% CI | exact | double | covered |" in report
    assert "95%" not in report
    assert "| rate |  | 0.05 | " in report  # a grid column the design lacks is blank
    # the section .ci/run prints: from "## Coverage" to the line starting "With"
    section = report[report.index("## Coverage"):]
    with_line = next(line for line in section.splitlines() if line.startswith("With"))
    assert with_line == (
        "With a correct curve about 90% of points are covered; nothing is heavy-tailed here."
    )


def test_points_without_reference_are_neither_covered_nor_missed(tmp_path):
    # a simulation-only point (reference NaN) is <NA> in the frame, "—" in the
    # report table and left out of the coverage counts
    import dataclasses

    def designs(s):
        mean, rate = toy_designs(s)
        rate = dataclasses.replace(
            rate,
            theory=lambda pts: {"exact": np.where(pts.prob == 0.3, np.nan, pts.prob)},
        )
        return [mean, rate]

    out = toy(designs).run(tmp_path, mode="quick", random_state=0, progress=False)
    rate = out["frame"][out["frame"].design == "rate"]
    assert rate.covered.isna().tolist() == [False, False, True, False, False, False]
    k = int(rate.covered.sum())
    report = out["report"].read_text(encoding="utf-8")
    assert f"| rate | 6 | 5 | {k} | {k / 5:.0%} |" in report
    assert "| rate |  | 0.3 | " in report
    row = next(line for line in report.splitlines() if line.startswith("| rate |  | 0.3 | "))
    assert row.endswith("| — |")
    written = pd.read_csv(out["csv"])
    assert written.covered.isna().sum() == 1


def test_report_appendix_follows_the_table(toy_run):
    import dataclasses

    rep = toy()
    s, frame = rep.spec("quick"), toy_run["frame"]
    kwargs = {"mode": "quick", "seed": 0, "runtime": 1.0, "n_jobs": None}
    plain = rep.report(s, frame, **kwargs)
    extra = dataclasses.replace(
        rep, appendix=lambda spec, fr: f"## Extra\n\nshift {spec.shift}, {len(fr)} rows\n"
    ).report(s, frame, **kwargs)
    assert extra == plain + f"\n## Extra\n\nshift 0.0, {len(frame)} rows\n"
    assert plain.endswith("`figure.png`.\n")


def test_run_writes_three_files(toy_run):
    assert toy_run["figure"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    frame = pd.read_csv(toy_run["csv"])
    pd.testing.assert_frame_equal(frame, toy_run["frame"].reset_index(drop=True),
                                  check_dtype=False)
    assert toy_run["report"].read_text(encoding="utf-8").startswith("# A toy\n")


def test_run_leaves_pyplot_unimported(tmp_path):
    code = (
        "import sys; from tests.experiments.test_base import toy; "
        f"toy().run({str(tmp_path)!r}, mode='quick', progress=False); "
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    assert (tmp_path / "figure.png").exists()


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------


def _design(**changes):
    kwargs = {
        "name": "d", "replicate": normal_replicate, "grid": pd.DataFrame({"mu": [1.0, 2.0]}),
        "cells": [{"mu": 1.0}, {"mu": 2.0}], "n_reps": 5,
        "theory": lambda pts: {"exact": pts.mu}, "curves": {"exact": "exact"},
        "dense": pd.DataFrame({"mu": [1.0, 2.0]}), "x": "mu",
    }
    return Design(**{**kwargs, **changes})


def test_design_validation():
    assert _design().points() == [(0, "value"), (1, "value")]
    with pytest.raises(ValueError, match="cells for 2 grid points"):
        _design(cells=[{"mu": 1.0}] * 3)
    with pytest.raises(ValueError, match="names 1 metrics"):
        _design(metric=["a"])
    with pytest.raises(ValueError, match="share a cell and metric"):
        _design(cells=[{"mu": 1.0}])
    with pytest.raises(ValueError, match="interval must be one of"):
        _design(interval="normal")
    with pytest.raises(ValueError, match="not a dense column"):
        _design(dense=pd.DataFrame({"nu": [1.0]}))
    with pytest.raises(ValueError, match="clash"):
        _design(curves={"sim_mean": "x"})
    with pytest.raises(ValueError, match="theory returned"):
        _design(theory=lambda pts: {"other": pts.mu}).evaluate(pd.DataFrame({"mu": [1.0]}))


def test_reproduction_validation():
    with pytest.raises(ValueError, match="mode must be one of"):
        toy().spec("huge")
    with pytest.raises(ValueError, match="unique"):
        toy(designs=lambda s: [_design(), _design()]).design_list(Toy())
    with pytest.raises(ValueError, match="reference curve"):
        toy(designs=lambda s: [_design(curves={"c": "c"}, theory=lambda p: {"c": p.mu})]
            ).design_list(Toy())
