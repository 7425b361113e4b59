"""EM fitting two symmetric components to a single Gaussian (the over-specified case).

Data ``X ~ N(0, 1)``; fitted model ``w N(theta, 1) + (1 - w) N(-theta, 1)``
with the weight known.  The truth is ``theta = 0``.  Dwivedi, Ho, Khamaru,
Wainwright, Jordan and Yu (*Ann. Statist.* 48(6), 2020) show that for the
balanced fit (``w = 1/2``) EM converges sublinearly and its statistical error
is of order ``n^(-1/4)`` instead of the parametric ``n^(-1/2)``; for
``w != 1/2`` convergence is geometric.  Two parts:

``population``
    Iterates ``|theta_t|`` of the population map
    :func:`~interpstat.theory.overspecified_em_step` from ``theta_0 = 1``
    against the rate ``(2t)^(-1/2)`` (docs/theory.rst, eq.
    (em-overspecified): ``M(theta) = theta (1 - theta^2 + O(theta^4))``, so
    ``theta_t^(-2) ~ theta_0^(-2) + 2t``), and, for contrast, the unbalanced
    fit ``w = 0.7``, whose iterates shrink like ``(4w(1 - w))^t``.  The
    number of steps to reach ``|theta_t| <= eps`` is reported.
``sample EM``
    The sample EM map in ``d = 1`` is ``M_n(theta) = mean(x tanh(x theta))``;
    its limit from any ``theta_0 > 0`` is ``0`` if ``m2 = mean(x^2) <= 1`` and
    otherwise the unique positive fixed point ``theta_hat``
    (:func:`sample_em_limit`, by Newton's method).  The final error
    ``|theta_hat|`` is averaged over replicates at each ``n`` and compared
    with the first-order asymptotics ``E|theta_hat| ~ Gamma(3/4)/sqrt(2 pi)
    n^(-1/4) = 0.4889 n^(-1/4)`` (:data:`ASYMPTOTIC_CONSTANT`; a project
    derivation, not a constant from the paper: docs/theory.rst, section
    "Sample EM in the over-specified fit", eq. (em-sample-rate)).  The slope
    of ``log E|theta_hat|`` against ``log n`` is estimated by least squares
    (statsmodels OLS) with a confidence interval; the theory slope is
    ``-1/4`` and the parametric ``-1/2`` must be rejected.
"""

import functools
import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from interpstat.experiments import REGISTRY
from interpstat.experiments._base import Design, Reproduction, _percent, _plain_log_ticks
from interpstat.theory import overspecified_em_step

NAME = "em-overspecified"
DESCRIPTION = REGISTRY[NAME].description

__all__ = [
    "ASYMPTOTIC_CONSTANT",
    "DESCRIPTION",
    "NAME",
    "REPRODUCTION",
    "SlopeFit",
    "Spec",
    "designs",
    "fit_slope",
    "population",
    "population_iterates",
    "sample_em_limit",
    "sample_em_replicate",
    "steps_to_reach",
]

#: ``Gamma(3/4)/sqrt(2 pi)``: ``E|theta_hat_n| ~ ASYMPTOTIC_CONSTANT * n^(-1/4)`` (balanced fit;
#: first-order asymptotics derived in docs/theory.rst, eq. (em-sample-rate)).
ASYMPTOTIC_CONSTANT = math.gamma(0.75) / math.sqrt(2.0 * math.pi)


# ---------------------------------------------------------------------------
# Population iterates
# ---------------------------------------------------------------------------


