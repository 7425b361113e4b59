"""Minimum-norm least squares: ``MinNormRegressor`` and the double-descent ``minnorm_path``."""

import functools
import warnings
from numbers import Real
from typing import ClassVar

import numpy as np
import scipy.linalg
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.utils import check_X_y
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from interpstat import _psd_solve as _psd
from interpstat._path import ArrayColumns, PathResult, run_path
from interpstat._spectral import (
    centre,
    centred_lstsq,
    default_rcond,
    deflate,
    float64_digits,
    loo_gcv_qr,
    loo_gcv_svd,
    numerical_rank,
    one_blas_thread,
)
from interpstat.exceptions import AccuracyWarning

__all__ = ["MinNormRegressor", "PathResult", "minnorm_path"]

#: Cholesky of the Gram matrix is accepted only above this reciprocal
#: condition estimate: iterative refinement through ``X`` then contracts by
#: about cond(G) * eps <= 1e-5 per step, and cond(X) <= 3e5 is far below
#: 1/sqrt(eps), where the corrected semi-normal equations are as accurate as
#: QR (Björck, Numerical Methods for Least Squares Problems, 1996, sec. 2.9).
_MIN_RCOND_GRAM = 1e-11
#: The LOO diagonals from the inverse factor carry a relative error of about
#: cond(G) eps, the SVD route's about cond(X) eps = sqrt(cond(G)) eps; within
#: the 100x the package allows, cond(G) <= 1e4.  Below, the SVD route.
_LOO_MIN_RCOND = 1e-4


# ---------------------------------------------------------------------------
# Solvers on float64 data: X (n, p) centred and row-weighted, Y (n, k)
#   -> coef (p, k), rank (int), solver used
# ---------------------------------------------------------------------------


def _is_dual(n, p, null_vec):
    """Factor ``X X^T`` when the (centred) rows span fewer dimensions than the columns."""
    return p > n - (null_vec is not None)


def _design_rank(X, rcond, null_vec):
    """Numerical rank of the centred design from its singular values (no vectors)."""
    A = X if null_vec is None else deflate(null_vec, X)
    if A.size == 0:
        return 0
    with one_blas_thread():
        s = scipy.linalg.svdvals(A, check_finite=False)
    return numerical_rank(s, rcond)


def _ridge_rank(G, X, rcond, null_vec, dual):
    """Rank of the design behind a ridge Cholesky fit: full unless ``G`` shows otherwise.

    ``G`` (lower triangle of the Gram matrix, before the ridge) is factored
    once more: if it is definite with a condition estimate far inside the
    cut-off (``rcond_G >= 1e3 rcond^2``, a margin for the estimate), the rank
    is full; otherwise the singular values decide.
    """
    n, p = X.shape
    full = min(n - (null_vec is not None), p)
    try:
        _psd.factor(G, 0.0, min_rcond=1e3 * rcond**2, null_vec=null_vec if dual else None)
        return full
    except _psd.IllConditioned:
        return _design_rank(X, rcond, null_vec)


#: Warn (rcond=None, ridge=0) when the kept spectrum leaves fewer correct digits.
_MIN_DIGITS = 4.0


def _accuracy_message(digits, where=""):
    return (
        f"The design is numerically rank-deficient{where}: the singular values kept at the "
        f"default cut-off span so much that float64 leaves about {max(digits, 0):.1f} correct "
        "digits in the weakest directions. Pass a larger rcond (e.g. rcond=1e-10) to cut "
        "the directions the data cannot determine, or use ridge > 0."
    )


def _spectral(X, Y, ridge, rcond, null_vec, warn):
    """The SVD route; warns (``AccuracyWarning``) when ``warn`` and too few digits remain."""
    coef, rank, s = centred_lstsq(X, Y, ridge, rcond, null_vec)
    if warn and ridge == 0:
        digits = float64_digits(s, rank)
        if digits < _MIN_DIGITS:
            warnings.warn(_accuracy_message(digits), AccuracyWarning, stacklevel=5)
    return coef, rank


