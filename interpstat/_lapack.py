"""GIL-free BLAS and LAPACK on strided views: scipy's Cython routines called through ctypes.

scipy's f2py wrappers (``scipy.linalg.blas``/``lapack``) hold the GIL for the
whole call and copy any input that is not contiguous.  The routines here call
the same compiled functions (the ones scipy exports for Cython in
``scipy.linalg.cython_blas``/``cython_lapack``) through ``ctypes``, which
releases the GIL, and pass a view's leading dimension instead of copying it:
a column block ``X[:, a:b]`` of a C-ordered ``X`` is the transposed Fortran
matrix at offset ``a`` with leading dimension ``X.shape[1]``.  This lets
:func:`interpstat.minnorm_path` factor one point while the next Gram update
runs in another thread.

The bindings are made on first use, not at import.  Each exported routine's
C declaration (the name of its capsule) is compared with the one called here;
a routine that is missing, declared differently (e.g. with the 64-bit
integers of an ILP64 build) or fails to bind in any other way runs through
scipy's f2py wrapper instead, with the same results and in-place semantics,
and one :class:`~interpstat.exceptions.BindingFallbackWarning` per process
says which and why.  :func:`gil_free` tells whether every binding is live.

Every function takes float64 arrays whose elements are contiguous along one
axis (C, F, or a row/column block of either); anything else is copied.  Only
the lower triangle of symmetric and triangular matrices is read or written.
Results equal scipy's wrappers (the same library routine runs).

:func:`blas_single_threaded` limits BLAS to one thread for as long as any
caller (in any thread) is inside it, and :func:`blas_thread_count` gives the
count outside it, so concurrent users of thread-level parallelism do not undo
each other's limits.
"""

import contextlib
import ctypes
import functools
import importlib
import os
import re
import sys
import threading
import warnings
from ctypes import byref, c_char_p, c_double, c_float, c_int, c_void_p

import numpy as np

from interpstat.exceptions import BindingFallbackWarning

__all__ = [
    "BindingFallbackWarning",
    "blas_single_threaded",
    "blas_thread_count",
    "gemm",
    "gil_free",
    "lacpy_lower",
    "lansy_one",
    "pocon",
    "potrf",
    "potrs",
    "symm",
    "syr",
    "syrk",
    "trmv",
]

# ---------------------------------------------------------------------------
# Binding: scipy's Cython exports, checked against the declarations called here
# ---------------------------------------------------------------------------

#: Argument codes of :data:`_ROUTINES`: the C type each stands for, and the
#: ctypes type it is passed as (arrays as addresses, scalars by reference).
_ARG = {"c": ("char *", c_char_p), "i": ("int *", c_void_p), "d": ("double *", c_void_p),
        "s": ("float *", c_void_p)}
_RET = {"void": None, "double": c_double}

#: Every routine called here: ``name: (scipy module, return type, argument
#: codes)``.  Routines that exist in scipy's f2py modules under the same name
#: fall back to them; ``dlacpy`` and ``dlansy`` fall back to numpy.
_ROUTINES = {
    "dgemm": ("cython_blas", "void", "c c i i i d d i d i d d i"),
    "dsyrk": ("cython_blas", "void", "c c i i d d i d d i"),
    "dsymm": ("cython_blas", "void", "c c i i d d i d i d d i"),
    "dsymv": ("cython_blas", "void", "c i d d i d i d d i"),
    "dsyr": ("cython_blas", "void", "c i d d i d i"),
    "dtrmv": ("cython_blas", "void", "c c c i d i d i"),
    "dpotrf": ("cython_lapack", "void", "c i d i i"),
    "dpotrs": ("cython_lapack", "void", "c i i d i d i i"),
    "dpocon": ("cython_lapack", "void", "c i d i d d d i i"),
    "dlacpy": ("cython_lapack", "void", "c i i d i d i"),
    "dlansy": ("cython_lapack", "double", "c c i d i d"),
    "spotrf": ("cython_lapack", "void", "c i s i i"),
    "spotrs": ("cython_lapack", "void", "c i i s i s i i"),
    "spocon": ("cython_lapack", "void", "c i s i s s s i i"),
}

