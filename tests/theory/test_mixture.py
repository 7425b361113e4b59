"""interpstat.theory.mixture: population EM maps vs Monte-Carlo, stored numbers and identities.

Monte-Carlo checks run the *sample* EM step on 10**7 draws (in chunks of 10**6,
float64) and accept the theory value when it lies within 4 standard errors of
the sample mean, coordinate by coordinate; each has a negative control, a
deliberately wrong map that the same check must reject.  Stored numbers come
from ``tests/results/mixture_reference.py`` (project computations from the
equations derived in ``docs/theory.rst``) and are compared within half a unit
of their last recorded digit.
"""

import ast
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate, special, stats

import interpstat.theory
from interpstat.theory import (
    EMFixedPoints,
    em_basin_boundary,
    em_critical_separation,
    em_failure_probability,
    em_fixed_points,
    em_model1_branches,
    em_population_limits,
    em_population_step,
    overspecified_em_step,
)
from interpstat.theory.mixture import _loglik_1d
from tests.results import mixture_reference as ref

#: Standard errors allowed between the Monte-Carlo mean and the theory.
Z = 4.0
#: Monte-Carlo draws per check, and per chunk.
N_MC = 10_000_000
CHUNK = 1_000_000
#: Slack for floating-point error on top of a stored number's rounding bound.
FP = 1e-12

#: Model 2 basin boundary a_b(w0): (s, w*) -> {w0: a_b}.  Project computation (bisection on
#: the limit of the population map of eq. (em-map), docs/theory.rst), 6 decimals.
BASIN_BOUNDARY = {
    (2.0, 0.8): {0.05: 0.519305, 0.2: 0.218255, 0.35: 0.088893},
    (1.0, 0.7): {0.05: 0.783340, 0.2: 0.310563, 0.35: 0.116734},
}


def assert_printed(actual, printed):
    assert abs(float(actual) - printed.value) <= printed.atol + FP, (actual, printed)


def nu_of(w):
    return 0.5 * np.log(w / (1.0 - w))


def sample_em_step(theta, w, theta_star, w_star, rng, *, n=N_MC):
    """The sample EM step (E-step at ``(theta, w)``) on ``n`` fresh draws of the mixture.

    ``Y_i = z_i theta_star + xi_i`` with ``P(z_i = 1) = w_star`` and ``xi_i ~ N(0, I_d)``.
    The sums over ``i`` are expanded in ``z`` and ``xi`` so that each chunk costs one
    matrix-vector product per moment (no copy of ``Y``); the draws and the step are
    the plain sample EM step.

    Returns
    -------
    theta_next, theta_se : ndarray of shape (d,)
        Sample means of ``tanh(<theta, Y> + nu) Y`` and their standard errors.
    w_next, w_se : float
        Sample mean of ``(1 + tanh(<theta, Y> + nu))/2`` and its standard error.
    """
    theta = np.atleast_1d(np.asarray(theta, dtype=np.float64))
    theta_star = np.atleast_1d(np.asarray(theta_star, dtype=np.float64))
    d = theta.size
    nu = nu_of(w)
    proj = float(theta @ theta_star)
    t_xi = np.zeros(d)  # sum t xi
    t2z_xi = np.zeros(d)  # sum t^2 z xi
    t2_xi2 = np.zeros(d)  # sum t^2 xi^2
    sum_tz = sum_t2 = sum_t = 0.0
    xi = np.empty((CHUNK, d))
    xi2 = np.empty((CHUNK, d))
    for start in range(0, n, CHUNK):
        m = min(CHUNK, n - start)
        x, x2 = xi[:m], xi2[:m]
        rng.standard_normal(out=x)
        z = np.where(rng.random(m) < w_star, 1.0, -1.0)
        u = x @ theta
        u += proj * z + nu
        t = np.tanh(u, out=u)
        t2 = t * t
        sum_t += t.sum()
        sum_t2 += t2.sum()
        sum_tz += t @ z
        t_xi += t @ x
        t2z_xi += (t2 * z) @ x
        np.multiply(x, x, out=x2)
        t2_xi2 += t2 @ x2
    # t Y = t z theta_star + t xi;  (t Y_k)^2 = t^2 theta_star_k^2 + 2 t^2 z theta_star_k xi_k
    # + t^2 xi_k^2  (z^2 = 1).
    mean = (sum_tz * theta_star + t_xi) / n
    second = (sum_t2 * theta_star**2 + 2.0 * theta_star * t2z_xi + t2_xi2) / n
    se = np.sqrt((second - mean**2) / (n - 1))
    # (1 + t)/2 has mean (1 + mean t)/2 and variance var(t)/4.
    w_mean = 0.5 + 0.5 * sum_t / n
    w_se = 0.5 * np.sqrt((sum_t2 / n - (sum_t / n) ** 2) / (n - 1))
    return mean, se, w_mean, w_se


