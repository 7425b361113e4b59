"""Success of EM from random starts: known weights held fixed (Model 1) or learned (Model 2).

Data ``Y ~ w* N(theta*, I_d) + (1 - w*) N(-theta*, I_d)`` with separation
``s = ||theta*||`` and ``w* > 1/2``; fitted model ``w N(theta, I) + (1 - w)
N(-theta, I)``.  Xu, Hsu and Maleki (NeurIPS 2018) contrast EM holding the known
weight at ``w*`` (*Model 1*), which can converge to a spurious fixed point
``theta_bar`` with ``<theta_bar, theta*> < 0``, with EM re-estimating the weight
although it is known (*Model 2*), which reaches a global maximiser from almost
every start.  This reproduction measures the share of random starts reaching
the global maximum against ``s``, ``w*`` and ``d``, for both models:

*Starts.*  Every start is a data point, ``theta_0 = Y`` (``w_0 = w*`` for
Model 2): the initialisation used in practice (scikit-learn's
``random_from_data``), scale-free, and the one with a closed form in ``d = 1``.
In ``d > 1`` a data point is an isotropic start in the directions orthogonal to
``theta*``: ``Y = (z s + G_1) e_1 + B e_2`` after a rotation, with
``P(z = 1) = w*``, ``G_1 ~ N(0, 1)`` and ``B ~ chi_{d-1}`` independent, and
the population map keeps its iterates in ``span(theta*, theta_0)`` (2-D
reduction of :func:`~interpstat.theory.em_population_step`).

*Population.*  The population map is iterated from each start until it
converges (:func:`population_limits_2d`); a start succeeds when it ends within
``1e-6`` of ``(theta*, w*)`` (or, for Model 2, of ``(-theta*, 1 - w*)``).

*Finite sample.*  :func:`~interpstat.mixture.em_restarts` runs sample EM on ``n``
draws from the mixture, from a few (``sample_batch``) data points of that sample
each (starts sharing a data set are correlated through it, so each data set
contributes few of them and the proportion stays close to binomial; the
measured variance ratio is in the report); a start succeeds when
its final mean log-likelihood is within ``1e-4`` of the run started at the
truth ``(theta*, w*)`` (the global maximum of the sample likelihood, up to
relabelling for Model 2).

*Theory.*  Model 1: the success probability
``1 - E[w* Phi(a_c(B) - s) + (1 - w*) Phi(a_c(B) + s)]``, ``B ~ chi_{d-1}``
(``B = 0`` and ``a_c(0) = theta_u`` in ``d = 1``), with the failure set
``{a_0 < a_c(b_0)}`` of the 2-D reduction (:func:`model1_failure_boundary`,
:func:`model1_success_probability`).  Model 2: ``1``.  The derivation, its
assumptions and what is proven and what only computed are in
:ref:`theory-em-model1-plane` (docs/theory.rst).

These are the project's computations from the population map; no number is
copied from the paper.
"""

import functools
import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import integrate, interpolate, special, stats

from interpstat.experiments import REGISTRY
from interpstat.experiments._base import Design, Reproduction, _percent
from interpstat.theory import em_critical_separation, em_model1_branches, em_population_step

NAME = "em-success"
DESCRIPTION = REGISTRY[NAME].description

__all__ = [
    "DESCRIPTION",
    "NAME",
    "REPRODUCTION",
    "Limits2D",
    "Spec",
    "designs",
    "model1_failure_boundary",
    "model1_success_probability",
    "population_limits_2d",
    "population_replicate",
    "sample_replicate",
]

#: A start has reached a fixed point when it is this close to it (population).
_ATOL = 1e-6

#: A finite-sample start succeeds when its mean log-likelihood is this close to the best.
_LL_TOL = 1e-4


# ---------------------------------------------------------------------------
# The population map in the 2-D reduction
# ---------------------------------------------------------------------------


