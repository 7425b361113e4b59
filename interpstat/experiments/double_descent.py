"""Double descent of min-norm least squares: simulation against exact and asymptotic curves.

Two designs at a fixed number of samples ``n``:

``isotropic``
    ``x ~ N(0, I_p)``, ``y = x^T beta + sigma eps`` with ``||beta||^2 = r2``
    (a uniformly random direction); the learner sees all ``p`` features.  The
    excess risk ``||beta_hat - beta||^2`` is compared with
    :func:`~interpstat.theory.minnorm_risk_exact` (Gaussian design, finite
    ``n, p``) and the Hastie--Montanari--Rosset--Tibshirani limit
    :func:`~interpstat.theory.minnorm_risk`.
``weak-features``
    Belkin--Hsu--Xu's misspecified model: ``D`` features, ``x ~ N(0, I_D)``,
    the learner sees a uniformly random subset of ``p`` of them (the first
    ``p`` after a random rotation of ``beta``'s direction, which has the
    same law).  The prediction risk ``||beta_hat - beta_T||^2 +
    ||beta_Tc||^2 + sigma^2`` is compared with
    :func:`~interpstat.theory.weak_features_risk`; all ``p`` of one replicate
    come from one :func:`~interpstat.minnorm_path` call.

The risks are computed exactly given the fitted coefficients (the test
expectation over a fresh Gaussian ``x`` is a norm), so no test sample adds
noise.

Why grid points with ``|p - n| <= 3`` are left out: for a Gaussian design the
variance part of the risk is an inverse-Wishart mean. With ``p <= n - 2``,
``X^T X`` is Wishart with ``n`` degrees of freedom and ``E (X^T X)^{-1} =
Sigma^{-1} / (n - p - 1)``, so the noise contributes ``sigma^2 p / (n - p -
1)``; with ``p >= n + 2`` (``Sigma = I``) ``E (X X^T)^{-1} = I / (p - n - 1)``
and it contributes ``sigma^2 n / (p - n - 1)`` (the inverse-Wishart mean; the
derivation is eq. (exact) of the theory page of the documentation). The exact
finite-sample risk is therefore infinite for ``n - 1 <= p <= n + 1``. Near it,
the second moment of the inverse Wishart, hence the variance of one replicate's
risk, is finite only when ``n - p - 3 > 0`` (or ``p - n - 3 > 0``): for ``|p -
n| <= 3`` the Monte-Carlo mean has unbounded variance and no valid confidence
interval, so the grid keeps ``|p - n| >= 4``.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from interpstat.experiments import REGISTRY
from interpstat.experiments._base import Design, Reproduction
from interpstat.linear import MinNormRegressor, minnorm_path
from interpstat.theory import minnorm_risk, minnorm_risk_exact, weak_features_risk

NAME = "double-descent"
DESCRIPTION = REGISTRY[NAME].description

__all__ = [
    "DESCRIPTION",
    "NAME",
    "REPRODUCTION",
    "Spec",
    "designs",
    "isotropic_replicate",
    "weak_features_replicate",
]


@dataclass(frozen=True)
class Spec:
    """Settings of one run; ``REPRODUCTION.spec(mode)`` gives a preset."""

    n: int
    n_points: int
    gamma_min: float
    gamma_max: float
    D_factor: int
    n_reps: int
    r2: float = 1.0
    sigma2: float = 0.25
    level: float = 0.95

    @property
    def D(self):
        """Total number of features of the weak-features design."""
        return self.D_factor * self.n

    def grid_p(self):
        """Numbers of features ``p``: log-spaced in ``p/n``, ``|p - n| >= 4``."""
        ps = np.unique(
            np.round(np.geomspace(self.gamma_min, self.gamma_max, self.n_points) * self.n)
        ).astype(int)
        ps = ps[(ps >= 1) & (np.abs(ps - self.n) >= 4)]
        return ps

    def dense_p(self, n_dense=400):
        """Numbers of features of the theory curves: ``n_dense`` log-spaced ``p/n``."""
        p = np.unique(
            np.round(np.geomspace(self.gamma_min, self.gamma_max, n_dense) * self.n)
        ).astype(int)
        return p[p >= 1]


_PRESETS = {
    "quick": Spec(n=40, n_points=14, gamma_min=0.1, gamma_max=10.0, D_factor=10, n_reps=200),
    "default": Spec(n=100, n_points=28, gamma_min=0.1, gamma_max=10.0, D_factor=10, n_reps=500),
    "full": Spec(n=200, n_points=40, gamma_min=0.1, gamma_max=10.0, D_factor=10, n_reps=1000),
}


# ---------------------------------------------------------------------------
# One Monte-Carlo replicate of each design (module level: picklable)
# ---------------------------------------------------------------------------


def _random_direction(rng, dim, r2):
    beta = rng.standard_normal(dim)
    return beta * np.sqrt(r2) / np.linalg.norm(beta)


def isotropic_replicate(params, rng):
    """Excess risk ``||beta_hat - beta||^2`` of one min-norm fit (isotropic design)."""
    n, p = params["n"], params["p"]
    X = rng.standard_normal((n, p))
    beta = _random_direction(rng, p, params["r2"])
    y = X @ beta + np.sqrt(params["sigma2"]) * rng.standard_normal(n)
    coef = MinNormRegressor(fit_intercept=False).fit(X, y).coef_
    return {"risk": float(np.sum((coef - beta) ** 2))}


def weak_features_replicate(params, rng):
    """Prediction risks of the min-norm fits on the first ``p`` of ``D`` features, every ``p``."""
    n, D, ps = params["n"], params["D"], params["ps"]
    X = rng.standard_normal((n, D))
    beta = _random_direction(rng, D, params["r2"])
    y = X @ beta + np.sqrt(params["sigma2"]) * rng.standard_normal(n)
    path = minnorm_path(X, y, ps, fit_intercept=False, return_coef=True)
    tail = np.cumsum((beta**2)[::-1])[::-1]  # tail[p] = ||beta_{p:}||^2
    out = {}
    for p, coef in zip(path.n_features, path.coefs, strict=True):
        unseen = tail[p] if p < D else 0.0
        out[f"p{p}"] = float(np.sum((coef - beta[:p]) ** 2) + unseen + params["sigma2"])
    return out


# ---------------------------------------------------------------------------
# The two designs
# ---------------------------------------------------------------------------


def _points(s, p):
    return pd.DataFrame({"n": s.n, "p": p, "gamma": p / s.n})


def _ylim(sim, dense):
    """From half the lowest point to four times the median finite exact value (at least 4)."""
    finite = dense.exact[np.isfinite(dense.exact)]
    return 0.5 * min(finite.min(), sim.sim_mean.min()), 4 * max(finite.quantile(0.5), 1)


def designs(s):
    """The ``isotropic`` and ``weak-features`` designs of the settings ``s``.

    Parameters
    ----------
    s : Spec

    Returns
    -------
    list of Design
    """
    ps = s.grid_p()
    pw = ps[ps <= s.D]
    dense = s.dense_p()
    base = {"n": s.n, "r2": s.r2, "sigma2": s.sigma2}
    shared = {
        "n_reps": s.n_reps,
        "x": "gamma",
        "xlabel": "p / n",
        "threshold": 1.0,
        "ylim": _ylim,
    }

    def isotropic_theory(points):
        return {
            "exact": minnorm_risk_exact(s.n, points.p.to_numpy(), r2=s.r2, sigma2=s.sigma2),
            "asymptotic": minnorm_risk(points.gamma.to_numpy(), r2=s.r2, sigma2=s.sigma2),
        }

    def weak_theory(points):
        p = points.p.to_numpy()
        return {"exact": weak_features_risk(p, s.n, D=s.D, r2=s.r2, sigma2=s.sigma2)}

    return [
        Design(
            name="isotropic",
            replicate=isotropic_replicate,
            grid=_points(s, ps),
            cells=[{**base, "p": int(p)} for p in ps],
            metric="risk",
            theory=isotropic_theory,
            curves={"exact": "exact (finite n)", "asymptotic": "asymptotic (HMRT)"},
            dense=_points(s, dense),
            quantity="excess risk ‖β̂ − β‖²",
            title=f"Isotropic Gaussian design (n={s.n}, r²={s.r2}, σ²={s.sigma2})",
            ylabel="excess test risk",
            **shared,
        ),
        Design(
            name="weak-features",
            replicate=weak_features_replicate,
            grid=_points(s, pw),
            cells=[{**base, "D": s.D, "ps": tuple(int(p) for p in pw)}],
            metric=[f"p{p}" for p in pw],
            theory=weak_theory,
            curves={"exact": "exact (finite n)"},
            dense=_points(s, dense[dense <= s.D]),
            quantity="prediction risk (noise included)",
            title=f"Weak features (n={s.n}, D={s.D}, r²={s.r2}, σ²={s.sigma2})",
            ylabel="prediction risk",
            **shared,
        ),
    ]


def _settings(s):
    return [
        f"n = {s.n}; p/n from {s.gamma_min} to {s.gamma_max} ({len(s.grid_p())} points, "
        "|p − n| ≥ 4)",
        f"r² = ‖β‖² = {s.r2}, σ² = {s.sigma2}; weak features: D = {s.D}",
    ]


REPRODUCTION = Reproduction(
    name=NAME,
    title="Double descent of minimum-norm least squares",
    intro=(
        "Project reproduction (interpstat); curves from `interpstat.theory`: exact finite-sample "
        "risk of min-norm least squares under a Gaussian design, the Hastie–Montanari–Rosset–"
        "Tibshirani isotropic limit, and Belkin–Hsu–Xu's weak-features risk (random subset of "
        "features). Numbers computed by this run, not copied from papers."
    ),
    presets=_PRESETS,
    designs=designs,
    settings=_settings,
    reference="exact",
    columns={"p": ("p", "{}"), "gamma": ("p/n", "{:.3g}")},
    coverage_note=(
        "points next to the threshold have heavy-tailed risks (the inverse-Wishart variance "
        "is finite only for |p − n| > 3), so their intervals are the least reliable."
    ),
)
