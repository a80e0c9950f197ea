"""Document vectors from word vectors: mean, sum, max, tf-idf and SIF pooling.

Every pooling works on an :class:`~sklearn_w2v.corpus.EncodedCorpus` (flat
word ids plus document offsets, unknown words already dropped): weighted sums
are one sparse (documents x words) matrix times the word vectors, so no
(tokens x dimensions) intermediate is built and no Python runs per token.

The weighted poolings:

* ``"tfidf"``: the idf-weighted mean ``sum_w idf(w) v_w / sum_w idf(w)`` over
  the document's tokens, with scikit-learn's smooth idf
  ``ln((1 + n) / (1 + df(w))) + 1`` learned from the training documents.
* ``"sif"``: smooth inverse frequency (Arora, Liang and Ma, 2017):
  ``1/|d| sum_w a / (a + p(w)) v_w`` with ``p(w)`` the word's share of the
  training tokens, then the projection on the first principal direction of
  the training documents' vectors is removed (uncentered, as in the paper's
  code), with the direction fixed at fit time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .corpus import EncodedCorpus, corpus_pieces

AGGREGATIONS = ("mean", "sum", "max", "tfidf", "sif")

# Rows of gathered word vectors per step of max pooling: bounds the
# (tokens x dimensions) block that ``np.maximum.reduceat`` needs.
_MAX_POOL_TOKENS = 1 << 18


def doc_word_matrix(
    corpus: EncodedCorpus, n_words: int, weights: np.ndarray | None = None
) -> sp.csr_matrix:
    """Sparse (documents x words) matrix of summed token weights (1 per token by default)."""
    if weights is None:
        data = np.ones(corpus.n_tokens, dtype=np.float32)
    else:
        data = np.asarray(weights, dtype=np.float32)[corpus.ids]
    # Repeated ids in a row are kept as separate entries; products sum them.
    # The corpus arrays are shared, not copied: callers must not sort the result.
    return sp.csr_matrix(
        (data, corpus.ids, corpus.offsets), shape=(corpus.n_sentences, n_words)
    )


def document_frequencies(corpus: EncodedCorpus, n_words: int) -> np.ndarray:
    """Number of documents (sentences of ``corpus``) that contain each word."""
    # Copies: sum_duplicates sorts the indices in place, and those would
    # otherwise be the corpus's own ids.
    m = sp.csr_matrix(
        (np.ones(corpus.n_tokens, dtype=np.int32), corpus.ids.copy(), corpus.offsets.copy()),
        shape=(corpus.n_sentences, n_words),
    )
    m.sum_duplicates()
    return np.bincount(m.indices, minlength=n_words).astype(np.int64)


def smooth_idf(df: np.ndarray, n_documents: int) -> np.ndarray:
    """scikit-learn's ``smooth_idf=True`` formula: ``ln((1 + n) / (1 + df)) + 1``."""
    df = np.asarray(df, dtype=np.float64)
    return (np.log((1.0 + n_documents) / (1.0 + df)) + 1.0).astype(np.float32)


def sif_weights(counts: np.ndarray, a: float) -> np.ndarray:
    """``a / (a + p(w))`` with ``p(w) = count(w) / sum(counts)``."""
    counts = np.asarray(counts, dtype=np.float64)
    p = counts / max(counts.sum(), 1.0)
    return (a / (a + p)).astype(np.float32)


def weighted_pool(
    corpus: EncodedCorpus,
    vectors: np.ndarray,
    weights: np.ndarray | None = None,
    divide_by: str | None = "count",
) -> np.ndarray:
    """Weighted sum of each document's word vectors, optionally divided.

    ``divide_by``: ``"count"`` (number of known tokens), ``"weight"`` (sum
    of the tokens' weights: a weighted mean) or None (plain sum). Empty
    documents give zeros.
    """
    m = doc_word_matrix(corpus, vectors.shape[0], weights)
    out = np.asarray(m @ vectors, dtype=np.float32)
    if divide_by is None:
        return out
    if divide_by == "count":
        denom = np.diff(corpus.offsets).astype(np.float32)
    elif divide_by == "weight":
        denom = np.asarray(m.sum(axis=1), dtype=np.float32).ravel()
    else:
        raise ValueError(f"divide_by must be 'count', 'weight' or None, got {divide_by!r}")
    nonzero = denom > 0
    out[nonzero] /= denom[nonzero, None]
    return out


def mean_pool(corpus: EncodedCorpus, vectors: np.ndarray) -> np.ndarray:
    """Mean of each sentence's word vectors; an empty sentence gives zeros."""
    return weighted_pool(corpus, vectors)


