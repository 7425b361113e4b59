"""interpstat._kernels.linalg against slow numpy references."""

import numpy as np
import pytest

from interpstat._jit import num_threads
from interpstat._kernels.linalg import lower_to_float32, weighted_row_sq_norms


def _reference(A, w):
    return np.array(
        [sum(float(a) ** 2 * float(v) for a, v in zip(row, w, strict=True)) for row in A]
    )


def _layouts(A):
    yield "C", np.ascontiguousarray(A)
    yield "F", np.asfortranarray(A)
    yield "strided", np.repeat(A, 2, axis=1)[:, ::2]
    ro = np.array(A)
    ro.setflags(write=False)
    yield "read-only", ro


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(7, 5), (1, 1), (33, 0), (0, 4)])
def test_weighted_row_sq_norms_matches_reference(dtype, shape):
    rng = np.random.default_rng(0)
    A = rng.standard_normal(shape).astype(dtype)
    w = rng.uniform(0.1, 2.0, shape[1]).astype(dtype)
    ref = _reference(A, w)
    for name, Al in _layouts(A):
        out = np.empty(shape[0])
        weighted_row_sq_norms(Al, w, out)
        np.testing.assert_allclose(out, ref, rtol=1e-6 if dtype == np.float32 else 1e-13,
                                   err_msg=name)


def test_weighted_row_sq_norms_independent_of_thread_count():
    rng = np.random.default_rng(1)
    A = rng.standard_normal((513, 37))
    w = np.ones(37)
    out1, out2 = np.empty(513), np.empty(513)
    with num_threads(1):
        weighted_row_sq_norms(A, w, out1)
    with num_threads(2):
        weighted_row_sq_norms(A, w, out2)
    np.testing.assert_array_equal(out1, out2)


def test_weighted_row_sq_norms_propagates_nan_and_inf():
    A = np.array([[np.nan, 1.0], [np.inf, 0.0], [1.0, 2.0]])
    out = np.empty(3)
    weighted_row_sq_norms(A, np.ones(2), out)
    assert np.isnan(out[0])
    assert out[1] == np.inf
    assert out[2] == 5.0


def test_row_and_column_major_kernels_bit_identical():
    rng = np.random.default_rng(2)
    A = rng.standard_normal((1500, 33))
    w = rng.uniform(0.1, 2.0, 33)
    out_c, out_f = np.empty(1500), np.empty(1500)
    weighted_row_sq_norms(np.ascontiguousarray(A), w, out_c)
    weighted_row_sq_norms(np.asfortranarray(A), w, out_f)
    np.testing.assert_array_equal(out_c, out_f)


@pytest.mark.parametrize("m", [0, 1, 5, 64])
def test_lower_to_float32_matches_reference(m):
    rng = np.random.default_rng(m)
    S = rng.standard_normal((m, m)) * 1e3
    ref = np.zeros((m, m), dtype=np.float32)
    for i in range(m):
        for j in range(i + 1):
            ref[i, j] = np.float32(float(S[i, j]) + 0.25 + (3.5 if i == j else 0.0))
    for name, Sl in [("F", np.asfortranarray(S)), ("C", np.ascontiguousarray(S)),
                     ("block", np.asfortranarray(np.pad(S, 2))[2 : 2 + m, 2 : 2 + m])]:
        out = np.full((m, m), np.nan, dtype=np.float32, order="F")
        lower_to_float32(Sl, 3.5, 0.25, out)
        np.testing.assert_array_equal(np.tril(out), ref, err_msg=name)
        assert np.isnan(out[np.triu_indices(m, 1)]).all(), "upper triangle written"


@pytest.mark.parametrize("scale", [1e-300, 1e-60, 1e40])
def test_lower_to_float32_scale_avoids_overflow_and_underflow(scale):
    # S of size 1e60 (or 1e-250) would overflow (underflow) float32 unscaled;
    # scaled by one over its largest entry it is representable
    rng = np.random.default_rng(7)
    S = rng.standard_normal((6, 6)) / scale
    out = np.empty((6, 6), dtype=np.float32, order="F")
    lower_to_float32(np.asfortranarray(S), 0.0, 0.0, out, scale=scale)
    ref = np.tril(S * scale).astype(np.float32)
    np.testing.assert_array_equal(np.tril(out), ref)
    assert np.all(np.isfinite(np.tril(out)))
    assert np.count_nonzero(np.tril(out)) == 21
