"""Tests for the Display objects, and the layering of ``interpstat.plotting``."""

import matplotlib

matplotlib.use("Agg")

import ast
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import interpstat.plotting
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
        x=GAMMA, curves={"theory": risk, "twice": 2 * risk}, sim_mean=risk, sim_ci=(low, high),
        xlabel="p / n", ylabel="test risk",
    )
    assert display.plot(threshold=1.0) is display
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


def test_defaults_are_neutral():
    # No double-descent defaults: no axis labels, no threshold line unless asked.
    display = RiskCurveDisplay(x=GAMMA, curves={"theory": isotropic_risk(GAMMA)}).plot()
    assert display.ax_.get_xlabel() == ""
    assert display.ax_.get_ylabel() == ""
    assert display.ax_.get_title() == ""
    assert display.threshold_line_ is None


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
    # labels derived from the arguments, not double-descent defaults
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("p / n", "value")
    assert display.threshold_line_ is None
    assert len(display.lines_) == 1
    # Points are drawn in order of x, with the infinite mean at x = 1 as a gap.
    line = display.lines_[0]
    np.testing.assert_array_equal(line.get_xdata(), [0.25, 1.0, 2.0, 4.0])
    points = display.errorbar_.lines[0]
    np.testing.assert_array_equal(points.get_xdata(), [0.25, 1.0, 2.0, 4.0])
    assert np.isnan(points.get_ydata()[1])
    np.testing.assert_allclose(points.get_ydata()[[0, 2, 3]], result.mean()[[1, 2, 3]])


def test_from_simulation_numeric_scale_and_level(result):
    display = RiskCurveDisplay.from_simulation(result, "p", x_scale=20.0, level=0.5,
                                               ylabel="risk")
    assert (display.ax_.get_xlabel(), display.ax_.get_ylabel()) == ("p", "risk")
    np.testing.assert_array_equal(display.x, [1.0, 0.25, 2.0, 4.0])
    np.testing.assert_array_equal(display.sim_ci[0], result.ci(level=0.5)[0])
    np.testing.assert_array_equal(display.sim_ci[1], result.ci(level=0.5)[1])
    assert display.lines_ == []


def test_mismatched_lengths_raise():
    with pytest.raises(ValueError, match="x has 7"):
        RiskCurveDisplay(x=GAMMA, curves={"theory": [1.0, 2.0]}).plot()
    with pytest.raises(ValueError, match="sim_ci needs sim_mean"):
        RiskCurveDisplay(x=GAMMA, sim_ci=(GAMMA, GAMMA)).plot()


def test_several_series_with_own_x_styles_and_bands():
    risk = isotropic_risk(GAMMA)
    series = [
        {"x": [0.5, 2.0, 0.25], "mean": [1.0, 1.5, 0.3], "ci": ([0.9, 1.2, 0.2], [1.1, 1.8, 0.4]),
         "label": "n = 50", "style": {"color": "C3", "fmt": "s"}},
        {"x": [0.4, 3.0], "mean": [0.7, 1.2], "ci": ([0.6, 1.0], [0.8, 1.3]),
         "label": "n = 200", "band": True},
        {"x": [0.3, 5.0], "mean": [0.5, 1.1], "label": "no interval"},
    ]
    display = RiskCurveDisplay(
        x=GAMMA, curves={"theory": risk}, curve_styles={"theory": {"color": "C7", "lw": 3}},
        series=series,
    ).plot(logy=False)
    assert display.lines_[0].get_color() == "C7"
    assert display.lines_[0].get_linewidth() == 3
    assert len(display.errorbars_) == 3
    assert display.errorbar_ is display.errorbars_[0]
    first = display.errorbars_[0]
    # sorted by the series' own x, drawn with its own style
    np.testing.assert_array_equal(first.lines[0].get_xdata(), [0.25, 0.5, 2.0])
    assert first.lines[0].get_marker() == "s"
    assert first.lines[0].get_color() == "C3"
    segments = first.lines[2][0].get_segments()
    np.testing.assert_allclose([seg[:, 1].min() for seg in segments], [0.2, 0.9, 1.2])
    # the band series: no bars, a shaded band in the series' colour
    assert display.bands_[0] is None
    assert display.bands_[2] is None
    band = display.bands_[1]
    assert display.errorbars_[1].has_yerr is False
    colour = matplotlib.colors.to_rgba(display.errorbars_[1].lines[0].get_color())
    np.testing.assert_allclose(band.get_facecolor()[0][:3], colour[:3])
    vertices = band.get_paths()[0].vertices
    assert vertices[:, 1].min() == pytest.approx(0.6)
    assert vertices[:, 1].max() == pytest.approx(1.3)
    legend = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert legend == ["theory", "n = 50", "n = 200", "no interval"]


