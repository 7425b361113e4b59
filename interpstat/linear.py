"""Minimum-norm least squares: ``MinNormRegressor`` and the double-descent ``minnorm_path``."""

import queue
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from numbers import Real
from typing import ClassVar

import numpy as np
import scipy.linalg
from scipy.linalg import blas, lapack
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.utils import check_X_y
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from interpstat import _lapack as _la
from interpstat._kernels.linalg import lower_to_float32, weighted_row_sq_norms
from interpstat._loo import loo_gcv_svd

__all__ = ["MinNormRegressor", "PathResult", "minnorm_path"]

_EPS = np.finfo(np.float64).eps
#: Cholesky of the Gram matrix is accepted only above this reciprocal condition
#: estimate: iterative refinement then contracts by about cond(G) * eps <= 1e-5
#: per step, and cond(X) <= 3e5 is far below 1/sqrt(eps), where the corrected
#: semi-normal equations are as accurate as QR (Bjorck, Numerical Methods for
#: Least Squares Problems, 1996, sec. 2.9).
_MIN_RCOND_GRAM = 1e-11
#: Above this reciprocal condition estimate the plain Cholesky solution is
#: already within a small factor of the SVD's accuracy: its error is about
#: cond(G) eps, the SVD's about sqrt(cond(G)) eps, so at cond(G) <= 1e3 the
#: ratio is about 30 at most.  Refinement (two passes over X per step, about
#: 10% of a large fit) is skipped there.
_SKIP_REFINE_RCOND = 1e-3
_MAX_REFINE = 6


class _IllConditionedError(Exception):
    """The Cholesky route cannot deliver an accurate answer; use the SVD."""


# ---------------------------------------------------------------------------
# BLAS and LAPACK through scipy's library only, called without the GIL
# (interpstat._lapack).  numpy and scipy each ship their own OpenBLAS with
# its own thread pool; alternating calls between the two makes the idle
# pool's spinning threads fight the working one for the cores (measured here:
# a numpy product followed by a 1000 x 1000 scipy Cholesky took 39 ms, the
# same two steps in scipy alone 19 ms).  The Cholesky route therefore does
# its products with the BLAS of its LAPACK calls.  The bindings read column
# blocks of C- or F-ordered arrays in place (no copies) and release the GIL,
# so minnorm_path can factor one point while the next Gram update runs.
# ---------------------------------------------------------------------------


def _dot(A, B, trans_a=False):
    """``A @ B`` (``A.T @ B`` if ``trans_a``) with dgemm, without copying ``A``.

    Parameters
    ----------
    A : ndarray of shape (m, r) (or (r, m) with ``trans_a``)
        C, F, or a row/column block of either.
    B : ndarray of shape (r, k)

    Returns
    -------
    ndarray of shape (m, k), Fortran order
    """
    return _la.gemm(A, B, trans_a=trans_a)


def _gram(X, dual):
    """Lower triangle of ``X X^T`` (``dual``) or ``X^T X`` with dsyrk (Fortran order).

    Parameters
    ----------
    X : ndarray of shape (n, p)
        C, F, or a row/column block of either.
    dual : bool

    Returns
    -------
    ndarray, (n, n) if ``dual`` else (p, p); zeros above the diagonal
    """
    return _la.syrk(X, trans=not dual)


def _sym_one_norm(G):
    """1-norm of the symmetric matrix whose lower triangle is ``G``'s (LAPACK ``lansy``).

    It bounds the largest eigenvalue, so a condition estimate built on it
    errs on the safe side.
    """
    return _la.lansy_one(G)


# ---------------------------------------------------------------------------
# Solvers on float64 data: X (n, p), Y (n, k) -> coef (p, k), rank (int or None)
# ---------------------------------------------------------------------------


def _default_rcond(n, p):
    return _EPS * max(n, p)


def _near_cut(rcond_gram, ridge, rcond):
    """Whether a ridgeless fit has singular values near the user's cut-off ``rcond``.

    ``sqrt(rcond_gram)`` estimates ``s_min / s_max`` of the design; within a
    factor 10 of ``rcond`` the SVD must apply the cut-off exactly.
    """
    return ridge == 0 and np.sqrt(rcond_gram) < 10.0 * rcond


