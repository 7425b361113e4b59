"""Bad local maxima of EM for k >= 3 well-separated spherical Gaussians.

Jin, Zhang, Balakrishnan, Wainwright and Jordan (NeurIPS 2016) show that the
likelihood of a mixture of ``k >= 3`` equal-weight spherical Gaussians can
have local maxima that are much worse than the global one even with
arbitrarily well-separated components and infinitely many samples, and that EM
from random initialisation converges to such a point with substantial
probability; for ``k = 2`` EM converges to the global maximum.  This
reproduction measures the failure rate against ``k``:

*Mixture.*  ``k`` components ``N(mu_j, I_k)`` with equal weights, means at the
vertices of a regular simplex, ``mu_j = (R / sqrt 2) e_j`` (every pair at
distance ``R``), ``m`` points per component (``n = k m``), identity
covariance known.

*EM.*  :func:`~interpstat.mixture.em_restarts` with ``symmetric=False``
(known identity covariance; each run equals
``GaussianMixtureEM(covariance_type="fixed", n_init=1)``), started at ``k``
distinct data points drawn uniformly (as in that paper), weights ``1/k``:
either held fixed (``learn_weights=False``) or re-estimated from that start
(``learn_weights=True``).

*Failure.*  The final mean log-likelihood is more than ``1e-3`` below that of
the same EM started at the true means (the global maximum of the sample
likelihood at this separation).  The gap of a bad local maximum is of order
``R^2 / (8k)`` per point, so the threshold does not matter.

*Closed form.*  Only for the initialisation: ``k`` distinct points drawn from
``k`` groups of ``m`` miss some group with probability
``1 - k! m^k / (n (n - 1) ... (n - k + 1))`` (design ``init-miss``); a start
that misses a component is what EM has to repair (for ``k = 2`` it always
does).  The failure rates themselves have no closed form: for ``k = 2`` the
reference value is ``0``, for ``k >= 3`` they are simulation only.
"""

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from interpstat.experiments import REGISTRY
from interpstat.experiments._base import Design, Reproduction, _percent

NAME = "em-spurious-k3"
DESCRIPTION = REGISTRY[NAME].description

__all__ = [
    "DESCRIPTION",
    "NAME",
    "REPRODUCTION",
    "Spec",
    "designs",
    "failure_replicate",
    "init_replicate",
    "miss_probability",
    "simplex_means",
]

#: A run fails when its mean log-likelihood is this far below the run from the truth.
_GAP = 1e-3


def simplex_means(k, separation):
    """Means ``(separation / sqrt 2) e_j``, ``j < k``: a regular simplex with edge ``separation``.

    Parameters
    ----------
    k : int
    separation : float

    Returns
    -------
    ndarray of shape (k, k)
    """
    return separation / math.sqrt(2.0) * np.eye(k)


def miss_probability(k, m):
    r"""Probability that ``k`` distinct points drawn from ``k`` groups of ``m`` miss a group.

    .. math::

        1 - \frac{k!\, m^k}{n (n - 1) \cdots (n - k + 1)}, \qquad n = k m,

    the chance that a data-point initialisation leaves some component without a
    mean (sampling without replacement; :math:`1 - k!/k^k` as ``m -> inf``).

    Parameters
    ----------
    k, m : array_like of int

    Returns
    -------
    ndarray

    Examples
    --------
    >>> from interpstat.experiments.em_spurious_k3 import miss_probability
    >>> miss_probability([2, 3], 100).round(6)
    array([0.497487, 0.775538])
    """
    k, m = np.broadcast_arrays(np.asarray(k, dtype=np.int64), np.asarray(m, dtype=np.int64))
    out = np.empty(k.shape)
    for index, (kk, mm) in enumerate(zip(k.ravel(), m.ravel(), strict=True)):
        n = kk * mm
        log_cover = (math.lgamma(kk + 1) + kk * math.log(mm)
                     - (math.lgamma(n + 1) - math.lgamma(n - kk + 1)))
        out.flat[index] = -math.expm1(log_cover)
    return out


def _data(params, rng):
    k, m = params["k"], params["m"]
    means = simplex_means(k, params["separation"])
    labels = np.repeat(np.arange(k), m)
    X = means[labels] + rng.standard_normal((k * m, k))
    start = rng.choice(k * m, size=k, replace=False)
    return X, labels, means, start


def init_replicate(params, rng):
    """1 if the ``k`` data points of a random initialisation miss a component.

    Draws the data set and the start exactly as :func:`failure_replicate` does.

    Parameters
    ----------
    params : dict
        ``k``, ``m``, ``separation``.
    rng : numpy.random.Generator

    Returns
    -------
    float
    """
    _, labels, _, start = _data(params, rng)
    return float(np.unique(labels[start]).size < params["k"])


