"""The W2V estimator's scikit-learn contract."""

import pickle
import threading

import joblib
import numpy as np
import pytest
from gensim.models import KeyedVectors
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from sklearn_w2v import W2V

from helpers import group_purity, planted_corpus

FAST = dict(vector_size=16, min_count=1, epochs=3, n_jobs=1, random_state=0)


@pytest.fixture(scope="module")
def fitted(docs):
    return W2V(**FAST).fit(docs)


def test_defaults_follow_gensim():
    p = W2V().get_params()
    gensim_defaults = dict(
        vector_size=100, window=5, min_count=5, max_vocab_size=None, max_final_vocab=None,
        sample=1e-3, negative=5, ns_exponent=0.75, alpha=0.025, min_alpha=0.0001, sg=0,
        cbow_mean=1, epochs=5, shrink_windows=True, random_state=None, n_jobs=None,
        verbose=0, backend="numba", vocabulary=None, device=None, torch_module=None,
    )
    text_and_pooling = dict(
        lowercase=True, preprocessor=None, tokenizer=None, token_pattern=r"(?u)\b\w+\b",
        analyzer="word", strip_accents=None, stop_words=None, agg="mean", sif_a=1e-3,
        norm=None, compute_loss=False,
    )
    expected = {**gensim_defaults, **text_and_pooling}
    assert {k: p[k] for k in expected} == expected


def test_fit_returns_self_and_fitted_attributes(docs):
    m = W2V(**FAST)
    assert m.fit(docs) is m
    assert type(m.wv_) is KeyedVectors
    assert m.context_vectors_.shape == m.wv_.vectors.shape == (18, 16)
    assert m.training_stats_["n_documents"] == 300
    assert m.training_stats_["n_raw_words"] == 3000
    assert m.training_stats_["n_threads"] == 1


def test_same_seed_one_thread_identical_vectors(docs):
    a = W2V(**FAST).fit(docs)
    b = W2V(**FAST).fit(docs)
    np.testing.assert_array_equal(a.wv_.vectors, b.wv_.vectors)
    np.testing.assert_array_equal(a.context_vectors_, b.context_vectors_)
    c = W2V(**{**FAST, "random_state": 1}).fit(docs)
    assert not np.allclose(a.wv_.vectors, c.wv_.vectors)


def test_transform_is_mean_of_known_word_vectors(fitted):
    wv = fitted.wv_
    a, b = wv.index_to_key[:2]
    out = fitted.transform([[a, b, "unknown"], ["unknown"], [], [a]])
    assert out.dtype == np.float32 and out.shape == (4, 16)
    np.testing.assert_allclose(out[0], (wv[a] + wv[b]) / 2, rtol=1e-6)
    np.testing.assert_array_equal(out[1], 0)
    np.testing.assert_array_equal(out[2], 0)
    np.testing.assert_allclose(out[3], wv[a])


def test_raw_strings_are_lowercased_and_tokenized(fitted):
    a, b = fitted.wv_.index_to_key[:2]
    np.testing.assert_allclose(
        fitted.transform([f"{a.upper()}, {b}!"]), fitted.transform([[a, b]]), rtol=1e-6
    )


def test_fit_transform_agrees_with_fit_then_transform(docs):
    X1 = W2V(**FAST).fit_transform(docs)
    X2 = W2V(**FAST).fit(docs).transform(docs)
    np.testing.assert_array_equal(X1, X2)


def test_one_shot_generator_trains_all_epochs(docs):
    from_list = W2V(**FAST).fit(docs)
    from_gen = W2V(**FAST).fit(d for d in docs)
    np.testing.assert_array_equal(from_list.wv_.vectors, from_gen.wv_.vectors)
    X = W2V(**FAST).fit_transform(iter(docs))
    assert X.shape == (len(docs), 16)
    np.testing.assert_array_equal(X, from_list.transform(docs))


def test_pickle_and_joblib_round_trip(fitted, docs, tmp_path):
    expected = fitted.transform(docs)
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.transform(docs), expected)
    path = tmp_path / "w2v.joblib"
    joblib.dump(fitted, path)
    loaded = joblib.load(path)
    np.testing.assert_array_equal(loaded.transform(docs), expected)
    assert loaded.wv_.most_similar(loaded.wv_.index_to_key[0], topn=3)


