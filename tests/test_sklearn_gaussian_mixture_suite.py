"""scikit-learn's own tests of GaussianMixture, run against GaussianMixtureEM.

GaussianMixtureEM mirrors ``sklearn.mixture.GaussianMixture``, so the peer's
public test module (installed with scikit-learn as
``sklearn.mixture.tests.test_gaussian_mixture``) must pass on it where the
behaviour is shared.  Its test functions are imported, not copied: each one
named in ``RUN`` is bound in this module with its own parametrize and
filterwarnings marks, and runs with the module's ``GaussianMixture`` replaced
by :class:`GaussianMixture` below, a subclass of GaussianMixtureEM that only
translates scikit-learn's constructor (``weights_init``, its defaults).  Every
other test function of the module is listed in ``NOT_APPLICABLE`` with the
reason, and :func:`test_table_covers_sklearn_module` fails when scikit-learn
adds, renames or drops a test, so that none is ignored silently.
"""

import functools
import inspect

import numpy as np
import pytest

from interpstat.mixture import GaussianMixtureEM

skt = pytest.importorskip(
    "sklearn.mixture.tests.test_gaussian_mixture",
    reason="scikit-learn's test modules are not installed",
)


class GaussianMixture(GaussianMixtureEM):
    """GaussianMixtureEM behind scikit-learn's constructor.

    Only the names and defaults differ: ``weights_init`` is our ``weights``
    with ``learn_weights=True``, and the defaults are scikit-learn's.  The
    class name is scikit-learn's, so that the not-fitted message matches.
    """

    _parameter_constraints = {  # noqa: RUF012 (a class attribute, as in the parent)
        **GaussianMixtureEM._parameter_constraints,
        "weights_init": ["array-like", None],
    }
    learn_weights = True
    symmetric = False
    covariance = None
    keep_history = False

    def __init__(
        self,
        n_components=1,
        *,
        covariance_type="full",
        tol=1e-3,
        reg_covar=1e-6,
        max_iter=100,
        n_init=1,
        init_params="kmeans",
        weights_init=None,
        means_init=None,
        precisions_init=None,
        random_state=None,
        warm_start=False,
        verbose=0,
        verbose_interval=10,
    ):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.weights_init = weights_init
        self.means_init = means_init
        self.precisions_init = precisions_init
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.verbose_interval = verbose_interval

    @property
    def weights(self):
        return self.weights_init


# scikit-learn's tests that run here and must pass
RUN = [
    "test_gaussian_mixture_attributes",
    "test_check_means",
    "test_check_precisions",
    "test_gaussian_mixture_estimate_log_prob_resp",
    "test_gaussian_mixture_predict_predict_proba",
    "test_gaussian_mixture_fit_predict",
    "test_gaussian_mixture_fit_predict_n_init",
    "test_gaussian_mixture_fit",
    "test_gaussian_mixture_fit_best_params",
    "test_gaussian_mixture_fit_convergence_warning",
    "test_multiple_init",
    "test_gaussian_mixture_n_parameters",
    "test_bic_1d_1component",
    "test_gaussian_mixture_aic_bic",
    "test_gaussian_mixture_verbose",
    "test_warm_start",
    "test_convergence_detected_with_warm_start",
    "test_score",
    "test_score_samples",
    "test_monotonic_likelihood",
    "test_regularisation",
    "test_fitted_precision_covariance_concistency",
    "test_sample",
    "test_init",
    "test_init_means_not_duplicated",
    "test_means_for_all_inits",
    "test_max_iter_zero",
    "test_gaussian_mixture_precisions_init_diag",
    "test_gaussian_mixture_single_component_stable",
]

_PRIVATE = "tests scikit-learn's private function {}, which GaussianMixtureEM does not have"
_ARRAY_API = "array-API dispatch (other namespaces and devices), which GaussianMixtureEM lacks"