def within(mc, se, value):
    """``|mc - value| <= Z se`` in every coordinate."""
    return bool(np.all(np.abs(np.asarray(mc) - np.asarray(value)) <= Z * np.asarray(se)))


def rng_for(seed, tag):
    return np.random.default_rng([seed, tag])


# --- Monte-Carlo: the population map is the limit of the sample EM step -----------------------


def test_model2_step_matches_monte_carlo(global_random_seed):
    theta, w, theta_star, w_star = np.array([0.3, 0.4]), 0.3, np.array([2.0, 0.0]), 0.8
    mc, se, w_mc, w_se = sample_em_step(
        theta, w, theta_star, w_star, rng_for(global_random_seed, 1)
    )
    th_next, w_next = em_population_step(theta, w, theta_star, w_star, learn_weights=True)
    assert within(mc, se, th_next)
    assert within(w_mc, w_se, w_next)
    # Negative controls.  (i) The weight not updated (the Model 1 map where Model 2 runs):
    _, w_fixed = em_population_step(theta, w, theta_star, w_star, learn_weights=False)
    assert not within(w_mc, w_se, w_fixed)
    # (ii) The ECM variant, which updates w from the *new* theta:
    _, w_ecm = em_population_step(th_next, w, theta_star, w_star, learn_weights=True)
    assert not within(w_mc, w_se, w_ecm)
    # (iii) The E-step at the true weight instead of the current one:
    th_true_w, _ = em_population_step(theta, w_star, theta_star, w_star, learn_weights=True)
    assert not within(mc, se, th_true_w)
    # (iv) Resolution: theta shifted by 8 SE in one coordinate is rejected (guaranteed once the
    # positive check holds, since then |MC - theory| <= 4 SE).
    assert not within(mc, se, th_next + np.array([8.0 * se[0], 0.0]))


def test_model1_step_matches_monte_carlo(global_random_seed):
    theta, s, w_star = -0.5, 2.0, 0.8
    mc, se, _, _ = sample_em_step(theta, w_star, s, w_star, rng_for(global_random_seed, 2))
    th_next, w_next = em_population_step(theta, w_star, s, w_star, learn_weights=False)
    assert w_next == w_star
    assert within(mc, se, th_next)
    # Negative control: an E-step that ignores the known weight (w = 1/2).
    th_wrong, _ = em_population_step(theta, 0.5, s, w_star, learn_weights=False)
    assert not within(mc, se, th_wrong)
    assert not within(mc, se, th_next + 8.0 * se)


def test_reduction_matches_monte_carlo_in_d3(global_random_seed):
    # theta_star and theta in generic directions of R^3: the 2-D reduction must rotate back.
    rng = np.random.default_rng(12345)
    q, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    theta_star = 1.3 * q[:, 0]
    theta = -0.4 * q[:, 0] + 0.8 * q[:, 1]
    w, w_star = 0.35, 0.7
    mc, se, w_mc, w_se = sample_em_step(
        theta, w, theta_star, w_star, rng_for(global_random_seed, 3)
    )
    th_next, w_next = em_population_step(theta, w, theta_star, w_star, learn_weights=True)
    assert within(mc, se, th_next)
    assert within(w_mc, w_se, w_next)
    # Negative control: a "reduction" that drops the Stein term of the component orthogonal
    # to theta_star (theta' kept along theta_star only).
    along = (th_next @ q[:, 0]) * q[:, 0]
    assert not within(mc, se, along)


def test_overspecified_step_matches_monte_carlo(global_random_seed):
    theta = np.array([0.3, 0.4])  # |theta| = 0.5
    mc, se, _, _ = sample_em_step(theta, 0.5, np.zeros(2), 0.5, rng_for(global_random_seed, 4))
    m = overspecified_em_step(theta)
    assert within(mc, se, m)
    # Negative control: the small-|theta| expansion theta (1 - |theta|^2).
    assert not within(mc, se, theta * (1.0 - theta @ theta))


# --- stored reference numbers --------------------------------------------------------------------


