"""Display objects: risk curves (closed-form theory over simulated means) and EM landscapes."""

import numpy as np

__all__ = ["EMLandscapeDisplay", "RiskCurveDisplay"]

_INIT_KEYS = ("xlabel", "ylabel", "label", "curve_styles")

#: Keys a simulated series may have (see RiskCurveDisplay).
_SERIES_KEYS = frozenset({"x", "mean", "ci", "label", "style", "band"})

#: How simulated points are drawn unless a series' style says otherwise.
_POINT_STYLE = {"fmt": "o", "markersize": 4, "capsize": 2, "elinewidth": 1, "zorder": 3}

#: The single series given by ``sim_mean`` (black points).
_SIM_STYLE = {**_POINT_STYLE, "color": "black"}


def _as_curve(values, n, name):
    """Float copy of a curve of length ``n`` with non-finite values as NaN (gaps).

    Parameters
    ----------
    values : array-like of shape (n,)
    n : int
    name : str
        Used in the error message.

    Returns
    -------
    ndarray of shape (n,)
    """
    curve = np.array(values, dtype=np.float64).reshape(-1)
    if curve.shape != (n,):
        raise ValueError(f"{name} has {curve.size} values but x has {n}.")
    curve[~np.isfinite(curve)] = np.nan
    return curve


def _log_floor(*arrays):
    """Half the smallest positive finite value in ``arrays`` (1.0 if there is none)."""
    values = np.concatenate([np.ravel(a) for a in arrays])
    positive = values[np.isfinite(values) & (values > 0)]
    return 0.5 * positive.min() if positive.size else 1.0


def _series_arrays(series, index, default_x):
    """Validate one simulated series and return its arrays sorted by x.

    Parameters
    ----------
    series : dict
        Keys from ``_SERIES_KEYS``; ``mean`` is required.
    index : int
        Position of the series, for error messages.
    default_x : array-like of shape (n_points,) or None
        The display's ``x``, used when the series has none.

    Returns
    -------
    x, mean : ndarray of shape (n_points,)
    ci : pair of ndarray of shape (n_points,) or None
    """
    unknown = set(series) - _SERIES_KEYS
    if unknown:
        raise ValueError(
            f"series[{index}] has unknown keys {sorted(unknown)}; allowed: "
            f"{sorted(_SERIES_KEYS)}."
        )
    if "mean" not in series:
        raise ValueError(f"series[{index}] needs a 'mean'.")
    x = series.get("x", default_x)
    if x is None:
        raise ValueError(f"series[{index}] needs an 'x' (the display has none).")
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    order = np.argsort(x, kind="stable")
    mean = _as_curve(series["mean"], x.size, f"series[{index}]['mean']")[order]
    ci = series.get("ci")
    if ci is not None:
        ci = tuple(_as_curve(v, x.size, f"series[{index}]['ci']")[order] for v in ci)
    return x[order], mean, ci


