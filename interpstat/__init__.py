"""interpstat: interpolating estimators, their closed-form risk theory, and EM.

The public estimators follow scikit-learn's API; closed-form risk curves live in
:mod:`interpstat.theory`, the Monte-Carlo runner in :mod:`interpstat.simulation`.

The estimators are imported on first access (PEP 562), so that
``import interpstat.theory`` loads neither scikit-learn, numba nor the
BLAS/LAPACK bindings.
"""

import importlib

__version__ = "0.1.0.dev0"

__all__ = [
    "GaussianMixtureEM",
    "MinNormRegressor",
    "PathResult",
    "RestartsResult",
    "__version__",
    "em_restarts",
    "minnorm_path",
]

#: Public name -> the module defining it, imported on first access.
_LAZY = {
    "GaussianMixtureEM": "interpstat.mixture",
    "RestartsResult": "interpstat.mixture",
    "em_restarts": "interpstat.mixture",
    "MinNormRegressor": "interpstat.linear",
    "PathResult": "interpstat.linear",
    "minnorm_path": "interpstat.linear",
}


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups bypass __getattr__
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
