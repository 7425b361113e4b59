"""Warnings and errors that interpstat raises (import them from here to filter them)."""

__all__ = ["BindingFallbackWarning"]


class BindingFallbackWarning(RuntimeWarning):
    """A GIL-free BLAS/LAPACK binding could not be used; scipy's wrappers run instead.

    Raised at most once per process, the first time a binding is needed.  Its
    message names each routine that falls back and why (scipy does not export
    it, or exports it with another C signature, e.g. the 64-bit integers of an
    ILP64 build).  Results are unchanged: scipy's ``scipy.linalg.blas`` and
    ``scipy.linalg.lapack`` wrappers run the same library routines, but they
    hold the GIL and may copy strided inputs, so
    :func:`interpstat.minnorm_path` then runs in one thread.
    """
