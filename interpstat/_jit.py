"""The one numba jit factory of interpstat: cache policy, read-only fallback, thread count."""

import os
import threading
import warnings
from contextlib import contextmanager

import numba

__all__ = ["cache_enabled", "jit", "num_threads"]

#: Options every interpstat kernel is compiled with.  ``error_model="numpy"``
#: gives numpy semantics (inf/nan) for division by zero instead of raising, and
#: lets numba vectorise divisions.  There is deliberately no blanket fastmath:
#: its "nnan"/"ninf" flags let LLVM assume no NaN or inf, which silently breaks
#: code that produces or tests for them.  A kernel may ask for
#: ``fastmath={"contract"}`` alone (fusing ``a * b + c`` into one FMA, which
#: only removes a rounding), as the EM passes do.
_BASE_OPTIONS = {"nogil": True, "error_model": "numpy"}

_lock = threading.Lock()
#: Qualified names of kernels that could not be cached (no writable locator).
uncached_kernels: list[str] = []


def cache_enabled():
    """Whether kernels are compiled with ``cache=True``.

    Caching is on unless the environment variable ``INTERPSTAT_NUMBA_CACHE`` is
    set to ``0``, ``false``, ``no`` or ``off`` (read when a kernel is compiled,
    i.e. at import of the kernel module).

    Returns
    -------
    bool
    """
    value = os.environ.get("INTERPSTAT_NUMBA_CACHE", "1").strip().lower()
    return value not in {"0", "false", "no", "off"}


def jit(func=None, *, parallel=False, **options):
    """Compile ``func`` with numba under interpstat's policy.

    Use at module level only (``@jit`` or ``@jit(parallel=True)``), never inside
    a function.  Signatures are lazy: each new argument type (float32/float64,
    C or non-contiguous, read-only) compiles on first use and is cached.

    When caching is requested but no cache directory is writable -- the
    package lives in a read-only location (or a zip archive) and neither
    ``NUMBA_CACHE_DIR`` nor the user cache directory can be written -- numba
    either raises ``RuntimeError`` at decoration time or, for some locators,
    fails later when saving.  Both are detected here, and the kernel is then
    compiled without a cache, so the package still imports and runs (it only
    pays the compile time again in each process).  The names of such kernels
    are listed in ``uncached_kernels``.

    Parameters
    ----------
    func : callable, optional
        The Python function to compile.
    parallel : bool, default=False
        Passed to numba; enables ``numba.prange`` loops.
    **options
        Further numba options; they override the base policy.

    Returns
    -------
    numba.core.registry.CPUDispatcher or callable
        The compiled dispatcher, or a decorator when ``func`` is None.
    """
    if func is None:
        return lambda f: jit(f, parallel=parallel, **options)
    opts = {**_BASE_OPTIONS, "parallel": parallel, **options}
    if not cache_enabled():
        return numba.njit(**{**opts, "cache": False})(func)
    try:
        dispatcher = numba.njit(**{**opts, "cache": True})(func)
    except RuntimeError as exc:  # "cannot cache function ...: no locator available"
        if "cannot cache" not in str(exc):
            raise
        dispatcher = None
    if dispatcher is not None and _cache_writable(dispatcher):
        return dispatcher
    with _lock:
        uncached_kernels.append(func.__qualname__)
    return numba.njit(**{**opts, "cache": False})(func)


def _cache_writable(dispatcher):
    """Check, at decoration, that the chosen cache locator can really be written.

    Some numba locators (the one for modules imported from a zip archive, in
    numba 0.68) are accepted without a write test and then raise ``OSError``
    when the first compiled signature is saved -- inside the user's call.
    Probing the directory now (numba would create it on first save anyway)
    turns that into the no-cache fallback.  If numba's internals differ from
    what is probed here, numba's own choice is trusted.
    """
    try:
        locator = dispatcher._cache._impl.locator
        probe = locator.ensure_cache_path
    except AttributeError:  # pragma: no cover - other numba versions
        return True
    try:
        probe()
    except OSError:
        return False
    return True


def _max_threads():
    return int(numba.config.NUMBA_NUM_THREADS)


@contextmanager
def num_threads(n):
    """Set numba's thread count for the calling thread, restoring it afterwards.

    Parameters
    ----------
    n : int or None
        Number of threads for numba parallel kernels.  ``None`` leaves the
        count unchanged; values above numba's maximum
        (``NUMBA_NUM_THREADS``) are clipped to it, values below 1 raise.

    Yields
    ------
    int
        The thread count in force inside the block.

    Examples
    --------
    >>> from interpstat._jit import num_threads
    >>> with num_threads(1) as k:
    ...     k
    1
    """
    old = numba.get_num_threads()
    if n is None:
        yield old
        return
    n = int(n)
    if n < 1:
        raise ValueError(f"num_threads needs a positive thread count, got {n}.")
    if n > _max_threads():
        warnings.warn(
            f"Requested {n} numba threads but NUMBA_NUM_THREADS={_max_threads()}; using "
            f"{_max_threads()}.",
            RuntimeWarning,
            stacklevel=3,
        )
        n = _max_threads()
    numba.set_num_threads(n)
    try:
        yield n
    finally:
        numba.set_num_threads(old)