class Limits2D(NamedTuple):
    """Where the population EM map takes each start (see :func:`population_limits_2d`)."""

    a: np.ndarray
    """Final component along ``theta* / s``, shape ``(n_starts,)``."""
    b: np.ndarray
    """Final norm of the orthogonal component, shape ``(n_starts,)``."""
    w: np.ndarray
    """Final weights, shape ``(n_starts,)`` (``w_star`` throughout for Model 1)."""
    converged: np.ndarray
    """Whether the last step moved by at most ``tol``, bool, shape ``(n_starts,)``."""


def population_limits_2d(a0, b0, s, w_star, *, learn_weights, w0=None, tol=1e-10,
                         max_iter=10_000):
    r"""Iterate the population EM map from starts ``a_0 e_1 + b_0 e_2`` until each converges.

    With :math:`e_1 = \theta^*/s` and :math:`e_2 \perp e_1`, the iterates of a
    start in :math:`\operatorname{span}(e_1, e_2)` stay there, so any dimension
    ``d`` is simulated in the plane, :math:`\theta = a e_1 + b e_2`, with the
    map (:func:`~interpstat.theory.em_population_step` in the plane)

    .. math::

        a' = s\,E[z\tanh U] + a\,E[\operatorname{sech}^2 U],\quad
        b' = b\,E[\operatorname{sech}^2 U],\quad
        U = z a s + \sqrt{a^2 + b^2}\,G + \nu,

    and for Model 2 :math:`w' = E[(1 + \tanh U)/2]` (derivation:
    :ref:`theory-em-model1-plane`).  All active starts are stepped in one
    vectorised call; a start leaves the batch when a step moves it by at most
    ``tol`` in every coordinate.

    Parameters
    ----------
    a0, b0 : array_like of shape (n_starts,)
        Initial components along and orthogonal to :math:`\theta^*`.
    s : float
        Separation :math:`\|\theta^*\| > 0`.
    w_star : float
        True weight, in (0, 1).
    learn_weights : bool
        Model 2 if True, Model 1 if False (``w = w_star`` fixed).
    w0 : float or array_like of shape (n_starts,), optional
        Initial weights of Model 2 (default ``w_star``).
    tol : float, default=1e-10
    max_iter : int, default=10000

    Returns
    -------
    Limits2D

    Examples
    --------
    >>> from interpstat.experiments.em_success import population_limits_2d
    >>> out = population_limits_2d([-1.0, -0.1], [0.5, 0.5], 2.0, 0.8, learn_weights=False)
    >>> out.a.round(6), out.b.round(6)
    (array([-1.975238,  2.      ]), array([0., 0.]))
    """
    a0 = np.atleast_1d(np.asarray(a0, dtype=np.float64))
    b0 = np.broadcast_to(np.asarray(b0, dtype=np.float64), a0.shape)
    theta = np.column_stack([a0, b0])
    if learn_weights:
        w = np.broadcast_to(np.asarray(w_star if w0 is None else w0, np.float64), a0.shape)
        w = w.copy()
    else:
        w = np.full(a0.shape, float(w_star))
    star = np.array([float(s), 0.0])
    converged = np.zeros(a0.shape, dtype=bool)
    active = np.arange(a0.size)
    for _ in range(max_iter):
        if active.size == 0:
            break
        t_new, w_new = em_population_step(
            theta[active], w[active], star, w_star, learn_weights=learn_weights
        )
        t_new = np.reshape(t_new, (-1, 2))
        w_new = np.reshape(w_new, (-1,))
        step = np.maximum(np.abs(t_new - theta[active]).max(axis=1), np.abs(w_new - w[active]))
        theta[active], w[active] = t_new, w_new
        done = step <= tol
        converged[active[done]] = True
        active = active[~done]
    return Limits2D(theta[:, 0], theta[:, 1], w, converged)


def _reached_maximum(a, b, w, s, w_star, learn_weights):
    """Whether each limit is a global maximiser (within ``_ATOL``)."""
    ok = (np.abs(a - s) < _ATOL) & (np.abs(w - w_star) < _ATOL)
    if learn_weights:
        ok |= (np.abs(a + s) < _ATOL) & (np.abs(w - (1.0 - w_star)) < _ATOL)
    return ok & (np.abs(b) < _ATOL)


# ---------------------------------------------------------------------------
# Model 1: the failure set in the plane and the success probability
# ---------------------------------------------------------------------------


