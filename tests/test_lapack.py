"""The GIL-free BLAS/LAPACK bindings against numpy and scipy's wrappers, their
fallback to scipy's wrappers, and the shared BLAS thread limit."""

import ctypes
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.linalg
from scipy.linalg import cython_blas, cython_lapack, lapack
from threadpoolctl import threadpool_info, threadpool_limits

from interpstat import _lapack as la
from interpstat.exceptions import BindingFallbackWarning

F32_UNIT_ROUNDOFF = np.finfo(np.float32).eps / 2


@pytest.fixture(params=["bound", "fallback"])
def binding(request, monkeypatch):
    """Run a test with the ctypes bindings, then with every routine on scipy's wrappers."""
    la._reset_bindings()
    if request.param == "fallback":
        def unavailable(module, name):
            raise LookupError("hidden by the test")

        monkeypatch.setattr(la, "_capsule", unavailable)
        with pytest.warns(BindingFallbackWarning, match="hidden by the test"):
            assert not la.gil_free()
    else:
        assert la.gil_free()
    yield request.param
    la._reset_bindings()  # rebind (unpatched) on next use


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
def test_gemm_all_layouts(shape, trans_a, binding):
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
def test_syrk_lower_triangle_and_accumulation(trans, binding):
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


def test_cholesky_routines_equal_scipy(binding):
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


def test_single_precision_factor(binding):
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
    # Backward error of a Cholesky solve (Higham, Accuracy and Stability of
    # Numerical Algorithms, 2nd ed., 2002, Thm 10.4): (G32 + dG) x = b with
    # |dG| <= gamma_{3m+1} |L| |L^T|, and G32 = G + E with |E| <= u |G|, so the
    # float64 residual of the float32 solution is bounded componentwise by
    # (gamma_{3m+1} |L| |L^T| + u |G|) |x| (u = float32 unit roundoff).
    L = np.tril(G32).astype(np.float64)
    gamma = (3 * m + 1) * F32_UNIT_ROUNDOFF / (1 - (3 * m + 1) * F32_UNIT_ROUNDOFF)
    bound = (gamma * np.abs(L) @ np.abs(L.T) + F32_UNIT_ROUNDOFF * np.abs(G)) @ np.abs(x)

    def within_bound(z):
        return np.all(np.abs(b - G @ z) <= bound)

    assert within_bound(x)
    # negative control: an error of 1e-3 relative to |x|, far below what the
    # old check (|residual| <= 1e-3 max|b| cond(G) = 1.25) could see, is rejected
    assert not within_bound(x + 1e-3 * np.abs(x).max() * rng.standard_normal(x.shape))
    ref = lapack.spocon(L_ref, anorm, uplo="L")[0]
    assert la.pocon(G32, anorm) == pytest.approx(ref, rel=1e-5)
    with pytest.raises(ValueError, match="float32"):
        la.potrs(G32, np.ones((m, 1), order="F"))  # right-hand side of the wrong precision


def test_symm_single_vector_uses_the_same_product(binding):
    rng = np.random.default_rng(7)
    G = _spd(rng, 30)
    x = rng.standard_normal((30, 1))
    C = np.asfortranarray(rng.standard_normal((30, 1)))
    want = 2.0 * G @ x + 0.5 * C
    np.testing.assert_allclose(la.symm(np.tril(G), x, C, alpha=2.0, beta=0.5), want, rtol=1e-12)


def test_potrf_reports_indefinite_minor(binding):
    G = np.asfortranarray(np.diag([1.0, 2.0, -1.0, 4.0]))
    assert la.potrf(G) == 3


def test_symm_syr_lacpy(binding):
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


def test_bad_arguments_raise(binding):
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


def test_empty_dimensions(binding):
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


