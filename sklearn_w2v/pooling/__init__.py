"""Document vectors from word vectors: mean, sum, max, tf-idf and SIF pooling (internal package).

What ``W2V.transform`` computes (:func:`pool_documents`), and what the
weighted poolings learn in ``fit`` (:class:`DocumentStatistics`: document
frequencies for the idf, and the second moments the SIF direction comes
from). The one home of the SIF weights (:func:`sif_weights`, with Zipf's
estimate for pretrained words a corpus lacks: :func:`zipf_probabilities`).
Every pooling works on an :class:`~sklearn_w2v.corpus.EncodedCorpus` with
sparse matrix products, never a Python object per token. Internal package:
the names imported here are seams for the estimator, not public API.
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
    zipf_probabilities,
)

# Internal: the names imported above are seams between this package and the
# package's other modules, not public API (the API reference lists what is).
__all__: list[str] = []
