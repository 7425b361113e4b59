"""Warnings and errors that interpstat raises (import them from here to filter them)."""

__all__ = ["AccuracyWarning", "BindingFallbackWarning"]


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


class AccuracyWarning(UserWarning):
    """The data are too ill-conditioned for float64 to deliver a few correct digits.

    Raised when, with the default cut-off ``rcond=None``, the singular values
    a fit keeps span more than float64 can resolve well (``s_max / s_min * eps``
    above ``1e-4``: fewer than four correct digits in the directions of the
    smallest ones).  The answer is still the SVD's, the best float64 can do
    without a choice; the message says what to do: a larger ``rcond`` (cut
    the directions the data cannot determine) or ``ridge > 0``.
    """