def population_iterates(n_steps, *, theta0=1.0, w=(0.5,)):
    r"""``|theta_t|``, ``t = 0, ..., n_steps``, of the over-specified population EM map.

    :math:`\theta_{t+1} = M(\theta_t) = \theta_t E\operatorname{sech}^2(|\theta_t| Z + \nu)`
    (:func:`~interpstat.theory.overspecified_em_step`), ``d = 1``, for each
    known weight in ``w`` (one vectorised call per step).

    Parameters
    ----------
    n_steps : int
        Number of steps.
    theta0 : float, default=1.0
        Initial mean.
    w : sequence of float, default=(0.5,)
        Known weights, in (0, 1).

    Returns
    -------
    ndarray of shape (n_steps + 1, len(w))

    Examples
    --------
    >>> from interpstat.experiments.em_overspecified import population_iterates
    >>> population_iterates(2, w=(0.5, 0.7)).round(6)
    array([[1.      , 1.      ],
           [0.605706, 0.573979],
           [0.468987, 0.411523]])
    """
    w = np.asarray(w, dtype=np.float64)
    out = np.empty((n_steps + 1, w.size))
    theta = np.full((w.size, 1), float(theta0))
    out[0] = np.abs(theta[:, 0])
    for t in range(1, n_steps + 1):
        theta = overspecified_em_step(theta, w=w)
        out[t] = np.abs(theta[:, 0])
    return out


def steps_to_reach(norms, eps):
    """First ``t`` with ``norms[t] <= eps`` (``-1`` if never).

    Parameters
    ----------
    norms : array_like of shape (n_steps + 1,)
    eps : float

    Returns
    -------
    int
    """
    hit = np.flatnonzero(np.asarray(norms) <= eps)
    return int(hit[0]) if hit.size else -1


# ---------------------------------------------------------------------------
# Sample EM
# ---------------------------------------------------------------------------


def sample_em_limit(x, *, tol=1e-13, max_iter=500):
    r"""Limit of sample EM for the balanced over-specified fit from any start theta_0 > 0.

    The sample map :math:`M_n(\theta) = \frac1n\sum_i x_i\tanh(x_i\theta)` is
    increasing, and concave on :math:`\theta \ge 0` with :math:`M_n(0) = 0` and
    :math:`M_n'(0) = m_2 = \frac1n\sum x_i^2`.  Hence
    :math:`F = M_n - \mathrm{id}` has no positive root if :math:`m_2 \le 1`
    (the iterates decrease to 0) and exactly one, :math:`\hat\theta`, if
    :math:`m_2 > 1` (the iterates converge monotonically to it from either
    side).  :math:`\hat\theta \le M_n(\hat\theta) \le \frac1n\sum|x_i|`, so
    Newton's method on :math:`F` from :math:`\max(1, \frac1n\sum|x_i|)`
    decreases monotonically to :math:`\hat\theta` (``F`` concave and
    decreasing there).  Negative starts give :math:`-\hat\theta`.  To first
    order :math:`\hat\theta^2 \approx 3(m_2 - 1)/m_4`, whence
    :math:`E|\hat\theta| \approx 0.4889\,n^{-1/4}` for standard normal data
    (docs/theory.rst, eq. (em-sample-rate)).

    Parameters
    ----------
    x : array_like of shape (n,)
        The sample.
    tol : float, default=1e-13
        Relative step at which Newton's method stops (it also stops when a step
        fails to shrink: the rounding floor when :math:`m_2` is close to 1).
    max_iter : int, default=500

    Returns
    -------
    float
        :math:`\hat\theta \ge 0`.

    Examples
    --------
    >>> import numpy as np
    >>> from interpstat.experiments.em_overspecified import sample_em_limit
    >>> x = np.random.default_rng(0).standard_normal(1000)
    >>> theta = sample_em_limit(x)
    >>> bool(abs(np.mean(x * np.tanh(x * theta)) - theta) < 1e-12)
    True
    """
    x = np.asarray(x, dtype=np.float64)
    if np.mean(x * x) <= 1.0:
        return 0.0
    theta = max(1.0, float(np.mean(np.abs(x))))
    previous = math.inf
    for _ in range(max_iter):
        th = np.tanh(x * theta)
        f = np.mean(x * th) - theta
        df = np.mean(x * x * (1.0 - th * th)) - 1.0
        step = f / df
        # in exact arithmetic the steps shrink monotonically: a step that does not is
        # rounding noise (F'(theta_hat) = -2 theta_hat^2 approx. is tiny when m2 is near 1)
        if abs(step) >= previous:
            return theta
        theta -= step
        previous = abs(step)
        if abs(step) <= tol * theta:
            return theta
    raise RuntimeError("Newton's method for the sample EM fixed point did not converge")


