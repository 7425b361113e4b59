"""The shared base of reproductions: designs and presets in; frames, figure, report, files out.

A reproduction module only declares what is specific to it: its presets, its
designs (replicate function, grid, closed-form curves, labels) and a few lines
of prose.  :class:`Reproduction` does the rest, the same way for every
reproduction: it runs the designs through :func:`~interpstat.simulation.simulate`
(one independent child seed per design), summarises the draws with the
design's kind of confidence interval, evaluates the theory at the grid points
and on a dense grid, draws one panel per design on a
:class:`matplotlib.figure.Figure` (no pyplot state), and writes
``results.csv``, ``figure.png`` and ``report.md``.
"""

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from interpstat.simulation import SimulationResult, simulate

__all__ = ["Design", "Reproduction"]

#: interval kind -> name used in reports
_INTERVAL_NAMES = {"t": "Student-t", "wilson": "Wilson", "clopper-pearson": "Clopper–Pearson"}

#: summary columns of the simulated frame, between the grid and the curves
_SUMMARY = ("n_reps", "sim_mean", "sim_se", "ci_low", "ci_high")


def _percent(level):
    """``0.95 -> "95%"``, ``0.995 -> "99.5%"``."""
    return f"{round(100 * level, 6):g}%"


def _plain_log_ticks(ax):
    """Plain-number ticks at 1, 2 and 5 times powers of ten on a log vertical axis."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    ax.yaxis.set_major_locator(LogLocator(base=10.0, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())


def _format_curve(value):
    return f"{value:.4g}" if np.isfinite(value) else ""


def _format_cell(value, fmt):
    """A grid value in the report: ``fmt`` if given, else ints as they are, floats as .4g."""
    if isinstance(value, float) and np.isnan(value):
        return ""
    if fmt is not None:
        return fmt.format(value)
    return f"{value:.4g}" if isinstance(value, float) else f"{value}"


# ---------------------------------------------------------------------------
# Designs
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, kw_only=True)
class Design:
    """One simulated quantity over a grid, with its closed-form curves.

    A grid *point* is one row of ``grid``; its simulated value is one metric of
    one :func:`~interpstat.simulation.simulate` cell.  Two layouts cover the
    usual cases: one cell per point with one metric (``cells`` as long as
    ``grid``, ``metric`` a str), or one cell whose replicate computes every
    point at once, e.g. a whole regularisation path (one entry in ``cells``,
    ``metric`` a list naming each point's metric).

    Parameters
    ----------
    name : str
        Identifier, used in the ``design`` column, the report and the
        progress bar.
    replicate : callable
        ``replicate(params, rng) -> float | dict of float``, one Monte-Carlo
        replicate of a cell (module level, so process backends can pickle it).
    grid : pandas.DataFrame of shape (n_points, n_columns)
        The grid points, with the columns written to the results (e.g.
        ``n, p, gamma``); ``theory`` is evaluated on it.
    cells : sequence of dict
        Parameters of the simulated cells: ``n_points`` of them (point ``i``
        is cell ``i``) or a single one shared by every point.
    n_reps : int
        Replicates per cell.
    theory : callable
        ``theory(points) -> dict of str to array-like of shape (n_rows,)``: the
        closed-form value of each curve at the rows of ``points``, a frame with
        the columns of ``grid`` (called on ``grid`` and on ``dense``).  Its keys
        are those of ``curves``.
    curves : dict of str to str
        Curve name (a column of the results) to legend label, in drawing
        order.
    dense : pandas.DataFrame
        Dense grid (same columns as ``grid``) on which the curves are drawn.
    x : str
        Column on the horizontal axis.
    metric : str or sequence of str, default="value"
        The metric of every point, or of each point (``n_points`` names).
        ``"value"`` is the metric of a replicate returning a float.
    interval : {"t", "wilson", "clopper-pearson"}, default="t"
        Student-t intervals for means, Wilson or Clopper--Pearson intervals for
        proportions (replicates returning 0 or 1, such as an EM success), see
        :meth:`~interpstat.simulation.SimulationResult.ci`.
    quantity : str, default=""
        What a replicate measures, for the report's settings.
    title, xlabel, ylabel : str, optional
        Panel title and axis labels.
    curve_styles : dict of str to dict, optional
        :meth:`matplotlib.axes.Axes.plot` keyword arguments by curve name.
    sim_style : dict, optional
        :meth:`matplotlib.axes.Axes.errorbar` keyword arguments of the
        simulated points (default: black dots).
    logx, logy : bool, default=True
        Logarithmic axes (a log vertical axis gets plain-number ticks at 1, 2
        and 5 times powers of ten).
    threshold : float, optional
        Position of a dashed vertical line (e.g. ``p / n = 1``).
    ylim : (float, float) or callable, optional
        Vertical limits, or ``ylim(simulated, dense) -> (low, high)`` given the
        design's rows of the simulated and theory frames.
    batch : int, optional
        For proportions over many cheap draws (e.g. EM starts): a replicate
        returns ``batch`` 0/1 draws as metrics of any names; each cell then
        runs ``max(2, ceil(n_reps / batch))`` replicates and the first
        ``n_reps`` draws are pooled into the one metric ``metric``, so
        ``n_reps`` counts draws, not replicates.
    """

    name: str
    replicate: Callable
    grid: pd.DataFrame
    cells: Sequence[Mapping]
    n_reps: int
    theory: Callable
    curves: Mapping[str, str]
    dense: pd.DataFrame
    x: str
    metric: str | Sequence[str] = "value"
    interval: str = "t"
    quantity: str = ""
    title: str | None = None
    xlabel: str | None = None
    ylabel: str | None = None
    curve_styles: Mapping[str, Mapping] = field(default_factory=dict)
    sim_style: Mapping = field(default_factory=dict)
    logx: bool = True
    logy: bool = True
    threshold: float | None = None
    ylim: tuple | Callable | None = None
    batch: int | None = None

    def __post_init__(self):
        n_points = len(self.grid)
        if n_points == 0:
            raise ValueError(f"Design {self.name!r} has an empty grid.")
        if len(self.cells) not in (1, n_points):
            raise ValueError(
                f"Design {self.name!r} has {len(self.cells)} cells for {n_points} grid "
                "points; give one cell per point or a single shared cell."
            )
        if not isinstance(self.metric, str) and len(self.metric) != n_points:
            raise ValueError(
                f"Design {self.name!r} names {len(self.metric)} metrics for {n_points} "
                "grid points."
            )
        if len(set(self.points())) != n_points:
            raise ValueError(f"Design {self.name!r}: two grid points share a cell and metric.")
        if self.interval not in _INTERVAL_NAMES:
            raise ValueError(
                f"interval must be one of {sorted(_INTERVAL_NAMES)}, got {self.interval!r}."
            )
        for frame, what in ((self.grid, "grid"), (self.dense, "dense")):
            if self.x not in frame.columns:
                raise ValueError(f"Design {self.name!r}: x={self.x!r} is not a {what} column.")
        clash = (set(self.grid.columns) | set(self.curves)) & {"design", *_SUMMARY, "covered"}
        clash |= set(self.grid.columns) & set(self.curves)
        if clash:
            raise ValueError(f"Design {self.name!r}: column names {sorted(clash)} clash.")

    def points(self):
        """Cell index and metric name of each grid point.

        Returns
        -------
        list of (int, str)
            One pair per row of ``grid``.
        """
        n_points = len(self.grid)
        cells = range(n_points) if len(self.cells) == n_points else [0] * n_points
        metrics = [self.metric] * n_points if isinstance(self.metric, str) else self.metric
        return list(zip(cells, metrics, strict=True))

    def evaluate(self, points):
        """The curves at the rows of ``points`` (a frame with the grid columns).

        Returns
        -------
        dict of str to ndarray of shape (n_rows,)
            float64, in the order of ``curves``.
        """
        values = self.theory(points)
        if set(values) != set(self.curves):
            raise ValueError(
                f"Design {self.name!r}: theory returned the curves {sorted(values)}, "
                f"expected {sorted(self.curves)}."
            )
        return {
            name: np.broadcast_to(np.asarray(values[name], dtype=np.float64), (len(points),))
            for name in self.curves
        }


# ---------------------------------------------------------------------------
# Reproductions
# ---------------------------------------------------------------------------


def _pool(result, metric, n_draws):
    """One metric ``metric`` of shape ``(n_cells, n_draws)`` from a batched design's metrics.

    Parameters
    ----------
    result : SimulationResult
        Each replicate's metrics are one batch of 0/1 draws.
    metric : str
    n_draws : int

    Returns
    -------
    SimulationResult
    """
    draws = np.concatenate([result.draws[m] for m in result.metrics], axis=1)
    return SimulationResult(
        grid=result.grid, n_reps=n_draws, entropy=result.entropy,
        draws={metric: draws[:, :n_draws]}, config=result.config,
        spawn_key=result.spawn_key,
    )


@dataclass(frozen=True, eq=False, kw_only=True)
class Reproduction:
    """Presets and designs, and everything a reproduction writes.

    Parameters
    ----------
    name : str
        The reproduction's registry name (the output directory).
    title : str
        Heading of the report.
    intro : str
        First paragraph of the report: what is compared with what.
    presets : dict of str to object
        Settings by mode (``"quick"``, ``"default"``, ``"full"``); each has
        at least a ``level`` attribute, the confidence level of the intervals.
    designs : callable
        ``designs(settings) -> sequence of Design``, one panel each, simulated
        with independent seeds in this order.
    settings : callable, optional
        ``settings(settings) -> list of str``, reproduction-specific lines of
        the report's settings list.
    reference : str, default="exact"
        The curve whose coverage by the confidence intervals is reported (and
        written as ``covered``); every design must have it.
    columns : dict of str to (str, str), optional
        Grid columns shown in the report's table: column -> (header, format
        string such as ``"{:.3g}"``, or None for ints as they are and floats
        to four significant digits).  Default: every grid column, by name.
    coverage_note : str, default=""
        Sentence completing "With a correct curve about 95% of points are
        covered; ..." (e.g. which points are least reliable).
    appendix : callable, optional
        ``appendix(spec, frame) -> str``: markdown appended to the report
        after its table (e.g. a guide to the figure, theory-only tables).
    panel_size : (float, float), default=(5.5, 4.3)
        Width and height of one panel, in inches.
    dpi : int, default=130
        Resolution of ``figure.png``.

    Notes
    -----
    The simulated frame has one row per (design, grid point) and the columns
    ``design``, the grid columns, ``n_reps``, ``sim_mean``, ``sim_se``,
    ``ci_low``, ``ci_high``, the curves (NaN where a design lacks one) and
    ``covered`` (:meth:`SimulationResult.covers
    <interpstat.simulation.SimulationResult.covers>` of the ``reference``
    curve).  Its ``attrs`` record the confidence level (``"level"``), which
    the report reads.

    Examples
    --------
    A reproduction module declares its presets and designs; here the success
    rate of a coin whose bias is known, with Wilson intervals:

    >>> from types import SimpleNamespace
    >>> import numpy as np
    >>> import pandas as pd
    >>> from interpstat.experiments import Design, Reproduction
    >>> def flip(params, rng):
    ...     return float(rng.random() < params["prob"])
    >>> def designs(s):
    ...     probs = np.array([0.1, 0.5, 0.9])
    ...     return [Design(
    ...         name="coin", replicate=flip, grid=pd.DataFrame({"prob": probs}),
    ...         cells=[{"prob": p} for p in probs], n_reps=s.n_reps,
    ...         theory=lambda pts: {"exact": pts.prob}, curves={"exact": "bias"},
    ...         dense=pd.DataFrame({"prob": [0.0, 1.0]}), x="prob",
    ...         interval="wilson", logx=False, logy=False)]
    >>> coin = Reproduction(
    ...     name="coin", title="A coin", intro="Success rate against the bias.",
    ...     presets={"quick": SimpleNamespace(n_reps=50, level=0.95)}, designs=designs)
    >>> frame = coin.simulate_frame(coin.spec("quick"), random_state=0)
    >>> list(frame.columns)  # doctest: +NORMALIZE_WHITESPACE
    ['design', 'prob', 'n_reps', 'sim_mean', 'sim_se', 'ci_low', 'ci_high', 'exact',
     'covered']
    >>> bool(frame.ci_low.ge(0).all() and frame.ci_high.le(1).all())
    True

    ``coin.run(out_dir, mode="quick")`` writes the three files.
    """

    name: str
    title: str
    intro: str
    presets: Mapping[str, object]
    designs: Callable
    settings: Callable | None = None
    reference: str = "exact"
    columns: Mapping[str, tuple] | None = None
    coverage_note: str = ""
    appendix: Callable | None = None
    panel_size: tuple = (5.5, 4.3)
    dpi: int = 130

    def spec(self, mode="default"):
        """The settings of a preset.

        Parameters
        ----------
        mode : str
            A key of ``presets`` (``"quick"``, ``"default"`` or ``"full"``).

        Returns
        -------
        object
        """
        if mode not in self.presets:
            raise ValueError(f"mode must be one of {sorted(self.presets)}, got {mode!r}.")
        return self.presets[mode]

    def design_list(self, spec):
        """The designs of ``spec``, checked: unique names, each with the reference curve.

        Returns
        -------
        tuple of Design
        """
        designs = tuple(self.designs(spec))
        names = [d.name for d in designs]
        if not designs or len(set(names)) != len(names):
            raise ValueError(f"{self.name}: design names must be unique, got {names}.")
        for d in designs:
            if self.reference not in d.curves:
                raise ValueError(
                    f"Design {d.name!r} lacks the reference curve {self.reference!r}."
                )
        return designs

    def _curve_names(self, designs):
        return list(dict.fromkeys(name for d in designs for name in d.curves))

    def _grid_columns(self, designs, frame="grid"):
        return list(dict.fromkeys(c for d in designs for c in getattr(d, frame).columns))

    # -- frames ---------------------------------------------------------------

    def simulate_frame(self, spec, *, random_state=0, n_jobs=None, progress=False, level=None):
        """Simulate every design and summarise it next to the theory.

        Parameters
        ----------
        spec : object
            A preset (see :meth:`spec`).
        random_state : int or numpy.random.SeedSequence, default=0
            Root seed; design ``i`` uses child ``i`` of
            ``SeedSequence(random_state).spawn(n_designs)``.
        n_jobs : int, optional
            joblib workers (the active :func:`joblib.parallel_config` backend).
        progress : bool, default=False
            Show a tqdm progress bar per design.
        level : float, optional
            Confidence level (default ``spec.level``).

        Returns
        -------
        pandas.DataFrame
            One row per (design, grid point); see the class notes.
        """
        level = spec.level if level is None else level
        designs = self.design_list(spec)
        curve_names = self._curve_names(designs)
        seeds = np.random.SeedSequence(random_state).spawn(len(designs))
        frames = []
        for design, seed in zip(designs, seeds, strict=True):
            batched = design.batch is not None
            result = simulate(
                design.replicate,
                [dict(cell) for cell in design.cells],
                max(2, -(-design.n_reps // design.batch)) if batched else design.n_reps,
                random_state=seed,
                n_jobs=n_jobs,
                progress=progress,
                config={"name": design.name},
            )
            if batched:
                result = _pool(result, design.metric, design.n_reps)
            frames.append(self._summarise(design, result, level, curve_names))
        columns = ["design", *self._grid_columns(designs), *_SUMMARY, *curve_names, "covered"]
        frame = pd.concat(frames, ignore_index=True)[columns]
        frame.attrs["level"] = level
        return frame

    def _summarise(self, design, result, level, curve_names):
        """One design's rows: grid, summary statistics, curves, coverage."""
        points = design.points()
        grid = design.grid.reset_index(drop=True)
        curves = design.evaluate(grid)
        cells = np.array([cell for cell, _ in points])
        metrics = [metric for _, metric in points]
        stats = {key: np.empty(len(points)) for key in _SUMMARY[1:]}
        covered = np.zeros(len(points), dtype=bool)
        has_ref = np.zeros(len(points), dtype=bool)
        for metric in dict.fromkeys(metrics):
            rows = np.array([i for i, m in enumerate(metrics) if m == metric])
            at = cells[rows]
            low, high = result.ci(metric, level, method=design.interval)
            stats["sim_mean"][rows] = result.mean(metric)[at]
            stats["sim_se"][rows] = result.std_error(metric)[at]
            stats["ci_low"][rows] = low[at]
            stats["ci_high"][rows] = high[at]
            reference = np.full(result.n_cells, np.nan)
            reference[at] = curves[self.reference][rows]
            covered[rows] = result.covers(reference, metric, level, method=design.interval)[at]
            has_ref[rows] = np.isfinite(reference[at])
        frame = grid.copy()
        frame.insert(0, "design", design.name)
        frame["n_reps"] = design.n_reps
        for key, values in stats.items():
            frame[key] = values
        for name in curve_names:
            frame[name] = curves.get(name, np.nan)
        # a point without a reference value (a simulation-only curve) is neither
        # covered nor missed: <NA>, left out of the coverage counts
        frame["covered"] = pd.array(np.where(has_ref, covered, None), dtype="boolean")
        return frame

    def theory_frame(self, spec):
        """The curves of every design on its dense grid.

        Returns
        -------
        pandas.DataFrame
            Columns ``design``, the dense grid's columns and the curves (NaN
            where a design lacks one).
        """
        designs = self.design_list(spec)
        curve_names = self._curve_names(designs)
        frames = []
        for design in designs:
            dense = design.dense.reset_index(drop=True)
            curves = design.evaluate(dense)
            frame = dense.copy()
            frame.insert(0, "design", design.name)
            for name in curve_names:
                frame[name] = curves.get(name, np.nan)
            frames.append(frame)
        columns = ["design", *self._grid_columns(designs, "dense"), *curve_names]
        return pd.concat(frames, ignore_index=True)[columns]

    # -- figure and report ----------------------------------------------------

    def figure(self, spec, frame, dense):
        """One panel per design: the simulation with its intervals over the curves.

        Parameters
        ----------
        spec : object
            The preset that produced ``frame``.
        frame : pandas.DataFrame
            Output of :meth:`simulate_frame`.
        dense : pandas.DataFrame
            Output of :meth:`theory_frame`.

        Returns
        -------
        matplotlib.figure.Figure
            A figure not registered with pyplot (nothing to close).
        """
        from matplotlib.figure import Figure

        from interpstat.plotting import RiskCurveDisplay

        designs = self.design_list(spec)
        level = frame.attrs.get("level", spec.level)
        width, height = self.panel_size
        fig = Figure(figsize=(width * len(designs), height), layout="constrained")
        axes = fig.subplots(1, len(designs), squeeze=False)[0]
        for ax, design in zip(axes, designs, strict=True):
            sim = frame[frame.design == design.name]
            theory = dense[dense.design == design.name]
            ylim = design.ylim(sim, theory) if callable(design.ylim) else design.ylim
            n_reps = int(sim.n_reps.iloc[0])
            RiskCurveDisplay(
                x=theory[design.x].to_numpy(),
                curves={label: theory[name].to_numpy() for name, label in design.curves.items()},
                curve_styles={
                    design.curves[name]: style for name, style in design.curve_styles.items()
                },
                series=[
                    {
                        "x": sim[design.x].to_numpy(),
                        "mean": sim.sim_mean.to_numpy(),
                        "ci": (sim.ci_low.to_numpy(), sim.ci_high.to_numpy()),
                        "label": f"simulation ({_percent(level)} CI, {n_reps} reps)",
                        "style": {"color": "black", **design.sim_style},
                    }
                ],
                xlabel=design.xlabel,
                ylabel=design.ylabel,
            ).plot(
                ax=ax,
                logx=design.logx,
                logy=design.logy,
                ylim=ylim,
                title=design.title,
                threshold=design.threshold,
            )
            if design.logy:
                _plain_log_ticks(ax)
        return fig

    def _settings_lines(self, spec, designs, level):
        lines = [f"- {line}" for line in (self.settings(spec) if self.settings else ())]
        kinds = {(d.n_reps, d.interval) for d in designs}
        if len(kinds) == 1:
            (n_reps, interval), = kinds
            lines.append(
                f"- {n_reps} replicates per point; {_percent(level)} "
                f"{_INTERVAL_NAMES[interval]} intervals"
            )
        else:
            lines.append("- " + "; ".join(
                f"{d.name}: {d.n_reps} replicates per point, {_percent(level)} "
                f"{_INTERVAL_NAMES[d.interval]} intervals"
                for d in designs
            ))
        measured = [f"{d.name}: {d.quantity}" for d in designs if d.quantity]
        if measured:
            lines.append("- " + "; ".join(measured))
        return lines

    def report(self, spec, frame, *, mode, seed, runtime, n_jobs):
        """The markdown report: settings, coverage of the reference curve, the table.

        Parameters
        ----------
        spec : object
            The preset that produced ``frame``.
        frame : pandas.DataFrame
            Output of :meth:`simulate_frame` (its ``attrs["level"]`` is the
            confidence level reported).
        mode : str
        seed : int
        runtime : float
            Seconds spent simulating.
        n_jobs : int or None

        Returns
        -------
        str
        """
        designs = self.design_list(spec)
        level = frame.attrs.get("level", spec.level)
        ref = self.reference
        lines = [
            f"# {self.title}",
            "",
            self.intro,
            "",
            "## Settings",
            "",
            f"- mode: `{mode}`; seed: `{seed}`; n_jobs: `{n_jobs}`; runtime: {runtime:.1f} s",
            *self._settings_lines(spec, designs, level),
            "",
            f"## Coverage of the {ref} curve",
            "",
            f"| design | grid points | with a reference value | CI covers {ref} | share |",
            "|---|---|---|---|---|",
        ]
        for design in designs:
            covered = frame.covered[frame.design == design.name]
            m, r, k = len(covered), int(covered.notna().sum()), int(covered.sum())
            share = f"{k / r:.0%}" if r else "—"
            lines.append(f"| {design.name} | {m} | {r} | {k} | {share} |")
        note = f"; {self.coverage_note}" if self.coverage_note else "."
        lines += ["", f"With a correct curve about {level:.0%} of points are covered{note}"]

        columns = self.columns
        if columns is None:
            columns = {c: (c, None) for c in self._grid_columns(designs)}
        curve_names = self._curve_names(designs)
        header = [
            "design", *(h for h, _ in columns.values()), "simulation",
            f"{_percent(level)} CI", *curve_names, "covered",
        ]
        lines += [
            "",
            "## Table",
            "",
            "| " + " | ".join(header) + " |",
            "|" + "---|" * len(header),
        ]
        for row in frame.to_dict("records"):
            cells = [
                row["design"],
                *(_format_cell(row[c], fmt) for c, (_, fmt) in columns.items()),
                f"{row['sim_mean']:.4g}",
                f"[{row['ci_low']:.4g}, {row['ci_high']:.4g}]",
                *(_format_curve(row[name]) for name in curve_names),
                "—" if pd.isna(row["covered"]) else ("yes" if row["covered"] else "no"),
            ]
            lines.append("| " + " | ".join(cells) + " |")
        lines += ["", "Files: `results.csv` (this table), `figure.png`.", ""]
        text = "\n".join(lines)
        if self.appendix is not None:
            text += "\n" + self.appendix(spec, frame)
        return text

    # -- the whole run --------------------------------------------------------

    def run(self, out_dir, *, mode="default", random_state=0, n_jobs=None, progress=True):
        """Simulate, compare with theory, and write ``results.csv``, ``figure.png``, ``report.md``.

        Parameters
        ----------
        out_dir : str or pathlib.Path
            Directory for the three files (created).
        mode : str, default="default"
            A preset: ``"quick"`` (seconds), ``"default"`` or ``"full"``.
        random_state : int, default=0
            Root seed.
        n_jobs : int, optional
            joblib workers.
        progress : bool, default=True
            Show tqdm progress bars.

        Returns
        -------
        dict
            ``"csv"``, ``"figure"``, ``"report"``: paths of the files written;
            ``"frame"``: the simulated frame.
        """
        spec = self.spec(mode)
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        frame = self.simulate_frame(
            spec, random_state=random_state, n_jobs=n_jobs, progress=progress
        )
        runtime = time.perf_counter() - start
        csv = out_dir / "results.csv"
        frame.to_csv(csv, index=False)
        png = out_dir / "figure.png"
        self.figure(spec, frame, self.theory_frame(spec)).savefig(png, dpi=self.dpi)
        report = out_dir / "report.md"
        report.write_text(
            self.report(spec, frame, mode=mode, seed=random_state, runtime=runtime,
                        n_jobs=n_jobs),
            encoding="utf-8",
        )
        return {"csv": csv, "figure": png, "report": report, "frame": frame}
