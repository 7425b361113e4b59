"""Display objects for risk curves: closed-form theory over simulated means."""

import numpy as np

__all__ = ["RiskCurveDisplay"]

_INIT_KEYS = ("xlabel", "ylabel", "label")


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


class RiskCurveDisplay:
    """Risk curves: theory as lines, simulation as means with confidence bars.

    Follows scikit-learn's Display pattern: the object holds plain arrays,
    :meth:`plot` draws them (importing matplotlib only then), and
    :meth:`from_simulation` builds and plots a display from a
    :class:`~interpstat.simulation.SimulationResult`.

    Parameters
    ----------
    x : array-like of shape (n_points,)
        Horizontal coordinate, e.g. ``p / n``.
    curves : dict of str to array-like of shape (n_points,), optional
        Theory curves by legend label.  Infinite or NaN values (a diverging
        risk at the interpolation threshold, an undefined regime) are drawn as
        gaps.
    sim_mean : array-like of shape (n_points,), optional
        Simulated means.
    sim_ci : pair of array-like of shape (n_points,), optional
        Lower and upper confidence limits of ``sim_mean``.
    xlabel, ylabel : str
        Axis labels.
    label : str, default="simulation"
        Legend label of the simulated points.

    Attributes
    ----------
    ax_ : matplotlib.axes.Axes
        Axes with the plot.
    figure_ : matplotlib.figure.Figure
        Figure containing the axes.
    lines_ : list of matplotlib.lines.Line2D
        One line per theory curve, in the order of ``curves``.
    errorbar_ : matplotlib.container.ErrorbarContainer or None
        The simulated points, when ``sim_mean`` is given.
    threshold_line_ : matplotlib.lines.Line2D or None
        The dashed vertical line at the interpolation threshold, if drawn.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from interpstat.plotting import RiskCurveDisplay
    >>> gamma = np.array([0.25, 0.5, 2.0, 4.0])
    >>> risk = np.where(gamma < 1, gamma / (1 - gamma), 1 / (gamma - 1))
    >>> display = RiskCurveDisplay(x=gamma, curves={"theory": risk}).plot()
    >>> len(display.lines_), display.ax_.get_xscale()
    (1, 'log')
    >>> import matplotlib.pyplot as plt
    >>> plt.close(display.figure_)
    """

    def __init__(
        self,
        *,
        x,
        curves=None,
        sim_mean=None,
        sim_ci=None,
        xlabel="p / n",
        ylabel="test risk",
        label="simulation",
    ):
        self.x = x
        self.curves = curves
        self.sim_mean = sim_mean
        self.sim_ci = sim_ci
        self.xlabel = xlabel
        self.ylabel = ylabel
        self.label = label

    def plot(self, ax=None, *, logx=True, logy=True, ylim=None, title=None, threshold=1.0):
        """Draw the curves and the simulated points.

        When ``logy`` is true, lower confidence limits at or below zero cannot
        be shown on the log axis; they are clipped to half the smallest
        positive value among the means and confidence limits, so such bars run
        to just below the lowest point.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; a new figure is created when None.
        logx, logy : bool, default=True
            Logarithmic horizontal / vertical axis.
        ylim : (float, float), optional
            Vertical limits.
        title : str, optional
            Axes title.
        threshold : float or None, default=1.0
            Position of a dashed vertical line marking the interpolation
            threshold, drawn when it lies within the range of ``x``; None
            disables it.

        Returns
        -------
        RiskCurveDisplay
            ``self``, with ``ax_``, ``figure_``, ``lines_``, ``errorbar_`` and
            ``threshold_line_`` set.
        """
        import matplotlib.pyplot as plt

        x = np.asarray(self.x, dtype=np.float64).reshape(-1)
        order = np.argsort(x, kind="stable")
        curves = {
            label: _as_curve(values, x.size, f"curves[{label!r}]")[order]
            for label, values in (self.curves or {}).items()
        }
        if ax is None:
            _, ax = plt.subplots()

        self.lines_ = [ax.plot(x[order], y, label=label)[0] for label, y in curves.items()]

        self.errorbar_ = None
        if self.sim_mean is not None:
            mean = _as_curve(self.sim_mean, x.size, "sim_mean")[order]
            yerr = None
            if self.sim_ci is not None:
                low, high = (_as_curve(v, x.size, "sim_ci")[order] for v in self.sim_ci)
                if logy:
                    low = np.where(low > 0, low, _log_floor(mean, low, high))
                with np.errstate(invalid="ignore"):
                    yerr = np.vstack([mean - low, high - mean]).clip(min=0.0)
            self.errorbar_ = ax.errorbar(
                x[order],
                mean,
                yerr=yerr,
                fmt="o",
                color="black",
                markersize=4,
                capsize=2,
                elinewidth=1,
                label=self.label,
                zorder=3,
            )
        elif self.sim_ci is not None:
            raise ValueError("sim_ci needs sim_mean.")

        self.threshold_line_ = None
        finite = x[np.isfinite(x)]
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
        ax.set_xlabel(self.xlabel)
        ax.set_ylabel(self.ylabel)
        if title is not None:
            ax.set_title(title)
        if self.lines_ or self.errorbar_ is not None:
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
        ax : matplotlib.axes.Axes, optional
            Axes to draw on.
        **kwargs
            ``xlabel``, ``ylabel`` and ``label`` go to the constructor, the
            rest (``logx``, ``logy``, ``ylim``, ``title``, ``threshold``) to
            :meth:`plot`.

        Returns
        -------
        RiskCurveDisplay
            The plotted display.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from interpstat.plotting import RiskCurveDisplay
        >>> from interpstat.simulation import simulate
        >>> def replicate(params, rng):
        ...     return params["p"] / params["n"] + rng.exponential()
        >>> result = simulate(replicate, {"p": [5, 20, 40], "n": [10]}, 20,
        ...                   random_state=0)
        >>> display = RiskCurveDisplay.from_simulation(
        ...     result, "p", theory={"mean": [1.5, 3.0, 5.0]}, x_scale="n")
        >>> display.x.tolist()
        [0.5, 2.0, 4.0]
        >>> import matplotlib.pyplot as plt
        >>> plt.close(display.figure_)
        """
        params = [cell[x_key] for cell in result.grid]
        if isinstance(x_scale, str):
            x_scale = [cell[x_scale] for cell in result.grid]
        x = np.asarray(params, dtype=np.float64) / np.asarray(x_scale, dtype=np.float64)
        init = {key: kwargs.pop(key) for key in _INIT_KEYS if key in kwargs}
        display = cls(
            x=x,
            curves=dict(theory) if theory is not None else None,
            sim_mean=result.mean(metric),
            sim_ci=result.ci(metric, level),
            **init,
        )
        return display.plot(ax=ax, **kwargs)
