"""Document vectors: each pooling against a direct per-document computation."""

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from sklearn_w2v import W2V, pooling
from sklearn_w2v.corpus import EncodedCorpus

from helpers import planted_corpus

FAST = dict(vector_size=8, min_count=1, epochs=2, n_jobs=1, random_state=0)


def random_corpus(seed=0, n_docs=40, n_words=30):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(0, 9, size=n_docs)
    lengths[[0, 7]] = 0  # empty documents, first and inside
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    ids = rng.integers(0, n_words, size=offsets[-1]).astype(np.int32)
    vectors = rng.standard_normal((n_words, 5)).astype(np.float32)
    return EncodedCorpus(ids, offsets), vectors


def per_doc(corpus, fn, width):
    out = np.zeros((corpus.n_sentences, width), dtype=np.float64)
    for k in range(corpus.n_sentences):
        ids = corpus.ids[corpus.offsets[k]:corpus.offsets[k + 1]]
        if len(ids):
            out[k] = fn(ids)
    return out


def test_mean_sum_and_weighted_pools():
    corpus, V = random_corpus()
    w = np.random.default_rng(1).random(len(V)).astype(np.float32) + 0.1
    cases = [
        (pooling.weighted_pool(corpus, V), lambda ids: V[ids].mean(0)),
        (pooling.pool_documents(corpus, V, "mean"), lambda ids: V[ids].mean(0)),
        (pooling.weighted_pool(corpus, V, divide_by=None), lambda ids: V[ids].sum(0)),
        (pooling.weighted_pool(corpus, V, w, "weight"),
         lambda ids: (w[ids, None] * V[ids]).sum(0) / w[ids].sum()),
        (pooling.weighted_pool(corpus, V, w, "count"),
         lambda ids: (w[ids, None] * V[ids]).sum(0) / len(ids)),
    ]
    for got, fn in cases:
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, per_doc(corpus, fn, 5), rtol=1e-5, atol=1e-6)
        np.testing.assert_array_equal(got[[0, 7]], 0)


@pytest.mark.parametrize("block", [1, 5, 1 << 18])
def test_max_pool_in_blocks(block):
    corpus, V = random_corpus(seed=2)
    got = pooling.max_pool(corpus, V, block_tokens=block)
    np.testing.assert_array_equal(got, per_doc(corpus, lambda ids: V[ids].max(0), 5))
    np.testing.assert_array_equal(got[[0, 7]], 0)


def test_document_frequencies_count_each_document_once():
    corpus = EncodedCorpus(np.array([0, 0, 1, 1, 1, 2], np.int32), np.array([0, 3, 3, 6], np.int64))
    assert pooling.document_frequencies(corpus, 4).tolist() == [1, 2, 1, 0]
    shuffled = EncodedCorpus(np.array([2, 0, 2, 1], np.int32), np.array([0, 4], np.int64))
    assert pooling.document_frequencies(shuffled, 3).tolist() == [1, 1, 1]
    assert shuffled.ids.tolist() == [2, 0, 2, 1]  # the corpus is left alone


def reference_statistics(corpus, vectors, weights, max_tokens):
    """The statistics as the sparse products give them, piece by piece: df by sparse sums, the
    mean by ``weighted_pool``, the Gram matrix by BLAS."""
    import scipy.sparse as sp

    n_words, size = vectors.shape
    df, gram = np.zeros(n_words, np.int64), np.zeros((size, size))
    for piece in corpus.pieces(max_tokens):
        m = sp.csr_matrix((np.ones(piece.n_tokens), piece.ids.copy(), piece.offsets.copy()),
                          shape=(piece.n_sentences, n_words))
        m.sum_duplicates()
        df += np.bincount(m.indices, minlength=n_words)
        gram += pooling.uncentered_gram(pooling.weighted_pool(piece, vectors, weights, "count"))
    return df, gram


@pytest.mark.parametrize("max_tokens", [7, 1 << 18])
def test_document_statistics_are_the_sparse_products_bit_for_bit_on_any_threads(
        monkeypatch, max_tokens):
    """The compiled pass gives the sparse products' df and float32 means bit for bit, so the
    Gram matrix (the same BLAS call on the same rows, added in piece order) is too, whatever
    the number of threads."""
    rng = np.random.default_rng(5)
    lengths = rng.integers(0, 40, size=300)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    corpus = EncodedCorpus((rng.zipf(1.5, offsets[-1]) % 50).astype(np.int32), offsets)
    vectors = rng.standard_normal((50, 12)).astype(np.float32)
    weights = (rng.random(50) + 0.1).astype(np.float32)
    monkeypatch.setattr(EncodedCorpus.pieces, "__defaults__", (max_tokens,))
    df, gram = reference_statistics(corpus, vectors, weights, max_tokens)
    for n_threads in (1, 2, 5):
        stats = pooling.document_statistics(corpus, 10, vectors, weights, n_threads)
        np.testing.assert_array_equal(stats.document_frequency, df)
        assert stats.sif_gram.tobytes() == gram.tobytes()
        assert stats.n_documents == corpus.n_sentences
    assert len(list(corpus.pieces())) > 1 or max_tokens > corpus.n_tokens


