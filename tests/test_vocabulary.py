"""Vocabulary and sampling tables against gensim's on the same input; fixed vocabularies."""

from collections import Counter

import numpy as np
import pytest
from gensim.models import Word2Vec

from sklearn_w2v import W2V, LineCorpus
from sklearn_w2v.corpus import encode_documents, encode_for_training
from sklearn_w2v.training import keep_thresholds, noise_distribution
from sklearn_w2v.vocabulary import check_word_counts, vocabulary_from_counts


def build_vocabulary(docs, **kw):
    """The scan and prepare steps, as a fit takes them."""
    return encode_for_training(docs, **kw).vocabulary


def zipf_corpus(n_docs=400, vocab=300, seed=3):
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, vocab + 1)
    p /= p.sum()
    words = np.array([f"w{i}" for i in rng.permutation(vocab)])
    return [list(words[rng.choice(vocab, size=rng.integers(1, 30), p=p)]) for _ in range(n_docs)]


def gensim_vocab(docs, **kw):
    model = Word2Vec(vector_size=4, **kw)
    model.build_vocab(docs)
    wv = model.wv
    return model, wv.index_to_key, [wv.get_vecattr(w, "count") for w in wv.index_to_key]


@pytest.mark.parametrize("kw", [
    dict(min_count=1),
    dict(min_count=5),
    dict(min_count=3, max_final_vocab=40),
    dict(min_count=1, max_final_vocab=1000),
    dict(min_count=2, max_vocab_size=60),
    dict(min_count=1, max_vocab_size=25, max_final_vocab=10),
])
def test_vocabulary_equals_gensim(kw):
    docs = zipf_corpus()
    _, g_words, g_counts = gensim_vocab(docs, **kw)
    vocab = build_vocabulary(docs, **kw)
    assert vocab.words == g_words  # same words, same order (ties included)
    assert vocab.counts.tolist() == g_counts
    assert len(g_words) > 3


def test_counts_sorted_descending_and_min_count_applied():
    docs = zipf_corpus()
    vocab = build_vocabulary(docs, min_count=4)
    assert np.all(np.diff(vocab.counts) <= 0)
    assert vocab.counts.min() >= 4
    full = build_vocabulary(docs, min_count=1)
    assert set(vocab.words) == {w for w, c in zip(full.words, full.counts) if c >= 4}


def test_max_vocab_size_forgets_and_restarts_counts():
    # With room for 2 words, 'b' and 'c' are pruned after the second document;
    # 'b' comes back and counts again from zero.
    docs = [["a", "a", "b"], ["c"], ["a", "b"]]
    vocab = build_vocabulary(docs, min_count=1, max_vocab_size=2)
    g = gensim_vocab(docs, min_count=1, max_vocab_size=2)
    assert dict(zip(vocab.words, vocab.counts.tolist())) == dict(zip(g[1], g[2]))


def test_max_final_vocab_caps_and_breaks_ties_downwards():
    docs = [["a"] * 5 + ["b"] * 3 + ["c"] * 3 + ["d"]]
    vocab = build_vocabulary(docs, min_count=1, max_final_vocab=2)
    assert vocab.words == ["a"]  # b and c tie at the cut: both dropped, as in gensim
    assert vocab.effective_min_count == 4


def test_sampling_tables_match_gensim():
    docs = zipf_corpus()
    model, words, counts = gensim_vocab(docs, min_count=2, sample=1e-2, ns_exponent=0.6)
    counts = np.array(counts)
    ours = keep_thresholds(counts, 1e-2)
    theirs = np.array([model.wv.get_vecattr(w, "sample_int") for w in words], dtype=np.int64)
    assert np.abs(ours.astype(np.int64) - theirs).max() <= 1
    assert (theirs < 2**32 - 1).sum() > 3  # some words really are downsampled

    model.make_cum_table()
    g_p = np.diff(np.concatenate(([0], model.cum_table))) / model.cum_table[-1]
    np.testing.assert_allclose(noise_distribution(counts, 0.6), g_p, atol=1e-8)


# --- fixed vocabulary (W2V(vocabulary=...)) ---------------------------------