def test_scipy_wrappers_agree_on_large_problem(binding):
    rng = np.random.default_rng(5)
    X = rng.standard_normal((60, 300))
    K = la.syrk(X[:, 40:250])
    ref = scipy.linalg.blas.dsyrk(1.0, np.asfortranarray(X[:, 40:250]), lower=1)
    np.testing.assert_allclose(np.tril(K), np.tril(ref), rtol=1e-13, atol=1e-12)


# ---------------------------------------------------------------------------
# Signature checks and the fallback to scipy's wrappers
# ---------------------------------------------------------------------------

_KEEP_ALIVE = []  # capsule names must outlive the capsules made here


def _capsule_declared_as(capsule, declaration):
    """A capsule holding ``capsule``'s function pointer under another declaration."""
    get_name = ctypes.pythonapi.PyCapsule_GetName
    get_name.restype, get_name.argtypes = ctypes.c_char_p, [ctypes.py_object]
    get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
    get_pointer.restype = ctypes.c_void_p
    get_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
    new = ctypes.pythonapi.PyCapsule_New
    new.restype, new.argtypes = ctypes.py_object, [ctypes.c_void_p, ctypes.c_char_p,
                                                    ctypes.c_void_p]
    name = declaration.encode()
    _KEEP_ALIVE.append(name)
    return new(get_pointer(capsule, get_name(capsule)), name, None)


def _ilp64(capsule):
    """``capsule`` re-declared as an ILP64 build would: 64-bit integer arguments."""
    get_name = ctypes.pythonapi.PyCapsule_GetName
    get_name.restype, get_name.argtypes = ctypes.c_char_p, [ctypes.py_object]
    return _capsule_declared_as(capsule, get_name(capsule).decode().replace("int *",
                                                                            "int64_t *"))


def _every_routine_agrees_with_numpy(seed=0):
    """Each public routine, on strided views, against numpy.

    Tolerances: products and sums of at most ``r = 45`` terms of size O(1)
    carry rounding errors ``< r eps |a| |b|``; solves of the well-conditioned
    (cond < 30) shifted Gram matrix lose a factor cond(G) more.
    """
    rng = np.random.default_rng(seed)
    m, r = 30, 45
    tol = 10 * r * np.finfo(np.float64).eps
    big = rng.standard_normal((m + 2, r + 5))
    A = big[1 : 1 + m, 2 : 2 + r]  # column block of a C array
    B = rng.standard_normal((r, 3))
    np.testing.assert_allclose(la.gemm(A, B), A @ B, rtol=0, atol=tol * r)
    C = np.asfortranarray(rng.standard_normal((r, 3)))
    want = 2.0 * A.T @ B[:m] + 0.5 * C
    np.testing.assert_allclose(la.gemm(A, B[:m], C, trans_a=True, alpha=2.0, beta=0.5), want,
                               rtol=0, atol=tol * r)
    G = np.asfortranarray(A @ A.T + r * np.eye(m))
    np.testing.assert_allclose(np.tril(la.syrk(A)), np.tril(A @ A.T), rtol=0, atol=tol * r)
    lower = np.asfortranarray(np.tril(G))
    V = rng.standard_normal((m, 2))
    np.testing.assert_allclose(la.symm(lower, V), G @ V, rtol=0, atol=tol * 4 * r)
    np.testing.assert_allclose(la.symm(lower, V[:, :1]), G @ V[:, :1], rtol=0, atol=tol * 4 * r)
    x = rng.standard_normal(m)
    np.testing.assert_allclose(np.tril(la.syr(0.5, x, lower.copy(order="F"))),
                               np.tril(G + 0.5 * np.outer(x, x)), rtol=tol)
    Lref = np.linalg.cholesky(G)
    frame = np.asfortranarray(np.full((m + 3, m + 1), np.nan))
    frame[:m, :m] = G
    F = frame[:m, :m]  # leading dimension m + 3
    assert la.potrf(F) == 0
    np.testing.assert_allclose(np.tril(F), Lref, rtol=0, atol=tol * np.sqrt(r))
    np.testing.assert_array_equal(np.triu(F, 1), np.triu(G, 1))  # upper triangle untouched
    np.testing.assert_allclose(la.trmv(F, x.copy()), Lref @ x, rtol=0, atol=tol * r)
    np.testing.assert_allclose(la.trmv(F, x.copy(), trans=True), Lref.T @ x, rtol=0,
                               atol=tol * r)
    cond = np.linalg.cond(G, 1)
    np.testing.assert_allclose(la.potrs(F, np.asfortranarray(V.copy())), np.linalg.solve(G, V),
                               rtol=0, atol=tol * cond)
    anorm = np.linalg.norm(G, 1)
    assert la.lansy_one(lower) == pytest.approx(anorm, rel=tol)
    # Hager-Higham estimates ||G^-1||_1 from below, in practice within a factor 3
    assert 1 / cond * (1 - tol) <= la.pocon(F, anorm) <= 3 / cond
    G32 = np.asfortranarray(G, dtype=np.float32)
    assert la.potrf(G32) == 0
    tol32 = 10 * r * np.finfo(np.float32).eps
    np.testing.assert_allclose(np.tril(G32), Lref, rtol=0, atol=tol32 * np.sqrt(r))
    x32 = la.potrs(G32, np.asfortranarray(V, dtype=np.float32))
    assert x32.dtype == np.float32
    np.testing.assert_allclose(x32, np.linalg.solve(G, V), rtol=0, atol=tol32 * cond)
    assert 1 / cond * (1 - tol32) <= la.pocon(G32, anorm) <= 3 / cond
    dest = np.asfortranarray(np.full((m, m), 7.0))
    la.lacpy_lower(G, dest)
    np.testing.assert_array_equal(dest, np.tril(G) + np.triu(np.full((m, m), 7.0), 1))


