"""Spectral solves shared by the estimators and the theory: SVD, rank, cut-off, centring, LOO/GCV.

Pure numpy/scipy (no numba, no scikit-learn), so :mod:`interpstat.theory`
can use it without loading the estimators.
"""

import numpy as np
import scipy.linalg

__all__ = [
    "EPS",
    "centre",
    "centred_lstsq",
    "default_rcond",
    "deflate",
    "float64_digits",
    "inflate",
    "loo_gcv_qr",
    "loo_gcv_svd",
    "numerical_rank",
    "one_blas_thread",
    "scaled_norm",
    "spectral_filter",
    "svd_lstsq",
    "thin_svd",
]

EPS = float(np.finfo(np.float64).eps)


def default_rcond(n, p):
    """numpy's ``lstsq`` default cut-off ``eps * max(n, p)``."""
    return EPS * max(n, p)


def scaled_norm(a):
    """Euclidean (Frobenius) norm of ``a`` without overflow or underflow of the squares."""
    m = float(np.max(np.abs(a))) if a.size else 0.0
    if m == 0.0 or not np.isfinite(m):
        return m
    return m * float(np.sqrt(np.sum((a / m) ** 2)))


def one_blas_thread():
    """Context manager: BLAS on one thread (process-wide, reference-counted) for an SVD.

    OpenBLAS (0.3.30 as bundled with scipy here) threads the level-2 updates
    of the bidiagonalisation (``dger``/``dgemv``) from small sizes on; each
    call then wakes and joins the other threads, and on a 2-core machine the
    SVD-based drivers ran 5-20x slower on two threads than on one (``gelsd``
    on 300 x 900: 480 ms against 27 ms; 1000 x 3000: 8.8 s against 0.7 s).
    The limit comes from :mod:`interpstat._lapack` (imported here, lazily, so
    that the theory functions stay light to import).
    """
    from interpstat._lapack import blas_single_threaded

    return blas_single_threaded()


def thin_svd(X):
    """Thin SVD ``X = U diag(s) Vt`` with a gesvd fallback when gesdd does not converge.

    Runs with BLAS on one thread (:func:`one_blas_thread`).

    Parameters
    ----------
    X : ndarray of shape (n, p)

    Returns
    -------
    U : ndarray of shape (n, r)
    s : ndarray of shape (r,), decreasing
    Vt : ndarray of shape (r, p)
        ``r = min(n, p)``.
    """
    with one_blas_thread():
        try:
            return scipy.linalg.svd(X, full_matrices=False, check_finite=False)
        except np.linalg.LinAlgError:  # pragma: no cover - gesdd failure is rare
            return scipy.linalg.svd(
                X, full_matrices=False, check_finite=False, lapack_driver="gesvd"
            )


def numerical_rank(s, rcond):
    """Number of singular values ``s_j > rcond * s_0`` (``s`` decreasing); 0 if ``s_0 = 0``."""
    if s.size == 0 or not s[0] > 0:
        return 0
    return int(np.count_nonzero(s > rcond * s[0]))


def spectral_filter(s, ridge, rcond):
    """Filter ``s_j / (s_j^2 + ridge)`` on the kept singular values, 0 below the cut.

    The relative cut-off applies for every ``ridge``: a positive ridge
    applied to rounding-level singular values of a rank-deficient design
    would otherwise amplify their noise by ``s / ridge``.

    Parameters
    ----------
    s : ndarray of shape (r,)
        Singular values, decreasing.
    ridge : float
    rcond : float

    Returns
    -------
    f : ndarray of shape (r,)
    rank : int
    """
    rank = numerical_rank(s, rcond)
    f = np.zeros_like(s)
    kept = s[:rank]
    f[:rank] = kept / (kept * kept + ridge)
    return f, rank


# ---------------------------------------------------------------------------
# Centring and deflation of the all-ones direction
# ---------------------------------------------------------------------------


