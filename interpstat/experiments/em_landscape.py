"""EM landscape of the symmetric two-component mixture: spurious fixed points with known weights.

Data ``Y ~ w* N(s, 1) + (1 - w*) N(-s, 1)`` (``d = 1``, ``s = theta* > 0``,
``w* > 1/2``), fitted by population EM (the infinite-sample map of
:func:`~interpstat.theory.em_population_step`):

*Model 1* holds the weight at its true value ``w*``; *Model 2* re-estimates
it although it is known (over-parameterisation).  Xu, Hsu and Maleki
(NeurIPS 2018) show that Model 1 can converge to a spurious fixed point
``theta_bar`` on the wrong side of the origin, while Model 2 reaches a global
maximiser of the log-likelihood from almost every start.  This reproduction
computes, in ``d = 1``, with the landscape functions of
:mod:`interpstat.theory` (formulas, accuracy and derivations in their
docstrings and in docs/theory.rst):

``critical separation``
    ``s_c(w*)`` (:func:`~interpstat.theory.em_critical_separation`): Model 1
    has a stable spurious fixed point ``theta_bar < 0`` (and an unstable
    ``theta_u`` in ``(theta_bar, 0)``, the edge of its basin) iff ``s > s_c``;
    the certified accuracy ``delta`` is reported.
``failure probability``
    Model 1 started at a data point ``theta_0 = Y`` ends at ``theta_bar`` with
    probability ``w* Phi(theta_u - s) + (1 - w*) Phi(theta_u + s)`` (``0`` for
    ``s < s_c``; :func:`~interpstat.theory.em_failure_probability`).  The
    simulation draws starts from the mixture, iterates the population map
    from each until it converges
    (:func:`~interpstat.theory.em_population_limits`, vectorised over the
    starts), and counts the starts that do not end at ``theta*``: a
    proportion with Wilson intervals.  Model 2 started at ``(Y, w*)`` is
    counted the same way (ending at either global maximiser ``(s, w*)`` or
    ``(-s, 1 - w*)`` is a success); its failure probability is ``0``.
``basin boundary of Model 2``
    In the ``(theta_0, w_0)`` plane the starts converging to ``(s, w*)`` are
    ``theta_0 > a_b(w_0)`` (:func:`~interpstat.theory.em_basin_boundary`);
    ``a_b(w_0) = -a_b(1 - w_0)``.

Every number is computed by this module from the population map; none is
copied from the paper.
"""

import functools
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from interpstat.experiments import REGISTRY
from interpstat.experiments._base import Design, Reproduction, _percent
from interpstat.theory import (
    em_basin_boundary,
    em_critical_separation,
    em_failure_probability,
    em_fixed_points,
    em_model1_branches,
    em_population_limits,
)

NAME = "em-landscape"
DESCRIPTION = REGISTRY[NAME].description

__all__ = [
    "DESCRIPTION",
    "NAME",
    "REPRODUCTION",
    "Spec",
    "designs",
    "failure_replicate",
    "landscape",
]

# ---------------------------------------------------------------------------
# One batch of Monte-Carlo starts (module level: picklable)
# ---------------------------------------------------------------------------


def failure_replicate(params, rng):
    """Run EM from ``params["batch"]`` data-point starts; 1 for each start that fails.

    The starts are draws ``Y = z s + G`` from the mixture (``P(z = 1) = w*``);
    Model 1 (``params["learn_weights"]`` false) starts at ``(Y, w*)`` with the
    weight held fixed, Model 2 at ``(Y, w*)`` with the weight learned.  A start
    *fails* when the converged limit is not a global maximiser: not within
    ``1e-6`` of ``(s, w*)`` (nor, for Model 2, of ``(-s, 1 - w*)``).  Starts
    not converged after ``10^4`` steps are NaN (left out of the summaries).

    Parameters
    ----------
    params : dict
        ``s``, ``w_star``, ``learn_weights``, ``batch``.
    rng : numpy.random.Generator

    Returns
    -------
    dict of str to float
        ``"start{i}"`` -> 0.0 or 1.0 (or NaN), ``i < batch``.
    """
    s, w_star, batch = params["s"], params["w_star"], params["batch"]
    z = np.where(rng.random(batch) < w_star, 1.0, -1.0)
    y = z * s + rng.standard_normal(batch)
    out = em_population_limits(y, s, w_star, learn_weights=params["learn_weights"])
    success = (np.abs(out.theta - s) < 1e-6) & (np.abs(out.w - w_star) < 1e-6)
    if params["learn_weights"]:
        success |= (np.abs(out.theta + s) < 1e-6) & (np.abs(out.w - (1.0 - w_star)) < 1e-6)
    fail = np.where(out.converged, (~success).astype(np.float64), np.nan)
    return {f"start{i}": float(v) for i, v in enumerate(fail)}