def sample_em_replicate(params, rng):
    """Final error ``|theta_hat|`` of sample EM on ``params["n"]`` draws from ``N(0, 1)``."""
    return {"error": sample_em_limit(rng.standard_normal(params["n"]))}


class SlopeFit(NamedTuple):
    """Least-squares slope of ``log E|theta_hat|`` on ``log n`` (see :func:`fit_slope`)."""

    slope: float
    intercept: float
    ci_low: float
    ci_high: float
    level: float
    pvalue_quarter: float
    """Two-sided p-value of the hypothesis slope = -1/4."""
    pvalue_half: float
    """Two-sided p-value of the hypothesis slope = -1/2 (the parametric rate)."""


def fit_slope(n, mean_error, *, level=0.95):
    """OLS of ``log mean_error`` on ``log n``, with a confidence interval for the slope.

    Parameters
    ----------
    n : array_like of shape (k,)
        Sample sizes (``k >= 3``).
    mean_error : array_like of shape (k,)
        Monte-Carlo means of the final error, positive.
    level : float, default=0.95

    Returns
    -------
    SlopeFit
    """
    from statsmodels.regression.linear_model import OLS

    log_n = np.log(np.asarray(n, dtype=np.float64))
    x = np.column_stack([np.ones_like(log_n), log_n])
    fit = OLS(np.log(np.asarray(mean_error, dtype=np.float64)), x).fit()
    low, high = fit.conf_int(alpha=1.0 - level)[1]
    p_quarter = float(fit.t_test(([0.0, 1.0], -0.25)).pvalue)
    p_half = float(fit.t_test(([0.0, 1.0], -0.5)).pvalue)
    return SlopeFit(float(fit.params[1]), float(fit.params[0]), float(low), float(high),
                    level, p_quarter, p_half)


# ---------------------------------------------------------------------------
# Settings and the design
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """Settings of one run; ``REPRODUCTION.spec(mode)`` gives a preset."""

    n_steps: int
    """Population EM steps."""
    n_min: int
    n_max: int
    n_points: int
    """Sample sizes: ``n_points`` log-spaced from ``n_min`` to ``n_max``."""
    n_reps: int
    w_unbalanced: float = 0.7
    eps: tuple = (0.1, 0.03, 0.01)
    level: float = 0.95

    def grid_n(self):
        """Sample sizes of the sample-EM design."""
        return np.unique(np.round(np.geomspace(self.n_min, self.n_max, self.n_points))).astype(
            int
        )


_PRESETS = {
    "quick": Spec(n_steps=600, n_min=100, n_max=3000, n_points=6, n_reps=300),
    "default": Spec(n_steps=6000, n_min=100, n_max=30000, n_points=8, n_reps=1000),
    "full": Spec(n_steps=20000, n_min=100, n_max=100000, n_points=11, n_reps=3000),
}


def designs(s):
    """The sample-EM design: final error against ``n``.

    Parameters
    ----------
    s : Spec

    Returns
    -------
    list of Design
    """
    ns = s.grid_n()

    def theory(points):
        n = points.n.to_numpy(dtype=np.float64)
        return {"asymptotic": ASYMPTOTIC_CONSTANT * n**-0.25}

    return [
        Design(
            name="sample-em",
            replicate=sample_em_replicate,
            grid=pd.DataFrame({"n": ns}),
            cells=[{"n": int(n)} for n in ns],
            n_reps=s.n_reps,
            metric="error",
            theory=theory,
            curves={"asymptotic": "0.4889 n^(−1/4) (first-order asymptotics)"},
            dense=pd.DataFrame({"n": np.geomspace(ns[0], ns[-1], 100)}),
            x="n",
            quantity="final error |θ̂| of sample EM (balanced fit to N(0, 1))",
            title="Sample EM: final error against n",
            xlabel="sample size n",
            ylabel="E|θ̂ − 0|",
        )
    ]


