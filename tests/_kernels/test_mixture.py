"""interpstat._kernels.mixture against slow numpy references (tests/naive.py)."""

import math

import numpy as np
import pytest
from scipy.special import logsumexp

from interpstat._jit import num_threads
from interpstat._kernels.mixture import (
    _BLOCK,
    CHUNK,
    _exp_nonpos,
    _expm1_nonpos,
    _sym_pass,
    em_pass_chol,
    em_pass_diag,
    general_restarts,
    symmetric_restarts,
)
from tests.naive import em_pass, symmetric_em, symmetric_row


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


# ---------------------------------------------------------------------------
# Vectorised exponentials and the tanh / log-cosh identity of the restart pass
# ---------------------------------------------------------------------------

_SPECIAL = [0.0, -0.0, -5e-324, -1e-300, -2.0**-60, -1e-8, -0.5 * math.log(2),
            -math.log(2), -1.0, -64.0, -700.0, -708.39, -709.0, -745.0, -745.1332191019411,
            -745.2, -746.0, -800.0, -1e3, -np.inf]


def _grid():
    # a fine grid over the whole non-positive range, tiny arguments, the specials;
    # an odd length so that the vector loops have a remainder
    return np.concatenate([-np.linspace(0, 750, 300_001), -np.geomspace(1e-300, 1, 2001),
                           _SPECIAL])


def test_exp_nonpos_within_one_ulp():
    x = _grid()
    out = np.full_like(x, np.nan)
    _exp_nonpos(x, out, np.empty_like(x), np.empty_like(x))
    ref = np.array([math.exp(v) for v in x])
    normal = ref >= np.finfo(np.float64).tiny
    assert np.all(np.abs(out - ref)[normal] <= np.spacing(ref[normal]))
    # subnormal results: within one step of the smallest subnormal
    assert np.all(np.abs(out - ref)[~normal] <= 5e-324)
    assert out[x == -np.inf] == 0.0
    assert np.all(out[x == 0.0] == 1.0)
    # a negative control: the scalar libm exp with the argument off by 2 ulp fails
    bad = np.exp(x * (1 + 4 * np.finfo(float).eps))
    assert np.any(np.abs(bad - ref)[normal] > np.spacing(ref[normal]))


def test_expm1_nonpos_within_two_ulp():
    x = _grid()
    out = np.full_like(x, np.nan)
    _expm1_nonpos(x, out, np.empty_like(x), np.empty_like(x))
    ref = np.array([math.expm1(v) for v in x])
    np.testing.assert_array_less(np.abs(out - ref), 2.0001 * np.spacing(np.abs(ref)) + 1e-323)
    # relative accuracy near 0, where exp(x) - 1 cancels
    tiny = (x < 0) & (x > -1e-8)
    np.testing.assert_allclose(out[tiny], x[tiny], rtol=1e-8)
    assert np.all(out[x <= -64] == -1.0)


@pytest.mark.parametrize("fn", [_exp_nonpos, _expm1_nonpos])
def test_vector_exponentials_keep_nan(fn):
    x = np.array([-1.0, np.nan, -2.0, np.nan, -1e3])
    out = np.empty(5)
    fn(x, out, np.empty(5), np.empty(5))
    assert np.isnan(out[[1, 3]]).all()
    assert np.isfinite(out[[0, 2, 4]]).all()


