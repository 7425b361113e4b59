"""Monte-Carlo runner over a parameter grid and its frozen results object."""

import itertools
import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import joblib
import numpy as np
import pandas as pd
from scipy import stats
from threadpoolctl import threadpool_limits
from tqdm import tqdm

from interpstat._jit import num_threads

__all__ = ["SimulationResult", "simulate"]

_POOL_SIZE = np.random.SeedSequence(0).pool_size  # numpy's default


# ---------------------------------------------------------------------------
# Input validation
# ---------------------------------------------------------------------------


def _normalize_grid(grid):
    """Turn ``grid`` into a tuple of parameter dicts, one per cell.

    Parameters
    ----------
    grid : sequence of dict or dict of sequences
        Cells given one by one, or a dict of value lists meaning the Cartesian
        product over the keys in insertion order (as :func:`itertools.product`).

    Returns
    -------
    tuple of dict
        The cells, each a fresh ``dict``; length ``n_cells >= 1``.
    """
    if isinstance(grid, Mapping):
        keys = list(grid)
        axes = []
        for key in keys:
            values = grid[key]
            if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
                raise TypeError(
                    f"A dict grid maps each parameter to a list of values; {key!r} maps to "
                    f"{values!r}. Wrap a single value in a list."
                )
            axes.append(list(values))
        cells = tuple(dict(zip(keys, combo, strict=True)) for combo in itertools.product(*axes))
        if not keys:
            cells = ()
    elif isinstance(grid, (str, bytes)) or not isinstance(grid, Iterable):
        raise TypeError(
            f"grid must be a sequence of dicts or a dict of lists, got {type(grid).__name__}."
        )
    else:
        cells = tuple(grid)
        for index, cell in enumerate(cells):
            if not isinstance(cell, Mapping):
                raise TypeError(
                    f"Every grid cell must be a dict of parameters; cell {index} is "
                    f"{type(cell).__name__}."
                )
        cells = tuple(dict(cell) for cell in cells)
    if not cells:
        raise ValueError("grid is empty: there must be at least one cell to simulate.")
    return cells


def _check_int(value, name, minimum):
    """Return ``value`` as an int, raising ValueError unless it is an int >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    return int(value)


def _root_seed(random_state):
    """Build the root :class:`numpy.random.SeedSequence` of a run.

    Parameters
    ----------
    random_state : None, int or numpy.random.SeedSequence
        ``None`` draws fresh OS entropy; an int is the entropy itself.  A
        SeedSequence is copied (entropy and spawn key), so the caller's object is
        never advanced by the run.

    Returns
    -------
    numpy.random.SeedSequence
    """
    if isinstance(random_state, np.random.SeedSequence):
        if random_state.pool_size != _POOL_SIZE:
            raise ValueError("A SeedSequence random_state must use the default pool_size.")
        return np.random.SeedSequence(random_state.entropy, spawn_key=random_state.spawn_key)
    if random_state is None or (
        isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool)
    ):
        return np.random.SeedSequence(None if random_state is None else int(random_state))
    hint = (
        " A Generator or RandomState carries a stream, not a seed, so draws could not be "
        "made independent of scheduling."
        if isinstance(random_state, (np.random.Generator, np.random.RandomState))
        else ""
    )
    raise TypeError(
        "random_state must be None, an int or a numpy.random.SeedSequence, got "
        f"{type(random_state).__name__}.{hint} Pass an int seed, e.g. random_state=0."
    )


def _default_block_size(n_cells, n_reps, n_jobs):
    """Replicates per task so that there are about four tasks per worker.

    Never more than ``n_reps`` (a task covers one cell), so with many cells each
    cell is one task and with few cells the replicates are split.
    """
    workers = max(1, joblib.effective_n_jobs(n_jobs))
    return max(1, min(n_reps, math.ceil(n_cells * n_reps / (4 * workers))))


# ---------------------------------------------------------------------------
# The task run by each worker
# ---------------------------------------------------------------------------


def _as_float(value, cell, params, rep):
    array = np.asarray(value, dtype=np.float64)
    if array.ndim != 0:
        raise TypeError(
            f"fn must return a float or a dict of floats; replicate {rep} of cell {cell} "
            f"({params}) returned an array of shape {array.shape}."
        )
    return float(array)


def _metric_names(out, cell, params, rep):
    """Metric names of one replicate's output: None for a float, else the dict keys."""
    if not isinstance(out, Mapping):
        return None
    names = tuple(out)
    if not names or not all(isinstance(name, str) for name in names):
        raise TypeError(
            f"fn must return a float or a non-empty dict with str keys; replicate {rep} of "
            f"cell {cell} ({params}) returned keys {list(names)}."
        )
    return names


