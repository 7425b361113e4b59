"""EM kernels for Gaussian mixtures: one fused pass per iteration, and batched restarts.

One pass over the rows computes, for every row, the log-densities of all
components, their log-sum-exp (the row's log-likelihood) and the
responsibilities, and accumulates the sufficient statistics of the next
M-step in the same sweep.  The statistics are *centred at the current means*
``m_k`` (which the E-step subtracts anyway), so that second moments do not
lose digits to cancellation when the data sit far from the origin:

.. math::

    N_k = \\sum_i r_{ik}, \\quad
    s_k = \\sum_i r_{ik} (x_i - m_k), \\quad
    S_k = \\sum_i r_{ik} (x_i - m_k)(x_i - m_k)^T .

Rows are processed in chunks of fixed size (independent of the thread
count); each chunk writes its partial sums to its own slot and the caller
adds the slots serially, so results do not depend on the number of threads.
Inside a chunk, sub-blocks of ``_SUB`` rows are transposed so that every loop
over rows is unit-stride and LLVM vectorises it; the exponentials are taken
by :func:`_exp_nonpos` (a vectorisable exp, at most 1 ulp from libm's, since
``math.exp`` is a scalar call), and sums over rows run in four interleaved
partial sums -- a fixed order, so results stay reproducible.  There is no
fastmath: NaN and inf propagate as in plain float64 arithmetic.
All arithmetic is in float64 whatever the precision of ``X``.
"""

import math

import numba
import numpy as np

from interpstat._jit import jit

__all__ = [
    "CHUNK",
    "em_pass_chol",
    "em_pass_diag",
    "general_restarts",
    "n_chunks",
    "symmetric_restarts",
]

#: Rows per chunk of the fused pass (a constant, so that partial sums and
#: hence results are the same for any thread count).
CHUNK = 1024

#: Rows per block of the restart kernel: the exponentials of a block are
#: evaluated in vectorised loops on scratch arrays, and the ``log1p`` terms of
#: a block are summed as the log of a product of numbers in [1, 2] (at most
#: ``2**_BLOCK``, far from overflow), one logarithm per block instead of one
#: per row.
_BLOCK = 256

#: Rows per transposed sub-block inside a chunk of the fused diagonal pass.
_SUB = 256

# exp(x) = 2**k exp(r): constants of the range reduction (fdlibm's two-part
# log 2, whose high part has trailing zero bits so that k * _LN2_HI is exact)
# and 1/j! for the Taylor polynomial of exp(r).
_INV_LN2 = 1.4426950408889634
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_SHIFTER = 6755399441055744.0  # 1.5 * 2**52
_SHIFT_BITS = 0x4338000000000000  # its bit pattern
_E3 = 1.0 / 6.0
_E4 = 1.0 / 24.0
_E5 = 1.0 / 120.0
_E6 = 1.0 / 720.0
_E7 = 1.0 / 5040.0
_E8 = 1.0 / 40320.0
_E9 = 1.0 / 362880.0
_E10 = 1.0 / 3628800.0
_E11 = 1.0 / 39916800.0
_E12 = 1.0 / 479001600.0
_E13 = 1.0 / 6227020800.0

_LOG_2PI = math.log(2.0 * math.pi)


