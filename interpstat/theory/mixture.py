"""Population EM maps of the symmetric two-component Gaussian mixture, and their landscape.

The maps (:func:`em_population_step`, :func:`overspecified_em_step`), their fixed
points (:func:`em_fixed_points`) and, in ``d = 1``, the limits of the map from
many starts (:func:`em_population_limits`), Model 1's spurious branch, critical
separation and failure probability (:func:`em_model1_branches`,
:func:`em_critical_separation`, :func:`em_failure_probability`) and Model 2's
basin boundary (:func:`em_basin_boundary`).  Derivations: docs/theory.rst.
"""

import functools
import math
from typing import NamedTuple

import numpy as np
from scipy import optimize, special

__all__ = [
    "EMBranches",
    "EMCriticalSeparation",
    "EMFixedPoints",
    "EMLimits",
    "em_basin_boundary",
    "em_critical_separation",
    "em_failure_probability",
    "em_fixed_points",
    "em_model1_branches",
    "em_population_limits",
    "em_population_step",
    "overspecified_em_step",
]

#: ``sqrt(2/pi) = E|G|``: every Model 1 fixed point satisfies ``|theta| <= s + sqrt(2/pi)``.
_E_ABS_G = math.sqrt(2.0 / math.pi)


class EMFixedPoints(NamedTuple):
    """Fixed points of a population EM map in dimension one.

    Attributes
    ----------
    theta : ndarray of shape (k,)
        Fixed-point means, in increasing order.
    w : ndarray of shape (k,)
        Weight of the component centred at ``+theta`` at each fixed point
        (``w_star`` throughout for Model 1).
    eigvals : ndarray of shape (k, m)
        Eigenvalues of the Jacobian of the EM map at each fixed point, in
        increasing order; ``m = 1`` (the slope ``M'(theta)``) for Model 1 and
        ``m = 2`` (in the coordinates ``(theta, w)``) for Model 2.  They are
        real.
    stable : ndarray of bool, shape (k,)
        Every eigenvalue has modulus below 1 (an attracting fixed point).
    loglik : ndarray of shape (k,)
        Population log-likelihood ``l(theta, w) - E log phi(Y)`` at each fixed
        point; differences between fixed points are log-likelihood gaps.
    kind : tuple of str, length k
        ``"global"`` (a global maximiser of the log-likelihood),
        ``"spurious"`` (a stable fixed point that is not a global maximiser),
        ``"unstable"`` (Model 1: the repelling point bounding the basin of the
        spurious one) or ``"saddle"`` (Model 2: ``theta = 0, w = 1/2``).
    """

    theta: np.ndarray
    w: np.ndarray
    eigvals: np.ndarray
    stable: np.ndarray
    loglik: np.ndarray
    kind: tuple


# --- quadrature ------------------------------------------------------------------------------

#: Half-width of the trapezoid grid, in standard deviations of G (exp(-72) is below eps).
_TAIL = 12.0

#: Largest trapezoid step in the variable u = c + r G, and in G itself.
_H_U = 0.25
_H_G = 0.5

#: Largest number of (point, node) pairs evaluated at once.
_MAX_GRID = 1 << 20


def _n_nodes(r):
    """Half the number of trapezoid nodes needed for ``E f(c + r G)`` at scale ``r``.

    The step in ``u = c + r G`` is ``h = min(0.25, r/2)``, over ``|G| <= 12``.

    Parameters
    ----------
    r : ndarray
        Scales ``>= 0``.

    Returns
    -------
    int
    """
    r_max = float(np.max(r, initial=0.0))
    h_g = min(_H_U / r_max, _H_G) if r_max > 0 else _H_G
    return math.ceil(_TAIL / h_g)