def _same_metrics(a, b):
    return a == b or (a is not None and b is not None and set(a) == set(b))


def _keys_error(cell, params, rep, got, expected):
    def describe(names):
        return "a float" if names is None else f"the metrics {list(names)}"

    return ValueError(
        f"Every replicate must return the same metrics; replicate {rep} of cell {cell} "
        f"({params}) returned {describe(got)}, but another returned {describe(expected)}."
    )


def _run_block(fn, params, cell, cell_seq, start, stop, inner_threads):
    """Run replicates ``start, ..., stop - 1`` of one grid cell.

    Replicate ``r`` draws from ``default_rng(cell_seq.spawn(n_reps)[r])``; the
    child is built directly from its spawn key, so no task needs the others.

    Parameters
    ----------
    fn : callable
        ``fn(params, rng) -> float | dict[str, float]``.
    params : dict
        The cell's parameters.
    cell : int
        Index of the cell, for error messages and for the caller.
    cell_seq : numpy.random.SeedSequence
        The cell's seed sequence (a child of the root).
    start, stop : int
        Replicate range of the block.
    inner_threads : int or None
        BLAS and numba thread count inside the task (None leaves both).

    Returns
    -------
    cell : int
    start : int
    names : tuple of str or None
        Metric names, or None when ``fn`` returned plain floats.
    values : ndarray of shape (n_metrics, stop - start)
        The draws, float64.
    """
    names = None
    rows = []
    limits = threadpool_limits(limits=inner_threads) if inner_threads is not None else None
    try:
        with num_threads(inner_threads):
            for rep in range(start, stop):
                child = np.random.SeedSequence(
                    cell_seq.entropy, spawn_key=(*cell_seq.spawn_key, rep)
                )
                out = fn(params, np.random.default_rng(child))
                got = _metric_names(out, cell, params, rep)
                if rep == start:
                    names = got
                elif not _same_metrics(got, names):
                    raise _keys_error(cell, params, rep, got, names)
                if names is None:
                    rows.append([_as_float(out, cell, params, rep)])
                else:
                    rows.append([_as_float(out[key], cell, params, rep) for key in names])
    finally:
        if limits is not None:
            limits.restore_original_limits()
    values = np.array(rows, dtype=np.float64).T
    return cell, start, names, values


# ---------------------------------------------------------------------------
# Summary statistics (NaN-aware, warning-free)
# ---------------------------------------------------------------------------


def _moments(draws):
    """Count, mean and standard error of the non-NaN draws of each cell.

    Parameters
    ----------
    draws : ndarray of shape (n_cells, n_reps)

    Returns
    -------
    n_valid : ndarray of shape (n_cells,), int
    mean : ndarray of shape (n_cells,)
        NaN where no draw is valid.
    se : ndarray of shape (n_cells,)
        ``std(ddof=1) / sqrt(n_valid)``; NaN where fewer than two draws are valid.
    """
    valid = ~np.isnan(draws)
    n_valid = valid.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(valid, draws, 0.0).sum(axis=1) / n_valid
        dev = np.where(valid, draws - mean[:, None], 0.0)
        var = np.where(n_valid > 1, (dev**2).sum(axis=1) / (n_valid - 1), np.nan)
        se = np.sqrt(var / n_valid)
    return n_valid, mean, se


def _t_interval(draws, level):
    """Student-t interval for the mean of each cell's non-NaN draws.

    ``mean ± t_{(1 + level) / 2, n_valid - 1} · std_error``.

    Parameters
    ----------
    draws : ndarray of shape (n_cells, n_reps)
    level : float

    Returns
    -------
    low, high : ndarray of shape (n_cells,)
        NaN where fewer than two draws are valid.
    """
    n_valid, mean, se = _moments(draws)
    quantile = stats.t.ppf(0.5 + level / 2.0, n_valid - 1)
    with np.errstate(invalid="ignore"):
        half = quantile * se
    return mean - half, mean + half


