"""The one path engine: least-squares fits on nested column prefixes, in one pass.

Fed by the columns of a design, either an array (``minnorm_path``: prefixes
``X[:, :p]``) or an iterator of column blocks stored as they arrive (the
random-features path in ``N``: blocks of ``activation(X W)``).  For prefixes
with ``p <= n`` one Cholesky factor of ``X^T X`` serves every prefix; for
``p > n`` the Gram matrix ``X_p X_p^T`` grows by one block of columns per
point and a copy of it is factored (in threads, beside the next update).
Each point is solved by the shared solver core (:mod:`interpstat._psd_solve`,
spectral fall-back from :mod:`interpstat._spectral`), so it equals a
separate fit.
"""

import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from interpstat import _lapack as _la
from interpstat import _psd_solve as _psd
from interpstat._spectral import centred_lstsq, default_rcond, float64_digits, scaled_norm

__all__ = ["ArrayColumns", "BlockColumns", "PathResult", "run_path"]


@dataclass(frozen=True)
class PathResult:
    """Result of :func:`interpstat.minnorm_path`, one entry per number of features.

    Attributes
    ----------
    n_features : ndarray of shape (m,)
        Prefix sizes ``p``, increasing.
    train_mse : ndarray of shape (m,)
        Mean squared training residual (averaged over targets).
    test_mse : ndarray of shape (m,) or None
        Mean squared test error, when test data were given.
    coef_norm : ndarray of shape (m,)
        Euclidean (Frobenius for several targets) norm of ``coef``.
    solver : tuple of str
        Solver used at each ``p`` (``"cholesky"`` or ``"svd"``).
    coefs : tuple of ndarray or None
        ``coef`` of shape (p,) or (n_targets, p) for each ``p``, when requested.
    intercepts : ndarray of shape (m,) or (m, n_targets)
        Intercepts (zeros without ``fit_intercept``).
    """

    n_features: np.ndarray
    train_mse: np.ndarray
    test_mse: np.ndarray | None
    coef_norm: np.ndarray
    solver: tuple
    coefs: tuple | None
    intercepts: np.ndarray


# ---------------------------------------------------------------------------
# Column sources
# ---------------------------------------------------------------------------


class ArrayColumns:
    """Column prefixes of an in-memory (centred) design, read in place.

    Parameters
    ----------
    X : ndarray of shape (n, P), C or F order
        Centred design (column blocks of C- or F-ordered arrays are read by
        the BLAS bindings without copies).
    x_mean : ndarray of shape (P,)
        Column means removed (zeros without an intercept).
    X_test : ndarray of shape (n_test, P), optional
        Uncentred test design.
    """

    def __init__(self, X, x_mean, X_test=None):
        if not (X.flags.c_contiguous or X.flags.f_contiguous):
            X = np.ascontiguousarray(X)
        self._X, self.x_mean, self._X_test = X, x_mean, X_test
        self.n_samples, self.n_columns = X.shape

    def block(self, a, b):
        """Columns ``a:b`` (all earlier ones are then available to ``prefix``)."""
        return self._X[:, a:b]

    def prefix(self, p):
        """Columns ``:p`` of the centred training design."""
        return self._X[:, :p]

    def test_prefix(self, p):
        """Columns ``:p`` of the test design."""
        return self._X_test[:, :p]


class BlockColumns(ArrayColumns):
    """Columns produced block by block (e.g. random features), stored as they arrive.

    Parameters
    ----------
    blocks : iterator of (ndarray (n, b), ndarray (n_test, b) or None)
        Consecutive column blocks of the training and test designs.
    n_samples, n_columns : int
        Shape of the whole training design.
    n_test : int, default=0
        Rows of the test design (0: none).
    centre : bool, default=False
        Centre each training block with its column means as it arrives.
    """

    def __init__(self, blocks, n_samples, n_columns, n_test=0, centre=False):
        self._blocks = iter(blocks)
        self._X = np.empty((n_samples, n_columns), order="F")
        self._X_test = np.empty((n_test, n_columns), order="F") if n_test else None
        self.x_mean = np.zeros(n_columns)
        self._centre = centre
        self._done = 0
        self.n_samples, self.n_columns = n_samples, n_columns

    def _fill(self, b):
        while self._done < b:
            train, test = next(self._blocks)
            lo, hi = self._done, self._done + train.shape[1]
            if hi > self.n_columns:
                raise ValueError("the column blocks exceed the declared number of columns")
            if self._centre:
                self.x_mean[lo:hi] = train.mean(axis=0)
                train = train - self.x_mean[lo:hi]
            self._X[:, lo:hi] = train
            if self._X_test is not None:
                self._X_test[:, lo:hi] = test
            self._done = hi

    def block(self, a, b):
        self._fill(b)
        return self._X[:, a:b]

    def prefix(self, p):
        self._fill(p)
        return self._X[:, :p]


