"""The GIL-free BLAS/LAPACK bindings against numpy and scipy's wrappers."""

import sys
import threading
import time

import numpy as np
import pytest
import scipy.linalg
from scipy.linalg import lapack
from threadpoolctl import threadpool_limits

from interpstat import _lapack as la


def _views(rng, shape):
    """The same matrix as C, F, a C column block, an F row block and a strided copy."""
    m, k = shape
    A = rng.standard_normal(shape)
    big_c = rng.standard_normal((m + 3, k + 7))
    big_c[2 : 2 + m, 5 : 5 + k] = A
    big_f = np.asfortranarray(rng.standard_normal((m + 4, k + 2)))
    big_f[3 : 3 + m, 1 : 1 + k] = A
    stepped = np.zeros((m, 2 * k))
    stepped[:, ::2] = A
    return A, {
        "C": np.ascontiguousarray(A),
        "F": np.asfortranarray(A),
        "C-block": big_c[2 : 2 + m, 5 : 5 + k],
        "F-block": big_f[3 : 3 + m, 1 : 1 + k],
        "strided": stepped[:, ::2],
    }


def _spd(rng, m):
    A = rng.standard_normal((m, m + 5))
    return A @ A.T


@pytest.mark.parametrize("shape", [(7, 5), (1, 4), (6, 1), (30, 30)])
@pytest.mark.parametrize("trans_a", [False, True])
def test_gemm_all_layouts(shape, trans_a):
    rng = np.random.default_rng(0)
    A, views = _views(rng, shape)
    r = shape[0] if trans_a else shape[1]
    B, b_views = _views(rng, (r, 3))
    expected = (A.T if trans_a else A) @ B
    for name, a in views.items():
        for b_name, b in b_views.items():
            got = la.gemm(a, b, trans_a=trans_a)
            np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-13,
                                       err_msg=f"{name} x {b_name}")
    C = np.asfortranarray(rng.standard_normal(expected.shape))
    want = 2.0 * expected + 0.5 * C
    la.gemm(views["C-block"], B, C, trans_a=trans_a, alpha=2.0, beta=0.5)
    np.testing.assert_allclose(C, want, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("trans", [False, True])
def test_syrk_lower_triangle_and_accumulation(trans):
    rng = np.random.default_rng(1)
    A, views = _views(rng, (9, 14))
    G = A.T @ A if trans else A @ A.T
    for name, a in views.items():
        got = la.syrk(a, trans=trans)
        np.testing.assert_allclose(np.tril(got), np.tril(G), rtol=1e-13, atol=1e-12,
                                   err_msg=name)
        assert not np.triu(got, 1).any()  # upper triangle untouched (zeros)
    # accumulate over column blocks: sum of the blocks' Gram matrices
    C = np.zeros((9, 9), order="F")
    if not trans:
        for lo, hi in [(0, 4), (4, 5), (5, 14)]:
            la.syrk(views["C"][:, lo:hi], C, beta=1.0)
        np.testing.assert_allclose(np.tril(C), np.tril(G), rtol=1e-13, atol=1e-12)


def test_cholesky_routines_equal_scipy():
    rng = np.random.default_rng(2)
    m = 40
    G = _spd(rng, m)
    big = np.asfortranarray(np.full((m + 3, m + 3), np.nan))
    big[:m, :m] = G
    block = big[:m, :m]  # leading dimension m + 3
    assert la.potrf(block) == 0
    L_ref = lapack.dpotrf(G, lower=1)[0]
    np.testing.assert_allclose(np.tril(block), L_ref, rtol=1e-12, atol=1e-12)
    B = rng.standard_normal((m, 2))
    X = la.potrs(block, np.asfortranarray(B.copy()))
    np.testing.assert_allclose(G @ X, B, rtol=1e-9, atol=1e-9)
    anorm = np.abs(G).sum(axis=0).max()
    assert la.lansy_one(np.tril(G)) == pytest.approx(anorm, rel=1e-14)
    ref = lapack.dpocon(L_ref, anorm, uplo="L")[0]
    assert la.pocon(block, anorm) == pytest.approx(ref, rel=1e-12)
    x = rng.standard_normal(m)
    np.testing.assert_allclose(la.trmv(block, x.copy()), L_ref @ x, rtol=1e-12)
    np.testing.assert_allclose(la.trmv(block, x.copy(), trans=True), L_ref.T @ x, rtol=1e-12)
    # a C-ordered factor is read as the matrix it is, not transposed
    np.testing.assert_allclose(la.trmv(np.ascontiguousarray(L_ref), x.copy()), L_ref @ x,
                               rtol=1e-12)


def test_single_precision_factor():
    rng = np.random.default_rng(6)
    m = 50
    G = _spd(rng, m)
    anorm = np.abs(G).sum(axis=0).max()
    G32 = np.asfortranarray(G, dtype=np.float32)
    assert la.potrf(G32) == 0
    L_ref = lapack.spotrf(np.asfortranarray(G, dtype=np.float32), lower=1)[0]
    np.testing.assert_allclose(np.tril(G32), L_ref, rtol=1e-5, atol=1e-5)
    b = rng.standard_normal((m, 1)).astype(np.float32)
    x = la.potrs(G32, np.asfortranarray(b.copy()))
    assert x.dtype == np.float32
    np.testing.assert_allclose(G @ x, b, rtol=0, atol=1e-3 * np.abs(b).max() * np.linalg.cond(G))
    ref = lapack.spocon(L_ref, anorm, uplo="L")[0]
    assert la.pocon(G32, anorm) == pytest.approx(ref, rel=1e-5)
    with pytest.raises(ValueError, match="float32"):
        la.potrs(G32, np.ones((m, 1), order="F"))  # right-hand side of the wrong precision


def test_symm_single_vector_uses_the_same_product():
    rng = np.random.default_rng(7)
    G = _spd(rng, 30)
    x = rng.standard_normal((30, 1))
    C = np.asfortranarray(rng.standard_normal((30, 1)))
    want = 2.0 * G @ x + 0.5 * C
    np.testing.assert_allclose(la.symm(np.tril(G), x, C, alpha=2.0, beta=0.5), want, rtol=1e-12)


def test_potrf_reports_indefinite_minor():
    G = np.asfortranarray(np.diag([1.0, 2.0, -1.0, 4.0]))
    assert la.potrf(G) == 3


def test_symm_syr_lacpy():
    rng = np.random.default_rng(3)
    m = 12
    G = _spd(rng, m)
    lower = np.asfortranarray(np.tril(G))
    B = rng.standard_normal((m, 3))
    np.testing.assert_allclose(la.symm(lower, B), G @ B, rtol=1e-12)
    x = rng.standard_normal(m)
    out = la.syr(0.7, x, lower.copy(order="F"))
    np.testing.assert_allclose(np.tril(out), np.tril(G + 0.7 * np.outer(x, x)), rtol=1e-13)
    dest = np.asfortranarray(np.full((m, m), 5.0))
    la.lacpy_lower(G, dest)
    np.testing.assert_array_equal(np.tril(dest), np.tril(G))
    np.testing.assert_array_equal(np.triu(dest, 1), np.triu(np.full((m, m), 5.0), 1))


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="square"):
        la.potrf(np.zeros((3, 4), order="F"))
    with pytest.raises(ValueError, match="unit stride"):
        la.potrf(np.zeros((3, 3)))  # C order cannot be factored in place
    ro = np.eye(3, order="F")
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="writeable"):
        la.potrf(ro)
    with pytest.raises(ValueError, match="shapes do not match"):
        la.gemm(np.ones((3, 2)), np.ones((3, 2)))
    with pytest.raises(ValueError, match="rows"):
        la.potrs(np.eye(3, order="F"), np.ones((2, 1), order="F"))