#: Cython spells the real types of its declarations through the modules'
#: typedefs ``d`` and ``s`` (``__pyx_t_5scipy_6linalg_11cython_blas_d`` is
#: double); only these two are read as ``double``/``float``, any other type
#: (``int64_t``, ``npy_int64``, a typedef for the integers) stays as written
#: and fails the comparison.
_TYPEDEF = re.compile(r"__pyx_t_\w*?cython_(?:blas|lapack)_([ds])\b")
_REAL = {"d": "double", "s": "float"}


def _declaration(name):
    """The C declaration of ``name`` that the binding calls, as Cython writes it.

    Parameters
    ----------
    name : str
        A key of the routine table, e.g. ``"dgemm"``.

    Returns
    -------
    str
        E.g. ``"void (char *, int *, double *, int *, int *)"`` for ``dpotrf``.
    """
    _, ret, args = _ROUTINES[name]
    return f"{ret} ({', '.join(_ARG[code][0] for code in args.split())})"


def _normalised(capsule_name):
    """A capsule's declaration with scipy's real typedefs read as double/float."""
    text = _TYPEDEF.sub(lambda match: _REAL[match[1]], capsule_name)
    return " ".join(text.split())


def _capsule(module, name):
    """The capsule scipy exports for ``name`` from ``scipy.linalg.<module>``.

    The one place that reads scipy's table (tests replace it).
    """
    return importlib.import_module(f"scipy.linalg.{module}").__pyx_capi__[name]


@functools.cache
def _capsule_api():
    get_name = ctypes.pythonapi.PyCapsule_GetName
    get_name.restype = c_char_p
    get_name.argtypes = [ctypes.py_object]
    get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
    get_pointer.restype = c_void_p
    get_pointer.argtypes = [ctypes.py_object, c_char_p]
    return get_name, get_pointer


def _bind(name):
    """A ctypes function calling ``name`` without the GIL; raises if it cannot be trusted."""
    module, ret, args = _ROUTINES[name]
    try:
        capsule = _capsule(module, name)
    except KeyError:
        raise LookupError(f"scipy.linalg.{module} does not export it") from None
    get_name, get_pointer = _capsule_api()
    raw = get_name(capsule)
    found = _normalised(raw.decode()) if raw else "<no declaration>"
    if found != _declaration(name):
        raise TypeError(f"declared as {found!r}, called as {_declaration(name)!r}")
    address = get_pointer(capsule, raw)
    if not address:
        raise ValueError("null function pointer")
    prototype = ctypes.CFUNCTYPE(_RET[ret], *(_ARG[code][1] for code in args.split()))
    return prototype(address)  # a CFUNCTYPE call releases the GIL


_bind_lock = threading.Lock()
_bound = None  # routine name -> ctypes function, or None where scipy's wrapper runs


def _bindings():
    """Bind every routine on first use (once per process), warning once about fallbacks."""
    global _bound
    bound = _bound
    if bound is not None:
        return bound
    failures = {}
    with _bind_lock:
        if _bound is None:
            table = {}
            for name in _ROUTINES:
                try:
                    table[name] = _bind(name)
                except Exception as exc:  # any failure: never call it, use scipy's wrapper
                    table[name] = None
                    failures[name] = f"{type(exc).__name__}: {exc}"
            _bound = table
        bound = _bound
    if failures:  # only the call that bound sees failures; warn outside the lock, as a
        # warning filter may run arbitrary code
        reasons = "; ".join(f"{name} ({why})" for name, why in failures.items())
        warnings.warn(
            f"GIL-free BLAS/LAPACK bindings unavailable for {reasons}. scipy's "
            "wrappers run these routines instead (same results, with the GIL held and "
            "possible copies), so minnorm_path runs single-threaded.",
            BindingFallbackWarning,
            stacklevel=_outside_level(),
        )
    return bound