def failure_replicate(params, rng):
    """1 if EM from random data points ends at a bad local maximum, else 0 (NaN: not converged).

    Parameters
    ----------
    params : dict
        ``k``, ``m``, ``separation``, ``learn_weights``, ``max_iter``.
    rng : numpy.random.Generator

    Returns
    -------
    float
    """
    from interpstat.mixture import em_restarts

    k = params["k"]
    X, _, means, start = _data(params, rng)
    # both runs (from the data points, and from the true means: the reference
    # maximum) in one em_restarts call
    runs = em_restarts(
        X, np.stack([X[start], means]), weights=np.full(k, 1.0 / k),
        learn_weights=params["learn_weights"], symmetric=False,
        max_iter=params["max_iter"], tol=1e-8,
    )
    if not runs.converged[0]:
        return math.nan
    return float(runs.log_likelihood[0] < runs.log_likelihood[1] - _GAP)


@dataclass(frozen=True)
class Spec:
    """Settings of one run; ``REPRODUCTION.spec(mode)`` gives a preset."""

    ks: tuple
    """Numbers of components."""
    m: int
    """Points per component."""
    separation: float
    """Distance between any two means."""
    n_reps: int
    """Random initialisations (each on a fresh data set) per ``k``."""
    n_init_reps: int = 4000
    """Replicates of the (cheap) initialisation design."""
    max_iter: int = 2000
    interval: str = "clopper-pearson"
    level: float = 0.95


_PRESETS = {
    "quick": Spec(ks=(2, 3, 5), m=50, separation=8.0, n_reps=50, n_init_reps=1000),
    "default": Spec(ks=(2, 3, 4, 5, 6), m=100, separation=8.0, n_reps=200),
    "full": Spec(ks=(2, 3, 4, 5, 6, 8), m=200, separation=8.0, n_reps=1500, n_init_reps=20000),
}


def designs(s):
    """Failure rate against ``k`` with fixed and with learned weights; the initialisation.

    Parameters
    ----------
    s : Spec

    Returns
    -------
    list of Design
    """
    ks = np.array(s.ks)
    grid = pd.DataFrame({"k": ks})

    def fail_theory(points):
        k = points.k.to_numpy()
        return {"exact": np.where(k == 2, 0.0, np.nan), "bad_init": miss_probability(k, s.m)}

    def miss_theory(points):
        k = points.k.to_numpy()
        p = miss_probability(k, s.m)
        return {"exact": p, "bad_init": p}

    shared = {"grid": grid, "dense": grid, "x": "k", "interval": s.interval, "logx": False,
              "logy": False, "xlabel": "number of components k"}
    curves = {"exact": "k = 2: 0 (global convergence)",
              "bad_init": "P(start misses a component)"}
    out = []
    for learn in (False, True):
        label = "learned" if learn else "fixed"
        out.append(Design(
            name=f"{label}-weights",
            replicate=failure_replicate,
            cells=[{"k": int(k), "m": s.m, "separation": s.separation, "learn_weights": learn,
                    "max_iter": s.max_iter} for k in ks],
            n_reps=s.n_reps, theory=fail_theory, curves=curves,
            quantity=f"share of random data-point starts ending at a bad local maximum "
                     f"(weights 1/k {label})",
            title=f"EM, weights {label}", ylabel="P(bad local maximum)", **shared,
        ))
    out.append(Design(
        name="init-miss",
        replicate=init_replicate,
        cells=[{"k": int(k), "m": s.m, "separation": s.separation} for k in ks],
        n_reps=s.n_init_reps, theory=miss_theory,
        curves={"exact": "1 − k!·m^k/(n)_k", "bad_init": "P(start misses a component)"},
        quantity="share of starts whose k data points miss a component",
        title="Initialisation", ylabel="P(start misses a component)", **shared,
    ))
    return out


