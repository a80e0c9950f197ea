"""scikit-learn conformance of W2V: the estimator contract, in one file.

``check_estimator`` skips nearly every check for an estimator whose input is
text (``input_tags.two_d_array = False``), so this suite calls the checks
that do apply one by one and re-implements the data-driven ones with text;
the last part runs all the generic checks through a numeric adapter
(``TokenW2V``). Tiny corpora, small vectors and few epochs keep it fast.
"""

import inspect
import pickle
import pydoc
import warnings

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import estimator_checks as ec
from sklearn.utils.validation import check_is_fitted, validate_data

from sklearn_w2v import W2V
from sklearn_w2v.estimator import available_cpus

from helpers import planted_corpus

FAST = dict(vector_size=8, min_count=1, epochs=3, n_jobs=1, random_state=0, sample=0)


def labelled_texts(n=80, seed=0):
    """Raw strings of group-0 words vs group-1 words, and their labels."""
    docs, groups = planted_corpus(n_groups=2, group_size=5, n_docs=n, doc_len=6, seed=seed)
    y = np.array([int(d[0] in groups[1]) for d in docs])
    return [" ".join(d) for d in docs], y


TEXTS, Y = labelled_texts()

# scikit-learn's own checks that apply to a text transformer: they only
# inspect the estimator (its parameters, tags, repr, class layout), or they
# fail on purpose before any data is read (invalid parameters, unfitted
# use). Every other check in sklearn.utils.estimator_checks feeds numeric
# 2-D arrays to fit/transform (dtypes, NaN/inf, sparse input, sample
# weights, n_features_in_, column names, pickling of a numerically fitted
# estimator, subset invariance, idempotence, ...) or targets classifiers,
# regressors, clusterers and outlier detectors; the data-driven ones that
# make sense for text are re-implemented below with documents.
SKLEARN_CHECKS = [
    ec.check_estimator_cloneable,
    ec.check_estimator_repr,
    ec.check_no_attributes_set_in_init,
    ec.check_parameters_default_constructible,
    ec.check_get_params_invariance,
    ec.check_set_params,
    ec.check_valid_tag_types,
    ec.check_estimator_tags_renamed,
    ec.check_do_not_raise_errors_in_init_or_set_params,
    ec.check_mixin_order,
    ec.check_param_validation,  # parameters are validated before X is looked at
    ec.check_transformers_unfitted,  # NotFittedError before X is looked at
    ec.check_get_feature_names_out_error,
]