def model1_failure_boundary(b0, s, w_star, *, xtol=1e-9):
    r"""Edge :math:`a_c(b_0)` of the set of starts from which Model 1 fails, in the plane.

    Model 1 (weight held at ``w_star``) started at
    :math:`\theta_0 = a_0 e_1 + b_0 e_2` (:math:`e_1 = \theta^*/s`) converges
    to the spurious :math:`\bar\theta e_1` if :math:`a_0 < a_c(b_0)` and to
    :math:`\theta^*` if :math:`a_0 > a_c(b_0)`; :math:`a_c(0) = \theta_u`, the
    unstable fixed point of ``d = 1``.  For every ``b0`` at once the bracket
    :math:`[-(s + 8), 0]` (whose ends must fail and succeed) is bisected on the
    limit of :func:`population_limits_2d` until shorter than ``xtol``.

    Assumes that the failure set is a half-line in :math:`a_0` for each
    :math:`b_0`: an observation of the computations (checked by the tests),
    not a theorem; see :ref:`theory-em-model1-plane`, eq. :eq:`em-failure-set`.

    Parameters
    ----------
    b0 : array_like of shape (n,)
        Orthogonal components, ``>= 0``.
    s : float
        Separation, above the critical separation ``s_c(w_star)``.
    w_star : float
        True weight, in (1/2, 1).
    xtol : float, default=1e-9

    Returns
    -------
    ndarray of shape (n,)

    Examples
    --------
    >>> from interpstat.experiments.em_success import model1_failure_boundary
    >>> model1_failure_boundary([0.0, 1.0, 3.0], 2.0, 0.8, xtol=1e-7).round(5)
    array([-0.25432, -0.26965, -0.37852])
    """
    b0 = np.atleast_1d(np.asarray(b0, dtype=np.float64))
    lo = np.full(b0.shape, -(float(s) + 8.0))
    hi = np.zeros(b0.shape)

    def succeeds(a):
        out = population_limits_2d(a, b0, s, w_star, learn_weights=False, tol=1e-11)
        return _reached_maximum(out.a, out.b, out.w, s, w_star, False)

    if succeeds(lo).any() or not succeeds(hi).all():
        raise ValueError(
            f"no failure set at s={s}, w_star={w_star}: below the critical separation?"
        )
    while np.max(hi - lo) > xtol:
        mid = 0.5 * (lo + hi)
        up = succeeds(mid)
        hi = np.where(up, mid, hi)
        lo = np.where(up, lo, mid)
    return 0.5 * (lo + hi)


@functools.lru_cache(maxsize=64)
def _boundary_interpolant(s, w_star, b_max):
    """Monotone cubic interpolant of ``a_c`` on ``[0, b_max]`` (81 nodes, denser near 0)."""
    b = b_max * np.linspace(0.0, 1.0, 81) ** 1.5
    return interpolate.PchipInterpolator(b, model1_failure_boundary(b, s, w_star))


def _failure_given_a(a_c, s, w_star):
    return w_star * special.ndtr(a_c - s) + (1.0 - w_star) * special.ndtr(a_c + s)


