"""The shared solver core: the PSD solver, the spectral routines and the path engine."""

import itertools

import numpy as np
import pytest
import scipy.linalg

from interpstat import _lapack as la
from interpstat import _psd_solve as psd
from interpstat import _spectral as spec
from interpstat._path import ArrayColumns, BlockColumns, run_path

EPS = np.finfo(np.float64).eps


def _spd(m, cond, rng):
    Q = np.linalg.qr(rng.standard_normal((m, m)))[0]
    eig = np.geomspace(1.0, 1.0 / cond, m)
    return (Q * eig) @ Q.T, Q, eig


# ---------------------------------------------------------------------------
# Factor, condition estimate, refinement
# ---------------------------------------------------------------------------


def test_factor_solve_and_inverse_diagonal():
    rng = np.random.default_rng(0)
    G, _, _ = _spd(30, 1e3, rng)
    F = psd.factor(np.asfortranarray(G), 0.5, min_rcond=1e-12)
    ref = np.linalg.inv(G + 0.5 * np.eye(30))
    B = rng.standard_normal((30, 2))
    np.testing.assert_allclose(F.solve(B), ref @ B, rtol=1e-10)
    np.testing.assert_allclose(F.inv_diag(), np.diag(ref), rtol=1e-10)


def test_factor_refuses_below_min_rcond_and_indefinite():
    rng = np.random.default_rng(1)
    G, _, _ = _spd(30, 1e8, rng)
    with pytest.raises(psd.IllConditioned):
        psd.factor(np.asfortranarray(G), 0.0, min_rcond=1e-6)
    with pytest.raises(psd.IllConditioned):
        psd.factor(np.asfortranarray(-G), 0.0, min_rcond=0.0)
    with pytest.raises(psd.IllConditioned):
        psd.factor(np.zeros((3, 3), order="F"), 0.0, min_rcond=0.0)


@pytest.mark.parametrize("m", [40, 200])
@pytest.mark.parametrize("spike", [1e2, 1e4])
def test_condition_estimate_never_optimistic_on_spiked_spectra(m, spike):
    # The top eigenvector is orthogonal to the fixed start vector a Lanczos
    # estimate of lambda_max used to take: that estimate was ~spike times
    # low, so the condition estimate was optimistic by as much.  The
    # estimate must now be pessimistic (up to pocon's own factor, a few).
    rng = np.random.default_rng(int(spike) + m)
    v = np.random.default_rng(20261202).standard_normal(m)
    v /= np.linalg.norm(v)
    Q = np.linalg.qr(np.column_stack([v, rng.standard_normal((m, m - 1))]))[0]
    eig = np.geomspace(1.0, 1e-6, m)
    eig[1] = spike  # top eigenvector Q[:, 1] is orthogonal to v
    G = (Q * eig) @ Q.T
    true_rcond = eig.min() / eig.max()
    L = np.asfortranarray(G.copy())
    assert la.potrf(L) == 0
    rc, _ = psd.rcond_estimate(L, la.lansy_one(np.asfortranarray(G)))
    assert rc <= 3.0 * true_rcond


def test_refine_reaches_svd_accuracy_where_normal_equations_do_not():
    # cond(X) = 1e6: plain normal equations lose ~cond^2 eps = 1e-4; refined
    # through X the error is ~cond eps, within 100x of the SVD's
    rng = np.random.default_rng(2)
    n, p = 60, 20
    U = np.linalg.qr(rng.standard_normal((n, p)))[0]
    V = np.linalg.qr(rng.standard_normal((p, p)))[0]
    X = (U * np.geomspace(1, 1e-6, p)) @ V.T
    y = rng.standard_normal((n, 1))
    truth = np.linalg.lstsq(X, y, rcond=None)[0]
    G = psd.gram(X, dual=False)
    F = psd.factor(G, 0.0, min_rcond=1e-14)
    b, residual_op, output_op = psd.lstsq_operators(X, y, 0.0, dual=False)
    plain = F.solve(b)
    refined = psd.refine(F, b, residual_op, output_op)
    err = np.linalg.norm(refined - truth) / np.linalg.norm(truth)
    assert err <= 100 * 1e6 * EPS
    assert np.linalg.norm(plain - truth) / np.linalg.norm(truth) > 100 * err


def test_solve_gram_falls_back_and_warns_for_cholesky():
    X = np.ones((5, 3))  # rank one
    y = np.arange(5.0)[:, None]
    calls = []

    def spectral():
        calls.append(1)
        return spec.svd_lstsq(X, y, 0.0, 1e-12)[:2]

    b, residual_op, output_op = psd.lstsq_operators(X, y, 0.0, dual=False)
    _, rank, used = psd.solve_gram(
        psd.gram(X, False), b, ridge=0.0, rcond=1e-12, min_rcond=1e-11,
        residual_op=residual_op, output_op=output_op, spectral_op=spectral)
    assert (used, rank, calls) == ("svd", 1, [1])
    with pytest.warns(scipy.linalg.LinAlgWarning, match="solver='cholesky'"):
        psd.solve_gram(psd.gram(X, False), b, ridge=0.0, rcond=1e-12, min_rcond=1e-11,
                       residual_op=residual_op, output_op=output_op, spectral_op=spectral,
                       solver="cholesky")


