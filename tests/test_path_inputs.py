"""minnorm_path gives the same result on any memory layout of X.

Fortran-ordered, strided (``X[:, ::2]``, ``X[::2]``) and read-only X must give
what a C-contiguous copy gives, with and without test data and
``return_coef``.  The bindings read column blocks of C- or F-ordered arrays in
place, so a layout bug shows as a different (not merely rounded) answer; the
tolerance allows the rounding of a different summation order only.
"""

import numpy as np
import pytest

from interpstat import minnorm_path

EPS = np.finfo(np.float64).eps


def _layouts(X):
    """The layouts of one matrix ``X`` (n, P): name -> array equal to ``X``."""
    F = np.asfortranarray(X)
    ro = X.copy()
    ro.setflags(write=False)
    ro_f = np.asfortranarray(X)
    ro_f.setflags(write=False)
    wide = np.empty((X.shape[0], 2 * X.shape[1]))
    wide[:, ::2] = X
    tall = np.empty((2 * X.shape[0], X.shape[1]))
    tall[::2] = X
    tall_f = np.asfortranarray(tall)
    return {
        "fortran": F,
        "columns-strided": wide[:, ::2],
        "rows-strided": tall[::2],
        "rows-strided-fortran": tall_f[::2],
        "read-only": ro,
        "read-only-fortran": ro_f,
    }


def _data(seed, n, P, n_test=7):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, P)) + 1.0
    y = X[:, :5] @ rng.standard_normal(5) + rng.standard_normal(n)
    X_test = rng.standard_normal((n_test, P)) + 1.0
    y_test = rng.standard_normal(n_test)
    return X, y, X_test, y_test


def _assert_same(res, ref, rtol):
    np.testing.assert_array_equal(res.n_features, ref.n_features)
    assert res.solver == ref.solver
    for name in ("train_mse", "coef_norm", "intercepts", "test_mse"):
        a, b = getattr(res, name), getattr(ref, name)
        if b is None:
            assert a is None, name
        else:
            scale = max(np.max(np.abs(b)), 1e-300)
            np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * scale, err_msg=name)
    if ref.coefs is None:
        assert res.coefs is None
    else:
        for a, b in zip(res.coefs, ref.coefs, strict=True):
            np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * np.max(np.abs(b)))


LAYOUTS = ["fortran", "columns-strided", "rows-strided", "rows-strided-fortran", "read-only",
           "read-only-fortran"]


def _params():
    """n = 30 (single-threaded path): every combination; n = 200 (points factored in
    threads): every layout, each combination of the options once over the layouts."""
    out = []
    for layout in LAYOUTS:
        for with_test in (False, True):
            for return_coef in (False, True):
                for fit_intercept in (False, True):
                    out.append((30, layout, with_test, return_coef, fit_intercept))
    combos = [(w, r, f) for w in (False, True) for r in (False, True) for f in (False, True)]
    for k, layout in enumerate(LAYOUTS):
        out.append((200, layout, *combos[k % len(combos)]))
        out.append((200, layout, *combos[(k + 6) % len(combos)]))
    return out


@pytest.mark.parametrize(("n", "layout", "with_test", "return_coef", "fit_intercept"), _params())
def test_layout_does_not_change_the_path(n, layout, with_test, return_coef, fit_intercept,
                                         global_random_seed):
    P, ps = (90, [10, 30, 45, 90]) if n == 30 else (400, [100, 250, 400])
    X, y, X_test, y_test = _data(global_random_seed, n, P)
    kwargs = {"fit_intercept": fit_intercept, "return_coef": return_coef}
    if with_test:
        kwargs.update(X_test=X_test, y_test=y_test)
    ref = minnorm_path(np.ascontiguousarray(X), y, ps, **kwargs)
    Xl = _layouts(X)[layout]
    assert np.array_equal(Xl, X)
    res = minnorm_path(Xl, y, ps, **kwargs)
    # Gaussian designs are well conditioned (cond(X_p) < 1e2 here): a different
    # summation order moves the answer by a few hundred eps at most
    _assert_same(res, ref, rtol=1e4 * EPS)


@pytest.mark.parametrize("layout", ["fortran", "columns-strided", "read-only"])
def test_layout_of_test_data(layout, global_random_seed):
    X, y, X_test, y_test = _data(global_random_seed, 30, 90)
    ref = minnorm_path(X, y, [10, 90], X_test=X_test, y_test=y_test, fit_intercept=True)
    res = minnorm_path(X, y, [10, 90], X_test=_layouts(X_test)[layout], y_test=y_test,
                       fit_intercept=True)
    _assert_same(res, ref, rtol=1e4 * EPS)


def test_read_only_input_is_not_written():
    X, y, _, _ = _data(0, 30, 90)
    Xr = X.copy()
    Xr.setflags(write=False)
    y_r = y.copy()
    y_r.setflags(write=False)
    minnorm_path(Xr, y_r, [10, 90], fit_intercept=True, return_coef=True)
    np.testing.assert_array_equal(Xr, X)
    np.testing.assert_array_equal(y_r, y)