def centre(X, Y, sample_weight=None):
    """Centre ``X`` and ``Y`` with (weighted) column means; return the centring direction.

    Parameters
    ----------
    X : ndarray of shape (n, p)
    Y : ndarray of shape (n, k)
    sample_weight : ndarray of shape (n,), optional
        Positive weights (the rows are scaled by ``sqrt(w)`` afterwards by the
        caller).

    Returns
    -------
    Xc, Yc : ndarrays
        Centred copies.
    x_mean : ndarray of shape (p,)
    y_mean : ndarray of shape (k,)
    u : ndarray of shape (n,)
        The unit vector ``sqrt(w) / ||sqrt(w)||`` (constant without weights):
        after the ``sqrt(w)`` row scaling, ``u^T Xc = 0`` in exact arithmetic.
    """
    x_mean = np.average(X, axis=0, weights=sample_weight)
    y_mean = np.average(Y, axis=0, weights=sample_weight)
    n = X.shape[0]
    u = np.full(n, 1.0 / np.sqrt(n)) if sample_weight is None else np.sqrt(sample_weight)
    u = u / np.linalg.norm(u)
    return X - x_mean, Y - y_mean, x_mean, y_mean, u


def _reflector(u):
    """Householder vector ``v`` and ``beta`` with ``(I - beta v v^T) u = -sign(u_0) e_1``."""
    v = np.array(u, dtype=np.float64)
    sign = 1.0 if v[0] >= 0 else -1.0
    v[0] += sign
    return v, 1.0 / (1.0 + abs(u[0]))  # 2 / ||v||^2 with ||u|| = 1


def deflate(u, A):
    """Rows 2..n of ``H A``, ``H`` the Householder reflection taking ``u`` to ``-+e_1``.

    ``H`` is orthogonal and maps the orthogonal complement of ``u`` onto the
    last ``n - 1`` coordinates, so for a centred design ``Xc`` (``u^T Xc =
    0`` in exact arithmetic) the centred least-squares problem
    ``min ||P (y - Xc b)||`` (``P = I - u u^T``) equals
    ``min ||deflate(u, y) - deflate(u, Xc) b||`` with ``n - 1`` rows.  The
    rounding error of the computed column means (about ``eps * offset`` for
    columns far from zero) lies along ``u`` and is dropped exactly, instead of
    leaving a spurious singular value ``~ eps * offset * sqrt(n p)`` that a
    relative rank cut-off cannot see.

    Parameters
    ----------
    u : ndarray of shape (n,)
        Unit vector.
    A : ndarray of shape (n, k)

    Returns
    -------
    ndarray of shape (n - 1, k)
    """
    v, beta = _reflector(u)
    return A[1:] - np.outer(v[1:], beta * (v @ A))


def inflate(u, B):
    """``H [0; B]``: the inverse map of :func:`deflate` (columns orthogonal to ``u``).

    Parameters
    ----------
    u : ndarray of shape (n,)
    B : ndarray of shape (n - 1, k)

    Returns
    -------
    ndarray of shape (n, k)
    """
    v, beta = _reflector(u)
    out = np.zeros((u.shape[0], B.shape[1]))
    out[1:] = B
    out -= np.outer(v, beta * (v[1:] @ B))
    return out


# ---------------------------------------------------------------------------
# Least squares through the SVD
# ---------------------------------------------------------------------------


def svd_lstsq(X, Y, ridge, rcond):
    """Minimum-norm (ridge) least squares through the SVD, relative cut-off ``rcond``.

    ``ridge = 0``: LAPACK ``gelsd``; otherwise the filter of
    :func:`spectral_filter` on a thin SVD.  BLAS runs on one thread
    (:func:`one_blas_thread`).

    Parameters
    ----------
    X : ndarray of shape (n, p)
    Y : ndarray of shape (n, k)
    ridge : float
    rcond : float

    Returns
    -------
    coef : ndarray of shape (p, k)
    rank : int
    s : ndarray of shape (min(n, p),)
        The singular values of ``X``, decreasing.
    """
    if X.shape[0] == 0 or X.shape[1] == 0:
        return np.zeros((X.shape[1], Y.shape[1])), 0, np.zeros(0)
    if ridge == 0:
        with one_blas_thread():
            coef, _, rank, s = scipy.linalg.lstsq(
                X, Y, cond=rcond, lapack_driver="gelsd", check_finite=False
            )
        return coef, int(rank), s
    U, s, Vt = thin_svd(X)
    f, rank = spectral_filter(s, ridge, rcond)
    return Vt.T @ (f[:, None] * (U.T @ Y)), rank, s