def test_top_direction_and_removal():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 6)) + 3 * np.array([1, 2, 0, 0, 0, 0])
    u = pooling.top_direction(pooling.uncentered_gram(X))
    v = np.linalg.svd(X, full_matrices=False)[2][0]
    assert abs(abs(float(u @ v)) - 1) < 1e-6
    np.testing.assert_allclose(pooling.remove_direction(X.astype(np.float32), u) @ u, 0, atol=1e-4)
    np.testing.assert_array_equal(pooling.top_direction(np.zeros((3, 3))), 0)


@pytest.fixture(scope="module")
def docs():
    return planted_corpus(n_groups=3, group_size=5, n_docs=120, doc_len=6, seed=3)[0]


@pytest.fixture(scope="module")
def model(docs):
    return W2V(**FAST).fit(docs)


def test_idf_is_tfidfvectorizers(model, docs):
    ref = TfidfVectorizer(analyzer=lambda d: d).fit(docs)
    expected = ref.idf_[[ref.vocabulary_[w] for w in model.wv_.index_to_key]]
    np.testing.assert_allclose(model.idf_, expected, rtol=1e-6)


def test_every_agg_against_direct_formulas(model):
    wv = model.wv_
    a, b, c = wv.index_to_key[:3]
    doc = [a, b, b, "unknown", c]
    V = wv[[a, b, b, c]].astype(np.float64)
    idf = model.idf_[[wv.key_to_index[w] for w in (a, b, b, c)]]
    sif = model.sif_weights_[[wv.key_to_index[w] for w in (a, b, b, c)]]
    u = model.sif_component_.astype(np.float64)
    sif_mean = (sif[:, None] * V).sum(0) / 4
    expected = {
        "mean": V.mean(0), "sum": V.sum(0), "max": V.max(0),
        "tfidf": (idf[:, None] * V).sum(0) / idf.sum(),
        "sif": sif_mean - (sif_mean @ u) * u,
    }
    for agg, want in expected.items():
        got = model.set_params(agg=agg).transform([doc, [], ["unknown"]])
        np.testing.assert_allclose(got[0], want, rtol=1e-5, atol=1e-6, err_msg=agg)
        np.testing.assert_array_equal(got[1:], 0, err_msg=agg)
        model.set_params(norm="l2")
        got = model.transform([doc, []])
        np.testing.assert_allclose(got[0], want / np.linalg.norm(want), rtol=1e-5, atol=1e-6)
        np.testing.assert_array_equal(got[1], 0)
        model.set_params(norm=None)
    model.set_params(agg="mean")


def test_sif_weights_and_component_learned_in_fit(docs):
    m = W2V(**FAST, agg="sif", sif_a=1e-2).fit(docs)
    counts = m.wv_.expandos["count"]
    np.testing.assert_allclose(m.sif_weights_, 1e-2 / (1e-2 + counts / counts.sum()), rtol=1e-6)
    # The removed direction is the first right singular vector of the training
    # documents' weighted means.
    weighted = np.array([
        (m.sif_weights_[[m.wv_.key_to_index[w] for w in d], None] * m.wv_[d]).mean(0) for d in docs
    ])
    v = np.linalg.svd(weighted, full_matrices=False)[2][0]
    assert abs(abs(float(m.sif_component_ @ v)) - 1) < 1e-4
    m.set_params(agg="sif")
    out = m.transform(docs)
    np.testing.assert_allclose(out @ m.sif_component_, 0, atol=1e-5)


def test_same_document_same_vector_whatever_the_batch(model, docs):
    for agg in ("mean", "max", "tfidf", "sif"):
        for norm in (None, "l2"):
            model.set_params(agg=agg, norm=norm)
            alone = model.transform([docs[5]])
            in_batch = model.transform(docs[:10])[5]
            np.testing.assert_array_equal(alone[0], in_batch)
    model.set_params(agg="mean", norm=None)


def test_word_vectors_one_row_per_word(model):
    wv = model.wv_
    a, b = wv.index_to_key[:2]
    out = model.word_vectors([a, "nope", b, a])
    assert out.shape == (4, 8) and out.dtype == np.float32
    np.testing.assert_array_equal(out[[0, 2, 3]], wv[[a, b, a]])
    np.testing.assert_array_equal(out[1], 0)
    assert np.isnan(model.word_vectors(["nope"], unknown="nan")).all()
    with pytest.raises(KeyError, match="nope"):
        model.word_vectors([a, "nope"], unknown="raise")
    with pytest.raises(ValueError, match="unknown"):
        model.word_vectors([a], unknown="skip")
    assert model.word_vectors([]).shape == (0, 8)