def model1_success_probability(s, w_star, d=1):
    r"""Probability that Model 1 started at a data point reaches :math:`\theta^*`.

    A data point is the start :math:`a_0 = zs + G_1`, :math:`b_0 = B \sim
    \chi_{d-1}` in the plane (independent), which fails iff :math:`a_0 <
    a_c(B)` (:ref:`theory-em-model1-plane`, eq. :eq:`em-success-d`), so

    .. math::

        P(\text{success}) = 1 - E\bigl[w^*\Phi(a_c(B) - s)
                                      + (1 - w^*)\Phi(a_c(B) + s)\bigr],

    with :math:`a_c` of :func:`model1_failure_boundary` (in ``d = 1``,
    :math:`B = 0` and :math:`a_c(0) = \theta_u`: the closed form
    :math:`1 - w^*\Phi(\theta_u - s) - (1 - w^*)\Phi(\theta_u + s)`).  For
    ``d > 1``, :math:`a_c` is interpolated (monotone cubic, 81 nodes) on
    :math:`[0, b_{max}]`, :math:`b_{max}` the :math:`1 - 10^{-10}` quantile
    of :math:`\chi_{d-1}` (rounded up to a multiple of 5, so that dimensions
    share the interpolant), and the expectation is computed by ``quad``;
    accuracy about 1e-6.  Below the critical separation the probability is 1.

    Parameters
    ----------
    s : float
        Separation ``> 0``.
    w_star : float
        True weight, in (1/2, 1).
    d : int, default=1
        Dimension.

    Returns
    -------
    float

    Examples
    --------
    >>> from interpstat.experiments.em_success import model1_success_probability
    >>> round(model1_success_probability(2.0, 0.8), 4)
    0.7984
    """
    s, w_star, d = float(s), float(w_star), int(d)
    branches = em_model1_branches(s, w_star)
    if not np.isfinite(branches.theta_u):
        return 1.0
    if d == 1:
        return float(1.0 - _failure_given_a(branches.theta_u, s, w_star))
    chi = stats.chi(d - 1)
    b_max = float(np.ceil(chi.isf(1e-10)))
    a_c = _boundary_interpolant(s, w_star, 5.0 * math.ceil(b_max / 5.0))
    value, _ = integrate.quad(
        lambda b: _failure_given_a(float(a_c(b)), s, w_star) * chi.pdf(b), 0.0, b_max,
        epsabs=1e-10, limit=200,
    )
    return float(1.0 - value)


# ---------------------------------------------------------------------------
# Replicates: one batch of starts (module level: picklable)
# ---------------------------------------------------------------------------


def _data_points(rng, size, s, w_star, d):
    """``size`` draws of the mixture with ``theta* = s e_1``, shape ``(size, d)``."""
    z = np.where(rng.random(size) < w_star, 1.0, -1.0)
    y = rng.standard_normal((size, d))
    y[:, 0] += z * s
    return y


def population_replicate(params, rng):
    """Population EM from ``params["batch"]`` data-point starts; 1 for each success.

    Each start is a draw ``Y`` of the mixture in dimension ``d`` reduced to the
    plane, ``a_0 = z s + G_1``, ``b_0 = ||G_perp|| ~ chi_{d-1}`` (``w_0 = w*``
    for Model 2).  Starts not converged after ``10^4`` steps are NaN.

    Parameters
    ----------
    params : dict
        ``s``, ``w_star``, ``d``, ``learn_weights``, ``batch``.
    rng : numpy.random.Generator

    Returns
    -------
    dict of str to float
        ``"start{i}"`` -> 1.0 (success), 0.0 or NaN.
    """
    s, w_star, d, batch = params["s"], params["w_star"], params["d"], params["batch"]
    learn = params["learn_weights"]
    z = np.where(rng.random(batch) < w_star, 1.0, -1.0)
    a0 = z * s + rng.standard_normal(batch)
    b0 = np.sqrt(rng.chisquare(d - 1, batch)) if d > 1 else np.zeros(batch)
    out = population_limits_2d(a0, b0, s, w_star, learn_weights=learn)
    ok = _reached_maximum(out.a, out.b, out.w, s, w_star, learn)
    success = np.where(out.converged, ok.astype(np.float64), np.nan)
    return {f"start{i}": float(v) for i, v in enumerate(success)}


def sample_replicate(params, rng):
    """Sample EM on one data set from ``params["batch"]`` of its points; 1 for each success.

    Draws ``n`` points of the mixture in dimension ``d`` (``theta* = s e_1``),
    runs :func:`~interpstat.mixture.em_restarts` from ``batch`` data points
    drawn with replacement and from the truth, and counts a start a success
    when its final mean log-likelihood is within ``1e-4`` of the best of all
    runs.  Runs not converged after ``max_iter`` iterations are NaN.

    Parameters
    ----------
    params : dict
        ``s``, ``w_star``, ``d``, ``n``, ``learn_weights``, ``batch``.
    rng : numpy.random.Generator

    Returns
    -------
    dict of str to float
    """
    from interpstat.mixture import em_restarts

    s, w_star, d, n = params["s"], params["w_star"], params["d"], params["n"]
    X = _data_points(rng, n, s, w_star, d)
    starts = X[rng.integers(n, size=params["batch"])]
    truth = np.zeros((1, d))
    truth[0, 0] = s
    out = em_restarts(
        X, np.vstack([starts, truth]), weights=[w_star, 1.0 - w_star],
        learn_weights=params["learn_weights"], max_iter=5000, tol=1e-10,
    )
    ll = out.log_likelihood
    ok = ll[:-1] >= ll.max() - _LL_TOL
    success = np.where(out.converged[:-1], ok.astype(np.float64), np.nan)
    return {f"start{i}": float(v) for i, v in enumerate(success)}


