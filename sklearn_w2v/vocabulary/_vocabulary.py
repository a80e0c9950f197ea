"""The prepare step: the scanned words filtered and sorted into the final vocabulary.

The rules follow gensim 4's ``Word2Vec.build_vocab`` so that the same corpus
and parameters give the same words with the same counts: ``max_final_vocab``
raises the effective ``min_count`` to the count of the first word past the
limit plus one; words below the effective ``min_count`` are dropped; the rest
are sorted by descending count, ties broken the way gensim 4.4 breaks them
(the later first-seen word first). Fixed counts (the C tool's
``-read-vocab``) go through the same rules (:func:`vocabulary_from_counts`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Integral

import numpy as np

from ._scan import RawVocabulary


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """The final vocabulary: words sorted by descending count.

    Attributes
    ----------
    words : list of str
        Word of each index.
    counts : ndarray of int64
        Corpus count of each word.
    effective_min_count : int
        The ``min_count`` actually applied (raised by ``max_final_vocab``).
    """

    words: list[str]
    counts: np.ndarray
    effective_min_count: int

    def __len__(self) -> int:
        return len(self.words)

    def index(self) -> dict[str, int]:
        """A new ``word -> index`` mapping."""
        return {w: i for i, w in enumerate(self.words)}


def effective_min_count(
    counts: np.ndarray, min_count: int, max_final_vocab: int | None
) -> int:
    """The ``min_count`` that also keeps at most ``max_final_vocab`` words (gensim's rule)."""
    if max_final_vocab is None or max_final_vocab >= len(counts):
        return min_count
    # The count of the first word past the limit, plus one, so that no word
    # tied with it sneaks in (the result may hold fewer than max_final_vocab).
    kth = np.sort(counts)[::-1][max_final_vocab]
    return max(int(kth) + 1, min_count)


def rank_words(
    counts: np.ndarray, min_count: int = 5, max_final_vocab: int | None = None
) -> tuple[np.ndarray, int]:
    """The words a vocabulary keeps, in its order.

    Parameters
    ----------
    counts : ndarray of int64
        Count of each word, words in first-seen order.

    Returns
    -------
    kept : ndarray of int64
        Indices into ``counts`` of the kept words, most frequent first.
    min_kept : int
        The effective ``min_count``.
    """
    min_kept = effective_min_count(counts, min_count, max_final_vocab)
    kept = np.flatnonzero(counts >= min_kept)
    # Descending count; among equal counts the later first-seen word first,
    # exactly as gensim 4.4's sort_by_descending_frequency orders them.
    order = np.lexsort((-np.arange(len(kept)), -counts[kept]))
    return kept[order], min_kept


def prepare_vocabulary(
    raw: RawVocabulary, min_count: int = 5, max_final_vocab: int | None = None
) -> tuple[Vocabulary, np.ndarray]:
    """Filter and sort the scanned words.

    Returns
    -------
    vocabulary : Vocabulary
    id_map : ndarray of int32
        For each scan id, the word's final index, or -1 if it was dropped.
    """
    alive_ids = np.flatnonzero(raw.alive)
    ranked, min_kept = rank_words(raw.counts[alive_ids], min_count, max_final_vocab)
    kept = alive_ids[ranked]
    kept_counts = raw.counts[kept]
    words = [raw.id_words[i] for i in kept]

    final_index = {w: i for i, w in enumerate(words)}
    # Every scan id of a kept word maps to it, including ids the word had
    # before pruning forgot it, so all its occurrences are trained on.
    id_map = np.fromiter(
        (final_index.get(w, -1) for w in raw.id_words),
        dtype=np.int32,
        count=len(raw.id_words),
    )
    return Vocabulary(words, kept_counts.astype(np.int64), min_kept), id_map


def check_word_counts(word_counts: object) -> Mapping[str, int]:
    """Check a user's ``word -> count`` mapping before any corpus is read.

    Raises
    ------
    TypeError
        If it is not a mapping, a key is not a str or a count not an integer.
    ValueError
        If it is empty or a count is not positive.
    """
    if not isinstance(word_counts, Mapping):
        raise TypeError(
            f"vocabulary must be a mapping word -> count, got {type(word_counts).__name__}."
        )
    if len(word_counts) == 0:
        raise ValueError("vocabulary is empty; pass at least one word with its count.")
    for word, count in word_counts.items():
        if not isinstance(word, str):
            raise TypeError(
                f"vocabulary keys must be str, got {word!r} of type {type(word).__name__}."
            )
        if isinstance(count, bool) or not isinstance(count, Integral):
            raise TypeError(
                f"vocabulary counts must be integers, got {count!r} "
                f"({type(count).__name__}) for {word!r}."
            )
        if count <= 0:
            raise ValueError(f"vocabulary counts must be positive, got {count} for {word!r}.")
    return word_counts


def vocabulary_from_counts(
    word_counts: Mapping[str, int], min_count: int = 5, max_final_vocab: int | None = None
) -> Vocabulary:
    """The vocabulary that given counts make, as if a scan had found them.

    The mapping's order stands for first-seen order, so ties are broken as
    :func:`prepare_vocabulary` breaks them (the later entry first).

    Examples
    --------
    >>> vocab = vocabulary_from_counts({"a": 2, "b": 7, "c": 2, "d": 1}, min_count=2)
    >>> vocab.words, vocab.counts.tolist()
    (['b', 'c', 'a'], [7, 2, 2])
    """
    counts = np.fromiter(word_counts.values(), dtype=np.int64, count=len(word_counts))
    raw = RawVocabulary(
        id_words=list(word_counts),
        counts=counts,
        alive=np.ones(len(counts), dtype=bool),
        n_words=int(counts.sum()),
        n_documents=0,
    )
    return prepare_vocabulary(raw, min_count, max_final_vocab)[0]
