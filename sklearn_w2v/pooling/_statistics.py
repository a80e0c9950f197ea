"""What ``agg="tfidf"`` and ``agg="sif"`` learn in ``fit``: idf, SIF weights and direction.

The statistics of a training corpus are walked in bounded pieces and add up
over corpora (:class:`DocumentStatistics`), so ``partial_fit`` and
distributed training combine them: document frequencies and counts sum,
and the SIF direction is the top eigenvector of the summed second moments.

Every fit gathers both, whatever its ``agg``: ``set_params(agg="sif")`` after
``fit`` must pool as the fitted model would, and the training documents the
direction is taken from are gone by then. So they are made cheap instead: one
compiled pass per piece pools the documents and counts their distinct words,
the pieces run on the fit's threads, and each piece's Gram matrix is one BLAS
call in its thread (BLAS itself kept to one thread meanwhile, so that the
threads do not oversubscribe the cores). The pieces' matrices add up in
piece order, so the result does not depend on the number of threads: it is
the one-thread sum bit for bit.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numba import njit
from threadpoolctl import threadpool_limits

from .._cache_hints import prefetch

if TYPE_CHECKING:
    from ..corpus import EncodedCorpus


#: How many tokens ahead the pooling asks for a row: a word's row is 6 to 7 cache lines at
#: random in a matrix bigger than the caches; 16 ahead pooled en-mix in 0.10 s against
#: 0.14-0.16 s without (8 ahead: 0.13, 32: 0.105, 64: 0.12; one thread, 2-core VM).
_AHEAD = 16
_FLOATS_A_LINE = 16  # float32 in a 64-byte cache line


@njit(nogil=True, cache=True)
def _pool_and_count(ids, offsets, vectors, weights, first_sentence, df, last_seen,
                    out):  # pragma: no cover (compiled; tested through its callers)
    """Each sentence's weighted mean vector into ``out``, and its distinct words into ``df``.

    The mean is summed in float32 in token order, then divided by the number
    of tokens: exactly the sparse product of
    :func:`~sklearn_w2v.pooling.weighted_pool`, bit for bit. A word counts
    once per sentence: ``last_seen[w]`` holds the (corpus-wide) number of the
    last sentence that counted it, so nothing is reset between sentences.
    """
    d = vectors.shape[1]
    acc = np.zeros(d, dtype=np.float32)
    n_ids = len(ids)
    for s in range(len(offsets) - 1):
        a = offsets[s]
        b = offsets[s + 1]
        sentence = first_sentence + s
        acc[:] = 0
        for t in range(a, b):
            if t + _AHEAD < n_ids:
                ahead = ids[t + _AHEAD]
                for k in range(0, d, _FLOATS_A_LINE):
                    prefetch(vectors, ahead, k)
            w = ids[t]
            x = weights[w]
            row = vectors[w]
            for k in range(d):
                acc[k] += x * row[k]
            if last_seen[w] != sentence:
                last_seen[w] = sentence
                df[w] += 1
        if b > a:
            n = np.float32(b - a)
            for k in range(d):
                out[s, k] = acc[k] / n  # a float32 quotient, whatever out's dtype


def document_frequencies(corpus: EncodedCorpus, n_words: int) -> np.ndarray:
    """Number of documents (sentences of ``corpus``) that contain each word.

    Examples
    --------
    >>> from sklearn_w2v.corpus import EncodedCorpus
    >>> corpus = EncodedCorpus(np.array([0, 1, 1, 1], np.int32), np.array([0, 2, 4]))
    >>> document_frequencies(corpus, 3).tolist()
    [1, 2, 0]
    """
    df = np.zeros(n_words, dtype=np.int64)
    _pool_and_count(corpus.ids, corpus.offsets, np.zeros((n_words, 0), np.float32),
                    np.zeros(n_words, np.float32), 0, df, np.full(n_words, -1, np.int64),
                    np.zeros((corpus.n_sentences, 0), np.float64))
    return df


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
    corpus: EncodedCorpus, n_documents: int, vectors: np.ndarray, sif_w: np.ndarray,
    n_threads: int = 1,
) -> DocumentStatistics:
    """The :class:`DocumentStatistics` of one training corpus, walked in bounded pieces.

    ``n_documents`` is the number of documents read; the larger of it and
    the corpus's sentences is kept, so that df <= n also when documents over
    the sentence limit were cut. ``n_threads`` threads take the pieces (see
    the module docstring); the result does not depend on it.
    """
    n_words, size = vectors.shape
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    sif_w = np.ascontiguousarray(sif_w, dtype=np.float32)
    pieces = list(corpus.pieces())
    firsts = np.cumsum([0] + [p.n_sentences for p in pieces])
    local = threading.local()
    counts: list[tuple[np.ndarray, np.ndarray]] = []  # per thread: df, last_seen
    lock = threading.Lock()

    def piece_gram(k: int) -> np.ndarray:
        mine = getattr(local, "counts", None)
        if mine is None:
            mine = local.counts = (np.zeros(n_words, np.int64), np.full(n_words, -1, np.int64))
            with lock:
                counts.append(mine)
        piece = pieces[k]
        # float64 rows holding the float32 means exactly: the Gram matrix's input, no copy.
        pooled = np.zeros((piece.n_sentences, size), dtype=np.float64)
        _pool_and_count(piece.ids, piece.offsets, vectors, sif_w, int(firsts[k]), *mine, pooled)
        return uncentered_gram(pooled)

    gram = np.zeros((size, size))
    with threadpool_limits(1, user_api="blas"):
        if n_threads <= 1 or len(pieces) <= 1:
            grams = map(piece_gram, range(len(pieces)))
            for g in grams:
                gram += g
        else:
            with ThreadPoolExecutor(min(n_threads, len(pieces)),
                                    thread_name_prefix="sklearn_w2v-statistics") as pool:
                for g in pool.map(piece_gram, range(len(pieces))):  # in piece order
                    gram += g
    df = np.zeros(n_words, dtype=np.int64)
    for part, _ in counts:
        df += part
    return DocumentStatistics(df, max(n_documents, corpus.n_sentences), gram)
