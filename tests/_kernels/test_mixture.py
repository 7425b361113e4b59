"""interpstat._kernels.mixture against slow numpy references (tests/naive.py)."""

import numpy as np
import pytest

from interpstat._jit import num_threads
from interpstat._kernels.mixture import (
    CHUNK,
    em_pass_chol,
    em_pass_diag,
    symmetric_restarts,
)
from tests.naive import em_pass, symmetric_em


def _problem(rng, n, d, K, diag, scale=1.0, spread=1.0):
    X = rng.standard_normal((n, d)) * spread
    means = rng.standard_normal((K, d)) * spread
    if diag:
        U = rng.uniform(0.5, 2.0, (K, d)) * scale
    else:
        U = np.stack([np.triu(rng.standard_normal((d, d)) * 0.3) + np.diag(
            rng.uniform(0.5, 2.0, d)) for _ in range(K)]) * scale
    w = rng.dirichlet(np.ones(K))
    return X, means, U, np.log(w)


def _run(X, means, U, log_w, log_resp=None, log_norm=None):
    d = means.shape[1]
    if U.ndim == 2:
        log_const = log_w + np.log(U).sum(1) - 0.5 * d * np.log(2 * np.pi)
        return em_pass_diag(X, means, U, log_const, True, log_resp, log_norm)
    log_const = log_w + np.log(np.diagonal(U, axis1=1, axis2=2)).sum(1) - 0.5 * d * np.log(
        2 * np.pi)
    return em_pass_chol(X, means, U, log_const, True, log_resp, log_norm)


def _compare(X, means, U, log_w, rtol):
    n, K = X.shape[0], means.shape[0]
    log_resp, log_norm = np.empty((n, K)), np.empty(n)
    ll, nk, s1, s2 = _run(X, means, U, log_w, log_resp, log_norm)
    r_ll, r_nk, r_s1, r_s2, r_lr, r_ln = em_pass(X, means, U, log_w)
    if U.ndim == 3:
        r_s2 = np.tril(r_s2)  # the kernel fills the lower triangle only
    scale = np.abs(r_ll) + n
    np.testing.assert_allclose(ll, r_ll, rtol=rtol, atol=rtol * scale)
    np.testing.assert_allclose(nk, r_nk, rtol=rtol, atol=rtol * n)
    np.testing.assert_allclose(s1, r_s1, rtol=rtol, atol=rtol * np.abs(r_s2).max() ** 0.5 * n)
    np.testing.assert_allclose(s2, r_s2, rtol=rtol, atol=rtol * np.abs(r_s2).max())
    np.testing.assert_allclose(log_norm, r_ln, rtol=rtol, atol=rtol * np.abs(r_ln).max())
    np.testing.assert_allclose(np.exp(log_resp), np.exp(r_lr), rtol=0, atol=1e3 * rtol)


def _layouts(X):
    yield "C", np.ascontiguousarray(X)
    yield "F", np.asfortranarray(X)
    yield "strided", np.repeat(X, 2, axis=1)[:, ::2]
    ro = np.array(X)
    ro.setflags(write=False)
    yield "read-only", ro


@pytest.mark.parametrize("diag", [False, True])
@pytest.mark.parametrize("shape", [(1, 1, 1), (7, 3, 2), (CHUNK + 5, 4, 3), (300, 1, 5)])
def test_em_pass_matches_reference(diag, shape):
    rng = np.random.default_rng(sum(shape) + diag)
    X, means, U, log_w = _problem(rng, *shape, diag)
    for name, Xl in _layouts(X):
        try:
            _compare(Xl, means, U, log_w, rtol=1e-11)
        except AssertionError as exc:
            raise AssertionError(name) from exc


@pytest.mark.parametrize("diag", [False, True])
def test_em_pass_float32_is_float64_of_the_same_values(diag):
    rng = np.random.default_rng(3)
    X, means, U, log_w = _problem(rng, 500, 3, 3, diag)
    X32 = X.astype(np.float32)
    out32 = _run(X32, means, U, log_w)
    out64 = _run(X32.astype(np.float64), means, U, log_w)
    for a, b in zip(out32, out64, strict=True):
        np.testing.assert_array_equal(a, b)  # accumulation is float64 either way
    _compare(X32[:, ::1], means, U, log_w, rtol=1e-11)


@pytest.mark.parametrize("diag", [False, True])
def test_em_pass_extreme_separation_and_tiny_variances(diag):
    # components 1e4 apart with standard deviations 1e-6: the densities underflow
    # (exp(-1e20)) but log-sum-exp keeps the log-likelihood and responsibilities exact
    rng = np.random.default_rng(4)
    d, K = 2, 3
    means = np.array([[0.0, 0.0], [1e4, 0.0], [0.0, -1e4]])
    X = means[rng.integers(0, K, 200)] + rng.standard_normal((200, d)) * 1e-6
    U = np.full((K, d), 1e6) if diag else np.stack([np.eye(d) * 1e6] * K)
    log_w = np.log([0.2, 0.3, 0.5])
    _compare(X, means, U, log_w, rtol=1e-10)
    log_resp = np.empty((200, K))
    ll, nk, _s1, s2 = _run(X, means, U, log_w, log_resp)
    assert np.all(np.isfinite(log_resp.max(axis=1)))
    assert np.isfinite(ll)
    assert np.all(np.isfinite(nk))
    assert np.all(np.isfinite(s2))
    np.testing.assert_array_equal(log_resp.max(axis=1), 0.0)  # hard assignments