@functools.lru_cache(maxsize=8)
def population(s):
    """Population iterates of the balanced and the unbalanced fit, with the rate curves.

    Parameters
    ----------
    s : Spec

    Returns
    -------
    pandas.DataFrame
        Columns ``t, balanced, unbalanced, rate`` (``(2t)^(-1/2)``),
        ``refined`` (``(1 + 2t)^(-1/2)``, from ``theta_0 = 1``) and
        ``geometric`` (``(4w(1 - w))^t``).
    """
    norms = population_iterates(s.n_steps, w=(0.5, s.w_unbalanced))
    t = np.arange(s.n_steps + 1, dtype=np.float64)
    with np.errstate(divide="ignore"):
        rate = (2.0 * t) ** -0.5
    factor = 4.0 * s.w_unbalanced * (1.0 - s.w_unbalanced)
    return pd.DataFrame({
        "t": t.astype(int), "balanced": norms[:, 0], "unbalanced": norms[:, 1],
        "rate": rate, "refined": (1.0 + 2.0 * t) ** -0.5, "geometric": factor**t,
    })


# ---------------------------------------------------------------------------
# The reproduction
# ---------------------------------------------------------------------------


class _OverspecifiedReproduction(Reproduction):
    """A two-panel figure: the population iterates, and the sample error with its OLS slope."""

    def figure(self, spec, frame, dense):
        """Two panels: population iterates against ``t``, sample error against ``n``.

        Returns
        -------
        matplotlib.figure.Figure
        """
        from matplotlib.figure import Figure

        from interpstat.plotting import RiskCurveDisplay

        pop = population(spec)
        level = frame.attrs.get("level", spec.level)
        fig = Figure(figsize=(12.0, 4.8), layout="constrained")
        ax_pop, ax_n = fig.subplots(1, 2)
        t = pop.t.to_numpy()[1:]
        w = spec.w_unbalanced
        ax_pop.loglog(t, pop.balanced[1:], color="black", linewidth=2,
                      label="‖θt‖, w = ½ (population EM)")
        ax_pop.loglog(t, pop.rate[1:], "--", color="C0", label="(2t)^(−1/2)")
        keep = pop.unbalanced[1:] > 1e-8
        ax_pop.loglog(t[keep], pop.unbalanced[1:][keep], color="C3", linewidth=2,
                      label=f"‖θt‖, w = {w:g} (known, unbalanced)")
        ax_pop.loglog(t[keep], pop.geometric[1:][keep], ":", color="C3",
                      label=f"(4w(1 − w))^t = {4 * w * (1 - w):.2f}^t")
        ax_pop.set_ylim(1e-8, 2)
        ax_pop.set_xlabel("EM step t")
        ax_pop.set_ylabel("‖θt − θ*‖ (θ* = 0)")
        ax_pop.set_title("(a) Population EM from θ0 = 1: sublinear vs geometric", loc="left",
                         fontsize=10)
        ax_pop.legend(fontsize=8, loc="lower left")

        sim = frame[frame.design == "sample-em"]
        fit = fit_slope(sim.n, sim.sim_mean, level=level)
        n = dense.n.to_numpy()
        n_reps = int(sim.n_reps.iloc[0])
        anchor = float(sim.sim_mean.iloc[0]) * (n / float(sim.n.iloc[0])) ** -0.5
        RiskCurveDisplay(
            x=n,
            curves={
                "theory 0.4889 n^(−1/4)": dense.asymptotic.to_numpy(),
                f"OLS fit: slope {fit.slope:.3f} [{fit.ci_low:.3f}, {fit.ci_high:.3f}]":
                    np.exp(fit.intercept) * n**fit.slope,
                "parametric n^(−1/2) (rejected)": anchor,
            },
            curve_styles={
                "theory 0.4889 n^(−1/4)": {"color": "C0"},
                f"OLS fit: slope {fit.slope:.3f} [{fit.ci_low:.3f}, {fit.ci_high:.3f}]":
                    {"color": "C1", "linestyle": "--"},
                "parametric n^(−1/2) (rejected)": {"color": "gray", "linestyle": ":"},
            },
            series=[{
                "x": sim.n.to_numpy(), "mean": sim.sim_mean.to_numpy(),
                "ci": (sim.ci_low.to_numpy(), sim.ci_high.to_numpy()),
                "label": f"sample EM ({_percent(level)} CI, {n_reps} reps)",
                "style": {"color": "black"},
            }],
            xlabel="sample size n", ylabel="E|θ̂n − θ*|",
        ).plot(ax=ax_n, title=None)
        ax_n.set_title("(b) Sample EM, balanced fit: error ∝ n^(−1/4)", loc="left",
                       fontsize=10)
        ax_n.legend(fontsize=8, loc="lower left")
        _plain_log_ticks(ax_n)
        return fig


