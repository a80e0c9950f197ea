"""PhraseTransformer: gensim's phrase detection with word2phrase's score and defaults."""

import inspect
import pickle

import numpy as np
import pytest
from gensim.models.phrases import FrozenPhrases, Phrases
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import Pipeline

from sklearn_w2v import W2V, PhraseTransformer
from sklearn_w2v.text import word2phrase_score

from helpers import planted_corpus, planted_phrase_corpus

DOCS = planted_phrase_corpus()


def test_the_planted_pair_is_joined_and_chance_pairs_are_not():
    model = PhraseTransformer().fit(DOCS)  # word2phrase's defaults: min_count 5, threshold 100
    assert set(model.phrases_.phrasegrams) == {"new_york", "york_city"}  # both planted
    out = model.transform([["in", "new", "york", "w1", "w2"], ["w1", "w2", "w3"], []])
    assert out == [["in", "new_york", "w1", "w2"], ["w1", "w2", "w3"], []]
    # w1 w2 are both frequent but only adjacent by chance: far below the threshold.
    assert "w1_w2" not in model.phrases_.phrasegrams


def test_scores_are_word2phrase_s_and_scoring_is_gensim_s():
    model = PhraseTransformer().fit(DOCS)
    n_tokens = sum(map(len, DOCS))
    count = sum(" ".join(d).count("new york") for d in DOCS)  # "new" and "york" only occur so
    expected = (count - 5) / (count * count) * n_tokens
    assert model.phrases_.phrasegrams["new_york"] == pytest.approx(expected)
    gensim = Phrases(DOCS, min_count=5, threshold=100.0, scoring=word2phrase_score).freeze()
    assert gensim.phrasegrams == model.phrases_.phrasegrams
    default = PhraseTransformer(scoring="default", threshold=10.0).fit(DOCS)
    assert default.phrases_.phrasegrams == Phrases(DOCS, threshold=10.0).freeze().phrasegrams


def test_two_passes_make_trigrams():
    pipe = Pipeline([("bigrams", PhraseTransformer()),
                     ("trigrams", PhraseTransformer(threshold=50))]).fit(DOCS)
    assert pipe.transform([["a", "new", "york", "city", "b"]]) == [["a", "new_york_city", "b"]]
    assert pipe.transform([["new", "york", "b"]]) == [["new_york", "b"]]
    assert isinstance(pipe["bigrams"].phrases_, FrozenPhrases)
    assert isinstance(pipe["trigrams"].phrases_, Phrases)  # the frozen form would lose them


def test_pipeline_with_w2v_and_a_classifier():
    docs, groups = planted_corpus(n_groups=2, group_size=5, n_docs=200, doc_len=8)
    labels = np.array([int(d[0] in groups[1]) for d in docs])
    for k in range(0, len(docs), 2):  # "new york" in half the documents of either group
        docs[k][3:5] = ["new", "york"]
    pipe = Pipeline([
        ("phrases", PhraseTransformer(threshold=10)),  # a small corpus: low scores
        ("w2v", W2V(vector_size=8, min_count=1, epochs=3, sample=0, n_jobs=1, random_state=0)),
        ("clf", LogisticRegression()),
    ]).fit(docs, labels)
    assert "new_york" in pipe["w2v"].wv_.key_to_index and "new" not in pipe["w2v"].wv_
    assert pipe.score(docs, labels) > 0.9
    assert cross_val_score(pipe, docs, labels, cv=2).mean() > 0.9


def test_clone_pickle_and_streaming_fit():
    model = PhraseTransformer(min_count=3, delimiter="+")
    assert clone(model).get_params() == model.get_params()
    model.fit(iter(DOCS))  # read once: a generator is fine
    restored = pickle.loads(pickle.dumps(model))
    assert restored.transform(DOCS[:20]) == model.transform(DOCS[:20])
    assert "new+york" in restored.phrases_.phrasegrams
    assert not hasattr(clone(model), "phrases_")


@pytest.mark.parametrize("params,error,message", [
    (dict(min_count=-1), ValueError, "min_count"),
    (dict(threshold="high"), ValueError, "threshold"),
    (dict(scoring="pmi"), ValueError, "scoring"),
    (dict(delimiter=""), ValueError, "delimiter"),
    (dict(scoring="npmi", threshold=5.0), ValueError, "between -1 and 1"),
])
def test_bad_parameters_fail_before_reading(params, error, message):
    def never():
        raise AssertionError("the corpus was read")
        yield

    with pytest.raises(error, match=message):
        PhraseTransformer(**params).fit(never())


@pytest.mark.parametrize("bad,message", [
    (["new york"], "token lists, not raw strings"),
    ([3], "Document 0 is an int"),
    ([[1, 2]], "token of type int"),
])
def test_bad_documents(bad, message):
    with pytest.raises(TypeError, match=message):
        PhraseTransformer().fit(bad)
    with pytest.raises(TypeError, match=message):
        PhraseTransformer(min_count=1).fit(DOCS[:5]).transform(bad)


def test_help_shows_types():
    assert inspect.signature(PhraseTransformer.fit).return_annotation is PhraseTransformer
    assert inspect.signature(PhraseTransformer.transform).return_annotation == list[list[str]]
