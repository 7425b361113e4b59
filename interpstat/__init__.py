"""interpstat: interpolating estimators, their closed-form risk theory, and EM.

The public estimators follow scikit-learn's API; closed-form risk curves live in
:mod:`interpstat.theory`, the Monte-Carlo runner in :mod:`interpstat.simulation`.
"""

__version__ = "0.1.0.dev0"

from importlib import import_module

__all__ = ["MinNormRegressor", "PathResult", "__version__", "minnorm_path"]

# Public names -> defining module, imported on first access (PEP 562), so that
# ``import interpstat.theory`` or ``interpstat list`` loads neither numba nor
# scikit-learn.
_LAZY = {
    "MinNormRegressor": "interpstat.linear",
    "PathResult": "interpstat.linear",
    "minnorm_path": "interpstat.linear",
}


def __getattr__(name):
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_LAZY])