def _outside_level():
    """``stacklevel`` for a warning issued in the caller: the first frame outside interpstat."""
    package = os.path.dirname(os.path.abspath(__file__)) + os.sep
    frame, level = sys._getframe(2), 2
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package):
        frame, level = frame.f_back, level + 1
    return level


def _reset_bindings():
    """Forget the bindings and the warning (tests only: rebind on next use)."""
    global _bound
    with _bind_lock:
        _bound = None


def gil_free():
    """Whether every binding is live, so that calls here release the GIL.

    Binds on first use.  ``False`` means at least one routine runs through
    scipy's wrapper, which holds the GIL: thread-level parallelism over these
    calls would then serialise, and callers should use one thread.

    Returns
    -------
    bool
    """
    return all(fn is not None for fn in _bindings().values())


def _routine(name):
    """The live binding of ``name``, or ``None`` to use the fallback."""
    return _bindings()[name]


def _wrapper(name):
    """scipy's f2py wrapper of the same routine (``scipy.linalg.blas``/``lapack``)."""
    from scipy.linalg import blas, lapack

    return getattr(blas if _ROUTINES[name][0] == "cython_blas" else lapack, name)


def _store(out, result):
    """Write a wrapper's result into ``out`` unless it already worked in place."""
    if result is not out and not (
        result.ctypes.data == out.ctypes.data and result.strides == out.strides
    ):
        out[...] = result
    return out


# ---------------------------------------------------------------------------
# BLAS threads: one process-wide limit shared by all concurrent users
# ---------------------------------------------------------------------------

_threads_lock = threading.Lock()
_threads_users = 0
_threads_saved = None  # ((library controller, thread count), ...) while limited


@functools.cache
def _blas_libraries():
    """threadpoolctl's controllers of the loaded BLAS libraries (numpy's and scipy's)."""
    import scipy.linalg  # noqa: F401  (loads scipy's BLAS, the one the bindings call)
    from threadpoolctl import ThreadpoolController

    return tuple(ThreadpoolController().select(user_api="blas").lib_controllers)


def _set_threads(lib, count):
    """Set ``lib``'s thread count from whichever thread enters first or leaves last.

    threadpoolctl (3.8) applies an OpenBLAS (pthreads) limit only when it comes
    from the "controlling thread", the first thread to set one (often the main
    thread), and silently ignores the others.  The shared limit here is set by
    any thread, so control is released before the call and the control taken
    by it released after (the next thread to set a limit takes it again).
    """
    import threadpoolctl

    openblas = getattr(threadpoolctl, "OpenBLASController", None)
    release = getattr(openblas, "clear_controlling_thread", None)
    if release is not None:
        release(force=True)
    lib.set_num_threads(count)
    if release is not None:
        release()  # only if this thread took control


def _min_threads(counts):
    return min((int(k) for k in counts if k is not None), default=1)


def blas_thread_count():
    """The BLAS thread count outside any :func:`blas_single_threaded` context.

    Inside such a context (entered by any thread) the count it saved is
    returned, not the 1 it set; the smallest count over the loaded BLAS
    libraries is reported.

    Returns
    -------
    int
    """
    with _threads_lock:
        if _threads_saved is not None:
            return _min_threads(count for _, count in _threads_saved)
        return _min_threads(lib.get_num_threads() for lib in _blas_libraries())


