"""interpstat: interpolating estimators, their closed-form risk theory, and EM.

The public estimators follow scikit-learn's API; closed-form risk curves live in
:mod:`interpstat.theory`, the Monte-Carlo runner in :mod:`interpstat.simulation`.
"""

__version__ = "0.1.0.dev0"

from interpstat.linear import MinNormRegressor, PathResult, minnorm_path

__all__ = ["MinNormRegressor", "PathResult", "__version__", "minnorm_path"]
