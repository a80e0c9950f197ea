"""Pass 1 of the file path: every byte token of a :class:`~sklearn_w2v.text.LineCorpus`, counted.

The counts live in a numba hash table (:class:`ByteTokenCounter`) over
blocks of whole lines, with no Python object per token. The vocabulary is
then prepared from them with exactly the rules of the generic path, so the
two paths give identical results. Asked to, the pass also hands out each
block's *scan ids* (every token's index in the table that counted it, -1 at
each line end), and :class:`FileCounts` keeps what turns them into word ids
(:meth:`FileCounts.scan_id_maps`): encoding
(:func:`sklearn_w2v.corpus.encode_counted`) then never reads or hashes the
text again.

Tokens are counted as bytes but words are str: two invalid byte tokens may
decode (``errors="replace"``) to the same word, and their counts are merged
under it, in the order the generic path would have first seen it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
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
    scan : ScanLayout or None
        With ``keep_ids``: how the scan ids handed out read back
        (:meth:`scan_id_maps`).

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
    scan: ScanLayout | None = None

    @property
    def n_raw_words(self) -> int:
        """Tokens read."""
        return self.table.n_read

    def scan_id_maps(self, token_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """What turns the kept scan ids into final ids, given each token's final id.

        Returns
        -------
        maps : ndarray of int32
            The tables' maps one after another: ``maps[starts[i] + k]`` is the
            final id of token ``k`` of counting table ``i`` (-1: skipped).
        starts : ndarray of int64
            Where each table's map begins.

        Raises
        ------
        ValueError
            When the counting kept no scan ids (``count_line_corpus(...,
            keep_ids=...)``).
        """
        if self.scan is None:
            raise ValueError("These counts kept no scan ids: count with keep_ids to encode "
                             "from them.")
        token_ids = np.asarray(token_ids, dtype=np.int32)
        maps = [token_ids[index] for index in self.scan.table_maps]
        starts = np.cumsum([0] + [len(m) for m in maps])[:-1].astype(np.int64)
        return np.concatenate(maps + [np.zeros(0, np.int32)]), starts

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
        merged = word_of != np.arange(len(word_of))
        reps = np.flatnonzero(~merged)
        totals = self.table.counts.copy()
        moved = np.flatnonzero(merged)  # tokens decoded like an earlier one (a few, if any)
        np.add.at(totals, word_of[moved], totals[moved])
        return word_of, reps, totals[reps]


@dataclass(frozen=True, eq=False)
class ScanLayout:
    """Where each block's scan ids came from, to read them back (see :class:`FileCounts`).

    Attributes
    ----------
    block_ends : ndarray of int64
        The end of each block's scan ids in the kept sequence, in text order.
    block_tables : ndarray of int64
        The counting table (thread) whose indices each block's ids are.
    table_maps : list of ndarray of int64
        For each counting table, the index of each of its tokens in the
        merged :attr:`FileCounts.table`.
    """

    block_ends: np.ndarray
    block_tables: np.ndarray
    table_maps: list[np.ndarray]


def count_line_corpus(
    corpus: LineCorpus, block_size: int = DEFAULT_BLOCK_SIZE, n_threads: int = 1,
    keep_ids: Callable[[np.ndarray], None] | None = None,
) -> FileCounts:
    """Pass 1: count every byte token of ``corpus``, in first-seen order, and its documents
    (lines).

    With ``n_threads > 1`` each worker thread counts the blocks it takes
    into a table of its own, noting the block where it first saw each
    token; the tables are then merged, on as many threads, in the order of
    the tokens' first occurrence (:meth:`ByteTokenCounter.merge`), so the
    result is the serial one exactly: same tokens, same order, same counts. Memory: a
    table per thread (each at most the corpus's distinct tokens) and
    ``2 * n_threads`` blocks read ahead.

    Parameters
    ----------
    keep_ids : callable, optional
        Called with each block's scan ids (int32, see
        :meth:`ByteTokenCounter.update`), in text order, by the calling
        thread: an :class:`~sklearn_w2v.corpus.IdWriter`'s ``extend``. The
        counts then know how to read them (:attr:`FileCounts.scan`).
    """
    tables: list[ByteTokenCounter] = []
    ends: list[int] = []
    owners: list[int] = []

    def kept(ids: np.ndarray | None, table: int) -> None:
        if keep_ids is not None:
            keep_ids(ids)
            ends.append((ends[-1] if ends else 0) + len(ids))
            owners.append(table)

    if n_threads <= 1:
        table = ByteTokenCounter()
        tables.append(table)
        n_documents = 0
        for block in corpus.iter_blocks(block_size):
            kept(table.update(block, keep_ids is not None), 0)
            n_documents += block.count(b"\n")
        maps = [np.arange(len(table), dtype=np.int64)]
    else:
        local = threading.local()
        parts: list[_ThreadCounts] = []
        lock = threading.Lock()

        def count(k: int, block: bytes):
            part = getattr(local, "part", None)
            if part is None:
                with lock:
                    part = local.part = _ThreadCounts(len(parts))
                    parts.append(part)
            return block.count(b"\n"), part.update(k, block, keep_ids is not None), part.number

        n_documents = 0
        for _, (lines, ids, number) in map_blocks(corpus, count, n_threads, block_size):
            n_documents += lines
            kept(ids, number)
        if parts:
            table, maps = ByteTokenCounter.merge([p.table for p in parts],
                                                 [p.first_blocks() for p in parts], n_threads)
        else:
            table, maps = ByteTokenCounter(), []
    scan = None
    if keep_ids is not None:
        scan = ScanLayout(np.asarray(ends, dtype=np.int64), np.asarray(owners, dtype=np.int64),
                          maps)
    return FileCounts(table, n_documents, scan)


class _ThreadCounts:
    """One worker's table, and the block where each of its tokens first appeared."""

    def __init__(self, number: int):
        self.number = number
        self.table = ByteTokenCounter()
        self.blocks: list[int] = []  # block numbers, in the order counted
        self.sizes: list[int] = []  # the table's size after each

    def update(self, k: int, block: bytes, keep_ids: bool) -> np.ndarray | None:
        ids = self.table.update(block, keep_ids)
        self.blocks.append(k)
        self.sizes.append(len(self.table))
        return ids

    def first_blocks(self) -> np.ndarray:
        new = np.diff(np.asarray([0, *self.sizes], dtype=np.int64))
        return np.repeat(np.asarray(self.blocks, dtype=np.int64), new)