@pytest.fixture
def fresh_bindings():
    """Bind again on first use (after the test's patches), and again after the test."""
    la._reset_bindings()
    yield
    la._reset_bindings()


def _fallback_warnings(record):
    return [w for w in record if issubclass(w.category, BindingFallbackWarning)]


def test_scipy_exports_the_declarations_called_here():
    get_name = ctypes.pythonapi.PyCapsule_GetName
    get_name.restype, get_name.argtypes = ctypes.c_char_p, [ctypes.py_object]
    for name, (module, _, _) in la._ROUTINES.items():
        table = {"cython_blas": cython_blas, "cython_lapack": cython_lapack}[module].__pyx_capi__
        assert la._normalised(get_name(table[name]).decode()) == la._declaration(name), name
    assert la.gil_free()  # this scipy's bindings are all live: threads are used


@pytest.mark.parametrize(("exported", "accepted"), [
    ("void (char *, int *, __pyx_t_5scipy_6linalg_13cython_lapack_d *, int *, int *)", True),
    ("void (char *,  int *, double *, int *, int *)", True),
    ("void (char *, int *, __pyx_t_5scipy_6linalg_13cython_lapack_s *, int *, int *)", False),
    ("void (char *, int64_t *, double *, int64_t *, int64_t *)", False),
    ("void (char *, __pyx_t_5scipy_6linalg_13cython_lapack_int *, double *, int *, int *)",
     False),
    ("void (char *, int *, double *, int *)", False),
    ("int (char *, int *, double *, int *, int *)", False),
])
def test_declaration_comparison(exported, accepted):
    assert (la._normalised(exported) == la._declaration("dpotrf")) == accepted


def test_missing_routine_falls_back_alone_and_warns_once(monkeypatch, fresh_bindings):
    monkeypatch.delitem(cython_lapack.__pyx_capi__, "dpotrf")
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        for seed in range(2):
            _every_routine_agrees_with_numpy(seed)
        assert not la.gil_free()
    (warning,) = _fallback_warnings(record)
    message = str(warning.message)
    assert "dpotrf (LookupError: scipy.linalg.cython_lapack does not export it)" in message
    assert "single-threaded" in message
    bound = la._bindings()
    assert bound["dpotrf"] is None
    assert all(fn is not None for name, fn in bound.items() if name != "dpotrf")