def _lambda_max(L, cap, steps=8):
    """Over-estimate of the largest eigenvalue of ``G = L L^T`` from its Cholesky factor.

    Eight Lanczos steps (products ``L (L^T v)``, two ``trmv``) from a fixed
    start give the top Ritz value, a lower bound that was within 6% of the
    eigenvalue on Gram matrices of Gaussian designs from p = n/3 to 10 n (the
    square-root edge of their spectra is the slow case); it is inflated by 25%
    and capped by ``cap``, a proven bound (the 1-norm).  Vector arithmetic
    avoids numpy's BLAS (see the note above ``_dot``).

    Parameters
    ----------
    L : ndarray of shape (m, m), Fortran order
        Lower Cholesky factor (upper triangle ignored).
    cap : float
        Upper bound on the eigenvalue.

    Returns
    -------
    float
    """
    m = L.shape[0]
    if m <= 2 * steps:
        return cap
    v = np.random.default_rng(20261202).standard_normal(m)
    v /= np.sqrt(np.sum(v * v))
    v_old = np.zeros(m)
    alphas, betas = [], []
    beta = 0.0
    for j in range(steps):
        w = _la.trmv(L, _la.trmv(L, v.copy(), trans=True))
        alpha = float(np.sum(v * w))
        w -= alpha * v + beta * v_old
        alphas.append(alpha)
        beta = float(np.sqrt(np.sum(w * w)))
        if j == steps - 1 or beta <= 1e-12 * abs(alpha):
            break
        betas.append(beta)
        v_old, v = v, w / beta
    ritz = scipy.linalg.eigvalsh_tridiagonal(
        np.array(alphas), np.array(betas[: len(alphas) - 1]), select="i",
        select_range=(len(alphas) - 1, len(alphas) - 1),
    )[0]
    return min(1.25 * ritz, cap)


def _rcond(L, anorm, lam_max=None):
    """Reciprocal 2-norm condition estimate of ``G = L L^T`` with ``||G||_1 <= anorm``.

    ``cond_2(G) <= lambda_max ||G^-1||_2 <= lambda_max ||G^-1||_1``: LAPACK
    ``pocon`` estimates ``||G^-1||_1``, and the 1-norm ``anorm`` bounds
    ``lambda_max``.  The 1-norm over-states the largest eigenvalue of Gram
    matrices 5-15 times, so when that crude estimate is not already good
    enough to skip refinement, ``lambda_max`` is sharpened by Lanczos (or
    taken from ``lam_max``, a known bound).

    Returns
    -------
    rcond : float
    lam_min : float
        ``1 / est(||G^-1||_1)``, the estimate of the smallest eigenvalue the
        condition estimate rests on (0 if the factor is singular).
    """
    rc1 = _la.pocon(L, 1.0)  # = 1 / ||G^-1||_1 estimate
    if not rc1 > 0:
        return 0.0, 0.0
    rcond = rc1 / anorm
    if rcond < _SKIP_REFINE_RCOND:
        lam = _lambda_max(L, anorm) if lam_max is None else min(lam_max, anorm)
        rcond = rc1 / lam
    return rcond, rc1


def _factor(G, ridge, null_vec=None, lam_min=None):
    """Cholesky-factor ``G + ridge I (+ t u u^T)`` in place; return ``(L, rcond, lam_min)``.

    Parameters
    ----------
    G : ndarray of shape (m, m), Fortran order
        Symmetric Gram matrix; only its lower triangle is read (overwritten).
    ridge : float
        Added to the diagonal.
    null_vec : ndarray of shape (m,), optional
        A unit vector ``u`` known to span a null direction of ``G`` that the
        right-hand sides are orthogonal to: the centring direction of a dual
        Gram matrix ``Xc Xc^T`` with an intercept.  ``t u u^T`` with ``t`` the
        mean eigenvalue is added, which makes ``G`` definite without changing
        the solution for right-hand sides orthogonal to ``u``.
    lam_min : float, optional
        An estimate of a lower bound on the smallest eigenvalue of the matrix
        factored (from a matrix it dominates, see ``minnorm_path``).  When it
        alone shows ``rcond >= _SKIP_REFINE_RCOND``, ``pocon`` is skipped.

    Returns
    -------
    L : ndarray of shape (m, m)
        Lower Cholesky factor (upper triangle is garbage).
    rcond : float
        Estimate of the reciprocal 2-norm condition number (see ``_rcond``).
    lam_min : float
        Estimate of the smallest eigenvalue behind ``rcond``.
    """
    m = G.shape[0]
    if null_vec is not None:  # lower triangle += t u u^T
        _la.syr(np.trace(G) / m, null_vec, G)
    if ridge:
        G.flat[:: m + 1] += ridge
    anorm = _sym_one_norm(G)
    if not np.isfinite(anorm) or anorm == 0.0:
        raise _IllConditionedError("the Gram matrix is zero or not finite")
    L = G
    if _la.potrf(L) != 0:
        raise _IllConditionedError("the Gram matrix is not numerically positive definite")
    if lam_min is not None and lam_min >= _SKIP_REFINE_RCOND * anorm:
        return L, lam_min / anorm, lam_min
    rcond, lam_min = _rcond(L, anorm)
    if not rcond >= _MIN_RCOND_GRAM:
        raise _IllConditionedError(f"Gram condition number estimate {1 / max(rcond, 1e-300):.2e}")
    return L, rcond, lam_min