def _gauss_expect(funcs, c, r):
    """``E f(c + r G)``, ``G ~ N(0, 1)``, for several ``f`` by the trapezoid rule in ``G``.

    The nodes are ``g_j = j h_g``, ``|j| <= N``, with ``h_g = 12/N`` and ``N``
    chosen so that the step in ``u = c + r g`` is at most ``min(0.25, r/2)``
    for the largest ``r``.  For integrands analytic in the strip
    ``|Im u| < pi/2`` (``tanh``, ``sech^2``, ``log cosh``, ``expit(2u)``) the
    error is ``O(exp(-pi**2/h) + exp(-2 pi**2 r**2/h**2))``, below 1e-15
    for every ``r``: unlike Gauss-Hermite in ``G``, whose accuracy degrades
    for ``r > 1`` because the poles of ``tanh`` approach the real axis in
    the variable ``G``.  At ``r == 0`` the value is ``f(c)`` exactly.

    Parameters
    ----------
    funcs : sequence of callables
        Vectorised ``f(u)``.
    c, r : ndarray
        Broadcastable centres and scales (``r >= 0``).

    Returns
    -------
    list of ndarray
        One array of the broadcast shape of ``c`` and ``r`` per function.
    """
    c, r = np.broadcast_arrays(np.asarray(c, np.float64), np.asarray(r, np.float64))
    n = _n_nodes(r)
    h = _TAIL / n
    g = h * np.arange(-n, n + 1)
    weight = h * np.exp(-0.5 * g * g) / math.sqrt(2.0 * math.pi)
    c_flat, r_flat = c.ravel(), r.ravel()
    out = [np.empty(c_flat.shape) for _ in funcs]
    step = max(1, _MAX_GRID // g.size)  # bound the (points x nodes) temporaries
    for lo in range(0, c_flat.size, step):
        cc, rr = c_flat[lo : lo + step], r_flat[lo : lo + step]
        u = cc[:, None] + rr[:, None] * g
        for f, res in zip(funcs, out, strict=True):
            res[lo : lo + step] = np.where(rr == 0, f(cc), f(u) @ weight)
    return [res.reshape(c.shape) for res in out]


def _sech2(u):
    """``sech(u)**2 = 4 e^{-2|u|}/(1 + e^{-2|u|})**2``, without overflow or cancellation."""
    e = np.exp(-2.0 * np.abs(u))
    return 4.0 * e / (1.0 + e) ** 2


def _log_cosh(u):
    return np.logaddexp(u, -u) - math.log(2.0)


def _expit2(u):
    """``(1 + tanh u)/2 = 1/(1 + e^{-2u})``, accurate in both tails."""
    return special.expit(2.0 * u)


def _tanh_sech2(u):
    """``sech(u)**2 tanh(u)`` (Stein derivative of ``sech**2``, up to a factor -2)."""
    return _sech2(u) * np.tanh(u)


def _sech4(u):
    return _sech2(u) ** 2


# --- validation --------------------------------------------------------------------------------


def _weight(w, name):
    """Return ``w`` as a float64 array with entries in the open interval (0, 1)."""
    arr = np.asarray(w, dtype=np.float64)
    bad = ~((arr > 0) & (arr < 1))
    if np.any(bad):
        raise ValueError(f"{name} must lie in (0, 1), got {float(arr[bad].flat[0])}")
    return arr


def _finite(x, name):
    arr = np.asarray(x, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return arr


def _nu(w):
    """``atanh(2w - 1) = log(w/(1 - w))/2``, accurate for ``w`` near 0 or 1."""
    return 0.5 * (np.log(w) - np.log1p(-w))


# --- the reduced map ---------------------------------------------------------------------------


def _reduced_moments(a, r, nu, s, w_star):
    """The z-averaged moments of ``U = z a s + r G + nu`` that the EM map needs.

    ``z = +1`` with probability ``w_star`` and ``-1`` otherwise.

    Parameters
    ----------
    a, r, nu : ndarray
        Broadcastable: component of the mean along ``theta_star/s``, norm of
        the mean, log-odds of the fitted weight.
    s, w_star : ndarray
        Broadcastable with the above: separation ``||theta_star||`` and true
        weight.

    Returns
    -------
    z_tanh, sech2, expit2 : ndarray of the broadcast shape
        ``E[z tanh U]``, ``E[sech^2 U]`` and ``E[(1 + tanh U)/2]``.
    """
    funcs = (np.tanh, _sech2, _expit2)
    t_p, s_p, e_p = _gauss_expect(funcs, a * s + nu, r)
    t_m, s_m, e_m = _gauss_expect(funcs, -a * s + nu, r)
    z_tanh = w_star * t_p - (1.0 - w_star) * t_m
    sech2 = w_star * s_p + (1.0 - w_star) * s_m
    expit2 = w_star * e_p + (1.0 - w_star) * e_m
    return z_tanh, sech2, expit2


def _step_1d(theta, w, s, w_star, learn_weights):
    """One population EM step in d = 1 (``theta`` and ``s`` scalars or arrays).

    Returns
    -------
    theta_next, w_next : ndarray of the broadcast shape
    """
    z_tanh, sech2, expit2 = _reduced_moments(theta, np.abs(theta), _nu(w), s, w_star)
    theta_next = s * z_tanh + theta * sech2
    w_next = expit2 if learn_weights else np.broadcast_to(w, theta_next.shape).copy()
    return theta_next, w_next


def _loglik_1d(theta, w, s, w_star):
    """``l(theta, w) - E log phi(Y)`` in d = 1 (the relative population log-likelihood).

    .. math::

        \\ell = -\\tfrac12\\theta^2 + \\tfrac12\\log(4w(1 - w)) + E\\log\\cosh(\\theta Y + \\nu).
    """
    nu = _nu(w)
    (lc_p,) = _gauss_expect((_log_cosh,), theta * s + nu, np.abs(theta))
    (lc_m,) = _gauss_expect((_log_cosh,), -theta * s + nu, np.abs(theta))
    lc = w_star * lc_p + (1.0 - w_star) * lc_m
    return -0.5 * theta**2 + 0.5 * np.log(4.0 * w * (1.0 - w)) + lc


def _jacobian_1d(theta, w, s, w_star, learn_weights):
    """Eigenvalues of the Jacobian of the d = 1 EM map at ``(theta, w)``.

    With ``U = theta Y + nu``, ``Y = z s + G``, Stein's identity gives
    ``m0 = E sech^2 U``, ``m1 = E[sech^2(U) Y]`` and ``m2 = E[sech^2(U) Y^2]``
    from ``S0 = E sech^2``, ``S1 = E (sech^2)'`` and ``S2 = E (sech^2)''`` at
    ``c = z theta s + nu``, ``r = theta``.  Model 1: ``M' = m2``.  Model 2, in
    the coordinates ``(theta, nu)`` (the eigenvalues do not depend on the
    coordinates): ``[[m2, m1], [m1/(1 - T^2), m0/(1 - T^2)]]`` with
    ``T = E tanh U``.

    Returns
    -------
    ndarray of shape (1,) or (2,)
        Real eigenvalues, increasing.
    """
    nu = float(_nu(w))
    funcs = (np.tanh, _sech2, _tanh_sech2, _sech4)
    moments = []
    for z, pz in ((1.0, w_star), (-1.0, 1.0 - w_star)):
        t, s0, ts, s4 = _gauss_expect(funcs, z * theta * s + nu, abs(theta))
        s1 = -2.0 * ts  # (sech^2)' = -2 sech^2 tanh
        s2 = 4.0 * s0 - 6.0 * s4  # (sech^2)'' = sech^2 (4 - 6 sech^2)
        m0 = s0
        m1 = z * s * s0 + theta * s1
        m2 = (s * s + 1.0) * s0 + 2.0 * z * s * theta * s1 + theta * theta * s2
        moments.append(pz * np.array([t, m0, m1, m2]))
    t, m0, m1, m2 = (float(v) for v in np.sum(moments, axis=0))
    if not learn_weights:
        return np.array([m2])
    scale = 1.0 / (1.0 - t * t)
    jac = np.array([[m2, m1], [m1 * scale, m0 * scale]])
    # D^{1/2} A D^{1/2} with A symmetric and D = diag(1, scale) > 0: real eigenvalues.
    return np.sort(np.linalg.eigvals(jac).real)


# --- public API --------------------------------------------------------------------------------


def em_population_step(theta, w, theta_star, w_star, *, learn_weights):
    r"""One step of population EM for the symmetric two-component Gaussian mixture.

    Data :math:`Y \sim w^* N(\theta^*, I_d) + (1 - w^*) N(-\theta^*, I_d)`;
    the fitted model is :math:`w\,N(\theta, I_d) + (1 - w)\,N(-\theta, I_d)`
    (identity covariance known).  With :math:`\nu = \tfrac12\log(w/(1 - w))`
    the population EM map is

    .. math::

        \theta' = E\bigl[\tanh(\langle\theta, Y\rangle + \nu)\,Y\bigr],\qquad
        w' = \tfrac12 + \tfrac12 E\tanh(\langle\theta, Y\rangle + \nu),

    the infinite-sample limit of the sample EM step.  **Model 1**
    (``learn_weights=False``): the weight is fixed, ``w' = w`` (normally
    ``w = w_star``, known); **Model 2** (``learn_weights=True``): the
    redundant weight is re-estimated, both updates using the E-step at the
    current ``(theta, w)``.

    Parameters
    ----------
    theta : array_like
        Current mean(s).  If ``theta_star`` has shape ``(d,)``, ``theta`` has
        shape ``(..., d)``: a batch of means (the curve argument).  If
        ``theta_star`` is a scalar (``d = 1``), every entry of ``theta`` is one
        mean.
    w : array_like
        Current weight(s) in (0, 1), broadcast against the batch shape.
    theta_star : array_like of shape (d,) or scalar
        True mean.
    w_star : float
        True weight, in (0, 1).
    learn_weights : bool
        Model 2 if True, Model 1 if False (keyword-only, no default: the two
        models are different algorithms).

    Returns
    -------
    theta_next : ndarray
        Shape of ``theta`` broadcast against ``w``.
    w_next : ndarray
        The batch shape; equal to ``w`` when ``learn_weights`` is False.

    Notes
    -----
    **2-D reduction.**  Write :math:`s = \|\theta^*\|`,
    :math:`e_1 = \theta^*/s`, :math:`\theta = a e_1 + \theta_\perp` with
    :math:`\theta_\perp \perp e_1`, :math:`r = \|\theta\|` and
    :math:`U = z a s + r G + \nu` with :math:`G \sim N(0, 1)` and
    :math:`P(z = 1) = w^*`.  Stein's identity gives

    .. math::

        \theta' = \bigl(s\,E[z\tanh U] + a\,E[\operatorname{sech}^2 U]\bigr)e_1
                  + E[\operatorname{sech}^2 U]\,\theta_\perp,\qquad
        w' = E\bigl[(1 + \tanh U)/2\bigr],

    so the iterates stay in :math:`\operatorname{span}(\theta^*, \theta_0)`
    and every dimension costs as much as ``d = 1``.  Each expectation is a
    pair (``z = +-1``) of one-dimensional Gaussian integrals
    :math:`E f(c + rG)`, evaluated by the trapezoid rule in
    :math:`u = c + rG` with step :math:`\min(0.25, r/2)` over
    :math:`|G| \le 12`: error below 1e-15 for every :math:`r` (Gauss-Hermite
    in :math:`G` loses accuracy for :math:`r > 1`), and tails such as
    :math:`1 - w'` for very unequal weights are kept by evaluating
    :math:`\operatorname{sech}^2` and :math:`(1 + \tanh)/2` without
    cancellation.  The grid has about :math:`96\|\theta\| + 49` nodes.
    If :math:`\theta^* = 0` the map is
    :math:`\theta' = \theta\,E\operatorname{sech}^2(\|\theta\|G + \nu)`
    (see :func:`overspecified_em_step`).  Derivation: docs/theory.rst,
    eqs. (em-map) and (em-reduced).

    Assumptions: population (infinite-sample) map; both components have the
    identity covariance; weights in (0, 1).

    References
    ----------
    Xu, Hsu, Maleki. Benefits of over-parameterization with EM. *Advances in
    Neural Information Processing Systems* 31 (NeurIPS 2018), 10662-10672.
    arXiv:1810.11344.  Model 1 (known weights) and Model 2 (weights treated as
    unknown) for the mixture of two symmetric Gaussians; the EM updates are
    re-derived in docs/theory.rst.

    Examples
    --------
    >>> from interpstat.theory import em_population_step
    >>> theta, w = em_population_step([0.3, 0.4], 0.3, [2.0, 0.0], 0.8, learn_weights=True)
    >>> theta.round(6), round(float(w), 6)
    (array([0.733428, 0.295632]), 0.48795)
    >>> em_population_step(-0.5, 0.8, 2.0, 0.8, learn_weights=False)[0].round(6)
    np.float64(-1.08883)
    """
    theta_star = _finite(theta_star, "theta_star")
    theta = _finite(theta, "theta")
    w = _weight(w, "w")
    w_star = float(_weight(w_star, "w_star"))
    if theta_star.ndim > 1:
        raise ValueError(f"theta_star must be a scalar or 1-D, got shape {theta_star.shape}")
    if theta_star.ndim == 0:
        s = abs(float(theta_star))
        sign = 1.0 if theta_star >= 0 else -1.0
        theta, w = np.broadcast_arrays(theta, w)
        a = sign * theta
        z_tanh, sech2, expit2 = _reduced_moments(a, np.abs(theta), _nu(w), s, w_star)
        theta_next = sign * s * z_tanh + theta * sech2
    else:
        d = theta_star.shape[0]
        if theta.ndim == 0 or theta.shape[-1] != d:
            raise ValueError(f"theta must have shape (..., {d}), got {theta.shape}")
        s = float(np.linalg.norm(theta_star))
        e1 = theta_star / s if s > 0 else np.zeros(d)
        batch = np.broadcast_shapes(theta.shape[:-1], w.shape)
        theta = np.broadcast_to(theta, (*batch, d))
        w = np.broadcast_to(w, batch)
        a = theta @ e1
        r = np.linalg.norm(theta, axis=-1)
        z_tanh, sech2, expit2 = _reduced_moments(a, r, _nu(w), s, w_star)
        # (s E[z tanh U] + a E sech^2 U) e1 + E[sech^2 U] theta_perp, theta_perp = theta - a e1
        theta_next = (s * z_tanh)[..., None] * e1 + sech2[..., None] * theta
    w_next = expit2 if learn_weights else np.array(w, dtype=np.float64)
    return theta_next[()], np.asarray(w_next, dtype=np.float64)[()]


def overspecified_em_step(theta, *, w=0.5):
    r"""Population EM map of a two-component fit to a single Gaussian (over-specified case).

    Data :math:`X \sim N(0, I_d)`; fitted model
    :math:`w\,N(\theta, I_d) + (1 - w)\,N(-\theta, I_d)` with the weight
    ``w`` known.  The EM map is

    .. math::

        M(\theta) = E\bigl[X\tanh(\langle X, \theta\rangle + \nu)\bigr]
                  = \theta\, E\bigl[\operatorname{sech}^2(\|\theta\| Z + \nu)\bigr],
        \qquad \nu = \tfrac12\log\frac{w}{1 - w},\quad Z \sim N(0, 1),

    by Stein's identity.  For ``w = 1/2`` (balanced fit)
    :math:`M(\theta) = \theta\,(1 - \|\theta\|^2 + O(\|\theta\|^4))`: the
    contraction factor tends to 1 and EM converges sublinearly to the true
    ``theta = 0``, with :math:`\|\theta_t\| \approx (2t)^{-1/2}`.  For
    ``w != 1/2`` the factor tends to :math:`\operatorname{sech}^2\nu =
    4w(1 - w) < 1`: geometric convergence.  Derivation: docs/theory.rst,
    eq. (em-overspecified).

    Parameters
    ----------
    theta : array_like of shape (..., d)
        Mean(s); the last axis is the dimension ``d`` (a scalar is one mean
        in ``d = 1``; pass ``theta[:, None]`` for a curve of 1-D means).
    w : array_like, default 0.5
        Known weight in (0, 1), broadcast against the batch shape.

    Returns
    -------
    ndarray
        :math:`M(\theta)`, the shape of ``theta`` broadcast with ``w``.

    References
    ----------
    Dwivedi, Ho, Khamaru, Wainwright, Jordan, Yu. Singularity,
    misspecification and the convergence rate of EM. *Ann. Statist.*
    48(6):3161-3182, 2020.  arXiv:1810.00828.  Two-component fits to a single
    Gaussian, balanced (sublinear convergence) and unbalanced (geometric
    convergence) cases.  The map is the ``theta_star = 0`` case of
    :func:`em_population_step` (Model 1).

    Examples
    --------
    >>> import numpy as np
    >>> from interpstat.theory import overspecified_em_step
    >>> norms = np.array([0.05, 0.2, 0.5, 1.0])
    >>> (overspecified_em_step(norms[:, None])[:, 0] / norms).round(6)
    array([0.997512, 0.962882, 0.826484, 0.605706])
    """
    theta = _finite(theta, "theta")
    w = _weight(w, "w")
    if theta.ndim == 0:
        factor = _gauss_expect((_sech2,), _nu(w), np.abs(theta))[0]
        return (theta * factor)[()]
    batch = np.broadcast_shapes(theta.shape[:-1], w.shape)
    theta = np.broadcast_to(theta, (*batch, theta.shape[-1]))
    (factor,) = _gauss_expect(
        (_sech2,), _nu(np.broadcast_to(w, batch)), np.linalg.norm(theta, axis=-1)
    )
    return (theta * factor[..., None])[()]


def em_fixed_points(theta_star, w_star, *, learn_weights):
    r"""Fixed points of the population EM map in dimension one, with their stability.

    For data :math:`Y \sim w^* N(s, 1) + (1 - w^*) N(-s, 1)` (``s =
    theta_star``) and the map of :func:`em_population_step`:

    **Model 1** (``learn_weights=False``, ``w = w_star`` fixed).  The fixed
    points solve :math:`\theta = M(\theta) = E[\tanh(\theta Y + \nu^*)Y]`.
    Besides the global maximiser :math:`\theta = s`, for ``w_star != 1/2``
    and ``s`` above a critical separation :math:`s_c(w^*)` there is a stable
    spurious fixed point :math:`\bar\theta < 0` and an unstable one
    :math:`\theta_u \in (\bar\theta, 0)` that bounds its basin of attraction.
    Any fixed point satisfies :math:`|\theta| \le E|Y| \le |s| + \sqrt{2/\pi}`
    and :math:`M(\theta) - \theta > 0` at ``theta = 0`` and as
    ``theta -> -inf``, so negative fixed points come in pairs; they are
    bracketed on a grid of that interval (dense near 0, with the minimum of
    :math:`M(\theta) - \theta` refined to catch near-tangent pairs) and
    solved by ``brentq``.

    **Model 2** (``learn_weights=True``).  For ``s > 0`` the fixed points are the two
    global maximisers :math:`(s, w^*)` and :math:`(-s, 1 - w^*)` (the
    log-likelihood is invariant under :math:`(\theta, w) \to (-\theta, 1 - w)`)
    and the saddle :math:`(0, 1/2)`, whose Jacobian in
    :math:`(\theta, \nu)` is
    :math:`\begin{pmatrix} 1 + s^2 & s(2w^* - 1)\\ s(2w^* - 1) & 1\end{pmatrix}`.
    Each candidate is verified to be fixed (residual below 1e-12).  For
    ``s = 0`` every :math:`(0, w)` is fixed; :math:`(0, 1/2)` is returned.
    Labels: ``"global"`` where the log-likelihood is maximal (within 1e-12),
    otherwise ``"spurious"`` if stable and ``"unstable"`` if not, except the
    Model 2 point ``(0, 1/2)``, labelled ``"saddle"``.

    Stability is read off the Jacobian of the map, computed with Stein's
    identity (the slope :math:`M'(\theta) = E[\operatorname{sech}^2(\theta Y
    + \nu)Y^2]` for Model 1).  Derivation: docs/theory.rst, eqs.
    (em-fixed) and (em-jacobian).

    Parameters
    ----------
    theta_star : float
        True mean ``s`` in d = 1.  A negative value is solved as the relabelled
        problem ``(-s, 1 - w_star)`` and mapped back,
        ``(theta, w) -> (-theta, 1 - w)``.  ``0`` is allowed (see below).
    w_star : float
        True weight, in (0, 1).
    learn_weights : bool
        Model 2 if True, Model 1 if False.

    Returns
    -------
    EMFixedPoints

    References
    ----------
    Xu, Hsu, Maleki. Benefits of over-parameterization with EM. NeurIPS 2018
    (*Adv. Neural Inf. Process. Syst.* 31:10662-10672), arXiv:1810.11344:
    for two symmetric components, EM for Model 2 finds the global maximiser
    of the log-likelihood from almost any initial mean, whereas EM for
    Model 1 may fail.  The spurious fixed points located here (with
    :math:`\bar\theta\theta^* < 0`) are the project's computation from the
    fixed-point equation derived in docs/theory.rst.

    Examples
    --------
    >>> from interpstat.theory import em_fixed_points
    >>> fp = em_fixed_points(1.0, 0.6, learn_weights=False)
    >>> fp.theta.round(6)
    array([-0.978599, -0.043415,  1.      ])
    >>> fp.kind
    ('spurious', 'unstable', 'global')
    >>> em_fixed_points(2.0, 0.8, learn_weights=True).eigvals[1].round(4)
    array([0.6676, 5.3324])
    """
    if np.ndim(theta_star) != 0:
        raise ValueError("em_fixed_points is for d = 1: theta_star must be a scalar")
    s = float(_finite(theta_star, "theta_star"))
    w_star = float(_weight(w_star, "w_star"))
    flip = s < 0
    if flip:  # relabel the components: (s, w*) -> (-s, 1 - w*); undone at the end
        s, w_star = -s, 1.0 - w_star
    if learn_weights:
        if s == 0:
            candidates = [(0.0, 0.5, "global")]
        else:
            candidates = [
                (-s, 1.0 - w_star, "global"),
                (0.0, 0.5, "saddle"),
                (s, w_star, "global"),
            ]
    elif s == 0:
        candidates = [(0.0, w_star, "global")]
    elif w_star == 0.5:  # M is odd: -s is the mirror maximiser and 0 is fixed
        candidates = [(-s, w_star, "global"), (0.0, w_star, "unstable"), (s, w_star, "global")]
    else:
        roots = _model1_negative_roots(s, w_star)
        candidates = [(t, w_star, "") for t in roots] + [(s, w_star, "global")]
    theta = np.array([c[0] for c in candidates])
    w = np.array([c[1] for c in candidates])
    for t, ww, _ in candidates:
        t_next, w_next = _step_1d(t, ww, s, w_star, learn_weights)
        if abs(float(t_next) - t) > 1e-12 * max(1.0, s) or abs(float(w_next) - ww) > 1e-12:
            raise RuntimeError(f"fixed point ({t}, {ww}) not reproduced by the map")
    eig = np.array(
        [_jacobian_1d(t, ww, s, w_star, learn_weights) for t, ww in zip(theta, w, strict=True)]
    )
    stable = np.all(np.abs(eig) < 1.0, axis=1)
    loglik = np.array(
        [float(_loglik_1d(t, ww, s, w_star)) for t, ww in zip(theta, w, strict=True)]
    )
    top = loglik.max()
    kind = tuple(
        c[2] or ("global" if ll >= top - 1e-12 else "spurious" if st else "unstable")
        for c, ll, st in zip(candidates, loglik, stable, strict=True)
    )
    if flip:  # back to the caller's labels: (theta, w) -> (-theta, 1 - w), order reversed
        theta, w = -theta[::-1], 1.0 - w[::-1]
        eig, stable, loglik, kind = eig[::-1], stable[::-1], loglik[::-1], kind[::-1]
    return EMFixedPoints(theta, w, eig, stable, loglik, kind)


def _model1_negative_roots(s, w_star):
    """Negative roots of ``F(theta) = M(theta) - theta`` for Model 1 in d = 1 (s > 0).

    Returns
    -------
    list of float
        Increasing.
    """
    lo = -(s + math.sqrt(2.0 / math.pi)) - 1e-3

    def resid(t):
        return _step_1d(t, w_star, s, w_star, False)[0] - t

    grid = np.unique(np.r_[np.linspace(lo, 0.0, 401)[:-1], -np.geomspace(1e-8, -lo, 400)])
    vals = resid(grid)
    roots = []
    for i in np.flatnonzero(np.sign(vals[:-1]) != np.sign(vals[1:])):
        roots.append(_brent(resid, grid[i], grid[i + 1]))
    if not roots:
        # A near-tangent pair can fall between grid points: refine the minimum of F.
        i = int(np.argmin(vals))
        left, right = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)]
        found = optimize.minimize_scalar(
            lambda t: float(resid(t)),
            bounds=(left, right),
            method="bounded",
            options={"xatol": 1e-14},
        )
        if found.fun < 0:
            roots = [_brent(resid, left, found.x), _brent(resid, found.x, right)]
    return sorted(roots)