@contextlib.contextmanager
def blas_single_threaded():
    """Limit BLAS to one thread while any caller, in any thread, is inside.

    BLAS thread limits are process-wide: two threads each limiting and
    restoring on their own restore out of order (the second saves the
    first's 1 and restores it last, so BLAS stays single-threaded), and
    threadpoolctl ignores limits set by any thread but its controlling one.
    Here the first entrant saves the counts and sets 1, later entrants only
    count themselves in, and the last to leave restores the saved counts,
    whichever threads these are.  Nesting is allowed.  With an OpenMP build of
    OpenBLAS the limit applies to the entering thread only.

    Yields
    ------
    None
    """
    global _threads_users, _threads_saved
    with _threads_lock:
        if _threads_users == 0:
            libs = _blas_libraries()
            _threads_saved = tuple((lib, lib.get_num_threads()) for lib in libs)
            for lib in libs:
                _set_threads(lib, 1)
        _threads_users += 1
    try:
        yield
    finally:
        with _threads_lock:
            _threads_users -= 1
            if _threads_users == 0:
                saved, _threads_saved = _threads_saved, None
                for lib, count in saved:
                    if count is not None:
                        _set_threads(lib, count)


# ---------------------------------------------------------------------------
# Arguments: scalars by reference, arrays as Fortran matrices
# ---------------------------------------------------------------------------


def _i(value):
    return byref(c_int(int(value)))


def _d(value):
    return byref(c_double(float(value)))


def _layout(A, dtype=np.float64):
    """Leading dimension and orientation of the 2-D array ``A`` seen as a Fortran matrix.

    Returns ``(ld, transposed)``: the Fortran matrix at ``A``'s address is
    ``A`` itself (unit stride down its columns) or, if ``transposed``, ``A.T``
    (unit stride along its rows); ``None`` if neither holds.
    """
    if A.dtype != dtype or not A.flags.aligned:
        return None
    rows, cols = A.shape
    s0, s1 = A.strides
    w = A.itemsize
    if A.size == 0:
        return max(rows, 1), False
    if s0 == w or rows <= 1:
        if cols <= 1:
            return max(rows, 1), False
        if s1 > 0 and s1 % w == 0 and s1 // w >= max(rows, 1):
            return s1 // w, False
    if s1 == w or cols <= 1:
        if rows <= 1:
            return max(cols, 1), True
        if s0 > 0 and s0 % w == 0 and s0 // w >= max(cols, 1):
            return s0 // w, True
    return None


def _operand(A, dtype=np.float64):
    """``(A, pointer, ld, transposed)`` of an input read in either orientation (else copied)."""
    A = np.asarray(A, dtype=dtype)
    if A.ndim != 2:
        raise ValueError(f"expected a 2-D array, got {A.ndim} dimensions")
    layout = _layout(A, dtype)
    if layout is None:
        A = np.asfortranarray(A)
        layout = _layout(A, dtype)
    return (A, A.ctypes.data, *layout)


def _fortran(A, dtype=np.float64):
    """``(A, pointer, ld)`` for an input read in Fortran orientation (copied if transposed)."""
    A, ptr, ld, transposed = _operand(A, dtype)
    if transposed:
        A, ptr, ld, _ = _operand(np.asfortranarray(A), dtype)
    return A, ptr, ld


def _output(A, dtype=np.float64):
    """``(A, pointer, ld)`` for an output written in place: Fortran orientation required."""
    if not isinstance(A, np.ndarray) or A.ndim != 2 or not A.flags.writeable:
        raise ValueError("output must be a writeable 2-D array")
    layout = _layout(A, dtype)
    if layout is None or layout[1]:
        raise ValueError(
            f"output must be {np.dtype(dtype).name} with unit stride along its first axis"
        )
    return A, A.ctypes.data, layout[0]


def _real(A):
    """The dtype of a factor: float32 or float64 (anything else is read as float64)."""
    return A.dtype if A.dtype in (np.float32, np.float64) else np.dtype(np.float64)


def _square(A):
    if A.shape[0] != A.shape[1]:
        raise ValueError(f"expected a square matrix, got shape {A.shape}")


def _prefix(dtype):
    return "s" if dtype == np.float32 else "d"