# ---------------------------------------------------------------------------
# Threads
# ---------------------------------------------------------------------------

#: Point-level threads only up to this sample size: each in-flight point
#: holds two n x n buffers, and from a few thousand rows on LAPACK's own
#: threads already keep the cores busy during a factorisation.
_THREADS_MAX_N = 4096
#: ... and from this size on (below it, thread start-up outweighs the gain).
_THREADS_MIN_N = 200


def path_threads(n, n_dual):
    """Threads for the path: the BLAS thread count, if point-level threads pay off.

    One thread when the GIL-free bindings are not available (they fell back
    to scipy's wrappers, which hold the GIL).
    """
    if not (_THREADS_MIN_N <= n <= _THREADS_MAX_N and n_dual >= 2):
        return 1
    return _la.blas_thread_count() if _la.gil_free() else 1


# ---------------------------------------------------------------------------
# Recording
# ---------------------------------------------------------------------------


class _Recorder:
    """Output arrays of the path; each point writes only its own slot.

    Points are computed in any order (and by several threads): ``record``
    and ``record_outputs`` touch index ``i`` only.
    """

    def __init__(self, m, n_targets, cols, y_mean, Y_test, return_coef, y_1d):
        self.train = np.empty(m)
        self.norms = np.empty(m)
        self.intercepts = np.empty((m, n_targets))
        self.solvers = [""] * m
        self.coefs = [None] * m
        self.digits = np.full(m, np.inf)  # float64 digits left by spectral-route points
        self.cols, self.y_mean, self.Y_test = cols, y_mean, Y_test
        self.test = np.empty(m) if Y_test is not None else None
        self.return_coef, self.y_1d = return_coef, y_1d

    def record(self, i, p, coef, resid, solver):
        intercept = self.y_mean - self.cols.x_mean[:p] @ coef
        self.record_outputs(i, np.mean(resid**2), scaled_norm(coef), intercept, solver)
        if self.test is not None:
            pred = _psd.dot(self.cols.test_prefix(p), coef)
            self.test[i] = np.mean((self.Y_test - pred - intercept) ** 2)
        if self.return_coef:
            self.coefs[i] = coef[:, 0].copy() if self.y_1d else np.ascontiguousarray(coef.T)

    def record_outputs(self, i, train, norm, intercept, solver):
        self.train[i], self.norms[i] = train, norm
        self.intercepts[i] = intercept
        self.solvers[i] = solver

    def result(self, ps):
        return PathResult(
            n_features=ps,
            train_mse=self.train,
            test_mse=self.test,
            coef_norm=self.norms,
            solver=tuple(self.solvers),
            coefs=tuple(self.coefs) if self.return_coef else None,
            intercepts=self.intercepts[:, 0].copy() if self.y_1d else self.intercepts,
        )


# ---------------------------------------------------------------------------
# Points
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Problem:
    """What every point shares: targets, ridge, cut-offs, centring direction."""

    Yc: np.ndarray
    ridge: float
    rcond: float | None
    min_rcond: float
    null_vec: np.ndarray | None

    def cut(self, p):
        """The relative cut-off at ``p`` columns: a separate fit's default when not given."""
        return default_rcond(self.Yc.shape[0], p) if self.rcond is None else self.rcond


def _point_direct(out, i, pb, Xq):
    """The spectral route for one point; records the float64 digits its spectrum leaves."""
    coef, rank, s = centred_lstsq(Xq, pb.Yc, pb.ridge, pb.cut(Xq.shape[1]), pb.null_vec)
    out.digits[i] = float64_digits(s, rank)
    return coef, pb.Yc - _psd.dot(Xq, coef), "svd"