def _brent(func, a, b):
    return optimize.brentq(
        lambda t: float(func(t)), a, b, xtol=1e-15, rtol=4 * np.finfo(float).eps
    )


# --- the d = 1 landscape: limits of the map, Model 1's threshold, Model 2's basins -------------

class EMLimits(NamedTuple):
    """Where the population EM map takes each start (see :func:`em_population_limits`).

    Attributes
    ----------
    theta : ndarray of shape (n_starts,)
        Final means.
    w : ndarray of shape (n_starts,)
        Final weights (``w_star`` throughout for Model 1).
    n_iter : ndarray of int, shape (n_starts,)
        Steps taken by each start.
    converged : ndarray of bool, shape (n_starts,)
        Whether the last step moved by at most ``tol``.
    """

    theta: np.ndarray
    w: np.ndarray
    n_iter: np.ndarray
    converged: np.ndarray


def em_population_limits(
    theta0, theta_star, w_star, *, learn_weights, w0=None, tol=1e-10, max_iter=10_000
):
    r"""Iterate the ``d = 1`` population EM map from many starts until each one converges.

    Each start :math:`x_0 = (\theta_0, w_0)` is iterated,
    :math:`x_{k+1} = M(x_k)` with the map :math:`M` of
    :func:`em_population_step` (docs/theory.rst, eq. (em-map)), until
    :math:`\max(|\theta_{k+1} - \theta_k|, |w_{k+1} - w_k|) \le` ``tol``.  All
    active starts go through one vectorised call of the map per step;
    converged starts leave the batch (a start's result depends on the others
    only through rounding: the quadrature grid follows the largest
    :math:`|\theta|` of the batch).

    Parameters
    ----------
    theta0 : array_like of shape (n_starts,)
        Initial means.
    theta_star : float
        True mean ``s`` (``d = 1``).
    w_star : float
        True weight, in (0, 1).
    learn_weights : bool
        Model 2 if True (the weight is updated), Model 1 if False (``w = w_star``).
    w0 : array_like of shape (n_starts,) or float, optional
        Initial weights of Model 2 (default ``w_star``); ignored by Model 1.
    tol : float, default=1e-10
        Convergence threshold on the step.
    max_iter : int, default=10000
        Largest number of steps per start.

    Returns
    -------
    EMLimits
        ``theta, w, n_iter, converged``, each of shape ``(n_starts,)``.

    Notes
    -----
    Accuracy: near a stable fixed point whose Jacobian has spectral radius
    :math:`\lambda < 1`, stopping at a step :math:`\le` ``tol`` leaves an
    error of about ``tol`` :math:`\cdot\lambda/(1 - \lambda)`; the map itself
    is accurate to about 1e-15 (see :func:`em_population_step`).  Close to a
    saddle-node (Model 1 at :math:`s \approx s_c(w^*)`, see
    :func:`em_critical_separation`) or to the saddle of Model 2 the steps
    become tiny long before the limit is reached: check ``converged`` and the
    distance to the fixed points of :func:`em_fixed_points`.

    Assumptions: the population (infinite-sample) map, ``d = 1``, identity
    covariances.

    References
    ----------
    Xu, Hsu, Maleki. Benefits of over-parameterization with EM. *Advances in
    Neural Information Processing Systems* 31 (NeurIPS 2018), 10662-10672.
    arXiv:1810.11344.  Model 1 (known weights) and Model 2 (weights treated as
    unknown) for the mixture of two symmetric Gaussians; the paper shows that
    Model 1 can converge to a spurious fixed point while Model 2 reaches a
    global maximiser from almost every start.

    Examples
    --------
    >>> from interpstat.theory import em_population_limits
    >>> out = em_population_limits([-1.0, -0.1, 1.0], 2.0, 0.8, learn_weights=False)
    >>> out.theta.round(6), bool(out.converged.all())
    (array([-1.975238,  2.      ,  2.      ]), True)
    """
    theta = np.array(theta0, dtype=np.float64).reshape(-1)
    if learn_weights:
        w = np.broadcast_to(np.asarray(w_star if w0 is None else w0, np.float64), theta.shape)
        w = w.copy()
    else:
        w = np.full(theta.shape, float(w_star))
    n_iter = np.zeros(theta.shape, dtype=np.int64)
    converged = np.zeros(theta.shape, dtype=bool)
    active = np.arange(theta.size)
    for _ in range(max_iter):
        if active.size == 0:
            break
        t_new, w_new = em_population_step(
            theta[active], w[active], theta_star, w_star, learn_weights=learn_weights
        )
        t_new, w_new = np.atleast_1d(t_new), np.atleast_1d(w_new)
        step = np.maximum(np.abs(t_new - theta[active]), np.abs(w_new - w[active]))
        theta[active], w[active] = t_new, w_new
        n_iter[active] += 1
        done = step <= tol
        converged[active[done]] = True
        active = active[~done]
    return EMLimits(theta, w, n_iter, converged)