class RiskCurveDisplay:
    """Risk curves: theory as lines, simulations as points with confidence intervals.

    Follows scikit-learn's Display pattern: the object holds plain arrays,
    :meth:`plot` draws them (importing matplotlib only then, and pyplot only
    when it has to open a figure), and :meth:`from_simulation` and
    :meth:`from_frame` build and plot a display from a
    :class:`~interpstat.simulation.SimulationResult` or a tidy table.

    Parameters
    ----------
    x : array-like of shape (n_points,), optional
        Horizontal coordinate of ``curves`` and ``sim_mean`` (and of every
        series without its own ``"x"``), e.g. ``p / n``.
    curves : dict of str to array-like of shape (n_points,), optional
        Theory curves by legend label.  Infinite or NaN values (a diverging
        risk at the interpolation threshold, an undefined regime) are drawn as
        gaps.
    sim_mean : array-like of shape (n_points,), optional
        Simulated means of one series drawn as black points (the first
        series, before those of ``series``).
    sim_ci : pair of array-like of shape (n_points,), optional
        Lower and upper confidence limits of ``sim_mean``.
    series : sequence of dict, optional
        Further simulated series, each a dict with keys

        - ``"mean"``: array-like of shape (m,), the simulated values (required);
        - ``"x"``: array-like of shape (m,), its own horizontal coordinate
          (default: ``x``);
        - ``"ci"``: pair of array-like of shape (m,), confidence limits;
        - ``"label"``: legend label;
        - ``"style"``: keyword arguments of
          :meth:`matplotlib.axes.Axes.errorbar` (``color``, ``fmt``,
          ``marker``, ...) over the default ``fmt="o", markersize=4``;
        - ``"band"``: if true, the interval is drawn as a shaded band in the
          series' colour instead of error bars.
    curve_styles : dict of str to dict, optional
        Keyword arguments of :meth:`matplotlib.axes.Axes.plot` by curve label.
    xlabel, ylabel : str, optional
        Axis labels (none by default).
    label : str, default="simulation"
        Legend label of the ``sim_mean`` points.

    Attributes
    ----------
    ax_ : matplotlib.axes.Axes
        Axes with the plot.
    figure_ : matplotlib.figure.Figure
        Figure containing the axes.
    lines_ : list of matplotlib.lines.Line2D
        One line per theory curve, in the order of ``curves``.
    errorbars_ : list of matplotlib.container.ErrorbarContainer
        One per simulated series (``sim_mean`` first, then ``series``).
    errorbar_ : matplotlib.container.ErrorbarContainer or None
        The first of ``errorbars_``, None without simulated series.
    bands_ : list of matplotlib.collections.PolyCollection or None
        The shaded interval of each series drawn with ``"band"`` (None for
        the others).
    threshold_line_ : matplotlib.lines.Line2D or None
        The dashed vertical line at ``threshold``, if drawn.

    Examples
    --------
    >>> import numpy as np
    >>> from matplotlib.figure import Figure
    >>> from interpstat.plotting import RiskCurveDisplay
    >>> gamma = np.array([0.25, 0.5, 2.0, 4.0])
    >>> risk = np.where(gamma < 1, gamma / (1 - gamma), 1 / (gamma - 1))
    >>> ax = Figure().subplots()
    >>> display = RiskCurveDisplay(
    ...     x=gamma, curves={"theory": risk}, xlabel="p / n", ylabel="risk",
    ...     series=[{"x": [0.5, 2.0], "mean": [1.1, 0.9], "ci": ([1.0, 0.8], [1.2, 1.0]),
    ...              "label": "n = 100", "style": {"color": "C1"}}],
    ... ).plot(ax=ax, threshold=1.0)
    >>> len(display.lines_), len(display.errorbars_), display.ax_.get_xscale()
    (1, 1, 'log')
    """

    def __init__(
        self,
        *,
        x=None,
        curves=None,
        sim_mean=None,
        sim_ci=None,
        series=None,
        curve_styles=None,
        xlabel=None,
        ylabel=None,
        label="simulation",
    ):
        self.x = x
        self.curves = curves
        self.sim_mean = sim_mean
        self.sim_ci = sim_ci
        self.series = series
        self.curve_styles = curve_styles
        self.xlabel = xlabel
        self.ylabel = ylabel
        self.label = label

    def _all_series(self):
        """The ``sim_mean`` series (if any) followed by ``series``, as dicts."""
        if self.sim_mean is None:
            if self.sim_ci is not None:
                raise ValueError("sim_ci needs sim_mean.")
            first = []
        else:
            first = [{"mean": self.sim_mean, "ci": self.sim_ci, "label": self.label,
                      "style": _SIM_STYLE}]
        return [*first, *(self.series or ())]

    def plot(self, ax=None, *, logx=True, logy=True, ylim=None, title=None, threshold=None):
        """Draw the curves and the simulated series.

        When ``logy`` is true, lower confidence limits at or below zero cannot
        be shown on the log axis; they are clipped to half the smallest
        positive value among the series' means and confidence limits, so such
        bars run to just below the series' lowest point.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; a new pyplot figure is opened when None.
        logx, logy : bool, default=True
            Logarithmic horizontal / vertical axis.
        ylim : (float, float), optional
            Vertical limits.
        title : str, optional
            Axes title.
        threshold : float, optional
            Position of a dashed vertical line (e.g. the interpolation
            threshold ``p / n = 1``), drawn when it lies within the range of
            the horizontal coordinates; none by default.

        Returns
        -------
        RiskCurveDisplay
            ``self``, with ``ax_``, ``figure_``, ``lines_``, ``errorbars_``,
            ``errorbar_``, ``bands_`` and ``threshold_line_`` set.
        """
        x = None if self.x is None else np.asarray(self.x, dtype=np.float64).reshape(-1)
        curves = {}
        if self.curves:
            if x is None:
                raise ValueError("curves need x.")
            order = np.argsort(x, kind="stable")
            curves = {
                label: (x[order], _as_curve(values, x.size, f"curves[{label!r}]")[order])
                for label, values in self.curves.items()
            }
        if self.sim_mean is not None and x is None:
            raise ValueError("sim_mean needs x.")
        series = [
            (spec, *_series_arrays(spec, index, x))
            for index, spec in enumerate(self._all_series())
        ]

        if ax is None:
            import matplotlib.pyplot as plt

            _, ax = plt.subplots()

        styles = self.curve_styles or {}
        self.lines_ = [
            ax.plot(cx, cy, label=label, **styles.get(label, {}))[0]
            for label, (cx, cy) in curves.items()
        ]

        self.errorbars_, self.bands_ = [], []
        for spec, sx, mean, ci in series:
            style = {**_POINT_STYLE, **(spec.get("style") or {})}
            band = bool(spec.get("band", False))
            yerr = low = high = None
            if ci is not None:
                low, high = ci
                if logy:
                    low = np.where(low > 0, low, _log_floor(mean, low, high))
                if not band:
                    with np.errstate(invalid="ignore"):
                        yerr = np.vstack([mean - low, high - mean]).clip(min=0.0)
            container = ax.errorbar(
                sx, mean, yerr=yerr, label=spec.get("label", "simulation"), **style
            )
            self.errorbars_.append(container)
            fill = None
            if band and ci is not None:
                fill = ax.fill_between(
                    sx, low, high, color=container.lines[0].get_color(), alpha=0.25,
                    linewidth=0, zorder=style["zorder"] - 0.5,
                )
            self.bands_.append(fill)
        self.errorbar_ = self.errorbars_[0] if self.errorbars_ else None

        self.threshold_line_ = None
        xs = [c[0] for c in curves.values()] + [s[1] for s in series]
        xs = np.concatenate(xs) if xs else np.empty(0)
        finite = xs[np.isfinite(xs)]
        if threshold is not None and finite.size and finite.min() <= threshold <= finite.max():
            self.threshold_line_ = ax.axvline(
                threshold, linestyle="--", color="gray", linewidth=1, zorder=1
            )

        if logx:
            ax.set_xscale("log")
        if logy:
            ax.set_yscale("log")
        if ylim is not None:
            ax.set_ylim(ylim)
        if self.xlabel is not None:
            ax.set_xlabel(self.xlabel)
        if self.ylabel is not None:
            ax.set_ylabel(self.ylabel)
        if title is not None:
            ax.set_title(title)
        if self.lines_ or self.errorbars_:
            ax.legend()

        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_simulation(
        cls,
        result,
        x_key,
        theory=None,
        metric=None,
        level=0.95,
        x_scale=1.0,
        *,
        method="t",
        ax=None,
        **kwargs,
    ):
        """Build and plot a display from a simulation result.

        The grid should vary along one parameter only (``x_key``, possibly
        together with the ``x_scale`` key); points are drawn in order of x.

        Parameters
        ----------
        result : SimulationResult
            Output of :func:`interpstat.simulation.simulate`.
        x_key : str
            Grid parameter on the horizontal axis.
        theory : dict of str to array-like of shape (n_cells,), optional
            Theory curves evaluated on the grid cells, by legend label.
        metric : str, optional
            Metric to plot; may be omitted when there is only one.
        level : float, default=0.95
            Confidence level of the bars.
        x_scale : float, str or array-like of shape (n_cells,), default=1.0
            Divisor of ``x_key``: ``x = grid[x_key] / x_scale``.  A str names
            another grid parameter, so ``x_key="p", x_scale="n"`` plots
            against ``p / n``.
        method : {"t", "wilson", "clopper-pearson"}, default="t"
            Kind of interval (:meth:`SimulationResult.ci
            <interpstat.simulation.SimulationResult.ci>`).
        ax : matplotlib.axes.Axes, optional
            Axes to draw on.
        **kwargs
            ``xlabel``, ``ylabel``, ``label`` and ``curve_styles`` go to the
            constructor, the rest (``logx``, ``logy``, ``ylim``, ``title``,
            ``threshold``) to :meth:`plot`.  The axis labels default to
            ``x_key`` (``"x_key / x_scale"`` when ``x_scale`` names a
            parameter) and the metric name.

        Returns
        -------
        RiskCurveDisplay
            The plotted display.

        Examples
        --------
        >>> from matplotlib.figure import Figure
        >>> from interpstat.plotting import RiskCurveDisplay
        >>> from interpstat.simulation import simulate
        >>> def replicate(params, rng):
        ...     return params["p"] / params["n"] + rng.exponential()
        >>> result = simulate(replicate, {"p": [5, 20, 40], "n": [10]}, 20,
        ...                   random_state=0)
        >>> display = RiskCurveDisplay.from_simulation(
        ...     result, "p", theory={"mean": [1.5, 3.0, 5.0]}, x_scale="n",
        ...     ax=Figure().subplots())
        >>> display.x.tolist(), display.ax_.get_xlabel()
        ([0.5, 2.0, 4.0], 'p / n')
        """
        params = [cell[x_key] for cell in result.grid]
        xlabel = f"{x_key} / {x_scale}" if isinstance(x_scale, str) else x_key
        if isinstance(x_scale, str):
            x_scale = [cell[x_scale] for cell in result.grid]
        x = np.asarray(params, dtype=np.float64) / np.asarray(x_scale, dtype=np.float64)
        init = {key: kwargs.pop(key) for key in _INIT_KEYS if key in kwargs}
        init.setdefault("xlabel", xlabel)
        init.setdefault("ylabel", metric if metric is not None else result.metrics[0])
        display = cls(
            x=x,
            curves=dict(theory) if theory is not None else None,
            sim_mean=result.mean(metric),
            sim_ci=result.ci(metric, level, method=method),
            **init,
        )
        return display.plot(ax=ax, **kwargs)

    @classmethod
    def from_frame(
        cls, frame, x, y, ci=None, hue=None, *, styles=None, band=False, ax=None, **kwargs
    ):
        """Build and plot a display of simulated series from a tidy table.

        Parameters
        ----------
        frame : pandas.DataFrame
            One row per simulated point.
        x, y : str
            Columns of the horizontal coordinate and of the simulated value.
        ci : (str, str), optional
            Columns of the lower and upper confidence limits.
        hue : str, optional
            Column splitting the rows into series, one per value in order of
            first appearance, each labelled by its value; one series when None.
        styles : dict, optional
            :meth:`matplotlib.axes.Axes.errorbar` keyword arguments by ``hue``
            value (by ``None`` without ``hue``); series without an entry take
            the next colours of the axes' cycle.
        band : bool, default=False
            Draw the intervals as shaded bands instead of error bars.
        ax : matplotlib.axes.Axes, optional
            Axes to draw on.
        **kwargs
            ``xlabel``, ``ylabel`` (default: the ``x`` and ``y`` column names)
            and ``label`` (of the single series without ``hue``; default
            ``y``) go to the constructor, the rest (``logx``, ``logy``,
            ``ylim``, ``title``, ``threshold``) to :meth:`plot`.

        Returns
        -------
        RiskCurveDisplay
            The plotted display; its ``series`` hold the columns' values.

        Examples
        --------
        >>> import pandas as pd
        >>> from matplotlib.figure import Figure
        >>> from interpstat.plotting import RiskCurveDisplay
        >>> frame = pd.DataFrame({"d": [1, 2, 4, 1, 2, 4],
        ...                       "rate": [0.9, 0.7, 0.5, 0.95, 0.9, 0.8],
        ...                       "low": [0.8, 0.6, 0.4, 0.9, 0.8, 0.7],
        ...                       "high": [0.95, 0.8, 0.6, 0.99, 0.95, 0.9],
        ...                       "model": ["A", "A", "A", "B", "B", "B"]})
        >>> display = RiskCurveDisplay.from_frame(
        ...     frame, x="d", y="rate", ci=("low", "high"), hue="model",
        ...     logy=False, ax=Figure().subplots())
        >>> [s["label"] for s in display.series], display.ax_.get_ylabel()
        (['A', 'B'], 'rate')
        """
        styles = styles or {}
        groups = frame.groupby(hue, sort=False) if hue is not None else [(None, frame)]
        single_label = kwargs.pop("label", y)
        series = []
        for key, group in groups:
            value = key[0] if isinstance(key, tuple) and len(key) == 1 else key
            entry = {
                "x": group[x].to_numpy(dtype=np.float64),
                "mean": group[y].to_numpy(dtype=np.float64),
                "label": single_label if hue is None else str(value),
                "band": band,
            }
            if ci is not None:
                entry["ci"] = tuple(group[c].to_numpy(dtype=np.float64) for c in ci)
            if value in styles:
                entry["style"] = dict(styles[value])
            series.append(entry)
        init = {key: kwargs.pop(key) for key in _INIT_KEYS if key in kwargs}
        init.setdefault("xlabel", x)
        init.setdefault("ylabel", y)
        return cls(series=series, **init).plot(ax=ax, **kwargs)


