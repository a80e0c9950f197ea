"""Document vectors from word vectors."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .corpus import EncodedCorpus


def mean_pool(corpus: EncodedCorpus, vectors: np.ndarray) -> np.ndarray:
    """Mean of each sentence's word vectors; an empty sentence gives zeros.

    A sparse (sentences x words) count matrix times the vectors: no
    (tokens x dimensions) intermediate is ever built.
    """
    n_docs = corpus.n_sentences
    lengths = np.diff(corpus.offsets)
    counts = sp.csr_matrix(
        (np.ones(corpus.n_tokens, dtype=np.float32), corpus.ids, corpus.offsets),
        shape=(n_docs, vectors.shape[0]),
    )
    sums = np.asarray(counts @ vectors, dtype=np.float32)
    nonempty = lengths > 0
    sums[nonempty] /= lengths[nonempty, None].astype(np.float32)
    return sums