def _primal_points(out, cols, pb, primal):
    """The prefixes with ``p <= n``: one Cholesky factor of ``X^T X`` serves them all.

    The factor of a leading block of ``G`` is the leading block of ``G``'s
    factor, so each prefix is solved with a view of one factor.  Records
    points ``0 .. primal.size - 1``.
    """
    pm = int(primal[-1])
    Xp = cols.prefix(pm)
    G = _psd.gram(Xp, False)
    if pb.ridge:
        G.flat[:: pm + 1] += pb.ridge
    XtY = _psd.dot(Xp, pb.Yc, trans_a=True)
    L = G.copy(order="F")
    info = _la.potrf(L)
    # Largest prefix first: cond(G_p) <= cond(G_q) for p < q (interlacing), so
    # once a prefix is well conditioned its estimate serves every smaller one.
    good_rc = None
    for j in range(primal.size - 1, -1, -1):
        p = int(primal[j])
        Xq = cols.prefix(p)
        try:
            if info != 0 and p >= info:
                raise _psd.IllConditioned("leading minor not positive definite")
            Lp = L[:p, :p]  # a view: the bindings take its leading dimension
            if good_rc is None:
                rc = _psd.rcond_estimate(Lp, _la.lansy_one(G[:p, :p]))[0]
                if rc >= _psd.SKIP_REFINE_RCOND:
                    good_rc = rc
            else:
                rc = good_rc
            if not rc >= pb.min_rcond or _psd.near_cut(rc, pb.ridge, pb.cut(p)):
                raise _psd.IllConditioned("ill-conditioned prefix")
            F = _psd.GramFactor(Lp, rc, 0.0)
            residual_op = _psd.lstsq_residual(Xq, pb.Yc, pb.ridge, dual=False)
            coef = _psd.refine(F, XtY[:p], residual_op)
            resid = pb.Yc - _psd.dot(Xq, coef)
            solver = "cholesky"
        except _psd.IllConditioned:
            coef, resid, solver = _point_direct(out, j, pb, Xq)
        out.record(j, p, coef, resid, solver)


#: A point with p > n takes its smallest-eigenvalue estimate from the point
#: this many places earlier (see ``_dual_points``); in the pipeline that point
#: has almost always finished, and the choice does not depend on the threads.
_LAG = 3


def _dual_point(out, i, p, S, cols, pb, m_acc, want_coef, lam_min, work32):
    """One prefix with ``p > n``, from ``S`` whose lower triangle is ``K = X_p X_p^T``.

    Where nobody asked for ``coef`` (no test data, no ``return_coef``) and
    ``F`` is well conditioned, every output comes from ``K`` and
    ``a = F^{-1} y`` (mixed precision, :func:`_psd_solve.mixed_solve`)
    without touching ``X_p``: train residual ``y - K a``,
    ``||coef||^2 = a^T K a`` and the intercept through ``m = X_p mean_p``
    (``m_acc``, accumulated like ``K``).  Otherwise ``S`` is factored in
    float64 in place and the point solved like ``MinNormRegressor``'s
    Cholesky route (refined through ``X_p``, SVD fall-back).  Returns the
    estimate of the smallest eigenvalue of the factored matrix (0 if
    unknown).
    """
    Xq = cols.prefix(p)
    lam = 0.0
    try:
        if not want_coef:
            mixed = _psd.mixed_solve(S, pb.Yc, pb.ridge, pb.null_vec, work32)
            if mixed is not None and not _psd.near_cut(mixed[2], pb.ridge, pb.cut(p)):
                A, KA, _ = mixed
                intercept = out.y_mean - (m_acc[:, 0] @ A if m_acc is not None else 0.0)
                # ||coef||^2 = a^T K a, scaled so that the squares cannot under/overflow
                sa = float(np.max(np.abs(A))) or 1.0
                norm = sa * np.sqrt(max(float(np.sum((A / sa) * (KA / sa))), 0.0))
                out.record_outputs(i, np.mean((pb.Yc - KA) ** 2), norm, intercept, "cholesky")
                return lam
        F = _psd.factor(S, pb.ridge, min_rcond=pb.min_rcond, null_vec=pb.null_vec,
                        lam_min=lam_min)
        lam = F.lam_min
        if _psd.near_cut(F.rcond, pb.ridge, pb.cut(p)):
            raise _psd.IllConditioned("near the rcond cut-off")
        coef = _psd.refine(F, *_psd.lstsq_operators(Xq, pb.Yc, pb.ridge, dual=True))
        resid = pb.Yc - _psd.dot(Xq, coef)
        solver = "cholesky"
    except _psd.IllConditioned:
        coef, resid, solver = _point_direct(out, i, pb, Xq)
    out.record(i, p, coef, resid, solver)
    return lam


