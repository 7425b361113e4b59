"""Reference numbers for ``interpstat.theory.linear``.

Provenance: every number here is a **project computation**, evaluated (with
NumPy/SciPy, independently of ``interpstat``) from the equation named in its
comment; the equation labels, e.g. eq. (minnorm), refer to ``docs/theory.rst``,
where each equation is derived with its assumptions.  None is a published value
from a paper.  Unless stated, ``r2 = sigma2 = 1``.

Each rounded value is stored as ``Printed(value, decimals)``: it was recorded
with ``decimals`` digits after the point, so the exact value lies within
``0.5 * 10**-decimals`` of ``value`` (see :attr:`Printed.atol`).  Exact values
(closed forms such as sqrt(2) - 1) are stored as plain floats.
"""

import math
from typing import NamedTuple


class Printed(NamedTuple):
    """A number rounded to ``decimals`` digits after the point."""

    value: float
    decimals: int

    @property
    def atol(self):
        """Half a unit in the last recorded digit: the rounding bound."""
        return 0.5 * 10.0**-self.decimals


# --- minnorm_risk: HMRT isotropic ridgeless ---------------------------------------------------
# computed from eq. (minnorm) (derivation in docs/theory.rst); keys are gamma.
MINNORM = {
    0.5: Printed(1.0, 6),
    1.5: Printed(2.333333, 6),
    2.0: Printed(1.5, 6),
    3.0: Printed(1.166667, 6),
}

# Interior minimum of the gamma > 1 branch for r2 = 4, sigma2 = 1:
# gamma* = 1/(1 - sigma/r) = 2, R(gamma*) = 3.  Derived from eq. (minnorm) (derivation in
# docs/theory.rst).
INTERIOR_MIN_R2 = 4.0
INTERIOR_MIN_SIGMA2 = 1.0
INTERIOR_MIN_GAMMA = 2.0
INTERIOR_MIN_RISK = 3.0

# --- minnorm_risk_exact: Gaussian design -------------------------------------------------------
# computed from eq. (exact) (derivation in docs/theory.rst); n = 200, keys are p.
EXACT_N = 200
EXACT = {
    100: Printed(1.010101, 6),
    400: Printed(1.505025, 6),
    600: Printed(1.167920, 6),
}

# --- ridge_risk, Sigma = I: Marchenko-Pastur closed form -------------------------------------
# computed from eq. (mp-ridge) (derivation in docs/theory.rst); keys are (gamma, lam).
# Optimal-ridge rows (lam = lam* = sigma2 gamma / r2) have exact closed forms, from
# eq. (mp-optimal) (derivation in docs/theory.rst).
RIDGE_OPTIMAL_EXACT = {
    (1.0, 1.0): (math.sqrt(5.0) - 1.0) / 2.0,  # R = (sqrt 5 - 1)/2
    (0.5, 0.5): math.sqrt(2.0) - 1.0,  # R = sqrt 2 - 1
}
# (bias, variance, risk); None where no value was recorded.
RIDGE = {
    (1.0, 1.0): (Printed(0.447214, 6), Printed(0.170820, 6), Printed(0.618034, 6)),
    (0.5, 0.5): (Printed(0.207107, 6), Printed(0.207107, 6), Printed(0.414214, 6)),
    (2.0, 2.0): (None, None, Printed(0.780776, 6)),  # R = 2 m(-2)
    (2.0, 0.2): (Printed(0.517261, 6), Printed(0.569045, 6), Printed(1.086306, 6)),
    (2.0, 1.0): (Printed(0.603553, 6), Printed(0.207107, 6), Printed(0.810660, 6)),
    (0.5, 0.1): (Printed(0.034522, 6), Printed(0.569045, 6), Printed(0.603567, 6)),
}

# --- ridge_risk, general Sigma (kappa form) -------------------------------------------------
# (a) Two-point Sigma: gamma = 2, eigenvalues 4 (half of them) and 1, beta in the
# 4-eigenspace with |beta| = 1, r2 = sigma2 = 1.
TWO_POINT_GAMMA = 2.0
# Ridgeless: exact values computed from eq. (kappa-risk) and, independently, from eq. (c0)
# (derivations in docs/theory.rst).
TWO_POINT_RIDGELESS = {"c0": 0.25, "kappa": 2.0, "bias": 1.0, "variance": 1.25}
# lam -> (kappa, risk): computed from eqs. (kappa) and (kappa-risk) (derivation in
# docs/theory.rst).
TWO_POINT_RIDGE = {
    0.1: (Printed(2.214062, 6), Printed(2.084403, 6)),
    0.5: (Printed(2.941189, 6), Printed(1.846881, 6)),
}

# (b) Power law: eigenvalues 10/i for i = 1..400, n = 200 (gamma = 2), lam = .3,
# sigma2 = .5, beta_i proportional to sqrt(eigenvalue_i) with |beta| = 1.
# computed from eqs. (kappa) and (kappa-risk) (derivation in docs/theory.rst).
POWER_LAW_P = 400
POWER_LAW_N = 200
POWER_LAW_LAM = 0.3
POWER_LAW_SIGMA2 = 0.5
POWER_LAW_RISK = Printed(0.127909, 6)

# --- weak_features_risk: Belkin-Hsu-Xu (prediction risk) ----------------------------------
# computed from eq. (bhx) (derivation in docs/theory.rst).
# Fixed T: (p, n, |beta_T|^2, |beta_Tc|^2, sigma2) -> prediction risk.
BHX_FIXED = {
    (80, 40, 0.5, 0.5, 0.25): Printed(1.7692308, 7),  # .25 + .75 * 79/39
    (20, 40, 0.0, 0.5, 0.25): Printed(1.5394737, 7),  # .75 (1 + 20/19); |beta_T|^2 irrelevant
}
# Uniformly random T: D = 120, n = 40, sigma2 = .25, |beta| = 1; keys are p.
# computed from eq. (bhx) with the random-subset substitution |beta_T|^2 = (p/D) |beta|^2,
# eq. (bhx-random) (derivation in docs/theory.rst).
BHX_RANDOM_D = 120
BHX_RANDOM_N = 40
BHX_RANDOM_SIGMA2 = 0.25
BHX_RANDOM = {
    20: Printed(2.223684, 6),
    60: Printed(2.495614, 6),
    100: Printed(1.199153, 6),
    120: Printed(1.043249, 6),  # p = D: no randomness in T
}