class EMBranches(NamedTuple):
    """Negative fixed points of Model 1 at one ``(s, w*)`` (see :func:`em_model1_branches`).

    Attributes
    ----------
    theta_bar : float
        Stable spurious fixed point (NaN if there is none).
    theta_u : float
        Unstable fixed point bounding the basin ``(-inf, theta_u)`` of ``theta_bar``
        (NaN if there is none).
    theta_min : float
        Where ``F(theta) = M(theta) - theta`` is smallest on ``theta < 0``.
    f_min : float
        That smallest value; negative iff the two fixed points exist.
    """

    theta_bar: float
    theta_u: float
    theta_min: float
    f_min: float


def _model1_weight(w_star):
    w_star = float(w_star)
    if not 0.5 < w_star < 1.0:
        raise ValueError(f"w_star must lie in (1/2, 1) (the larger component at +s), got {w_star}")
    return w_star


def _model1_residual(s, w_star):
    def resid(t):
        return em_population_step(t, w_star, s, w_star, learn_weights=False)[0] - t

    return resid


@functools.lru_cache(maxsize=4096)
def _branches(s, w_star):
    resid = _model1_residual(s, w_star)
    lo = -(s + _E_ABS_G) - 1e-3
    grid = np.unique(np.r_[np.linspace(lo, 0.0, 121)[:-1], -np.geomspace(1e-6, -lo, 40)])
    vals = np.asarray(resid(grid))
    i = int(np.argmin(vals))
    left, right = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)]
    found = optimize.minimize_scalar(
        lambda t: float(resid(t)), bounds=(left, right), method="bounded",
        options={"xatol": 1e-12},
    )
    t_min, f_min = (float(found.x), float(found.fun))
    if f_min > vals[i]:
        t_min, f_min = float(grid[i]), float(vals[i])
    if f_min >= 0.0:
        return EMBranches(math.nan, math.nan, t_min, f_min)

    def brent(a, b):
        return optimize.brentq(lambda t: float(resid(t)), a, b, xtol=1e-14, rtol=1e-15)

    return EMBranches(brent(lo, t_min), brent(t_min, 0.0), t_min, f_min)