def test_threshold_uses_all_x_ranges():
    # The line is drawn when the threshold lies within any series' range.
    display = RiskCurveDisplay(series=[{"x": [0.5, 2.0], "mean": [1.0, 1.0]}]).plot(
        threshold=1.0)
    assert display.threshold_line_ is not None


def test_series_validated():
    with pytest.raises(ValueError, match="unknown keys"):
        RiskCurveDisplay(series=[{"x": [1.0], "mean": [1.0], "colour": "r"}]).plot()
    with pytest.raises(ValueError, match="needs a 'mean'"):
        RiskCurveDisplay(series=[{"x": [1.0]}]).plot()
    with pytest.raises(ValueError, match="needs an 'x'"):
        RiskCurveDisplay(series=[{"mean": [1.0]}]).plot()
    with pytest.raises(ValueError, match="x has 2"):
        RiskCurveDisplay(series=[{"x": [1.0, 2.0], "mean": [1.0]}]).plot()
    with pytest.raises(ValueError, match="curves need x"):
        RiskCurveDisplay(curves={"c": [1.0]}).plot()


def test_from_frame_with_hue():
    frame = pd.DataFrame({
        "gamma": [2.0, 0.5, 1.5, 0.5, 2.0],
        "risk": [1.0, 0.4, 2.0, 0.6, 1.2],
        "lo": [0.9, 0.3, 1.5, 0.5, 1.1],
        "hi": [1.1, 0.5, 2.5, 0.7, 1.3],
        "n": [50, 50, 50, 200, 200],
    })
    _, ax = plt.subplots()
    display = RiskCurveDisplay.from_frame(
        frame, x="gamma", y="risk", ci=("lo", "hi"), hue="n",
        styles={200: {"color": "C5", "fmt": "s"}}, ax=ax, threshold=1.0, title="t",
    )
    assert display.ax_ is ax
    assert [s["label"] for s in display.series] == ["50", "200"]
    assert len(display.errorbars_) == 2
    first, second = display.errorbars_
    np.testing.assert_array_equal(first.lines[0].get_xdata(), [0.5, 1.5, 2.0])
    np.testing.assert_array_equal(first.lines[0].get_ydata(), [0.4, 2.0, 1.0])
    assert second.lines[0].get_color() == "C5"
    assert second.lines[0].get_marker() == "s"
    segments = second.lines[2][0].get_segments()
    np.testing.assert_allclose([seg[:, 1].max() for seg in segments], [0.7, 1.3])
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("gamma", "risk", "t")
    assert display.threshold_line_ is not None


def test_from_frame_single_series_without_ci():
    frame = pd.DataFrame({"d": [1, 2, 3], "rate": [0.2, 0.5, 0.9]})
    display = RiskCurveDisplay.from_frame(
        frame, x="d", y="rate", logx=False, logy=False, label="EM", xlabel="dimension")
    assert len(display.series) == 1
    assert display.series[0]["label"] == "EM"
    assert not display.errorbar_.has_yerr
    assert display.ax_.get_xlabel() == "dimension"
    assert display.ax_.get_ylabel() == "rate"


def test_plot_on_given_ax_leaves_pyplot_alone():
    from matplotlib.figure import Figure

    before = plt.get_fignums()
    ax = Figure().subplots()
    display = RiskCurveDisplay(x=GAMMA, curves={"theory": isotropic_risk(GAMMA)}).plot(ax=ax)
    assert display.figure_ is ax.figure
    assert plt.get_fignums() == before


# ---------------------------------------------------------------------------
# EMLandscapeDisplay
# ---------------------------------------------------------------------------


def _em_display(s=2.0, w_star=0.8, **kwargs):
    from interpstat.plotting import EMLandscapeDisplay

    boundary = (np.array([0.1, 0.5, 0.9]), np.array([0.35, 0.0, -0.35]))
    return EMLandscapeDisplay.from_theory(
        s, w_star, n_theta=81, n_field=(15, 11), boundary=boundary, **kwargs
    )


@pytest.fixture(scope="module")
def em_display():
    fig, axes = plt.subplots(1, 2)
    display = _em_display(starts=(-0.35, -0.15), ax=axes, density=0.5)
    yield display, axes
    plt.close(fig)