def test_empty_dimensions():
    assert la.gemm(np.ones((3, 0)), np.ones((0, 2))).tolist() == [[0.0] * 2] * 3
    assert la.syrk(np.ones((2, 0))).shape == (2, 2)
    assert la.potrf(np.zeros((0, 0), order="F")) == 0
    assert la.lansy_one(np.zeros((0, 0))) == 0.0


def _stamps_inside_calls(potrf):
    """Time stamps a pure-Python thread takes during each ``potrf`` call of another thread.

    The switch interval is made huge so that the interpreter never forces a
    thread switch: the stamping thread (which yields the GIL after every
    stamp) can then only run while the factoring thread has released the GIL.
    """
    rng = np.random.default_rng(4)
    A = rng.standard_normal((600, 605))
    bufs = [np.asfortranarray(A @ A.T) for _ in range(8)]
    started, done = threading.Event(), threading.Event()
    calls, ticks = [], []

    def factor_all():
        started.wait()
        for b in bufs:
            t0 = time.perf_counter()
            potrf(b)
            calls.append((t0, time.perf_counter()))
        done.set()

    def stamp():
        started.set()
        while not done.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0)

    threads = [threading.Thread(target=factor_all), threading.Thread(target=stamp)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(30.0)
    try:
        with threadpool_limits(1):  # one core for each thread
            for t in threads:
                t.start()
            for t in threads:
                t.join()
    finally:
        sys.setswitchinterval(interval)
    ticks = np.array(ticks)
    return [int(np.sum((ticks > lo) & (ticks < hi))) for lo, hi in calls]


def test_calls_release_the_gil():
    inside = _stamps_inside_calls(la.potrf)
    assert sum(n > 0 for n in inside) >= len(inside) // 2, inside
    # negative control: scipy's f2py wrapper holds the GIL, and the check sees it
    held = _stamps_inside_calls(lambda b: lapack.dpotrf(b, lower=1, overwrite_a=1))
    assert sum(n > 0 for n in held) <= 1, held


def test_scipy_wrappers_agree_on_large_problem():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((60, 300))
    K = la.syrk(X[:, 40:250])
    ref = scipy.linalg.blas.dsyrk(1.0, np.asfortranarray(X[:, 40:250]), lower=1)
    np.testing.assert_allclose(np.tril(K), np.tril(ref), rtol=1e-13, atol=1e-12)