def _solve_factored(X, Y, ridge, L, rcond_gram, dual, XtY=None, need_resid=False):
    """Solve the (ridge) least-squares problem from a Cholesky factor, with refinement.

    ``dual=True`` factors ``X X^T + ridge I`` (``p > n``): ``coef = X^T a``.
    ``dual=False`` factors ``X^T X + ridge I``.  Each refinement step
    recomputes the residual through ``X`` (not through the Gram matrix), the
    corrected semi-normal equations, so the answer reaches the accuracy of a
    backward-stable QR/SVD solve instead of the ``cond(X)^2 eps`` of plain
    normal equations.  Raises ``_IllConditionedError`` when refinement does not
    converge.

    Parameters
    ----------
    X : ndarray of shape (n, p)
    Y : ndarray of shape (n, k)
    ridge : float
    L : ndarray of shape (m, m)
        Cholesky factor of the Gram matrix plus ridge, ``m = n`` if ``dual``
        else ``p``.
    rcond_gram : float
        Its reciprocal condition estimate.
    dual : bool
    XtY : ndarray of shape (p, k), optional
        Precomputed ``X^T Y`` (primal only).
    need_resid : bool, default=False
        Also return the residual.

    Returns
    -------
    coef : ndarray of shape (p, k)
    resid : ndarray of shape (n, k) or None
        ``Y - X coef`` at the returned ``coef``, when ``need_resid``.
    """

    def solve(B):
        return _la.potrs(L, np.array(B, order="F"))

    if dual:
        A = solve(Y)
        coef = _dot(X, A, trans_a=True)
    else:
        coef = solve(_dot(X, Y, trans_a=True) if XtY is None else XtY)
    # stop once corrections fall below the attainable accuracy ~ cond(X) eps
    stop = _EPS * max(16.0, np.sqrt(1.0 / rcond_gram))
    prev = np.inf
    dn, cn = 0.0, 1.0
    for _ in range(0 if rcond_gram >= _SKIP_REFINE_RCOND else _MAX_REFINE):
        resid = Y - _dot(X, coef)
        if dual:
            R = resid - ridge * A if ridge else resid
            dA = solve(R)
            d = _dot(X, dA, trans_a=True)
            A += dA
        else:
            g = _dot(X, resid, trans_a=True)
            if ridge:
                g -= ridge * coef
            d = solve(g)
        coef += d
        dn, cn = np.linalg.norm(d), np.linalg.norm(coef)
        if dn <= stop * cn or dn > 0.5 * prev:
            break
        prev = dn
    if not dn <= np.sqrt(_EPS) * cn:
        raise _IllConditionedError("iterative refinement did not converge")
    return coef, (Y - _dot(X, coef) if need_resid else None)


def _solve_cholesky(X, Y, ridge, rcond, null_vec=None):
    n, p = X.shape
    dual = p > n
    G = _gram(X, dual)
    L, rcond_gram, _ = _factor(G, ridge, null_vec if dual else None)
    if _near_cut(rcond_gram, ridge, rcond):
        # close to the user's rank cut-off: let the SVD apply it exactly
        raise _IllConditionedError("singular values near the rcond cut-off")
    coef, _ = _solve_factored(X, Y, ridge, L, rcond_gram, dual)
    return coef, (min(n - (null_vec is not None), p) if ridge == 0 else None)


def _solve_qr(X, Y, ridge, rcond):
    n, p = X.shape
    if ridge == 0:
        coef, _, rank, _ = scipy.linalg.lstsq(
            X, Y, cond=rcond, lapack_driver="gelsy", check_finite=False
        )
        return coef, int(rank)
    sq = np.sqrt(ridge)
    if p <= n:  # min ||[X; sqrt(ridge) I] b - [Y; 0]||
        A = np.vstack([X, sq * np.eye(p)])
        B = np.vstack([Y, np.zeros((p, Y.shape[1]))])
        coef = scipy.linalg.lstsq(A, B, lapack_driver="gelsy", check_finite=False)[0]
    else:  # a minimises ||[X^T; sqrt(ridge) I] a - [0; Y/sqrt(ridge)]||, coef = X^T a
        A = np.vstack([X.T, sq * np.eye(n)])
        B = np.vstack([np.zeros((p, Y.shape[1])), Y / sq])
        coef = X.T @ scipy.linalg.lstsq(A, B, lapack_driver="gelsy", check_finite=False)[0]
    return coef, None


def _solve_svd(X, Y, ridge, rcond):
    if ridge == 0:
        coef, _, rank, _ = scipy.linalg.lstsq(
            X, Y, cond=rcond, lapack_driver="gelsd", check_finite=False
        )
        return coef, int(rank)
    try:
        U, s, Vt = scipy.linalg.svd(X, full_matrices=False, check_finite=False)
    except np.linalg.LinAlgError:  # pragma: no cover - gesdd failure is rare
        U, s, Vt = scipy.linalg.svd(
            X, full_matrices=False, check_finite=False, lapack_driver="gesvd"
        )
    d = s / (s**2 + ridge)
    coef = Vt.T @ (d[:, None] * (U.T @ Y))
    rank = int(np.sum(s > rcond * s[0])) if s.size and s[0] > 0 else 0
    return coef, rank