def em_model1_branches(theta_star, w_star):
    r"""The spurious and the unstable fixed point of Model 1 (``d = 1``), when they exist.

    With :math:`F(\theta) = M(\theta) - \theta` for the Model 1 map
    :math:`M(\theta) = E[\tanh(\theta Y + \nu^*)Y]` (weight fixed at
    ``w_star``, docs/theory.rst, eq. (em-fixed)), :math:`F(0) = s(2w^* -
    1)^2 > 0` and :math:`F > 0` below :math:`-(s + \sqrt{2/\pi})`, so the
    negative fixed points come in pairs: :math:`\bar\theta < \theta_u < 0`
    exist iff :math:`\min_{\theta < 0} F < 0`.  The minimum is located on a
    grid of :math:`[-(s + \sqrt{2/\pi}), 0)` (120 even and 40 geometric
    points) and refined by bounded Brent minimisation (``xatol = 1e-12``);
    the roots on either side of it are found by ``brentq`` (``xtol =
    1e-14``, so :math:`\bar\theta` and :math:`\theta_u` are accurate to
    about 1e-14 away from :math:`s_c`).  A faster companion of
    :func:`em_fixed_points` (no stability or log-likelihood) for dense curves;
    results are cached.

    Parameters
    ----------
    theta_star : float
        Separation ``s = theta* > 0``.
    w_star : float
        True weight, in (1/2, 1) (the larger component at ``+s``).

    Returns
    -------
    EMBranches
        ``theta_bar, theta_u`` (NaN when ``s <= s_c(w*)``), ``theta_min, f_min``.

    Notes
    -----
    Assumptions: population map, ``d = 1``, ``w* > 1/2``.  Within the
    certified accuracy of :math:`s_c(w^*)` (:func:`em_critical_separation`)
    the two roots merge and :math:`\min F` is of rounding size, so whether a
    pair is reported there is not meaningful.

    References
    ----------
    Xu, Hsu, Maleki. Benefits of over-parameterization with EM. *Advances in
    Neural Information Processing Systems* 31 (NeurIPS 2018), 10662-10672.
    arXiv:1810.11344.  Model 1 (known weights) and Model 2 (weights treated as
    unknown) for the mixture of two symmetric Gaussians; the paper shows that
    Model 1 can converge to a spurious fixed point while Model 2 reaches a
    global maximiser from almost every start.

    Examples
    --------
    >>> from interpstat.theory import em_model1_branches
    >>> br = em_model1_branches(2.0, 0.8)
    >>> round(br.theta_bar, 6), round(br.theta_u, 6)
    (-1.975238, -0.254317)
    """
    return _branches(float(theta_star), _model1_weight(w_star))


