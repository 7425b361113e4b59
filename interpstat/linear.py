"""Minimum-norm least squares: ``MinNormRegressor`` and the double-descent ``minnorm_path``."""

import warnings
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

from interpstat._kernels.linalg import weighted_row_sq_norms
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
# BLAS through scipy only.  numpy and scipy each ship their own OpenBLAS with
# its own thread pool; alternating calls between the two makes the idle pool's
# spinning threads fight the working one for the cores (measured here: a numpy
# product followed by a 1000 x 1000 scipy Cholesky took 39 ms, the same two
# steps in scipy alone 19 ms).  The
# Cholesky route therefore does its products with scipy's BLAS, the library
# of its LAPACK calls.
# ---------------------------------------------------------------------------


def _dot(A, B, trans_a=False):
    """``A @ B`` (``A.T @ B`` if ``trans_a``) with scipy's dgemm, without copying ``A``.

    Parameters
    ----------
    A : ndarray of shape (m, r) (or (r, m) with ``trans_a``), C- or F-contiguous
    B : ndarray of shape (r, k)

    Returns
    -------
    ndarray of shape (m, k), Fortran order
    """
    if not A.flags.f_contiguous:
        if A.flags.c_contiguous:
            A, trans_a = A.T, not trans_a
        else:
            A = np.asfortranarray(A)
    return blas.dgemm(1.0, A, B, trans_a=int(trans_a))


def _gram(X, dual):
    """Lower triangle of ``X X^T`` (``dual``) or ``X^T X`` with scipy's dsyrk (Fortran order).

    Parameters
    ----------
    X : ndarray of shape (n, p), C- or F-contiguous
    dual : bool

    Returns
    -------
    ndarray, (n, n) if ``dual`` else (p, p); only the lower triangle is set
    """
    if X.flags.f_contiguous:
        return blas.dsyrk(1.0, X, trans=0 if dual else 1, lower=1)
    if not X.flags.c_contiguous:
        X = np.ascontiguousarray(X)
    return blas.dsyrk(1.0, X.T, trans=1 if dual else 0, lower=1)