def _proportion_interval(method):
    """A binomial-proportion interval of statsmodels' ``proportion_confint``.

    Parameters
    ----------
    method : str
        statsmodels' name of the interval (``"wilson"``, ``"beta"``).

    Returns
    -------
    callable
        ``interval(draws, level) -> (low, high)`` for draws of shape
        ``(n_cells, n_reps)`` that are 0, 1 or NaN: the count of ones out of
        the non-NaN draws of each cell; NaN where no draw is valid.  The
        interval is ``[0, .]`` without a success and ``[., 1]`` without a failure.
    """

    def interval(draws, level):
        from statsmodels.stats.proportion import proportion_confint

        valid = ~np.isnan(draws)
        values = draws[valid]
        if not np.all((values == 0.0) | (values == 1.0)):
            raise ValueError(
                f"A {method!r} proportion interval needs draws equal to 0 or 1 (or NaN); "
                "use method='t' for the mean of other values."
            )
        nobs = valid.sum(axis=1)
        count = np.where(valid, draws, 0.0).sum(axis=1)
        low = np.full(draws.shape[0], np.nan)
        high = np.full(draws.shape[0], np.nan)
        some = nobs > 0
        if some.any():
            low[some], high[some] = proportion_confint(
                count[some], nobs[some], alpha=1.0 - level, method=method
            )
        # Both intervals end exactly at 0 (no success) and 1 (no failure); the
        # Wilson formula can miss by an ulp, and then would not cover p = 1.
        low[some & (count == 0)] = 0.0
        high[some & (count == nobs)] = 1.0
        return low, high

    return interval


#: interval kind -> interval(draws, level) -> (low, high)
_INTERVALS = {
    "t": _t_interval,
    "wilson": _proportion_interval("wilson"),
    "clopper-pearson": _proportion_interval("beta"),
}