class EMCriticalSeparation(NamedTuple):
    """The separation beyond which Model 1 has a spurious fixed point.

    Attributes
    ----------
    s_c : float
        The root of ``s -> min_{theta < 0} (M(theta) - theta)``.
    accuracy : float
        Half-width ``delta`` of the certified bracket.
    lower : float
        ``s_c - delta``: :func:`em_fixed_points` finds no spurious point there.
    upper : float
        ``s_c + delta``: :func:`em_fixed_points` finds one there.
    """

    s_c: float
    accuracy: float
    lower: float
    upper: float


def _has_spurious(s, w_star):
    return "spurious" in em_fixed_points(s, w_star, learn_weights=False).kind


@functools.lru_cache(maxsize=256)
def _critical(w_star, accuracy):
    def f_min(s):
        return em_model1_branches(s, w_star).f_min

    s_lo = 1e-3 * (2.0 * w_star - 1.0)
    s_hi = 2.0 * (2.0 * w_star - 1.0) + 0.5
    for _ in range(20):
        if f_min(s_hi) < 0:
            break
        s_lo, s_hi = s_hi, 2.0 * s_hi
    else:  # pragma: no cover - s_c(w*) is finite for every w* < 1
        raise RuntimeError(f"no spurious fixed point found for w_star={w_star} up to s={s_hi}")
    if f_min(s_lo) <= 0:  # pragma: no cover - F(theta) > 0 for theta < 0 at small s
        raise RuntimeError(f"spurious fixed point already at s={s_lo}")
    s_c = optimize.brentq(f_min, s_lo, s_hi, xtol=1e-14, rtol=1e-15)
    delta = accuracy * max(1.0, s_c)
    while not (not _has_spurious(s_c - delta, w_star) and _has_spurious(s_c + delta, w_star)):
        delta *= 10.0
        if delta > 1e-3:  # pragma: no cover - would mean the two root-finders disagree
            raise RuntimeError(f"s_c({w_star}) = {s_c} not confirmed by em_fixed_points")
    return EMCriticalSeparation(s_c, delta, s_c - delta, s_c + delta)


