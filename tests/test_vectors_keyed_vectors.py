"""KeyedVectors export: a genuine gensim object that round-trips through the word2vec formats."""

import numpy as np
import pytest
from gensim.models import KeyedVectors
from gensim.test.utils import datapath

from sklearn_w2v import W2V
from sklearn_w2v.vectors import to_keyed_vectors


@pytest.fixture(scope="module")
def model():
    with open(datapath("lee_background.cor"), encoding="utf-8") as f:
        docs = f.read().splitlines()[:150]
    return W2V(vector_size=12, min_count=2, epochs=2, n_jobs=1, random_state=0).fit(docs)


def test_plain_keyed_vectors_sorted_with_counts(model):
    wv = model.wv_
    assert type(wv) is KeyedVectors
    assert wv.vectors.dtype == np.float32 and wv.vectors.shape == (len(wv), 12)
    counts = [wv.get_vecattr(w, "count") for w in wv.index_to_key]
    assert counts == sorted(counts, reverse=True)
    assert min(counts) >= 2
    assert wv.key_to_index == {w: i for i, w in enumerate(wv.index_to_key)}
    assert wv.index_to_key[0] == "the"
    assert len(wv.most_similar("the", topn=5)) == 5


@pytest.mark.parametrize("binary", [False, True])
def test_word2vec_format_round_trip(model, tmp_path, binary):
    path = tmp_path / ("v.bin" if binary else "v.txt")
    model.wv_.save_word2vec_format(str(path), binary=binary)
    back = KeyedVectors.load_word2vec_format(str(path), binary=binary)
    assert back.index_to_key == model.wv_.index_to_key
    np.testing.assert_allclose(back.vectors, model.wv_.vectors, rtol=1e-5, atol=1e-6)
    with open(path, "rb") as f:
        assert f.readline() == f"{len(model.wv_)} 12\n".encode()


def test_gensim_native_save_load(model, tmp_path):
    path = str(tmp_path / "kv.model")
    model.wv_.save(path)
    back = KeyedVectors.load(path)
    np.testing.assert_array_equal(back.vectors, model.wv_.vectors)
    assert back.get_vecattr("the", "count") == model.wv_.get_vecattr("the", "count")


def test_analogy_evaluation_runs(model):
    score, sections = model.wv_.evaluate_word_analogies(
        datapath("questions-words.txt"), restrict_vocab=30000
    )
    assert 0.0 <= score <= 1.0 and sections


def test_to_keyed_vectors_checks_shapes():
    with pytest.raises(ValueError, match="vector rows"):
        to_keyed_vectors(["a", "b"], np.array([2, 1]), np.zeros((3, 4), dtype=np.float32))
    with pytest.raises(ValueError, match="unique"):
        to_keyed_vectors(["a", "a"], np.array([2, 1]), np.zeros((2, 4), dtype=np.float32))