@pytest.mark.parametrize(("learn", "s", "w_star", "d", "start", "want"), ref.EM_STEP)
def test_em_step_reference(learn, s, w_star, d, start, want):
    a0, b0, w0 = start
    theta_star, theta = np.zeros(d), np.zeros(d)
    theta_star[0] = s
    theta[:2] = a0, b0
    th_next, w_next = em_population_step(theta, w0, theta_star, w_star, learn_weights=learn)
    assert_printed(th_next[0], want[0])
    assert_printed(th_next[1], want[1])
    np.testing.assert_array_equal(th_next[2:], 0.0)
    if want[2] is None:
        assert w_next == w0
    else:
        assert_printed(w_next, want[2])


@pytest.mark.parametrize(("key", "row"), ref.MODEL1_FIXED.items())
def test_model1_fixed_points_reference(key, row):
    w_star, s = key
    fp = em_fixed_points(s, w_star, learn_weights=False)
    assert fp.kind == ("spurious", "unstable", "global")
    np.testing.assert_array_equal(fp.stable, [True, False, True])
    assert fp.theta[2] == s
    bar, bar_slope, unst, unst_slope, gap = row
    assert_printed(fp.theta[0], bar)
    assert_printed(fp.theta[1], unst)
    if bar_slope is not None:
        assert_printed(fp.eigvals[0, 0], bar_slope)
        assert_printed(fp.eigvals[1, 0], unst_slope)
    if gap is not None:
        assert_printed(fp.loglik[2] - fp.loglik[0], gap)


@pytest.mark.parametrize(("w_star", "s"), ref.MODEL1_NO_SPURIOUS)
def test_model1_no_spurious_point_below_critical_separation(w_star, s):
    fp = em_fixed_points(s, w_star, learn_weights=False)
    assert fp.kind == ("global",)
    np.testing.assert_array_equal(fp.theta, [s])


@pytest.mark.parametrize(("w_star", "printed"), ref.CRITICAL_SEPARATION.items())
def test_critical_separation_reference(w_star, printed):
    # The spurious pair appears between s_c - atol and s_c + atol (near-tangent roots).
    margin = printed.atol + 1e-5
    below = em_fixed_points(printed.value - margin, w_star, learn_weights=False)
    above = em_fixed_points(printed.value + margin, w_star, learn_weights=False)
    assert len(below.theta) == 1
    assert above.kind == ("spurious", "unstable", "global")


@pytest.mark.parametrize(("key", "printed"), ref.MODEL1_SLOPE_AT_TRUTH.items())
def test_model1_slope_at_truth_reference(key, printed):
    w_star, s = key
    fp = em_fixed_points(s, w_star, learn_weights=False)
    assert_printed(fp.eigvals[-1, 0], printed)


def test_model1_failure_probability_reference():
    (w_star, s), printed = ref.MODEL1_FAILURE
    theta_u = em_fixed_points(s, w_star, learn_weights=False).theta[1]
    prob = w_star * stats.norm.cdf(theta_u - s) + (1 - w_star) * stats.norm.cdf(theta_u + s)
    assert_printed(prob, printed)


def test_model2_fixed_points_reference():
    w_star, s = ref.MODEL2_CASE
    fp = em_fixed_points(s, w_star, learn_weights=True)
    assert isinstance(fp, EMFixedPoints)
    assert fp.kind == ("global", "saddle", "global")
    np.testing.assert_allclose(fp.theta, [-s, 0.0, s])
    np.testing.assert_allclose(fp.w, [1 - w_star, 0.5, w_star])
    np.testing.assert_array_equal(fp.stable, [True, False, True])
    for k in (0, 2):
        for got, printed in zip(fp.eigvals[k], ref.MODEL2_MAX_EIGVALS, strict=True):
            assert_printed(got, printed)
    for got, printed in zip(fp.eigvals[1], ref.MODEL2_SADDLE_EIGVALS, strict=True):
        assert_printed(got, printed)
    assert fp.loglik[0] == pytest.approx(fp.loglik[2], abs=1e-13)


@pytest.mark.parametrize(("norm", "printed"), ref.OVERSPECIFIED_RATIO.items())
def test_overspecified_ratio_reference(norm, printed):
    theta = norm * np.array([0.6, 0.0, 0.8])
    m = overspecified_em_step(theta)
    assert m[1] == 0.0
    assert m[0] / theta[0] == pytest.approx(m[2] / theta[2], rel=1e-14)  # M(theta) is along theta
    assert_printed(np.linalg.norm(m) / norm, printed)


def test_overspecified_iteration_counts_reference():
    theta, t, counts = np.array([1.0]), 0, {}
    for eps in sorted(ref.OVERSPECIFIED_ITERATIONS, reverse=True):
        while np.linalg.norm(theta) > eps:
            theta = overspecified_em_step(theta)
            t += 1
        counts[eps] = t
    assert counts == ref.OVERSPECIFIED_ITERATIONS
    # Sublinear rate: |theta_t| ~ (2t)^(-1/2).
    assert np.linalg.norm(theta) * np.sqrt(2 * t) == pytest.approx(1.0, abs=0.05)