def float64_digits(s, rank):
    """Correct digits a float64 solve keeps on the kept spectrum: ``-log10(cond * eps)``.

    ``cond = s_0 / s_{rank-1}``; ``inf`` for an empty or zero spectrum.
    """
    if rank == 0 or not s[rank - 1] > 0:
        return np.inf
    return -np.log10(s[0] / s[rank - 1] * EPS)


# ---------------------------------------------------------------------------
# Leave-one-out and GCV through the SVD
# ---------------------------------------------------------------------------


def _row_sq(U, w):
    """``sum_j U[i, j]^2 w[j]`` for every row ``i``."""
    return np.einsum("ij,ij,j->i", U, U, w) if U.shape[1] else np.zeros(U.shape[0])


#: Rows whose residual-space weight ``g_i`` falls below this are recomputed
#: from an explicit projection (relative accuracy ``eps / sqrt(g_i)`` instead
#: of the ``eps / g_i`` of ``1 - c - ||U_i||^2``).
_G_RECOMPUTE = 1e-4


def _complement_rows(Q, idx, Y):
    """``g_i = ||(I - Q Q^T) e_i||^2`` and ``[(I - Q Q^T) Y]_i`` for rows ``idx``, accurately.

    ``d_i = e_i - Q Q_i^T`` is orthogonalised against ``Q`` a second time
    ("twice is enough"), so its entries carry an absolute error of about
    ``eps``: ``g_i`` and the numerator are then accurate relative to
    ``||d_i||`` even for leverages within ``1e-12`` of one.

    Parameters
    ----------
    Q : ndarray of shape (n, m), orthonormal columns
    idx : ndarray of int, shape (t,)
    Y : ndarray of shape (n, k)

    Returns
    -------
    g : ndarray of shape (t,)
    num : ndarray of shape (t, k)
    """
    D = -(Q @ Q[idx].T)
    D[idx, np.arange(idx.size)] += 1.0
    D -= Q @ (Q.T @ D)
    return np.einsum("ij,ij->j", D, D), D.T @ Y