def _solve_cholesky(X, Y, ridge, rcond, null_vec, warn=False, *, solver="auto"):
    n, p = X.shape
    dual = _is_dual(n, p, null_vec)
    G = _psd.gram(X, dual)
    G0 = G.copy(order="F") if ridge else None
    b, residual_op, output_op = _psd.lstsq_operators(X, Y, ridge, dual)
    coef, rank, used = _psd.solve_gram(
        G, b, ridge=ridge, rcond=rcond, min_rcond=_MIN_RCOND_GRAM,
        residual_op=residual_op, output_op=output_op,
        spectral_op=lambda: _spectral(X, Y, ridge, rcond, null_vec, warn),
        solver=solver, null_vec=null_vec if dual else None,
    )
    if rank is None:  # the Cholesky route: full rank at ridge 0 (else refused)
        rank = _ridge_rank(G0, X, rcond, null_vec, dual) if ridge else min(
            n - (null_vec is not None), p)
    return coef, rank, used


def _solve_qr(X, Y, ridge, rcond, null_vec, warn=False):
    """Complete orthogonal decomposition (``gelsy``); the SVD where ``X`` is rank-deficient.

    A truncated QR solution is not the truncated-SVD (minimum-norm) one: the
    two differ by about ``s_{r+1} / s_r``, and with a ridge the rounding-level
    directions of a rank-deficient ``X`` get amplified.  So a design that
    ``gelsy`` (ridge 0) or its singular values (ridge > 0) show to be
    rank-deficient at ``rcond`` goes to the SVD route, which applies the cut
    exactly.
    """
    Xq, Yq = (X, Y) if null_vec is None else (deflate(null_vec, X), deflate(null_vec, Y))
    n, p = Xq.shape
    full = min(n, p)
    if ridge == 0:
        coef, _, rank, _ = scipy.linalg.lstsq(
            Xq, Yq, cond=rcond, lapack_driver="gelsy", check_finite=False
        )
        if rank == full:
            return coef, int(rank), "qr"
        return _solve_svd(X, Y, ridge, rcond, null_vec, warn)
    rank = _design_rank(Xq, rcond, None)
    if rank < full:
        return _solve_svd(X, Y, ridge, rcond, null_vec, warn)
    # Two equivalent augmented problems; the QR solution's error grows with
    # the ratio of residual to ||A|| ||x||: about sqrt(ridge) / ||X|| for the
    # primal form and ||X|| / sqrt(ridge) for the dual one.  Take the form
    # whose ratio is at most one: primal for ridge <= ||X||_F^2.
    sq = np.sqrt(ridge)
    k = Yq.shape[1]
    if ridge <= np.sum(Xq * Xq):  # min ||[X; sqrt(ridge) I] b - [Y; 0]||
        A = np.vstack([Xq, sq * np.eye(p)])
        B = np.vstack([Yq, np.zeros((p, k))])
        coef = scipy.linalg.lstsq(A, B, lapack_driver="gelsy", check_finite=False)[0]
    else:  # a minimises ||[X^T; sqrt(ridge) I] a - [0; Y/sqrt(ridge)]||, coef = X^T a
        A = np.vstack([Xq.T, sq * np.eye(n)])
        B = np.vstack([np.zeros((p, k)), Yq / sq])
        coef = Xq.T @ scipy.linalg.lstsq(A, B, lapack_driver="gelsy", check_finite=False)[0]
    return coef, rank, "qr"


def _solve_svd(X, Y, ridge, rcond, null_vec, warn=False):
    coef, rank = _spectral(X, Y, ridge, rcond, null_vec, warn)
    return coef, rank, "svd"


#: solver name -> function (X, Y, ridge, rcond, null_vec, warn) -> (coef, rank, solver used)
_SOLVERS = {
    "auto": _solve_cholesky,
    "cholesky": functools.partial(_solve_cholesky, solver="cholesky"),
    "qr": _solve_qr,
    "svd": _solve_svd,
}


