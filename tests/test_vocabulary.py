"""Vocabulary and sampling tables against gensim's on the same input."""

import numpy as np
import pytest
from gensim.models import Word2Vec

from sklearn_w2v.sampling import keep_thresholds, noise_distribution
from sklearn_w2v.vocabulary import build_vocabulary


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