# ---------------------------------------------------------------------------
# Public routines
# ---------------------------------------------------------------------------


def gemm(A, B, C=None, *, trans_a=False, alpha=1.0, beta=0.0):
    """``C = alpha op(A) @ B + beta C`` with ``op(A) = A.T if trans_a else A``.

    Parameters
    ----------
    A : ndarray of shape (m, r) (``(r, m)`` with ``trans_a``)
    B : ndarray of shape (r, k)
    C : ndarray of shape (m, k), optional
        Fortran-oriented output (allocated in Fortran order when omitted).

    Returns
    -------
    C : ndarray of shape (m, k)
    """
    A, pa, lda, ta = _operand(A)
    B, pb, ldb, tb = _operand(B)
    m = A.shape[1] if trans_a else A.shape[0]
    r = A.shape[0] if trans_a else A.shape[1]
    k = B.shape[1]
    if B.shape[0] != r:
        raise ValueError(f"shapes do not match: op(A) has {r} columns, B has {B.shape[0]} rows")
    if C is None:
        C = np.zeros((m, k), order="F")
        beta = 0.0
    C, pc, ldc = _output(C)
    if m == 0 or k == 0:
        return C
    if r == 0:
        C *= beta
        return C
    flip_a = trans_a != ta  # the Fortran matrix at A's address is transposed
    fn = _routine("dgemm")
    if fn is None:
        return _store(C, _wrapper("dgemm")(alpha, A.T if ta else A, B.T if tb else B, beta=beta,
                                           c=C, trans_a=int(flip_a), trans_b=int(tb),
                                           overwrite_c=1))
    fn(b"T" if flip_a else b"N", b"T" if tb else b"N", _i(m), _i(k), _i(r), _d(alpha), pa,
       _i(lda), pb, _i(ldb), _d(beta), pc, _i(ldc))
    return C


def syrk(A, C=None, *, trans=False, alpha=1.0, beta=0.0):
    """Lower triangle of ``C = alpha op(A) op(A)^T + beta C``, ``op(A) = A.T if trans else A``.

    Parameters
    ----------
    A : ndarray of shape (m, r) (``(r, m)`` with ``trans``)
    C : ndarray of shape (m, m), optional
        Fortran-oriented; only its lower triangle is written (zeros elsewhere
        when allocated here).

    Returns
    -------
    C : ndarray of shape (m, m)
    """
    A, pa, lda, ta = _operand(A)
    m = A.shape[1] if trans else A.shape[0]
    r = A.shape[0] if trans else A.shape[1]
    if C is None:
        C = np.zeros((m, m), order="F")
        beta = 0.0
    C, pc, ldc = _output(C)
    if m == 0:
        return C
    if r == 0:
        if beta != 1.0:
            C *= beta
        return C
    flip = trans != ta
    fn = _routine("dsyrk")
    if fn is None:
        return _store(C, _wrapper("dsyrk")(alpha, A.T if ta else A, beta=beta, c=C,
                                           trans=int(flip), lower=1, overwrite_c=1))
    fn(b"L", b"T" if flip else b"N", _i(m), _i(r), _d(alpha), pa, _i(lda), _d(beta), pc,
       _i(ldc))
    return C


