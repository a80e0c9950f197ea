"""Pass 1 of the file path: every byte token of a :class:`~sklearn_w2v.text.LineCorpus`, counted.

The counts live in a numba hash table (:class:`ByteTokenCounter`) over
blocks of whole lines, with no Python object per token. The vocabulary is
then prepared from them with exactly the rules of the generic path, so the
two paths give identical results; pass 2 (:func:`sklearn_w2v.corpus.encode_line_corpus`)
encodes the blocks with the same table.

Tokens are counted as bytes but words are str: two invalid byte tokens may
decode (``errors="replace"``) to the same word, and their counts are merged
under it, in the order the generic path would have first seen it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from ..text import DEFAULT_BLOCK_SIZE, LineCorpus, map_blocks
from ._byte_tokens import ByteTokenCounter
from ._vocabulary import Vocabulary, rank_words


@dataclass(frozen=True, eq=False)
class FileCounts:
    """What pass 1 learned about a corpus: its byte tokens with their counts, and its documents.

    Attributes
    ----------
    table : ByteTokenCounter
        Every distinct byte token, in first-seen order, with its count.
    n_documents : int
        Lines read.

    Examples
    --------
    >>> from gensim.test.utils import datapath
    >>> counts = count_line_corpus(LineCorpus(datapath("lee_background.cor")))
    >>> counts.n_documents, counts.n_raw_words
    (300, 59890)
    >>> vocabulary, token_ids = counts.vocabulary(min_count=5)
    >>> len(vocabulary), vocabulary.words[:3]
    (1762, ['the', 'to', 'of'])
    """

    table: ByteTokenCounter
    n_documents: int

    @property
    def n_raw_words(self) -> int:
        """Tokens read."""
        return self.table.n_read

    def word_counts(self) -> tuple[list[str], np.ndarray]:
        """Every word with its count, in first-seen order (tokens decoded alike merged)."""
        _, reps, totals = self._word_totals()
        return [t.decode("utf-8", "replace") for t in self.table.tokens(reps)], totals

    def vocabulary(
        self, min_count: int = 5, max_final_vocab: int | None = None
    ) -> tuple[Vocabulary, np.ndarray]:
        """The vocabulary of the counted corpus, and the final id of each token (-1: skipped).

        Only kept words are decoded to str, and the ids map without lookups.
        """
        word_of, reps, totals = self._word_totals()
        ranked, min_kept = rank_words(totals, min_count, max_final_vocab)
        kept = reps[ranked]
        words = [t.decode("utf-8", "replace") for t in self.table.tokens(kept)]
        rep_ids = np.full(len(word_of), -1, dtype=np.int32)
        rep_ids[kept] = np.arange(len(kept), dtype=np.int32)
        return Vocabulary(words, totals[ranked], min_kept), rep_ids[word_of]

    def token_ids(self, vocabulary: Vocabulary) -> np.ndarray:
        """The final id of each token for a vocabulary decided elsewhere (-1: not in it)."""
        word_of, non_ascii_words = self._merge_decoded()
        rep_ids = np.full(len(word_of), -1, dtype=np.int32)
        for i, word in enumerate(vocabulary.words):
            rep = non_ascii_words.get(word) if not word.isascii() else self.table.find(word)
            if rep is not None and rep >= 0:
                rep_ids[rep] = i
        return rep_ids[word_of]

    def n_kept(self, token_ids: np.ndarray) -> int:
        """How many tokens of the corpus the ids keep (the size of the encoded corpus)."""
        return int(self.table.counts[token_ids >= 0].sum())

    def _merge_decoded(self) -> tuple[np.ndarray, dict[str, int]]:
        """Group the tokens that decode to the same word.

        Only tokens with a byte above 127 can decode alike (an ASCII token
        decodes to itself, a non-ASCII one to a non-ASCII word), so only
        those become Python objects here.

        Returns
        -------
        word_of : ndarray of int64
            For each token, the first-seen token decoding to the same word:
            the word's representative, whose position is the word's
            first-seen position in the generic path.
        non_ascii_words : dict str -> int
            The representative of each non-ASCII word.
        """
        word_of = np.arange(len(self.table), dtype=np.int64)
        which = np.flatnonzero(self.table.non_ascii())
        first: dict[str, int] = {}
        for k, token in zip(which.tolist(), self.table.tokens(which)):
            word_of[k] = first.setdefault(token.decode("utf-8", "replace"), k)
        return word_of, first

    def _word_totals(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``word_of``, the words' representative tokens in first-seen order, their counts."""
        word_of, _ = self._merge_decoded()
        reps = np.flatnonzero(word_of == np.arange(len(word_of)))
        totals = np.zeros(len(word_of), dtype=np.int64)
        np.add.at(totals, word_of, self.table.counts)  # merges tokens decoded alike
        return word_of, reps, totals[reps]


def count_line_corpus(
    corpus: LineCorpus, block_size: int = DEFAULT_BLOCK_SIZE, n_threads: int = 1
) -> FileCounts:
    """Pass 1: count every byte token of ``corpus``, in first-seen order, and its documents
    (lines).

    With ``n_threads > 1`` each worker thread counts the blocks it takes
    into a table of its own, noting the block where it first saw each
    token; the tables are then merged in the order of the tokens' first
    occurrence (:meth:`ByteTokenCounter.merged`), so the result is the
    serial one exactly: same tokens, same order, same counts. Memory: a
    table per thread (each at most the corpus's distinct tokens) and
    ``2 * n_threads`` blocks read ahead.
    """
    if n_threads <= 1:
        table = ByteTokenCounter()
        n_documents = 0
        for block in corpus.iter_blocks(block_size):
            table.update(block)
            n_documents += block.count(b"\n")
        return FileCounts(table, n_documents)

    local = threading.local()
    parts: list[_ThreadCounts] = []
    lock = threading.Lock()

    def count(k: int, block: bytes) -> int:
        part = getattr(local, "part", None)
        if part is None:
            part = local.part = _ThreadCounts()
            with lock:
                parts.append(part)
        part.update(k, block)
        return block.count(b"\n")

    n_documents = sum(n for _, n in map_blocks(corpus, count, n_threads, block_size))
    if not parts:
        return FileCounts(ByteTokenCounter(), n_documents)
    table = ByteTokenCounter.merged([p.table for p in parts], [p.first_blocks() for p in parts])
    return FileCounts(table, n_documents)


class _ThreadCounts:
    """One worker's table, and the block where each of its tokens first appeared."""

    def __init__(self):
        self.table = ByteTokenCounter()
        self.blocks: list[int] = []  # block numbers, in the order counted
        self.sizes: list[int] = []  # the table's size after each

    def update(self, k: int, block: bytes) -> None:
        self.table.update(block)
        self.blocks.append(k)
        self.sizes.append(len(self.table))

    def first_blocks(self) -> np.ndarray:
        new = np.diff(np.asarray([0, *self.sizes], dtype=np.int64))
        return np.repeat(np.asarray(self.blocks, dtype=np.int64), new)
