"""partial_fit: vocabulary growth with gensim's update semantics, and continued training."""

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from sklearn_w2v import W2V
from sklearn_w2v.corpus import update_vocabulary

from helpers import group_purity, planted_corpus

FAST = dict(vector_size=12, min_count=1, epochs=3, n_jobs=1, random_state=0)


def two_batches():
    """Batch 1 uses groups 0-2; batch 2 brings groups 3-4 (new words) and group 0 again."""
    docs, groups = planted_corpus(n_groups=5, group_size=6, n_docs=900, doc_len=10, seed=1)
    old = {w for g in groups[:3] for w in g}
    first = [d for d in docs if d[0] in old]
    second = [d for d in docs if d[0] not in old or d[0] in groups[0]]
    return first, second, groups


def test_first_call_is_fit():
    first, _, _ = two_batches()
    a = W2V(**FAST).partial_fit(first)
    b = W2V(**FAST).fit(first)
    np.testing.assert_array_equal(a.wv_.vectors, b.wv_.vectors)
    assert a.wv_.index_to_key == b.wv_.index_to_key


def test_update_keeps_indices_appends_new_words_and_adds_counts():
    first, second, groups = two_batches()
    m = W2V(**FAST).fit(first)
    words = list(m.wv_.index_to_key)
    counts = m.wv_.expandos["count"].copy()
    m.partial_fit(second)
    assert m.wv_.index_to_key[: len(words)] == words
    new = m.wv_.index_to_key[len(words):]
    assert set(new) == {w for g in groups[3:] for w in g}
    added = {w: sum(d.count(w) for d in second) for w in m.wv_.index_to_key}
    np.testing.assert_array_equal(
        m.wv_.expandos["count"][: len(words)], counts + [added[w] for w in words]
    )
    new_counts = m.wv_.expandos["count"][len(words):]
    assert new_counts.tolist() == [added[w] for w in new]
    assert list(new_counts) == sorted(new_counts, reverse=True)
    assert m.training_stats_["n_new_words"] == len(new)
    assert m.idf_.shape == m.sif_weights_.shape == (len(m.wv_),)
    assert m.context_vectors_.shape == m.wv_.vectors.shape


def test_new_rows_start_like_fresh_ones_and_old_rows_are_kept():
    first, second, _ = two_batches()
    m = W2V(**FAST).fit(first)
    old_in, old_out, n_old = m.wv_.vectors.copy(), m.context_vectors_.copy(), len(m.wv_)
    # A vanishing learning rate shows the starting point of the update.
    m.set_params(alpha=1e-12, min_alpha=1e-12).partial_fit(second)
    np.testing.assert_allclose(m.wv_.vectors[:n_old], old_in, atol=1e-9)
    np.testing.assert_allclose(m.context_vectors_[:n_old], old_out, atol=1e-9)
    fresh = m.wv_.vectors[n_old:]
    assert np.all(np.abs(fresh) <= 1 / 12) and fresh.std() > 0.01
    np.testing.assert_allclose(m.context_vectors_[n_old:], 0, atol=1e-9)


def test_new_words_are_learned_and_old_ones_survive():
    first, second, groups = two_batches()
    m = W2V(**{**FAST, "epochs": 5, "vector_size": 24}).fit(first)
    m.partial_fit(second)
    assert group_purity(m.wv_, groups[3:]) > 0.9
    assert group_purity(m.wv_, groups[:3]) > 0.8


def test_min_count_applies_to_new_words_only():
    m = W2V(**{**FAST, "min_count": 2}).fit([["a", "b", "a", "b"]] * 3)
    m.partial_fit([["a", "new", "rare", "new"]])
    assert m.wv_.index_to_key == ["b", "a", "new"] or m.wv_.index_to_key == ["a", "b", "new"]
    assert int(m.wv_.get_vecattr("a", "count")) == 7  # one occurrence, still added
    assert "rare" not in m.wv_.key_to_index


def test_max_final_vocab_caps_the_total():
    up = update_vocabulary([["x", "x", "y", "y", "y", "z"]], {"a": 0}, np.array([9]),
                           min_count=1, max_final_vocab=2)
    assert up.new_words == ["y"]
    up = update_vocabulary([["x", "y"]], {"a": 0, "b": 1}, np.array([9, 9]),
                           min_count=1, max_final_vocab=2)
    assert up.new_words == [] and up.corpus.n_tokens == 0


def test_idf_counts_the_documents_of_every_call():
    first, second, _ = two_batches()
    m = W2V(**FAST).fit(first).partial_fit(second)
    ref = TfidfVectorizer(analyzer=lambda d: d).fit(first + second)
    expected = ref.idf_[[ref.vocabulary_[w] for w in m.wv_.index_to_key]]
    np.testing.assert_allclose(m.idf_, expected, rtol=1e-6)
    counts = m.wv_.expandos["count"]
    np.testing.assert_allclose(m.sif_weights_, 1e-3 / (1e-3 + counts / counts.sum()), rtol=1e-6)
    assert np.isclose(np.linalg.norm(m.sif_component_), 1, atol=1e-5)


def test_calls_differ_in_seed_but_repeat_exactly():
    first, second, _ = two_batches()
    a = W2V(**FAST).fit(first).partial_fit(second)
    b = W2V(**FAST).fit(first).partial_fit(second)
    np.testing.assert_array_equal(a.wv_.vectors, b.wv_.vectors)


def test_batch_without_known_words_only_counts():
    m = W2V(**{**FAST, "min_count": 2}).fit([["a", "b"]] * 3)
    before = m.wv_.vectors.copy()
    m.partial_fit([["zzz"]])
    np.testing.assert_array_equal(m.wv_.vectors, before)
    assert m.training_stats_["n_corpus_words"] == 0


def test_changing_vector_size_or_empty_batch_is_rejected():
    m = W2V(**FAST).fit([["a", "b"]])
    with pytest.raises(ValueError, match="no documents"):
        m.partial_fit([])
    with pytest.raises(ValueError, match="vector_size"):
        m.set_params(vector_size=4).partial_fit([["a"]])


def test_verbose_partial_fit_reports_new_words(capsys):
    m = W2V(**FAST).fit([["a", "b"]])
    m.set_params(verbose=1).partial_fit([["a", "c", "d"]])
    assert "2 new words, 4 in all" in capsys.readouterr().err