def _interval(method):
    try:
        return _INTERVALS[method]
    except KeyError:
        raise ValueError(
            f"method must be one of {sorted(_INTERVALS)}, got {method!r}."
        ) from None


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """Raw draws of a Monte-Carlo run, with means and confidence intervals.

    Returned by :func:`simulate`.  The object is frozen and its draw arrays are
    read-only; summaries are computed from the draws on request.

    Draws that are NaN (a replicate that failed or had nothing to report) are
    kept in :attr:`draws` and left out of every summary: :meth:`mean`,
    :meth:`std_error` and :meth:`ci` use the ``n_valid(metric)`` non-NaN draws of
    each cell.  Infinite draws are kept in the summaries (the mean is then
    infinite and the standard error NaN).

    Parameters
    ----------
    grid : tuple of dict
        Parameters of each grid cell, length ``n_cells``.
    n_reps : int
        Replicates per cell.
    entropy : int or tuple of int
        Entropy of the root :class:`numpy.random.SeedSequence`; pass
        :attr:`seed_sequence` (or this value when :attr:`spawn_key` is empty)
        as ``random_state`` to repeat the run.
    draws : dict of str to ndarray of shape (n_cells, n_reps)
        The replicate values of each metric, float64, read-only.
    config : dict, default={}
        User metadata (``name`` labels the progress bar).
    spawn_key : tuple of int, default=()
        Spawn key of the root seed sequence (non-empty only when a spawned
        SeedSequence was passed as ``random_state``).

    Examples
    --------
    >>> import numpy as np
    >>> from interpstat.simulation import SimulationResult
    >>> result = SimulationResult(
    ...     grid=({"n": 10},), n_reps=4, entropy=0,
    ...     draws={"risk": np.array([[1.0, 2.0, 3.0, np.nan]])},
    ... )
    >>> result.mean(), result.n_valid()
    (array([2.]), array([3]))
    >>> result.std_error()
    array([0.57735027])
    """

    grid: tuple
    n_reps: int
    entropy: int | tuple
    draws: dict
    config: dict = field(default_factory=dict)
    spawn_key: tuple = ()

    def __post_init__(self):
        grid = tuple(dict(cell) for cell in self.grid)
        draws = {}
        for name, values in self.draws.items():
            if not isinstance(name, str):
                raise TypeError(f"Metric names must be str, got {name!r}.")
            array = np.asarray(values, dtype=np.float64)
            if array.flags.writeable:  # never freeze (or alias) an array the caller owns
                array = array.copy()
            if array.shape != (len(grid), self.n_reps):
                raise ValueError(
                    f"draws[{name!r}] has shape {array.shape}; expected (n_cells, n_reps) = "
                    f"{(len(grid), self.n_reps)}."
                )
            array.setflags(write=False)
            draws[name] = array
        if not draws:
            raise ValueError("A SimulationResult needs at least one metric.")
        object.__setattr__(self, "grid", grid)
        object.__setattr__(self, "draws", draws)
        object.__setattr__(self, "config", dict(self.config))
        object.__setattr__(self, "spawn_key", tuple(self.spawn_key))

    def __setstate__(self, state):
        # Unpickled arrays come back writable; restore the read-only guarantee.
        for name, value in state.items():
            object.__setattr__(self, name, value)
        for array in self.draws.values():
            array.setflags(write=False)

    @property
    def metrics(self):
        """Names of the metrics, in the order ``fn`` returned them (tuple of str)."""
        return tuple(self.draws)

    @property
    def n_cells(self):
        """Number of grid cells (int)."""
        return len(self.grid)

    @property
    def seed_sequence(self):
        """The root :class:`numpy.random.SeedSequence`; pass it to repeat the run."""
        return np.random.SeedSequence(self.entropy, spawn_key=self.spawn_key)

    def _draws(self, metric):
        if metric is None:
            if len(self.draws) != 1:
                raise ValueError(
                    f"This result has several metrics {self.metrics}; pass metric=... ."
                )
            return next(iter(self.draws.values()))
        try:
            return self.draws[metric]
        except KeyError:
            raise ValueError(
                f"Unknown metric {metric!r}; the metrics are {self.metrics}."
            ) from None

    def n_valid(self, metric=None):
        """Number of non-NaN draws in each cell.

        Parameters
        ----------
        metric : str, optional
            Metric name; may be omitted when there is only one.

        Returns
        -------
        ndarray of shape (n_cells,), int
        """
        return _moments(self._draws(metric))[0]

    def mean(self, metric=None):
        """Monte-Carlo mean of each cell, ignoring NaN draws.

        Parameters
        ----------
        metric : str, optional
            Metric name; may be omitted when there is only one.

        Returns
        -------
        ndarray of shape (n_cells,)
            NaN for a cell without a valid draw.
        """
        return _moments(self._draws(metric))[1]

    def std_error(self, metric=None):
        """Standard error of each cell's mean, ``std(ddof=1) / sqrt(n_valid)``.

        Parameters
        ----------
        metric : str, optional
            Metric name; may be omitted when there is only one.

        Returns
        -------
        ndarray of shape (n_cells,)
            NaN for a cell with fewer than two valid draws.
        """
        return _moments(self._draws(metric))[2]

    def ci(self, metric=None, level=0.95, *, method="t"):
        """Confidence interval for each cell's mean (or success probability).

        ``method="t"`` gives the Student-t interval for a mean,
        ``mean ± t_{(1 + level) / 2, n_valid - 1} · std_error``, the interval of
        :meth:`statsmodels.stats.weightstats.DescrStatsW.tconfint_mean`.

        For a metric whose draws are 0 or 1 (a success indicator, e.g. whether
        EM reached the true parameter), the count ``k`` of ones among the
        ``n_valid`` non-NaN draws is binomial and ``mean = k / n_valid`` is the
        success rate; ``method="wilson"`` gives the Wilson score interval and
        ``method="clopper-pearson"`` the exact (conservative) Clopper--Pearson
        interval, both as computed by
        :func:`statsmodels.stats.proportion.proportion_confint` (methods
        ``"wilson"`` and ``"beta"``) with ``alpha = 1 - level``.  Unlike the
        Student-t interval they stay inside ``[0, 1]`` and do not collapse to a
        point when every draw agrees.

        Parameters
        ----------
        metric : str, optional
            Metric name; may be omitted when there is only one.
        level : float, default=0.95
            Confidence level, in (0, 1).
        method : {"t", "wilson", "clopper-pearson"}, default="t"
            Kind of interval.

        Returns
        -------
        low, high : ndarray of shape (n_cells,)
            NaN for a cell with fewer than two valid draws (Student-t) or
            without a valid draw (proportions).

        Raises
        ------
        ValueError
            If ``level`` is outside (0, 1), ``method`` is unknown, or a
            proportion interval is asked for draws other than 0, 1 and NaN.
        """
        if not 0.0 < level < 1.0:
            raise ValueError(f"level must be in (0, 1), got {level!r}.")
        return _interval(method)(self._draws(metric), level)

    def covers(self, values, metric=None, level=0.95, *, method="t"):
        """Whether each cell's confidence interval contains a given value.

        Parameters
        ----------
        values : array-like of shape (n_cells,) or scalar
            Values to test, typically a theory curve on the grid.  Infinite or
            NaN values are never covered.
        metric : str, optional
            Metric name; may be omitted when there is only one.
        level : float, default=0.95
            Confidence level.
        method : {"t", "wilson", "clopper-pearson"}, default="t"
            Kind of interval, as in :meth:`ci`.

        Returns
        -------
        ndarray of shape (n_cells,), bool
        """
        values = np.broadcast_to(np.asarray(values, dtype=np.float64), (self.n_cells,))
        low, high = self.ci(metric, level, method=method)
        return np.isfinite(values) & (low <= values) & (values <= high)

    def to_frame(self, level=0.95, *, method="t"):
        """Summary table, one row per grid cell.

        Parameters
        ----------
        level : float, default=0.95
            Confidence level of the intervals.
        method : str or dict of str to str, default="t"
            Kind of interval (see :meth:`ci`), for every metric or by metric
            name (metrics not in the dict get ``"t"``).

        Returns
        -------
        pandas.DataFrame
            The grid parameters as columns, then for each metric ``m`` the
            columns ``m_mean``, ``m_se``, ``m_ci_low``, ``m_ci_high`` and
            ``m_n_valid`` (non-NaN draws), then ``n_reps``.
        """
        frame = pd.DataFrame(list(self.grid), index=pd.RangeIndex(self.n_cells))
        summary = {}
        methods = method if isinstance(method, Mapping) else dict.fromkeys(self.metrics, method)
        unknown = set(methods) - set(self.metrics)
        if unknown:
            raise ValueError(
                f"method names unknown metrics {sorted(unknown)}; the metrics are {self.metrics}."
            )
        for metric in self.metrics:
            n_valid, mean, se = _moments(self.draws[metric])
            low, high = self.ci(metric, level, method=methods.get(metric, "t"))
            summary[f"{metric}_mean"] = mean
            summary[f"{metric}_se"] = se
            summary[f"{metric}_ci_low"] = low
            summary[f"{metric}_ci_high"] = high
            summary[f"{metric}_n_valid"] = n_valid
        summary["n_reps"] = np.full(self.n_cells, self.n_reps)
        clash = set(frame.columns) & set(summary)
        if clash:
            raise ValueError(f"Grid parameters {sorted(clash)} clash with summary columns.")
        return pd.concat([frame, pd.DataFrame(summary, index=frame.index)], axis=1)


