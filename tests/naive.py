"""Slow, obviously correct references for the tests (never used by the package)."""

import mpmath
import numpy as np


def minnorm_exact(X, y, dps=60):
    """Minimum-norm least-squares solution of full-rank float64 data in extended precision.

    The float64 entries of ``X`` and ``y`` are taken as exact; the normal
    equations of the smaller Gram matrix are solved in ``dps``-digit
    arithmetic, so the result is the true minimum-norm solution of the stored
    data, correct to about ``cond(X)^2 * 10^-dps``.
    """
    n, p = X.shape
    with mpmath.workdps(dps):
        A = mpmath.matrix(X.tolist())
        b = mpmath.matrix(y.tolist())
        if p >= n:
            a = mpmath.lu_solve(A * A.T, b)
            coef = A.T * a
        else:
            coef = mpmath.lu_solve(A.T * A, A.T * b)
        return np.array([float(coef[i]) for i in range(p)])


def design_with_condition(n, p, cond, rng):
    """``U diag(s) V^T`` with singular values spaced geometrically from 1 to ``1/cond``."""
    r = min(n, p)
    U = np.linalg.qr(rng.standard_normal((n, r)))[0]
    V = np.linalg.qr(rng.standard_normal((p, r)))[0]
    s = np.geomspace(1.0, 1.0 / cond, r)
    return (U * s) @ V.T


def loo_bruteforce(make, X, y):
    """Leave-one-out residuals by refitting ``make()`` n times."""
    n = X.shape[0]
    out = np.empty_like(np.asarray(y, dtype=float))
    for i in range(n):
        keep = np.arange(n) != i
        out[i] = y[i] - make().fit(X[keep], y[keep]).predict(X[i : i + 1])[0]
    return out


def gcv_hat(X, y, ridge, fit_intercept):
    """GCV from the explicit hat matrix (ridge > 0)."""
    n = X.shape[0]
    Z = np.hstack([np.ones((n, 1)), X]) if fit_intercept else X
    pen = np.eye(Z.shape[1]) * ridge
    if fit_intercept:
        pen[0, 0] = 0.0
    H = Z @ np.linalg.solve(Z.T @ Z + pen, Z.T)
    r = y - H @ y
    return np.mean(r**2) / (1 - np.trace(H) / n) ** 2


def em_pass(X, means, prec_chol, log_weights):
    """One E-step of a Gaussian mixture and its statistics centred at ``means``, in plain numpy.

    ``prec_chol`` is (K, d, d) upper-triangular with precision ``U U^T``, or
    (K, d) diagonal.  Returns ``(ll, nk, s1, s2, log_resp, log_norm)`` with
    ``s2`` the full (K, d, d) second moments (only the diagonal for (K, d)).
    """
    import scipy.special

    X = np.asarray(X, dtype=np.float64)
    K, d = means.shape
    U = np.stack([np.diag(u) for u in prec_chol]) if prec_chol.ndim == 2 else np.triu(prec_chol)
    log_det = np.array([np.sum(np.log(np.diag(u))) for u in U])
    lp = np.empty((X.shape[0], K))
    for k in range(K):
        y = (X - means[k]) @ U[k]
        lp[:, k] = log_weights[k] + log_det[k] - 0.5 * d * np.log(2 * np.pi) - 0.5 * (y**2).sum(1)
    log_norm = scipy.special.logsumexp(lp, axis=1)
    log_resp = lp - log_norm[:, None]
    r = np.exp(log_resp)
    nk = r.sum(axis=0)
    s1 = np.stack([r[:, k] @ (X - means[k]) for k in range(K)])
    s2 = np.stack([((X - means[k]).T * r[:, k]) @ (X - means[k]) for k in range(K)])
    if prec_chol.ndim == 2:
        s2 = np.stack([np.diag(s) for s in s2])
    return log_norm.sum(), nk, s1, s2, log_resp, log_norm


def symmetric_em(X, theta, w, learn_w, n_iter):
    """``n_iter`` EM steps of ``w N(theta, I) + (1 - w) N(-theta, I)`` from the textbook
    formulas (responsibilities from the two densities; no tanh identities).

    Returns ``(theta, w, log_liks)`` with the mean log-likelihood at each
    iterate, the final one included.
    """
    X = np.asarray(X, dtype=np.float64)
    d = X.shape[1]
    theta = np.array(theta, dtype=np.float64)

    def log_lik(theta, w):
        import scipy.special

        c = -0.5 * d * np.log(2 * np.pi)
        a = np.log(w) + c - 0.5 * ((X - theta) ** 2).sum(1)
        b = np.log1p(-w) + c - 0.5 * ((X + theta) ** 2).sum(1)
        return scipy.special.logsumexp(np.stack([a, b]), axis=0), a, b

    lls = []
    for _ in range(n_iter):
        ln, a, _ = log_lik(theta, w)
        lls.append(ln.mean())
        r1 = np.exp(a - ln)
        theta = ((2 * r1 - 1)[:, None] * X).mean(axis=0)
        if learn_w:
            w = r1.mean()
    lls.append(log_lik(theta, w)[0].mean())
    return theta, w, np.array(lls)


def symmetric_row(b, half_sq, w, dps=50):
    """One row of the symmetric model in ``mpmath`` with ``dps`` digits.

    With ``b = <theta, x>`` and ``half_sq = |theta|^2 / 2``, returns
    ``(2 r - 1, log(w e^b + (1 - w) e^-b) - half_sq)`` where
    ``r = w e^b / (w e^b + (1 - w) e^-b)`` is the responsibility of ``+theta``
    (the textbook forms, no tanh or log-cosh identity), rounded to float.
    """
    with mpmath.workdps(dps):
        b, w = mpmath.mpf(b), mpmath.mpf(w)
        p, q = w * mpmath.exp(b), (1 - w) * mpmath.exp(-b)
        return float((p - q) / (p + q)), float(mpmath.log(p + q) - mpmath.mpf(half_sq))