# ---------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """Settings of one run; ``REPRODUCTION.spec(mode)`` gives a preset."""

    n_starts: int
    """Population starts per grid point."""
    batch: int
    """Population starts iterated together in one replicate."""
    n_sample_starts: int
    """Finite-sample starts per grid point (``n_sample_starts / sample_batch`` data sets)."""
    n: int
    """Sample size of the finite-sample designs."""
    s_grid: tuple
    """Separations of the ``s`` designs (at ``w_star``, ``d = 1``)."""
    w_grid: tuple
    """True weights of the ``w*`` design (at ``s_w``, ``d = 1``)."""
    d_grid: tuple
    """Dimensions of the ``d`` designs (at ``s_d``, ``w_star``)."""
    sample_batch: int = 20
    """Finite-sample starts run on one data set (they share it: keep it small)."""
    w_star: float = 0.8
    s_w: float = 2.5
    s_d: float = 1.3
    n_dense: int = 60
    interval: str = "wilson"
    level: float = 0.95


_PRESETS = {
    "quick": Spec(
        n_starts=200, batch=100, n_sample_starts=200, n=500,
        s_grid=(0.8, 1.6, 2.4, 3.2), w_grid=(0.6, 0.8, 0.95), d_grid=(1, 5, 20),
        n_dense=30,
    ),
    "default": Spec(
        n_starts=1000, batch=200, n_sample_starts=600, n=1000,
        s_grid=(0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5), w_grid=(0.55, 0.65, 0.75, 0.85, 0.95),
        d_grid=(1, 2, 3, 5, 10, 20),
    ),
    "full": Spec(
        n_starts=4000, batch=500, n_sample_starts=2000, n=4000,
        s_grid=tuple(np.round(np.arange(0.25, 4.01, 0.25), 2)),
        w_grid=(0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95),
        d_grid=(1, 2, 3, 5, 10, 20, 50),
    ),
}


# ---------------------------------------------------------------------------
# The designs
# ---------------------------------------------------------------------------


def _theory(points):
    """Success probability at rows ``(model, s, w_star, d)``: Model 2 is 1."""
    out = np.ones(len(points))
    for i, row in enumerate(points.itertuples()):
        if row.model == 1:
            out[i] = model1_success_probability(row.s, row.w_star, int(row.d))
    return {"exact": out}


def _frame(model, s, w_star, d):
    s, w_star, d = np.broadcast_arrays(
        np.asarray(s, np.float64), np.asarray(w_star, np.float64), np.asarray(d, np.int64)
    )
    return pd.DataFrame({"model": model, "s": s, "w_star": w_star, "d": d})


def _dense_s(spec, w_star):
    """Separations of the dense curve: avoid ``s_c`` itself, add points just either side."""
    s_c = em_critical_separation(w_star).s_c
    s = np.linspace(0.05, max(spec.s_grid) + 0.1, spec.n_dense)
    return np.unique(np.r_[s[np.abs(s - s_c) > 1e-3], s_c - 1e-6, s_c + 1e-6])


