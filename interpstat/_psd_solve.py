"""The one solver for ``G + ridge I`` (symmetric positive semi-definite Gram systems).

Factor ``F = G + ridge I (+ t u u^T)`` (Cholesky), estimate its condition,
refine the solution through a caller-given residual operator (``X``, ``Z``
or ``K``), solve well-conditioned systems in mixed precision, and compute
leave-one-out residuals and GCV from the factor.  Where the factor cannot
deliver an accurate answer it raises :class:`IllConditioned` and the caller
takes its spectral route (:mod:`interpstat._spectral`).

Every product and factorisation goes through :mod:`interpstat._lapack`
(scipy's BLAS/LAPACK, called without the GIL).  numpy and scipy each ship
their own OpenBLAS with its own thread pool; alternating calls between the
two makes the idle pool's spinning threads fight the working one for the
cores (measured here: a numpy product followed by a 1000 x 1000 scipy
Cholesky took 39 ms, the same two steps in scipy alone 19 ms).
"""

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.linalg
from scipy.linalg import blas, lapack

from interpstat import _lapack as _la
from interpstat._kernels.linalg import lower_to_float32, weighted_row_sq_norms
from interpstat._spectral import EPS, scaled_norm

__all__ = [
    "SKIP_REFINE_RCOND",
    "GramFactor",
    "IllConditioned",
    "factor",
    "gram",
    "loo_gcv_dual",
    "loo_gcv_primal",
    "lstsq_operators",
    "lstsq_residual",
    "mixed_solve",
    "near_cut",
    "rcond_estimate",
    "refine",
    "solve_gram",
]

#: Above this reciprocal condition estimate the plain Cholesky solution is
#: already within a small factor of the SVD's accuracy: its error is about
#: cond(G) eps, the SVD's about sqrt(cond(G)) eps, so at cond(G) <= 1e3 the
#: ratio is about 30 at most.  Refinement is skipped there.
SKIP_REFINE_RCOND = 1e-3
_MAX_REFINE = 6


class IllConditioned(Exception):
    """The Cholesky route cannot deliver an accurate answer; use the spectral route."""


# ---------------------------------------------------------------------------
# Products (scipy's BLAS, see the module docstring)
# ---------------------------------------------------------------------------


def dot(A, B, trans_a=False):
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


def gram(X, dual):
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


# ---------------------------------------------------------------------------
# Condition estimates
# ---------------------------------------------------------------------------


def near_cut(rcond_gram, ridge, rcond):
    """Whether a ridgeless fit has singular values near the user's cut-off ``rcond``.

    ``sqrt(rcond_gram)`` estimates ``s_min / s_max`` of the design; within a
    factor 10 of ``rcond`` the spectral route must apply the cut-off exactly.
    """
    return ridge == 0 and np.sqrt(rcond_gram) < 10.0 * rcond


