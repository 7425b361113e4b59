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

Every function takes float64 arrays whose elements are contiguous along one
axis (C, F, or a row/column block of either); anything else is copied.  Only
the lower triangle of symmetric and triangular matrices is read or written.
Results equal scipy's wrappers (the same library routine runs).
"""

import ctypes
from ctypes import POINTER, byref, c_char_p, c_double, c_int, c_void_p

import numpy as np
from scipy.linalg import cython_blas, cython_lapack

__all__ = [
    "gemm",
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

_capsule_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_capsule_pointer.restype = c_void_p
_capsule_pointer.argtypes = [ctypes.py_object, c_char_p]
_capsule_name = ctypes.pythonapi.PyCapsule_GetName
_capsule_name.restype = c_char_p
_capsule_name.argtypes = [ctypes.py_object]

_P, _I, _D, _C = c_void_p, POINTER(c_int), POINTER(c_double), c_char_p


def _bind(module, name, *argtypes):
    capsule = module.__pyx_capi__[name]
    address = _capsule_pointer(capsule, _capsule_name(capsule))
    return ctypes.CFUNCTYPE(None, *argtypes)(address)  # CFUNCTYPE: GIL released


_dgemm = _bind(cython_blas, "dgemm", _C, _C, _I, _I, _I, _D, _P, _I, _P, _I, _D, _P, _I)
_dsyrk = _bind(cython_blas, "dsyrk", _C, _C, _I, _I, _D, _P, _I, _D, _P, _I)
_dsymm = _bind(cython_blas, "dsymm", _C, _C, _I, _I, _D, _P, _I, _P, _I, _D, _P, _I)
_dsyr = _bind(cython_blas, "dsyr", _C, _I, _D, _P, _I, _P, _I)
_dtrmv = _bind(cython_blas, "dtrmv", _C, _C, _C, _I, _P, _I, _P, _I)
_dpotrf = _bind(cython_lapack, "dpotrf", _C, _I, _P, _I, _I)
_dpotrs = _bind(cython_lapack, "dpotrs", _C, _I, _I, _P, _I, _P, _I, _I)
_dpocon = _bind(cython_lapack, "dpocon", _C, _I, _P, _I, _D, _D, _P, _P, _I)
_dlacpy = _bind(cython_lapack, "dlacpy", _C, _I, _I, _P, _I, _P, _I)
_dlansy = _bind(cython_lapack, "dlansy", _C, _C, _I, _P, _I, _P)
_dlansy.restype = c_double
_dsymv = _bind(cython_blas, "dsymv", _C, _I, _D, _P, _I, _P, _I, _D, _P, _I)
# single precision, for mixed-precision solves (factor in float32, refine in float64)
_F = POINTER(ctypes.c_float)
_spotrf = _bind(cython_lapack, "spotrf", _C, _I, _P, _I, _I)
_spotrs = _bind(cython_lapack, "spotrs", _C, _I, _I, _P, _I, _P, _I, _I)
_spocon = _bind(cython_lapack, "spocon", _C, _I, _P, _I, _F, _F, _P, _P, _I)
_POTRF = {np.dtype(np.float64): _dpotrf, np.dtype(np.float32): _spotrf}
_POTRS = {np.dtype(np.float64): _dpotrs, np.dtype(np.float32): _spotrs}


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
    flag_a = b"T" if (trans_a != ta) else b"N"
    flag_b = b"T" if tb else b"N"
    _dgemm(flag_a, flag_b, _i(m), _i(k), _i(r), _d(alpha), pa, _i(lda), pb, _i(ldb),
           _d(beta), pc, _i(ldc))
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
    flag = b"T" if (trans != ta) else b"N"
    _dsyrk(b"L", flag, _i(m), _i(r), _d(alpha), pa, _i(lda), _d(beta), pc, _i(ldc))
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
        _dsymv(b"L", _i(m), _d(alpha), pa, _i(lda), pb, _i(1), _d(beta), pc, _i(1))
    elif m and k:
        _dsymm(b"L", b"L", _i(m), _i(k), _d(alpha), pa, _i(lda), pb, _i(ldb), _d(beta), pc,
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
        _dsyr(b"L", _i(m), _d(alpha), x.ctypes.data, _i(1), pa, _i(lda))
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
        _dtrmv(b"L", b"T" if trans else b"N", b"N", _i(m), pl, _i(ldl), x.ctypes.data, _i(1))
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
    info = c_int(0)
    if A.shape[0]:
        _POTRF[A.dtype](b"L", _i(A.shape[0]), pa, _i(lda), byref(info))
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
    info = c_int(0)
    if m and k:
        _POTRS[dtype](b"L", _i(m), _i(k), pl, _i(ldl), pb, _i(ldb), byref(info))
    if info.value:
        raise ValueError(f"dpotrs: illegal argument {-info.value}")
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
    work, iwork = np.empty(3 * m, dtype=dtype), np.empty(m, dtype=np.intc)
    info = c_int(0)
    if dtype == np.float32:
        rcond = ctypes.c_float(0.0)
        _spocon(b"L", _i(m), pl, _i(ldl), byref(ctypes.c_float(anorm)), byref(rcond),
                work.ctypes.data, iwork.ctypes.data, byref(info))
    else:
        rcond = c_double(0.0)
        _dpocon(b"L", _i(m), pl, _i(ldl), _d(anorm), byref(rcond), work.ctypes.data,
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
    work = np.empty(m)
    return float(_dlansy(b"1", b"L", _i(m), pa, _i(lda), work.ctypes.data))


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
        _dlacpy(b"L", _i(m), _i(m), pa, _i(lda), pb, _i(ldb))
    return B