def designs(s):
    """The success designs: against ``s``, ``w*`` and ``d``; population and finite sample.

    Parameters
    ----------
    s : Spec

    Returns
    -------
    list of Design
    """
    w = s.w_star
    s_c = em_critical_separation(w).s_c
    s_grid = np.array([v for v in s.s_grid if abs(v - s_c) >= 0.1])
    d_grid = np.array(s.d_grid)
    d_dense = np.arange(1, max(s.d_grid) + 1)
    cases = {
        "s": (s_grid, w, 1, "s", "separation s = ‖θ*‖", _dense_s(s, w), w, 1),
        "w": (s.s_w, np.array(s.w_grid), 1, "w_star", "true weight w*", s.s_w,
              np.linspace(0.52, 0.97, s.n_dense), 1),
        "d": (s.s_d, w, d_grid, "d", "dimension d", s.s_d, w, d_dense),
    }
    out = []
    for kind in ("population", "sample"):
        for axis, (sv, wv, dv, x, xlabel, sd, wd, dd) in cases.items():
            if kind == "sample" and axis == "w":
                continue
            for model in (1, 2):
                grid = _frame(model, sv, wv, dv)
                dense = _frame(model, sd, wd, dd)
                n_reps = s.n_starts if kind == "population" else s.n_sample_starts
                how = "population map" if kind == "population" else f"sample EM, n = {s.n}"
                base = {"learn_weights": model == 2,
                        "batch": s.batch if kind == "population" else s.sample_batch}
                if kind == "sample":
                    base["n"] = s.n
                cells = [{**base, "s": float(r.s), "w_star": float(r.w_star), "d": int(r.d)}
                         for r in grid.itertuples()]
                out.append(Design(
                    name=f"{kind}-{axis}-model{model}",
                    replicate=population_replicate if kind == "population"
                    else sample_replicate,
                    grid=grid, cells=cells, n_reps=n_reps, theory=_theory,
                    metric="success", batch=base["batch"],
                    curves={"exact": f"Model {model}: population success probability"},
                    dense=dense, x=x, interval=s.interval, logx=False, logy=False,
                    xlabel=xlabel, ylabel="P(EM reaches the global maximum)",
                    quantity=(
                        f"share of data-point starts reaching a global maximiser "
                        f"(Model {model}, {how})"
                    ),
                ))
    return out


# ---------------------------------------------------------------------------
# The reproduction: pooled batches of starts, a four-panel figure
# ---------------------------------------------------------------------------


class _SuccessReproduction(Reproduction):
    """The base's batched designs (starts pooled per cell), with its own figure."""

    def figure(self, spec, frame, dense):
        """Four panels: success against ``s``, ``w*`` and ``d``; the failure set in the plane.

        Returns
        -------
        matplotlib.figure.Figure
        """
        from matplotlib.figure import Figure

        level = frame.attrs.get("level", spec.level)
        fig = Figure(figsize=(13.0, 9.5), layout="constrained")
        axes = fig.subplots(2, 2)
        titles = {
            "s": f"(a) d = 1, w* = {spec.w_star:g}: success against s",
            "w": f"(b) d = 1, s = {spec.s_w:g}: success against w* (population)",
            "d": f"(c) s = {spec.s_d:g}, w* = {spec.w_star:g}: success against d",
        }
        styles = {
            ("population", 1): {"fmt": "o", "color": "C3"},
            ("population", 2): {"fmt": "s", "color": "C0"},
            ("sample", 1): {"fmt": "D", "color": "C1", "mfc": "none"},
            ("sample", 2): {"fmt": "^", "color": "C2", "mfc": "none"},
        }
        for ax, axis in zip(axes.flat, ("s", "w", "d"), strict=False):
            x = {"s": "s", "w": "w_star", "d": "d"}[axis]
            for model, color in ((1, "C3"), (2, "C0")):
                th = dense[dense.design == f"population-{axis}-model{model}"]
                ax.plot(th[x], th.exact, color=color, linewidth=1.5,
                        drawstyle="steps-mid" if axis == "d" else "default",
                        label=f"Model {model}: theory" + (" (= 1)" if model == 2 else ""))
            for kind in ("population", "sample"):
                for model in (1, 2):
                    sim = frame[frame.design == f"{kind}-{axis}-model{model}"]
                    if sim.empty:
                        continue
                    # sample EM nudged sideways (Model 1 left, Model 2 right) to stay readable
                    nudge = 0.0 if kind == "population" else 0.03 * (2 * model - 3)
                    xs = sim[x] * np.exp(nudge) if axis == "d" else sim[x] + nudge
                    err = np.vstack([sim.sim_mean - sim.ci_low, sim.ci_high - sim.sim_mean])
                    label = (f"Model {model}: {kind}"
                             + (f" EM, n = {spec.n}" if kind == "sample" else " map"))
                    ax.errorbar(xs, sim.sim_mean, yerr=err, capsize=2, markersize=4,
                                linestyle="none", label=label, **styles[(kind, model)])
            ax.set_title(titles[axis], loc="left", fontsize=10)
            ax.set_xlabel({"s": "separation s = ‖θ*‖", "w": "true weight w*",
                           "d": "dimension d"}[axis])
            ax.set_ylabel("P(EM from a data point reaches the global max.)")
            ax.set_ylim(0.45 if axis == "w" else 0.5, 1.03)
            if axis == "d":
                ax.set_xscale("log")
                ax.set_xticks(list(spec.d_grid), [str(v) for v in spec.d_grid])
            if axis == "s":
                s_c = em_critical_separation(spec.w_star).s_c
                ax.axvline(s_c, color="gray", linestyle=":", linewidth=1)
                ax.annotate(f"s_c = {s_c:.3f}", (s_c, 0.9), xytext=(4, 0),
                            textcoords="offset points", fontsize=8, color="gray")
            ax.legend(fontsize=7, loc="lower left")
        _plot_failure_set(axes[1, 1], spec)
        n_pop = int(frame.n_reps[frame.design.str.startswith("population")].iloc[0])
        fig.suptitle(
            f"EM success from data-point starts, Model 1 (w fixed) vs Model 2 (w learned); "
            f"{_percent(level)} Wilson intervals, {n_pop} population starts per point",
            fontsize=11,
        )
        return fig