class _SpuriousReproduction(Reproduction):
    """Two panels: failure rates against ``k``, and the initialisation's miss probability."""

    def figure(self, spec, frame, dense):
        """Failure rates of both EM variants with the miss probability; the init design.

        Returns
        -------
        matplotlib.figure.Figure
        """
        from matplotlib.figure import Figure

        level = frame.attrs.get("level", spec.level)
        pct = _percent(level)
        fig = Figure(figsize=(12.0, 4.8), layout="constrained")
        ax, ax_init = fig.subplots(1, 2)
        init = dense[dense.design == "init-miss"]
        for a in (ax, ax_init):
            a.plot(init.k, init.bad_init, "-", color="gray", linewidth=1.5,
                   label="P(start misses a component) = 1 − k!·m^k/(n)_k")
        for name, style in (("fixed-weights", {"fmt": "o", "color": "C3"}),
                            ("learned-weights", {"fmt": "s", "color": "C0", "mfc": "none"})):
            sim = frame[frame.design == name]
            nudge = -0.06 if name.startswith("fixed") else 0.06
            err = np.vstack([sim.sim_mean - sim.ci_low, sim.ci_high - sim.sim_mean])
            ax.errorbar(sim.k + nudge, sim.sim_mean, yerr=err, capsize=3, markersize=5,
                        linestyle="-", linewidth=0.8,
                        label=f"EM, weights 1/k {name.split('-')[0]} ({pct} Clopper–Pearson)",
                        **style)
        n = int(frame.n_reps[frame.design == "fixed-weights"].iloc[0])
        ax.set_xlabel("number of components k")
        ax.set_ylabel("P(EM from random data points ends at a bad local max.)")
        ax.set_title(
            f"(a) Failure rate (simplex, distance {spec.separation:g}, m = {spec.m}, "
            f"{n} starts per k)", loc="left", fontsize=10)
        ax.set_ylim(-0.02, 1.0)
        ax.set_xticks(list(spec.ks))
        ax.legend(fontsize=8, loc="upper left")
        sim = frame[frame.design == "init-miss"]
        err = np.vstack([sim.sim_mean - sim.ci_low, sim.ci_high - sim.sim_mean])
        ax_init.errorbar(sim.k, sim.sim_mean, yerr=err, fmt="o", color="black", capsize=3,
                         markersize=4, label=f"simulation ({pct} CI, {int(sim.n_reps.iloc[0])} "
                                             "draws)")
        ax_init.set_xlabel("number of components k")
        ax_init.set_ylabel("P(start misses a component)")
        ax_init.set_title("(b) The initialisation: k distinct data points", loc="left",
                          fontsize=10)
        ax_init.set_ylim(0.0, 1.0)
        ax_init.set_xticks(list(spec.ks))
        ax_init.legend(fontsize=8, loc="lower right")
        return fig


_FIGURE_GUIDE = """## Reading the figure

- (a) Share of random initialisations (k distinct data points, weights 1/k) from which EM
  ends at a local maximum of the likelihood clearly below the global one, for the weights
  held at 1/k (filled) and re-estimated (open). For k = 2 EM always recovers; from k = 3 on
  a positive share fails, growing with k. The gray curve is the probability that the start
  leaves a component without a mean: EM repairs some of these starts but not all, so the
  failure rate stays below it. Unlike the two-component symmetric model (em-success),
  learning the weights does not remove these local maxima.
- (b) The probability that the start misses a component, simulated against its closed form.
"""


def _settings(s):
    return [
        f"k ∈ {list(s.ks)} equal-weight components N(μj, I_k), μj = (R/√2)e_j (pairwise "
        f"distance R = {s.separation:g}), m = {s.m} points per component",
        f"EM: em_restarts(symmetric=False, known identity covariance, weights=1/k, tol=1e-8, "
        f"max_iter={s.max_iter}) from k distinct data points, one fresh data set per start; "
        f"failure = final mean log-likelihood more than {_GAP:g} below the run from the true "
        "means; runs not converged after max_iter are left out (n_reps counts all starts)",
    ]


REPRODUCTION = _SpuriousReproduction(
    name=NAME,
    title="Bad local maxima of EM for k ≥ 3 separated spherical Gaussians",
    intro=(
        "Project reproduction (interpstat) of the phenomenon of Jin, Zhang, Balakrishnan, "
        "Wainwright and Jordan (NeurIPS 2016): with k ≥ 3 well-separated equal-weight "
        "spherical Gaussians and known identity covariance, EM started at random data points "
        "converges to a bad local maximum with substantial probability, while for k = 2 it "
        "does not. Failure rates are simulation only (no closed form); the initialisation's "
        "miss probability is checked against its closed form. Numbers computed by this run, "
        "not copied from the paper."
    ),
    presets=_PRESETS,
    designs=designs,
    settings=_settings,
    reference="exact",
    columns={"k": ("k", None)},
    coverage_note=(
        "the failure rates have a reference value only at k = 2 (0); their rows for k ≥ 3 "
        "(simulation only) are marked — and not counted; the init-miss rows test the "
        "closed form."
    ),
    appendix=lambda spec, frame: _FIGURE_GUIDE,
)