# --- exact identities ----------------------------------------------------------------------------


@pytest.mark.parametrize("w", [0.6, 0.7, 0.9])
def test_overspecified_known_weight_contracts_at_4w_1_minus_w(w):
    # M(theta)/theta -> sech^2(nu) = 4 w (1 - w) as theta -> 0, with an O(theta^2) correction.
    ratio = overspecified_em_step(1e-5, w=w) / 1e-5
    assert ratio == pytest.approx(4 * w * (1 - w), abs=1e-9)


@pytest.mark.parametrize("w_star", [0.5, 0.8, 0.999])
@pytest.mark.parametrize("learn", [False, True])
def test_zero_separation_is_the_overspecified_map(w_star, learn):
    theta = np.array([[0.3, -0.2, 0.5], [1.5, 2.0, -0.1]])
    w = np.array([0.5, 0.7])
    th_next, w_next = em_population_step(theta, w, np.zeros(3), w_star, learn_weights=learn)
    np.testing.assert_allclose(th_next, overspecified_em_step(theta, w=w), rtol=1e-14, atol=1e-16)
    # With theta* = 0 the data do not depend on w*.
    th_other, w_other = em_population_step(theta, w, np.zeros(3), 0.3, learn_weights=learn)
    np.testing.assert_array_equal(th_next, th_other)
    np.testing.assert_array_equal(w_next, w_other)


@pytest.mark.parametrize(("s", "w_star"), [(0.3, 0.55), (2.0, 0.8), (8.0, 0.999), (5.0, 1e-4)])
@pytest.mark.parametrize("d", [1, 3])
@pytest.mark.parametrize("learn", [False, True])
def test_truth_is_a_fixed_point(s, w_star, d, learn):
    theta_star = s * np.ones(d) / np.sqrt(d)
    th_next, w_next = em_population_step(
        theta_star, w_star, theta_star, w_star, learn_weights=learn
    )
    np.testing.assert_allclose(th_next, theta_star, rtol=1e-13, atol=1e-15)
    assert w_next == pytest.approx(w_star, rel=1e-12, abs=1e-15)


def test_label_swap_symmetry():
    # (theta, w) and (-theta, 1 - w) are the same fitted model; so are (theta*, w*) and
    # (-theta*, 1 - w*) for the data.
    theta, theta_star = np.array([0.4, -1.1]), np.array([1.2, 0.7])
    th, w = em_population_step(theta, 0.35, theta_star, 0.8, learn_weights=True)
    th_swap, w_swap = em_population_step(-theta, 0.65, theta_star, 0.8, learn_weights=True)
    np.testing.assert_allclose(th_swap, -th, rtol=1e-14)
    assert w_swap == pytest.approx(1 - w, rel=1e-14)
    th_data, w_data = em_population_step(theta, 0.35, -theta_star, 0.2, learn_weights=True)
    np.testing.assert_allclose(th_data, th, rtol=1e-14)
    assert w_data == pytest.approx(w, rel=1e-14)


def test_equal_weights_map_is_odd():
    # w* = w = 1/2: M(-theta) = -M(theta), and 0 is a fixed point with slope 1 + s^2.
    t = np.linspace(-3.0, 3.0, 13)
    m, _ = em_population_step(t, 0.5, 1.7, 0.5, learn_weights=False)
    np.testing.assert_allclose(m[::-1], -m, rtol=1e-14, atol=1e-16)
    fp = em_fixed_points(1.7, 0.5, learn_weights=False)
    assert fp.kind == ("global", "unstable", "global")
    assert fp.eigvals[1, 0] == pytest.approx(1 + 1.7**2, rel=1e-13)


@pytest.mark.parametrize(("s", "w_star"), [(2.0, 0.8), (1.0, 0.7), (0.5, 0.6)])
def test_saddle_jacobian_closed_form(s, w_star):
    fp = em_fixed_points(s, w_star, learn_weights=True)
    root = np.sqrt(s**4 / 4 + s**2 * (2 * w_star - 1) ** 2)
    np.testing.assert_allclose(
        fp.eigvals[1], [1 + s**2 / 2 - root, 1 + s**2 / 2 + root], rtol=1e-13
    )