@pytest.mark.parametrize("w", [0.5, 0.7, 1e-300, 5e-324, 1.0 - 2.0**-53, 1.0])
def test_sym_pass_tanh_and_log_cosh_identity_at_extremes(w):
    # one row per call, theta = (1, 0), x = (z, 0): b = z exactly, |theta|^2/2 = 1/2
    zs = [-1e3, -700.0, -40.0, -18.0, -1.0, -1e-8, -1e-300, 0.0, 1e-300, 1e-8, 1.0, 18.0,
          40.0, 700.0, 1e3]
    acc = np.empty(3)
    scratch = [np.empty(_BLOCK) for _ in range(5)]
    lw1, lw2 = math.log(w), math.log1p(-w) if w < 1 else -np.inf
    for z in zs:
        XT = np.array([[z], [0.0]])
        ll = _sym_pass(XT, np.array([1.0, 0.0]), lw1, lw2, True, acc, *scratch)
        t_ref, ll_ref = symmetric_row(z, 0.5, w)
        # tanh to 2 ulp relative (also near 0) plus the conditioning of
        # tanh(a / 2) times the rounding of a = 2 b + log w - log(1 - w); the
        # log-likelihood to 4 ulp of the terms it adds (they may cancel)
        eps = np.finfo(float).eps
        scale = abs(z) + abs(lw1) + (abs(lw2) if lw2 > -np.inf else 0.0) + 1.0
        tol_t = 2 * np.spacing(abs(t_ref)) + (1 - t_ref**2) * 2 * eps * scale + 1e-300
        assert abs(acc[2] - t_ref) <= tol_t, (z, w)
        assert abs(acc[0] - t_ref * z) <= abs(z) * tol_t, (z, w)
        assert abs(ll - ll_ref) <= 4 * eps * scale, (z, w)
        # without the log-likelihood the same tanh sums, and 0 in its place
        acc2 = np.empty(3)
        assert _sym_pass(XT, np.array([1.0, 0.0]), lw1, lw2, False, acc2, *scratch) == 0.0
        np.testing.assert_array_equal(acc2, acc)


def test_sym_pass_the_naive_tanh_form_loses_digits_near_zero():
    # negative control for the relative-accuracy claim: (1 - e) / (1 + e) with
    # e = exp(-|a|) is off by far more than 2 ulp at a = 2e-8
    a = 2e-8
    e = math.exp(-a)
    naive = (1 - e) / (1 + e)
    t_ref = symmetric_row(a / 2, 0.0, 0.5)[0]
    assert abs(naive - t_ref) > 1e6 * np.spacing(t_ref)


def test_symmetric_restarts_tol_zero_skips_only_unused_likelihoods():
    # tol = 0 never stops a run and skips the log-likelihood of all but the last
    # iteration; a tol too small to stop any run evaluates it every time: same results
    rng = np.random.default_rng(11)
    X = _sym_data(rng, 2 * _BLOCK + 3, 2, 1.0, 0.7)
    theta0 = rng.standard_normal((5, 2))
    outs = []
    for tol in (0.0, 1e-300):
        th, w = theta0.copy(), np.full(5, 0.7)
        outs.append((th, w, *symmetric_restarts(X, th, w, True, 7, tol)))
    for a, b in zip(*outs, strict=True):
        np.testing.assert_array_equal(a, b)
    assert np.all(outs[0][4] == 7)


# ---------------------------------------------------------------------------
# Batched restarts of the k-component identity-covariance model
# ---------------------------------------------------------------------------


def _general_em(X, means, weights, learn_w, n_iter):
    """Slow reference of ``general_restarts``: plain numpy EM with scikit-learn's
    ``10 eps`` guard, squared distances in full; returns the final means and
    weights and the mean log-likelihoods at the ``n_iter + 1`` parameters."""
    X = np.asarray(X, dtype=np.float64)
    mu, w = np.array(means, dtype=np.float64), np.array(weights, dtype=np.float64)
    d = X.shape[1]
    guard = 10 * np.finfo(np.float64).eps
    lls = []
    for t in range(n_iter + 1):
        lp = (np.log(w) - 0.5 * ((X[:, None, :] - mu[None]) ** 2).sum(-1)
              - 0.5 * d * math.log(2 * math.pi))
        lse = logsumexp(lp, axis=1)
        lls.append(lse.mean())
        if t == n_iter:
            break
        r = np.exp(lp - lse[:, None])
        nk = r.sum(axis=0) + guard
        mu = (r.T @ X) / nk[:, None]
        if learn_w:
            w = nk / nk.sum()
    return mu, w, np.array(lls)


