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


def sif_weights(counts: np.ndarray, a: float) -> np.ndarray:
    """``a / (a + p(w))`` with ``p(w) = count(w) / sum(counts)``."""
    counts = np.asarray(counts, dtype=np.float64)
    p = counts / max(counts.sum(), 1.0)
    return (a / (a + p)).astype(np.float32)


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