def max_pool(corpus: EncodedCorpus, vectors: np.ndarray) -> np.ndarray:
    """Element-wise maximum over each document's word vectors; empty documents give zeros."""
    n_docs = corpus.n_sentences
    out = np.zeros((n_docs, vectors.shape[1]), dtype=np.float32)
    lengths = np.diff(corpus.offsets)
    docs = np.flatnonzero(lengths > 0)
    ends = corpus.offsets[docs + 1]
    start = 0
    while start < len(docs):
        # Take whole documents until the block holds about _MAX_POOL_TOKENS tokens.
        first_token = corpus.offsets[docs[start]]
        stop = int(np.searchsorted(ends, first_token + _MAX_POOL_TOKENS, side="right"))
        stop = max(stop, start + 1)
        block = docs[start:stop]
        lo, hi = corpus.offsets[block[0]], corpus.offsets[block[-1] + 1]
        gathered = vectors[corpus.ids[lo:hi]]
        # Empty documents take no tokens, so the starts of the non-empty ones
        # in the block delimit exactly their tokens.
        out[block] = np.maximum.reduceat(gathered, corpus.offsets[block] - lo, axis=0)
        start = stop
    return out


def uncentered_gram(X: np.ndarray) -> np.ndarray:
    """``X.T @ X`` in float64: the statistic the SIF direction is taken from."""
    X = np.asarray(X, dtype=np.float64)
    return X.T @ X


def top_direction(gram: np.ndarray) -> np.ndarray:
    """Unit eigenvector of the largest eigenvalue of a symmetric matrix (zeros if it is zero).

    The sign is fixed (largest-magnitude entry positive) so that the vector
    is the same on every platform; the SIF projection does not depend on it.
    """
    if not np.any(gram):
        return np.zeros(gram.shape[0], dtype=np.float32)
    _, vecs = np.linalg.eigh(gram)
    u = vecs[:, -1]
    if u[np.argmax(np.abs(u))] < 0:
        u = -u
    return u.astype(np.float32)


def remove_direction(X: np.ndarray, u: np.ndarray) -> np.ndarray:
    """``X - (X u) u^T``: the projection of each row on the unit vector ``u`` removed.

    Row by row with element-wise reductions rather than a BLAS product, whose
    rounding can depend on how many rows come along: a document gets the
    same bits alone or in a batch.
    """
    u = u.astype(X.dtype)
    return X - (X * u).sum(axis=1, keepdims=True) * u


def l2_normalize(X: np.ndarray) -> np.ndarray:
    """Rows scaled to unit Euclidean norm; zero rows stay zero."""
    norms = np.linalg.norm(X, axis=1)
    nonzero = norms > 0
    X[nonzero] /= norms[nonzero, None].astype(X.dtype)
    return X


@dataclass(frozen=True)
class DocumentStatistics:
    """What ``agg="tfidf"`` and ``agg="sif"`` learn from training documents; sums over corpora add up.

    Attributes
    ----------
    document_frequency : ndarray of int64, shape (n_words,)
        Documents containing each word.
    n_documents : int
        Documents seen (at least the training sentences, so df <= n).
    sif_gram : ndarray of float64, shape (vector_size, vector_size)
        Summed second moments of the SIF-weighted document vectors.
    """

    document_frequency: np.ndarray
    n_documents: int
    sif_gram: np.ndarray

    def __add__(self, other: "DocumentStatistics") -> "DocumentStatistics":
        df = np.zeros(max(len(self.document_frequency), len(other.document_frequency)), np.int64)
        df[: len(self.document_frequency)] += self.document_frequency
        df[: len(other.document_frequency)] += other.document_frequency
        return DocumentStatistics(df, self.n_documents + other.n_documents,
                                  self.sif_gram + other.sif_gram)


def document_statistics(
    corpus: EncodedCorpus, n_documents: int, vectors: np.ndarray, sif_w: np.ndarray
) -> DocumentStatistics:
    """The :class:`DocumentStatistics` of one training corpus, walked in bounded pieces.

    ``n_documents`` is the number of documents read; the larger of it and
    the corpus's sentences is kept, so that df <= n also when documents over
    the sentence limit were cut.
    """
    n_words, size = vectors.shape
    df = np.zeros(n_words, dtype=np.int64)
    gram = np.zeros((size, size))
    for piece in corpus_pieces(corpus):
        df += document_frequencies(piece, n_words)
        gram += uncentered_gram(weighted_pool(piece, vectors, sif_w, "count"))
    return DocumentStatistics(df, max(n_documents, corpus.n_sentences), gram)
