"""Document vectors from word vectors: mean, sum, max, tf-idf and SIF pooling.

What ``W2V.transform`` computes (:func:`pool_documents`), and what the
weighted poolings learn in ``fit`` (:class:`DocumentStatistics`: document
frequencies for the idf, and the second moments the SIF direction comes
from). Every pooling works on an :class:`~sklearn_w2v.corpus.EncodedCorpus`
with sparse matrix products, never a Python object per token.
"""

from ._pool import (
    AGGREGATIONS,
    doc_word_matrix,
    l2_normalize,
    max_pool,
    pool_documents,
    remove_direction,
    weighted_pool,
)
from ._statistics import (
    DocumentStatistics,
    document_frequencies,
    document_statistics,
    sif_weights,
    smooth_idf,
    top_direction,
    uncentered_gram,
)

__all__ = [
    "AGGREGATIONS",
    "DocumentStatistics",
    "doc_word_matrix",
    "document_frequencies",
    "document_statistics",
    "l2_normalize",
    "max_pool",
    "pool_documents",
    "remove_direction",
    "sif_weights",
    "smooth_idf",
    "top_direction",
    "uncentered_gram",
    "weighted_pool",
]