def loo_gcv_qr(X, Y, *, fit_intercept, rcond=None):
    r"""Leave-one-out residuals and GCV of ridgeless least squares (``p < n``), row-wise stable.

    The residuals are ``e_i = [(I - H) y]_i / (I - H)_{ii}`` with ``H`` the
    hat matrix of ``[1, X]`` (``X`` without an intercept).  ``H = Q Q^T`` is
    taken from a Householder QR with column pivoting of the rows sorted by
    decreasing size, which is backward stable row by row (Powell & Reid,
    1969; Cox & Higham, *IMA J. Numer. Anal.* 18, 1998): a row far larger
    than the others (leverage near one) perturbs only itself, where centring
    with the column means, or any reflection of the rows, would spread
    ``eps`` times its size over every other row.  The columns are first
    shifted by their medians (the hat matrix of ``[1, X - 1 c^T]`` is the
    same for any ``c``), so offsets do not enter either.  Rows with
    ``(I - H)_{ii} < 1e-4`` are recomputed by an explicit projection.

    Parameters
    ----------
    X : ndarray of shape (n, p), float64
    Y : ndarray of shape (n, k), float64
    fit_intercept : bool
    rcond : float or None
        Relative cut-off (default ``eps * max(n, p)``): where a diagonal
        entry of the pivoted triangular factor is within ``1e3 * rcond`` of
        the largest, the design is not clearly of full column rank and
        ``None`` is returned (the caller takes :func:`loo_gcv_svd`, which
        applies the cut exactly).

    Returns
    -------
    (loo, gcv) or None
        ``loo`` of shape (n, k), ``gcv`` of shape (k,).
    """
    n, p = X.shape
    if rcond is None:
        rcond = default_rcond(n, p)
    if fit_intercept:
        A = np.column_stack([np.ones(n), X - np.median(X, axis=0)])
    else:
        A = X
    m = A.shape[1]
    if m >= n:
        return None
    order = np.argsort(-np.max(np.abs(A), axis=1), kind="stable")
    with one_blas_thread():
        Q, R, _ = scipy.linalg.qr(A[order], mode="economic", pivoting=True,
                                  check_finite=False)
    d = np.abs(np.diagonal(R))
    if m == 0 or not d[0] > 0 or not np.min(d) > 1e3 * rcond * d[0]:
        return None
    Qr = np.empty_like(Q)
    Qr[order] = Q
    resid = Y - Qr @ (Qr.T @ Y)
    g = 1.0 - _row_sq(Qr, np.ones(m))
    small = np.flatnonzero(g < _G_RECOMPUTE)
    if small.size:
        g[small], resid[small] = _complement_rows(Qr, small, Y)
    if np.any(g <= (10.0 * EPS) ** 2 * n):  # a point of leverage one: the SVD route's limits
        return None
    return resid / g[:, None], np.mean(resid**2, axis=0) / ((n - m) / n) ** 2