#: The orthogonal-factorisation solvers; "auto" and "cholesky" go through ``_solve``.
_SOLVERS = {"qr": _solve_qr, "svd": _solve_svd}

#: The LOO diagonals come from the inverse factor and carry cond(G) eps relative
#: error; below this reciprocal condition the SVD route (cond(X) eps) is used.
_LOO_MIN_RCOND = 1e-6


def _loo_gcv_cholesky(X, Y, ridge, fit_intercept, rcond):
    """Exact LOO residuals and GCV from one Cholesky factor (the fast path).

    With ``M = K + ridge I (+ t u u^T)``, ``K`` the Gram matrix of the
    (centred) rows and ``u`` the unit centring direction, the residual
    operator is ``I - H = ridge Q`` with ``Q = M^{-1} - u u^T / (ridge + t)``
    (``Q = M^{-1}`` without intercept), so ``e = Q y / diag(Q)`` and
    ``GCV = mean((Q y)^2) / mean(diag Q)^2``; at ``ridge = 0`` this is the
    interpolation limit ``[K^+ y]_i / [K^+]_ii`` directly.  ``diag(M^{-1})``
    is the squared column norms of ``L^{-1}``.  For ``p < n`` the leverages
    ``h_ii = ||L^{-1} x_i||^2`` of ``X^T X + ridge I`` give ``e = r / (1 - c -
    h)`` (``c = 1/n`` with intercept).  Raises ``_IllConditionedError`` where
    the SVD route must take over (ill-conditioned, or a leverage of one).

    Parameters
    ----------
    X : ndarray of shape (n, p), float64
    Y : ndarray of shape (n, k), float64
    ridge : float
    fit_intercept : bool
    rcond : float

    Returns
    -------
    loo : ndarray of shape (n, k)
    gcv : ndarray of shape (k,)
    """
    n, p = X.shape
    if fit_intercept:
        X = X - X.mean(axis=0)
        Y = Y - Y.mean(axis=0)
    dual = p > n
    G = _gram(X, dual)
    u = np.full(n, 1.0 / np.sqrt(n)) if fit_intercept and dual else None
    t = np.trace(G) / G.shape[0]  # the shift _factor adds along u
    L, rc, _ = _factor(G, ridge, u)
    if rc < _LOO_MIN_RCOND or _near_cut(rc, ridge, rcond):
        raise _IllConditionedError("LOO needs a well-conditioned Gram matrix")
    if dual:
        Linv = np.tril(lapack.dtrtri(L, lower=1)[0])
        diag = np.empty(n)
        weighted_row_sq_norms(Linv.T, np.ones(n), diag)  # column norms of L^{-1}
        QY = lapack.dpotrs(L, Y, lower=1)[0]
        if u is not None:
            diag -= 1.0 / (n * (ridge + t))
        return QY / diag[:, None], np.mean(QY**2, axis=0) / np.mean(diag) ** 2
    _, resid = _solve_factored(X, Y, ridge, L, rc, False, need_resid=True)
    W = blas.dtrsm(1.0, L, X.T, lower=1)  # L^{-1} X^T, shape (p, n)
    lev = np.empty(n)
    weighted_row_sq_norms(W.T, np.ones(p), lev)
    g = 1.0 - (1.0 / n if fit_intercept else 0.0) - lev
    # g carries an absolute error of about cond(G) eps; dividing by a small g
    # (leverage near one, p close to n) must keep the relative error below 1e-11
    if not np.min(g) * rc >= _EPS / 1e-11:
        raise _IllConditionedError("leverages too close to one for the inverse factor")
    return resid / g[:, None], np.mean(resid**2, axis=0) / np.mean(g) ** 2