def _k_data(rng, n, d, K, spread=4.0, dtype=np.float64, offset=2.0):
    centres = rng.standard_normal((K, d)) * spread
    X = centres[rng.integers(0, K, n)] + rng.standard_normal((n, d)) + offset
    return X.astype(dtype)


@pytest.mark.parametrize("learn_w", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(1, 1, 1), (7, 3, 2), (_BLOCK + 5, 2, 3), (300, 1, 5),
                                   (2 * _BLOCK, 2, 40)])
def test_general_restarts_match_reference(learn_w, dtype, shape):
    n, d, K = shape
    rng = np.random.default_rng(20)
    X = _k_data(rng, n, d, K, dtype=dtype)
    R, n_iter = 3, 6
    means0 = X[rng.integers(0, n, (R, K))].astype(np.float64) + rng.standard_normal((R, K, d))
    w0 = rng.dirichlet(np.ones(K) * 3, R)
    for name, Xl in _layouts(X):
        mu, w = means0.copy(), w0.copy()
        lb, ll, it, conv = general_restarts(Xl, mu, w, learn_w, n_iter, 0.0)
        assert np.all(it == n_iter)
        assert not conv.any()
        for r in range(R):
            r_mu, r_w, r_ll = _general_em(Xl, means0[r], w0[r], learn_w, n_iter)
            np.testing.assert_allclose(mu[r], r_mu, rtol=1e-11, atol=1e-11, err_msg=name)
            np.testing.assert_allclose(w[r], r_w, rtol=1e-11, atol=1e-15, err_msg=name)
            np.testing.assert_allclose(lb[r], r_ll[-2], rtol=1e-12, err_msg=name)
            np.testing.assert_allclose(ll[r], r_ll[-1], rtol=1e-12, err_msg=name)
        if not learn_w:
            np.testing.assert_array_equal(w, w0)


def test_general_restarts_float32_is_float64_of_the_same_values():
    rng = np.random.default_rng(21)
    X32 = _k_data(rng, 500, 2, 3, dtype=np.float32)
    means0 = rng.standard_normal((4, 3, 2)) * 3
    outs = []
    for X in (X32, X32.astype(np.float64)):
        mu, w = means0.copy(), np.full((4, 3), 1.0 / 3.0)
        outs.append((mu, w, *general_restarts(X, mu, w, True, 10, 0.0)))
    for a, b in zip(*outs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-14, atol=1e-14)


def test_general_restarts_stop_at_tol_and_zero_iterations():
    rng = np.random.default_rng(22)
    X = _k_data(rng, 400, 2, 3)
    means0 = X[rng.integers(0, 400, (4, 3))]
    w0 = np.full((4, 3), 1.0 / 3.0)
    mu, w = means0.copy(), w0.copy()
    lb, ll, it, conv = general_restarts(X, mu, w, True, 1000, 1e-8)
    assert conv.all()
    assert np.all(it < 1000)
    for r in range(4):
        lls = _general_em(X, means0[r], w0[r], True, int(it[r]))[2]
        assert abs(lls[-2] - lls[-3]) < 1e-8 <= abs(lls[-3] - lls[-4])
        np.testing.assert_allclose([lb[r], ll[r]], lls[-2:], rtol=1e-12)
    mu, w = means0.copy(), w0.copy()
    lb, ll, it, conv = general_restarts(X, mu, w, True, 0, 1e-8)
    np.testing.assert_array_equal(mu, means0)
    np.testing.assert_array_equal(w, w0)
    assert np.all(it == 0)
    assert not conv.any()
    assert np.all(lb == -np.inf)
    np.testing.assert_allclose(ll, [_general_em(X, m, w0[0], True, 0)[2][0] for m in means0],
                               rtol=1e-12)