#: Marker styles of the fixed points: stable filled, unstable open.
_STABLE = {"marker": "o", "markersize": 8, "linestyle": "none", "zorder": 5,
           "markeredgecolor": "black"}
_UNSTABLE = {**_STABLE, "markerfacecolor": "white"}

#: Which panels EMLandscapeDisplay.plot draws.
_EM_PANELS = {"both": ("model1", "model2"), "model1": ("model1",), "model2": ("model2",)}


def _fixed_style(stable, color):
    return {**_STABLE, "color": color} if stable else {**_UNSTABLE, "color": color}


class EMLandscapeDisplay:
    r"""Population EM landscape of the symmetric two-component mixture in ``d = 1``.

    Two panels for data ``w* N(s, 1) + (1 - w*) N(-s, 1)``:

    - **Model 1** (weight fixed at ``w*``): the map :math:`\theta \mapsto
      M(\theta)` against the diagonal, whose crossings are the fixed points
      (stable filled, unstable open), with the basins of attraction shaded on
      the :math:`\theta` axis and optional cobweb paths of the iterates;
    - **Model 2** (weight learned): the displacement field
      :math:`(\theta, w) \mapsto M(\theta, w) - (\theta, w)` as streamlines, the
      two global maxima (filled) and the saddle :math:`(0, 1/2)` (open), the
      basins of the two maxima shaded on either side of the boundary
      :math:`\theta_0 = a_b(w_0)`, and the line :math:`w = w^*` to which
      Model 1 is confined, with its spurious fixed point marked.

    Follows scikit-learn's Display pattern: the object holds plain arrays,
    :meth:`plot` draws them (importing matplotlib only then, pyplot only when
    it opens a figure) and returns ``self``; :meth:`from_theory` computes the
    arrays from :mod:`interpstat.theory` and plots.

    Parameters
    ----------
    theta_star, w_star : float
        True mean ``s > 0`` and weight, for the titles and labels.
    theta : array-like of shape (n,)
        Means at which the Model 1 map is given.
    model1_map : array-like of shape (n,)
        :math:`M(\theta)` of Model 1 at ``theta``.
    model1_fixed : EMFixedPoints
        Fixed points of Model 1 (:func:`~interpstat.theory.em_fixed_points`).
    field_theta : array-like of shape (m,)
        Increasing means of the Model 2 grid.
    field_w : array-like of shape (k,)
        Increasing weights of the Model 2 grid.
    field : array-like of shape (2, k, m)
        Displacement :math:`(\theta' - \theta, w' - w)` of one Model 2 step at
        each grid point (row ``i`` is ``field_w[i]``).
    model2_fixed : EMFixedPoints
        Fixed points of Model 2.
    boundary : (array-like of shape (q,), array-like of shape (q,)), optional
        Initial weights :math:`w_0` and the boundary :math:`a_b(w_0)` between
        the basins of the two maxima; without it the basins are not shaded.
    cobwebs : sequence of array-like, optional
        Model 1 iterates :math:`\theta_0, \theta_1, \dots` drawn as cobweb paths.

    Attributes
    ----------
    ax_ : matplotlib.axes.Axes or ndarray of Axes
        The Model 1 and Model 2 axes (one Axes when a single panel is drawn).
    figure_ : matplotlib.figure.Figure
    map_line_ : matplotlib.lines.Line2D or None
        The Model 1 map.
    fixed_point_markers_ : dict of str to list of Line2D
        Markers of each panel's fixed points (``"model1"``, ``"model2"``).
    stream_ : matplotlib.streamplot.StreamplotSet or None
        The Model 2 streamlines.
    boundary_line_ : matplotlib.lines.Line2D or None
        The Model 2 basin boundary.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from interpstat.plotting import EMLandscapeDisplay
    >>> axes = Figure().subplots(1, 2)
    >>> display = EMLandscapeDisplay.from_theory(2.0, 0.8, n_theta=101, ax=axes)
    >>> [len(display.fixed_point_markers_[k]) for k in ("model1", "model2")]
    [3, 3]
    """

    def __init__(
        self,
        *,
        theta_star,
        w_star,
        theta,
        model1_map,
        model1_fixed,
        field_theta,
        field_w,
        field,
        model2_fixed,
        boundary=None,
        cobwebs=None,
    ):
        self.theta_star = theta_star
        self.w_star = w_star
        self.theta = theta
        self.model1_map = model1_map
        self.model1_fixed = model1_fixed
        self.field_theta = field_theta
        self.field_w = field_w
        self.field = field
        self.model2_fixed = model2_fixed
        self.boundary = boundary
        self.cobwebs = cobwebs

    def plot(self, ax=None, *, which="both", density=1.0):
        """Draw the Model 1 map and the Model 2 flow.

        Parameters
        ----------
        ax : matplotlib.axes.Axes or sequence of two Axes, optional
            Where to draw: two axes (Model 1, Model 2) for ``which="both"``,
            one otherwise; a new pyplot figure is opened when None.
        which : {"both", "model1", "model2"}, default="both"
            Panels to draw.
        density : float, default=1.0
            Streamline density of the Model 2 panel
            (:meth:`matplotlib.axes.Axes.streamplot`).

        Returns
        -------
        EMLandscapeDisplay
            ``self``, with ``ax_``, ``figure_``, ``map_line_``,
            ``fixed_point_markers_``, ``stream_`` and ``boundary_line_`` set.
        """
        if which not in _EM_PANELS:
            raise ValueError(f"which must be one of {sorted(_EM_PANELS)}, got {which!r}.")
        panels = _EM_PANELS[which]
        if ax is None:
            import matplotlib.pyplot as plt

            _, ax = plt.subplots(1, len(panels), figsize=(5.5 * len(panels), 4.5),
                                 layout="constrained")
        axes = np.atleast_1d(np.asarray(ax, dtype=object)).ravel()
        if axes.size != len(panels):
            raise ValueError(f"which={which!r} needs {len(panels)} axes, got {axes.size}.")
        self.map_line_ = self.stream_ = self.boundary_line_ = None
        self.fixed_point_markers_ = {}
        for panel, axis in zip(panels, axes, strict=True):
            if panel == "model1":
                self._plot_model1(axis)
            else:
                self._plot_model2(axis, density)
        self.ax_ = axes[0] if axes.size == 1 else axes
        self.figure_ = axes[0].figure
        return self

    def _plot_model1(self, ax):
        theta = np.asarray(self.theta, dtype=np.float64)
        values = np.asarray(self.model1_map, dtype=np.float64)
        fp = self.model1_fixed
        lo, hi = float(theta.min()), float(theta.max())
        unstable = [t for t, st in zip(fp.theta, fp.stable, strict=True) if not st]
        edge = unstable[0] if unstable else None
        if edge is not None:
            ax.axvspan(lo, edge, color="C3", alpha=0.1, linewidth=0, label="basin of θ̄")
            ax.axvspan(edge, hi, color="C0", alpha=0.1, linewidth=0, label="basin of θ*")
        else:
            ax.axvspan(lo, hi, color="C0", alpha=0.1, linewidth=0, label="basin of θ*")
        ax.plot([lo, hi], [lo, hi], "--", color="gray", linewidth=1, label="diagonal")
        self.map_line_ = ax.plot(theta, values, color="black", linewidth=1.5,
                                 label="M(θ)")[0]
        for k, path in enumerate(self.cobwebs or ()):
            path = np.asarray(path, dtype=np.float64)
            # (t0, t0) -> (t0, t1) -> (t1, t1) -> (t1, t2) -> ...
            xs = np.repeat(path, 2)[:-1]
            ys = np.r_[path[0], np.repeat(path[1:], 2)]
            ax.plot(xs, ys, color=("C1", "C4", "C2", "C5")[k % 4], linewidth=0.9, alpha=0.9,
                    label=f"EM from θ0 = {path[0]:.2f}")
        markers = []
        for t, st, kind in zip(fp.theta, fp.stable, fp.kind, strict=True):
            color = "C0" if kind == "global" else "C3"
            name = {"global": "θ*", "spurious": "θ̄", "unstable": "θu"}.get(kind, kind)
            markers.append(ax.plot([t], [t], label=f"{name} = {t:.3f}",
                                   **_fixed_style(bool(st), color))[0])
        self.fixed_point_markers_["model1"] = markers
        ax.set_xlim(lo, hi)
        ax.set_ylim(lo, hi)
        ax.set_xlabel("θ")
        ax.set_ylabel("M(θ)")
        ax.set_title(f"Model 1 (w = w* fixed): s = {self.theta_star:g}, w* = {self.w_star:g}")
        ax.legend(fontsize=7, loc="upper left")

    def _plot_model2(self, ax, density):
        ft = np.asarray(self.field_theta, dtype=np.float64)
        fw = np.asarray(self.field_w, dtype=np.float64)
        field = np.asarray(self.field, dtype=np.float64)
        if field.shape != (2, fw.size, ft.size):
            raise ValueError(
                f"field has shape {field.shape}; expected (2, {fw.size}, {ft.size})."
            )
        lo, hi = float(ft.min()), float(ft.max())
        if self.boundary is not None:
            w0, a_b = (np.asarray(v, dtype=np.float64) for v in self.boundary)
            ax.fill_betweenx(w0, a_b, hi, color="C0", alpha=0.1, linewidth=0,
                             label="basin of (s, w*)")
            ax.fill_betweenx(w0, lo, a_b, color="C2", alpha=0.1, linewidth=0,
                             label="basin of (−s, 1 − w*)")
            self.boundary_line_ = ax.plot(a_b, w0, "--", color="black", linewidth=1,
                                          label="boundary a_b(w0)")[0]
        speed = np.hypot(field[0], field[1])
        self.stream_ = ax.streamplot(
            ft, fw, field[0], field[1], color=np.log10(speed + 1e-12), cmap="Greys",
            density=density, linewidth=0.7, arrowsize=0.8, zorder=2,
        )
        ax.axhline(self.w_star, color="C3", linestyle=":", linewidth=1.2,
                   label="Model 1: w = w*")
        spurious = [t for t, k in zip(self.model1_fixed.theta, self.model1_fixed.kind,
                                      strict=True) if k == "spurious"]
        if spurious:
            ax.plot(spurious, [self.w_star], "X", color="C3", markersize=8, zorder=5,
                    label="Model 1's θ̄ (not fixed here)")
        markers = []
        fp = self.model2_fixed
        for t, w, st, kind in zip(fp.theta, fp.w, fp.stable, fp.kind, strict=True):
            name = "maximum" if kind == "global" else kind
            markers.append(ax.plot([t], [w], label=f"{name} ({t:.2f}, {w:.2f})",
                                   **_fixed_style(bool(st), "C0" if st else "black"))[0])
        self.fixed_point_markers_["model2"] = markers
        ax.set_xlim(lo, hi)
        ax.set_ylim(float(fw.min()), float(fw.max()))
        ax.set_xlabel("θ")
        ax.set_ylabel("w")
        ax.set_title(f"Model 2 (w learned): flow of one EM step, s = {self.theta_star:g}")
        ax.legend(fontsize=7, loc="lower right", framealpha=0.9)

    @classmethod
    def from_theory(
        cls,
        theta_star,
        w_star,
        *,
        theta_range=None,
        n_theta=401,
        n_field=(41, 33),
        boundary="auto",
        starts=(),
        n_steps=12,
        ax=None,
        **kwargs,
    ):
        """Compute the landscape from :mod:`interpstat.theory` and plot it.

        Parameters
        ----------
        theta_star : float
            True mean ``s > 0``.
        w_star : float
            True weight, in (1/2, 1).
        theta_range : (float, float), optional
            Range of means (default ``±(s + 1.5)``).
        n_theta : int, default=401
            Means at which the Model 1 map is evaluated.
        n_field : (int, int), default=(41, 33)
            Grid of the Model 2 field: means, weights (in ``[0.02, 0.98]``).
        boundary : "auto", None or (array-like, array-like), default="auto"
            Model 2 basin boundary ``(w0, a_b(w0))``: computed with
            :func:`~interpstat.theory.em_basin_boundary` (17
            weights, bracket 1e-5) when ``"auto"``, not drawn when None.
        starts : sequence of float, default=()
            Initial means of Model 1 cobweb paths.
        n_steps : int, default=12
            Steps of each cobweb path.
        ax : matplotlib.axes.Axes or sequence of Axes, optional
            See :meth:`plot`.
        **kwargs
            ``which`` and ``density``, passed to :meth:`plot`.

        Returns
        -------
        EMLandscapeDisplay
            The plotted display.
        """
        from interpstat.theory import em_basin_boundary, em_fixed_points, em_population_step

        s, w_star = float(theta_star), float(w_star)
        lo, hi = theta_range if theta_range is not None else (-(s + 1.5), s + 1.5)
        theta = np.linspace(lo, hi, n_theta)
        values = em_population_step(theta, w_star, s, w_star, learn_weights=False)[0]
        ft = np.linspace(lo, hi, n_field[0])
        fw = np.linspace(0.02, 0.98, n_field[1])
        tt, ww = np.meshgrid(ft, fw)
        t_next, w_next = em_population_step(tt, ww, s, w_star, learn_weights=True)
        field = np.stack([t_next - tt, w_next - ww])
        if isinstance(boundary, str):
            if boundary != "auto":
                raise ValueError(f"boundary must be 'auto', None or arrays, got {boundary!r}.")
            w0 = np.linspace(0.02, 0.98, 17)
            boundary = (w0, em_basin_boundary(w0, s, w_star, xtol=1e-5))
        cobwebs = []
        for start in starts:
            path = [float(start)]
            for _ in range(n_steps):
                path.append(float(em_population_step(path[-1], w_star, s, w_star,
                                                     learn_weights=False)[0]))
            cobwebs.append(np.array(path))
        display = cls(
            theta_star=s, w_star=w_star, theta=theta, model1_map=values,
            model1_fixed=em_fixed_points(s, w_star, learn_weights=False),
            field_theta=ft, field_w=fw, field=field,
            model2_fixed=em_fixed_points(s, w_star, learn_weights=True),
            boundary=boundary, cobwebs=cobwebs,
        )
        return display.plot(ax=ax, **kwargs)
