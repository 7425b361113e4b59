"""Reproductions: a static registry, and one short module per experiment.

Each reproduction module declares only what is specific to it (presets,
:class:`Design` objects, its figure and report additions) and exposes ``NAME``,
``DESCRIPTION`` and ``REPRODUCTION``, a :class:`Reproduction` (see
``interpstat/experiments/_base.py``) that does the rest:
``REPRODUCTION.spec(mode)`` gives a preset, ``REPRODUCTION.simulate_frame(spec,
...)`` and ``REPRODUCTION.theory_frame(spec)`` the simulated and theory
frames, and ``REPRODUCTION.run(out_dir, *, mode, random_state, n_jobs,
progress)`` writes ``results.csv``, ``figure.png`` and ``report.md`` into
``out_dir``.

The registry is static so that listing the reproductions imports nothing
heavy (no numba, scikit-learn, matplotlib or estimator); a module is imported
only by :func:`get`.  :class:`Design` and :class:`Reproduction` are loaded on
first access.
"""

from importlib import import_module
from typing import NamedTuple

__all__ = ["REGISTRY", "Design", "Entry", "Reproduction", "get"]


class Entry(NamedTuple):
    """A registry entry: where a reproduction lives and what it shows."""

    module: str
    """Dotted path of the module defining ``REPRODUCTION``."""
    description: str
    """One line for ``interpstat list``."""


#: reproduction name -> Entry(module, description)
REGISTRY = {
    "double-descent": Entry(
        "interpstat.experiments.double_descent",
        "Min-norm least squares risk vs p/n: isotropic and weak-features designs",
    ),
    "em-landscape": Entry(
        "interpstat.experiments.em_landscape",
        "EM for a two-Gaussian mixture: spurious fixed points with known weights (d = 1)",
    ),
    "em-overspecified": Entry(
        "interpstat.experiments.em_overspecified",
        "EM fitting two components to one Gaussian: (2t)^(-1/2) iterates, n^(-1/4) error",
    ),
    "em-spurious-k3": Entry(
        "interpstat.experiments.em_spurious_k3",
        "EM for k >= 3 separated spherical Gaussians: bad local maxima from data-point starts",
    ),
    "em-success": Entry(
        "interpstat.experiments.em_success",
        "EM success from random starts vs s, w*, d: known weights fixed vs learned",
    ),
}

_LAZY = {"Design": "interpstat.experiments._base", "Reproduction": "interpstat.experiments._base"}


def __getattr__(name):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_LAZY])


def get(name):
    """Import and return the module of reproduction ``name``.

    Parameters
    ----------
    name : str
        A key of :data:`REGISTRY`.

    Returns
    -------
    module
    """
    if name not in REGISTRY:
        known = ", ".join(sorted(REGISTRY))
        raise ValueError(f"Unknown reproduction {name!r}; known: {known}.")
    return import_module(REGISTRY[name].module)