def em_critical_separation(w_star, *, accuracy=1e-9):
    r"""Critical separation :math:`s_c(w^*)` of Model 1, certified by :func:`em_fixed_points`.

    Model 1 (weight known, ``d = 1``) has a stable spurious fixed point
    :math:`\bar\theta < 0` iff :math:`s > s_c(w^*)`, the root of

    .. math::

        h(s) = \min_{\theta < 0}\bigl(M_s(\theta) - \theta\bigr),

    where the spurious and the unstable fixed point are born together,
    tangent to the diagonal (a saddle-node: :math:`M_s(\theta_c) = \theta_c`
    and :math:`M_s'(\theta_c) = 1`).  For :math:`w^* \to 1/2`,
    :math:`s_c(w^*) = 2(2w^* - 1)\,(1 + O((2w^* - 1)^2))`, with tangency at
    :math:`\theta_c \approx -(2w^* - 1)` (docs/theory.rst, eq. (em-sc)).

    :math:`h` is evaluated by :func:`em_model1_branches`; its sign change is
    bracketed by doubling from :math:`2(2w^* - 1) + 1/2` and the root found by
    ``brentq`` (``xtol = 1e-14``).  The value is then checked on the
    fixed-point structure: :func:`em_fixed_points` must report no spurious
    fixed point at :math:`s_c - \delta` and one at :math:`s_c + \delta`, with
    :math:`\delta` = ``accuracy * max(1, s_c)``, widened tenfold until both
    hold (a ``RuntimeError`` beyond 1e-3).

    Parameters
    ----------
    w_star : float
        True weight, in (1/2, 1).
    accuracy : float, default=1e-9
        Relative half-width of the bracket to certify first.

    Returns
    -------
    EMCriticalSeparation
        ``s_c, accuracy, lower, upper``: the returned ``accuracy``
        :math:`\delta` bounds the error of :math:`s_c` (the map itself is
        accurate to about 1e-15).  Results are cached.

    Notes
    -----
    Assumptions: population map, ``d = 1``, ``1/2 < w* < 1``; :math:`h`
    changes sign once (the project's scans of :math:`h` found a single sign
    change for every tested :math:`w^*`; the certification above would fail
    otherwise).  By the relabelling symmetry, :math:`w^* < 1/2` is the same
    problem with :math:`w^* \to 1 - w^*` and :math:`\theta \to -\theta`.

    References
    ----------
    Xu, Hsu, Maleki. Benefits of over-parameterization with EM. *Advances in
    Neural Information Processing Systems* 31 (NeurIPS 2018), 10662-10672.
    arXiv:1810.11344.  Model 1 (known weights) and Model 2 (weights treated as
    unknown) for the mixture of two symmetric Gaussians; the paper shows that
    Model 1 can converge to a spurious fixed point while Model 2 reaches a
    global maximiser from almost every start.
    The threshold, its characterisation and its small-:math:`(w^* - 1/2)`
    expansion are the project's computation (docs/theory.rst).

    Examples
    --------
    >>> from interpstat.theory import em_critical_separation
    >>> round(em_critical_separation(0.8).s_c, 4)
    1.1374
    """
    return _critical(_model1_weight(w_star), float(accuracy))


