"""The encoded corpus: sentences of word ids, stored flat as int32 ids and int64 offsets.

After encoding, training never touches a Python object per token: the
backends walk ``EncodedCorpus.ids`` between ``offsets[k]`` and
``offsets[k + 1]`` for sentence ``k``.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ..vocabulary import Vocabulary

#: Tokens per piece when a corpus is walked in pieces: bounds transients such
#: as sparse matrices and pooled vectors (tens of bytes per token).
PIECE_TOKENS = 1 << 18


@dataclass(frozen=True, eq=False)
class EncodedCorpus:
    """Sentences of word ids, stored flat.

    Attributes
    ----------
    ids : ndarray of int32, shape (n_tokens,)
        Word ids of all sentences, one after another (in memory or a
        memory-mapped file).
    offsets : ndarray of int64, shape (n_sentences + 1,)
        Sentence ``k`` is ``ids[offsets[k]:offsets[k + 1]]``.

    Examples
    --------
    >>> corpus = EncodedCorpus(np.array([3, 1, 4, 1, 5], np.int32), np.array([0, 2, 5]))
    >>> corpus.n_sentences, corpus.sentences(1, 2).ids.tolist()
    (2, [4, 1, 5])
    """

    ids: np.ndarray
    offsets: np.ndarray

    def __post_init__(self):
        if self.ids.dtype != np.int32 or self.ids.ndim != 1:
            raise TypeError("ids must be a 1-D int32 array")
        if self.offsets.dtype != np.int64 or self.offsets.ndim != 1:
            raise TypeError("offsets must be a 1-D int64 array")
        if len(self.offsets) == 0 or self.offsets[0] != 0 or self.offsets[-1] != len(self.ids):
            raise ValueError("offsets must start at 0 and end at len(ids)")

    @classmethod
    def empty(cls) -> EncodedCorpus:
        """A corpus of no sentences."""
        return cls(np.zeros(0, dtype=np.int32), np.zeros(1, dtype=np.int64))

    @property
    def n_tokens(self) -> int:
        return len(self.ids)

    @property
    def n_sentences(self) -> int:
        return len(self.offsets) - 1

    def sentences(self, first: int, last: int) -> EncodedCorpus:
        """Sentences ``first`` to ``last - 1`` as a corpus of their own (views, no copies)."""
        start, stop = self.offsets[first], self.offsets[last]
        return EncodedCorpus(self.ids[start:stop], self.offsets[first : last + 1] - start)

    def split(self, n_parts: int) -> list[EncodedCorpus]:
        """``n_parts`` consecutive slices of about equal tokens, cut between sentences.

        A slice may be empty (no sentences) when a sentence is longer than
        the share of tokens a slice should hold.
        """
        marks = np.arange(n_parts + 1, dtype=np.int64) * self.n_tokens // n_parts
        cuts = np.searchsorted(self.offsets, marks, side="left")
        cuts[-1] = self.n_sentences
        return [self.sentences(a, b) for a, b in zip(cuts[:-1], cuts[1:])]

    def pieces(self, max_tokens: int = PIECE_TOKENS) -> Iterator[EncodedCorpus]:
        """Consecutive non-empty slices of at most about ``max_tokens`` tokens (views, no
        copies).
        """
        n_parts = max(1, -(-self.n_tokens // max_tokens))
        return (piece for piece in self.split(n_parts) if piece.n_sentences)


class _EncodedFields(NamedTuple):
    vocabulary: Vocabulary
    corpus: EncodedCorpus
    n_raw_words: int
    n_documents: int


class EncodedDocuments(_EncodedFields):
    """What encoding documents for training gives: the vocabulary and the corpus in its ids.

    A named tuple of the first four attributes (``vocabulary, corpus,
    n_raw_words, n_documents = encoded`` works); the stage times are
    attributes only.

    Attributes
    ----------
    vocabulary : Vocabulary
    corpus : EncodedCorpus
        In-vocabulary tokens only, documents longer than
        ``MAX_SENTENCE_LENGTH`` cut, sentences left empty dropped.
    n_raw_words : int
        Tokens read, in or out of the vocabulary.
    n_documents : int
        Documents read.
    count_seconds, encode_seconds : float
        Wall time of the two stages: counting the words (on the generic
        path, the one pass over the text, which also writes first-seen
        ids; 0 with given counts), then choosing the vocabulary and writing
        the training ids.
    """

    def __new__(cls, vocabulary: Vocabulary, corpus: EncodedCorpus, n_raw_words: int,
                n_documents: int, count_seconds: float = 0.0, encode_seconds: float = 0.0):
        self = super().__new__(cls, vocabulary, corpus, n_raw_words, n_documents)
        self.count_seconds = float(count_seconds)
        self.encode_seconds = float(encode_seconds)
        return self


def offsets_from_lengths(lengths: array | np.ndarray) -> np.ndarray:
    """Sentence offsets (int64, starting at 0) from sentence lengths (an int64 ``array('q')``
    or array).

    >>> offsets_from_lengths(np.array([2, 3])).tolist()
    [0, 2, 5]
    """
    lengths = (np.frombuffer(lengths, dtype=np.int64) if not isinstance(lengths, np.ndarray)
               else lengths)
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets


def cut_lengths(length: int, max_length: int | None) -> tuple[int, ...]:
    """Sentence lengths a document of ``length`` tokens is cut into (at most ``max_length`` each).

    >>> cut_lengths(25, 10)
    (10, 10, 5)
    """
    if max_length is None or length <= max_length:
        return (length,)
    full, rest = divmod(length, max_length)
    return (max_length,) * full + ((rest,) if rest else ())
