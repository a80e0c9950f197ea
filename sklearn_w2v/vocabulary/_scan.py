"""The scan step: count words document by document, handing out a scan id per word.

The ids let the caller encode the corpus during the same pass (so a one-shot
iterator is read once); counts come from the ids with ``bincount`` instead
of a Python increment per token. gensim 4's pruning rule is kept: when
``max_vocab_size`` is set and the number of distinct words exceeds it after
a document, every word with a count below ``min_reduce`` is forgotten and
``min_reduce`` grows by one (a forgotten word that comes back starts
counting from zero again, under a new scan id).
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class RawVocabulary:
    """Result of the scan step: every id the scan handed out, and the survivors.

    Attributes
    ----------
    id_words : list of str
        The word behind each scan id; a word forgotten by pruning and seen
        again has two ids.
    counts : ndarray of int64
        Count of each scan id since it was handed out.
    alive : ndarray of bool
        Ids still in the raw vocabulary (not forgotten by pruning).
    n_words : int
        Number of tokens scanned.
    n_documents : int
        Number of documents scanned.
    """

    id_words: list[str]
    counts: np.ndarray
    alive: np.ndarray
    n_words: int
    n_documents: int

    def items(self) -> list[tuple[str, int]]:
        """The surviving ``(word, count)`` pairs in first-seen order."""
        idx = np.flatnonzero(self.alive)
        return [(self.id_words[i], int(self.counts[i])) for i in idx]

    def check_words(self) -> None:
        """TypeError if a token was not a str.

        :func:`~sklearn_w2v.text.iter_token_lists` checks only the first
        token of each token list (per-token checks would slow the scan);
        every distinct token is checked here, once, before any training.
        """
        for word in self.id_words:
            if not isinstance(word, str):
                raise TypeError(
                    f"A document contains a token of type {type(word).__name__} ({word!r}); "
                    "tokens must be str."
                )


class VocabularyScanner:
    """Counts words document by document and hands out a scan id per word.

    :meth:`add` appends each token's scan id to the pending ids, which
    :meth:`take_ids` hands over (counted) whenever the caller wants them: at
    the end for an in-memory corpus, every chunk for one written to disk.
    Either way the counts, and so gensim's pruning, are the same.

    Examples
    --------
    >>> scanner = VocabularyScanner()
    >>> scanner.add(["a", "b", "a"])
    >>> scanner.add(["c", "a"])
    >>> scanner.take_ids().tolist()
    [0, 1, 0, 2, 0]
    >>> scanner.finish().items()
    [('a', 3), ('b', 1), ('c', 1)]
    """

    def __init__(self, max_vocab_size: int | None = None):
        self.max_vocab_size = max_vocab_size
        self.n_documents = 0
        self._index: dict[str, int] = {}
        self._id_words: list[str] = []
        self._counts = np.zeros(0, dtype=np.int64)
        self._alive = np.zeros(0, dtype=bool)
        self._pending = array("i")
        self._counted = 0  # pending ids already in _counts
        self._n_taken = 0
        self._min_reduce = 1

    @property
    def n_pending(self) -> int:
        """Scan ids added since the last :meth:`take_ids`."""
        return len(self._pending)

    def add(self, tokens: Sequence[str]) -> None:
        """Scan one document: append the scan id of each of its tokens to the pending ids."""
        index = self._index
        ids = list(map(index.get, tokens))
        if None in ids:  # only documents that bring new words take the slow path
            words = self._id_words
            for k, i in enumerate(ids):
                if i is None:
                    word = tokens[k]
                    i = index.get(word)
                    if i is None:
                        i = index[word] = len(words)
                        words.append(word)
                    ids[k] = i
        self._pending.extend(ids)
        self.n_documents += 1
        if self.max_vocab_size is not None and len(index) > self.max_vocab_size:
            self._prune()

    def take_ids(self) -> array:
        """The pending scan ids (an ``array('i')``), counted; pending starts empty again."""
        self._count_pending()
        ids, self._pending, self._counted = self._pending, array("i"), 0
        self._n_taken += len(ids)
        return ids

    def finish(self) -> RawVocabulary:
        """Close the scan: the raw vocabulary of everything added (pending ids included)."""
        self._count_pending()
        return RawVocabulary(
            id_words=self._id_words,
            counts=self._counts,
            alive=self._alive,
            n_words=self._n_taken + len(self._pending),
            n_documents=self.n_documents,
        )

    def _count_pending(self) -> None:
        n_ids = len(self._id_words)
        fresh = np.frombuffer(self._pending, dtype=np.int32)[self._counted :]
        counts = np.bincount(fresh, minlength=n_ids).astype(np.int64)
        del fresh  # release the buffer export so the array can grow again
        counts[: len(self._counts)] += self._counts
        alive = np.ones(n_ids, dtype=bool)
        alive[: len(self._alive)] = self._alive
        self._counts, self._alive = counts, alive
        self._counted = len(self._pending)

    def _prune(self) -> None:
        self._count_pending()
        doomed = np.flatnonzero(self._alive & (self._counts < self._min_reduce))
        for i in doomed:
            del self._index[self._id_words[i]]
        self._alive[doomed] = False
        self._min_reduce += 1
