"""Reference numbers for ``interpstat.theory.mixture`` (EM, symmetric two-component mixture).

Provenance: every number here is a **project computation**, evaluated with
NumPy/SciPy (quadrature independent of ``interpstat``) from the equation named
in its comment; the labels, e.g. eq. (em-reduced), refer to ``docs/theory.rst``,
where each equation is derived with its assumptions.  None is a published value
from a paper.

Conventions: data ``w* N(theta*, I) + (1 - w*) N(-theta*, I)`` with
``theta* = s e1``; a mean is written ``theta = a e1 + b e2``.  Rounded values
are stored as ``Printed(value, decimals)`` (exact to half a unit in the last
recorded digit).
"""

from tests.results.linear_reference import Printed

# --- one population EM step -------------------------------------------------------------------
# computed from eq. (em-reduced) (derivation in docs/theory.rst).
# (learn_weights, s, w*, d, (a0, b0, w0)) -> (a1, b1, w1); w1 is None for Model 1 (w unchanged).
EM_STEP = [
    (
        True,
        2.0,
        0.8,
        2,
        (-0.5, 0.0, 0.95),
        (Printed(-0.086954210672, 12), Printed(0.0, 12), Printed(0.747134985015, 12)),
    ),
    (
        True,
        2.0,
        0.8,
        2,
        (0.3, 0.4, 0.3),
        (Printed(0.733428252243, 12), Printed(0.295632380135, 12), Printed(0.487949666084, 12)),
    ),
    (
        True,
        1.0,
        0.7,
        2,
        (1.5, -2.0, 0.5),
        (Printed(0.812059232622, 12), Printed(-0.512197632551, 12), Printed(0.585582201642, 12)),
    ),
    (False, 2.0, 0.8, 2, (-0.5, 0.0, 0.8), (Printed(-1.088829760107, 12), Printed(0.0, 12), None)),
    (
        False,
        1.0,
        0.7,
        2,
        (-0.6, 0.8, 0.7),
        (Printed(-0.574650878312, 12), Printed(0.442431402926, 12), None),
    ),
    (
        True,
        1.3,
        0.7,
        5,
        (-0.4, 0.8, 0.35),
        (Printed(-0.723735, 6), Printed(0.438461, 6), Printed(0.346539, 6)),
    ),
]

# --- fixed points in d = 1, Model 1 ----------------------------------------------------------
# computed from eqs. (em-fixed) and (em-jacobian) (derivation in docs/theory.rst).
# Critical separation s_c(w*): a spurious fixed point exists iff s > s_c.  Keys are w*.
CRITICAL_SEPARATION = {
    0.51: Printed(0.0400, 4),
    0.55: Printed(0.2000, 4),
    0.60: Printed(0.3991, 4),
    0.65: Printed(0.5945, 4),
    0.70: Printed(0.7826, 4),
    0.75: Printed(0.9626, 4),
    0.80: Printed(1.1374, 4),
    0.85: Printed(1.3141, 4),
    0.90: Printed(1.5069, 4),
    0.95: Printed(1.7544, 4),
}

# (w*, s) -> (theta_bar, slope at theta_bar, theta_u, slope at theta_u, l(theta*) - l(theta_bar));
# None where no value was recorded.
MODEL1_FIXED = {
    (0.60, 1.0): (
        Printed(-0.978599, 6),
        Printed(0.3041, 4),
        Printed(-0.043415, 6),
        Printed(1.917, 3),
        Printed(0.044326, 6),
    ),
    # slope at theta_u: 4.806468 by independent scipy.integrate.quad of eq. (em-jacobian); an
    # earlier tabulation showed 4.807 (double rounding through 4.8065).
    (0.60, 2.0): (
        Printed(-1.998016, 6),
        Printed(0.0245, 4),
        Printed(-0.021020, 6),
        Printed(4.806468, 6),
        Printed(0.075497, 6),
    ),
    (0.60, 3.0): (Printed(-2.999907, 6), None, Printed(-0.013935, 6), None, Printed(0.080754, 6)),
    (0.70, 1.0): (
        Printed(-0.888521, 6),
        Printed(0.4681, 4),
        Printed(-0.224940, 6),
        Printed(1.645, 3),
        Printed(0.180356, 6),
    ),
    (0.70, 2.0): (
        Printed(-1.991159, 6),
        Printed(0.0343, 4),
        Printed(-0.096530, 6),
        Printed(4.356, 3),
        Printed(0.315056, 6),
    ),
    (0.70, 3.0): (Printed(-2.999587, 6), None, Printed(-0.063026, 6), None, Printed(0.337474, 6)),
    (0.80, 2.0): (
        Printed(-1.975238, 6),
        Printed(0.0574, 4),
        Printed(-0.254317, 6),
        Printed(4.048, 3),
        Printed(0.770635, 6),
    ),
    (0.80, 3.0): (Printed(-2.998853, 6), None, Printed(-0.164228, 6), None, Printed(0.828068, 6)),
    (0.90, 2.0): (
        Printed(-1.930121, 6),
        Printed(0.1248, 4),
        Printed(-0.531609, 6),
        Printed(3.488, 3),
        Printed(1.614860, 6),
    ),
    (0.90, 3.0): (Printed(-2.996868, 6), None, Printed(-0.335082, 6), None, Printed(1.749100, 6)),
    (0.55, 1.0): (Printed(-0.994917, 6), None, Printed(-0.010203, 6), None, None),
    (0.60, 0.5): (Printed(-0.414615, 6), None, Printed(-0.103794, 6), None, None),
}
# (w*, s) with no spurious fixed point (s < s_c(w*)).
MODEL1_NO_SPURIOUS = [(0.8, 1.0), (0.7, 0.5), (0.8, 0.5), (0.9, 0.5)]
# (w*, s) -> slope M'(theta*) at the global maximiser.
MODEL1_SLOPE_AT_TRUTH = {
    (0.55, 1.0): Printed(0.2651, 4),
    (0.70, 1.0): Printed(0.2499, 4),
    (0.80, 2.0): Printed(0.0198, 4),
}
# Failure probability of Model 1 started at a data point, w* = .8, s = 2:
# w* Phi(theta_u - s) + (1 - w*) Phi(theta_u + s), eq. (em-failure).
MODEL1_FAILURE = ((0.8, 2.0), Printed(0.2016, 4))

# --- fixed points in d = 1, Model 2 ----------------------------------------------------------
# computed from eq. (em-jacobian) (derivation in docs/theory.rst); w* = .8, s = 2.
# Jacobian eigenvalues at the maxima; the saddle (0, 1/2) has eigenvalues
# 1 + s^2/2 +- sqrt(s^4/4 + s^2 (2w* - 1)^2) exactly.
MODEL2_CASE = (0.8, 2.0)
MODEL2_MAX_EIGVALS = (Printed(0.0161, 4), Printed(0.0860, 4))
MODEL2_SADDLE_EIGVALS = (Printed(0.6676, 4), Printed(5.3324, 4))

# --- over-specified fit (Dwivedi et al.) -------------------------------------------------------
# computed from eq. (em-overspecified) (derivation in docs/theory.rst).
# |theta| -> |M(theta)|/|theta| for w = 1/2.
OVERSPECIFIED_RATIO = {
    0.05: Printed(0.997512, 6),
    0.2: Printed(0.962882, 6),
    0.5: Printed(0.826484, 6),
    1.0: Printed(0.605706, 6),
}
# Iterations of the balanced map from |theta_0| = 1 until |theta_t| <= eps, keys are eps.
OVERSPECIFIED_ITERATIONS = {0.1: 51, 0.03: 557, 0.01: 5002}
