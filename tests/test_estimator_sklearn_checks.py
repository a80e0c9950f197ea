"""scikit-learn's generic estimator checks, run on W2V through a numeric adapter.

``check_estimator(W2V())`` runs one check and skips the rest: scikit-learn
only feeds numeric 2-D arrays, and W2V takes text. :class:`TokenW2V` turns
each row of such an array into a document of tokens (one per feature:
its index and the value's integer part) and leaves everything else to
W2V, so the checks exercise W2V's own fit, partial_fit, transform,
pooling, pickling, cloning, parameter handling and output containers. The
input validation of a 2-D array (dtypes, NaN, sparse input,
``n_features_in_``, feature names) is then the adapter's, by
``sklearn.utils.validation.validate_data``: those checks pass on the
adapter and say nothing about W2V, whose input checks are tested with text
in test_text_analysis.py and test_estimator_reliability.py.
docs/user_guide/sklearn_checks.md lists the checks.
"""

import warnings

import numpy as np
import pytest
from sklearn.utils import estimator_checks as ec
from sklearn.utils.validation import check_is_fitted, validate_data

from sklearn_w2v import W2V

FAST = dict(vector_size=4, min_count=1, epochs=1, n_jobs=1, random_state=0)


class TokenW2V(W2V):
    """W2V behind a numeric front: row ``x`` becomes the document ``["f0:3", "f1:-1", ...]``."""

    def _documents(self, X, reset):
        index = X.index if hasattr(X, "columns") else None  # W2V keeps a Series' index
        X = validate_data(self, X, reset=reset)
        docs = [[f"f{j}:{int(np.floor(v))}" for j, v in enumerate(row)] for row in X]
        if index is not None:
            import pandas as pd

            return pd.Series(docs, index=index)
        return docs

    def fit(self, X, y=None):
        return super().fit(self._documents(X, reset=True), y)

    def partial_fit(self, X, y=None):
        return super().partial_fit(self._documents(X, reset=not hasattr(self, "wv_")), y)

    def transform(self, X):
        check_is_fitted(self, "wv_")
        return super().transform(self._documents(X, reset=False))

    def fit_transform(self, X, y=None):
        return self.fit(X, y).transform(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        tags.input_tags.string = False
        return tags


@ec.parametrize_with_checks([TokenW2V(**FAST)])
def test_sklearn_generic_checks(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        check(estimator)


# Checks scikit-learn 1.9 runs on its own estimators but does not yield for others.
EXTRA_CHECKS = [
    ec.check_param_validation,
    ec.check_get_feature_names_out_error,
    ec.check_transformer_get_feature_names_out,
    ec.check_transformer_get_feature_names_out_pandas,
    ec.check_set_output_transform,
    ec.check_set_output_transform_pandas,
    ec.check_global_output_transform_pandas,
    ec.check_estimators_partial_fit_n_features,
    ec.check_dataframe_column_names_consistency,
    ec.check_inplace_ensure_writeable,
]


@pytest.mark.parametrize("check", EXTRA_CHECKS, ids=lambda c: c.__name__)
def test_sklearn_extra_checks(check):
    if "pandas" in check.__name__:
        pytest.importorskip("pandas")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        check("TokenW2V", TokenW2V(**FAST))


def test_the_adapter_trains_w2v():
    X = np.arange(30.0).reshape(10, 3) % 4
    model = TokenW2V(**FAST).fit(X)
    assert isinstance(model, W2V) and len(model.wv_) == 12  # 3 features x 4 values
    assert model.transform(X).shape == (10, 4)


def test_partial_fit_validates_parameters_on_every_call():
    """Found by check_param_validation: scikit-learn checks partial_fit's parameters on the first
    call only, but W2V's may change between calls.
    """
    model = W2V(**FAST).fit([["a", "b"]] * 5)
    with pytest.raises(ValueError, match="The 'agg' parameter of W2V must be"):
        model.set_params(agg="median").partial_fit([["a", "b"]])
    with pytest.raises(ValueError, match="The 'negative' parameter of W2V must be"):
        model.set_params(agg="mean", negative="x").partial_fit([["a", "b"]])