def _solve(X, Y, ridge, rcond, solver, null_vec=None):
    """Dispatch; return ``(coef, rank, solver_used)``.

    ``null_vec`` is the unit centring direction of ``X``'s rows when an
    intercept was fitted (``X^T u = 0``), else None.
    """
    if solver in ("auto", "cholesky"):
        try:
            coef, rank = _solve_cholesky(X, Y, ridge, rcond, null_vec)
            return coef, rank, "cholesky"
        except _IllConditionedError as exc:
            if solver == "cholesky":
                warnings.warn(
                    f"solver='cholesky' cannot solve this problem accurately ({exc}); "
                    "falling back to solver='svd'. Use solver='auto' to choose silently.",
                    scipy.linalg.LinAlgWarning,
                    stacklevel=4,
                )
            solver = "svd"
    coef, rank = _SOLVERS[solver](X, Y, ridge, rcond)
    return coef, rank, solver


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
          ``ridge > 0`` the equivalent augmented least-squares problem.
        - ``"svd"``: LAPACK ``gelsd`` (divide-and-conquer SVD), the most
          robust; with ``ridge > 0`` the SVD filter ``s / (s^2 + ridge)``.
        - ``"auto"``: ``"cholesky"``, falling back silently to ``"svd"`` when
          the condition estimate, the rank cut-off or a non-converging
          refinement shows Cholesky would be inaccurate.
    rcond : float, default=None
        Relative cut-off: singular values below ``rcond * s_max`` count as
        zero (scale-invariant).  ``None`` means ``eps * max(n_samples,
        n_features)`` (numpy's ``lstsq`` choice).  Applied exactly by
        ``"svd"``, through the triangular factor's condition estimate by
        ``"qr"``; ``"auto"`` hands problems near the cut-off to ``"svd"``.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Coefficients, in the dtype of ``X`` (float32 input is solved in
        float64 and the result cast back).
    intercept_ : float or ndarray of shape (n_targets,)
        Intercept; ``0.0`` when ``fit_intercept=False``.
    rank_ : int or None
        Numerical rank of the (centred, weighted) design at ``rcond``.
        ``None`` when ``ridge > 0`` and the solver did not compute a
        rank-revealing factorisation (Cholesky and QR paths).
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
        "rcond": [Interval(Real, 0, 1, closed="both"), None],
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
            x_mean = np.average(Xd, axis=0, weights=sw)
            y_mean = np.average(Y2, axis=0, weights=sw)
            Xd = Xd - x_mean
            Y2 = Y2 - y_mean
            null_vec = np.ones(Xd.shape[0]) if sw is None else np.sqrt(sw)
            null_vec /= np.linalg.norm(null_vec)
        if sw is not None:
            sq = np.sqrt(sw)[:, None]
            Xd = Xd * sq
            Y2 = Y2 * sq
        n, p = Xd.shape
        rcond = _default_rcond(n, p) if self.rcond is None else float(self.rcond)
        coef, rank, solver = _solve(Xd, Y2, float(self.ridge), rcond, self.solver, null_vec)
        self.solver_ = solver
        self.rank_ = rank
        if self.fit_intercept:
            intercept = y_mean - x_mean @ coef
        else:
            intercept = np.zeros(Y2.shape[1])
        if Y.ndim == 1:
            self.coef_ = coef[:, 0].astype(dtype, copy=False)
            self.intercept_ = float(intercept[0])
        else:
            self.coef_ = np.ascontiguousarray(coef.T).astype(dtype, copy=False)
            self.intercept_ = intercept.astype(dtype, copy=False)
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
        X, y = check_X_y(
            X, y, dtype=np.float64, multi_output=True, y_numeric=True, ensure_min_samples=2
        )
        if self.fit_intercept and X.shape[0] < 3:
            raise ValueError(
                "Leave-one-out with fit_intercept=True needs at least 3 samples, "
                f"got {X.shape[0]}."
            )
        if not (isinstance(self.ridge, Real) and self.ridge >= 0):
            raise ValueError(f"ridge must be a non-negative real number, got {self.ridge!r}.")
        Y = y.reshape(y.shape[0], -1)
        n, p = X.shape
        rcond = _default_rcond(n, p) if self.rcond is None else float(self.rcond)
        try:
            loo, gcv = _loo_gcv_cholesky(X, Y, float(self.ridge), self.fit_intercept, rcond)
        except _IllConditionedError:
            loo, gcv = loo_gcv_svd(
                X, Y, [float(self.ridge)], fit_intercept=self.fit_intercept, rcond=rcond
            )
            loo, gcv = loo[0], gcv[0]
        if y.ndim == 1:
            return loo[:, 0], float(gcv[0])
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


@dataclass(frozen=True)
class PathResult:
    """Result of :func:`minnorm_path`, one entry per number of features.

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


def _path_point_direct(X, Y, ridge, rcond):
    coef, _ = _solve_svd(X, Y, ridge, rcond)
    return coef, Y - _dot(X, coef), "svd"


#: Point-level threads in minnorm_path only up to this sample size: each
#: in-flight point holds two n x n buffers, and from a few thousand rows on
#: LAPACK's own threads already keep the cores busy during a factorisation.
_PATH_THREADS_MAX_N = 4096
#: ... and from this size on (below it, thread start-up outweighs the gain).
_PATH_THREADS_MIN_N = 200


def _path_threads(n, n_dual):
    """Threads for minnorm_path: the BLAS thread count, if point-level threads pay off."""
    if not (_PATH_THREADS_MIN_N <= n <= _PATH_THREADS_MAX_N and n_dual >= 2):
        return 1
    return _la.blas_thread_count() if _la.gil_free() else 1


class _PathRecorder:
    """Output arrays of :func:`minnorm_path`; each point writes only its own slot.

    Points are computed in any order (and by several threads): ``record``
    and ``record_outputs`` touch index ``i`` only.
    """

    def __init__(self, m, n_targets, x_mean, y_mean, test, return_coef, y_1d):
        self.train = np.empty(m)
        self.norms = np.empty(m)
        self.intercepts = np.empty((m, n_targets))
        self.solvers = [""] * m
        self.coefs = [None] * m
        self.x_mean, self.y_mean = x_mean, y_mean
        self.X_test, self.Y_test = test if test is not None else (None, None)
        self.test = np.empty(m) if test is not None else None
        self.return_coef, self.y_1d = return_coef, y_1d

    def record(self, i, p, coef, resid, solver):
        intercept = self.y_mean - self.x_mean[:p] @ coef
        self.record_outputs(i, np.mean(resid**2), np.linalg.norm(coef), intercept, solver)
        if self.test is not None:
            pred = _dot(self.X_test[:, :p], coef)
            self.test[i] = np.mean((self.Y_test - pred - intercept) ** 2)
        if self.return_coef:
            self.coefs[i] = coef[:, 0].copy() if self.y_1d else np.ascontiguousarray(coef.T)

    def record_outputs(self, i, train, norm, intercept, solver):
        self.train[i], self.norms[i] = train, norm
        self.intercepts[i] = intercept
        self.solvers[i] = solver


def _path_primal(out, Xc, Yc, primal, ridge, rcond):
    """The prefixes with ``p <= n``: one Cholesky factor of ``X^T X`` serves them all.

    The factor of a leading block of ``G`` is the leading block of ``G``'s
    factor, so each prefix is solved with a view of one factor.  Records
    points ``0 .. primal.size - 1``.
    """
    pm = int(primal[-1])
    Xp = Xc[:, :pm]
    G = _gram(Xp, False)
    if ridge:
        G.flat[:: pm + 1] += ridge
    XtY = _dot(Xp, Yc, trans_a=True)
    L = G.copy(order="F")
    info = _la.potrf(L)
    # lambda_max of the largest prefix bounds every prefix's (interlacing)
    lam_max = _lambda_max(L, _sym_one_norm(G)) if info == 0 else None
    # Largest prefix first: cond(G_p) <= cond(G_q) for p < q (interlacing), so
    # once a prefix is well conditioned its estimate serves every smaller one.
    good_rc = None
    for j in range(primal.size - 1, -1, -1):
        p = int(primal[j])
        Xq = Xc[:, :p]
        try:
            if info != 0 and p >= info:
                raise _IllConditionedError("leading minor not positive definite")
            Lp = L[:p, :p]  # a view: the bindings take its leading dimension
            if good_rc is None:
                rc = _rcond(Lp, _sym_one_norm(G[:p, :p]), lam_max)[0]
                if rc >= _SKIP_REFINE_RCOND:
                    good_rc = rc
            else:
                rc = good_rc
            if not rc >= _MIN_RCOND_GRAM or _near_cut(rc, ridge, rcond):
                raise _IllConditionedError("ill-conditioned prefix")
            coef, resid = _solve_factored(Xq, Yc, ridge, Lp, rc, False, XtY[:p], True)
            solver = "cholesky"
        except _IllConditionedError:
            coef, resid, solver = _path_point_direct(Xq, Yc, ridge, rcond)
        out.record(j, p, coef, resid, solver)


#: A point with p > n takes its smallest-eigenvalue estimate from the point
#: this many places earlier (see ``_path_dual``); in the pipeline that point
#: has almost always finished, and the choice does not depend on the threads.
_PATH_LAG = 3


#: Most refinement steps of the mixed-precision dual solve; where it is
#: accepted it needs about four (each gains -log10(rho) >= 5 digits).
_MIXED_MAX_STEPS = 8
#: The mixed-precision solve is accepted when every refinement step contracts
#: the correction at least this much.  The contraction is about 0.1 to 1 times
#: ``cond(F) u_32`` (``u_32 = 2^-24``; 0.1 near the threshold, 1 far from it,
#: measured on Gaussian Gram matrices), so this certifies ``cond(F)`` below
#: about 1.7e3, the regime where the float64 Cholesky solution needs no
#: refinement through ``X`` (``_SKIP_REFINE_RCOND``).
_MIXED_MAX_CONTRACTION = 1e-5
_U32 = float(np.finfo(np.float32).eps) / 2


def _dual_mixed(S, Yc, ridge, null_vec, work32):
    """Mixed-precision solve of ``F a = y``, ``F = K + ridge I + t u u^T``; ``K`` intact in ``S``.

    ``F`` is factored in float32 (``spotrf`` takes half the time of
    ``dpotrf``) and the solution refined with float64 residuals
    ``y - F a`` (products with ``K`` in float64, ``dsymv``).  Each step
    contracts the error by about ``rho = cond(F) u_32`` until it reaches the
    ``cond(F) eps`` accuracy of a float64 Cholesky solve (Higham, *Accuracy
    and Stability of Numerical Algorithms*, 2nd ed., 2002, sec. 12.1; Carson
    & Higham, SIAM J. Sci. Comput. 40, 2018).  The observed contraction is
    thus the condition estimate: the solve is accepted only when every step
    contracts by ``_MIXED_MAX_CONTRACTION`` or more (``cond(F) <~ 1.7e3``)
    and the corrections fall below ``cond(F) eps``.  Otherwise (the factor
    fails, a step contracts less, or refinement stalls) it returns ``None``
    and the caller takes the float64 route with ``pocon`` and refinement
    through ``X``.

    Parameters
    ----------
    S : ndarray of shape (n, n), Fortran order
        Lower triangle: ``K``.  Not modified.
    Yc : ndarray of shape (n, k)
    ridge : float
    null_vec : ndarray of shape (n,) or None
        The constant unit vector of an intercept, with shift ``t = tr(K) / n``.
    work32 : ndarray of shape (n, n), float32, Fortran order
        Receives the float32 factor.

    Returns
    -------
    (A, KA, rcond) or None
        ``A = F^{-1} y``, ``K A`` and the reciprocal condition estimate
        ``u_32 / rho``.
    """
    n = S.shape[0]
    shift = np.trace(S) / n if null_vec is not None else 0.0
    lower_to_float32(S, ridge, shift / n, work32)  # t u u^T = (t / n) everywhere
    if _la.potrf(work32) != 0:
        return None
    A = np.zeros(Yc.shape, order="F")
    R = Yc
    rho, prev = 0.0, None
    for _ in range(_MIXED_MAX_STEPS):
        D = _la.potrs(work32, np.asfortranarray(R, dtype=np.float32)).astype(np.float64)
        A += D
        KA = _la.symm(S, A)
        FA = KA + ridge * A if ridge else KA
        if null_vec is not None:
            FA = FA + shift * np.outer(null_vec, null_vec @ A)
        R = Yc - FA
        dn, an = np.linalg.norm(D), np.linalg.norm(A)
        if not np.isfinite(an):
            return None
        if prev is not None:
            # converged to the float64 accuracy cond(F) eps (cond(F) ~ rho / u_32)?
            # The last ratio is not a contraction but the rounding floor.
            if dn <= _EPS * max(16.0, rho / _U32) * an:
                return A, KA, min(1.0, _U32 / rho) if rho > 0 else 1.0
            rho = max(rho, dn / prev)
            if rho > _MIXED_MAX_CONTRACTION:
                return None
        if dn == 0.0:  # exact (y = 0)
            return A, KA, 1.0
        prev = dn
    return None


def _path_dual_point(out, i, p, S, Xc, Yc, ridge, rcond, null_vec, m_acc, want_coef, lam_min,
                     work32):
    """One prefix with ``p > n``, from ``S`` whose lower triangle is ``K = X_p X_p^T``.

    Where nobody asked for ``coef`` (no test data, no ``return_coef``) and
    ``F`` is well conditioned, every output comes from ``K`` and
    ``a = F^{-1} y`` (mixed precision, ``_dual_mixed``) without touching
    ``X_p``: train residual ``y - K a``, ``||coef||^2 = a^T K a`` and the
    intercept through ``m = X_p mean_p`` (``m_acc``, accumulated like
    ``K``).  Otherwise ``S`` is factored in float64 in place and the point
    solved like ``MinNormRegressor``'s Cholesky route (refined through
    ``X_p``, SVD fall-back).  Returns the estimate of the smallest
    eigenvalue of the factored matrix (0 if unknown).
    """
    Xq = Xc[:, :p]
    lam = 0.0
    try:
        if not want_coef:
            mixed = _dual_mixed(S, Yc, ridge, null_vec, work32)
            if mixed is not None and not _near_cut(mixed[2], ridge, rcond):
                A, KA, _ = mixed
                intercept = out.y_mean - (m_acc[:, 0] @ A if m_acc is not None else 0.0)
                norm = np.sqrt(max(float(np.sum(A * KA)), 0.0))
                out.record_outputs(i, np.mean((Yc - KA) ** 2), norm, intercept, "cholesky")
                return lam
        Lp, rc, lam = _factor(S, ridge, null_vec, lam_min)
        if _near_cut(rc, ridge, rcond):
            raise _IllConditionedError("near the rcond cut-off")
        coef, resid = _solve_factored(Xq, Yc, ridge, Lp, rc, True, need_resid=True)
        solver = "cholesky"
    except _IllConditionedError:
        coef, resid, solver = _path_point_direct(Xq, Yc, ridge, rcond)
    out.record(i, p, coef, resid, solver)
    return lam


def _path_dual(out, Xc, Yc, dual, first, ridge, rcond, null_vec, x_mean, want_coef, pool,
               n_threads):
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
    point ``_PATH_LAG`` places earlier already gives ``rcond >= 1e-3`` skips
    ``pocon`` (and then needs no refinement).

    Returns
    -------
    list of Future
        The submitted points (empty without a pool).
    """
    n = Xc.shape[0]
    K = np.zeros((n, n), order="F")
    m_acc = np.zeros((n, 1)) if null_vec is not None and not want_coef else None
    lam = np.zeros(len(dual))
    ready = [threading.Event() for _ in dual]

    local = threading.local()  # one float32 work matrix per thread

    def point(k, p, S, acc):
        try:
            a = k - _PATH_LAG
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
            own = _path_dual_point(out, first + k, p, S, Xc, Yc, ridge, rcond, null_vec, acc,
                                   want_coef, known if known > 0 else None, work32)
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
        _la.syrk(Xc[:, done:p], K, beta=1.0)  # lower triangle
        if m_acc is not None:
            _la.gemm(Xc[:, done:p], x_mean[done:p, None], m_acc, beta=1.0)
        done = p
        if pool is None:
            point(k, p, _la.lacpy_lower(K, S), m_acc)
        else:
            acc = None if m_acc is None else m_acc.copy()
            futures.append(pool.submit(task, k, p, _la.lacpy_lower(K, free.get()), acc))
    return futures