def test_em_landscape_display_both_panels(em_display):
    display, axes = em_display
    assert display.ax_[0] is axes[0]
    assert display.ax_[1] is axes[1]
    assert display.figure_ is axes[0].figure
    m1, m2 = display.fixed_point_markers_["model1"], display.fixed_point_markers_["model2"]
    # Model 1: spurious (stable, filled), unstable (open), global (filled)
    assert [m.get_markerfacecolor() == "white" for m in m1] == [False, True, False]
    # Model 2: two maxima (filled) and the saddle (open)
    assert [m.get_markerfacecolor() == "white" for m in m2] == [False, True, False]
    np.testing.assert_allclose([m.get_xdata()[0] for m in m2], [-2.0, 0.0, 2.0], atol=1e-12)
    # the map crosses the diagonal at the fixed points
    line = display.map_line_
    assert line.get_xdata().size == 81
    assert display.stream_ is not None
    assert display.boundary_line_ is not None
    labels = [t.get_text() for t in axes[0].get_legend().get_texts()]
    assert "basin of θ̄" in labels
    assert "EM from θ0 = -0.35" in labels
    labels = [t.get_text() for t in axes[1].get_legend().get_texts()]
    assert "basin of (s, w*)" in labels
    assert "Model 1's θ̄ (not fixed here)" in labels


def test_em_landscape_display_single_panel_and_no_spurious_point():
    display = _em_display(s=0.5, which="model1")
    assert display.ax_.get_xlabel() == "θ"
    assert len(display.fixed_point_markers_["model1"]) == 1  # only theta* below s_c
    labels = [t.get_text() for t in display.ax_.get_legend().get_texts()]
    assert "basin of θ̄" not in labels
    assert "model2" not in display.fixed_point_markers_
    display.plot(which="model2", density=0.3)
    assert display.ax_.get_ylabel() == "w"
    assert display.map_line_ is None
    assert display.boundary_line_ is not None


def test_em_landscape_display_validation(em_display):
    display, _ = em_display
    _, axes = plt.subplots(1, 2)
    with pytest.raises(ValueError, match="needs 1 axes"):
        display.plot(ax=axes, which="model1")
    with pytest.raises(ValueError, match="which must be"):
        display.plot(which="model3")
    field, display.field = display.field, np.zeros((2, 3, 3))
    try:
        with pytest.raises(ValueError, match="field has shape"):
            display.plot(which="model2")
    finally:
        display.field = field


# ---------------------------------------------------------------------------
# Layering: plotting draws what theory and experiments compute, never the reverse
# ---------------------------------------------------------------------------


def imported_modules(source, package):
    """Every module ``source`` imports, at any depth, as absolute dotted names.

    ``from a import b`` yields ``a`` and ``a.b`` (``b`` may be a submodule); relative
    imports are resolved against ``package``; ``importlib.import_module("x")`` and
    ``__import__("x")`` with a literal name count too.
    """
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module
            if node.level:  # relative: the package of the file, less (level - 1) parts
                parts = package.split(".")
                parent = parts[: len(parts) - node.level + 1]
                base = ".".join([*parent, node.module] if node.module else parent)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
        elif (isinstance(node, ast.Call) and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and ast.unparse(node.func) in {"importlib.import_module", "import_module",
                                             "__import__"}):
            names.add(node.args[0].value)
    return names


def reaches(names, module):
    return any(name == module or name.startswith(module + ".") for name in names)


def test_plotting_does_not_import_experiments():
    source = Path(interpstat.plotting.__file__).read_text(encoding="utf-8")
    names = imported_modules(source, "interpstat")
    assert "interpstat.theory" in names  # the walker sees the lazy imports inside functions
    assert not reaches(names, "interpstat.experiments")
    # negative controls: each way of importing the experiments layer is caught
    for bad in (
        "def f():\n    from interpstat.experiments.em_landscape import basin_boundary\n",
        "import interpstat.experiments\n",
        "from interpstat import experiments\n",
        "from .experiments import em_landscape\n",
        "from . import experiments\n",
        "import importlib\nimportlib.import_module('interpstat.experiments.em_landscape')\n",
    ):
        assert reaches(imported_modules(bad, "interpstat"), "interpstat.experiments"), bad
    assert not reaches(imported_modules("from .theory import mixture\n", "interpstat"),
                       "interpstat.experiments")