# scikit-learn's tests that do not apply, with the reason
NOT_APPLICABLE = {
    "test_check_weights": (
        "matches the exact text of scikit-learn's weights-range message, which swaps the "
        "min and max it prints; ours rejects non-positive weights with its own message "
        "(tests/test_mixture.py)"
    ),
    "test_suffstat_sk_full": _PRIVATE.format("_estimate_gaussian_covariances_full"),
    "test_suffstat_sk_tied": _PRIVATE.format("_estimate_gaussian_covariances_tied"),
    "test_suffstat_sk_diag": _PRIVATE.format("_estimate_gaussian_covariances_diag"),
    "test_gaussian_suffstat_sk_spherical": _PRIVATE.format(
        "_estimate_gaussian_covariances_spherical"),
    "test_compute_log_det_cholesky": _PRIVATE.format("_compute_log_det_cholesky"),
    "test_gaussian_mixture_log_probabilities": _PRIVATE.format("_estimate_log_gaussian_prob"),
    "test_gaussian_mixture_precisions_init": (
        "calls the private GaussianMixture._initialize(X, resp); the behaviour is "
        "test_mixture.py::test_sklearn_behaviour_full_start_is_not_estimated"
    ),
    "test_gaussian_mixture_all_init_does_not_estimate_gaussian_parameters": (
        "counts calls of scikit-learn's private _estimate_gaussian_parameters; the "
        "behaviour is test_mixture.py::test_sklearn_behaviour_full_start_is_not_estimated"
    ),
    "test_gaussian_mixture_setting_best_params": (
        "expects a fit whose spherical variances collapse to 1e-30 (reg_covar=0) to "
        "succeed; ours raises the ill-defined covariance error once a variance is at "
        "the rounding level of the data's scale"
    ),
    "test_gaussian_mixture_array_api_compliance": _ARRAY_API,
    "test_gaussian_mixture_raises_where_array_api_not_implemented": _ARRAY_API,
}


def _sklearn_tests():
    return {name for name, obj in vars(skt).items()
            if name.startswith("test_") and inspect.isfunction(obj)}


# Marks added here: pytest runs with warnings as errors, scikit-learn's suite without
EXTRA_MARKS = {
    "test_regularisation": [pytest.mark.filterwarnings(
        "ignore:Number of distinct clusters:sklearn.exceptions.ConvergenceWarning")],
}


def _bound(test, marks):
    """``test`` itself (its globals are scikit-learn's module, where the patched
    GaussianMixture below is found; its marks are kept), or with ``marks`` added
    a wrapper of it (pytest reads the parameters through ``__wrapped__``)."""
    if not marks:
        return test

    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        return test(*args, **kwargs)

    wrapper.pytestmark = [*getattr(test, "pytestmark", []), *marks]
    return wrapper


for _name in RUN:
    if hasattr(skt, _name):  # a stale entry fails test_table_covers_sklearn_module
        globals()[_name] = _bound(getattr(skt, _name), EXTRA_MARKS.get(_name))


@pytest.fixture(autouse=True)
def _ours_as_gaussian_mixture(monkeypatch):
    monkeypatch.setattr(skt, "GaussianMixture", GaussianMixture)


@pytest.fixture(params=[np.float64, np.float32], ids=["float64", "float32"])
def global_dtype(request):
    """scikit-learn's fixture of the same name (which runs float32 only on request):
    both dtypes, since GaussianMixtureEM keeps the data's dtype."""
    return request.param


def test_table_covers_sklearn_module():
    tests = _sklearn_tests()
    assert not set(RUN) & set(NOT_APPLICABLE)
    assert tests - set(RUN) - set(NOT_APPLICABLE) == set(), "new scikit-learn tests"
    assert (set(RUN) | set(NOT_APPLICABLE)) - tests == set(), "tests scikit-learn dropped"


def test_adapter_is_what_the_module_calls():
    # negative control of the patching: scikit-learn's module sees our class
    assert skt.GaussianMixture is GaussianMixture
    gm = skt.GaussianMixture(2, weights_init=[0.3, 0.7]).fit(np.random.default_rng(0)
                                                             .standard_normal((50, 2)))
    assert isinstance(gm, GaussianMixtureEM)
    assert gm.get_params()["weights_init"] == [0.3, 0.7]