@pytest.mark.parametrize("check", SKLEARN_CHECKS, ids=lambda c: c.__name__)
def test_sklearn_check(check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        check("W2V", W2V(**FAST))


def test_clone_keeps_params_and_drops_fitted_state():
    m = W2V(**FAST, agg="tfidf", stop_words=["a"]).fit(TEXTS)
    c = clone(m)
    assert c.get_params() == m.get_params()
    assert not hasattr(c, "wv_") and not hasattr(c, "idf_")


def test_get_params_set_params_round_trip():
    m = W2V(**FAST)
    params = m.get_params()
    m.set_params(**params)
    assert m.get_params() == params
    m.set_params(window=2, agg="sif", tokenizer=str.split, token_pattern=None)
    assert (m.window, m.agg, m.tokenizer, m.token_pattern) == (2, "sif", str.split, None)
    with pytest.raises(ValueError, match="Invalid parameter"):
        m.set_params(windw=3)


def test_nothing_set_in_init_and_params_untouched_by_fit():
    stop = ["a", "b"]
    m = W2V(**{**FAST, "n_jobs": None, "random_state": None}, stop_words=stop, agg="sif")
    assert set(vars(m)) == set(m.get_params())
    before = {k: (v, id(v)) for k, v in m.get_params().items()}
    m.fit(TEXTS)
    m.partial_fit(TEXTS[:10])
    after = {k: (v, id(v)) for k, v in m.get_params().items()}
    assert after == before and stop == ["a", "b"]
    new_public = {k for k in vars(m) if not k.startswith("_")} - set(m.get_params())
    assert all(k.endswith("_") for k in new_public), new_public


def test_fit_returns_self_and_not_fitted_errors():
    m = W2V(**FAST)
    for call in (lambda: m.transform(TEXTS), m.get_feature_names_out,
                 lambda: m.word_vectors(["a"])):
        with pytest.raises(NotFittedError):
            call()
    assert m.fit(TEXTS) is m
    assert m.partial_fit(TEXTS) is m


@pytest.mark.parametrize("agg", ["mean", "tfidf", "sif"])
def test_pickle_and_joblib_round_trips(agg, tmp_path):
    m = W2V(**FAST, agg=agg, norm="l2").fit(TEXTS)
    expected = m.transform(TEXTS)
    restored = pickle.loads(pickle.dumps(m))
    np.testing.assert_array_equal(restored.transform(TEXTS), expected)
    joblib.dump(m, tmp_path / "m.joblib")
    loaded = joblib.load(tmp_path / "m.joblib")
    np.testing.assert_array_equal(loaded.transform(TEXTS), expected)
    loaded.partial_fit(TEXTS[:5])  # a restored model can keep training
    assert loaded.training_stats_["n_documents"] == 5


@pytest.mark.parametrize("agg", ["mean", "sum", "max", "tfidf", "sif"])
def test_fit_transform_equals_fit_then_transform(agg):
    a = W2V(**FAST, agg=agg).fit_transform(TEXTS)
    b = W2V(**FAST, agg=agg).fit(TEXTS).transform(TEXTS)
    np.testing.assert_array_equal(a, b)


@pytest.mark.slow
def test_grid_search_over_w2v_parameters_in_processes():
    pipe = Pipeline([("w2v", W2V(**{**FAST, "n_jobs": None})), ("clf", LogisticRegression())])
    grid = {
        "w2v__vector_size": [4, 8],
        "w2v__window": [1, 3],
        "w2v__sg": [0, 1],
        "w2v__agg": ["mean", "sif"],
    }
    search = GridSearchCV(pipe, grid, cv=2, n_jobs=2).fit(TEXTS, Y)
    assert len(search.cv_results_["params"]) == 16
    assert set(search.best_params_) == set(grid)
    assert search.best_score_ > 0.9
    # The refit runs at top level, where n_jobs=None means all cores.
    assert search.best_estimator_["w2v"].training_stats_["n_threads"] == available_cpus()


def test_pipeline_and_column_transformer_on_a_dataframe():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {"review": TEXTS, "length": rng.normal(size=len(TEXTS))},
        index=[f"r{i}" for i in range(len(TEXTS))],
    )
    columns = ColumnTransformer([
        ("w2v", W2V(**FAST), "review"),  # a column name, not a list: a 1-D Series
        ("num", StandardScaler(), ["length"]),
    ])
    pipe = Pipeline([("features", columns), ("clf", LogisticRegression())]).fit(df, Y)
    assert pipe.score(df, Y) > 0.9
    names = pipe["features"].get_feature_names_out()
    assert list(names[:2]) == ["w2v__w2v0", "w2v__w2v1"] and names[-1] == "num__length"
    out = columns.set_output(transform="pandas").fit_transform(df)
    assert list(out.index) == list(df.index) and out.shape == (len(df), 9)
    scores = cross_val_score(pipe, df, Y, cv=3)
    assert scores.mean() > 0.9


def test_cross_val_score_on_raw_texts():
    pipe = Pipeline([("w2v", W2V(**FAST)), ("clf", LogisticRegression())])
    assert cross_val_score(pipe, TEXTS, Y, cv=3).mean() > 0.9
    # The control: untrained vectors (a learning rate too small to move them) score 0.69.
    untrained = Pipeline([("w2v", W2V(**FAST, alpha=1e-9, min_alpha=1e-9)),
                          ("clf", LogisticRegression())])
    assert cross_val_score(untrained, TEXTS, Y, cv=3).mean() < 0.8


def test_feature_names_and_pandas_output_keep_the_series_index():
    pd = pytest.importorskip("pandas")
    texts = pd.Series(TEXTS[:6], index=list("abcdef"))
    m = W2V(**FAST).set_output(transform="pandas").fit(TEXTS)
    out = m.transform(texts)
    assert list(out.index) == list("abcdef")
    assert list(out.columns) == list(m.get_feature_names_out()) == [f"w2v{i}" for i in range(8)]
    out = W2V(**FAST).set_output(transform="pandas").fit_transform(texts)
    assert list(out.index) == list("abcdef")