def n_chunks(n):
    """Number of row chunks of the fused pass for ``n`` rows (at least one)."""
    return max(1, -(-n // CHUNK))


@jit(fastmath={"contract"})
def _reduce(x):
    """``x = k log 2 + r`` with ``k = round(x / log 2)``, ``|r| <= 0.35``:
    returns ``t = 1.5 * 2**52 + k`` (whose low mantissa bits are ``k``) and
    ``r``, from the two-part log 2 (``k * _LN2_HI`` is exact)."""
    t = x * _INV_LN2 + _SHIFTER
    k = t - _SHIFTER
    return t, (x - k * _LN2_HI) - k * _LN2_LO


@jit(fastmath={"contract"})
def _taylor_q(r):
    """``Q(r)`` with ``exp(r) = 1 + r Q(r)``: the Taylor polynomial of degree
    13 of ``exp`` without its leading 1, in Horner form (truncation below
    ``4e-18`` relative for ``|r| <= 0.35``; the products and sums may be fused
    into FMAs, which only removes roundings)."""
    p = _E13
    p = p * r + _E12
    p = p * r + _E11
    p = p * r + _E10
    p = p * r + _E9
    p = p * r + _E8
    p = p * r + _E7
    p = p * r + _E6
    p = p * r + _E5
    p = p * r + _E4
    p = p * r + _E3
    p = p * r + 0.5
    return p * r + 1.0


@jit(fastmath={"contract"})
def _exp_nonpos(x, out, tbuf, sbuf):
    """``out[i] = exp(x[i])`` for ``x[i] <= 0`` (or NaN), in loops LLVM vectorises.

    ``math.exp`` is a libm call that stays scalar; here ``x = k log 2 + r``
    with ``k = round(x / log 2)`` (by the round-to-nearest of adding
    ``1.5 * 2**52``, whose low mantissa bits are then ``k``), ``|r| <= 0.35``
    from a two-part (Cody-Waite) ``log 2``, ``exp(r)`` by its Taylor
    polynomial of degree 13 (truncation below ``4e-18`` relative) in Horner
    form, and ``2**k`` built in exponent fields through integer views, as
    ``2**h 2**(k - h)`` with ``h = floor(k / 2)`` so that both factors are
    normal numbers and only the last product rounds into the subnormal range.
    Arguments below -746 are clamped to it (``exp(-746)`` rounds to 0, as does
    ``exp(-inf)``); NaN stays NaN.  Measured error: at most 1 ulp against
    ``math.exp`` on ``[-708, 0]`` (tests check it on a fine grid), and within
    one subnormal step below.  ``out``, ``tbuf`` and ``sbuf`` are float64
    arrays at least as long as ``x``, distinct from it and from each other.
    """
    m = x.shape[0]
    for i in range(m):
        xi = x[i]
        xi = -746.0 if xi < -746.0 else xi
        t, r = _reduce(xi)
        p = _taylor_q(r)
        out[i] = p * r + 1.0
        tbuf[i] = t
    ti = tbuf.view(np.int64)
    si = sbuf.view(np.int64)
    for i in range(m):
        # the bits of 1.5 * 2**52 + k are _SHIFT_BITS + k; 2**j has (j + 1023) << 52
        k = ti[i] - _SHIFT_BITS
        h = k >> 1
        si[i] = (h + 1023) << 52
        ti[i] = (k - h + 1023) << 52
    for i in range(m):
        out[i] = (out[i] * sbuf[i]) * tbuf[i]


@jit(fastmath={"contract"})
def _sum4(v, m):
    """``sum(v[:m])`` in four interleaved partial sums: the additions overlap,
    and the order is fixed (independent of threads)."""
    m4 = m - m % 4
    a0 = a1 = a2 = a3 = 0.0
    for i in range(0, m4, 4):
        a0 += v[i]
        a1 += v[i + 1]
        a2 += v[i + 2]
        a3 += v[i + 3]
    for i in range(m4, m):
        a0 += v[i]
    return (a0 + a1) + (a2 + a3)


@jit(fastmath={"contract"})
def _dot4(u, v, m):
    """``sum(u[:m] * v[:m])`` in the order of :func:`_sum4`."""
    m4 = m - m % 4
    a0 = a1 = a2 = a3 = 0.0
    for i in range(0, m4, 4):
        a0 += u[i] * v[i]
        a1 += u[i + 1] * v[i + 1]
        a2 += u[i + 2] * v[i + 2]
        a3 += u[i + 3] * v[i + 3]
    for i in range(m4, m):
        a0 += u[i] * v[i]
    return (a0 + a1) + (a2 + a3)


@jit(fastmath={"contract"})
def _load_block(X, b0, m, xt):
    """Rows ``b0 .. b0 + m`` of ``X`` into the columns of ``xt`` (float64), so
    that the loops over rows that follow are unit-stride and vectorise."""
    d = X.shape[1]
    for i in range(m):
        for j in range(d):
            xt[j, i] = np.float64(X[b0 + i, j])


@jit(fastmath={"contract"})
def _shifted_exp(lp, ex, m, mx, tot, w1, w2, w3):
    """``ex[k, :m] = exp(lp[k, :m] - mx)`` with ``mx`` the row maxima of the
    block ``lp[:, :m]`` (rows along the second axis), and ``tot`` the row sums
    of ``ex`` (in ``[1, K]``: the largest term is ``exp(0) = 1``).

    The shift keeps components far apart or with tiny variances from
    underflowing the sum; the exponentials are vectorised
    (:func:`_exp_nonpos`).  ``w1, w2, w3`` are scratch rows.
    """
    K = lp.shape[0]
    for i in range(m):
        mx[i] = lp[0, i]
    for k in range(1, K):
        for i in range(m):
            v = lp[k, i]
            mx[i] = v if v > mx[i] else mx[i]
    for i in range(m):
        tot[i] = 0.0
    for k in range(K):
        for i in range(m):
            w1[i] = lp[k, i] - mx[i]
        _exp_nonpos(w1[:m], ex[k], w2, w3)
        exk = ex[k]
        for i in range(m):
            tot[i] += exk[i]


@jit(fastmath={"contract"})
def _normalise_block(acc_ll, lp, ex, m, b0, log_resp, log_norm, mx, tot, w1, w2, w3):
    """Log-sum-exp of the block ``lp[:, :m]`` (log-weight plus log-density of
    each component, rows along the second axis); returns ``acc_ll`` plus the
    row log-likelihoods (added one by one, the order of a running sum over the
    chunk) and leaves the responsibilities in ``ex[:, :m]``.

    The responsibilities are ``exp(lp - max) / sum`` (:func:`_shifted_exp`;
    no second exp).  ``log_resp`` and ``log_norm`` (rows ``b0 ..``) are
    written when they are not empty; ``mx, tot, w1, w2, w3`` are scratch rows.
    """
    K = lp.shape[0]
    want_resp = log_resp.shape[0] > 0
    want_norm = log_norm.shape[0] > 0
    _shifted_exp(lp, ex, m, mx, tot, w1, w2, w3)
    for i in range(m):
        lse = mx[i] + math.log(tot[i])
        acc_ll += lse
        if want_norm:
            log_norm[b0 + i] = lse
        if want_resp:
            for k in range(K):
                log_resp[b0 + i, k] = lp[k, i] - lse
        w1[i] = 1.0 / tot[i]
    for k in range(K):
        r = ex[k]
        for i in range(m):
            r[i] *= w1[i]
    return acc_ll


@jit(fastmath={"contract"})
def _chunk_chol(X, means, prec_t, log_const, moments, ll, nk, s1, s2, log_resp, log_norm, c):
    # As _chunk_diag, with the full triangular factors: y = (x - m_k)^T U_k.
    n, d = X.shape
    K = means.shape[0]
    lo = c * CHUNK
    hi = min(n, lo + CHUNK)
    xt = np.empty((d, _SUB))
    dk = np.empty((d, _SUB))
    lp = np.empty((K, _SUB))
    ex = np.empty((K, _SUB))
    sc = np.empty((5, _SUB))
    y = np.empty(_SUB)
    # chunk-local accumulators, copied out at the end
    a_nk = np.zeros(K)
    a_s1 = np.zeros((K, d))
    a_s2 = np.zeros((K, d, d))
    acc_ll = 0.0
    for b0 in range(lo, hi, _SUB):
        m = min(hi, b0 + _SUB) - b0
        _load_block(X, b0, m, xt)
        for k in range(K):
            q = lp[k]
            for i in range(m):
                q[i] = 0.0
            for j in range(d):
                mkj = means[k, j]
                xj = xt[j]
                dj = dk[j]
                for i in range(m):
                    dj[i] = xj[i] - mkj
                # y = (x - m_k) @ U_k = U_k^T (x - m_k), reading U_k^T row by row
                for i in range(m):
                    y[i] = 0.0
                for jj in range(j + 1):
                    u = prec_t[k, j, jj]
                    dl = dk[jj]
                    for i in range(m):
                        y[i] += u * dl[i]
                for i in range(m):
                    q[i] += y[i] * y[i]
            ck = log_const[k]
            for i in range(m):
                q[i] = ck - 0.5 * q[i]
        acc_ll = _normalise_block(acc_ll, lp, ex, m, b0, log_resp, log_norm,
                                  sc[0], sc[1], sc[2], sc[3], sc[4])
        for k in range(K):
            r = ex[k]
            a_nk[k] += _sum4(r, m)
            for j in range(d):
                mkj = means[k, j]
                xj = xt[j]
                dj = dk[j]
                for i in range(m):
                    dj[i] = xj[i] - mkj
                for i in range(m):
                    y[i] = r[i] * dj[i]  # r (x_j - m_kj)
                a_s1[k, j] += _sum4(y, m)
                if moments:
                    for jj in range(j + 1):
                        a_s2[k, j, jj] += _dot4(y, dk[jj], m)
    ll[c] = acc_ll
    for k in range(K):
        nk[c, k] = a_nk[k]
        for j in range(d):
            s1[c, k, j] = a_s1[k, j]
            if moments:
                for jj in range(d):
                    s2[c, k, j, jj] = a_s2[k, j, jj]


@jit(parallel=True, fastmath={"contract"})
def _pass_chol(X, means, prec_t, log_const, moments, ll, nk, s1, s2, log_resp, log_norm):
    for c in numba.prange(ll.shape[0]):
        _chunk_chol(X, means, prec_t, log_const, moments, ll, nk, s1, s2, log_resp, log_norm, c)
    return ll


@jit(fastmath={"contract"})
def _pass_chol_serial(X, means, prec_t, log_const, moments, ll, nk, s1, s2, log_resp,
                      log_norm):
    # one chunk: no thread launch (it costs more than the work for small n)
    for c in range(ll.shape[0]):
        _chunk_chol(X, means, prec_t, log_const, moments, ll, nk, s1, s2, log_resp, log_norm, c)
    return ll


@jit(fastmath={"contract"})
def _chunk_diag(X, means, prec_chol, log_const, moments, ll, nk, s1, s2, log_resp, log_norm, c):
    # Sub-blocks of _SUB rows, transposed into xt, so that every loop over rows
    # is unit-stride and vectorises (the exponentials through _exp_nonpos);
    # sums over rows run in four interleaved partial sums (a fixed order).
    n, d = X.shape
    K = means.shape[0]
    lo = c * CHUNK
    hi = min(n, lo + CHUNK)
    xt = np.empty((d, _SUB))
    lp = np.empty((K, _SUB))
    ex = np.empty((K, _SUB))
    sc = np.empty((5, _SUB))
    # chunk-local accumulators, copied out at the end
    a_nk = np.zeros(K)
    a_s1 = np.zeros((K, d))
    a_s2 = np.zeros((K, d))
    acc_ll = 0.0
    for b0 in range(lo, hi, _SUB):
        m = min(hi, b0 + _SUB) - b0
        m4 = m - m % 4
        _load_block(X, b0, m, xt)
        for k in range(K):
            q = lp[k]
            for i in range(m):
                q[i] = 0.0
            for j in range(d):
                mkj = means[k, j]
                pkj = prec_chol[k, j]
                xj = xt[j]
                for i in range(m):
                    y = (xj[i] - mkj) * pkj
                    q[i] += y * y
            ck = log_const[k]
            for i in range(m):
                q[i] = ck - 0.5 * q[i]
        acc_ll = _normalise_block(acc_ll, lp, ex, m, b0, log_resp, log_norm,
                                  sc[0], sc[1], sc[2], sc[3], sc[4])
        for k in range(K):
            r = ex[k]
            a_nk[k] += _sum4(r, m)
            for j in range(d):
                mkj = means[k, j]
                xj = xt[j]
                f0 = f1 = f2 = f3 = 0.0
                g0 = g1 = g2 = g3 = 0.0
                for i in range(0, m4, 4):
                    e0 = xj[i] - mkj
                    e1 = xj[i + 1] - mkj
                    e2 = xj[i + 2] - mkj
                    e3 = xj[i + 3] - mkj
                    r0 = r[i] * e0
                    r1 = r[i + 1] * e1
                    r2 = r[i + 2] * e2
                    r3 = r[i + 3] * e3
                    f0 += r0
                    f1 += r1
                    f2 += r2
                    f3 += r3
                    g0 += r0 * e0
                    g1 += r1 * e1
                    g2 += r2 * e2
                    g3 += r3 * e3
                for i in range(m4, m):
                    e0 = xj[i] - mkj
                    r0 = r[i] * e0
                    f0 += r0
                    g0 += r0 * e0
                a_s1[k, j] += (f0 + f1) + (f2 + f3)
                a_s2[k, j] += (g0 + g1) + (g2 + g3)
    ll[c] = acc_ll
    for k in range(K):
        nk[c, k] = a_nk[k]
        for j in range(d):
            s1[c, k, j] = a_s1[k, j]
            if moments:
                s2[c, k, j] = a_s2[k, j]


@jit(parallel=True, fastmath={"contract"})
def _pass_diag(X, means, prec_chol, log_const, moments, ll, nk, s1, s2, log_resp, log_norm):
    for c in numba.prange(ll.shape[0]):
        _chunk_diag(X, means, prec_chol, log_const, moments, ll, nk, s1, s2, log_resp, log_norm, c)
    return ll


@jit(fastmath={"contract"})
def _pass_diag_serial(X, means, prec_chol, log_const, moments, ll, nk, s1, s2, log_resp,
                      log_norm):
    # one chunk: no thread launch (it costs more than the work for small n)
    for c in range(ll.shape[0]):
        _chunk_diag(X, means, prec_chol, log_const, moments, ll, nk, s1, s2, log_resp, log_norm, c)
    return ll


def _plain(X):
    """``X`` as a C-contiguous writable array (a copy only when it is not one):
    one compiled signature per dtype instead of one per layout and flag."""
    return np.require(X, requirements=["C", "W"])


def _buffers(n, K, d, s2_shape, log_resp, log_norm):
    nc = n_chunks(n)
    ll = np.zeros(nc)
    nk = np.empty((nc, K))
    s1 = np.empty((nc, K, d))
    s2 = np.empty((nc, *s2_shape))
    lr = np.empty((0, K)) if log_resp is None else log_resp
    ln = np.empty(0) if log_norm is None else log_norm
    return ll, nk, s1, s2, lr, ln


def _sum_chunks(ll, nk, s1, s2, moments):
    # serial sums over the chunk axis: a fixed order for any thread count
    return (
        float(ll.sum()),
        nk.sum(axis=0),
        s1.sum(axis=0),
        s2.sum(axis=0) if moments else None,
    )


def em_pass_chol(X, means, prec_chol, log_const, moments=True, log_resp=None, log_norm=None):
    """E-step and sufficient statistics for Cholesky-factored precisions (one pass).

    Component ``k`` has log-density plus log-weight

    .. math::

        \\log w_k + \\log\\mathcal N(x; m_k, (U_k U_k^T)^{-1})
        = c_k - \\tfrac12 \\lVert (x - m_k)^T U_k \\rVert^2,
        \\qquad c_k = \\log w_k + \\log\\det U_k - \\tfrac d2 \\log 2\\pi,

    with ``U_k`` upper triangular (scikit-learn's ``precisions_cholesky_``
    convention; only its upper triangle is read).  The row log-likelihood is
    the log-sum-exp over ``k`` (shifted by the row maximum, so components
    far apart or with tiny variances do not underflow the sum), and the
    responsibilities are ``r_ik = exp(lp_ik - lse_i)``.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        float32 or float64; other layouts and read-only arrays are copied
        to C order first (one compiled signature per dtype).
    means : ndarray of shape (K, d), float64
        Current means ``m_k`` (the statistics are centred at them).
    prec_chol : ndarray of shape (K, d, d), float64
        Upper-triangular ``U_k`` with precision ``U_k U_k^T``.
    log_const : ndarray of shape (K,), float64
        ``c_k`` above (``-inf`` for a zero weight).
    moments : bool, default=True
        Accumulate the second moments ``S_k`` (lower triangle only).
    log_resp : ndarray of shape (n, K), float64, optional
        Written with ``log r_ik`` when given.
    log_norm : ndarray of shape (n,), float64, optional
        Written with the row log-likelihoods when given.

    Returns
    -------
    ll : float
        Sum of the row log-likelihoods.
    nk : ndarray of shape (K,)
        ``N_k``.
    s1 : ndarray of shape (K, d)
        ``s_k``, centred at ``means``.
    s2 : ndarray of shape (K, d, d) or None
        ``S_k`` (lower triangle; the strict upper triangle is zero), centred
        at ``means``; None when ``moments`` is false.
    """
    X = _plain(X)
    n, d = X.shape
    K = means.shape[0]
    # the kernel reads the transposed (lower-triangular) factors, contiguously
    prec_t = np.ascontiguousarray(np.swapaxes(prec_chol, 1, 2))
    bufs = _buffers(n, K, d, (K, d, d) if moments else (0, 0, 0), log_resp, log_norm)
    kernel = _pass_chol if len(bufs[0]) > 1 else _pass_chol_serial
    kernel(X, means, prec_t, log_const, bool(moments), *bufs)
    return _sum_chunks(*bufs[:4], moments)


def em_pass_diag(X, means, prec_chol, log_const, moments=True, log_resp=None, log_norm=None):
    """E-step and sufficient statistics for diagonal precisions (one pass).

    As :func:`em_pass_chol` with ``U_k = diag(prec_chol[k])``; the second
    moments are the diagonals ``S_k[j] = sum_i r_ik (x_ij - m_kj)^2``.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        float32 or float64; other layouts and read-only arrays are copied
        to C order first (one compiled signature per dtype).
    means : ndarray of shape (K, d), float64
    prec_chol : ndarray of shape (K, d), float64
        Square roots of the diagonal precisions.
    log_const : ndarray of shape (K,), float64
        ``log w_k + sum_j log prec_chol[k, j] - d/2 log(2 pi)``.
    moments : bool, default=True
    log_resp : ndarray of shape (n, K), float64, optional
    log_norm : ndarray of shape (n,), float64, optional

    Returns
    -------
    ll : float
    nk : ndarray of shape (K,)
    s1 : ndarray of shape (K, d)
    s2 : ndarray of shape (K, d) or None
    """
    X = _plain(X)
    n, d = X.shape
    K = means.shape[0]
    bufs = _buffers(n, K, d, (K, d) if moments else (0, 0), log_resp, log_norm)
    kernel = _pass_diag if len(bufs[0]) > 1 else _pass_diag_serial
    kernel(X, means, prec_chol, log_const, bool(moments), *bufs)
    return _sum_chunks(*bufs[:4], moments)


# ---------------------------------------------------------------------------
# Batched restarts of the symmetric two-component model with identity covariance
# ---------------------------------------------------------------------------


@jit(fastmath={"contract"})
def _expm1_nonpos(x, out, tbuf, sbuf):
    """``out[i] = expm1(x[i])`` for ``x[i] <= 0`` (or NaN), in loops LLVM vectorises.

    The reduction of :func:`_exp_nonpos`, ``x = k log 2 + r``, with
    ``exp(r) - 1 = r Q(r)`` taken from the Taylor polynomial without its
    leading 1, and ``expm1(x) = 2**k (r Q(r)) + (2**k - 1)``: for ``k = 0``
    this is ``r Q(r)`` with full relative accuracy near 0 (where
    ``exp(x) - 1`` would cancel), otherwise ``|expm1(x)| >= 0.29`` and the
    sum does not cancel.  Arguments below -64 are clamped to it; there the
    result rounds to -1 exactly as ``expm1`` does.  NaN stays NaN.  Measured
    error: at most 2 ulp against ``math.expm1``.
    """
    m = x.shape[0]
    for i in range(m):
        xi = x[i]
        xi = -64.0 if xi < -64.0 else xi
        t, r = _reduce(xi)
        p = _taylor_q(r)
        out[i] = r * p
        tbuf[i] = t
    ti = tbuf.view(np.int64)
    si = sbuf.view(np.int64)
    for i in range(m):
        si[i] = (ti[i] - _SHIFT_BITS + 1023) << 52  # 2**k, k >= -93
    for i in range(m):
        sc = sbuf[i]
        out[i] = sc * out[i] + (sc - 1.0)


@jit(fastmath={"contract"})
def _sym_pass(XT, theta, lw1, lw2, want_ll, acc, za, zm, ze, zt, zs):
    """One pass of the symmetric model; returns the sum of row log-likelihoods
    without the theta-free part ``log phi(x_i)`` (0 when ``want_ll`` is false)
    and writes ``sum tanh * x`` to ``acc[:d]`` and ``sum tanh`` to ``acc[d]``
    (``za, zm, ze, zt, zs`` are float64 scratch of length ``_BLOCK``).

    With ``u = log w + b``, ``v = log(1 - w) - b``, ``b = <theta, x>`` and
    ``a = u - v``, one exponential ``e = exp(-|a|)``, taken as
    ``g = expm1(-|a|) = e - 1`` (see :func:`_expm1_nonpos`), gives both
    ``tanh(a / 2) = sign(a) (1 - e) / (1 + e) = -sign(a) g / (2 + g)`` -- with
    full relative accuracy also near ``a = 0``, where ``1 - e`` would cancel --
    and ``log(e^u + e^v) = max(u, v) + log1p(e) = max(u, v) + log(2 + g)``; the
    ``log1p`` terms of a block are summed as the log of the product of the
    ``2 + g`` in [1, 2] (one logarithm per block).  No exponential overflows:
    ``|a| = inf`` (a weight of 0 or 1) gives ``g = -1``, ``tanh = sign(a)``.
    Sums over rows use four interleaved partial sums (a fixed order,
    independent of threads) so that the additions overlap.
    """
    d, n = XT.shape
    for j in range(d + 1):
        acc[j] = 0.0
    half_sq = 0.0
    for j in range(d):
        half_sq += 0.5 * theta[j] * theta[j]
    two_nu = lw1 - lw2
    ll = 0.0
    for lo in range(0, n, _BLOCK):
        m = min(n, lo + _BLOCK) - lo
        # b_i = <theta, x_i> over the columns of X^T: unit-stride, vectorised
        for i in range(m):
            zs[i] = theta[0] * np.float64(XT[0, lo + i])
        for j in range(1, d):
            tj = theta[j]
            for i in range(m):
                zs[i] += tj * np.float64(XT[j, lo + i])
        for i in range(m):
            b = zs[i]
            # a = u - v as 2 b + 2 nu: exact for w = 1/2, no cancellation of u - v
            a = 2.0 * b + two_nu
            za[i] = a
            zm[i] = max(lw1 + b, lw2 - b)
            zt[i] = -abs(a)
        # ze = expm1(-|a|) = e - 1; zt holds -|a| until then, and is scratch after
        _expm1_nonpos(zt[:m], ze, zs, zt)
        for i in range(m):
            em1 = ze[i]
            zt[i] = math.copysign(-em1 / (2.0 + em1), za[i])
        m4 = m - m % 4
        if want_ll:
            l0 = l1 = l2 = l3 = 0.0
            p0 = p1 = p2 = p3 = 1.0
            for i in range(0, m4, 4):
                l0 += zm[i]
                l1 += zm[i + 1]
                l2 += zm[i + 2]
                l3 += zm[i + 3]
                p0 *= 2.0 + ze[i]
                p1 *= 2.0 + ze[i + 1]
                p2 *= 2.0 + ze[i + 2]
                p3 *= 2.0 + ze[i + 3]
            for i in range(m4, m):
                l0 += zm[i]
                p0 *= 2.0 + ze[i]
            ll += ((l0 + l1) + (l2 + l3)) + math.log((p0 * p1) * (p2 * p3))
        t0 = t1 = t2 = t3 = 0.0
        for i in range(0, m4, 4):
            t0 += zt[i]
            t1 += zt[i + 1]
            t2 += zt[i + 2]
            t3 += zt[i + 3]
        for i in range(m4, m):
            t0 += zt[i]
        acc[d] += (t0 + t1) + (t2 + t3)
        for j in range(d):
            s0 = s1 = s2 = s3 = 0.0
            for i in range(0, m4, 4):
                s0 += zt[i] * np.float64(XT[j, lo + i])
                s1 += zt[i + 1] * np.float64(XT[j, lo + i + 1])
                s2 += zt[i + 2] * np.float64(XT[j, lo + i + 2])
                s3 += zt[i + 3] * np.float64(XT[j, lo + i + 3])
            for i in range(m4, m):
                s0 += zt[i] * np.float64(XT[j, lo + i])
            acc[j] += (s0 + s1) + (s2 + s3)
    if not want_ll:
        return 0.0
    return ll - n * half_sq


@jit(parallel=True, fastmath={"contract"})
def _sym_restarts(XT, log_phi_sum, theta, w, learn_w, max_iter, tol,
                  lower_bound, log_lik, n_iter, converged):
    d, n = XT.shape
    R = theta.shape[0]
    # with tol <= 0 the stopping test |lb - prev| < tol never holds, so the
    # log-likelihood is needed only for the lower bound of the last iteration
    every = tol > 0.0
    for r in numba.prange(R):
        acc = np.empty(d + 1)
        scratch = np.empty((5, _BLOCK))
        za, zm, ze, zt, zs = scratch[0], scratch[1], scratch[2], scratch[3], scratch[4]
        th = theta[r]
        wr = w[r]
        lb = -np.inf
        it = 0
        conv = False
        for it in range(1, max_iter + 1):
            prev = lb
            want = every or it == max_iter
            ll = _sym_pass(XT, th, math.log(wr), math.log1p(-wr), want, acc,
                           za, zm, ze, zt, zs)
            lb = (ll + log_phi_sum) / n if want else -np.inf
            for j in range(d):
                th[j] = acc[j] / n
            if learn_w:
                wr = 0.5 + 0.5 * acc[d] / n
            if abs(lb - prev) < tol:
                conv = True
                break
        if max_iter == 0:
            it = 0
        w[r] = wr
        lower_bound[r] = lb
        n_iter[r] = it
        converged[r] = conv
        ll = _sym_pass(XT, th, math.log(wr), math.log1p(-wr), True, acc, za, zm, ze, zt, zs)
        log_lik[r] = (ll + log_phi_sum) / n
    return log_lik


def symmetric_restarts(X, theta, w, learn_w, max_iter, tol):
    """EM from many starts of ``w N(theta, I) + (1 - w) N(-theta, I)``, parallel over starts.

    Each start runs the sample EM map of the symmetric model (one pass per
    iteration; the E-step and both updates use the current ``(theta, w)``):

    .. math::

        \\theta' = \\frac1n \\sum_i \\tanh(\\langle\\theta, x_i\\rangle + \\nu) x_i,
        \\qquad w' = \\frac12 + \\frac1{2n} \\sum_i \\tanh(\\langle\\theta, x_i\\rangle + \\nu),
        \\qquad \\nu = \\tfrac12 \\log\\frac{w}{1 - w},

    with ``w`` held fixed when ``learn_w`` is false.  Iteration ``t`` stops the
    run when the mean log-likelihood at the parameters entering it differs
    from the previous one by less than ``tol`` (scikit-learn's rule, as in
    ``GaussianMixtureEM``).  With ``tol <= 0`` that test can never hold, so
    the log-likelihood is evaluated only where it is returned (the last
    iteration and the final parameters); no result changes.  The
    exponentials are vectorised (:func:`_expm1_nonpos`, at most 2 ulp), and
    ``tanh`` and ``log cosh`` come from one of them per row (see
    :func:`_sym_pass`).

    Parameters
    ----------
    X : ndarray of shape (n, d)
        float32 or float64 (copied to C order if it is not).
    theta : ndarray of shape (R, d), float64
        Starting ``theta`` of each run; overwritten with the final ones.
    w : ndarray of shape (R,), float64
        Starting weights of the ``+theta`` component, in (0, 1); overwritten.
    learn_w : bool
    max_iter : int
    tol : float

    Returns
    -------
    lower_bound : ndarray of shape (R,)
        Mean log-likelihood at the parameters entering the last iteration.
    log_lik : ndarray of shape (R,)
        Mean log-likelihood at the final parameters.
    n_iter : ndarray of shape (R,), int64
    converged : ndarray of shape (R,), bool
    """
    X = _plain(X)
    n, d = X.shape
    R = theta.shape[0]
    sq = np.einsum("ij,ij->", X, X, dtype=np.float64)
    log_phi_sum = -0.5 * n * d * _LOG_2PI - 0.5 * sq
    lower_bound = np.empty(R)
    log_lik = np.empty(R)
    n_iter = np.zeros(R, dtype=np.int64)
    converged = np.zeros(R, dtype=np.bool_)
    # rows as columns: the kernel's loops over rows then read unit-stride
    XT = np.ascontiguousarray(X.T)
    _sym_restarts(XT, log_phi_sum, theta, w, bool(learn_w), int(max_iter), float(tol),
                  lower_bound, log_lik, n_iter, converged)
    return lower_bound, log_lik, n_iter, converged


# ---------------------------------------------------------------------------
# Batched restarts of the k-component model with identity covariance
# ---------------------------------------------------------------------------

#: The guard GaussianMixtureEM adds to the responsibility sums in its M-step.
_NK_GUARD = 10.0 * np.finfo(np.float64).eps


@jit(fastmath={"contract"})
def _gen_pass(XT, mu, lw, want_ll, group, nk, s1, lp, ex, mx, tot, w1, w2, w3):
    """One pass of the k-component identity-covariance model.

    Returns the sum over rows of ``log sum_k exp(lp_ik)`` with
    ``lp_ik = log w_k - |x_i - mu_k|^2 / 2`` (the row log-likelihood without
    the constant ``-d/2 log(2 pi)``; 0 when ``want_ll`` is false), and writes
    ``nk[k] = sum_i r_ik`` and ``s1[k] = sum_i r_ik x_i``.  The squared
    distances are formed from the differences ``x_i - mu_k`` (not expanded
    as ``|x|^2 - 2 <mu, x> + |mu|^2``, which loses digits to cancellation for
    components far from each other or from the origin).
    The log-sum-exp subtracts the row maximum, so the largest term is
    ``exp(0) = 1`` and nothing under- or overflows however far apart the
    components are; the exponentials are vectorised (:func:`_exp_nonpos`).
    The row sums ``tot_i`` lie in ``[1, k]``, so their logarithms are summed
    as the log of products over ``group`` rows (``k**group`` below the
    overflow threshold).  ``lp, ex`` are ``(k, _BLOCK)`` scratch, ``mx, tot,
    w1, w2, w3`` ``(_BLOCK,)``; sums over rows run in four interleaved
    partial sums (a fixed order).
    """
    d, n = XT.shape
    K = mu.shape[0]
    for k in range(K):
        nk[k] = 0.0
        for j in range(d):
            s1[k, j] = 0.0
    ll = 0.0
    for lo in range(0, n, _BLOCK):
        m = min(n, lo + _BLOCK) - lo
        for k in range(K):
            q = lp[k]
            for i in range(m):
                q[i] = 0.0
            for j in range(d):
                mkj = mu[k, j]
                xj = XT[j]
                for i in range(m):
                    t = xj[lo + i] - mkj
                    q[i] += t * t
            lwk = lw[k]
            for i in range(m):
                q[i] = lwk - 0.5 * q[i]
        _shifted_exp(lp, ex, m, mx, tot, w1, w2, w3)
        if want_ll:
            ll += _sum4(mx, m)
            for g0 in range(0, m, group):
                g1 = min(m, g0 + group)
                g4 = g1 - (g1 - g0) % 4
                p0 = p1 = p2 = p3 = 1.0
                for i in range(g0, g4, 4):
                    p0 *= tot[i]
                    p1 *= tot[i + 1]
                    p2 *= tot[i + 2]
                    p3 *= tot[i + 3]
                for i in range(g4, g1):
                    p0 *= tot[i]
                ll += math.log((p0 * p1) * (p2 * p3))
        for i in range(m):
            w1[i] = 1.0 / tot[i]
        for k in range(K):
            r = ex[k]
            for i in range(m):
                r[i] *= w1[i]  # exp(lp_ik - lse_i) without a second exp
            nk[k] += _sum4(r, m)
            for j in range(d):
                s1[k, j] += _dot4(r, XT[j, lo:lo + m], m)
    if not want_ll:
        return 0.0
    return ll


@jit(parallel=True, fastmath={"contract"})
def _gen_restarts(XT, log_c, means, weights, learn_w, max_iter, tol, group,
                  lower_bound, log_lik, n_iter, converged):
    d, n = XT.shape
    R, K = means.shape[0], means.shape[1]
    # with tol <= 0 the stopping test |lb - prev| < tol never holds, so the
    # log-likelihood is needed only for the lower bound of the last iteration
    every = tol > 0.0
    for r in numba.prange(R):
        nk = np.empty(K)
        s1 = np.empty((K, d))
        lw = np.empty(K)
        lp = np.empty((K, _BLOCK))
        ex = np.empty((K, _BLOCK))
        scratch = np.empty((5, _BLOCK))
        mx, tot, w1, w2, w3 = scratch[0], scratch[1], scratch[2], scratch[3], scratch[4]
        mu = means[r]
        wr = weights[r]
        lb = -np.inf
        it = 0
        conv = False
        for it in range(1, max_iter + 1):
            prev = lb
            want = every or it == max_iter
            for k in range(K):
                lw[k] = math.log(wr[k])
            ll = _gen_pass(XT, mu, lw, want, group, nk, s1, lp, ex, mx, tot, w1, w2, w3)
            lb = ll / n + log_c if want else -np.inf
            # GaussianMixtureEM's M-step: mean = sum_i r_ik x_i / (N_k + guard)
            total = 0.0
            for k in range(K):
                nkg = nk[k] + _NK_GUARD
                total += nkg
                for j in range(d):
                    mu[k, j] = s1[k, j] / nkg
            if learn_w:
                for k in range(K):
                    wr[k] = (nk[k] + _NK_GUARD) / total
            if abs(lb - prev) < tol:
                conv = True
                break
        if max_iter == 0:
            it = 0
        lower_bound[r] = lb
        n_iter[r] = it
        converged[r] = conv
        for k in range(K):
            lw[k] = math.log(wr[k])
        ll = _gen_pass(XT, mu, lw, True, group, nk, s1, lp, ex, mx, tot, w1, w2, w3)
        log_lik[r] = ll / n + log_c
    return log_lik


def general_restarts(X, means, weights, learn_w, max_iter, tol):
    """EM from many starts of ``sum_k w_k N(mu_k, I)``, parallel over the starts.

    Each start runs the sample EM map of the k-component mixture with
    identity covariance (one pass per iteration; E-step at the current
    parameters):

    .. math::

        r_{ik} = \\frac{w_k \\exp(\\langle\\mu_k, x_i\\rangle - \\lVert\\mu_k\\rVert^2/2)}
                       {\\sum_l w_l \\exp(\\langle\\mu_l, x_i\\rangle - \\lVert\\mu_l\\rVert^2/2)},
        \\qquad N_k = \\sum_i r_{ik}, \\qquad
        \\mu_k' = \\frac{\\sum_i r_{ik} x_i}{N_k + 10\\,\\epsilon}, \\qquad
        w_k' = \\frac{N_k + 10\\,\\epsilon}{\\sum_l (N_l + 10\\,\\epsilon)},

    with the weights held fixed when ``learn_w`` is false.  The guard
    ``10 eps`` is GaussianMixtureEM's (and scikit-learn's): a component that
    receives no responsibility moves to the origin and keeps a positive
    weight instead of becoming NaN.  Iteration ``t`` stops the run when the
    mean log-likelihood at the parameters entering it differs from the
    previous one by less than ``tol`` (scikit-learn's rule); with
    ``tol <= 0`` the log-likelihood is
    evaluated only where it is returned.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        float32 or float64, any layout (copied and transposed to float64
        rows-as-columns once, so that the loops over rows are unit-stride).
    means : ndarray of shape (R, k, d), float64, C-contiguous
        Starting means of each run; overwritten with the final ones.
    weights : ndarray of shape (R, k), float64, C-contiguous
        Starting (or known) weights of each run, positive; overwritten.
    learn_w : bool
    max_iter : int
    tol : float

    Returns
    -------
    lower_bound : ndarray of shape (R,)
        Mean log-likelihood at the parameters entering the last iteration.
    log_lik : ndarray of shape (R,)
        Mean log-likelihood at the final parameters.
    n_iter : ndarray of shape (R,), int64
    converged : ndarray of shape (R,), bool
    """
    n, d = X.shape
    R, K = means.shape[0], means.shape[1]
    XT = np.empty((d, n))
    XT[...] = X.T
    # products of `group` row sums in [1, K] stay below 2**1000
    group = _BLOCK if K < 2 else max(1, min(_BLOCK, int(1000.0 / math.log2(K))))
    lower_bound = np.empty(R)
    log_lik = np.empty(R)
    n_iter = np.zeros(R, dtype=np.int64)
    converged = np.zeros(R, dtype=np.bool_)
    _gen_restarts(XT, -0.5 * d * _LOG_2PI, means, weights, bool(learn_w), int(max_iter),
                  float(tol), group, lower_bound, log_lik, n_iter, converged)
    return lower_bound, log_lik, n_iter, converged
