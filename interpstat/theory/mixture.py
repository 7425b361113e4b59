"""Population EM maps of the symmetric two-component Gaussian mixture, and their fixed points."""

import math
from typing import NamedTuple

import numpy as np
from scipy import optimize, special

__all__ = [
    "EMFixedPoints",
    "em_fixed_points",
    "em_population_step",
    "overspecified_em_step",
]


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