def _loo_gcv_cholesky(X, Y, ridge, fit_intercept, rcond):
    """Exact LOO residuals ``(n, k)`` and GCV ``(k,)`` from one Cholesky factor.

    Raises ``IllConditioned`` where the SVD route must take over.
    """
    n, p = X.shape
    if fit_intercept:
        Xc, Yc, _, _, u = centre(X, Y)
    else:
        Xc, Yc, u = X, Y, None
    dual = _is_dual(n, p, u)
    F = _psd.factor(_psd.gram(Xc, dual), ridge, min_rcond=_LOO_MIN_RCOND,
                    null_vec=u if dual else None)
    if _psd.near_cut(F.rcond, ridge, rcond):
        raise _psd.IllConditioned("near the rcond cut-off")
    if dual:
        return _psd.loo_gcv_dual(F, Yc, ridge, u)
    residual_op = _psd.lstsq_residual(Xc, Yc, ridge, dual=False)
    coef = _psd.refine(F, _psd.dot(Xc, Yc, trans_a=True), residual_op)
    resid = Yc - _psd.dot(Xc, coef)
    return _psd.loo_gcv_primal(F, Xc, Yc, ridge, fit_intercept, resid)


def _loo_gcv(X, Y, ridge, fit_intercept, rcond):
    """Exact LOO residuals ``(n, k)`` and GCV ``(k,)``.

    The Cholesky fast path; else, for ridgeless fits of full column rank,
    the row-wise stable QR route (accurate next to points of leverage near
    one); else the SVD, which applies the cut-off exactly.
    """
    try:
        return _loo_gcv_cholesky(X, Y, ridge, fit_intercept, rcond)
    except _psd.IllConditioned:
        pass
    if ridge == 0:
        out = loo_gcv_qr(X, Y, fit_intercept=fit_intercept, rcond=rcond)
        if out is not None:
            return out
    loo, gcv = loo_gcv_svd(X, Y, [ridge], fit_intercept=fit_intercept, rcond=rcond)
    return loo[0], gcv[0]


# ---------------------------------------------------------------------------
# Estimator
# ---------------------------------------------------------------------------


