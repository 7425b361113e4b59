"""Linear-algebra kernels that BLAS cannot fuse (weighted row norms, shifted precision casts)."""

import numba
import numpy as np

from interpstat._jit import jit

__all__ = ["lower_to_float32", "weighted_row_sq_norms"]


@jit(parallel=True)
def _row_sq_norms_rows(A, w, out):
    n, r = A.shape
    for i in numba.prange(n):
        acc = 0.0
        for j in range(r):
            a = np.float64(A[i, j])
            acc += a * a * np.float64(w[j])
        out[i] = acc
    return out


@jit(parallel=True)
def _row_sq_norms_cols(A, w, out):
    # Column-major layout: each thread owns a block of rows and sweeps the
    # columns, so memory is read contiguously; per row the terms are added in
    # the same order (j = 0, 1, ...) as in _row_sq_norms_rows, so both kernels
    # give bit-identical results.
    n, r = A.shape
    n_blocks = max(1, min(n // 128, 1024))
    for b in numba.prange(n_blocks):
        lo = b * n // n_blocks
        hi = (b + 1) * n // n_blocks
        for i in range(lo, hi):
            out[i] = 0.0
        for j in range(r):
            wj = np.float64(w[j])
            for i in range(lo, hi):
                a = np.float64(A[i, j])
                out[i] += a * a * wj
    return out


def weighted_row_sq_norms(A, w, out):
    """Write ``out[i] = sum_j A[i, j]**2 * w[j]`` (one pass, no temporary).

    Used for leverages ``h_ii = ||U_i||^2`` (``w = 1``) and for diagonals of
    ``U diag(w) U^T`` (leave-one-out and GCV formulas).  Accumulates in
    float64 whatever the input precision; the loop order follows the memory
    layout of ``A`` (row- or column-major), with identical results.  About 2-3x
    faster than ``(A**2) @ w`` or ``einsum`` on 2 cores.

    Parameters
    ----------
    A : ndarray of shape (n, r)
        Any layout (C, F or strided), float32 or float64, may be read-only.
    w : ndarray of shape (r,)
        Column weights.
    out : ndarray of shape (n,)
        Output, written in place.

    Returns
    -------
    out : ndarray of shape (n,)
    """
    if A.flags.f_contiguous and not A.flags.c_contiguous:
        return _row_sq_norms_cols(A, w, out)
    return _row_sq_norms_rows(A, w, out)


@jit()
def _lower_to_float32(S, diag_add, all_add, scale, out):
    m = S.shape[0]
    for j in range(m):  # column by column: contiguous for Fortran-ordered S and out
        out[j, j] = np.float32((S[j, j] + all_add + diag_add) * scale)
        for i in range(j + 1, m):
            out[i, j] = np.float32((S[i, j] + all_add) * scale)
    return out


def lower_to_float32(S, diag_add, all_add, out, scale=1.0):
    """Write the lower triangle of ``scale * (S + all_add + diag_add I)`` into ``out`` in float32.

    One pass over the lower triangle (the upper triangles are neither read nor
    written): the single-precision copy of a shifted Gram matrix
    ``K + ridge I + t u u^T`` (``u`` the constant unit vector, so the rank-one
    term adds ``t / m`` to every entry) that a mixed-precision solve factors.
    The sum is formed and scaled in float64 and rounded once; ``scale``
    (e.g. one over the largest diagonal entry) keeps the float32 entries
    away from overflow and underflow whatever the scale of ``S``.

    Parameters
    ----------
    S : ndarray of shape (m, m), float64
        Any layout; Fortran order is the fast one.
    diag_add, all_add : float
    out : ndarray of shape (m, m), float32, written in place
    scale : float, default=1.0

    Returns
    -------
    out : ndarray of shape (m, m)
    """
    return _lower_to_float32(S, float(diag_add), float(all_add), float(scale), out)