def minnorm_path(
    X,
    y,
    n_features,
    *,
    X_test=None,
    y_test=None,
    ridge=0.0,
    fit_intercept=False,
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
    ``MinNormRegressor(ridge=ridge, fit_intercept=fit_intercept).fit(X[:, :p], y)``.

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
    fit_intercept : bool, default=False
        Centre with the training means (per column, so prefixes stay nested).
    rcond : float, default=None
        Relative singular-value cut-off of the SVD fall-back.
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
    if not (isinstance(ridge, Real) and ridge >= 0):
        raise ValueError(f"ridge must be a non-negative real number, got {ridge!r}.")
    ridge = float(ridge)
    ps = np.asarray(n_features)
    if ps.size == 0 or not (
        np.issubdtype(ps.dtype, np.integer)
        or (np.issubdtype(ps.dtype, np.floating) and np.all(ps == np.round(ps)))
    ):
        raise ValueError("n_features must be a non-empty array of integers.")
    ps = np.unique(ps.astype(np.int64).ravel())
    if ps[0] < 1 or ps[-1] > P:
        raise ValueError(f"n_features must lie in [1, {P}] (the columns of X), got {ps.tolist()}.")
    if X_test is not None:
        X_test, y_test = check_X_y(X_test, y_test, dtype=np.float64, multi_output=True)
        if X_test.shape[1] != P:
            raise ValueError(f"X_test has {X_test.shape[1]} features, X has {P}.")
        Yt = y_test.reshape(y_test.shape[0], -1)
        if Yt.shape[1] != Y.shape[1]:
            raise ValueError("y_test and y have different numbers of targets.")
    if fit_intercept:
        x_mean, y_mean = X.mean(axis=0), Y.mean(axis=0)
        Xc, Yc = X - x_mean, Y - y_mean
    else:
        x_mean, y_mean = np.zeros(P), np.zeros(Y.shape[1])
        Xc, Yc = X, Y
    # column blocks of a C- or F-ordered Xc are read in place (no copy)
    if not (Xc.flags.c_contiguous or Xc.flags.f_contiguous):
        Xc = np.ascontiguousarray(Xc)
    null_vec = np.full(n, 1.0 / np.sqrt(n)) if fit_intercept else None
    test = (X_test, Yt) if X_test is not None else None
    out = _PathRecorder(ps.size, Y.shape[1], x_mean, y_mean, test, return_coef, y.ndim == 1)
    rcond_ = _default_rcond(n, P) if rcond is None else float(rcond)
    primal, dual = ps[ps <= n], ps[ps > n]
    want_coef = return_coef or test is not None
    n_threads = _path_threads(n, dual.size)
    if n_threads == 1:
        if primal.size:
            _path_primal(out, Xc, Yc, primal, ridge, rcond_)
        _path_dual(out, Xc, Yc, dual, primal.size, ridge, rcond_, null_vec, x_mean, want_coef,
                   None, 0)
    else:
        # Point-level threads, each calling single-threaded BLAS: at n ~ 1000
        # a Cholesky factorisation uses two cores poorly (6.8 ms on two
        # threads, 9.0 ms on one), while two factorisations side by side, or a
        # factorisation beside the next Gram update, use both fully.
        with _la.blas_single_threaded(), ThreadPoolExecutor(n_threads) as pool:
            futures = []
            if primal.size:
                futures.append(pool.submit(_path_primal, out, Xc, Yc, primal, ridge, rcond_))
            futures += _path_dual(out, Xc, Yc, dual, primal.size, ridge, rcond_, null_vec,
                                  x_mean, want_coef, pool, n_threads)
            for future in futures:
                future.result()  # re-raises a point's exception
    return PathResult(
        n_features=ps,
        train_mse=out.train,
        test_mse=out.test,
        coef_norm=out.norms,
        solver=tuple(out.solvers),
        coefs=tuple(out.coefs) if return_coef else None,
        intercepts=out.intercepts[:, 0].copy() if y.ndim == 1 else out.intercepts,
    )