def test_em_pass_zero_weight_component():
    rng = np.random.default_rng(5)
    X, means, U, log_w = _problem(rng, 50, 2, 3, False)
    log_w = np.array([np.log(0.4), -np.inf, np.log(0.6)])
    ll, nk, s1, _s2 = _run(X, means, U, log_w)
    assert nk[1] == 0.0
    assert np.all(s1[1] == 0.0)
    assert np.isfinite(ll)
    _compare(X, means, U, log_w, rtol=1e-11)


def test_em_pass_empty_data():
    X = np.empty((0, 2))
    means, U = np.zeros((2, 2)), np.stack([np.eye(2)] * 2)
    ll, nk, _s1, s2 = _run(X, means, U, np.log([0.5, 0.5]))
    assert ll == 0.0
    assert np.all(nk == 0)
    assert np.all(s2 == 0)


@pytest.mark.parametrize("diag", [False, True])
def test_em_pass_independent_of_thread_count(diag):
    rng = np.random.default_rng(6)
    X, means, U, log_w = _problem(rng, 5 * CHUNK + 17, 3, 4, diag)
    with num_threads(1):
        a = _run(X, means, U, log_w)
    with num_threads(2):
        b = _run(X, means, U, log_w)
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)


# ---------------------------------------------------------------------------
# Batched restarts of the symmetric model
# ---------------------------------------------------------------------------


def _sym_data(rng, n, d, s, w_star, dtype=np.float64):
    z = rng.random(n) < w_star
    theta = np.zeros(d)
    theta[0] = s
    return (rng.standard_normal((n, d)) + np.where(z[:, None], theta, -theta)).astype(dtype)


@pytest.mark.parametrize("learn_w", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_symmetric_restarts_match_reference(learn_w, dtype):
    rng = np.random.default_rng(7)
    X = _sym_data(rng, 700, 3, 1.5, 0.7, dtype)
    R, n_iter = 6, 8
    theta0 = rng.standard_normal((R, 3))
    w0 = rng.uniform(0.2, 0.8, R)
    for name, Xl in _layouts(X):
        th, w = theta0.copy(), w0.copy()
        lb, ll, it, conv = symmetric_restarts(Xl, th, w, learn_w, n_iter, 0.0)
        assert np.all(it == n_iter)
        assert not conv.any()
        for r in range(R):
            r_th, r_w, r_ll = symmetric_em(Xl, theta0[r], w0[r], learn_w, n_iter)
            np.testing.assert_allclose(th[r], r_th, rtol=1e-11, atol=1e-12, err_msg=name)
            np.testing.assert_allclose(w[r], r_w if learn_w else w0[r], rtol=1e-12)
            np.testing.assert_allclose(lb[r], r_ll[-2], rtol=1e-12, err_msg=name)
            np.testing.assert_allclose(ll[r], r_ll[-1], rtol=1e-12, err_msg=name)
        if not learn_w:
            np.testing.assert_array_equal(w, w0)


def test_symmetric_restarts_stop_at_tol_and_zero_iterations():
    rng = np.random.default_rng(8)
    X = _sym_data(rng, 400, 2, 2.0, 0.6)
    theta0 = rng.standard_normal((4, 2))
    th, w = theta0.copy(), np.full(4, 0.6)
    lb, ll, it, conv = symmetric_restarts(X, th, w, True, 1000, 1e-8)
    assert conv.all()
    assert np.all(it < 1000)
    for r in range(4):
        lls = symmetric_em(X, theta0[r], 0.6, True, int(it[r]))[2]
        assert abs(lls[-2] - lls[-3]) < 1e-8 <= abs(lls[-3] - lls[-4])
    th, w = theta0.copy(), np.full(4, 0.6)
    lb, ll, it, conv = symmetric_restarts(X, th, w, True, 0, 1e-8)
    np.testing.assert_array_equal(th, theta0)
    assert np.all(it == 0)
    assert not conv.any()
    assert np.all(lb == -np.inf)
    np.testing.assert_allclose(ll, [symmetric_em(X, t, 0.6, True, 0)[2][0] for t in theta0],
                               rtol=1e-12)


def test_symmetric_restarts_weight_reaching_one_stays_finite():
    # all points far on one side: the learned weight rounds to exactly 1 and
    # log(1 - w) = -inf must not turn into NaN
    X = np.full((50, 1), 40.0) + np.linspace(0, 1, 50)[:, None]
    th, w = np.array([[1.0]]), np.array([0.5])
    lb, ll, _it, _conv = symmetric_restarts(X, th, w, True, 5, 0.0)
    assert w[0] == 1.0
    assert np.all(np.isfinite(th))
    assert np.isfinite(ll[0])
    assert np.isfinite(lb[0])
    np.testing.assert_allclose(th[0, 0], X.mean(), rtol=1e-14)


def test_symmetric_restarts_independent_of_thread_count():
    rng = np.random.default_rng(9)
    X = _sym_data(rng, 300, 2, 1.0, 0.7)
    theta0 = rng.standard_normal((9, 2))
    outs = []
    for k in (1, 2):
        th, w = theta0.copy(), np.full(9, 0.7)
        with num_threads(k):
            outs.append((th, w, *symmetric_restarts(X, th, w, True, 20, 0.0)))
    for a, b in zip(*outs, strict=True):
        np.testing.assert_array_equal(a, b)