def test_ilp64_declaration_is_refused(monkeypatch, fresh_bindings):
    monkeypatch.setitem(cython_blas.__pyx_capi__, "dsyrk",
                        _ilp64(cython_blas.__pyx_capi__["dsyrk"]))
    monkeypatch.setitem(cython_lapack.__pyx_capi__, "spotrs",
                        _ilp64(cython_lapack.__pyx_capi__["spotrs"]))
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        _every_routine_agrees_with_numpy()
        rng = np.random.default_rng(1)
        A, views = _views(rng, (9, 14))
        for name, a in views.items():
            np.testing.assert_allclose(np.tril(la.syrk(a)), np.tril(A @ A.T), rtol=1e-13,
                                       atol=1e-12, err_msg=name)
    (warning,) = _fallback_warnings(record)
    message = str(warning.message)
    assert "dsyrk (TypeError: declared as 'void (char *, char *, int64_t *," in message
    assert "spotrs (TypeError" in message
    assert {name for name, fn in la._bindings().items() if fn is None} == {"dsyrk", "spotrs"}


def test_first_use_from_many_threads_warns_once(monkeypatch, fresh_bindings):
    monkeypatch.delitem(cython_blas.__pyx_capi__, "dgemm")
    barrier = threading.Barrier(6)
    results = []

    def use():
        barrier.wait()
        results.append(la.gemm(np.eye(3), np.ones((3, 2))))

    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        threads = [threading.Thread(target=use) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(_fallback_warnings(record)) == 1
    assert [r.tolist() for r in results] == [[[1.0, 1.0]] * 3] * 6


_FRESH_PROCESS = """
import json, sys, warnings
from scipy.linalg import cython_blas, cython_lapack
from tests.test_lapack import _every_routine_agrees_with_numpy, _ilp64

del cython_lapack.__pyx_capi__["dpotrf"]
cython_blas.__pyx_capi__["dgemm"] = _ilp64(cython_blas.__pyx_capi__["dgemm"])
warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as at_import:
    warnings.simplefilter("always")
    import interpstat
    from interpstat import minnorm_path
    from interpstat._path import path_threads as _path_threads
with warnings.catch_warnings(record=True) as record:
    warnings.simplefilter("always")
    for seed in range(3):
        _every_routine_agrees_with_numpy(seed)
    import numpy as np
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 120))
    y = X[:, :5].sum(axis=1) + rng.standard_normal(40)
    res = minnorm_path(X, y, [10, 60, 120], fit_intercept=False)
    lstsq = np.linalg.lstsq(X[:, :10], y, rcond=None)[0]
    np.testing.assert_allclose(res.train_mse[0], np.mean((y - X[:, :10] @ lstsq) ** 2),
                               rtol=1e-10)
    threads = _path_threads(1000, 25)
json.dump({"at_import": [str(w.message) for w in at_import],
           "warnings": [(w.category.__name__, str(w.message)) for w in record],
           "threads": threads}, sys.stdout)
"""


def test_fresh_process_with_broken_table_imports_computes_and_warns_once():
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), os.environ.get(
        "PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(_FRESH_PROCESS)], cwd=root,
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["at_import"] == []  # binding is lazy: nothing happens at import
    (category, message), = out["warnings"]
    assert category == "BindingFallbackWarning"
    assert "dgemm (TypeError: declared as 'void (char *, char *, int64_t *" in message
    assert "dpotrf (LookupError" in message
    assert out["threads"] == 1  # minnorm_path runs single-threaded


# ---------------------------------------------------------------------------
# The shared BLAS thread limit
# ---------------------------------------------------------------------------


def _blas_counts():
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


def test_blas_single_threaded_restores_on_last_exit_in_any_order():
    with threadpool_limits(limits=2, user_api="blas"):
        assert set(_blas_counts()) == {2}
        first, second = la.blas_single_threaded(), la.blas_single_threaded()
        first.__enter__()
        assert set(_blas_counts()) == {1}
        assert la.blas_thread_count() == 2  # the count outside the context
        second.__enter__()
        first.__exit__(None, None, None)  # the first entrant leaves first
        assert set(_blas_counts()) == {1}  # ... the second is still inside
        second.__exit__(None, None, None)
        assert set(_blas_counts()) == {2}
        assert la.blas_thread_count() == 2
        with la.blas_single_threaded(), la.blas_single_threaded():  # nested
            assert set(_blas_counts()) == {1}
        assert set(_blas_counts()) == {2}
        # negative control: threadpoolctl's limits, left in the same order,
        # leave BLAS single-threaded (the race minnorm_path had)
        first = threadpool_limits(limits=1, user_api="blas")
        second = threadpool_limits(limits=1, user_api="blas")
        first.restore_original_limits()
        second.restore_original_limits()
        assert set(_blas_counts()) == {1}


def test_concurrent_paths_equal_sequential_and_restore_blas_threads(monkeypatch):
    import interpstat._path as path
    import interpstat.linear as lin

    rng = np.random.default_rng(12)
    n = 300
    problems = []
    for fit_intercept in (True, False):
        X = rng.standard_normal((n, 3 * n)) + 0.3
        y = X[:, :15] @ rng.standard_normal(15) + rng.standard_normal(n)
        problems.append((X, y, fit_intercept))
    ps = [40, 200, 299, 301, 360, 450, 600, 750, 900]
    threads_used = []
    path_threads = path.path_threads

    def recording(n, n_dual):
        k = path_threads(n, n_dual)
        threads_used.append(k)
        return k

    monkeypatch.setattr(path, "path_threads", recording)
    blas_in_pool = []
    path_primal = path._primal_points

    def primal_recording(*args):
        blas_in_pool.append(_blas_counts())
        return path_primal(*args)

    monkeypatch.setattr(path, "_primal_points", primal_recording)
    original = _blas_counts()
    with threadpool_limits(limits=2, user_api="blas"):  # point-level threads even on one core
        sequential = [lin.minnorm_path(X, y, ps, fit_intercept=fi) for X, y, fi in problems]

        def run(i, barrier, results):
            X, y, fit_intercept = problems[i]
            barrier.wait()
            results[i] = lin.minnorm_path(X, y, ps, fit_intercept=fit_intercept)

        for _ in range(5):
            barrier, results = threading.Barrier(2), [None, None]
            workers = [threading.Thread(target=run, args=(i, barrier, results)) for i in range(2)]
            for t in workers:
                t.start()
            for t in workers:
                t.join()
            for got, want, (_, y, _) in zip(results, sequential, problems, strict=True):
                # Equal up to rounding (buffer alignment may change the order of
                # a BLAS sum): the rtol of test_linear's threaded-path check, and
                # interpolating points, whose train_mse is rounding noise, within
                # (n eps)^2 mean(y^2).
                noise = (n * np.finfo(np.float64).eps) ** 2 * np.mean(y**2)
                np.testing.assert_allclose(got.train_mse, want.train_mse, rtol=1e-10,
                                           atol=noise)
                for field in ("coef_norm", "intercepts"):
                    np.testing.assert_allclose(getattr(got, field), getattr(want, field),
                                               rtol=1e-10, atol=0, err_msg=field)
                assert got.solver == want.solver
        assert set(_blas_counts()) == {2}
    assert threads_used == [2] * 12  # every path saw the count outside the other's limit
    assert len(blas_in_pool) == 12
    assert all(set(counts) == {1} for counts in blas_in_pool)  # point threads: 1 BLAS thread
    assert _blas_counts() == original
