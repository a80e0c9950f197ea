"""What ``agg="tfidf"`` and ``agg="sif"`` learn in ``fit``: idf, SIF weights and direction.

The statistics of a training corpus are walked in bounded pieces and add up
over corpora (:class:`DocumentStatistics`), so ``partial_fit`` and
distributed training combine them: document frequencies and counts sum,
and the SIF direction is the top eigenvector of the summed second moments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from ._pool import weighted_pool

if TYPE_CHECKING:
    from ..corpus import EncodedCorpus


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


def sif_weights(counts: np.ndarray, a: float, rank: np.ndarray | None = None) -> np.ndarray:
    """The SIF weight ``a / (a + p(w))`` of each word, as float32.

    ``p(w) = count(w) / sum(counts)``; a word with count 0 but a pretrained
    frequency ``rank`` (1-based; 0: none) gets Zipf's estimate from that rank
    instead (:func:`zipf_probabilities`, over the ``rank.max()`` ranked words).

    Examples
    --------
    >>> [round(float(w), 3) for w in sif_weights(np.array([3, 1, 0]), 0.5)]
    [0.4, 0.667, 1.0]
    >>> [round(float(w), 3) for w in sif_weights(np.array([3, 1, 0]), 0.5, np.array([0, 0, 2]))]
    [0.4, 0.667, 0.6]
    """
    counts = np.asarray(counts, dtype=np.float64)
    p = counts / max(counts.sum(), 1.0)
    if rank is not None:
        rank = np.asarray(rank)
        unseen = (counts == 0) & (rank > 0)
        if unseen.any():  # pretrained words the corpus lacks
            p[unseen] = zipf_probabilities(rank[unseen], int(rank.max()))
    return (a / (a + p)).astype(np.float32)


def zipf_probabilities(rank: np.ndarray, n_ranked: int) -> np.ndarray:
    """Zipf's estimate of a word's share of a corpus from its 1-based frequency rank.

    ``p(r) = 1 / (r * H)``, ``H`` the harmonic number of ``n_ranked`` (so the
    shares of ranks 1 .. n_ranked sum to 1). For words a fit's corpus lacks,
    whose SIF weight needs a probability.

    Examples
    --------
    >>> p = zipf_probabilities(np.arange(1, 4), 3)
    >>> [round(float(x), 4) for x in p], round(float(p.sum()), 6)
    ([0.5455, 0.2727, 0.1818], 1.0)
    """
    harmonic = float(np.sum(1.0 / np.arange(1, n_ranked + 1, dtype=np.float64)))
    return 1.0 / (np.asarray(rank, dtype=np.float64) * harmonic)


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


@dataclass(frozen=True)
class DocumentStatistics:
    """What ``agg="tfidf"`` and ``agg="sif"`` learn from training documents; sums over corpora
    add up.

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

    def __add__(self, other: DocumentStatistics) -> DocumentStatistics:
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
    for piece in corpus.pieces():
        df += document_frequencies(piece, n_words)
        gram += uncentered_gram(weighted_pool(piece, vectors, sif_w, "count"))
    return DocumentStatistics(df, max(n_documents, corpus.n_sentences), gram)