def _sym_one_norm(G):
    """Bound on the 1-norm of the symmetric matrix whose lower triangle is ``G``'s.

    ``max column sum + max row sum`` of the lower triangle (LAPACK ``lantr``,
    O(m^2), upper triangle never read): at least the 1-norm and at most twice
    it, so the condition estimate built on it errs on the safe side.
    """
    return lapack.dlantr("1", G, uplo="L") + lapack.dlantr("I", G, uplo="L")


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
        w = blas.dtrmv(L, blas.dtrmv(L, v, trans=1, lower=1), lower=1)
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
    float
    """
    rc1, info = lapack.dpocon(L, 1.0, uplo="L")  # = 1 / ||G^-1||_1 estimate
    if info != 0 or not rc1 > 0:
        return 0.0
    rcond = rc1 / anorm
    if rcond < _SKIP_REFINE_RCOND:
        lam = _lambda_max(L, anorm) if lam_max is None else min(lam_max, anorm)
        rcond = rc1 / lam
    return rcond


def _factor(G, ridge, null_vec=None):
    """Cholesky-factor ``G + ridge I (+ t u u^T)`` in place; return ``(L, rcond)``.

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

    Returns
    -------
    L : ndarray of shape (m, m)
        Lower Cholesky factor (upper triangle is garbage).
    rcond : float
        Estimate of the reciprocal 2-norm condition number (see ``_rcond``).
    """
    m = G.shape[0]
    if null_vec is not None:  # lower triangle += t u u^T
        G = blas.dsyr(np.trace(G) / m, null_vec, a=G, lower=1, overwrite_a=1)
    if ridge:
        G.flat[:: m + 1] += ridge
    anorm = _sym_one_norm(G)
    if not np.isfinite(anorm) or anorm == 0.0:
        raise _IllConditionedError("the Gram matrix is zero or not finite")
    L, info = lapack.dpotrf(G, lower=1, clean=0, overwrite_a=1)
    if info != 0:
        raise _IllConditionedError("the Gram matrix is not numerically positive definite")
    rcond = _rcond(L, anorm)
    if not rcond >= _MIN_RCOND_GRAM:
        raise _IllConditionedError(f"Gram condition number estimate {1 / max(rcond, 1e-300):.2e}")
    return L, rcond


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
        return lapack.dpotrs(L, B, lower=1)[0]

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
    L, rcond_gram = _factor(G, ridge, null_vec if dual else None)
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
    L, rc = _factor(G, ridge, u)
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
    return coef, Y - X @ coef, "svd"


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

    The double-descent curve at about the cost of one fit: for prefixes with
    ``p <= n`` one Cholesky factor of ``X^T X`` serves every prefix (the
    factor of a leading block is the leading block of the factor); for
    ``p > n`` the Gram matrix ``X_p X_p^T`` is updated with each new block of
    columns and re-factored (``n^3/3`` per point).  Every point is refined
    through ``X_p`` like :class:`MinNormRegressor`'s Cholesky path and falls
    back to an SVD solve where the Gram matrix is too ill-conditioned, so
    each point equals a separate ``MinNormRegressor(ridge=ridge,
    fit_intercept=fit_intercept).fit(X[:, :p], y)``.

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
    Xf = np.asfortranarray(Xc)  # column prefixes and blocks are contiguous
    null_vec = np.full(n, 1.0 / np.sqrt(n)) if fit_intercept else None

    m = ps.size
    train = np.empty(m)
    test = np.empty(m) if X_test is not None else None
    norms = np.empty(m)
    solvers = [""] * m
    coefs = [None] * m
    intercepts = np.empty((m, Y.shape[1]))

    def record(i, p, coef, resid, solver):
        intercept = y_mean - x_mean[:p] @ coef
        train[i] = np.mean(resid**2)
        norms[i] = np.linalg.norm(coef)
        intercepts[i] = intercept
        solvers[i] = solver
        if test is not None:
            test[i] = np.mean((Yt - X_test[:, :p] @ coef - intercept) ** 2)
        if return_coef:
            coefs[i] = coef[:, 0].copy() if y.ndim == 1 else np.ascontiguousarray(coef.T)

    rcond_ = _default_rcond(n, P) if rcond is None else float(rcond)
    i = 0
    primal = ps[ps <= n]
    if primal.size:
        pm = int(primal[-1])
        Xp = Xf[:, :pm]
        G = _gram(Xp, False)
        if ridge:
            G.flat[:: pm + 1] += ridge
        XtY = _dot(Xp, Yc, trans_a=True)
        L, info = lapack.dpotrf(G, lower=1, clean=0, overwrite_a=0)
        # lambda_max of the largest prefix bounds every prefix's (interlacing)
        lam_max = _lambda_max(L, _sym_one_norm(G)) if info == 0 else None
        # Largest prefix first: cond(G_p) <= cond(G_q) for p < q (interlacing), so
        # once a prefix is well conditioned its estimate serves every smaller one.
        good_rc = None
        for j in range(primal.size - 1, -1, -1):
            p = int(primal[j])
            Xq = Xf[:, :p]
            try:
                if info != 0 and p >= info:
                    raise _IllConditionedError("leading minor not positive definite")
                Lp = np.asfortranarray(L[:p, :p])
                if good_rc is None:
                    rc = _rcond(Lp, _sym_one_norm(G[:p, :p]), lam_max)
                    if rc >= _SKIP_REFINE_RCOND:
                        good_rc = rc
                else:
                    rc = good_rc
                if not rc >= _MIN_RCOND_GRAM or _near_cut(rc, ridge, rcond_):
                    raise _IllConditionedError("ill-conditioned prefix")
                coef, resid = _solve_factored(Xq, Yc, ridge, Lp, rc, False, XtY[:p], True)
                solver = "cholesky"
            except _IllConditionedError:
                coef, resid, solver = _path_point_direct(Xq, Yc, ridge, rcond_)
            record(j, p, coef, resid, solver)
        i = primal.size
    # p > n: K = X_p X_p^T grows by one block of columns per point.  Where the
    # factor needs no refinement and nobody asked for coef (no test data, no
    # return_coef), every output comes from K and a = K^{-1} y without
    # touching X_p: train residual y - K a, ||coef||^2 = a^T K a and the
    # intercept through m = X_p mean_p, accumulated like K.
    want_coef = return_coef or test is not None
    K = np.zeros((n, n), order="F")
    buf = np.empty((n, n), order="F")
    m_acc = np.zeros((n, 1)) if fit_intercept and not want_coef else None
    done = 0
    for p in ps[ps > n]:
        p = int(p)
        blk = Xf[:, done:p]
        K = blas.dsyrk(1.0, blk, beta=1.0, c=K, lower=1, overwrite_c=1)  # lower triangle
        if m_acc is not None:
            m_acc += _dot(blk, x_mean[done:p, None])
        done = p
        Xq = Xf[:, :p]
        try:
            np.copyto(buf, K)
            Lp, rc = _factor(buf, ridge, null_vec)
            if _near_cut(rc, ridge, rcond_):
                raise _IllConditionedError("near the rcond cut-off")
            if want_coef or rc < _SKIP_REFINE_RCOND:
                coef, resid = _solve_factored(Xq, Yc, ridge, Lp, rc, True, need_resid=True)
            else:
                A = lapack.dpotrs(Lp, Yc, lower=1)[0]
                KA = blas.dsymm(1.0, K, A, lower=1)
                train[i] = np.mean((Yc - KA) ** 2)
                norms[i] = np.sqrt(max(float(np.sum(A * KA)), 0.0))
                intercepts[i] = y_mean - (m_acc[:, 0] @ A if m_acc is not None else 0.0)
                solvers[i] = "cholesky"
                i += 1
                continue
            solver = "cholesky"
        except _IllConditionedError:
            coef, resid, solver = _path_point_direct(Xq, Yc, ridge, rcond_)
        record(i, p, coef, resid, solver)
        i += 1
    return PathResult(
        n_features=ps,
        train_mse=train,
        test_mse=test,
        coef_norm=norms,
        solver=tuple(solvers),
        coefs=tuple(coefs) if return_coef else None,
        intercepts=intercepts[:, 0].copy() if y.ndim == 1 else intercepts,
    )

