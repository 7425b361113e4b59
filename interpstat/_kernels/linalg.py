"""Linear-algebra kernels that BLAS cannot fuse (weighted row norms for leverages)."""

import numba
import numpy as np

from interpstat._jit import jit

__all__ = ["weighted_row_sq_norms"]


@jit(parallel=True)
def weighted_row_sq_norms(A, w, out):
    """Write ``out[i] = sum_j A[i, j]**2 * w[j]`` (one pass, no temporary).

    Used for leverages ``h_ii = ||U_i||^2`` (``w = 1``) and for diagonals of
    ``U diag(w) U^T`` (leave-one-out and GCV formulas).  Accumulates in
    float64 whatever the input precision.

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
    n, r = A.shape
    for i in numba.prange(n):
        acc = 0.0
        for j in range(r):
            a = np.float64(A[i, j])
            acc += a * a * np.float64(w[j])
        out[i] = acc
    return out
