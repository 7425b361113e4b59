"""Tests for the risk-curve Display."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from interpstat.plotting import RiskCurveDisplay
from interpstat.simulation import simulate

GAMMA = np.array([0.2, 0.5, 0.8, 1.0, 1.5, 3.0, 6.0])


def isotropic_risk(gamma):
    # Ridgeless isotropic risk with unit signal and noise (inf at gamma = 1).
    with np.errstate(divide="ignore"):
        return np.where(gamma < 1, gamma / (1 - gamma), 1 - 1 / gamma + 1 / (gamma - 1))


def noisy_risk(params, rng):
    gamma = params["p"] / params["n"]
    return isotropic_risk(np.array(gamma)).item() * rng.exponential() if gamma != 1 else np.inf


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def result():
    grid = {"p": [20, 5, 40, 80], "n": [20]}  # deliberately not sorted in p
    return simulate(noisy_risk, grid, 10, random_state=0)


def test_display_from_arrays():
    risk = isotropic_risk(GAMMA)
    low, high = 0.8 * risk, 1.2 * risk
    display = RiskCurveDisplay(
        x=GAMMA, curves={"theory": risk, "twice": 2 * risk}, sim_mean=risk, sim_ci=(low, high)
    )
    assert display.plot() is display
    assert len(display.lines_) == 2
    assert [line.get_label() for line in display.lines_] == ["theory", "twice"]
    assert display.ax_.get_xscale() == "log"
    assert display.ax_.get_yscale() == "log"
    assert display.ax_.get_xlabel() == "p / n"
    assert display.ax_.get_ylabel() == "test risk"
    assert display.figure_ is display.ax_.figure
    assert display.threshold_line_ is not None
    assert display.threshold_line_.get_xdata()[0] == 1.0
    legend = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert legend == ["theory", "twice", "simulation"]


def test_infinite_curve_values_are_gaps():
    risk = isotropic_risk(GAMMA)
    assert np.isinf(risk[3])
    display = RiskCurveDisplay(x=GAMMA, curves={"theory": risk}).plot()
    y = display.lines_[0].get_ydata()
    assert np.isnan(y[3])
    assert np.isfinite(np.delete(y, 3)).all()
    assert display.errorbar_ is None


def test_error_bars_are_asymmetric_and_clipped_on_log_axis():
    x = np.array([0.5, 2.0, 4.0])
    mean = np.array([1.0, 2.0, 0.5])
    low = np.array([0.5, -1.0, 0.4])
    high = np.array([3.0, 2.5, 0.7])
    display = RiskCurveDisplay(x=x, sim_mean=mean, sim_ci=(low, high)).plot()
    segments = display.errorbar_.lines[2][0].get_segments()
    lows = [seg[:, 1].min() for seg in segments]
    highs = [seg[:, 1].max() for seg in segments]
    np.testing.assert_allclose(highs, high)
    floor = 0.5 * 0.4  # half the smallest positive mean / CI end
    np.testing.assert_allclose(lows, [0.5, floor, 0.4])

    linear = RiskCurveDisplay(x=x, sim_mean=mean, sim_ci=(low, high)).plot(logy=False)
    segments = linear.errorbar_.lines[2][0].get_segments()
    np.testing.assert_allclose([seg[:, 1].min() for seg in segments], low)
    assert linear.ax_.get_yscale() == "linear"


def test_plot_options():
    display = RiskCurveDisplay(
        x=GAMMA, curves={"theory": isotropic_risk(GAMMA)}, xlabel="gamma", ylabel="risk"
    ).plot(logx=False, logy=False, ylim=(0, 5), title="double descent", threshold=None)
    ax = display.ax_
    assert (ax.get_xscale(), ax.get_yscale()) == ("linear", "linear")
    assert ax.get_ylim() == (0, 5)
    assert ax.get_title() == "double descent"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("gamma", "risk")
    assert display.threshold_line_ is None


def test_threshold_outside_range_is_not_drawn():
    x = np.array([2.0, 3.0, 4.0])
    display = RiskCurveDisplay(x=x, curves={"c": x}).plot()
    assert display.threshold_line_ is None


def test_given_ax_is_used():
    fig, ax = plt.subplots()
    display = RiskCurveDisplay(x=GAMMA, curves={"theory": isotropic_risk(GAMMA)}).plot(ax=ax)
    assert display.ax_ is ax
    assert display.figure_ is fig
    assert len(fig.axes) == 1


def test_from_simulation(result):
    theory = {"theory": isotropic_risk(np.array([1.0, 0.25, 2.0, 4.0]))}
    _, ax = plt.subplots()
    display = RiskCurveDisplay.from_simulation(
        result, "p", theory=theory, x_scale="n", ax=ax, label="MC", title="t"
    )
    assert isinstance(display, RiskCurveDisplay)
    assert display.ax_ is ax
    np.testing.assert_array_equal(display.x, [1.0, 0.25, 2.0, 4.0])
    np.testing.assert_array_equal(display.sim_mean, result.mean())
    assert display.label == "MC"
    assert ax.get_title() == "t"
    assert len(display.lines_) == 1
    # Points are drawn in order of x, with the infinite mean at x = 1 as a gap.
    line = display.lines_[0]
    np.testing.assert_array_equal(line.get_xdata(), [0.25, 1.0, 2.0, 4.0])
    points = display.errorbar_.lines[0]
    np.testing.assert_array_equal(points.get_xdata(), [0.25, 1.0, 2.0, 4.0])
    assert np.isnan(points.get_ydata()[1])
    np.testing.assert_allclose(points.get_ydata()[[0, 2, 3]], result.mean()[[1, 2, 3]])


def test_from_simulation_numeric_scale_and_level(result):
    display = RiskCurveDisplay.from_simulation(result, "p", x_scale=20.0, level=0.5)
    np.testing.assert_array_equal(display.x, [1.0, 0.25, 2.0, 4.0])
    np.testing.assert_array_equal(display.sim_ci[0], result.ci(level=0.5)[0])
    np.testing.assert_array_equal(display.sim_ci[1], result.ci(level=0.5)[1])
    assert display.lines_ == []


def test_mismatched_lengths_raise():
    with pytest.raises(ValueError, match="x has 7"):
        RiskCurveDisplay(x=GAMMA, curves={"theory": [1.0, 2.0]}).plot()
    with pytest.raises(ValueError, match="sim_ci needs sim_mean"):
        RiskCurveDisplay(x=GAMMA, sim_ci=(GAMMA, GAMMA)).plot()
