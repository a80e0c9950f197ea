"""W2V(init_vectors=...): pretrained vectors as they are (epochs=0), fine-tuned, frozen."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_w2v import W2V
from sklearn_w2v.estimator import load_pretrained, starting_vectors
from sklearn_w2v.estimator import pretrained_vocabulary as layout
from sklearn_w2v.persistence import load, save
from sklearn_w2v.pooling import zipf_probabilities
from sklearn_w2v.vectors import read_vectors, write_vectors

from helpers import planted_corpus

DIM = 8
FAST = dict(vector_size=DIM, min_count=1, epochs=3, n_jobs=1, random_state=0)


@pytest.fixture(scope="module")
def corpus():
    docs, groups = planted_corpus(n_groups=3, group_size=5, n_docs=200, doc_len=8, seed=2)
    return docs, groups


@pytest.fixture(scope="module")
def pretrained(corpus):
    """Vectors for four corpus words (not in corpus frequency order) and two words X lacks."""
    _, groups = corpus
    words = [groups[2][0], "only_pretrained", groups[0][1], groups[1][3], "also_absent",
             groups[0][0]]
    vectors = np.random.default_rng(9).normal(size=(len(words), DIM)).astype(np.float32)
    vectors[0, 1] = -0.0  # a +0.0 write would flip its sign bit
    return words, vectors


@pytest.fixture(scope="module", params=["txt", "bin", "bin.gz"])
def vectors_file(request, pretrained, tmp_path_factory):
    words, vectors = pretrained
    path = tmp_path_factory.mktemp("pre") / f"vectors.{request.param}"
    write_vectors(path, words, vectors, binary=request.param.startswith("bin"))
    return str(path)


def rows_of(model, words):
    return model.wv_.vectors[[model.wv_.key_to_index[w] for w in words]]


# ------------------------------------------------------------------- epochs=0


def test_epochs_0_takes_the_vectors_exactly_as_they_are(corpus, pretrained, vectors_file):
    docs, _ = corpus
    words, vectors = pretrained
    model = W2V(**{**FAST, "epochs": 0}, init_vectors=vectors_file).fit(docs)
    assert model.wv_.index_to_key == words
    assert model.wv_.vectors.tobytes() == vectors.tobytes()
    counts = model.wv_.expandos["count"]
    expected = [sum(d.count(w) for d in docs) for w in words]
    assert counts.tolist() == expected and expected[1] == expected[4] == 0
    assert model.training_stats_["trained_words"] == 0
    assert np.all(model.context_vectors_ == 0)
    assert model.transform(docs[:3]).shape == (3, DIM)


def test_epochs_0_from_keyed_vectors_copies_them_for_the_model(corpus, pretrained):
    docs, _ = corpus
    words, vectors = pretrained
    kv = read_vectors_kv(words, vectors)
    model = W2V(**{**FAST, "epochs": 0}, init_vectors=kv, init_vectors_limit=4).fit(docs)
    assert model.wv_.index_to_key == words[:4]
    assert model.wv_.vectors.tobytes() == vectors[:4].tobytes()
    assert not np.shares_memory(model.wv_.vectors, kv.vectors)  # the parameter stays untouched
    model.partial_fit(docs[:20])  # epochs=0 again: only the counts grow
    assert model.wv_.vectors[:4].tobytes() == vectors[:4].tobytes()


def read_vectors_kv(words, vectors):
    from sklearn_w2v.vectors import to_keyed_vectors

    return to_keyed_vectors(words, np.arange(len(words), 0, -1), vectors.copy())


def test_a_file_s_matrix_becomes_the_model_s_without_a_copy(pretrained, vectors_file):
    loaded = load_pretrained(vectors_file, None, DIM)
    vocab = layout([], np.zeros(0, np.int64), loaded.words, fine_tune=False, min_count=1,
                   max_final_vocab=None)
    inp, out = starting_vectors(vocab, loaded, 0)
    assert inp is loaded.vectors and loaded.owned
    limited = load_pretrained(vectors_file, 2, DIM)
    assert limited.words == pretrained[0][:2] and limited.vectors.shape == (2, DIM)


def test_sif_falls_back_to_zipf_for_words_x_lacks(corpus, pretrained, vectors_file):
    docs, _ = corpus
    words, _ = pretrained
    model = W2V(**{**FAST, "epochs": 0}, init_vectors=vectors_file, agg="sif").fit(docs)
    p = zipf_probabilities(np.array([2, 5]), len(words))
    np.testing.assert_allclose(model.sif_weights_[[1, 4]], 1e-3 / (1e-3 + p), rtol=1e-6)
    counts = model.wv_.expandos["count"]
    seen = counts > 0
    np.testing.assert_allclose(model.sif_weights_[seen],
                               1e-3 / (1e-3 + counts[seen] / counts.sum()), rtol=1e-6)


# ------------------------------------------------------------------- fine-tuning


def test_fine_tuning_vocabulary_layout_and_moves(corpus, pretrained, vectors_file):
    docs, _ = corpus
    words, vectors = pretrained
    model = W2V(**{**FAST, "min_count": 40}, init_vectors=vectors_file).fit(docs)
    index, counts = model.wv_.key_to_index, model.wv_.expandos["count"]
    assert model.wv_.index_to_key[-2:] == ["only_pretrained", "also_absent"]
    assert counts[-2:].tolist() == [0, 0] and np.all(counts[:-2] > 0)
    assert np.all(np.diff(counts[:-2]) <= 0)  # the corpus's words, most frequent first
    assert all(w in index for w in words)  # every pretrained word, whatever its count
    assert all(c >= 40 for w, c in zip(model.wv_.index_to_key, counts) if w not in words)
    rank = model.pretrained_rank_
    assert [model.wv_.index_to_key[i] for i in np.flatnonzero(rank)] == [
        words[r - 1] for r in rank[rank > 0]]
    # Words X lacks keep their vectors; the others fine-tune from theirs.
    assert rows_of(model, ["only_pretrained", "also_absent"]).tobytes() == vectors[[1, 4]].tobytes()
    trained = [w for w in words if w not in ("only_pretrained", "also_absent")]
    start = vectors[[words.index(w) for w in trained]]
    assert not np.array_equal(rows_of(model, trained), start)
    # ... from their pretrained vectors, not from random ones: they stay much nearer to them.
    scratch = W2V(**{**FAST, "min_count": 40}).fit(docs)
    near = np.linalg.norm(rows_of(model, trained) - start, axis=1)
    far = np.linalg.norm(rows_of(scratch, trained) - start, axis=1)
    assert np.all(near < far)


@pytest.mark.parametrize("backend,sg", [("numba", 1), ("numba", 0), ("torch", 1), ("torch", 0)])
def test_freeze_init_keeps_pretrained_rows_bit_for_bit(corpus, pretrained, vectors_file, backend,
                                                       sg):
    if backend == "torch":
        pytest.importorskip("torch")
    docs, _ = corpus
    words, vectors = pretrained
    params = dict(FAST, init_vectors=vectors_file, freeze_init=True, sg=sg, backend=backend)
    model = W2V(**params).fit(docs)
    assert rows_of(model, words).tobytes() == vectors.tobytes()
    new = [w for w in model.wv_.index_to_key if w not in words]
    unfrozen = W2V(**{**params, "freeze_init": False}).fit(docs)
    assert not np.array_equal(rows_of(unfrozen, words[:1]), vectors[:1])
    assert not np.array_equal(rows_of(model, new), rows_of(unfrozen, new))  # new words trained
    assert np.abs(model.context_vectors_).sum() > 0
    # partial_fit keeps them frozen, and adds new words that do train.
    model.partial_fit(docs[:50] + [["brand", "new", words[2], "brand"]] * 3)
    assert rows_of(model, words).tobytes() == vectors.tobytes()
    assert "brand" in model.wv_.key_to_index
    assert model.pretrained_rank_[model.wv_.key_to_index["brand"]] == 0


def test_epochs_0_then_partial_fit_with_epochs_fine_tunes(corpus, pretrained, vectors_file):
    docs, _ = corpus
    words, vectors = pretrained
    model = W2V(**{**FAST, "epochs": 0}, init_vectors=vectors_file).fit(docs)
    model.set_params(epochs=2)
    model.partial_fit(docs)
    assert not np.array_equal(model.wv_.vectors[0], vectors[0])  # a corpus word moved
    assert model.wv_.vectors[1].tobytes() == vectors[1].tobytes()  # only_pretrained: no count


# ------------------------------------------------------------------- sklearn integration


def test_clone_shares_keyed_vectors_and_params_round_trip(corpus, pretrained):
    words, vectors = pretrained
    kv = read_vectors_kv(words, vectors)
    model = W2V(**FAST, init_vectors=kv, freeze_init=True)
    copy = clone(model)
    assert copy.init_vectors is kv
    assert copy.get_params() == model.get_params()
    path_model = W2V(init_vectors="vectors.bin")
    assert clone(path_model).init_vectors == "vectors.bin"
    styled = clone(W2V(**FAST, init_vectors=kv).set_output(transform="pandas"))
    assert styled.init_vectors is kv  # shared, and the output configuration carried over
    docs = corpus[0]
    assert type(styled.fit(docs).transform(docs[:2])).__name__ == "DataFrame"
    assert model.set_params(init_vectors_limit=3).init_vectors_limit == 3


def test_grid_search_over_a_shared_keyed_vectors(corpus, pretrained):
    from sklearn.linear_model import LogisticRegression

    docs, groups = corpus
    words, vectors = pretrained
    kv = read_vectors_kv(words, vectors)
    y = [next(i for i, g in enumerate(groups) if d[0] in g) for d in docs]
    before = kv.vectors.copy()
    pipe = make_pipeline(W2V(**FAST, init_vectors=kv), LogisticRegression(max_iter=200))
    search = GridSearchCV(pipe, {"w2v__freeze_init": [False, True]}, cv=2).fit(docs, y)
    assert search.best_estimator_.named_steps["w2v"].init_vectors is kv
    # Sharing is safe: no fit of the search wrote into the shared vectors.
    assert kv.vectors.tobytes() == before.tobytes()
    # The pipeline runs in the search. Not a measure of training: on three planted groups of
    # five words even untrained vectors score 0.955 here (measured with a learning rate of
    # 1e-9); training is measured by the tests with an untrained control.
    assert search.best_score_ > 0.6


def test_pickle_and_save_round_trip(corpus, vectors_file, tmp_path):
    docs, _ = corpus
    model = W2V(**FAST, init_vectors=vectors_file, freeze_init=True).fit(docs)
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.wv_.vectors, model.wv_.vectors)
    np.testing.assert_array_equal(again.pretrained_rank_, model.pretrained_rank_)
    save(model, tmp_path / "model.pkl")
    loaded = load(tmp_path / "model.pkl")
    np.testing.assert_array_equal(loaded.transform(docs[:5]), model.transform(docs[:5]))
    assert loaded.get_params() == model.get_params()


# ------------------------------------------------------------------- refused before any work


def never_read():
    raise AssertionError("the corpus was read before the parameters were checked")
    yield  # pragma: no cover


@pytest.mark.parametrize("params, message", [
    ({"vector_size": 5}, "vector_size=5 differs from the 8 dimensions"),
    ({"init_vectors": "no/such/file.bin"}, "does not exist"),
    ({"init_vectors": None, "epochs": 0}, "epochs=0 needs init_vectors"),
    ({"init_vectors": None, "freeze_init": True}, "freeze_init=True needs init_vectors"),
    ({"init_vectors": None, "init_vectors_limit": 3}, "init_vectors_limit=3 needs"),
    ({"vocabulary": {"a": 3}}, "cannot be combined"),
])
def test_bad_input_is_refused_before_the_corpus_is_read(vectors_file, params, message):
    model = W2V(**{**FAST, "init_vectors": vectors_file, **params})
    with pytest.raises(ValueError, match=message):
        model.fit(never_read())
    assert not hasattr(model, "wv_")


def test_malformed_files_and_bad_values_are_refused(tmp_path, pretrained):
    bad = tmp_path / "bad.txt"
    bad.write_text("2 8\nword 1 2 3\n")
    with pytest.raises(ValueError, match="bad.txt"):
        W2V(**FAST, init_vectors=str(bad)).fit(never_read())
    with pytest.raises(InvalidParameterError, match="init_vectors"):
        W2V(init_vectors=5).fit([["a"]])
    with pytest.raises(InvalidParameterError, match="init_vectors_limit"):
        W2V(init_vectors="x.bin", init_vectors_limit=0).fit([["a"]])
    words, vectors = pretrained
    with pytest.raises(ValueError, match="8 dimensions of init_vectors"):
        W2V(vector_size=4, init_vectors=read_vectors_kv(words, vectors)).fit(never_read())


def test_fine_tuning_needs_some_word_of_x(vectors_file):
    with pytest.raises(ValueError, match="nothing to fine-tune"):
        W2V(**{**FAST, "min_count": 50}, init_vectors=vectors_file).fit([["zz", "yy"]] * 3)


def test_vectors_come_back_through_the_word2vec_format(corpus, vectors_file, tmp_path):
    docs, _ = corpus
    model = W2V(**{**FAST, "epochs": 0}, init_vectors=vectors_file).fit(docs)
    out = tmp_path / "again.bin"
    write_vectors(out, model.wv_.index_to_key, model.wv_.vectors, binary=True)
    back = read_vectors(out)
    assert back.vectors.tobytes() == read_vectors(vectors_file).vectors.tobytes()