def em_failure_probability(theta_star, w_star):
    r"""Probability that Model 1 started at a data point ends at the spurious fixed point.

    For :math:`\theta_0 = Y \sim w^* N(s, 1) + (1 - w^*) N(-s, 1)` and the
    Model 1 map (weight fixed at :math:`w^*`, ``d = 1``),

    .. math::

        P(\text{EM} \to \bar\theta) = P(Y < \theta_u)
            = w^*\Phi(\theta_u - s) + (1 - w^*)\Phi(\theta_u + s)

    for :math:`s > s_c(w^*)`, and 0 for :math:`s \le s_c(w^*)` (no spurious
    fixed point; every start reaches :math:`\theta^* = s`).  :math:`M' > 0`,
    so iterates move monotonically and the basin of :math:`\bar\theta` is
    :math:`(-\infty, \theta_u)` (docs/theory.rst, eq. (em-failure)).  As
    :math:`s \to \infty`, :math:`\theta_u \to 0^-` and the probability tends
    to :math:`1 - w^*`.

    Parameters
    ----------
    theta_star : array_like
        Separations ``s > 0``.
    w_star : float
        True weight, in (1/2, 1).

    Returns
    -------
    ndarray
        The shape of ``theta_star``.

    Notes
    -----
    Accuracy: :math:`\theta_u` from :func:`em_model1_branches` (``brentq``,
    ``xtol = 1e-14``) and :math:`\Phi' \le 0.4` give about 1e-14, except
    within the certified bracket :math:`\delta` of :math:`s_c` (see
    :func:`em_critical_separation`): separations up to :math:`s_c - \delta`
    return 0 without root-finding.  The probability jumps at :math:`s_c`, from
    0 to :math:`P(Y < \theta_c) > 0`.

    Assumptions: population map (EM run to convergence on infinitely many
    data, started at one data point), ``d = 1``, ``1/2 < w* < 1``.

    References
    ----------
    Xu, Hsu, Maleki. Benefits of over-parameterization with EM. *Advances in
    Neural Information Processing Systems* 31 (NeurIPS 2018), 10662-10672.
    arXiv:1810.11344.  Model 1 (known weights) and Model 2 (weights treated as
    unknown) for the mixture of two symmetric Gaussians; the paper shows that
    Model 1 can converge to a spurious fixed point while Model 2 reaches a
    global maximiser from almost every start.
    The failure probability is the project's computation (docs/theory.rst).

    Examples
    --------
    >>> from interpstat.theory import em_failure_probability
    >>> em_failure_probability([1.0, 2.0], 0.8).round(4)
    array([0.    , 0.2016])
    """
    w_star = _model1_weight(w_star)
    s = np.asarray(theta_star, dtype=np.float64)
    below = em_critical_separation(w_star).lower
    out = np.zeros(s.shape)
    for index, value in np.ndenumerate(s):
        if value <= below:  # certified: no spurious fixed point
            continue
        theta_u = em_model1_branches(value, w_star).theta_u
        if np.isfinite(theta_u):
            out[index] = w_star * special.ndtr(theta_u - value) + (1.0 - w_star) * special.ndtr(
                theta_u + value
            )
    return out


def em_basin_boundary(w0, theta_star, w_star, *, xtol=1e-8, tol=1e-9):
    r"""Boundary :math:`a_b(w_0)` between the basins of the two maxima of Model 2 (``d = 1``).

    Model 2 (weight learned) started at :math:`(\theta_0, w_0)` converges to
    :math:`(s, w^*)` if :math:`\theta_0 > a_b(w_0)` and to :math:`(-s, 1 -
    w^*)` if :math:`\theta_0 < a_b(w_0)`; on the curve itself it converges to
    the saddle :math:`(0, 1/2)` (the curve is the saddle's stable manifold).
    The relabelling symmetry of the map gives

    .. math::

        a_b(w_0) = -a_b(1 - w_0),\qquad a_b(1/2) = 0

    (docs/theory.rst, "Fixed points in one dimension").  For every ``w0`` at
    once, the interval :math:`[-(s + 6), s + 6]` is bisected on the sign of
    the limit of :func:`em_population_limits` (convergence threshold
    ``tol``) until it is shorter than ``xtol``.

    Parameters
    ----------
    w0 : array_like of shape (n,)
        Initial weights, in (0, 1).
    theta_star : float
        True mean ``s > 0``.
    w_star : float
        True weight, in (0, 1).
    xtol : float, default=1e-8
        Length of the final bracket: the error of :math:`a_b`, provided the
        sign of each limit is right (starts closer than about ``tol`` to the
        curve may stall near the saddle; keep ``xtol`` above ``tol``).
    tol : float, default=1e-9
        Convergence threshold of each run of the map.

    Returns
    -------
    ndarray of shape (n,)

    Notes
    -----
    Assumptions: population map, ``d = 1``, and that every start off the
    curve reaches one of the two maxima, so the sign of the limit decides the
    basin (Xu, Hsu and Maleki show that Model 2 reaches a global maximiser
    from almost every start; the project's scans of the ``d = 1`` map found
    no fixed points besides the maxima and the saddle).

    References
    ----------
    Xu, Hsu, Maleki. Benefits of over-parameterization with EM. *Advances in
    Neural Information Processing Systems* 31 (NeurIPS 2018), 10662-10672.
    arXiv:1810.11344.  Model 1 (known weights) and Model 2 (weights treated as
    unknown) for the mixture of two symmetric Gaussians; the paper shows that
    Model 1 can converge to a spurious fixed point while Model 2 reaches a
    global maximiser from almost every start.
    The boundary curve is the project's computation.

    Examples
    --------
    >>> from interpstat.theory import em_basin_boundary
    >>> em_basin_boundary([0.2, 0.5, 0.8], 2.0, 0.8, xtol=1e-7).round(4)
    array([ 0.2183,  0.    , -0.2183])
    """
    w0 = np.atleast_1d(np.asarray(w0, dtype=np.float64))
    s = float(theta_star)
    if not (math.isfinite(s) and s > 0):
        raise ValueError(f"theta_star must be positive and finite, got {s}")
    half = s + 6.0
    lo, hi = np.full(w0.shape, -half), np.full(w0.shape, half)

    def positive(t0):
        out = em_population_limits(t0, s, w_star, learn_weights=True, w0=w0, tol=tol)
        return out.theta > 0

    if positive(lo).any() or not positive(hi).all():  # pragma: no cover - bracket too short
        raise RuntimeError("the starts at -(s + 6) and s + 6 do not reach opposite maxima")
    while np.max(hi - lo) > xtol:
        mid = 0.5 * (lo + hi)
        up = positive(mid)
        hi = np.where(up, mid, hi)
        lo = np.where(up, lo, mid)
    return 0.5 * (lo + hi)