class MinNormRegressor(RegressorMixin, BaseEstimator):
    """Minimum-norm least squares ("ridgeless" regression), with optional ridge.

    Among all least-squares solutions returns the one of smallest Euclidean
    norm: when ``n_features >= n_samples`` and the design has full row rank it
    interpolates the training data, ``coef_ = X^T (X X^T)^{-1} y``.  It is the
    ``ridge -> 0`` limit of ridge regression and the limit of gradient descent
    started from zero.  With ``ridge > 0`` it is scikit-learn's
    :class:`~sklearn.linear_model.Ridge` with ``alpha=ridge``.

    Parameters
    ----------
    ridge : float, default=0.0
        Penalty ``ridge * ||coef||^2`` added to the *sum* of squared residuals
        (scikit-learn's ``alpha`` scale; the per-sample penalty of the theory
        functions is ``lam = ridge / n_samples``).  ``0`` gives the exact
        minimum-norm solution, never a small jitter.
    fit_intercept : bool, default=True
        Fit an unpenalised intercept by centring ``X`` and ``y`` (weighted
        means with ``sample_weight``), solving the centred problem and setting
        ``intercept_ = y_mean - x_mean @ coef_``, as scikit-learn's linear
        models do.  The norm being minimised is that of ``coef_`` only.
    solver : {"auto", "cholesky", "qr", "svd"}, default="auto"
        - ``"cholesky"``: Cholesky factorisation of the smaller Gram matrix
          (``X^T X`` when ``n_features <= n_samples``, else ``X X^T``), the
          fast path, followed by iterative refinement through ``X`` (corrected
          semi-normal equations) so that the answer is accurate to about
          ``cond(X) * eps`` rather than ``cond(X)^2 * eps``.  If the Gram matrix
          is too ill-conditioned for that (condition estimate above 1e11) or
          singular it warns and falls back to ``"svd"``.
        - ``"qr"``: complete orthogonal decomposition (LAPACK ``gelsy``); with
          ``ridge > 0`` the equivalent augmented least-squares problem (in
          its primal or dual form, whichever is accurate for the ridge).  A
          design that is rank-deficient at ``rcond`` is handed to ``"svd"``
          (``solver_`` says so): a truncated QR solution is not the
          minimum-norm one.
        - ``"svd"``: LAPACK ``gelsd`` (divide-and-conquer SVD), the most
          robust; with ``ridge > 0`` the SVD filter ``s / (s^2 + ridge)`` on
          the singular values above the cut-off ``rcond``.
        - ``"auto"``: ``"cholesky"``, falling back silently to ``"svd"`` when
          the condition estimate, the rank cut-off or a non-converging
          refinement shows Cholesky would be inaccurate.

        With an intercept, ``"qr"`` and ``"svd"`` work on the centred design
        reflected onto the complement of the constant vector (a Householder
        reflection), so rounding in the column means of columns far from
        zero cannot add a spurious direction.
    rcond : float, default=None
        Relative cut-off in ``[0, 1)``: singular values below
        ``rcond * s_max`` count as zero (scale-invariant), for every
        ``ridge``.  ``None`` means ``eps * max(n_samples, n_features)``
        (numpy's ``lstsq`` choice).  Applied exactly by ``"svd"``; ``"qr"``
        and ``"auto"`` hand rank-deficient problems and problems near the
        cut-off to ``"svd"``.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Coefficients, in the dtype of ``X`` (float32 input is solved in
        float64 and the result cast back).  Shape ``(n_features,)`` for a
        single target, ``y`` of shape ``(n_samples,)`` or ``(n_samples, 1)``,
        as scikit-learn 1.9's :class:`~sklearn.linear_model.Ridge`.
    intercept_ : float or ndarray of shape (n_targets,)
        Intercept, following ``Ridge``: a numpy scalar of ``X``'s dtype for
        1-D ``y``, an array of shape ``(n_targets,)`` for 2-D ``y``, and the
        Python float ``0.0`` when ``fit_intercept=False``.
    rank_ : int
        Numerical rank of the (centred, weighted) design at ``rcond``
        (at most ``n_samples - 1`` with an intercept).
    solver_ : str
        The solver actually used (``"cholesky"``, ``"qr"`` or ``"svd"``).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    minnorm_path : Fits on nested feature prefixes in one pass (double descent).
    sklearn.linear_model.Ridge : Equal to this estimator for ``ridge > 0``.
    sklearn.linear_model.LinearRegression : Equal for ``ridge = 0`` (via gelsd).

    Notes
    -----
    For ``p > n`` the minimum-norm solution is the limit of ridge regression
    and of gradient descent from zero; Hastie, Montanari, Rosset and
    Tibshirani (2022, Ann. Statist. 50(2)) give its risk, implemented in
    :func:`interpstat.theory.minnorm_risk`.

    Examples
    --------
    >>> import numpy as np
    >>> from interpstat import MinNormRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((20, 50))
    >>> y = X @ rng.standard_normal(50)
    >>> reg = MinNormRegressor(fit_intercept=False).fit(X, y)
    >>> bool(np.allclose(reg.predict(X), y))  # interpolates
    True
    >>> reg.solver_, reg.rank_
    ('cholesky', 20)
    >>> coef = np.linalg.lstsq(X, y, rcond=None)[0]
    >>> bool(np.allclose(reg.coef_, coef))  # the minimum-norm solution
    True
    """

    _parameter_constraints: ClassVar[dict] = {
        "ridge": [Interval(Real, 0, None, closed="left")],
        "fit_intercept": ["boolean"],
        "solver": [StrOptions({"auto", "cholesky", "qr", "svd"})],
        "rcond": [Interval(Real, 0, 1, closed="left"), None],
    }

    def __init__(self, *, ridge=0.0, fit_intercept=True, solver="auto", rcond=None):
        self.ridge = ridge
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.rcond = rcond

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.input_tags.sparse = False
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the minimum-norm (or ridge) least-squares solution.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights: the weighted problem minimises
            ``sum_i w_i (y_i - x_i^T coef)^2 (+ ridge ||coef||^2)``; rows with
            zero weight are dropped.

        Returns
        -------
        self : MinNormRegressor
            The fitted estimator.
        """
        X, y = validate_data(
            self,
            X,
            y,
            dtype=[np.float64, np.float32],
            multi_output=True,
            y_numeric=True,
            ensure_min_samples=2 if self.fit_intercept else 1,
        )
        dtype = X.dtype
        Y = np.asarray(y, dtype=np.float64)
        Y2 = Y.reshape(Y.shape[0], -1)
        Xd = np.asarray(X, dtype=np.float64)
        sw = None
        if sample_weight is not None:
            sw = _check_sample_weight(sample_weight, X, dtype=np.float64, ensure_non_negative=True)
            keep = sw > 0
            if not np.any(keep):
                raise ValueError("sample_weight has no positive entry; nothing to fit.")
            Xd, Y2, sw = Xd[keep], Y2[keep], sw[keep]
        null_vec = None
        if self.fit_intercept:
            Xd, Y2, x_mean, y_mean, null_vec = centre(Xd, Y2, sw)
        if sw is not None:
            sq = np.sqrt(sw)[:, None]
            Xd = Xd * sq
            Y2 = Y2 * sq
        n, p = Xd.shape
        rcond = default_rcond(n, p) if self.rcond is None else float(self.rcond)
        coef, rank, solver = _SOLVERS[self.solver](
            Xd, Y2, float(self.ridge), rcond, null_vec, self.rcond is None
        )
        self.solver_ = solver
        self.rank_ = int(rank)
        # scikit-learn 1.9 Ridge's shapes: a single target (y of shape (n,) or
        # (n, 1)) gives coef_ of shape (n_features,); intercept_ is a scalar
        # of X's dtype for 1-D y, shape (1,) for y of shape (n, 1), 0.0
        # without an intercept.
        single = Y.ndim == 1 or Y.shape[1] == 1
        self.coef_ = (coef[:, 0] if single else np.ascontiguousarray(coef.T)).astype(
            dtype, copy=False
        )
        if self.fit_intercept:
            intercept = (y_mean - x_mean @ coef).astype(dtype, copy=False)
            self.intercept_ = intercept[0] if Y.ndim == 1 else intercept
        else:
            self.intercept_ = 0.0
        return self

    def predict(self, X):
        """Predict with the fitted linear model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_targets)
            ``X @ coef_.T + intercept_``.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        return X @ self.coef_.T + self.intercept_

    def _loo_gcv(self, X, y):
        self._validate_params()
        X, y = check_X_y(
            X,
            y,
            dtype=[np.float64, np.float32],
            multi_output=True,
            y_numeric=True,
            ensure_min_samples=3 if self.fit_intercept else 2,
        )
        dtype = X.dtype
        Y = np.asarray(y, dtype=np.float64).reshape(y.shape[0], -1)
        X = np.asarray(X, dtype=np.float64)
        n, p = X.shape
        rcond = default_rcond(n, p) if self.rcond is None else float(self.rcond)
        loo, gcv = _loo_gcv(X, Y, float(self.ridge), self.fit_intercept, rcond)
        loo, gcv = loo.astype(dtype, copy=False), gcv.astype(dtype, copy=False)
        if y.ndim == 1:
            return loo[:, 0], gcv[0]
        return loo, gcv

    def loo_residuals(self, X, y):
        """Exact leave-one-out residuals ``y_i - f_{-i}(x_i)`` in closed form.

        Uses this estimator's ``ridge``, ``fit_intercept`` and ``rcond`` on
        ``(X, y)``; the estimator itself is neither required to be fitted nor
        changed.  Unlike :class:`sklearn.linear_model.RidgeCV`, ``ridge=0`` is
        allowed and exact: for ``n_features >= n_samples`` (every point
        interpolated) the residual is ``[K^+ y]_i / [K^+]_ii`` with
        ``K = X X^T`` (``X`` centred with an intercept), the ``ridge -> 0``
        limit of the ridge formula, and for ``n_features < n_samples`` it is
        ``r_i / (1 - h_ii)``.  Computed from one Cholesky factor of the
        smaller Gram matrix when it is well conditioned, else from one thin
        SVD (which also handles rank deficiency and points of leverage one).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)

        Returns
        -------
        residuals : ndarray of shape (n_samples,) or (n_samples, n_targets)

        Examples
        --------
        >>> import numpy as np
        >>> from interpstat import MinNormRegressor
        >>> rng = np.random.default_rng(0)
        >>> X, y = rng.standard_normal((10, 30)), rng.standard_normal(10)
        >>> reg = MinNormRegressor(fit_intercept=False)
        >>> e = reg.loo_residuals(X, y)
        >>> keep = np.arange(10) != 3
        >>> f = reg.fit(X[keep], y[keep]).predict(X[3:4])[0]
        >>> bool(np.isclose(e[3], y[3] - f))
        True
        """
        return self._loo_gcv(X, y)[0]

    def gcv_score(self, X, y):
        """Generalised cross-validation estimate of the prediction risk (lower is better).

        ``GCV = (1/n) ||(I - H) y||^2 / (tr(I - H) / n)^2`` with ``H`` the hat
        matrix of this estimator's fit on ``(X, y)``; at ``ridge=0`` with every
        point interpolated, the limit
        ``GCV_0 = [(1/n) y^T K^{+2} y] / [(1/n) tr K^+]^2`` (Hastie et al.
        2022).  It estimates the noisy test MSE (noise included).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_targets)

        Returns
        -------
        gcv : float or ndarray of shape (n_targets,)
        """
        return self._loo_gcv(X, y)[1]