@pytest.mark.parametrize("scale", [1e-150, 1.0, 1e150])
def test_mixed_solve_is_scale_free(scale):
    # the float32 copy and every residual are scaled before the cast: tiny and
    # huge right-hand sides give the same (scaled) answer, never zero or inf
    rng = np.random.default_rng(3)
    Z = rng.standard_normal((50, 150))
    S = la.syrk(Z)
    y = rng.standard_normal((50, 1))
    work = np.empty((50, 50), dtype=np.float32, order="F")
    A1, _, _ = psd.mixed_solve(S, y, 0.0, None, work)
    As, _, _ = psd.mixed_solve(S, y * scale, 0.0, None, work)
    np.testing.assert_allclose(As / scale, A1, rtol=1e-12)


def test_mixed_solve_refuses_row_scaled_gram():
    # cond(F) of a row-scaled Gram matrix is huge although its equilibrated
    # condition (what the float32 contraction measures) is small
    rng = np.random.default_rng(4)
    d = np.geomspace(1e-4, 1e4, 40)
    Z = rng.standard_normal((40, 200)) * d[:, None]
    work = np.empty((40, 40), dtype=np.float32, order="F")
    assert psd.mixed_solve(la.syrk(Z), rng.standard_normal((40, 1)), 0.0, None, work) is None


# ---------------------------------------------------------------------------
# Spectral routines
# ---------------------------------------------------------------------------


def test_spectral_filter_cuts_for_every_ridge():
    s = np.array([2.0, 1.0, 1e-17])
    f0, r0 = spec.spectral_filter(s, 0.0, 1e-12)
    f1, r1 = spec.spectral_filter(s, 1e-300, 1e-12)
    assert r0 == r1 == 2
    assert f0[2] == f1[2] == 0.0
    np.testing.assert_allclose(f1[:2], [0.5, 1.0])


@pytest.mark.parametrize("weights", [None, "random"])
def test_deflate_inflate_are_isometries_onto_the_complement(weights):
    rng = np.random.default_rng(5)
    n = 9
    u = np.full(n, 1 / 3.0) if weights is None else rng.uniform(0.1, 1, n)
    u = u / np.linalg.norm(u)
    A = rng.standard_normal((n, 4))
    P = np.eye(n) - np.outer(u, u)
    D = spec.deflate(u, A)
    assert D.shape == (n - 1, 4)
    np.testing.assert_allclose(D.T @ D, A.T @ P @ A, atol=1e-13)
    back = spec.inflate(u, D)
    np.testing.assert_allclose(back, P @ A, atol=1e-13)
    np.testing.assert_allclose(u @ back, 0, atol=1e-14)


def test_centred_lstsq_removes_the_mean_rounding_of_large_offsets():
    # columns offset by 1e8: the computed means are off by ~eps * 1e8, which
    # left a spurious singular value above the cut (rank n instead of n - 1)
    rng = np.random.default_rng(6)
    n = 20
    X = rng.standard_normal((n, n)) + 1e8
    y = rng.standard_normal((n, 1))
    Xc, Yc, _, _, u = spec.centre(X, y)
    coef, rank, _ = spec.centred_lstsq(Xc, Yc, 0.0, spec.default_rcond(n, n), u)
    assert rank == n - 1
    exact = X - X.mean(axis=0)  # the same up to rounding ~eps * 1e8 along u
    coef_ref = np.linalg.lstsq(spec.deflate(u, exact), spec.deflate(u, Yc), rcond=None)[0]
    np.testing.assert_allclose(coef, coef_ref, rtol=1e-6)
    naive_rank = np.linalg.matrix_rank(Xc)
    assert naive_rank == n  # the defect the deflation removes (negative control)


def test_loo_svd_recomputes_rows_near_leverage_one():
    # point 0 has leverage 1 - 1e-13: 1 - ||U_0||^2 cancels to noise, the
    # explicit projection keeps ~3 digits more than needed
    rng = np.random.default_rng(7)
    n, p = 12, 4
    X = rng.standard_normal((n, p)) * 1e-7
    X[0] = [1.0, 0.0, 0.0, 0.0]
    X[1:, 0] = 0.0
    X[1, 0] = 3e-7  # makes point 0's leverage 1 - O(1e-13)
    y = rng.standard_normal((n, 1))
    loo, _ = spec.loo_gcv_svd(X, y, [0.0], fit_intercept=False)
    keep = np.arange(1, n)
    coef = np.linalg.lstsq(X[keep], y[keep], rcond=None)[0]
    refit = y[0, 0] - X[0] @ coef[:, 0]
    np.testing.assert_allclose(loo[0, 0, 0], refit, rtol=1e-6)


