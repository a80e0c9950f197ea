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

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:
    from ..corpus import EncodedCorpus

AGGREGATIONS = ("mean", "sum", "max", "tfidf", "sif")

# Rows of gathered word vectors per step of max pooling: bounds the
# (tokens x dimensions) block that ``np.maximum.reduceat`` needs.
MAX_POOL_TOKENS = 1 << 18


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


def max_pool(
    corpus: EncodedCorpus, vectors: np.ndarray, block_tokens: int = MAX_POOL_TOKENS
) -> np.ndarray:
    """Element-wise maximum over each document's word vectors; empty documents give zeros.

    Whole documents are gathered about ``block_tokens`` tokens at a time.
    """
    n_docs = corpus.n_sentences
    out = np.zeros((n_docs, vectors.shape[1]), dtype=np.float32)
    lengths = np.diff(corpus.offsets)
    docs = np.flatnonzero(lengths > 0)
    ends = corpus.offsets[docs + 1]
    start = 0
    while start < len(docs):
        # Take whole documents until the block holds about block_tokens tokens.
        first_token = corpus.offsets[docs[start]]
        stop = int(np.searchsorted(ends, first_token + block_tokens, side="right"))
        stop = max(stop, start + 1)
        block = docs[start:stop]
        lo, hi = corpus.offsets[block[0]], corpus.offsets[block[-1] + 1]
        gathered = vectors[corpus.ids[lo:hi]]
        # Empty documents take no tokens, so the starts of the non-empty ones
        # in the block delimit exactly their tokens.
        out[block] = np.maximum.reduceat(gathered, corpus.offsets[block] - lo, axis=0)
        start = stop
    return out


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


def pool_documents(
    corpus: EncodedCorpus,
    vectors: np.ndarray,
    agg: str = "mean",
    *,
    idf: np.ndarray | None = None,
    sif_weights: np.ndarray | None = None,
    sif_component: np.ndarray | None = None,
) -> np.ndarray:
    """One vector per document of ``corpus`` (its sentences), pooled as ``agg`` says.

    Parameters
    ----------
    agg : {"mean", "sum", "max", "tfidf", "sif"}
        See the module docstring; ``"tfidf"`` needs ``idf``, ``"sif"`` needs
        ``sif_weights`` and ``sif_component``.

    Examples
    --------
    >>> from sklearn_w2v.corpus import EncodedCorpus
    >>> corpus = EncodedCorpus(np.array([0, 1, 1], np.int32), np.array([0, 1, 3, 3]))
    >>> pool_documents(corpus, np.array([[1.0, 0.0], [0.0, 2.0]], np.float32), "sum").tolist()
    [[1.0, 0.0], [0.0, 4.0], [0.0, 0.0]]
    """
    if agg == "mean":
        return weighted_pool(corpus, vectors)
    if agg == "sum":
        return weighted_pool(corpus, vectors, divide_by=None)
    if agg == "max":
        return max_pool(corpus, vectors)
    if agg == "tfidf":
        return weighted_pool(corpus, vectors, idf, divide_by="weight")
    if agg == "sif":
        return remove_direction(weighted_pool(corpus, vectors, sif_weights), sif_component)
    raise ValueError(f"agg must be one of {AGGREGATIONS}, got {agg!r}.")