def symm(A, B, C=None, *, alpha=1.0, beta=0.0):
    """``C = alpha A @ B + beta C`` with ``A`` symmetric (lower triangle read).

    Parameters
    ----------
    A : ndarray of shape (m, m), Fortran-oriented
    B : ndarray of shape (m, k), Fortran-oriented
    C : ndarray of shape (m, k), optional

    Returns
    -------
    C : ndarray of shape (m, k)
    """
    A, pa, lda = _fortran(A)
    _square(A)
    B, pb, ldb = _fortran(B)
    m, k = B.shape
    if C is None:
        C = np.zeros((m, k), order="F")
        beta = 0.0
    C, pc, ldc = _output(C)
    if m and k == 1 and B.strides[0] == 8 and C.strides[0] == 8:  # dsymv: 3x faster here
        fn = _routine("dsymv")
        if fn is None:
            _store(C[:, 0], _wrapper("dsymv")(alpha, A, B[:, 0], beta=beta, y=C[:, 0], lower=1,
                                              overwrite_y=1))
        else:
            fn(b"L", _i(m), _d(alpha), pa, _i(lda), pb, _i(1), _d(beta), pc, _i(1))
    elif m and k:
        fn = _routine("dsymm")
        if fn is None:
            _store(C, _wrapper("dsymm")(alpha, A, B, beta=beta, c=C, side=0, lower=1,
                                        overwrite_c=1))
        else:
            fn(b"L", b"L", _i(m), _i(k), _d(alpha), pa, _i(lda), pb, _i(ldb), _d(beta), pc,
               _i(ldc))
    return C


def syr(alpha, x, A):
    """Lower triangle of ``A += alpha x x^T`` in place.

    Parameters
    ----------
    alpha : float
    x : ndarray of shape (m,)
    A : ndarray of shape (m, m), Fortran-oriented, written in place

    Returns
    -------
    A : ndarray of shape (m, m)
    """
    A, pa, lda = _output(A)
    _square(A)
    x = np.ascontiguousarray(x, dtype=np.float64)
    m = A.shape[0]
    if x.shape != (m,):
        raise ValueError(f"x has shape {x.shape}, A has {A.shape}")
    if m:
        fn = _routine("dsyr")
        if fn is None:
            _store(A, _wrapper("dsyr")(alpha, x, lower=1, a=A, overwrite_a=1))
        else:
            fn(b"L", _i(m), _d(alpha), x.ctypes.data, _i(1), pa, _i(lda))
    return A


def trmv(L, x, *, trans=False):
    """``x = L x`` (``L^T x`` with ``trans``) in place, ``L`` lower triangular.

    Parameters
    ----------
    L : ndarray of shape (m, m)
    x : ndarray of shape (m,), contiguous, written in place

    Returns
    -------
    x : ndarray of shape (m,)
    """
    L, pl, ldl = _fortran(L)
    _square(L)
    if x.shape != (L.shape[0],):
        raise ValueError(f"x has shape {x.shape}, L has {L.shape}")
    if not (x.flags.c_contiguous and x.flags.writeable and x.dtype == np.float64):
        raise ValueError("x must be a writeable contiguous float64 vector")
    m = L.shape[0]
    if m:
        fn = _routine("dtrmv")
        if fn is None:
            _store(x, _wrapper("dtrmv")(L, x, lower=1, trans=int(trans), overwrite_x=1))
        else:
            fn(b"L", b"T" if trans else b"N", b"N", _i(m), pl, _i(ldl), x.ctypes.data, _i(1))
    return x


def potrf(A):
    """Cholesky factor ``A = L L^T`` in place (lower triangle; upper left as it was).

    Parameters
    ----------
    A : ndarray of shape (m, m), Fortran-oriented, written in place
        float64, or float32 (``spotrf``).

    Returns
    -------
    info : int
        0 on success; ``j > 0`` if the leading minor of order ``j`` is not
        positive definite.
    """
    A, pa, lda = _output(A, _real(A))
    _square(A)
    if not A.shape[0]:
        return 0
    name = _prefix(A.dtype) + "potrf"
    fn = _routine(name)
    if fn is None:
        factor, info = _wrapper(name)(A, lower=1, clean=0, overwrite_a=1)
        _store(A, factor)
        return int(info)
    info = c_int(0)
    fn(b"L", _i(A.shape[0]), pa, _i(lda), byref(info))
    return info.value


