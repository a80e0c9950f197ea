"""Export of trained weights as gensim KeyedVectors."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from gensim.models import KeyedVectors


def to_keyed_vectors(
    words: Sequence[str], counts: np.ndarray, vectors: np.ndarray
) -> KeyedVectors:
    """Wrap word vectors in a plain :class:`gensim.models.KeyedVectors`.

    Parameters
    ----------
    words : sequence of str
        Keys, in index order (most frequent first).
    counts : array of int
        Corpus count of each word, stored as the ``count`` attribute that
        gensim uses to order ``save_word2vec_format`` output.
    vectors : ndarray of shape (len(words), vector_size)
        Used as is (not copied) when already float32 and C-contiguous.

    Examples
    --------
    >>> import numpy as np
    >>> kv = to_keyed_vectors(["b", "a"], np.array([3, 1]), np.eye(2, dtype=np.float32))
    >>> kv.index_to_key, int(kv.get_vecattr("a", "count"))
    (['b', 'a'], 1)
    """
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    counts = np.asarray(counts, dtype=np.int64)
    if vectors.ndim != 2 or vectors.shape[0] != len(words) or len(counts) != len(words):
        raise ValueError(
            f"{len(words)} words need {len(words)} counts and {len(words)} vector rows; "
            f"got {len(counts)} counts and vectors of shape {vectors.shape}"
        )
    key_to_index = {w: i for i, w in enumerate(words)}
    if len(key_to_index) != len(words):
        raise ValueError("words must be unique")
    kv = KeyedVectors(vectors.shape[1], count=0, dtype=np.float32)
    kv.index_to_key = list(words)
    kv.key_to_index = key_to_index
    kv.next_index = len(words)
    kv.vectors = vectors
    kv.allocate_vecattrs(attrs=["count"], types=[np.int64])
    kv.expandos["count"][:] = counts
    return kv
