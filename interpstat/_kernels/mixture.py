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
    "n_chunks",
    "symmetric_restarts",
]

#: Rows per chunk of the fused pass (a constant, so that partial sums and
#: hence results are the same for any thread count).
CHUNK = 1024

#: Rows per product in the log-likelihood of the restart kernel: the
#: ``log1p`` terms of a block are summed as the log of a product of numbers
#: in [1, 2], one logarithm per block instead of one per row.
_PROD_BLOCK = 64

_LOG_2PI = math.log(2.0 * math.pi)


def n_chunks(n):
    """Number of row chunks of the fused pass for ``n`` rows (at least one)."""
    return max(1, -(-n // CHUNK))


@jit()
def _chunk_chol(X, means, prec_t, log_const, moments, ll, nk, s1, s2, log_resp, log_norm, c):
    n, d = X.shape
    K = means.shape[0]
    want_resp = log_resp.shape[0] > 0
    want_norm = log_norm.shape[0] > 0
    lo = c * CHUNK
    hi = min(n, lo + CHUNK)
    diff = np.empty((K, d))
    lp = np.empty(K)
    ex = np.empty(K)
    # chunk-local accumulators, copied out at the end
    a_nk = np.zeros(K)
    a_s1 = np.zeros((K, d))
    a_s2 = np.zeros((K, d, d) if moments else (0, 0, 0))
    acc_ll = 0.0
    for i in range(lo, hi):
        for k in range(K):
            for j in range(d):
                diff[k, j] = np.float64(X[i, j]) - means[k, j]
            # y = (x - m_k) @ U_k = U_k^T (x - m_k), reading U_k^T row by row
            q = 0.0
            for j in range(d):
                y = 0.0
                for m in range(j + 1):
                    y += prec_t[k, j, m] * diff[k, m]
                q += y * y
            lp[k] = log_const[k] - 0.5 * q
        mx = lp[0]
        for k in range(1, K):
            if lp[k] > mx:
                mx = lp[k]
        tot = 0.0
        for k in range(K):
            ex[k] = math.exp(lp[k] - mx)
            tot += ex[k]
        lse = mx + math.log(tot)
        acc_ll += lse
        if want_norm:
            log_norm[i] = lse
        inv_tot = 1.0 / tot
        for k in range(K):
            if want_resp:
                log_resp[i, k] = lp[k] - lse
            r = ex[k] * inv_tot  # exp(lp_k - lse) without a second exp
            a_nk[k] += r
            for j in range(d):
                a_s1[k, j] += r * diff[k, j]
            if moments:
                for j in range(d):
                    rj = r * diff[k, j]
                    for m in range(j + 1):
                        a_s2[k, j, m] += rj * diff[k, m]
    ll[c] = acc_ll
    for k in range(K):
        nk[c, k] = a_nk[k]
        for j in range(d):
            s1[c, k, j] = a_s1[k, j]
            if moments:
                for m in range(d):
                    s2[c, k, j, m] = a_s2[k, j, m]


@jit(parallel=True)
def _pass_chol(X, means, prec_t, log_const, moments, ll, nk, s1, s2, log_resp, log_norm):
    for c in numba.prange(ll.shape[0]):
        _chunk_chol(X, means, prec_t, log_const, moments, ll, nk, s1, s2, log_resp, log_norm, c)
    return ll


@jit()
def _pass_chol_serial(X, means, prec_t, log_const, moments, ll, nk, s1, s2, log_resp,
                      log_norm):
    # one chunk: no thread launch (it costs more than the work for small n)
    for c in range(ll.shape[0]):
        _chunk_chol(X, means, prec_t, log_const, moments, ll, nk, s1, s2, log_resp, log_norm, c)
    return ll


@jit()
def _chunk_diag(X, means, prec_chol, log_const, moments, ll, nk, s1, s2, log_resp, log_norm, c):
    n, d = X.shape
    K = means.shape[0]
    want_resp = log_resp.shape[0] > 0
    want_norm = log_norm.shape[0] > 0
    lo = c * CHUNK
    hi = min(n, lo + CHUNK)
    diff = np.empty((K, d))
    lp = np.empty(K)
    ex = np.empty(K)
    # chunk-local accumulators, copied out at the end
    a_nk = np.zeros(K)
    a_s1 = np.zeros((K, d))
    a_s2 = np.zeros((K, d) if moments else (0, 0))
    acc_ll = 0.0
    for i in range(lo, hi):
        for k in range(K):
            q = 0.0
            for j in range(d):
                dj = np.float64(X[i, j]) - means[k, j]
                diff[k, j] = dj
                y = dj * prec_chol[k, j]
                q += y * y
            lp[k] = log_const[k] - 0.5 * q
        mx = lp[0]
        for k in range(1, K):
            if lp[k] > mx:
                mx = lp[k]
        tot = 0.0
        for k in range(K):
            ex[k] = math.exp(lp[k] - mx)
            tot += ex[k]
        lse = mx + math.log(tot)
        acc_ll += lse
        if want_norm:
            log_norm[i] = lse
        inv_tot = 1.0 / tot
        for k in range(K):
            if want_resp:
                log_resp[i, k] = lp[k] - lse
            r = ex[k] * inv_tot  # exp(lp_k - lse) without a second exp
            a_nk[k] += r
            for j in range(d):
                rj = r * diff[k, j]
                a_s1[k, j] += rj
                if moments:
                    a_s2[k, j] += rj * diff[k, j]
    ll[c] = acc_ll
    for k in range(K):
        nk[c, k] = a_nk[k]
        for j in range(d):
            s1[c, k, j] = a_s1[k, j]
            if moments:
                s2[c, k, j] = a_s2[k, j]


@jit(parallel=True)
def _pass_diag(X, means, prec_chol, log_const, moments, ll, nk, s1, s2, log_resp, log_norm):
    for c in numba.prange(ll.shape[0]):
        _chunk_diag(X, means, prec_chol, log_const, moments, ll, nk, s1, s2, log_resp, log_norm, c)
    return ll


@jit()
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


@jit()
def _sym_pass(X, theta, lw1, lw2, acc, tb):
    """One pass of the symmetric model; returns the sum of row log-likelihoods
    without the theta-free part ``log phi(x_i)`` and writes ``sum tanh * x`` to
    ``acc[:d]`` and ``sum tanh`` to ``acc[d]`` (``tb`` is scratch of length
    ``_PROD_BLOCK``)."""
    n, d = X.shape
    for j in range(d + 1):
        acc[j] = 0.0
    half_sq = 0.0
    for j in range(d):
        half_sq += 0.5 * theta[j] * theta[j]
    ll = 0.0
    for lo in range(0, n, _PROD_BLOCK):
        m = min(n, lo + _PROD_BLOCK) - lo
        for i in range(m):
            b = 0.0
            for j in range(d):
                b += theta[j] * np.float64(X[lo + i, j])
            tb[i] = b
        prod = 1.0
        ll_blk = 0.0
        t_sum = 0.0
        for i in range(m):
            u = lw1 + tb[i]
            v = lw2 - tb[i]
            # log(e^u + e^v) = max(u, v) + log1p(e), e = exp(-|u - v|), and
            # tanh(b + nu) = sign(u - v) (1 - e) / (1 + e); branch-free
            a = u - v
            e = math.exp(-abs(a))
            ll_blk += max(u, v)
            t = math.copysign((1.0 - e) / (1.0 + e), a)
            prod *= 1.0 + e
            tb[i] = t
            t_sum += t
        ll += ll_blk + math.log(prod)
        acc[d] += t_sum
        for j in range(d):
            s = 0.0
            for i in range(m):
                s += tb[i] * np.float64(X[lo + i, j])
            acc[j] += s
    return ll - n * half_sq


@jit(parallel=True)
def _sym_restarts(X, log_phi_sum, theta, w, learn_w, max_iter, tol,
                  lower_bound, log_lik, n_iter, converged):
    n, d = X.shape
    R = theta.shape[0]
    for r in numba.prange(R):
        acc = np.empty(d + 1)
        tb = np.empty(_PROD_BLOCK)
        th = theta[r]
        wr = w[r]
        lb = -np.inf
        it = 0
        conv = False
        for it in range(1, max_iter + 1):  # noqa: B007 (read after the loop)
            prev = lb
            ll = _sym_pass(X, th, math.log(wr), math.log1p(-wr), acc, tb)
            lb = (ll + log_phi_sum) / n
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
        ll = _sym_pass(X, th, math.log(wr), math.log1p(-wr), acc, tb)
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
    from the previous one by less than ``tol`` (scikit-learn's rule).

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
    _sym_restarts(X, log_phi_sum, theta, w, bool(learn_w), int(max_iter), float(tol),
                  lower_bound, log_lik, n_iter, converged)
    return lower_bound, log_lik, n_iter, converged