def potrs(L, B):
    """Solve ``L L^T X = B`` in place of ``B``.

    Parameters
    ----------
    L : ndarray of shape (m, m)
        Lower Cholesky factor (upper triangle ignored), float64 or float32.
    B : ndarray of shape (m, k), Fortran-oriented, written in place
        Of ``L``'s dtype.

    Returns
    -------
    B : ndarray of shape (m, k)
    """
    dtype = _real(L)
    L, pl, ldl = _fortran(L, dtype)
    _square(L)
    B, pb, ldb = _output(B, dtype)
    m, k = B.shape
    if m != L.shape[0]:
        raise ValueError(f"B has {m} rows, L has shape {L.shape}")
    if not (m and k):
        return B
    name = _prefix(dtype) + "potrs"
    fn = _routine(name)
    if fn is None:
        solution, info = _wrapper(name)(L, B, lower=1, overwrite_b=1)
        info = int(info)
        if not info:
            _store(B, solution)
    else:
        status = c_int(0)
        fn(b"L", _i(m), _i(k), pl, _i(ldl), pb, _i(ldb), byref(status))
        info = status.value
    if info:
        raise ValueError(f"{name}: illegal argument {-info}")
    return B


def pocon(L, anorm):
    """LAPACK estimate of the reciprocal 1-norm condition number from a Cholesky factor.

    Parameters
    ----------
    L : ndarray of shape (m, m)
        Lower Cholesky factor, float64 or float32 (``spocon``).
    anorm : float
        1-norm of the factored matrix.

    Returns
    -------
    rcond : float
        ``1 / (anorm * est(||A^-1||_1))``.
    """
    dtype = _real(L)
    L, pl, ldl = _fortran(L, dtype)
    _square(L)
    m = L.shape[0]
    if m == 0:
        return 1.0
    name = _prefix(dtype) + "pocon"
    fn = _routine(name)
    if fn is None:
        rcond, info = _wrapper(name)(L, anorm, uplo="L")
        return float(rcond) if info == 0 else 0.0
    work, iwork = np.empty(3 * m, dtype=dtype), np.empty(m, dtype=np.intc)
    info = c_int(0)
    scalar = c_float if dtype == np.float32 else c_double
    rcond = scalar(0.0)
    fn(b"L", _i(m), pl, _i(ldl), byref(scalar(anorm)), byref(rcond), work.ctypes.data,
       iwork.ctypes.data, byref(info))
    return float(rcond.value) if info.value == 0 else 0.0


def lansy_one(A):
    """Exact 1-norm (= infinity-norm) of the symmetric matrix whose lower triangle is ``A``'s.

    Parameters
    ----------
    A : ndarray of shape (m, m), Fortran-oriented

    Returns
    -------
    float
    """
    A, pa, lda = _fortran(A)
    _square(A)
    m = A.shape[0]
    if m == 0:
        return 0.0
    fn = _routine("dlansy")
    if fn is None:  # scipy has no wrapper: |lower| column sums plus |strict lower| row sums
        lower = np.abs(np.tril(A))
        return float((lower.sum(axis=0) + lower.sum(axis=1) - np.diagonal(lower)).max())
    work = np.empty(m)
    return float(fn(b"1", b"L", _i(m), pa, _i(lda), work.ctypes.data))


def lacpy_lower(A, B):
    """Copy the lower triangle of ``A`` into ``B`` (both Fortran-oriented, same shape).

    Returns
    -------
    B : ndarray of shape (m, m)
    """
    A, pa, lda = _fortran(A)
    _square(A)
    B, pb, ldb = _output(B)
    if B.shape != A.shape:
        raise ValueError(f"shapes differ: {A.shape} and {B.shape}")
    m = A.shape[0]
    if m:
        fn = _routine("dlacpy")
        if fn is None:  # scipy has no wrapper
            np.copyto(B, A, where=np.tri(m, dtype=bool))
        else:
            fn(b"L", _i(m), _i(m), pa, _i(lda), pb, _i(ldb))
    return B