# ---------------------------------------------------------------------------
# Path over nested feature prefixes
# ---------------------------------------------------------------------------


def minnorm_path(
    X,
    y,
    n_features,
    *,
    X_test=None,
    y_test=None,
    ridge=0.0,
    fit_intercept=True,
    rcond=None,
    return_coef=False,
):
    """Minimum-norm (or ridge) fits on nested column prefixes ``X[:, :p]``, in one pass.

    The double-descent curve at a few times the cost of one fit: for
    prefixes with ``p <= n`` one Cholesky factor of ``X^T X`` serves every
    prefix (the factor of a leading block is the leading block of the
    factor); for ``p > n`` the Gram matrix ``X_p X_p^T`` is updated with each
    new block of columns and re-factored (``n^3/3`` per point).  Points are
    refined through ``X_p`` like :class:`MinNormRegressor`'s Cholesky path
    and fall back to an SVD solve where the Gram matrix is too
    ill-conditioned, so each point equals a separate
    ``MinNormRegressor(ridge=ridge, fit_intercept=fit_intercept, rcond=rcond).fit(X[:, :p], y)``.

    Without test data or ``return_coef``, a well-conditioned point with
    ``p > n`` is solved in mixed precision (a float32 factor, refined with
    float64 residuals until the float64 accuracy; the refinement's
    contraction certifies the conditioning) and its outputs come from the
    Gram matrix alone.  For ``200 <= n <= 4096`` the points are factored in
    threads (as many as BLAS is allowed, see ``threadpoolctl``) while the
    next Gram update runs; each thread's BLAS is single-threaded meanwhile.
    Under ``threadpool_limits(1)`` everything runs in the calling thread.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_total_features)
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
    n_features : array-like of int
        Prefix sizes, each in ``[1, n_total_features]``; sorted and
        de-duplicated.
    X_test, y_test : array-like, optional
        Test data (both or neither) for ``test_mse``.
    ridge : float, default=0.0
        Ridge penalty on scikit-learn's scale (0 = minimum norm).
    fit_intercept : bool, default=True
        Centre with the training means (per column, so prefixes stay nested),
        as :class:`MinNormRegressor` does by default.
    rcond : float, default=None
        Relative singular-value cut-off in ``[0, 1)``; ``None`` means each
        point's own default ``eps * max(n_samples, p)``, as a separate fit.
    return_coef : bool, default=False
        Keep every coefficient vector in ``PathResult.coefs``.

    Returns
    -------
    PathResult

    Examples
    --------
    >>> import numpy as np
    >>> from interpstat import minnorm_path
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 200))
    >>> y = X[:, :10] @ np.ones(10) + 0.5 * rng.standard_normal(50)
    >>> res = minnorm_path(X, y, [10, 25, 60, 200])
    >>> res.n_features.tolist()
    [10, 25, 60, 200]
    >>> bool(res.train_mse[-1] < 1e-20)  # interpolates once p > n
    True
    """
    X, y = check_X_y(X, y, dtype=np.float64, multi_output=True, y_numeric=True)
    n, P = X.shape
    Y = y.reshape(n, -1)
    if (X_test is None) != (y_test is None):
        raise ValueError("Give both X_test and y_test, or neither.")
    if not (isinstance(ridge, Real) and 0 <= ridge < np.inf):
        raise ValueError(f"ridge must be a finite non-negative real number, got {ridge!r}.")
    if rcond is not None and not (isinstance(rcond, Real) and 0 <= rcond < 1):
        raise ValueError(f"rcond must be None or a real number in [0, 1), got {rcond!r}.")
    if not isinstance(fit_intercept, bool | np.bool_):
        raise ValueError(f"fit_intercept must be a bool, got {fit_intercept!r}.")
    ps = np.asarray(n_features)
    if ps.size == 0 or not (
        np.issubdtype(ps.dtype, np.integer)
        or (np.issubdtype(ps.dtype, np.floating) and np.all(ps == np.round(ps)))
    ):
        raise ValueError("n_features must be a non-empty array of integers.")
    if not (np.all(ps >= 1) and np.all(ps <= P)):
        raise ValueError(f"n_features must lie in [1, {P}] (the columns of X), got {ps.tolist()}.")
    ps = np.unique(ps.astype(np.int64).ravel())
    Y_test = None
    if X_test is not None:
        X_test, y_test = check_X_y(X_test, y_test, dtype=np.float64, multi_output=True)
        if X_test.shape[1] != P:
            raise ValueError(f"X_test has {X_test.shape[1]} features, X has {P}.")
        Y_test = y_test.reshape(y_test.shape[0], -1)
        if Y_test.shape[1] != Y.shape[1]:
            raise ValueError("y_test and y have different numbers of targets.")
    if fit_intercept:
        Xc, Yc, x_mean, y_mean, null_vec = centre(X, Y)
    else:
        Xc, Yc, x_mean, y_mean, null_vec = X, Y, np.zeros(P), np.zeros(Y.shape[1]), None
    result, digits = run_path(
        ArrayColumns(Xc, x_mean, X_test),
        Yc,
        ps,
        y_mean=y_mean,
        ridge=float(ridge),
        rcond=None if rcond is None else float(rcond),
        min_rcond=_MIN_RCOND_GRAM,
        null_vec=null_vec,
        Y_test=Y_test,
        return_coef=return_coef,
        y_1d=y.ndim == 1,
    )
    weak = ps[digits < _MIN_DIGITS]
    if rcond is None and ridge == 0 and weak.size:
        where = f" at n_features = {weak.tolist()}"
        warnings.warn(_accuracy_message(float(np.min(digits)), where), AccuracyWarning,
                      stacklevel=2)
    return result