# ---------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """Settings of one run; ``REPRODUCTION.spec(mode)`` gives a preset."""

    w_stars: tuple
    """True weights of the Model 1 failure designs."""
    s_max: float
    """Largest separation of the simulated grid (which starts at ``s_max / n_s``)."""
    n_s: int
    """Simulated separations per design (before dropping those within 0.05 of ``s_c``)."""
    n_starts: int
    """Data-point starts per simulated separation."""
    batch: int
    """Starts iterated together in one replicate (divides ``n_starts``)."""
    sc_weights: tuple
    """Weights of the ``s_c(w*)`` table and curve."""
    basin_cases: tuple
    """``(s, w*)`` pairs whose Model 2 basin boundary is computed."""
    n_w0: int
    """Initial weights per basin boundary."""
    n_dense: int
    """Separations of each dense theory curve."""
    model2_w_star: float = 0.8
    display_case: tuple = (2.0, 0.8)
    interval: str = "wilson"
    level: float = 0.95

    def grid_s(self, w_star):
        """Simulated separations: ``n_s`` evenly spaced up to ``s_max``, off ``s_c(w*)``."""
        s = np.linspace(self.s_max / self.n_s, self.s_max, self.n_s)
        s_c = em_critical_separation(w_star).s_c
        return s[np.abs(s - s_c) >= 0.05]

    def dense_s(self, w_star):
        """Separations of the dense curve, with points just either side of ``s_c(w*)``."""
        s_c = em_critical_separation(w_star).s_c
        s = np.linspace(0.02, self.s_max, self.n_dense)
        return np.unique(np.r_[s[np.abs(s - s_c) > 1e-3], s_c - 1e-6, s_c + 1e-6])

    def w0_grid(self):
        """Initial weights of the basin boundaries: symmetric about 1/2 in (0.02, 0.98)."""
        return np.linspace(0.02, 0.98, self.n_w0)


_PRESETS = {
    "quick": Spec(
        w_stars=(0.7, 0.9), s_max=3.0, n_s=6, n_starts=200, batch=100,
        sc_weights=(0.6, 0.7, 0.8, 0.9), basin_cases=((2.0, 0.8),), n_w0=13, n_dense=20,
    ),
    "default": Spec(
        w_stars=(0.6, 0.7, 0.8, 0.9), s_max=3.5, n_s=14, n_starts=800, batch=200,
        sc_weights=(0.51, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95),
        basin_cases=((2.0, 0.8), (1.0, 0.7), (3.0, 0.6)), n_w0=25, n_dense=60,
    ),
    "full": Spec(
        w_stars=(0.6, 0.7, 0.8, 0.9), s_max=4.0, n_s=24, n_starts=4000, batch=500,
        sc_weights=tuple(np.round(np.r_[0.51, np.arange(0.525, 0.99, 0.025)], 3)),
        basin_cases=((2.0, 0.8), (1.0, 0.7), (3.0, 0.6)), n_w0=49, n_dense=120,
    ),
}


# ---------------------------------------------------------------------------
# The designs: failure probability of Model 1 (one per w*) and of Model 2
# ---------------------------------------------------------------------------


def _points(s_values, w_star):
    return pd.DataFrame({"w_star": w_star, "s": np.asarray(s_values, dtype=np.float64)})