def labelled_docs(n=120, seed=0):
    """Documents of group 0 vs group 1 words: a word-level signal a classifier can find."""
    docs, groups = planted_corpus(n_groups=2, group_size=6, n_docs=n, doc_len=8, seed=seed)
    y = np.array([int(d[0] in groups[1]) for d in docs])
    return docs, y


#: A learning rate too small to move the weights: the untrained control of the classification
#: tests (the same pipeline, the vectors as initialised).
UNTRAINED = dict(alpha=1e-9, min_alpha=1e-9)


def test_pipeline_with_logistic_regression():
    docs, y = labelled_docs()
    pipe = Pipeline([("w2v", W2V(**{**FAST, "epochs": 10, "sample": 0})),
                     ("clf", LogisticRegression())])
    pipe.fit(docs, y)
    assert pipe.score(docs, y) > 0.95
    # The control: with its vectors untrained the same pipeline scores far lower (0.65), so
    # the score above measures training, not the pipeline alone.
    control = Pipeline([("w2v", W2V(**{**FAST, "epochs": 10, "sample": 0, **UNTRAINED})),
                        ("clf", LogisticRegression())])
    assert control.fit(docs, y).score(docs, y) < 0.8


def test_grid_search_over_two_parameters():
    docs, y = labelled_docs()
    pipe = Pipeline([("w2v", W2V(**{**FAST, "sample": 0})), ("clf", LogisticRegression())])
    search = GridSearchCV(pipe, {"w2v__vector_size": [4, 8], "w2v__window": [1, 2]}, cv=2)
    search.fit(docs, y)
    assert set(search.best_params_) == {"w2v__vector_size", "w2v__window"}
    assert len(search.cv_results_["params"]) == 4
    assert search.best_score_ > 0.8
    untrained = GridSearchCV(pipe.set_params(w2v__alpha=1e-9, w2v__min_alpha=1e-9),
                             {"w2v__vector_size": [4, 8], "w2v__window": [1, 2]}, cv=2)
    assert untrained.fit(docs, y).best_score_ < 0.8  # the control


def test_grid_search_with_threading_backend():
    docs, y = labelled_docs()
    pipe = Pipeline([("w2v", W2V(**{**FAST, "sample": 0, "n_jobs": 2})),
                     ("clf", LogisticRegression())])
    search = GridSearchCV(pipe, {"w2v__window": [1, 2, 3]}, cv=2, n_jobs=3)
    with joblib.parallel_backend("threading"):
        search.fit(docs, y)
    assert search.best_score_ > 0.8


