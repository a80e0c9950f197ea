"""A hash table of byte tokens, filled and read by numba kernels over blocks of text.

These kernels walk the bytes with no Python object per token, several
times faster than ``bytes.split`` with a ``Counter`` and a ``bytes -> id``
dict, and than gensim's scan (the figures are on the benchmarks page of the
docs).

Tokens are runs of bytes other than ASCII whitespace (the bytes
``bytes.split()`` splits on); a newline also ends a document. Token ``k`` is
the ``k``-th distinct token seen, so table order is first-seen order.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_JIT = dict(nogil=True, cache=True)

# The bytes that bytes.split() treats as whitespace.
WHITESPACE = np.zeros(256, dtype=np.bool_)
WHITESPACE[list(b" \t\n\r\x0b\x0c")] = True
_NEWLINE = 10

_FNV_OFFSET = np.uint64(14695981039346656037)
_FNV_PRIME = np.uint64(1099511628211)

# Status codes the kernels return.
_DONE, _FULL, _UNKNOWN_TOKEN, _OUT_FULL = 0, 1, 2, 3


@njit(inline="always", **_JIT)
def _hash(buf, start, end):
    """FNV-1a over ``buf[start:end]``."""
    h = _FNV_OFFSET
    for i in range(start, end):
        h = (h ^ np.uint64(buf[i])) * _FNV_PRIME
    return h


@njit(inline="always", **_JIT)
def _find(buf, start, end, h, slots, spans, arena):
    """``(slot, token)``: the token's index, or -1 and the empty slot where it belongs.

    ``slots[s]`` holds ``(token + 1, hash)`` (0 when empty) so that a probe
    touches one cache line; ``spans[t]`` is ``(start, length)`` in ``arena``.
    """
    mask = len(slots) - 1
    s = np.int64(h & np.uint64(mask))
    n = end - start
    while True:
        t = np.int64(slots[s, 0]) - 1
        if t < 0:
            return s, -1
        if slots[s, 1] == h and spans[t, 1] == n:
            a = spans[t, 0]
            same = True
            for i in range(n):
                if arena[a + i] != buf[start + i]:
                    same = False
                    break
            if same:
                return s, t
        s = (s + 1) & mask


@njit(**_JIT)
def _count(buf, pos, ws, slots, spans, counts, arena, n, used):
    """Count the tokens of ``buf[pos:]``, adding new ones to the table.

    Returns ``(status, pos, n, used, n_read)``: on ``_FULL`` the table needs
    room before the token at ``pos`` (not yet counted) can be added.
    """
    size = len(buf)
    n_read = 0
    while True:
        while pos < size and ws[buf[pos]]:
            pos += 1
        if pos >= size:
            return _DONE, pos, n, used, n_read
        end = pos + 1
        while end < size and not ws[buf[end]]:
            end += 1
        h = _hash(buf, pos, end)
        s, t = _find(buf, pos, end, h, slots, spans, arena)
        if t < 0:
            length = end - pos
            if n == len(counts) or 2 * (n + 1) > len(slots) or used + length > len(arena):
                return _FULL, pos, n, used, n_read
            slots[s, 0] = n + 1
            slots[s, 1] = h
            spans[n, 0] = used
            spans[n, 1] = length
            counts[n] = 0
            arena[used : used + length] = buf[pos:end]
            used += length
            t = n
            n += 1
        counts[t] += 1
        n_read += 1
        pos = end


@njit(**_JIT)
def _lookup(buf, slots, spans, arena):
    if len(buf) == 0:
        return -1
    return _find(buf, 0, len(buf), _hash(buf, 0, len(buf)), slots, spans, arena)[1]


@njit(**_JIT)
def _rehash(slots, size):
    """The table ``slots`` moved into a new one of ``size`` slots."""
    new = np.zeros((size, 2), dtype=np.uint64)
    mask = size - 1
    for old in range(len(slots)):
        if slots[old, 0] != 0:
            s = np.int64(slots[old, 1] & np.uint64(mask))
            while new[s, 0] != 0:
                s = (s + 1) & mask
            new[s, 0] = slots[old, 0]
            new[s, 1] = slots[old, 1]
    return new


@njit(**_JIT)
def _encode(
    buf, ws, slots, spans, arena, final_ids, max_length,
    ids_out, pos_out, ends_out, sentence_start, raw_in_sentence,
):
    """Write the final ids of ``buf``'s kept tokens from ``ids_out[pos_out]`` on.

    A sentence ends at each newline and after every ``max_length`` raw
    tokens of a line (``max_length <= 0``: never); the position in
    ``ids_out`` after each non-empty sentence goes to ``ends_out``. A block
    that does not end in a newline leaves its last line open: the next call
    continues it from ``sentence_start`` (where it began in ``ids_out``) and
    ``raw_in_sentence`` (its raw tokens so far).
    Returns ``(status, pos_out, n_ends, sentence_start, raw_in_sentence)``.
    """
    size = len(buf)
    n_ends = 0
    pos = 0
    while pos < size:
        c = buf[pos]
        if ws[c]:
            if c == _NEWLINE:
                if pos_out > sentence_start:
                    ends_out[n_ends] = pos_out
                    n_ends += 1
                sentence_start = pos_out
                raw_in_sentence = 0
            pos += 1
            continue
        end = pos + 1
        while end < size and not ws[buf[end]]:
            end += 1
        h = _hash(buf, pos, end)
        t = _find(buf, pos, end, h, slots, spans, arena)[1]
        if t < 0:
            return _UNKNOWN_TOKEN, pos_out, n_ends, sentence_start, raw_in_sentence
        f = final_ids[t]
        if f >= 0:
            if pos_out >= len(ids_out):
                return _OUT_FULL, pos_out, n_ends, sentence_start, raw_in_sentence
            ids_out[pos_out] = f
            pos_out += 1
        raw_in_sentence += 1
        if raw_in_sentence == max_length:
            if pos_out > sentence_start:
                ends_out[n_ends] = pos_out
                n_ends += 1
            sentence_start = pos_out
            raw_in_sentence = 0
        pos = end
    return _DONE, pos_out, n_ends, sentence_start, raw_in_sentence


class ByteTokenCounter:
    """Distinct byte tokens with their counts, in first-seen order.

    Examples
    --------
    >>> counter = ByteTokenCounter()
    >>> counter.update(b"to be or\\nnot to  be\\n")
    >>> counter.tokens(), counter.counts.tolist(), counter.n_read
    ([b'to', b'be', b'or', b'not'], [2, 2, 1, 1], 6)
    >>> counter.find(b"or"), counter.find("ton")
    (2, -1)
    """

    def __init__(self, capacity: int = 1 << 12):
        self._slots = np.zeros((2 * capacity, 2), dtype=np.uint64)  # a power of two
        self._spans = np.zeros((capacity, 2), dtype=np.int64)
        self._counts = np.zeros(capacity, dtype=np.int64)
        self._arena = np.zeros(8 * capacity, dtype=np.uint8)
        self._n = 0
        self._used = 0
        self.n_read = 0

    def __len__(self) -> int:
        return self._n

    @property
    def counts(self) -> np.ndarray:
        """Count of each token, in first-seen order (a view)."""
        return self._counts[: self._n]

    def tokens(self, which: np.ndarray | None = None) -> list[bytes]:
        """The distinct tokens in first-seen order, or those of the indices ``which``."""
        spans = self._spans[: self._n] if which is None else self._spans[: self._n][which]
        arena = self._arena
        return [arena[s : s + n].tobytes() for s, n in spans.tolist()]

    def find(self, token: bytes | str) -> int:
        """The index of ``token`` (a str is UTF-8 encoded), -1 if never seen."""
        if isinstance(token, str):
            token = token.encode("utf-8")
        buf = np.frombuffer(token, dtype=np.uint8)
        return int(_lookup(buf, self._slots, self._spans, self._arena))

    def non_ascii(self) -> np.ndarray:
        """Whether each token holds a byte above 127 (bool array, first-seen order)."""
        high = np.zeros(self._used + 1, dtype=np.int64)
        np.cumsum(self._arena[: self._used] >= 0x80, out=high[1:])
        starts = self._spans[: self._n, 0]
        return high[starts + self._spans[: self._n, 1]] > high[starts]

    def update(self, block: bytes) -> None:
        """Count the tokens of ``block``."""
        buf = np.frombuffer(block, dtype=np.uint8)
        pos = 0
        while True:
            status, pos, self._n, self._used, n_read = _count(
                buf, pos, WHITESPACE, self._slots, self._spans, self._counts,
                self._arena, self._n, self._used,
            )
            self.n_read += n_read
            if status == _DONE:
                return
            self._grow(needed_bytes=len(buf) - pos)

    def _grow(self, needed_bytes: int) -> None:
        # Double whatever is full; the arena also fits the token that did not.
        if self._n == len(self._counts):
            for name in ("_spans", "_counts"):
                old = getattr(self, name)
                new = np.zeros((2 * len(old), *old.shape[1:]), dtype=old.dtype)
                new[: self._n] = old[: self._n]
                setattr(self, name, new)
        if 2 * (self._n + 1) > len(self._slots):
            self._slots = _rehash(self._slots, 2 * len(self._slots))
        if self._used + needed_bytes > len(self._arena):
            new = np.zeros(max(2 * len(self._arena), self._used + needed_bytes), dtype=np.uint8)
            new[: self._used] = self._arena[: self._used]
            self._arena = new

    def encoder(self, final_ids: np.ndarray, max_length: int | None) -> BlockEncoder:
        """An encoder writing ``final_ids[k]`` for token ``k`` (skipped if negative)."""
        return BlockEncoder(self, final_ids, max_length)


class BlockEncoder:
    """Encodes blocks of text with a :class:`ByteTokenCounter`'s tokens."""

    def __init__(self, table: ByteTokenCounter, final_ids: np.ndarray, max_length: int | None):
        if len(final_ids) != len(table):
            raise ValueError("final_ids needs one entry per token of the table.")
        self._table = table
        self._final_ids = np.ascontiguousarray(final_ids, dtype=np.int32)
        self._max_length = 0 if max_length is None else int(max_length)
        self._ends = np.zeros(0, dtype=np.int64)
        # The line a block left open (see _encode): where its sentence began, its raw tokens.
        self._sentence_start = 0
        self._raw_in_sentence = 0

    def encode(self, block: bytes, ids_out: np.ndarray, pos: int) -> tuple[int, np.ndarray]:
        """Encode ``block`` into ``ids_out`` from ``pos`` on.

        Blocks are consecutive text: a block that does not end in a newline
        (a long line cut, see :meth:`~sklearn_w2v.text.LineCorpus.iter_blocks`)
        leaves its last sentence open for the next block to continue, so the
        cuts every ``max_length`` raw tokens fall where they would in one
        block; :meth:`finish` closes it.

        Returns
        -------
        pos : int
            Where the next block goes.
        ends : ndarray of int64
            End of each non-empty sentence in ``ids_out`` (a view, valid
            until the next call).

        Raises
        ------
        RuntimeError
            If ``block`` holds a token the table has not counted, or more
            kept tokens than ``ids_out`` has room for.
        """
        buf = np.frombuffer(block, dtype=np.uint8)
        # At most one sentence per line, plus one per cut; a token takes 2 bytes or more.
        n_cuts = (len(buf) + 1) // 2 // self._max_length if self._max_length > 0 else 0
        n_max = block.count(b"\n") + 1 + n_cuts
        if len(self._ends) < n_max:
            self._ends = np.zeros(n_max, dtype=np.int64)
        t = self._table
        if self._raw_in_sentence == 0:  # no open line: a sentence begins here
            self._sentence_start = pos
        status, pos, n_ends, self._sentence_start, self._raw_in_sentence = _encode(
            buf, WHITESPACE, t._slots, t._spans, t._arena, self._final_ids, self._max_length,
            ids_out, pos, self._ends, self._sentence_start, self._raw_in_sentence,
        )
        if status != _DONE:
            raise RuntimeError("The corpus files changed between the two passes.")
        return pos, self._ends[:n_ends]

    def finish(self, pos: int) -> np.ndarray:
        """The end of the sentence the last block left open (none, or ``[pos]``), closing it.

        ``pos`` is what the last :meth:`encode` returned.
        """
        is_open = self._raw_in_sentence > 0 and pos > self._sentence_start
        self._sentence_start, self._raw_in_sentence = pos, 0
        return np.array([pos] if is_open else [], dtype=np.int64)