FIT = dict(vector_size=8, min_count=2, epochs=2, n_jobs=1, random_state=0)


def corpus_counts(docs):
    counts = Counter()
    for doc in docs:
        counts.update(doc)  # first-seen order, as a scan sees it
    return dict(counts)


@pytest.mark.parametrize("kw", [dict(min_count=1), dict(min_count=4, max_final_vocab=30)])
def test_vocabulary_from_counts_equals_gensim_build_vocab_from_freq(kw):
    counts = corpus_counts(zipf_corpus())
    model = Word2Vec(vector_size=4, **kw)
    model.build_vocab_from_freq(counts)
    vocab = vocabulary_from_counts(counts, **kw)
    assert vocab.words == model.wv.index_to_key
    assert vocab.counts.tolist() == [model.wv.get_vecattr(w, "count") for w in vocab.words]


def test_encode_with_corpus_counts_equals_counting():
    docs = zipf_corpus()
    for kw in (dict(min_count=1), dict(min_count=3, max_final_vocab=40)):
        a = encode_documents(docs, word_counts=corpus_counts(docs), **kw)
        b = encode_documents(docs, **kw)
        assert a[0].words == b[0].words and a[0].counts.tolist() == b[0].counts.tolist()
        assert a[1].ids.tolist() == b[1].ids.tolist()
        assert a[1].offsets.tolist() == b[1].offsets.tolist()
        assert a[2:] == b[2:]


@pytest.mark.parametrize("as_file", [False, True])
def test_fit_with_the_corpus_counts_gives_identical_vectors(planted, tmp_path, as_file):
    docs = planted[0]
    X = docs
    if as_file:
        path = tmp_path / "c.txt"
        path.write_text("\n".join(" ".join(d) for d in docs) + "\n")
        X = LineCorpus(path)
    plain = W2V(**FIT).fit(X)
    fixed = W2V(**FIT, vocabulary=corpus_counts(docs)).fit(X)
    assert fixed.wv_.index_to_key == plain.wv_.index_to_key
    np.testing.assert_array_equal(fixed.wv_.vectors, plain.wv_.vectors)
    timing = ("seconds", "words_per_second", "stage_seconds", "kernel_seconds", "fit_seconds",
              "unaccounted_seconds", "fit_cpu_seconds", "train_cpu_seconds")
    same = {k: v for k, v in fixed.training_stats_.items() if k not in timing}
    assert same == {k: v for k, v in plain.training_stats_.items() if k not in timing}


def test_mapping_words_absent_from_the_corpus_get_vectors(planted):
    docs = planted[0]
    counts = {**corpus_counts(docs), "never_seen": 1000}
    counts.pop(docs[0][0])  # a corpus word left out: skipped, but read
    model = W2V(**FIT, vocabulary=counts).fit(docs)
    assert model.wv_.index_to_key[0] == "never_seen"
    assert np.isfinite(model.wv_["never_seen"]).all()
    assert docs[0][0] not in model.wv_
    stats = model.training_stats_
    assert stats["n_raw_words"] == sum(map(len, docs))
    assert stats["n_corpus_words"] == sum(len(d) for d in docs) - Counter(
        w for d in docs for w in d)[docs[0][0]]


class Unreadable:
    def __iter__(self):
        raise AssertionError("the corpus was read before the vocabulary was checked")


@pytest.mark.parametrize("bad,error,match", [
    ([("a", 3)], TypeError, "(?i)mapping"),
    ({}, ValueError, "empty"),
    ({"a": 3, 7: 2}, TypeError, "keys must be str"),
    ({"a": 3, "b": 2.0}, TypeError, "integers"),
    ({"a": True}, TypeError, "integers"),
    ({"a": 3, "b": 0}, ValueError, "positive"),
    ({"a": -1}, ValueError, "positive"),
])
def test_bad_vocabulary_rejected_before_reading(bad, error, match):
    with pytest.raises(error, match=match):
        W2V(vocabulary=bad).fit(Unreadable())
    with pytest.raises(error, match=match):
        check_word_counts(bad)


def test_numpy_integer_counts_accepted():
    assert check_word_counts({"a": np.int64(3)}) == {"a": 3}