def test_tags():
    tags = W2V(n_jobs=1).__sklearn_tags__()
    assert tags.input_tags.string and not tags.input_tags.two_d_array
    assert not tags.non_deterministic
    assert W2V(n_jobs=2).__sklearn_tags__().non_deterministic
    assert W2V().__sklearn_tags__().non_deterministic  # None may mean several threads
    assert W2V(n_jobs=1, backend="torch", device="cuda").__sklearn_tags__().non_deterministic


@pytest.mark.parametrize("param,value", [
    ("agg", "median"), ("norm", "l1"), ("sif_a", 0), ("analyzer", "char"),
    ("strip_accents", "latin"), ("stop_words", "french"), ("lowercase", "yes"),
    ("tokenizer", "split"), ("token_pattern", 3), ("compute_loss", "no"),
])
def test_invalid_new_parameters_named_at_fit(param, value):
    m = W2V(**{**FAST, param: value})
    for method in (m.fit, m.partial_fit, m.fit_transform):
        with pytest.raises(ValueError, match=param):
            method(TEXTS)


@pytest.mark.parametrize("params,message", [
    (dict(alpha=0.01, min_alpha=0.1), "min_alpha"),
    (dict(token_pattern=None), "token_pattern"),
    (dict(token_pattern=r"(a)(b)"), "token_pattern"),
])
def test_cross_parameter_rules(params, message):
    with pytest.raises(ValueError, match=message):
        W2V(**{**FAST, **params}).fit(TEXTS)


@pytest.mark.parametrize("name", [n for n in dir(W2V) if not n.startswith("_")
                                  and inspect.isfunction(getattr(W2V, n))])
def test_help_shows_types_not_quoted_strings(name):
    method = getattr(W2V, name)
    signature = inspect.signature(method)
    annotations = [p.annotation for p in signature.parameters.values()]
    annotations.append(signature.return_annotation)
    assert not any(isinstance(a, str) for a in annotations), signature
    shown = pydoc.render_doc(method, renderer=pydoc.plaintext).splitlines()[2]
    assert "-> '" not in shown and ": '" not in shown, shown


def test_fit_is_annotated_to_return_the_estimator():
    assert inspect.signature(W2V.fit).return_annotation is W2V
    assert W2V.fit.__annotations__["return"] is W2V  # the wrapper's, too


# -- scikit-learn's generic checks through a numeric adapter
#
# scikit-learn's generic estimator checks, run on W2V through a numeric adapter.
#
# ``check_estimator(W2V())`` runs one check and skips the rest: scikit-learn
# only feeds numeric 2-D arrays, and W2V takes text. :class:`TokenW2V` turns
# each row of such an array into a document of tokens (one per feature:
# its index and the value's integer part) and leaves everything else to
# W2V, so the checks exercise W2V's own fit, partial_fit, transform,
# pooling, pickling, cloning, parameter handling and output containers. The
# input validation of a 2-D array (dtypes, NaN, sparse input,
# ``n_features_in_``, feature names) is then the adapter's, by
# ``sklearn.utils.validation.validate_data``: those checks pass on the
# adapter and say nothing about W2V, whose input checks are tested with text
# in test_text_analysis.py and test_estimator_reliability.py.
# docs/user_guide/sklearn_checks.md lists the checks.

ADAPTER_FAST = dict(vector_size=4, min_count=1, epochs=1, n_jobs=1, random_state=0)


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


@ec.parametrize_with_checks([TokenW2V(**ADAPTER_FAST)])
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
        check("TokenW2V", TokenW2V(**ADAPTER_FAST))


def test_the_adapter_trains_w2v():
    X = np.arange(30.0).reshape(10, 3) % 4
    model = TokenW2V(**ADAPTER_FAST).fit(X)
    assert isinstance(model, W2V) and len(model.wv_) == 12  # 3 features x 4 values
    assert model.transform(X).shape == (10, 4)


def test_partial_fit_validates_parameters_on_every_call():
    """Found by check_param_validation: scikit-learn checks partial_fit's parameters on the first
    call only, but W2V's may change between calls.
    """
    model = W2V(**ADAPTER_FAST).fit([["a", "b"]] * 5)
    with pytest.raises(ValueError, match="The 'agg' parameter of W2V must be"):
        model.set_params(agg="median").partial_fit([["a", "b"]])
    with pytest.raises(ValueError, match="The 'negative' parameter of W2V must be"):
        model.set_params(agg="mean", negative="x").partial_fit([["a", "b"]])