def _report_appendix(spec, frame):
    """The guide to the figure, the slope fit and the population iteration counts."""
    level = frame.attrs.get("level", spec.level)
    sim = frame[frame.design == "sample-em"]
    fit = fit_slope(sim.n, sim.sim_mean, level=level)
    pop = population(spec)
    lines = [
        "## Reading the figure",
        "",
        "- (a) Population EM from θ0 = 1 towards the truth θ* = 0: with the balanced fit "
        "the contraction factor E sech²(‖θ‖Z) tends to 1 and ‖θt‖ follows (2t)^(−1/2) "
        "(sublinear); with a known unbalanced weight it tends to 4w(1 − w) < 1 "
        "(geometric).",
        "- (b) Sample EM run to convergence: its error shrinks like n^(−1/4), not like "
        "the parametric n^(−1/2) (the slow population contraction turns sampling noise "
        "of order n^(−1/2) in the slope m2 − 1 into an error of order its square root).",
        "",
        "## Rate of the final error (OLS of log mean error on log n)",
        "",
        f"- slope {fit.slope:.4f}, {_percent(level)} CI [{fit.ci_low:.4f}, {fit.ci_high:.4f}] "
        f"({len(sim)} sample sizes)",
        f"- slope = −1/4 (theory): p = {fit.pvalue_quarter:.3g}; slope = −1/2 "
        f"(parametric rate): p = {fit.pvalue_half:.3g}",
        "",
        "## Population EM from θ0 = 1",
        "",
        "| ε | steps to ‖θt‖ ≤ ε, w = ½ | (2t)^(−1/2) = ε at t = | w = "
        f"{spec.w_unbalanced:g} |",
        "|---|---|---|---|",
    ]
    for eps in spec.eps:
        bal = steps_to_reach(pop.balanced, eps)
        unb = steps_to_reach(pop.unbalanced, eps)
        lines.append(
            f"| {eps:g} | {bal if bal >= 0 else f'> {spec.n_steps}'} | "
            f"{0.5 / eps**2:.0f} | {unb} |"
        )
    checkpoints = [t for t in (10, 100, 1000, 10000) if t <= spec.n_steps]
    lines += [
        "",
        "| t | ‖θt‖ | (2t)^(−1/2) | ratio |",
        "|---|---|---|---|",
    ]
    for t in checkpoints:
        b, r = pop.balanced[t], pop.rate[t]
        lines.append(f"| {t} | {b:.6f} | {r:.6f} | {b / r:.4f} |")
    lines.append("")
    return "\n".join(lines)


def _settings(s):
    return [
        f"population: {s.n_steps} steps from θ0 = 1, w = ½ and w = {s.w_unbalanced:g}",
        f"sample EM: n from {s.n_min} to {s.n_max} ({len(s.grid_n())} log-spaced sizes), "
        "limit of sample EM from any θ0 > 0 (Newton on the sample fixed-point equation)",
    ]


REPRODUCTION = _OverspecifiedReproduction(
    name=NAME,
    title="Over-specified EM: two components fitted to one Gaussian",
    intro=(
        "Project reproduction (interpstat) of the rates of Dwivedi et al. (Ann. Statist. 2020) "
        "for the balanced symmetric fit w N(θ, 1) + (1 − w) N(−θ, 1) to N(0, 1): population "
        "EM iterates ‖θt‖ ≈ (2t)^(−1/2) (sublinear) against geometric convergence for a known "
        "w ≠ ½, and the final error of sample EM of order n^(−1/4), with the slope estimated "
        "by OLS. Numbers computed by this run, not copied from the paper."
    ),
    presets=_PRESETS,
    designs=designs,
    settings=_settings,
    reference="asymptotic",
    columns={"n": ("n", "{}")},
    coverage_note=(
        "the curve is the first-order asymptotics, so the smallest n are the least reliable."
    ),
    appendix=_report_appendix,
)
