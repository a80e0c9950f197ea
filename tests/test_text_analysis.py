"""Text input: CountVectorizer's options, the accepted containers, and the errors."""

import warnings

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from sklearn_w2v import W2V
from sklearn_w2v.text import DEFAULT_TOKEN_PATTERN, build_analyzer, default_tokenize

FAST = dict(vector_size=8, min_count=1, epochs=1, n_jobs=1, random_state=0)
TEXTS = [
    "The Café is OPEN; a cat sat on the mat.",
    "I saw a dog, didn't I?  Naïve résumé!",
    "",
    "x y z 42 under_score",
]


def test_default_analyzer_keeps_single_letters_unlike_countvectorizer():
    analyze = build_analyzer()
    assert analyze("I saw A Cat") == ["i", "saw", "a", "cat"]
    assert CountVectorizer().build_analyzer()("I saw A Cat") == ["saw", "cat"]
    for text in TEXTS:
        assert analyze(text) == default_tokenize(text)


@pytest.mark.parametrize("options", [
    dict(lowercase=False),
    dict(stop_words="english"),
    dict(stop_words=["the", "a"]),
    dict(strip_accents="unicode"),
    dict(strip_accents="ascii", lowercase=False),
    dict(strip_accents=lambda s: s.replace("é", "e")),
    dict(token_pattern=r"(?u)\b\w\w+\b"),
    dict(token_pattern=r"#(\w+)"),
    dict(tokenizer=str.split, token_pattern=None),
    dict(preprocessor=lambda s: s.upper()),
])
def test_options_mean_what_they_mean_for_countvectorizer(options):
    ours = build_analyzer(**options)
    reference = CountVectorizer(
        **{"token_pattern": DEFAULT_TOKEN_PATTERN, **options}
    ).build_analyzer()
    for text in TEXTS + ["tag #one and #two"]:
        assert ours(text) == reference(text)


def test_callable_analyzer_bypasses_everything():
    analyze = build_analyzer(analyzer=lambda s: s.split("-"), lowercase=True, stop_words="english")
    assert analyze("The-Cat") == ["The", "Cat"]


@pytest.mark.parametrize("options,message", [
    (dict(analyzer="char"), "analyzer"),
    (dict(token_pattern=None), "token_pattern"),
    (dict(token_pattern=r"(a)(b)"), "token_pattern"),
])
def test_bad_analyzer_options(options, message):
    with pytest.raises(ValueError, match=message):
        build_analyzer(**options)


def test_estimator_applies_text_options():
    docs = ["The cat and the dog", "THE CAT", "a dog and a cat"]
    m = W2V(**FAST, stop_words="english").fit(docs)
    assert set(m.wv_.index_to_key) == {"cat", "dog"}
    m = W2V(**FAST, lowercase=False).fit(docs)
    assert {"The", "THE", "CAT", "cat"} <= set(m.wv_.index_to_key)
    m = W2V(**FAST, analyzer=str.split).fit(docs)
    assert "The" in m.wv_.key_to_index and "a" in m.wv_.key_to_index


def test_token_lists_are_used_as_given():
    m = W2V(**FAST, stop_words="english").fit([["The", "Cat", "the"]])
    assert set(m.wv_.index_to_key) == {"The", "Cat", "the"}


def test_analyzer_may_return_any_iterable():
    m = W2V(**FAST, analyzer=lambda s: (t for t in s.split())).fit(["a b a", "b c"])
    assert set(m.wv_.index_to_key) == {"a", "b", "c"}


def test_analyzer_returning_a_string_is_rejected():
    with pytest.raises(TypeError, match="analyzer returned a str"):
        W2V(**FAST, analyzer=lambda s: s).fit(["a b"])


def test_callable_analyzer_warns_about_ignored_options():
    with pytest.warns(UserWarning, match="stop_words is ignored"):
        m = W2V(**FAST, analyzer=str.split, stop_words="english").fit(["a b"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once at fit, not at every transform
        m.transform(["a b"])


def test_numpy_and_pandas_text_columns():
    pd = pytest.importorskip("pandas")
    docs = ["a cat sat", "a dog ran", "the cat ran"]
    X_list = W2V(**FAST).fit(docs).transform(docs)
    for container in (np.array(docs), np.array(docs, dtype=object), pd.Series(docs), tuple(docs)):
        np.testing.assert_array_equal(W2V(**FAST).fit(container).transform(container), X_list)


@pytest.mark.parametrize("make_bad,error,message", [
    (lambda pd: "a single document", TypeError, "single str"),
    (lambda pd: b"bytes", TypeError, "single bytes"),
    (lambda pd: np.array([["a b", "c"]]), TypeError, "1-D"),
    (lambda pd: pd.DataFrame({"text": ["a b"]}), TypeError, "DataFrame"),
    (lambda pd: 42, TypeError, "iterable of documents"),
    (lambda pd: ["ok", None], TypeError, "Document 1 is a NoneType"),
    (lambda pd: ["ok", float("nan")], TypeError, "Document 1 is a float"),
    (lambda pd: [3, "ok"], TypeError, "Document 0 is an int;"),
    (lambda pd: [np.int64(3)], TypeError, "Document 0 is an int64;"),
    (lambda pd: [[1, 2]], TypeError, "token of type int"),
])
def test_bad_input_gives_clear_errors(make_bad, error, message):
    pd = pytest.importorskip("pandas")
    with pytest.raises(error, match=message):
        W2V(**FAST).fit(make_bad(pd))
    fitted = W2V(**FAST).fit(["a b"])
    with pytest.raises(error, match=message):
        fitted.transform(make_bad(pd))