def designs(s):
    """One failure-probability design per ``w*`` of Model 1, and one of Model 2.

    Parameters
    ----------
    s : Spec

    Returns
    -------
    list of Design
    """

    def theory(points):
        return {
            "exact": np.array([
                em_failure_probability(row.s, row.w_star) for row in points.itertuples()
            ])
        }

    def model2_theory(points):
        return {"exact": np.zeros(len(points))}

    shared = {
        "n_reps": s.n_starts, "x": "s", "interval": s.interval, "logx": False,
        "logy": False, "xlabel": "separation s = θ*", "ylabel": "P(EM fails)",
        "metric": "fail", "batch": s.batch,
    }
    out = []
    for w_star in s.w_stars:
        grid = s.grid_s(w_star)
        out.append(Design(
            name=f"model1-w{w_star:g}",
            replicate=failure_replicate,
            grid=_points(grid, w_star),
            cells=[{"s": float(v), "w_star": w_star, "learn_weights": False,
                    "batch": s.batch} for v in grid],
            theory=theory,
            curves={"exact": f"w*={w_star:g}: w*Φ(θu−s)+(1−w*)Φ(θu+s)"},
            dense=_points(s.dense_s(w_star), w_star),
            quantity="share of data-point starts not reaching θ* (Model 1)",
            title=f"Model 1, w* = {w_star:g}",
            **shared,
        ))
    w_star = s.model2_w_star
    n2 = max(2, s.n_s // 2)  # Model 2 never fails: half as many separations suffice
    grid = np.linspace(s.s_max / n2, s.s_max, n2)
    out.append(Design(
        name=f"model2-w{w_star:g}",
        replicate=failure_replicate,
        grid=_points(grid, w_star),
        cells=[{"s": float(v), "w_star": w_star, "learn_weights": True, "batch": s.batch}
               for v in grid],
        theory=model2_theory,
        curves={"exact": "Model 2: 0"},
        dense=_points([grid[0], grid[-1]], w_star),
        quantity="share of starts (Y, w*) reaching neither global maximiser (Model 2)",
        title=f"Model 2, w* = {w_star:g}",
        **shared,
    ))
    return out


# ---------------------------------------------------------------------------
# Theory summary shared by the figure and the report
# ---------------------------------------------------------------------------


class Landscape(NamedTuple):
    """Theory-only results of a run (see :func:`landscape`)."""

    critical: pd.DataFrame
    """``w_star, s_c, accuracy, lower, upper``."""
    fixed_points: pd.DataFrame
    """``model, s, w_star, theta, w, kind, eig_min, eig_max``: every fixed point of both
    models, with the smallest and largest eigenvalue of the Jacobian of the map (equal for
    Model 1: the slope ``M'(theta)``)."""
    boundaries: pd.DataFrame
    """``s, w_star, w0, a_b``: Model 2 basin boundaries."""
    branches: pd.DataFrame
    """``w_star, s, theta_bar, theta_u``: Model 1 fixed points on the dense grid."""


@functools.lru_cache(maxsize=8)
def landscape(s):
    """The thresholds, fixed points, basin boundaries and branches of the settings ``s``.

    Parameters
    ----------
    s : Spec

    Returns
    -------
    Landscape
    """
    crit = pd.DataFrame(
        [(w, *em_critical_separation(w)) for w in s.sc_weights],
        columns=["w_star", "s_c", "accuracy", "lower", "upper"],
    )
    rows = []
    for case in dict.fromkeys((*s.basin_cases, s.display_case)):
        for learn in (False, True):
            fp = em_fixed_points(case[0], case[1], learn_weights=learn)
            for t, w, eig, kind in zip(fp.theta, fp.w, fp.eigvals, fp.kind, strict=True):
                rows.append((2 if learn else 1, case[0], case[1], t, w, kind, eig[0], eig[-1]))
    fixed = pd.DataFrame(
        rows, columns=["model", "s", "w_star", "theta", "w", "kind", "eig_min", "eig_max"]
    )
    w0 = s.w0_grid()
    bounds = pd.concat(
        [pd.DataFrame({"s": c[0], "w_star": c[1], "w0": w0,
                       "a_b": em_basin_boundary(w0, c[0], c[1], xtol=1e-7)})
         for c in s.basin_cases],
        ignore_index=True,
    )
    w_disp = s.display_case[1]
    dense = s.dense_s(w_disp)
    br = [em_model1_branches(v, w_disp) for v in dense]
    branches = pd.DataFrame({
        "w_star": w_disp, "s": dense,
        "theta_bar": [b.theta_bar for b in br], "theta_u": [b.theta_u for b in br],
    })
    return Landscape(crit, fixed, bounds, branches)


# ---------------------------------------------------------------------------
# The reproduction: pooled batches of starts, a six-panel figure, extra report sections
# ---------------------------------------------------------------------------


class _LandscapeReproduction(Reproduction):
    """The base's batched designs (starts pooled per cell), with its own figure."""

    def figure(self, spec, frame, dense):
        """Six panels: the two EM landscapes, ``s_c(w*)``, the branches, failures, basins.

        Returns
        -------
        matplotlib.figure.Figure
        """
        from matplotlib.figure import Figure

        from interpstat.plotting import EMLandscapeDisplay

        land = landscape(spec)
        level = frame.attrs.get("level", spec.level)
        fig = Figure(figsize=(17.0, 10.0), layout="constrained")
        axes = fig.subplots(2, 3)
        s_disp, w_disp = spec.display_case
        bd = land.boundaries
        pick = (bd.s == s_disp) & (bd.w_star == w_disp)
        boundary = (bd.w0[pick].to_numpy(), bd.a_b[pick].to_numpy()) if pick.any() else None
        EMLandscapeDisplay.from_theory(
            s_disp, w_disp, boundary=boundary, starts=_cobweb_starts(s_disp, w_disp),
            ax=axes[0, :2], density=0.8,
        )
        _plot_critical(axes[0, 2], land.critical)
        _plot_branches(axes[1, 0], land.branches, em_critical_separation(w_disp).s_c)
        _plot_failure(axes[1, 1], frame, dense, level)
        _plot_boundaries(axes[1, 2], bd)
        for ax, letter in zip(axes.flat, "abcdef", strict=True):
            title = ax.get_title()
            ax.set_title("")
            ax.set_title(f"({letter}) {title}", loc="left", fontsize=10)
        return fig


def _cobweb_starts(s, w_star):
    """Two starts just either side of the unstable fixed point (or near 0 without one)."""
    theta_u = em_model1_branches(s, w_star).theta_u
    centre = theta_u if np.isfinite(theta_u) else 0.0
    return (centre - 0.1, centre + 0.1)


def _plot_critical(ax, crit):
    top = crit.s_c.max() * 1.35
    w = np.r_[0.5, crit.w_star]  # s_c -> 0 as w* -> 1/2 (s_c ~ 2(2w* - 1))
    s_c = np.r_[0.0, crit.s_c]
    ax.fill_between(w, s_c, top, color="C3", alpha=0.12, linewidth=0,
                    label="stable spurious θ̄ < 0 exists")
    ax.fill_between(w, 0, s_c, color="C0", alpha=0.08, linewidth=0,
                    label="only θ* is a stable fixed point")
    ax.plot(crit.w_star, crit.s_c, "o-", color="C3", label="s_c(w*) (root-finding)")
    grid = np.linspace(0.5, w[-1], 100)
    ax.plot(grid, 2 * (2 * grid - 1), "--", color="gray", label="2(2w* − 1), w* → ½")
    ax.set_xlim(0.5, w[-1])
    ax.set_ylim(0, top)
    ax.set_xlabel("true weight w*")
    ax.set_ylabel("separation s")
    ax.set_title("Model 1: critical separation s_c(w*)")
    ax.legend(loc="lower right", fontsize=8)


def _plot_branches(ax, br, s_c):
    w = float(br.w_star.iloc[0])
    s = br.s.to_numpy()
    ax.plot(s, s, color="C0", label="θ* = s (global maximum)")
    ax.plot(s, br.theta_bar, color="C3", label="θ̄ (stable, spurious)")
    ax.plot(s, br.theta_u, "--", color="C3", label="θu (unstable)")
    ax.fill_between(s, -s.max() - 1, np.where(np.isfinite(br.theta_u), br.theta_u, np.nan),
                    color="C3", alpha=0.12, linewidth=0, label="basin of θ̄")
    ax.axvline(s_c, color="gray", linestyle=":", linewidth=1)
    ax.annotate(f"s_c = {s_c:.4f}", (s_c, 0.5), xytext=(5, 0), textcoords="offset points",
                fontsize=8, color="gray")
    ax.axhline(0, color="black", linewidth=0.5)
    ax.set_ylim(-s.max() - 0.3, s.max() + 0.3)
    ax.set_xlabel("separation s = θ*")
    ax.set_ylabel("fixed points θ")
    ax.set_title(f"Model 1 fixed points, w* = {w:g} (saddle-node at s_c)")
    ax.legend(loc="upper left", fontsize=8)


def _plot_failure(ax, frame, dense, level):
    from interpstat.plotting import RiskCurveDisplay

    for k, name in enumerate(dict.fromkeys(frame.design)):
        sim = frame[frame.design == name]
        th = dense[dense.design == name]
        color = f"C{k}"
        label = name.replace("model1-w", "Model 1, w* = ").replace("model2-w", "Model 2, w* = ")
        RiskCurveDisplay(
            x=th.s.to_numpy(), curves={f"{label} (theory)": th.exact.to_numpy()},
            curve_styles={f"{label} (theory)": {"color": color}},
            series=[{"x": sim.s.to_numpy(), "mean": sim.sim_mean.to_numpy(),
                     "ci": (sim.ci_low.to_numpy(), sim.ci_high.to_numpy()),
                     "label": f"{label}: simulation", "style": {
                         "color": color, "fmt": "s" if name.startswith("model2") else "o"}}],
        ).plot(ax=ax, logx=False, logy=False)
    n = int(frame.n_reps.iloc[0])
    ax.set_xlabel("separation s = θ*")
    ax.set_ylabel("P(EM started at a data point fails)")
    ax.set_title(f"Failure probability ({_percent(level)} Wilson CI, {n} starts)")
    ax.legend(fontsize=7, loc="upper left", ncol=2)
    ax.set_ylim(-0.02, max(0.6, float(frame.ci_high.max()) * 1.25))


def _plot_boundaries(ax, bd):
    for k, ((s, w), g) in enumerate(bd.groupby(["s", "w_star"], sort=False)):
        ax.plot(g.a_b, g.w0, color=f"C{k}", label=f"s = {s:g}, w* = {w:g}")
    ax.axhline(0.5, color="gray", linewidth=0.5)
    ax.axvline(0.0, color="gray", linewidth=0.5)
    ax.set_xlabel("initial mean θ0")
    ax.set_ylabel("initial weight w0")
    ax.set_title("Model 2 basin boundary a_b(w0)")
    ax.text(0.97, 0.9, "→ (s, w*)", transform=ax.transAxes, ha="right")
    ax.text(0.03, 0.1, "(−s, 1−w*) ←", transform=ax.transAxes, ha="left")
    ax.legend(fontsize=8, loc="center right")


_FIGURE_GUIDE = """## Reading the figure

- (a) Model 1's population map M(θ) against the diagonal at the landscape case: the
  crossings are the fixed points (filled: stable, open: unstable). M is increasing, so
  EM moves monotonically (the cobweb paths) and every start left of θu (red band) ends
  at the spurious θ̄.
- (b) Model 2's flow in the (θ, w) plane: one EM step moves each point along the
  streamlines. Both maxima (s, w*) and (−s, 1 − w*) are global (relabelling); the only
  other fixed point is the saddle (0, ½), whose stable manifold θ0 = a_b(w0) (dashed)
  separates the two basins. Model 1 is confined to the dotted line w = w*, where its
  spurious θ̄ (cross) is not a fixed point of Model 2: learning the weight lets EM leave.
- (c) s_c(w*): above the curve Model 1 has a stable spurious fixed point.
- (d) The fixed points of Model 1 against s: θ̄ and θu are born together at s_c
  (saddle-node); the shaded band is the basin of θ̄.
- (e) Probability that EM started at a data point fails: Model 1 jumps from 0 to a
  positive value at s_c and tends to 1 − w* (θu → 0⁻) as s grows; Model 2 never fails.
- (f) The Model 2 basin boundaries for several (s, w*): antisymmetric about w0 = ½.
"""


def _landscape_report(land):
    lines = [
        _FIGURE_GUIDE,
        "## Critical separation s_c(w*) of Model 1",
        "",
        "Root of s ↦ min over θ < 0 of M(θ) − θ (`brentq`), certified on the fixed-point "
        "structure: `em_fixed_points` finds no spurious fixed point at s_c − δ and one at "
        "s_c + δ.",
        "",
        "| w* | s_c | δ (certified accuracy) |",
        "|---|---|---|",
    ]
    for row in land.critical.itertuples():
        lines.append(f"| {row.w_star:g} | {row.s_c:.10f} | {row.accuracy:.0e} |")
    lines += [
        "",
        "## Fixed points (d = 1)",
        "",
        "Eigenvalues of the Jacobian of the EM map (Model 1: the slope M′(θ); Model 2: in "
        "(θ, w)); stable iff every modulus is below 1.",
        "",
        "| model | s | w* | θ | w | kind | eigenvalues |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in land.fixed_points.itertuples():
        eig = f"{r.eig_min:.4f}" if r.model == 1 else f"{r.eig_min:.4f}, {r.eig_max:.4f}"
        lines.append(f"| {r.model} | {r.s:g} | {r.w_star:g} | {r.theta:.6f} | {r.w:.6f} | "
                     f"{r.kind} | {eig} |")
    lines += [
        "",
        "## Model 2 basin boundary a_b(w0)",
        "",
        "Model 2 from (θ0, w0) converges to (s, w*) iff θ0 > a_b(w0) (bisection on the "
        "limit of the map, bracket 1e-7); a_b(w0) = −a_b(1 − w0).",
        "",
        "| s | w* | w0 | a_b(w0) |",
        "|---|---|---|---|",
    ]
    for r in land.boundaries.itertuples():
        lines.append(f"| {r.s:g} | {r.w_star:g} | {r.w0:.4f} | {r.a_b:.6f} |")
    lines.append("")
    return "\n".join(lines)


def _settings(s):
    return [
        f"Model 1 at w* ∈ {{{', '.join(f'{w:g}' for w in s.w_stars)}}}, Model 2 at "
        f"w* = {s.model2_w_star:g}; separations up to {s.s_max:g} ({s.n_s} points, those "
        "within 0.05 of s_c(w*) left out: the map crawls past the ghost of the fixed points)",
        f"starts θ0 = Y drawn from the mixture (w0 = w* for Model 2), iterated until a step "
        f"moves by ≤ 1e-10; {s.n_starts} starts per point, in batches of {s.batch}",
        f"landscape panels at (s, w*) = {s.display_case}",
    ]


REPRODUCTION = _LandscapeReproduction(
    name=NAME,
    title="EM landscape of the symmetric two-component mixture",
    intro=(
        "Project reproduction (interpstat) of the phenomenon of Xu, Hsu and Maleki (NeurIPS "
        "2018) in d = 1, from the population EM map of `interpstat.theory`: with the weights "
        "known and held fixed (Model 1), EM started at a data point converges to a spurious "
        "fixed point θ̄ < 0 with probability w*Φ(θu − s) + (1 − w*)Φ(θu + s) once the "
        "separation exceeds s_c(w*); EM that learns the weights (Model 2) always reaches a "
        "global maximiser. Numbers computed by this run, not copied from the paper."
    ),
    presets=_PRESETS,
    designs=designs,
    settings=_settings,
    reference="exact",
    columns={"w_star": ("w*", "{:g}"), "s": ("s", "{:.3g}")},
    coverage_note=(
        "Model 2 never fails, so its intervals [0, ·] cover 0 by construction; Model 1 "
        "points below s_c have failure probability exactly 0."
    ),
    appendix=lambda spec, frame: _landscape_report(landscape(spec)),
)