def _dual_points(out, cols, pb, dual, first, want_coef, pool, n_threads):
    """The prefixes with ``p > n``, recorded from index ``first`` on.

    ``K = X_p X_p^T`` grows by one block of columns per point (``syrk``) and
    a copy of its lower triangle is factored.  With a thread ``pool`` this
    thread keeps updating ``K`` while the pool factors the copies of earlier
    points (every call involved lets go of the GIL); a queue of free buffers
    bounds the copies in flight to ``n_threads + 1``.

    Condition estimates: the factored matrices only grow along the path
    (``F_q - F_p = V V^T + (t_q - t_p) u u^T`` is positive semi-definite:
    ``V`` the new columns, ``t`` the trace shift of an intercept), so the
    smallest eigenvalue estimated at a point also bounds every later point's
    from below.  A point whose 1-norm together with the estimate of the
    point ``_LAG`` places earlier already gives ``rcond >= 1e-3`` skips
    ``pocon`` (and then needs no refinement).

    Returns
    -------
    list of Future
        The submitted points (empty without a pool).
    """
    n = cols.n_samples
    K = np.zeros((n, n), order="F")
    m_acc = np.zeros((n, 1)) if pb.null_vec is not None and not want_coef else None
    lam = np.zeros(len(dual))
    ready = [threading.Event() for _ in dual]

    local = threading.local()  # one float32 work matrix per thread

    def point(k, p, S, acc):
        try:
            a = k - _LAG
            known = 0.0
            if a >= 0:
                ready[a].wait()
                known = lam[a]
            if want_coef:
                work32 = None
            elif getattr(local, "work32", None) is None:
                work32 = local.work32 = np.empty((n, n), dtype=np.float32, order="F")
            else:
                work32 = local.work32
            own = _dual_point(out, first + k, p, S, cols, pb, acc, want_coef,
                              known if known > 0 else None, work32)
            lam[k] = max(own, known)
        finally:
            ready[k].set()

    if pool is not None:
        free = queue.SimpleQueue()
        for _ in range(n_threads + 1):
            free.put(np.empty((n, n), order="F"))

        def task(k, p, S, acc):
            try:
                point(k, p, S, acc)
            finally:
                free.put(S)

    else:
        S = np.empty((n, n), order="F")
    futures = []
    done = 0
    for k, p in enumerate(dual):
        p = int(p)
        new = cols.block(done, p)
        _la.syrk(new, K, beta=1.0)  # lower triangle
        if m_acc is not None:
            _la.gemm(new, cols.x_mean[done:p, None], m_acc, beta=1.0)
        done = p
        if pool is None:
            point(k, p, _la.lacpy_lower(K, S), m_acc)
        else:
            acc = None if m_acc is None else m_acc.copy()
            futures.append(pool.submit(task, k, p, _la.lacpy_lower(K, free.get()), acc))
    return futures


def run_path(cols, Yc, ps, *, y_mean, ridge, rcond, min_rcond, null_vec, Y_test=None,
             return_coef=False, y_1d=False):
    """Fit every prefix ``p`` in ``ps`` of the columns ``cols``; return a :class:`PathResult`.

    Parameters
    ----------
    cols : ArrayColumns or BlockColumns
        The centred training columns (and test columns when ``Y_test``).
    Yc : ndarray of shape (n, k)
        Centred targets.
    ps : ndarray of int, increasing, unique
    y_mean : ndarray of shape (k,)
    ridge, min_rcond : float
        Ridge and the minimum Gram reciprocal condition the refinement
        through the columns can recover.
    rcond : float or None
        Relative singular-value cut-off; ``None``: each point's own default
        ``eps * max(n, p)``, as a separate fit.
    null_vec : ndarray of shape (n,) or None
        Centring direction with an intercept.
    Y_test : ndarray of shape (n_test, k), optional
    return_coef, y_1d : bool

    Returns
    -------
    PathResult
    digits : ndarray of shape (m,)
        Correct float64 digits the kept spectrum leaves at each point that
        took the spectral route (``inf`` elsewhere), for an accuracy warning.
    """
    n = cols.n_samples
    out = _Recorder(ps.size, Yc.shape[1], cols, y_mean, Y_test, return_coef, y_1d)
    pb = _Problem(Yc, ridge, rcond, min_rcond, null_vec)
    # with an intercept the centred rows span n - 1 dimensions: p >= n is dual
    primal_max = n - 1 if null_vec is not None else n
    primal, dual = ps[ps <= primal_max], ps[ps > primal_max]
    want_coef = return_coef or Y_test is not None
    n_threads = path_threads(n, dual.size)
    if n_threads == 1:
        if primal.size:
            _primal_points(out, cols, pb, primal)
        _dual_points(out, cols, pb, dual, primal.size, want_coef, None, 0)
    else:
        # Point-level threads, each calling single-threaded BLAS: at n ~ 1000
        # a Cholesky factorisation uses two cores poorly (6.8 ms on two
        # threads, 9.0 ms on one), while two factorisations side by side, or a
        # factorisation beside the next Gram update, use both fully.
        if primal.size:  # the primal block reads columns the dual loop would fill
            cols.prefix(int(primal[-1]))
        with _la.blas_single_threaded(), ThreadPoolExecutor(n_threads) as pool:
            futures = []
            if primal.size:
                futures.append(pool.submit(_primal_points, out, cols, pb, primal))
            futures += _dual_points(out, cols, pb, dual, primal.size, want_coef, pool,
                                    n_threads)
            for future in futures:
                future.result()  # re-raises a point's exception
    return out.result(ps), out.digits