def test_concurrent_fits_in_threads(docs):
    results = {}

    def work(seed):
        results[seed] = W2V(**{**FAST, "random_state": seed, "n_jobs": 2}).fit(docs)

    threads = [threading.Thread(target=work, args=(s,)) for s in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [0, 1, 2]
    for m in results.values():
        assert np.isfinite(m.wv_.vectors).all()
        assert len(m.wv_) == 18


@pytest.mark.parametrize("param,value", [
    ("vector_size", 0), ("window", -1), ("negative", 0), ("sample", -0.1), ("alpha", 0),
    ("epochs", 0), ("n_jobs", 0), ("sg", 2), ("backend", "cuda-magic"), ("min_count", -1),
    ("vector_size", 2.5),
])
def test_invalid_parameters_rejected_at_fit(param, value, docs):
    m = W2V(**{**FAST, param: value})  # __init__ only stores
    with pytest.raises(ValueError, match=param):
        m.fit(docs)


def test_min_alpha_above_alpha_rejected(docs):
    with pytest.raises(ValueError, match="min_alpha"):
        W2V(alpha=0.01, min_alpha=0.1).fit(docs)


def test_empty_corpus_and_all_rare_words_rejected():
    with pytest.raises(ValueError, match="no documents"):
        W2V().fit([])
    with pytest.raises(ValueError, match="min_count=5"):
        W2V().fit([["a", "b"], ["c"]])


def test_bare_string_rejected():
    with pytest.raises(TypeError, match="single str"):
        W2V().fit("the cat sat on the mat")
    with pytest.raises(TypeError, match="single str"):
        W2V(**FAST).fit([["a"]]).transform("a")


def test_tags_declare_text_input():
    tags = W2V().__sklearn_tags__()
    assert tags.input_tags.string and not tags.input_tags.two_d_array
    assert tags.non_deterministic and not W2V(n_jobs=1).__sklearn_tags__().non_deterministic


def test_feature_names(fitted):
    names = fitted.get_feature_names_out()
    assert len(names) == 16 and names[0] == "w2v0"


@pytest.mark.parametrize("sg", [0, 1])
@pytest.mark.parametrize("n_jobs", [1, 2])
def test_planted_groups_recovered(planted, sg, n_jobs):
    docs, groups = planted
    m = W2V(vector_size=24, window=3, min_count=1, epochs=5, sg=sg, n_jobs=n_jobs,
            random_state=0).fit(docs)
    assert group_purity(m.wv_, groups) > 0.9


def test_untrained_vectors_fail_the_planted_check(planted):
    """The purity check must be able to fail: random vectors score near chance."""
    docs, groups = planted
    m = W2V(vector_size=24, min_count=1, epochs=1, alpha=1e-9, min_alpha=1e-9,
            n_jobs=1, random_state=0).fit(docs)
    assert group_purity(m.wv_, groups) < 0.4


def test_pandas_series_in_pandas_frame_out(docs):
    pd = pytest.importorskip("pandas")
    texts = pd.Series([" ".join(d) for d in docs[:20]], index=[f"doc{i}" for i in range(20)])
    m = W2V(**FAST).set_output(transform="pandas")
    out = m.fit(docs).transform(texts)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == [f"w2v{i}" for i in range(16)]
    assert list(out.index) == list(texts.index)
    np.testing.assert_allclose(out.to_numpy(), W2V(**FAST).fit(docs).transform(docs[:20]),
                               rtol=1e-6)


def test_n_jobs_resolution_top_level_and_parallel_config():
    from sklearn_w2v.estimator import available_cpus, resolve_n_jobs

    n = available_cpus()
    assert resolve_n_jobs(None) == resolve_n_jobs(-1) == n
    assert resolve_n_jobs(-2) == max(n - 1, 1) and resolve_n_jobs(3) == 3
    with joblib.parallel_config(n_jobs=3):
        assert resolve_n_jobs(None) == 3
        assert resolve_n_jobs(2) == 2
    with joblib.parallel_config(n_jobs=-1):
        assert resolve_n_jobs(None) == n
    with joblib.parallel_config(backend="threading"):  # no n_jobs given
        assert resolve_n_jobs(None) == n


@pytest.mark.parametrize("backend", ["threading", pytest.param("loky", marks=pytest.mark.slow)])
def test_n_jobs_none_is_one_thread_inside_joblib_workers(backend):
    from sklearn_w2v.estimator import resolve_n_jobs

    inside = joblib.Parallel(n_jobs=2, backend=backend)(
        joblib.delayed(resolve_n_jobs)(k) for k in (None, None, 2, -1)
    )
    assert inside[:3] == [1, 1, 2] and inside[3] >= 1
    # A sequential loop (n_jobs=1) is not nested parallelism.
    assert joblib.Parallel(n_jobs=1)(joblib.delayed(resolve_n_jobs)(None) for _ in "a") == [
        resolve_n_jobs(None)
    ]


@pytest.mark.slow
def test_fits_inside_cross_validation_workers_use_one_thread(docs):
    from sklearn.model_selection import cross_validate

    y = np.arange(len(docs)) % 2
    pipe = Pipeline([("w2v", W2V(**{**FAST, "n_jobs": None})), ("clf", LogisticRegression())])
    out = cross_validate(pipe, docs, y, cv=2, n_jobs=2, return_estimator=True)
    assert [e["w2v"].training_stats_["n_threads"] for e in out["estimator"]] == [1, 1]


def test_compute_loss_records_epoch_losses(docs):
    m = W2V(**{**FAST, "epochs": 4}).fit(docs)
    assert m.epoch_loss_ is None
    m = W2V(**{**FAST, "epochs": 4, "compute_loss": True}).fit(docs)
    assert m.epoch_loss_.shape == (4,) and np.isfinite(m.epoch_loss_).all()
    assert m.epoch_loss_[-1] < m.epoch_loss_[0]