def _report_appendix(spec, frame):
    """The guide to the figure and the failure-set table, after the base report."""
    b = np.array([0.0, 0.5, 1.0, 2.0, 3.0, 5.0])
    a_c = model1_failure_boundary(b, spec.s_d, spec.w_star, xtol=1e-8)
    lines = [
        _FIGURE_GUIDE,
        f"## Model 1 failure set in the plane (s = {spec.s_d:g}, w* = {spec.w_star:g})",
        "",
        "A start a0·e1 + b0·e2 (e1 = θ*/s) fails iff a0 < a_c(b0) (bisection on the "
        "limit of the population map, bracket 1e-8).",
        "",
        "| b0 | a_c(b0) |",
        "|---|---|",
        *(f"| {bv:g} | {av:.6f} |" for bv, av in zip(b, a_c, strict=True)),
        "",
    ]
    return "\n".join(lines)


def _plot_failure_set(ax, spec):
    s, w = spec.s_d, spec.w_star
    b = np.linspace(0.0, 6.0, 31)
    a_c = model1_failure_boundary(b, s, w, xtol=1e-7)
    ax.plot(b, a_c, color="C3", linewidth=2, label="a_c(b0): edge of Model 1's failure set")
    ax.fill_between(b, -s - 2.5, a_c, color="C3", alpha=0.15, linewidth=0,
                    label="starts ending at the spurious θ̄")
    theta_bar = em_model1_branches(s, w).theta_bar
    ax.axhline(theta_bar, color="C3", linestyle=":", linewidth=1,
               label=f"θ̄ = {theta_bar:.3f} (spurious fixed point)")
    ax.axhline(s, color="C0", linestyle=":", linewidth=1, label=f"θ* = {s:g}")
    ax.set_ylim(-s - 2.5, s + 1.0)
    ax2 = ax.twinx()
    for d, style in ((3, "--"), (10, "-.")):
        ax2.plot(b, stats.chi(d - 1).pdf(b), color="gray", linestyle=style, linewidth=1,
                 label=f"density of b0 = ‖Y⊥‖, d = {d}")
    ax2.set_ylim(0, 2.5)
    ax2.set_ylabel("density of b0")
    ax.set_xlabel("b0 = component of θ0 orthogonal to θ*")
    ax.set_ylabel("a0 = component of θ0 along θ*/s")
    ax.set_title(f"(d) Model 1 in the plane (s = {s:g}, w* = {w:g}): a0 < a_c(b0) fails",
                 loc="left", fontsize=10)
    lines = ax.get_legend_handles_labels()
    lines2 = ax2.get_legend_handles_labels()
    ax.legend(lines[0] + lines2[0], lines[1] + lines2[1], fontsize=7, loc="upper right")


