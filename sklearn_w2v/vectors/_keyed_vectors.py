"""Export of trained weights as gensim KeyedVectors, and KeyedVectors as plain data and back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

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


def keyed_vectors_to_data(kv: KeyedVectors) -> dict[str, np.ndarray]:
    """The words, counts and vectors of ``kv`` as three plain arrays (no Python objects).

    The words are stored as their UTF-8 bytes, concatenated, with the byte
    length of each, so that a saved model holds only numeric arrays, which
    the safe formats (skops, ``.npy`` without pickle) store as data.
    :func:`keyed_vectors_from_data` is the inverse.

    Returns
    -------
    dict
        ``"words_utf8"`` (uint8), ``"word_lengths"`` (int64), ``"counts"``
        (int64, zeros when ``kv`` has no ``count`` attribute) and
        ``"vectors"`` (float32, shape (n_words, vector_size)).

    Examples
    --------
    >>> kv = to_keyed_vectors(["b", "ä"], np.array([3, 1]), np.eye(2, dtype=np.float32))
    >>> keyed_vectors_from_data(keyed_vectors_to_data(kv)).index_to_key
    ['b', 'ä']
    """
    if not isinstance(kv, KeyedVectors):
        raise TypeError(f"kv must be a gensim KeyedVectors, got {type(kv).__name__}.")
    # surrogatepass: tokens given as Python strings may hold lone surrogates.
    encoded = [str(w).encode("utf-8", "surrogatepass") for w in kv.index_to_key]
    counts = (kv.expandos["count"] if "count" in kv.expandos
              else np.zeros(len(encoded), dtype=np.int64))
    return {
        "words_utf8": np.frombuffer(b"".join(encoded), dtype=np.uint8).copy(),
        "word_lengths": np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)),
        "counts": np.asarray(counts, dtype=np.int64),
        "vectors": np.ascontiguousarray(kv.vectors, dtype=np.float32),
    }


def keyed_vectors_from_data(data: Mapping[str, Any]) -> KeyedVectors:
    """Rebuild the ``KeyedVectors`` that :func:`keyed_vectors_to_data` described, checking it.

    Raises
    ------
    ValueError
        When the arrays are missing, of the wrong kind or inconsistent
        (lengths that do not add up, words that are not UTF-8 or repeat).
    """
    try:
        blob, lengths, counts, vectors = (
            np.asarray(data[k]) for k in ("words_utf8", "word_lengths", "counts", "vectors"))
    except (KeyError, TypeError) as exc:
        raise ValueError(f"not a description of word vectors (missing {exc})") from None
    if (blob.dtype != np.uint8 or blob.ndim != 1 or lengths.dtype.kind not in "iu"
            or lengths.ndim != 1 or (lengths < 0).any() or (lengths > blob.size).any()
            or int(lengths.sum()) != blob.size):
        raise ValueError("the word lengths do not match the stored words")
    if counts.dtype.kind not in "iu" or counts.ndim != 1 or vectors.dtype != np.float32:
        raise ValueError(f"counts must be integers and vectors float32, got {counts.dtype} "
                         f"and {vectors.dtype}")
    raw = blob.tobytes()
    ends = np.cumsum(lengths)
    try:
        words = [raw[e - n:e].decode("utf-8", "surrogatepass")
                 for e, n in zip(ends.tolist(), lengths.tolist())]
    except UnicodeDecodeError as exc:
        raise ValueError(f"a stored word is not valid UTF-8 ({exc})") from None
    return to_keyed_vectors(words, counts, vectors)
