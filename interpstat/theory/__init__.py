"""Closed-form risk curves (theory layer): pure, vectorised functions of the curve argument.

Each function documents its formula, its regime of validity and its source; the
derivations and the conventions for "risk" are collected in ``docs/theory.rst``.
By default the functions return the *excess* risk (test noise
excluded); :func:`weak_features_risk` is natively a prediction risk.
"""

# --- linear models: least squares, min-norm interpolation, ridge ----------------------------
from interpstat.theory.linear import (
    RiskParts,
    gcv,
    minnorm_risk,
    minnorm_risk_exact,
    ridge_risk,
    weak_features_risk,
)

# --- EM for the symmetric two-component Gaussian mixture -------------------------------------
from interpstat.theory.mixture import (
    EMBranches,
    EMCriticalSeparation,
    EMFixedPoints,
    EMLimits,
    em_basin_boundary,
    em_critical_separation,
    em_failure_probability,
    em_fixed_points,
    em_model1_branches,
    em_population_limits,
    em_population_step,
    overspecified_em_step,
)

# --- further theory modules (random features, kernels) are re-exported here -------------------

__all__ = [
    "EMBranches",
    "EMCriticalSeparation",
    "EMFixedPoints",
    "EMLimits",
    "RiskParts",
    "em_basin_boundary",
    "em_critical_separation",
    "em_failure_probability",
    "em_fixed_points",
    "em_model1_branches",
    "em_population_limits",
    "em_population_step",
    "gcv",
    "minnorm_risk",
    "minnorm_risk_exact",
    "overspecified_em_step",
    "ridge_risk",
    "weak_features_risk",
]