_FIGURE_GUIDE = """## Reading the figure

- (a) d = 1: share of starts reaching the global maximum against the separation. Model 1
  (known weight held fixed) succeeds from every start below s_c(w*) and then drops to
  1 − w*Φ(θu − s) − (1 − w*)Φ(θu + s) (curve); Model 2 (weight learned) succeeds from every
  start. Filled markers: population map; open markers: sample EM on n points (nudged
  sideways to stay readable).
- (b) The Model 1 success probability against w* at fixed s: the more unequal the weights, the
  larger the basin of the spurious fixed point (it tends to w* as s grows).
- (c) Against the dimension: the 2-D reduction puts a start at (zs + G1, B), B ~ χ_{d−1}; the
  Model 1 curve averages the failure set of panel (d) over B. It rises with d because
  a_c(b0) decreases with b0 (panel d) and B grows like √(d − 1): starts with a large part
  orthogonal to θ* fail less often. Model 2 succeeds in every dimension.
- (d) The failure set of Model 1 in the plane span(θ*, θ0), and the density of the orthogonal
  part b0 of a data point for two dimensions.
"""


def _settings(s):
    return [
        f"data-point starts θ0 = Y (w0 = w* for Model 2); population: {s.n_starts} starts per "
        f"point, in batches of {s.batch}, iterated until a step moves by ≤ 1e-10, success = "
        f"limit within 1e-6 of a global maximiser",
        f"finite sample: n = {s.n} draws per data set, {s.sample_batch} starts (points of that "
        f"data set) per data set, {s.n_sample_starts} starts per point; EM by `em_restarts` "
        f"(tol 1e-10), success = final mean log-likelihood within 1e-4 of the best run "
        f"(including the run started at the truth)",
        f"grids: s ∈ {list(s.s_grid)} (those within 0.1 of s_c left out) at w* = {s.w_star:g}; "
        f"w* ∈ {list(s.w_grid)} at s = {s.s_w:g}; d ∈ {list(s.d_grid)} at s = {s.s_d:g}",
    ]


REPRODUCTION = _SuccessReproduction(
    name=NAME,
    title="Success of EM from random starts: known weights fixed (Model 1) or learned (Model 2)",
    intro=(
        "Project reproduction (interpstat) of the phenomenon of Xu, Hsu and Maleki (NeurIPS "
        "2018): the share of data-point starts from which EM reaches a global maximiser of the "
        "likelihood of w*N(θ*, I) + (1 − w*)N(−θ*, I), with the known weight held fixed "
        "(Model 1) or re-estimated (Model 2), against the separation, the weight and the "
        "dimension, for the population map and for sample EM. The Model 1 curves are the "
        "project's closed form (d = 1) and 2-D reduction (d > 1); Model 2's curve is 1. "
        "Numbers computed by this run, not copied from the paper."
    ),
    presets=_PRESETS,
    designs=designs,
    settings=_settings,
    reference="exact",
    columns={"model": ("model", None), "s": ("s", "{:.3g}"), "w_star": ("w*", "{:g}"),
             "d": ("d", None)},
    coverage_note=(
        "Model 2 succeeds from every start, so its intervals [·, 1] cover 1 by construction; "
        "the finite-sample points are compared with the population curve, which they match "
        "up to O(n^(-1/2)) shifts of the fixed points. The starts of one data set share it: "
        "with 200 starts per data set of n = 1000 the variance of the pooled share was "
        "1.04 (s = 2, d = 1) to 1.9 (s = 1.3, d = 20) times the binomial one, so the "
        "finite-sample designs use 20 starts per data set (design effect at most about 1.1)."
    ),
    appendix=_report_appendix,
)
