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
noise.  Grid points with ``|p - n| <= 3`` are left out: the exact risk is
infinite for ``|p - n| <= 1`` and its Monte-Carlo variance for
``|p - n| <= 3`` (REFERENCES.md sec. 7.1).
"""

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from interpstat.linear import MinNormRegressor, minnorm_path
from interpstat.simulation import simulate
from interpstat.theory import minnorm_risk, minnorm_risk_exact, weak_features_risk

NAME = "double-descent"
DESCRIPTION = "Min-norm least squares risk vs p/n: isotropic and weak-features designs"

__all__ = ["DESCRIPTION", "NAME", "Spec", "run", "spec", "theory_frame"]


@dataclass(frozen=True)
class Spec:
    """Settings of one run (see :func:`spec` for the presets)."""

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


_PRESETS = {
    "quick": Spec(n=40, n_points=14, gamma_min=0.1, gamma_max=10.0, D_factor=10, n_reps=200),
    "default": Spec(n=100, n_points=28, gamma_min=0.1, gamma_max=10.0, D_factor=10, n_reps=500),
    "full": Spec(n=200, n_points=40, gamma_min=0.1, gamma_max=10.0, D_factor=10, n_reps=1000),
}


def spec(mode="default"):
    """The settings of a preset: ``"quick"`` (seconds), ``"default"``, ``"full"``.

    Parameters
    ----------
    mode : {"quick", "default", "full"}

    Returns
    -------
    Spec
    """
    if mode not in _PRESETS:
        raise ValueError(f"mode must be one of {sorted(_PRESETS)}, got {mode!r}.")
    return _PRESETS[mode]


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
# Theory on a dense grid (for the figure) and on the simulated points
# ---------------------------------------------------------------------------


def theory_frame(s, n_dense=400):
    """Exact and asymptotic curves on a dense ``p`` grid.

    Parameters
    ----------
    s : Spec
    n_dense : int
        Number of ``p/n`` points (log-spaced).

    Returns
    -------
    pandas.DataFrame
        Columns ``design, p, gamma, exact, asymptotic``.
    """
    p = np.unique(np.round(np.geomspace(s.gamma_min, s.gamma_max, n_dense) * s.n)).astype(int)
    p = p[p >= 1]
    iso = pd.DataFrame(
        {
            "design": "isotropic",
            "p": p,
            "gamma": p / s.n,
            "exact": minnorm_risk_exact(s.n, p, r2=s.r2, sigma2=s.sigma2),
            "asymptotic": minnorm_risk(p / s.n, r2=s.r2, sigma2=s.sigma2),
        }
    )
    pw = p[p <= s.D]
    weak = pd.DataFrame(
        {
            "design": "weak-features",
            "p": pw,
            "gamma": pw / s.n,
            "exact": weak_features_risk(pw, s.n, D=s.D, r2=s.r2, sigma2=s.sigma2),
            "asymptotic": np.nan,
        }
    )
    return pd.concat([iso, weak], ignore_index=True)


def _summarise(design, ps, s, result, metric_of):
    stats = {}  # metric -> (mean, se, ci_low, ci_high), each over all cells
    low, high = [], []
    mean, se = [], []
    for i, p in enumerate(ps):
        metric, cell = metric_of(i, p)
        if metric not in stats:
            stats[metric] = (
                result.mean(metric), result.std_error(metric), *result.ci(metric, level=s.level)
            )
        m, e, lo, hi = (v[cell] for v in stats[metric])
        mean.append(m)
        se.append(e)
        low.append(lo)
        high.append(hi)
    if design == "isotropic":
        exact = minnorm_risk_exact(s.n, ps, r2=s.r2, sigma2=s.sigma2)
        asym = minnorm_risk(ps / s.n, r2=s.r2, sigma2=s.sigma2)
    else:
        exact = weak_features_risk(ps, s.n, D=s.D, r2=s.r2, sigma2=s.sigma2)
        asym = np.full(ps.shape, np.nan)
    frame = pd.DataFrame(
        {
            "design": design,
            "n": s.n,
            "p": ps,
            "gamma": ps / s.n,
            "n_reps": s.n_reps,
            "sim_mean": mean,
            "sim_se": se,
            "ci_low": low,
            "ci_high": high,
            "exact": exact,
            "asymptotic": asym,
        }
    )
    frame["covered"] = (frame.ci_low <= frame.exact) & (frame.exact <= frame.ci_high)
    return frame


def simulate_frame(s, *, random_state=0, n_jobs=None, progress=False):
    """Run both designs and return the tidy results table.

    Parameters
    ----------
    s : Spec
    random_state : int
        Root seed; the two designs use independent children of it.
    n_jobs : int, optional
        joblib workers (the active :func:`joblib.parallel_config` backend).
    progress : bool
        Show tqdm progress bars.

    Returns
    -------
    pandas.DataFrame
        One row per (design, p): ``sim_mean, sim_se, ci_low, ci_high`` (a
        Student-t interval at ``s.level``), ``exact``, ``asymptotic`` and
        ``covered`` (the interval contains the exact value).
    """
    seeds = np.random.SeedSequence(random_state).spawn(2)
    ps = s.grid_p()
    base = {"n": s.n, "r2": s.r2, "sigma2": s.sigma2}
    iso = simulate(
        isotropic_replicate,
        [{**base, "p": int(p)} for p in ps],
        s.n_reps,
        random_state=seeds[0],
        n_jobs=n_jobs,
        progress=progress,
        config={"name": "isotropic"},
    )
    pw = ps[ps <= s.D]
    weak = simulate(
        weak_features_replicate,
        [{**base, "D": s.D, "ps": tuple(int(p) for p in pw)}],
        s.n_reps,
        random_state=seeds[1],
        n_jobs=n_jobs,
        progress=progress,
        config={"name": "weak-features"},
    )
    return pd.concat(
        [
            _summarise("isotropic", ps, s, iso, lambda i, p: ("risk", i)),
            _summarise("weak-features", pw, s, weak, lambda i, p: (f"p{p}", 0)),
        ],
        ignore_index=True,
    )


# ---------------------------------------------------------------------------
# Figure and report
# ---------------------------------------------------------------------------


def make_figure(frame, dense, s):
    """Two panels: simulation with CIs over the exact (and asymptotic) curves.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    from interpstat.plotting import RiskCurveDisplay

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.3), constrained_layout=True)
    titles = {
        "isotropic": f"Isotropic Gaussian design (n={s.n}, r²={s.r2}, σ²={s.sigma2})",
        "weak-features": f"Weak features (n={s.n}, D={s.D}, r²={s.r2}, σ²={s.sigma2})",
    }
    ylabels = {"isotropic": "excess test risk", "weak-features": "prediction risk"}
    for ax, design in zip(axes, ("isotropic", "weak-features"), strict=True):
        d = dense[dense.design == design]
        curves = {"exact (finite n)": d.exact.to_numpy()}
        if design == "isotropic":
            curves["asymptotic (HMRT)"] = d.asymptotic.to_numpy()
        RiskCurveDisplay(x=d.gamma.to_numpy(), curves=curves, ylabel=ylabels[design]).plot(
            ax=ax, threshold=1.0
        )
        f = frame[frame.design == design]
        RiskCurveDisplay(
            x=f.gamma.to_numpy(),
            sim_mean=f.sim_mean.to_numpy(),
            sim_ci=(f.ci_low.to_numpy(), f.ci_high.to_numpy()),
            label=f"simulation ({int(s.level * 100)}% CI, {s.n_reps} reps)",
            ylabel=ylabels[design],
        ).plot(ax=ax, threshold=None, title=titles[design])
        finite = d.exact[np.isfinite(d.exact)]
        ax.set_ylim(0.5 * min(finite.min(), f.sim_mean.min()), 4 * max(finite.quantile(0.5), 1))
        ax.yaxis.set_major_locator(LogLocator(base=10.0, subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
    return fig


def write_report(path, frame, s, *, mode, seed, runtime, n_jobs):
    """Write the markdown report: settings, coverage, the table."""
    lines = [
        "# Double descent of minimum-norm least squares",
        "",
        "Project reproduction (interpstat); curves from `interpstat.theory`: exact finite-sample "
        "risk of min-norm least squares under a Gaussian design, the Hastie–Montanari–Rosset–"
        "Tibshirani isotropic limit, and Belkin–Hsu–Xu's weak-features risk (random subset of "
        "features). Numbers computed by this run, not copied from papers.",
        "",
        "## Settings",
        "",
        f"- mode: `{mode}`; seed: `{seed}`; n_jobs: `{n_jobs}`; runtime: {runtime:.1f} s",
        f"- n = {s.n}; p/n from {s.gamma_min} to {s.gamma_max} ({len(s.grid_p())} points, "
        "|p − n| ≥ 4)",
        f"- r² = ‖β‖² = {s.r2}, σ² = {s.sigma2}; weak features: D = {s.D}",
        f"- {s.n_reps} replicates per point; {int(s.level * 100)}% Student-t intervals",
        "- isotropic: excess risk ‖β̂ − β‖²; weak features: prediction risk (noise included)",
        "",
        "## Coverage of the exact curve",
        "",
        "| design | grid points | CI covers exact | share |",
        "|---|---|---|---|",
    ]
    for design, f in frame.groupby("design", sort=False):
        k, m = int(f.covered.sum()), len(f)
        lines.append(f"| {design} | {m} | {k} | {k / m:.0%} |")
    lines += [
        "",
        f"With a correct curve about {s.level:.0%} of points are covered; points next to the "
        "threshold have heavy-tailed risks (the inverse-Wishart variance is finite only for "
        "|p − n| > 3), so their intervals are the least reliable.",
        "",
        "## Table",
        "",
        "| design | p | p/n | simulation | 95% CI | exact | asymptotic | covered |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in frame.itertuples():
        asym = "" if not np.isfinite(row.asymptotic) else f"{row.asymptotic:.4g}"
        lines.append(
            f"| {row.design} | {row.p} | {row.gamma:.3g} | {row.sim_mean:.4g} | "
            f"[{row.ci_low:.4g}, {row.ci_high:.4g}] | {row.exact:.4g} | {asym} | "
            f"{'yes' if row.covered else 'no'} |"
        )
    lines += ["", "Files: `results.csv` (this table), `figure.png`.", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def run(out_dir, *, mode="default", random_state=0, n_jobs=None, progress=True):
    """Simulate, compare with theory, and write ``results.csv``, ``figure.png``, ``report.md``.

    Parameters
    ----------
    out_dir : pathlib.Path
        Directory for the three files (created).
    mode : {"quick", "default", "full"}
    random_state : int
    n_jobs : int, optional
    progress : bool

    Returns
    -------
    dict
        Paths of the files written and the results table (``"frame"``).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    s = spec(mode)
    out_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    frame = simulate_frame(s, random_state=random_state, n_jobs=n_jobs, progress=progress)
    runtime = time.perf_counter() - t0
    csv = out_dir / "results.csv"
    frame.to_csv(csv, index=False)
    fig = make_figure(frame, theory_frame(s), s)
    png = out_dir / "figure.png"
    fig.savefig(png, dpi=130)
    plt.close(fig)
    report = out_dir / "report.md"
    write_report(report, frame, s, mode=mode, seed=random_state, runtime=runtime, n_jobs=n_jobs)
    return {"csv": csv, "figure": png, "report": report, "frame": frame}