def test_general_restarts_tol_zero_skips_only_unused_likelihoods():
    # tol = 0 (never met) and a negative tol give the same results as a tol
    # too small to be met, which evaluates the likelihood at every iteration
    rng = np.random.default_rng(23)
    X = _k_data(rng, 300, 2, 3)
    means0 = rng.standard_normal((3, 3, 2)) * 3
    outs = []
    for tol in (0.0, -1.0, 1e-300):
        mu, w = means0.copy(), np.full((3, 3), 1.0 / 3.0)
        outs.append((mu, w, *general_restarts(X, mu, w, True, 7, tol)))
    for other in outs[1:]:
        for a, b in zip(outs[0], other, strict=True):
            np.testing.assert_array_equal(a, b)


def test_general_restarts_far_apart_and_empty_components():
    # separation 1e3: every log-density difference is about -5e5, whose exp
    # underflows to exactly 0; the row maximum is subtracted, so the
    # log-likelihood stays finite.  A start at 1e5 gets no responsibility
    # (N_k = 0) and moves to the origin (guard 10 eps), not to NaN; the data
    # sit 500 away from the origin, so it stays there.
    rng = np.random.default_rng(24)
    centres = np.array([[0.0, 0.0], [1e3, 0.0], [0.0, 1e3]]) + 500.0
    X = np.repeat(centres, 50, axis=0) + rng.standard_normal((150, 2))
    means0 = np.stack([centres + 1.0, np.array([[500.0, 500.0], [1500.0, 500.0], [1e5, 1e5]])])
    for learn_w in (False, True):
        mu, w = means0.copy(), np.full((2, 3), 1.0 / 3.0)
        lb, ll, _it, _conv = general_restarts(X, mu, w, learn_w, 5, 0.0)
        for r in range(2):
            r_mu, r_w, r_ll = _general_em(X, means0[r], np.full(3, 1.0 / 3.0), learn_w, 5)
            assert np.all(np.isfinite(r_ll))
            np.testing.assert_allclose(mu[r], r_mu, rtol=1e-12, atol=1e-9)
            np.testing.assert_allclose(w[r], r_w, rtol=1e-12)
            np.testing.assert_allclose([lb[r], ll[r]], r_ll[-2:], rtol=1e-12)
        np.testing.assert_allclose(mu[0], X.reshape(3, 50, 2).mean(axis=1), rtol=1e-13)
        np.testing.assert_array_equal(mu[1, 2], 0.0)


def test_general_restarts_many_equal_components_no_overflow():
    # K = 300 identical components: every row sum of the log-sum-exp is K,
    # the largest possible; products of a group of rows must not overflow
    rng = np.random.default_rng(25)
    X = rng.standard_normal((600, 1))
    K = 300
    mu, w = np.zeros((1, K, 1)), np.full((1, K), 1.0 / K)
    lb, ll, _it, _conv = general_restarts(X, mu, w, False, 1, 0.0)
    c = -0.5 * math.log(2 * math.pi)
    np.testing.assert_allclose(lb[0], np.mean(-0.5 * X[:, 0] ** 2) + c, rtol=1e-13)
    np.testing.assert_allclose(mu[0], X.mean(), rtol=1e-12)
    np.testing.assert_allclose(ll[0], np.mean(-0.5 * (X[:, 0] - X.mean()) ** 2) + c,
                               rtol=1e-13)


def test_general_restarts_independent_of_thread_count():
    rng = np.random.default_rng(26)
    X = _k_data(rng, 300, 2, 3)
    means0 = rng.standard_normal((9, 3, 2)) * 3
    outs = []
    for k in (1, 2):
        mu, w = means0.copy(), np.full((9, 3), 1.0 / 3.0)
        with num_threads(k):
            outs.append((mu, w, *general_restarts(X, mu, w, True, 20, 0.0)))
    for a, b in zip(*outs, strict=True):
        np.testing.assert_array_equal(a, b)