def loo_gcv_svd(X, Y, ridges, *, fit_intercept, rcond=None):
    r"""Leave-one-out residuals and GCV of ridge regression for several ridges.

    With ``K = Xc Xc^T`` (``Xc`` the centred design when ``fit_intercept``),
    ``P`` the centring projector (identity without intercept) and ridge
    ``alpha`` (scikit-learn scale), the residual operator is
    ``I - H = alpha P (K + alpha I)^{-1} P`` and the leave-one-out residuals
    are ``e_i = [(I - H) y]_i / (I - H)_ii`` (exact for penalised least
    squares with an unpenalised intercept).  Through the thin SVD
    ``Xc = U diag(s) V^T`` (rank ``r`` at relative cut-off ``rcond``),
    dividing numerator and denominator by ``alpha``,

    .. math::

        e_i = \frac{[(P - UU^T) y]_i + [U \operatorname{diag}(w) U^T y]_i}
                   {(P - UU^T)_{ii} + [U \operatorname{diag}(w) U^T]_{ii}},
        \qquad w_j = \frac{\alpha}{s_j^2 + \alpha},

    which stays finite as ``alpha -> 0``: where ``(P - UU^T)_ii > 0`` the
    limit is the ordinary ``r_i / (1 - h_ii)``; where it vanishes (the point
    is interpolated, e.g. ``p >= n``) the limit is ``[K^+ y]_i / [K^+]_ii``,
    the minimum-norm interpolant's LOO residual.  GCV is
    ``mean((I-H)y)^2 / (tr(I-H)/n)^2`` with the same limits (``GCV_0`` when
    every point is interpolated).

    With an intercept the SVD is taken of the design deflated along the
    centring direction (:func:`deflate`), so rounding in the column means
    cannot mix with near-duplicate directions; rows whose residual-space
    weight ``(P - UU^T)_ii`` is small (leverage near one) are recomputed by
    an explicit projection (:func:`_complement_rows`).

    Parameters
    ----------
    X : ndarray of shape (n, p), float64
        Design (not centred; centring happens here when ``fit_intercept``).
    Y : ndarray of shape (n, k), float64
        Targets.
    ridges : ndarray of shape (m,)
        Ridge penalties ``alpha >= 0`` on scikit-learn's scale.
    fit_intercept : bool
        Whether the fit has an unpenalised intercept.
    rcond : float or None
        Relative singular-value cut-off; ``None`` means ``eps * max(n, p)``.

    Returns
    -------
    loo : ndarray of shape (m, n, k)
        Leave-one-out residuals ``y_i - f_{-i}(x_i)``.
    gcv : ndarray of shape (m, k)
        Generalised cross-validation estimates of the prediction risk.
    """
    n, p = X.shape
    if rcond is None:
        rcond = default_rcond(n, p)
    if fit_intercept:
        Xc, Yc, _, _, u = centre(X, Y)
        Uz, s, _ = thin_svd(deflate(u, Xc))
        r = numerical_rank(s, rcond)
        U = inflate(u, Uz[:, :r])
        Q = np.column_stack([u, U])
        c = 1.0 / n
    else:
        Yc = Y
        U, s, _ = thin_svd(X)
        r = numerical_rank(s, rcond)
        U = U[:, :r]
        Q = U
        c = 0.0
    s = s[:r]
    UtY = U.T @ Yc
    resid0 = Yc - U @ UtY
    g = (1.0 - c) - _row_sq(U, np.ones(r))
    small = np.flatnonzero(g < _G_RECOMPUTE)
    if small.size:
        g[small], resid0[small] = _complement_rows(Q, small, Yc)
    m0 = n - int(fit_intercept) - r  # dimension of the residual space
    # The computed g_i of an interpolated point (exact value 0) is the squared
    # norm of a vector of rounding errors of size ~eps; zero it, and the
    # residual, so that rounding does not swamp the O(alpha) terms.
    interp = g <= (10.0 * EPS) ** 2 * n
    g[interp] = 0.0
    resid0[interp] = 0.0
    ridges = np.atleast_1d(np.asarray(ridges, dtype=np.float64))
    loo = np.empty((ridges.size, n, Y.shape[1]))
    gcv = np.empty((ridges.size, Y.shape[1]))
    inv_s2 = 1.0 / s**2
    lim_num = U @ (inv_s2[:, None] * UtY)  # [K^+ y]_i
    lim_den = _row_sq(U, inv_s2)  # [K^+]_ii
    for j, alpha in enumerate(ridges):
        if alpha > 0:
            # w_j = alpha / (s_j^2 + alpha), written to stay finite for huge alpha
            w = 1.0 / (1.0 + s**2 / alpha)
            num = resid0 + U @ (w[:, None] * UtY)
            den = g + _row_sq(U, w)
            loo[j] = num / den[:, None]
            gcv[j] = np.mean(num**2, axis=0) / (np.mean(den) ** 2)
        elif m0 > 0:
            with np.errstate(divide="ignore", invalid="ignore"):
                e = resid0 / g[:, None]
                if np.any(interp):
                    e[interp] = lim_num[interp] / lim_den[interp, None]
            loo[j] = e
            gcv[j] = np.mean(resid0**2, axis=0) / (m0 / n) ** 2
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                loo[j] = lim_num / lim_den[:, None]
                gcv[j] = np.mean(lim_num**2, axis=0) / np.mean(lim_den) ** 2
    return loo, gcv


def centred_lstsq(X, Y, ridge, rcond, null_vec=None):
    """:func:`svd_lstsq` of a centred design, deflated along its centring direction.

    Parameters
    ----------
    X : ndarray of shape (n, p)
        Centred (and row-weighted) design.
    Y : ndarray of shape (n, k)
    ridge, rcond : float
    null_vec : ndarray of shape (n,), optional
        The centring direction ``u`` (see :func:`centre`); ``None`` without
        an intercept.

    Returns
    -------
    coef : ndarray of shape (p, k)
    rank : int
        At most ``n - 1`` with an intercept.
    s : ndarray
        Singular values of the (deflated) design, decreasing.
    """
    if null_vec is None:
        return svd_lstsq(X, Y, ridge, rcond)
    return svd_lstsq(deflate(null_vec, X), deflate(null_vec, Y), ridge, rcond)
