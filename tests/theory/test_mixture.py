"""interpstat.theory.mixture: population EM maps vs Monte-Carlo, stored numbers and identities.

Monte-Carlo checks run the *sample* EM step on 10**7 draws (in chunks of 10**6,
float64) and accept the theory value when it lies within 4 standard errors of
the sample mean, coordinate by coordinate; each has a negative control, a
deliberately wrong map that the same check must reject.  Stored numbers come
from ``tests/results/mixture_reference.py`` (project computations from the
equations derived in ``docs/theory.rst``) and are compared within half a unit
of their last recorded digit.
"""

import numpy as np
import pytest
from scipy import integrate, special, stats

from interpstat.theory import (
    EMFixedPoints,
    em_fixed_points,
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
