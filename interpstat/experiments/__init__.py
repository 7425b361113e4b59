"""Reproductions: one module per experiment (spec, simulation, theory, report).

Each module defines ``NAME``, ``DESCRIPTION`` and
``run(out_dir, *, mode, random_state, n_jobs, progress)`` writing
``results.csv``, ``figure.png`` and ``report.md`` into ``out_dir``.
"""

from importlib import import_module

#: reproduction name -> module path
REGISTRY = {
    "double-descent": "interpstat.experiments.double_descent",
}

__all__ = ["REGISTRY", "get"]


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
    return import_module(REGISTRY[name])
