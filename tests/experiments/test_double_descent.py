"""The double-descent reproduction: files, table, coverage of the exact curve."""

import numpy as np
import pandas as pd
import pytest

from interpstat.experiments import double_descent as dd
from interpstat.experiments import get


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory, global_random_seed):
    out = tmp_path_factory.mktemp("dd")
    return dd.REPRODUCTION.run(out, mode="quick", random_state=global_random_seed, progress=False)


def test_writes_csv_figure_report(quick_run):
    assert quick_run["csv"].exists()
    assert quick_run["figure"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    report = quick_run["report"].read_text(encoding="utf-8")
    for needle in ("## Settings", "seed: `", "runtime", "Coverage of the exact curve"):
        assert needle in report
    assert "| design | p | p/n | simulation | 95% CI | exact | asymptotic | covered |" in report
    assert "With a correct curve about 95% of points are covered;" in report
    frame = pd.read_csv(quick_run["csv"])
    assert set(frame.design) == {"isotropic", "weak-features"}
    assert list(frame.columns) == [
        "design", "n", "p", "gamma", "n_reps", "sim_mean", "sim_se", "ci_low", "ci_high",
        "exact", "asymptotic", "covered",
    ]
    weak = frame[frame.design == "weak-features"]
    assert weak.asymptotic.isna().all()
    assert (weak.p <= dd.REPRODUCTION.spec("quick").D).all()
    assert np.all(np.abs(frame.p - dd.REPRODUCTION.spec("quick").n) >= 4)


@pytest.mark.slow
def test_ci_coverage_of_exact_curve_and_negative_control(quick_run):
    frame = quick_run["frame"]
    m = len(frame)
    # 95% intervals: covered count ~ Binomial(m, .95); accept down to 4 SDs
    # below the mean (heavy tails near the threshold make intervals a bit
    # anti-conservative, which this bound leaves room for)
    floor = 0.95 * m - 4 * np.sqrt(m * 0.95 * 0.05)
    assert frame.covered.sum() >= floor
    # negative control: a curve 15% too high must be rejected at most points
    wrong = 1.15 * frame.exact
    covered_wrong = (frame.ci_low <= wrong) & (wrong <= frame.ci_high)
    assert covered_wrong.sum() < 0.5 * m


def test_reproducible_given_seed():
    s = dd.Spec(n=12, n_points=5, gamma_min=0.2, gamma_max=5.0, D_factor=5, n_reps=4)
    a = dd.REPRODUCTION.simulate_frame(s, random_state=3)
    b = dd.REPRODUCTION.simulate_frame(s, random_state=3, n_jobs=2)
    pd.testing.assert_frame_equal(a, b)


def test_spec_and_registry():
    assert get("double-descent") is dd
    with pytest.raises(ValueError, match="Unknown reproduction"):
        get("nope")
    with pytest.raises(ValueError, match="mode"):
        dd.REPRODUCTION.spec("huge")
    dense = dd.REPRODUCTION.theory_frame(dd.REPRODUCTION.spec("quick"))
    iso = dense[dense.design == "isotropic"]
    assert np.isinf(iso.exact[iso.p == 40]).all()  # the threshold p = n
    names = [d.name for d in dd.designs(dd.REPRODUCTION.spec("quick"))]
    assert names == ["isotropic", "weak-features"]


def test_docs_are_self_contained():
    # the exclusion of |p - n| <= 3 is explained in the module, not by a pointer
    assert "REFERENCES" not in dd.__doc__
    assert "n - p - 1" in dd.__doc__