# ---------------------------------------------------------------------------
# Runner
# ---------------------------------------------------------------------------


def _parallel(n_jobs):
    """A :class:`joblib.Parallel` yielding results as they complete.

    The backend is whatever :func:`joblib.parallel_config` selects.  The few
    backends that cannot return a generator (``"multiprocessing"``) raise
    ValueError when the object is built, before any task runs; they fall back
    to a list, so progress then jumps to the end.
    """
    try:
        return joblib.Parallel(n_jobs=n_jobs, return_as="generator")
    except ValueError as exc:
        if "return_as" not in str(exc):
            raise
        return joblib.Parallel(n_jobs=n_jobs, return_as="list")


def simulate(
    fn,
    grid,
    n_reps,
    *,
    random_state=None,
    n_jobs=None,
    block_size=None,
    inner_threads=1,
    progress=False,
    config=None,
):
    """Run a Monte-Carlo experiment over a parameter grid.

    Every replicate gets its own random generator derived from
    ``random_state``, the grid cell and the replicate index only
    (``SeedSequence(entropy).spawn(n_cells)[cell].spawn(n_reps)[rep]``), so the
    draws do not depend on ``n_jobs``, ``block_size`` or the joblib backend.

    The work is split into one task per (grid cell, block of replicates) and
    run through :class:`joblib.Parallel` without a fixed backend:
    ``joblib.parallel_config(backend="dask")`` sends it to a dask cluster,
    ``backend="threading"`` keeps it in-process.

    Parameters
    ----------
    fn : callable
        ``fn(params, rng)`` runs one replicate for the cell parameters
        ``params`` (a dict) with the :class:`numpy.random.Generator` ``rng``
        and returns a float (metric ``"value"``) or a dict of floats (one
        entry per metric, the same keys for every replicate).  With a
        process-based backend and ``n_jobs != 1`` it must be picklable, e.g.
        a module-level function.
    grid : sequence of dict or dict of lists
        The grid cells, or a dict of value lists meaning their Cartesian
        product (ordered as :func:`itertools.product` over the keys).
    n_reps : int
        Replicates per cell, at least 2 (a standard error needs two).
    random_state : None, int or numpy.random.SeedSequence, default=None
        Root seed.  ``None`` draws fresh entropy, recorded in the result so the
        run can be repeated.  Generators and RandomState instances are refused.
    n_jobs : int, optional
        Passed to :class:`joblib.Parallel` (``None`` follows
        :func:`joblib.parallel_config`, sequential by default).
    block_size : int, optional
        Replicates per task.  Default: about four tasks per worker, at least one
        task per cell.  It does not change the results.
    inner_threads : int or None, default=1
        BLAS (threadpoolctl) and numba thread count inside each task.  One
        thread is fastest for the small linear algebra of typical replicates
        while the tasks themselves run in parallel.  ``None`` leaves both
        unchanged.
    progress : bool, default=False
        Show a tqdm progress bar over replicates on stderr, labelled with
        ``config["name"]`` when given.
    config : dict, optional
        Metadata stored in the result (e.g. ``name``, model settings).

    Returns
    -------
    SimulationResult
        Raw draws of shape ``(n_cells, n_reps)`` per metric, with means,
        standard errors and Student-t confidence intervals.

    Raises
    ------
    ValueError
        If the grid is empty, ``n_reps < 2``, or replicates return different
        metric names.
    TypeError
        If ``fn`` is not callable, a cell is not a dict, ``random_state`` is a
        Generator or RandomState, or ``fn`` returns something other than a
        float or a dict of floats.

    Examples
    --------
    >>> from interpstat.simulation import simulate
    >>> def replicate(params, rng):
    ...     x = rng.normal(params["mu"], 1.0, size=params["n"])
    ...     return {"mean": x.mean(), "var": x.var(ddof=1)}
    >>> result = simulate(replicate, {"mu": [0.0, 1.0], "n": [10]}, n_reps=100,
    ...                   random_state=0)
    >>> result.metrics
    ('mean', 'var')
    >>> result.grid
    ({'mu': 0.0, 'n': 10}, {'mu': 1.0, 'n': 10})
    >>> result.draws["mean"].shape
    (2, 100)
    >>> list(result.to_frame().columns[:4])
    ['mu', 'n', 'mean_mean', 'mean_se']
    >>> again = simulate(replicate, result.grid, 100, random_state=result.entropy)
    >>> bool((again.draws["var"] == result.draws["var"]).all())
    True
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}.")
    cells = _normalize_grid(grid)
    n_reps = _check_int(n_reps, "n_reps", 2)
    if block_size is not None:
        block_size = min(_check_int(block_size, "block_size", 1), n_reps)
    if inner_threads is not None:
        inner_threads = _check_int(inner_threads, "inner_threads", 1)
    if config is None:
        config = {}
    elif not isinstance(config, Mapping):
        raise TypeError(f"config must be a dict, got {type(config).__name__}.")
    root = _root_seed(random_state)

    n_cells = len(cells)
    if block_size is None:
        block_size = _default_block_size(n_cells, n_reps, n_jobs)
    cell_seqs = root.spawn(n_cells)
    tasks = (
        joblib.delayed(_run_block)(
            fn,
            params,
            cell,
            cell_seqs[cell],
            start,
            min(start + block_size, n_reps),
            inner_threads,
        )
        for cell, params in enumerate(cells)
        for start in range(0, n_reps, block_size)
    )

    names = draws = outputs = None
    bar = tqdm(total=n_cells * n_reps, desc=config.get("name"), unit="rep", disable=not progress)
    # The parent holds the BLAS limit too: threadpoolctl limits are process-wide,
    # so with the threading backend interleaved task exits could otherwise leave
    # the limit of a task behind.
    limits = threadpool_limits(limits=inner_threads) if inner_threads is not None else None
    try:
        outputs = _parallel(n_jobs)(tasks)
        for cell, start, block_names, values in outputs:
            if draws is None:
                names = block_names
                draws = {m: np.empty((n_cells, n_reps)) for m in names or ("value",)}
            elif not _same_metrics(block_names, names):
                raise _keys_error(cell, cells[cell], start, block_names, names)
            stop = start + values.shape[1]
            for name, row in zip(block_names or ("value",), values, strict=True):
                draws[name][cell, start:stop] = row
            bar.update(stop - start)
    finally:
        if hasattr(outputs, "close"):
            outputs.close()
        if limits is not None:
            limits.restore_original_limits()
        bar.close()
    for array in draws.values():
        array.setflags(write=False)

    return SimulationResult(
        grid=cells,
        n_reps=n_reps,
        entropy=root.entropy,
        draws=draws,
        config=config,
        spawn_key=root.spawn_key,
    )