# ---------------------------------------------------------------------------
# The path engine fed by column blocks
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("centre", [False, True])
def test_block_columns_equal_array_columns(centre):
    rng = np.random.default_rng(8)
    n, P = 25, 90
    X, Xt = rng.standard_normal((n, P)) + 2.0, rng.standard_normal((7, P))
    y, yt = rng.standard_normal((n, 1)), rng.standard_normal((7, 1))
    ps = np.array([5, 24, 25, 40, 90])
    if centre:
        Xc, Yc, x_mean, y_mean, u = spec.centre(X, y)
    else:
        Xc, Yc, x_mean, y_mean, u = X, y, np.zeros(P), np.zeros(1), None
    opts = dict(y_mean=y_mean, ridge=0.0, rcond=None, min_rcond=1e-11, null_vec=u,
                Y_test=yt, return_coef=True)
    ref, _ = run_path(ArrayColumns(Xc, x_mean, Xt), Yc, ps, **opts)
    bounds = [0, 3, 30, 31, 60, 90]
    blocks = ((X[:, a:b], Xt[:, a:b]) for a, b in itertools.pairwise(bounds))
    got, _ = run_path(BlockColumns(blocks, n, P, n_test=7, centre=centre), Yc, ps, **opts)
    np.testing.assert_allclose(got.coef_norm, ref.coef_norm, rtol=1e-12)
    np.testing.assert_allclose(got.test_mse, ref.test_mse, rtol=1e-12)
    np.testing.assert_allclose(got.intercepts, ref.intercepts, rtol=1e-12)
    for a, b in zip(got.coefs, ref.coefs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_svd_routes_run_blas_on_one_thread(monkeypatch):
    # OpenBLAS's threaded level-2 updates made gelsd/gesdd 5-20x slower on two
    # threads than on one here: the SVD routes must hold BLAS to one thread,
    # and give it back afterwards
    from threadpoolctl import threadpool_info, threadpool_limits

    seen = []
    lstsq, svd = scipy.linalg.lstsq, scipy.linalg.svd

    def counts():
        return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}

    def lstsq_rec(*args, **kwargs):
        seen.append(counts())
        return lstsq(*args, **kwargs)

    def svd_rec(*args, **kwargs):
        seen.append(counts())
        return svd(*args, **kwargs)

    monkeypatch.setattr(scipy.linalg, "lstsq", lstsq_rec)
    monkeypatch.setattr(scipy.linalg, "svd", svd_rec)
    rng = np.random.default_rng(9)
    X, Y = rng.standard_normal((12, 30)), rng.standard_normal((12, 1))
    with threadpool_limits(2, user_api="blas"):
        spec.svd_lstsq(X, Y, 0.0, 1e-12)
        spec.svd_lstsq(X, Y, 0.5, 1e-12)
        spec.loo_gcv_svd(X, Y, [0.0], fit_intercept=True)
        after = counts()
    assert len(seen) == 3
    assert all(c == {1} for c in seen)
    assert after == {2}


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_loo_qr_route_equals_svd_route_and_refuses_rank_deficiency(fit_intercept):
    rng = np.random.default_rng(10)
    X, Y = rng.standard_normal((30, 6)) + 3.0, rng.standard_normal((30, 2))
    loo_q, gcv_q = spec.loo_gcv_qr(X, Y, fit_intercept=fit_intercept)
    loo_s, gcv_s = spec.loo_gcv_svd(X, Y, [0.0], fit_intercept=fit_intercept)
    np.testing.assert_allclose(loo_q, loo_s[0], rtol=1e-10)
    np.testing.assert_allclose(gcv_q, gcv_s[0], rtol=1e-10)
    X[:, 5] = X[:, 1]  # rank-deficient: the SVD route must apply the cut
    assert spec.loo_gcv_qr(X, Y, fit_intercept=fit_intercept) is None
    assert spec.loo_gcv_qr(X[:6], Y[:6], fit_intercept=fit_intercept) is None  # p >= n


def test_loo_qr_route_is_row_wise_stable_next_to_an_outlier_row():
    # row 0 is 1e6 times the others (leverage ~1 - 1e-12): centring with the
    # column means spreads eps * 1e6 over every other row, the sorted,
    # pivoted QR of [1, X] does not; the truth is brute-force refits
    rng = np.random.default_rng(11)
    n, p = 14, 4
    X = rng.standard_normal((n, p))
    X[0] *= 1e6
    y = rng.standard_normal(n)
    refits = np.empty(n)
    for i in range(n):
        keep = np.arange(n) != i
        A = np.column_stack([np.ones(n - 1), X[keep]])
        coef = np.linalg.lstsq(A, y[keep], rcond=None)[0]
        refits[i] = y[i] - np.r_[1.0, X[i]] @ coef
    qr = spec.loo_gcv_qr(X, y[:, None], fit_intercept=True)[0][:, 0]
    svd = spec.loo_gcv_svd(X, y[:, None], [0.0], fit_intercept=True)[0][0, :, 0]
    err_qr = np.linalg.norm(qr - refits) / np.linalg.norm(refits)
    err_svd = np.linalg.norm(svd - refits) / np.linalg.norm(refits)
    assert err_qr <= 1e-13
    assert err_svd > 100 * err_qr  # the defect the QR route removes (negative control)