def test_jacobian_matches_finite_differences():
    s, w_star, h = 2.0, 0.8, 1e-6

    def step(v):
        th, w = em_population_step(v[0], v[1], s, w_star, learn_weights=True)
        return np.array([th, w])

    fp = em_fixed_points(s, w_star, learn_weights=True)
    for theta, w, eig in zip(fp.theta, fp.w, fp.eigvals, strict=True):
        x = np.array([theta, w])
        jac = np.column_stack([(step(x + h * e) - step(x - h * e)) / (2 * h) for e in np.eye(2)])
        np.testing.assert_allclose(np.sort(np.linalg.eigvals(jac).real), eig, rtol=1e-7, atol=1e-8)
    fp1 = em_fixed_points(s, w_star, learn_weights=False)
    for theta, eig in zip(fp1.theta, fp1.eigvals[:, 0], strict=True):
        slope = (
            em_population_step(theta + h, w_star, s, w_star, learn_weights=False)[0]
            - em_population_step(theta - h, w_star, s, w_star, learn_weights=False)[0]
        ) / (2 * h)
        assert slope == pytest.approx(eig, rel=1e-7)


def test_reduction_d1_equals_higher_dimensions():
    rng = np.random.default_rng(7)
    q, _ = np.linalg.qr(rng.standard_normal((6, 6)))
    s, w_star = 1.4, 0.75
    a = np.linspace(-2.5, 2.5, 11)
    w = np.linspace(0.1, 0.9, 11)
    for learn in (False, True):
        th1, w1 = em_population_step(a, w, s, w_star, learn_weights=learn)
        # the same means embedded along a rotated theta* in R^6
        th6, w6 = em_population_step(
            a[:, None] * q[:, 0], w, s * q[:, 0], w_star, learn_weights=learn
        )
        np.testing.assert_allclose(th6 @ q[:, 0], th1, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(th6 - (th6 @ q[:, 0])[:, None] * q[:, 0], 0.0, atol=1e-14)
        np.testing.assert_allclose(w6, w1, rtol=1e-14)
        # rotation equivariance of a 2-D map: step(Q theta) = Q step(theta)
        theta2 = np.column_stack([a, 0.5 - a / 3])
        th2, w2 = em_population_step(theta2, w, np.array([s, 0.0]), w_star, learn_weights=learn)
        th6b, w6b = em_population_step(
            theta2 @ q[:, :2].T, w, s * q[:, 0], w_star, learn_weights=learn
        )
        np.testing.assert_allclose(th6b, th2 @ q[:, :2].T, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(w6b, w2, rtol=1e-14)


def quad_step_1d(theta, w, s, w_star):
    """The d = 1 population step by adaptive quadrature in y (independent of the trapezoid)."""
    nu = nu_of(w)
    out = np.zeros(2)
    for z, pz in ((1.0, w_star), (-1.0, 1.0 - w_star)):
        for k, f in enumerate(
            (lambda y: np.tanh(theta * y + nu) * y, lambda y: special.expit(2 * (theta * y + nu)))
        ):
            val, _ = integrate.quad(
                lambda y, f=f, z=z: f(y) * stats.norm.pdf(y - z * s),
                -np.inf,
                np.inf,
                epsabs=1e-15,
                epsrel=1e-13,
                limit=500,
            )
            out[k] += pz * val
    return out


@pytest.mark.parametrize(
    ("theta", "w", "s", "w_star"),
    [
        (8.0, 0.5, 1.0, 0.7),
        (-16.0, 0.3, 2.0, 0.8),
        (3.0, 1e-6, 1.5, 0.999),
        (0.02, 0.999999, 4.0, 0.2),
    ],
)
def test_quadrature_accurate_for_large_norm_and_unequal_weights(theta, w, s, w_star):
    th, w_next = em_population_step(theta, w, s, w_star, learn_weights=True)
    want = quad_step_1d(theta, w, s, w_star)
    assert th == pytest.approx(want[0], abs=1e-12)
    assert w_next == pytest.approx(want[1], abs=1e-13)


def test_loglikelihood_increases_along_em():
    # EM is an ascent method in both models (from a start in the basin of the spurious point).
    s, w_star = 2.0, 0.8
    for learn in (False, True):
        theta, w = -0.5, (w_star if not learn else 0.5)
        values = [_loglik_1d(theta, w, s, w_star)]
        for _ in range(30):
            theta, w = em_population_step(theta, w, s, w_star, learn_weights=learn)
            values.append(_loglik_1d(theta, w, s, w_star))
        assert np.all(np.diff(values) >= -1e-14)
        if learn:  # Model 2 escapes to a global maximum (here the mirror one: theta < 0)
            assert abs(abs(theta) - s) < 1e-6
        else:  # Model 1 from below theta_u converges to the spurious point
            fp = em_fixed_points(s, w_star, learn_weights=False)
            assert theta == pytest.approx(fp.theta[0], abs=1e-9)


def test_vectorised_over_a_batch():
    theta = np.random.default_rng(3).standard_normal((4, 3, 2))
    w = np.linspace(0.2, 0.8, 3)
    th, ww = em_population_step(theta, w, np.array([1.0, -0.5]), 0.7, learn_weights=True)
    assert th.shape == (4, 3, 2)
    assert ww.shape == (4, 3)
    for i in range(4):
        for j in range(3):
            t1, w1 = em_population_step(
                theta[i, j], w[j], np.array([1.0, -0.5]), 0.7, learn_weights=True
            )
            # the batch shares one (finer) trapezoid grid: equal to rounding
            np.testing.assert_allclose(th[i, j], t1, rtol=1e-12, atol=1e-14)
            assert ww[i, j] == pytest.approx(w1, rel=1e-12, abs=1e-14)
    assert overspecified_em_step(np.ones((5, 2))).shape == (5, 2)
    assert np.ndim(overspecified_em_step(0.3)) == 0


def test_input_validation():
    with pytest.raises(ValueError, match="w must lie"):
        em_population_step(0.1, 1.0, 1.0, 0.5, learn_weights=True)
    with pytest.raises(ValueError, match="w_star must lie"):
        em_population_step(0.1, 0.5, 1.0, 0.0, learn_weights=True)
    with pytest.raises(ValueError, match="shape"):
        em_population_step(np.ones(3), 0.5, np.ones(2), 0.5, learn_weights=True)
    with pytest.raises(ValueError, match="finite"):
        em_population_step(np.nan, 0.5, 1.0, 0.5, learn_weights=True)
    with pytest.raises(ValueError, match="scalar"):
        em_fixed_points(np.ones(2), 0.5, learn_weights=False)
    with pytest.raises(TypeError):
        em_population_step(0.1, 0.5, 1.0, 0.5)  # learn_weights is required


def test_fixed_points_edge_cases():
    fp = em_fixed_points(0.0, 0.7, learn_weights=False)
    assert fp.kind == ("global",)
    assert fp.eigvals[0, 0] == pytest.approx(4 * 0.7 * 0.3, rel=1e-13)  # sech^2(nu*)
    # (theta*, w*) = (-2, .2) is the relabelled (2, .8): fixed points map by theta -> -theta,
    # w -> 1 - w, with the same eigenvalues and log-likelihoods.
    for learn in (False, True):
        neg = em_fixed_points(-2.0, 0.2, learn_weights=learn)
        pos = em_fixed_points(2.0, 0.8, learn_weights=learn)
        np.testing.assert_allclose(neg.theta, -pos.theta[::-1], rtol=1e-13)
        np.testing.assert_allclose(neg.w, 1 - pos.w[::-1], rtol=1e-13)
        np.testing.assert_allclose(neg.eigvals, pos.eigvals[::-1], rtol=1e-12)
        np.testing.assert_allclose(neg.loglik, pos.loglik[::-1], rtol=1e-12)
        assert neg.kind == pos.kind[::-1]
    # Model 1 at theta* = -2, w* = .2: the truth theta = -2 is the global maximiser.
    assert em_fixed_points(-2.0, 0.2, learn_weights=False).theta[0] == -2.0


@pytest.mark.parametrize("w_star", [0.6, 0.9])
def test_model1_large_separation_gap_is_the_bernoulli_kl(w_star):
    # l(theta*) - l(theta_bar) -> (2w* - 1) log(w*/(1 - w*)) as s -> inf (docs/theory.rst).
    fp = em_fixed_points(8.0, w_star, learn_weights=False)
    limit = (2 * w_star - 1) * np.log(w_star / (1 - w_star))
    assert fp.loglik[2] - fp.loglik[0] == pytest.approx(limit, abs=1e-9)
    # and not yet at s = 3 (the stored 1.7491 for w* = .9)
    fp3 = em_fixed_points(3.0, w_star, learn_weights=False)
    assert fp3.loglik[2] - fp3.loglik[0] < limit - 1e-4


# ---------------------------------------------------------------------------
# The d = 1 landscape: limits of the map, s_c(w*), failure probability, basins
# ---------------------------------------------------------------------------


def test_critical_separation_matches_stored_numbers():
    for w_star, printed in ref.CRITICAL_SEPARATION.items():
        crit = em_critical_separation(w_star)
        assert_printed(crit.s_c, printed)
        assert crit.accuracy <= 1e-8 * max(1.0, crit.s_c)
        assert crit.lower < crit.s_c < crit.upper
        # negative control: the small-(w* - 1/2) approximation 2(2w* - 1) is off by more
        # than the rounding bound (except at w* = .51, .55, where it holds to 4 decimals)
        if w_star >= 0.6:
            assert abs(2 * (2 * w_star - 1) - printed.value) > printed.atol


def test_critical_separation_is_certified_by_em_fixed_points():
    crit = em_critical_separation(0.7)
    below = em_fixed_points(crit.lower, 0.7, learn_weights=False)
    above = em_fixed_points(crit.upper, 0.7, learn_weights=False)
    assert below.kind == ("global",)
    assert above.kind == ("spurious", "unstable", "global")
    # the pair is born tangent: slopes close to 1 on both sides of the tangency point
    assert np.all(np.abs(above.eigvals[:2, 0] - 1) < 1e-3)
    with pytest.raises(ValueError, match=r"\(1/2, 1\)"):
        em_critical_separation(0.4)


@pytest.mark.parametrize("eps", [0.02, 0.04, 0.1, 0.2])
def test_critical_separation_near_half_weight(eps):
    # s_c = 2 eps (1 + O(eps^2)), eps = 2w* - 1 (docs/theory.rst, eq. (em-sc)); the computed
    # correction is about -1.7 eps^4, bounded here by 2 eps^4 plus the certified accuracy
    crit = em_critical_separation(0.5 + eps / 2)
    tol = 2 * eps**4 + crit.accuracy / (2 * eps)
    assert abs(crit.s_c / (2 * eps) - 1) <= tol
    # tangency near theta_c = -eps (leading order), where M' = 1
    br = em_model1_branches(crit.s_c, 0.5 + eps / 2)
    assert abs(br.theta_min / -eps - 1) <= eps
    # negative controls: the log-odds 2 atanh(eps) (equal to first order), and the balance
    # that drops -eps^2 from F'(0) (s = (3 sqrt 3 / 2)^(1/2) eps)
    for wrong in (2 * np.arctanh(eps), np.sqrt(1.5 * np.sqrt(3)) * eps):
        assert abs(crit.s_c / wrong - 1) > tol


def test_branches_match_stored_numbers_and_em_fixed_points():
    for (w_star, s), (bar, _, u, _, _) in ref.MODEL1_FIXED.items():
        br = em_model1_branches(s, w_star)
        assert_printed(br.theta_bar, bar)
        assert_printed(br.theta_u, u)
        fp = em_fixed_points(s, w_star, learn_weights=False)
        np.testing.assert_allclose([br.theta_bar, br.theta_u], fp.theta[:2], atol=1e-12)
    for w_star, s in ref.MODEL1_NO_SPURIOUS:
        br = em_model1_branches(s, w_star)
        assert np.isnan(br.theta_bar)
        assert np.isnan(br.theta_u)
        assert br.f_min > 0


def test_failure_probability_matches_stored_number():
    (w_star, s), printed = ref.MODEL1_FAILURE
    assert_printed(em_failure_probability(s, w_star), printed)
    # negative control: P(Y < 0), the failure rate of a sign rule, differs
    sign_rule = w_star * special.ndtr(-s) + (1 - w_star) * special.ndtr(s)
    assert abs(sign_rule - printed.value) > 10 * printed.atol


def test_failure_probability_shape_threshold_and_limit():
    w_star = 0.8
    crit = em_critical_separation(w_star)
    s = np.array([[0.5, crit.lower], [crit.upper, 40.0]])
    p = em_failure_probability(s, w_star)
    assert p.shape == (2, 2)
    np.testing.assert_array_equal(p[0], 0.0)  # no spurious fixed point below s_c
    # the jump at s_c: P(Y < theta_c) with theta_c the tangency point
    theta_c = em_model1_branches(crit.upper, w_star).theta_u
    jump = w_star * special.ndtr(theta_c - crit.s_c) + (1 - w_star) * special.ndtr(
        theta_c + crit.s_c)
    assert p[1, 0] == pytest.approx(jump, abs=1e-6)
    assert p[1, 0] > 0.05
    # s -> inf: theta_u -> 0-, the failure probability -> 1 - w* (here within 1e-3)
    assert abs(p[1, 1] - (1 - w_star)) < 1e-3
    assert em_failure_probability(2.0, w_star).shape == ()


def test_basin_boundary_of_model2():
    for (s, w_star), values in BASIN_BOUNDARY.items():
        w0 = np.array(list(values))
        a_b = em_basin_boundary(w0, s, w_star, xtol=1e-8)
        np.testing.assert_allclose(a_b, list(values.values()), atol=5e-7 + 1e-8)
        # antisymmetry a_b(w0) = -a_b(1 - w0)
        np.testing.assert_allclose(em_basin_boundary(1 - w0, s, w_star, xtol=1e-8), -a_b,
                                   atol=2e-8)
        # just either side of the curve: the two different maxima
        up = em_population_limits(a_b + 1e-4, s, w_star, learn_weights=True, w0=w0)
        down = em_population_limits(a_b - 1e-4, s, w_star, learn_weights=True, w0=w0)
        np.testing.assert_allclose(up.theta, s, atol=1e-8)
        np.testing.assert_allclose(up.w, w_star, atol=1e-8)
        np.testing.assert_allclose(down.theta, -s, atol=1e-8)
        np.testing.assert_allclose(down.w, 1 - w_star, atol=1e-8)
        # negative control: the sign rule a_b = 0 (true only at w0 = 1/2) misclassifies
        wrong = em_population_limits(0.5 * a_b, s, w_star, learn_weights=True, w0=w0)
        assert np.all(wrong.theta < 0)
    with pytest.raises(ValueError, match="positive"):
        em_basin_boundary([0.3], 0.0, 0.8)


def test_population_limits_model1_vs_model2():
    s, w_star = 2.0, 0.8
    theta_u = em_model1_branches(s, w_star).theta_u
    starts = np.array([theta_u - 1e-3, theta_u + 1e-3, -3.0, 3.0])
    m1 = em_population_limits(starts, s, w_star, learn_weights=False)
    assert m1.converged.all()
    np.testing.assert_allclose(m1.theta, [-1.975238, 2.0, -1.975238, 2.0], atol=1e-6)
    # started below theta_u, Model 1 must not reach theta*; Model 2 always reaches a maximum
    m2 = em_population_limits(starts, s, w_star, learn_weights=True)
    assert m2.converged.all()
    np.testing.assert_allclose(np.abs(m2.theta), s, atol=1e-8)
    np.testing.assert_allclose(np.where(m2.theta > 0, m2.w, 1 - m2.w), w_star, atol=1e-8)
    # each start is iterated on its own: the batch gives what single starts give, to
    # rounding (the quadrature grid follows the largest |theta| of the batch)
    single = [em_population_limits([t], s, w_star, learn_weights=True) for t in starts]
    np.testing.assert_allclose(m2.theta, [r.theta[0] for r in single], rtol=1e-13)
    assert np.all(np.abs(m2.n_iter - [r.n_iter[0] for r in single]) <= 1)
    # max_iter too small: reported as not converged
    short = em_population_limits(starts, s, w_star, learn_weights=False, max_iter=3)
    assert not short.converged.any()
    np.testing.assert_array_equal(short.n_iter, 3)


#: What theory must not import: the layers above it, the estimators and kernels, and the
#: heavy libraries (tests/test_import.py checks what ``import interpstat.theory`` loads).
FORBIDDEN = ("interpstat.experiments", "interpstat.plotting", "interpstat.simulation",
             "interpstat.cli", "interpstat.linear", "interpstat.mixture", "interpstat._kernels",
             "interpstat._jit", "sklearn", "numba", "matplotlib", "statsmodels")


def forbidden_imports(source):
    """The imports of ``source`` (a module of interpstat.theory) reaching ``FORBIDDEN``."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            parent = ["interpstat", "theory"][: 3 - node.level] if node.level else []
            base = ".".join([*parent, node.module] if node.module else parent)
            names += [base, *(f"{base}.{alias.name}" for alias in node.names)]
    return [n for n in names if any(n == f or n.startswith(f + ".") for f in FORBIDDEN)]


def test_theory_does_not_import_other_layers():
    # the landscape functions live in theory so that plotting and experiments can use them;
    # theory itself must not reach the experiments, plotting, estimators or kernels
    for path in sorted(Path(interpstat.theory.__file__).parent.glob("*.py")):
        assert forbidden_imports(path.read_text(encoding="utf-8")) == [], path.name
    # negative controls: lazy, relative and submodule imports of other layers are caught
    for bad in ("def f():\n    from interpstat.experiments import em_landscape\n",
                "import sklearn.linear_model\n", "from ..plotting import EMLandscapeDisplay\n",
                "from .. import experiments\n", "from interpstat import linear\n"):
        assert forbidden_imports(bad), bad
    assert forbidden_imports("from .mixture import em_fixed_points\n") == []