def rcond_estimate(L, anorm):
    """Reciprocal 2-norm condition estimate of ``G = L L^T`` with ``||G||_1 = anorm``.

    ``cond_2(G) = lambda_max ||G^-1||_2 <= ||G||_1 ||G^-1||_1``: LAPACK
    ``pocon`` estimates ``||G^-1||_1`` (Hager's method, Higham's refinement,
    usually exact and at worst a few times low), and the 1-norm is a proven
    upper bound on ``lambda_max``.  Nothing sharper but unproven enters: a
    Lanczos estimate of ``lambda_max`` from a fixed start vector can miss a
    top eigenvector orthogonal to it by orders of magnitude, making the
    estimate optimistic exactly where it matters.  The price is pessimism
    (the 1-norm over-states ``lambda_max`` of Gram matrices 5-15 times),
    which only sends borderline problems to refinement or the spectral
    route.

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
    return rc1 / anorm, rc1


# ---------------------------------------------------------------------------
# The factor and the refined solve
# ---------------------------------------------------------------------------


@dataclass
class GramFactor:
    """Cholesky factor of ``F = G + ridge I (+ t u u^T)`` with its condition estimate.

    Attributes
    ----------
    L : ndarray of shape (m, m), Fortran order
        Lower factor (the upper triangle is garbage).
    rcond : float
        Estimate of the reciprocal 2-norm condition number of ``F``.
    lam_min : float
        Estimate of the smallest eigenvalue behind ``rcond``.
    shift : float
        ``t``, the multiple of ``u u^T`` added (0 without ``u``).
    """

    L: np.ndarray
    rcond: float
    lam_min: float
    shift: float = 0.0

    def solve(self, B):
        """``F^{-1} B`` for ``B`` of shape (m, k); returns a new Fortran array."""
        return _la.potrs(self.L, np.array(B, order="F"))

    def inv_diag(self):
        """``diag(F^{-1})``: the squared column norms of ``L^{-1}``; shape (m,)."""
        m = self.L.shape[0]
        Linv = np.tril(lapack.dtrtri(self.L, lower=1)[0])
        diag = np.empty(m)
        weighted_row_sq_norms(Linv.T, np.ones(m), diag)
        return diag


def factor(G, ridge, *, min_rcond, null_vec=None, lam_min=None):
    """Cholesky-factor ``G + ridge I (+ t u u^T)`` in place.

    Parameters
    ----------
    G : ndarray of shape (m, m), Fortran order
        Symmetric positive semi-definite; only its lower triangle is read
        (overwritten by the factor).
    ridge : float
        Added to the diagonal.
    min_rcond : float
        The factor is refused (``IllConditioned``) below this reciprocal
        condition estimate.  The caller chooses it from what its refinement
        can recover (see :func:`refine`).
    null_vec : ndarray of shape (m,), optional
        A unit vector ``u`` spanning a null direction of ``G`` that the
        right-hand sides are orthogonal to (the centring direction of a dual
        Gram matrix ``Xc Xc^T`` with an intercept).  ``t u u^T`` with ``t``
        the mean eigenvalue is added, which makes ``F`` definite without
        changing the solution for right-hand sides orthogonal to ``u``.
    lam_min : float, optional
        A lower bound on the smallest eigenvalue of ``F`` known to the caller
        (from a matrix it dominates).  When it alone shows
        ``rcond >= SKIP_REFINE_RCOND``, ``pocon`` is skipped.

    Returns
    -------
    GramFactor
    """
    m = G.shape[0]
    shift = 0.0
    if null_vec is not None:  # lower triangle += t u u^T
        shift = np.trace(G) / m
        _la.syr(shift, null_vec, G)
    if ridge:
        G.flat[:: m + 1] += ridge
    anorm = _la.lansy_one(G)
    if not np.isfinite(anorm) or anorm == 0.0:
        raise IllConditioned("the Gram matrix is zero or not finite")
    if _la.potrf(G) != 0:
        raise IllConditioned("the Gram matrix is not numerically positive definite")
    if lam_min is not None and lam_min >= SKIP_REFINE_RCOND * anorm:
        return GramFactor(G, lam_min / anorm, lam_min, shift)
    rcond, lam_min = rcond_estimate(G, anorm)
    if not rcond >= min_rcond:
        raise IllConditioned(f"Gram condition number estimate {1 / max(rcond, 1e-300):.2e}")
    return GramFactor(G, rcond, lam_min, shift)


def refine(F, b, residual_op, output_op=None):
    """Solve ``F z = b`` from the factor and refine through an accurate residual.

    Each step computes ``r = b - F z`` with ``residual_op`` (through ``X``
    for least squares, the corrected semi-normal equations: the answer
    reaches the accuracy of a backward-stable QR/SVD solve instead of
    the ``cond(X)^2 eps`` of plain normal equations; Björck, *Numerical
    Methods for Least Squares Problems*, 1996, sec. 2.9) and adds
    ``F^{-1} r``.  Convergence is judged on the output ``w = output_op(z)``
    (``X^T z`` for a dual least-squares solve).  Skipped when
    ``F.rcond >= SKIP_REFINE_RCOND``.

    Parameters
    ----------
    F : GramFactor
    b : ndarray of shape (m, k)
    residual_op : callable ``(z, w) -> r``
        ``b - F z`` computed accurately, shape (m, k).
    output_op : callable ``z -> w``, optional
        Linear map to the output (identity when omitted).

    Returns
    -------
    w : ndarray
        The output at the refined solution.

    Raises
    ------
    IllConditioned
        When refinement does not converge to ``sqrt(eps)``.
    """
    z = F.solve(b)
    w = z if output_op is None else output_op(z)
    # stop once corrections fall below the attainable accuracy ~ cond(X) eps
    stop = EPS * max(16.0, np.sqrt(1.0 / F.rcond))
    prev = np.inf
    dn, wn = 0.0, 1.0
    for _ in range(0 if F.rcond >= SKIP_REFINE_RCOND else _MAX_REFINE):
        dz = F.solve(residual_op(z, w))
        if output_op is None:
            z += dz
            dw = dz
        else:
            dw = output_op(dz)
            z += dz
            w += dw
        dn, wn = np.linalg.norm(dw), np.linalg.norm(w)
        if dn <= stop * wn or dn > 0.5 * prev:
            break
        prev = dn
    if not dn <= np.sqrt(EPS) * wn:
        raise IllConditioned("iterative refinement did not converge")
    return w


def solve_gram(G, b, *, ridge, rcond, min_rcond, residual_op, output_op=None,
               spectral_op, solver="auto", null_vec=None):
    """Solve ``(G + ridge I) z = b`` by Cholesky with refinement, else spectrally.

    Parameters
    ----------
    G : ndarray of shape (m, m), Fortran order
        Lower triangle read, overwritten.
    b : ndarray of shape (m, k)
    ridge, rcond, min_rcond : float
        See :func:`factor` and :func:`near_cut`.
    residual_op, output_op : callable
        See :func:`refine`.
    spectral_op : callable ``() -> (w, rank)``
        The spectral (SVD or eigen-decomposition) solve with a relative
        cut-off, used when the factor is refused.
    solver : {"auto", "cholesky"}
        ``"cholesky"`` warns when it falls back.
    null_vec : ndarray of shape (m,), optional
        See :func:`factor`.

    Returns
    -------
    w : ndarray
    rank : int or None
        ``None`` from the Cholesky route (the caller knows it).
    solver : {"cholesky", "svd"}
    """
    try:
        F = factor(G, ridge, min_rcond=min_rcond, null_vec=null_vec)
        if near_cut(F.rcond, ridge, rcond):
            # close to the user's rank cut-off: let the spectral route apply it
            raise IllConditioned("singular values near the rcond cut-off")
        return refine(F, b, residual_op, output_op), None, "cholesky"
    except IllConditioned as exc:
        if solver == "cholesky":
            warnings.warn(
                f"solver='cholesky' cannot solve this problem accurately ({exc}); "
                "falling back to solver='svd'. Use solver='auto' to choose silently.",
                scipy.linalg.LinAlgWarning,
                stacklevel=4,
            )
    w, rank = spectral_op()
    return w, rank, "svd"


def lstsq_residual(X, Y, ridge, dual):
    """Refinement residual ``b - F z`` of (ridge) least squares, computed through ``X``.

    ``dual``: ``F = X X^T + ridge I``, ``F a = Y``, ``coef = X^T a``, residual
    ``Y - X coef - ridge a``.  Primal: ``F = X^T X + ridge I``,
    ``F coef = X^T Y``, residual ``X^T (Y - X coef) - ridge coef``.  Going
    through ``X`` instead of the Gram matrix gives the corrected semi-normal
    equations (see :func:`refine`).

    Parameters
    ----------
    X : ndarray of shape (n, p)
    Y : ndarray of shape (n, k)
    ridge : float
    dual : bool

    Returns
    -------
    callable ``(z, coef) -> r``
    """
    if dual:
        def residual_op(A, coef):
            R = Y - dot(X, coef)
            return R - ridge * A if ridge else R
    else:
        def residual_op(_, coef):
            g = dot(X, Y - dot(X, coef), trans_a=True)
            if ridge:
                g -= ridge * coef
            return g

    return residual_op


def lstsq_operators(X, Y, ridge, dual):
    """``(b, residual_op, output_op)`` of (ridge) least squares for :func:`refine`.

    See :func:`lstsq_residual`; ``b`` is ``Y`` (dual) or ``X^T Y``, and the
    output map is ``a -> X^T a`` (dual) or the identity (``None``).
    """
    residual_op = lstsq_residual(X, Y, ridge, dual)
    if dual:
        return Y, residual_op, lambda A: dot(X, A, trans_a=True)
    return dot(X, Y, trans_a=True), residual_op, None


# ---------------------------------------------------------------------------
# Mixed precision
# ---------------------------------------------------------------------------

#: Most refinement steps of the mixed-precision solve; where it is accepted it
#: needs about four (each gains -log10(rho) >= 5 digits).
_MIXED_MAX_STEPS = 8
#: The mixed-precision solve is accepted when every refinement step contracts
#: the correction at least this much.  The contraction is about 0.1 to 1 times
#: ``cond(F) u_32`` (``u_32 = 2^-24``; 0.1 near the threshold, 1 far from it,
#: measured on Gaussian Gram matrices), so this certifies ``cond(F)`` below
#: about 1.7e3, the regime where the float64 Cholesky solution needs no
#: refinement (``SKIP_REFINE_RCOND``).
_MIXED_MAX_CONTRACTION = 1e-5
_U32 = float(np.finfo(np.float32).eps) / 2


def mixed_solve(S, Y, ridge, null_vec, work32):
    """Mixed-precision solve of ``F a = y``, ``F = K + ridge I + t u u^T``; ``K`` intact in ``S``.

    ``F`` is factored in float32 (``spotrf`` takes half the time of
    ``dpotrf``) and the solution refined with float64 residuals
    ``y - F a`` (products with ``K`` in float64, ``dsymv``).  Each step
    contracts the error by about ``rho = cond(F) u_32`` until it reaches the
    ``cond(F) eps`` accuracy of a float64 Cholesky solve (Higham, *Accuracy
    and Stability of Numerical Algorithms*, 2nd ed., 2002, sec. 12.1; Carson
    & Higham, SIAM J. Sci. Comput. 40, 2018).

    The contraction measures the condition of ``F`` *after the best diagonal
    scaling* (Cholesky's backward error is componentwise, van der Sluis),
    blind to row scalings of the design.  So the certificate is
    ``rho * d_max / d_min`` (``d`` the diagonal of ``F``; ``cond(F) <=
    cond(D^-1/2 F D^-1/2) d_max / d_min``), and the solve is accepted only
    when it stays below ``_MIXED_MAX_CONTRACTION`` at every step
    (``cond(F) <~ 1.7e3``) and the corrections fall below ``cond(F) eps``.
    Otherwise (the factor fails, a step contracts less, or refinement
    stalls) it returns ``None`` and the caller takes the float64 route.
    The float32 copy is scaled by ``1 / d_max`` and every residual by its
    largest entry before the cast, so neither overflows nor underflows.

    Parameters
    ----------
    S : ndarray of shape (n, n), Fortran order
        Lower triangle: ``K``.  Not modified.
    Y : ndarray of shape (n, k)
    ridge : float
    null_vec : ndarray of shape (n,) or None
        The constant unit vector of an intercept, with shift ``t = tr(K) / n``.
    work32 : ndarray of shape (n, n), float32, Fortran order
        Receives the float32 factor.

    Returns
    -------
    (A, KA, rcond) or None
        ``A = F^{-1} y``, ``K A`` and the reciprocal condition estimate
        ``u_32 / (rho d_max / d_min)``.
    """
    n = S.shape[0]
    shift = np.trace(S) / n if null_vec is not None else 0.0
    diag = np.diagonal(S) + (ridge + shift / n)
    d_max, d_min = float(np.max(diag)), float(np.min(diag))
    if not (d_min > 0 and np.isfinite(d_max)):
        return None
    spread = d_max / d_min  # cond(F) >= spread: a proven lower bound
    if spread * _U32 > _MIXED_MAX_CONTRACTION:
        return None
    c = 1.0 / d_max
    lower_to_float32(S, ridge, shift / n, work32, scale=c)  # t u u^T = (t / n) everywhere
    if _la.potrf(work32) != 0:
        return None
    A = np.zeros(Y.shape, order="F")
    R = Y
    rho, prev = 0.0, None
    for _ in range(_MIXED_MAX_STEPS):
        rs = float(np.max(np.abs(R)))
        if not np.isfinite(rs):
            return None
        if rs == 0.0:  # exact (y = 0, or refinement hit the solution)
            return A, _la.symm(S, A), _mixed_rcond(rho, spread)
        D = _la.potrs(work32, np.asfortranarray(R / rs, dtype=np.float32)).astype(np.float64)
        D *= rs * c  # (c F) D' = R / rs  =>  F (rs c D') = R
        A += D
        KA = _la.symm(S, A)
        FA = KA + ridge * A if ridge else KA
        if null_vec is not None:
            FA = FA + shift * np.outer(null_vec, null_vec @ A)
        R = Y - FA
        dn, an = scaled_norm(D), scaled_norm(A)
        if not np.isfinite(an):
            return None
        if prev is not None:
            # converged to the float64 accuracy cond(F) eps (cond(F) ~ rho / u_32)?
            # The last ratio is not a contraction but the rounding floor.
            if dn <= EPS * max(16.0, rho * spread / _U32) * an:
                return A, KA, _mixed_rcond(rho, spread)
            rho = max(rho, dn / prev)
            if rho * spread > _MIXED_MAX_CONTRACTION:
                return None
        prev = dn
    return None


def _mixed_rcond(rho, spread):
    """Reciprocal condition estimate ``u_32 / (rho * spread)`` of an accepted mixed solve."""
    return min(1.0, _U32 / (rho * spread)) if rho > 0 else 1.0 / spread


# ---------------------------------------------------------------------------
# Leave-one-out and GCV from the factor
# ---------------------------------------------------------------------------


def loo_gcv_dual(F, Y, ridge, null_vec=None):
    """Exact LOO residuals and GCV from the factor of ``F = K + ridge I (+ t u u^T)``.

    The residual operator is ``I - H = ridge Q`` with
    ``Q = F^{-1} - u u^T / (ridge + t)`` (``Q = F^{-1}`` without ``u``), so
    ``e = Q y / diag(Q)`` and ``GCV = mean((Q y)^2) / mean(diag Q)^2``; at
    ``ridge = 0`` this is the interpolation limit ``[K^+ y]_i / [K^+]_ii``
    (the centring direction ``u`` of an intercept, ``u`` constant, removed).

    Parameters
    ----------
    F : GramFactor
    Y : ndarray of shape (n, k), orthogonal to ``u``
    ridge : float
    null_vec : ndarray of shape (n,), optional
        The constant unit vector ``u`` the factor was shifted along.

    Returns
    -------
    loo : ndarray of shape (n, k)
    gcv : ndarray of shape (k,)
    """
    n = F.L.shape[0]
    diag = F.inv_diag()
    QY = F.solve(Y)
    if null_vec is not None:
        diag -= 1.0 / (n * (ridge + F.shift))
    scale = np.mean(diag)  # GCV is scale-free: divide first to avoid under/overflow
    return QY / diag[:, None], np.mean((QY / scale) ** 2, axis=0)


def loo_gcv_primal(F, X, Y, ridge, fit_intercept, resid):
    """Exact LOO residuals and GCV from the factor of ``X^T X + ridge I`` (``p < n``).

    The leverages ``h_ii = ||L^{-1} x_i||^2`` give ``e = r / (1 - c - h)``
    (``c = 1/n`` with an intercept).

    Parameters
    ----------
    F : GramFactor
    X : ndarray of shape (n, p), centred with an intercept
    Y : ndarray of shape (n, k)
    ridge : float
    fit_intercept : bool
    resid : ndarray of shape (n, k)
        Training residual of the (refined) fit.

    Returns
    -------
    loo : ndarray of shape (n, k)
    gcv : ndarray of shape (k,)

    Raises
    ------
    IllConditioned
        Where a leverage is too close to one for the factor's accuracy.
    """
    n, p = X.shape
    W = blas.dtrsm(1.0, F.L, X.T, lower=1)  # L^{-1} X^T, shape (p, n)
    lev = np.empty(n)
    weighted_row_sq_norms(W.T, np.ones(p), lev)
    g = 1.0 - (1.0 / n if fit_intercept else 0.0) - lev
    # g carries an absolute error of about cond(F) eps; dividing by a small g
    # (leverage near one, p close to n) must keep the relative error below 1e-11
    if not np.min(g) * F.rcond >= EPS / 1e-11:
        raise IllConditioned("leverages too close to one for the inverse factor")
    return resid / g[:, None], np.mean(resid**2, axis=0) / np.mean(g) ** 2
