"""A hash table of byte tokens, filled and read by numba kernels over blocks of text.

These kernels walk the bytes with no Python object per token, several
times faster than ``bytes.split`` with a ``Counter`` and a ``bytes -> id``
dict, and than gensim's scan (the figures are on the benchmarks page of the
docs).

Tokens are runs of bytes other than ASCII whitespace (the bytes
``bytes.split()`` splits on); a newline also ends a document. Token ``k`` is
the ``k``-th distinct token seen, so table order is first-seen order.

Layout, for few memory touches per token: a slot of the open-addressing
table holds the token's first 8 bytes, its index and length, and its count.
A token of at most 8 bytes is then found, and counted, by reading its one
slot (most words of a text are that short); a longer one also compares its
remaining bytes with the copy kept in the arena. While counting, a block can
also give each token's index (and -1 at each line end): the *scan ids* that
encoding later turns into word ids without hashing the text again.

The counting kernel reads the text in batches of tokens, asking for each
one's slot before probing the first (the misses of a batch overlap). Tables
that counted different blocks at once are merged in parallel partitions of
the hash space (:meth:`ByteTokenCounter.merge`).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numba import njit

from .._cache_hints import prefetch

_JIT = dict(nogil=True, cache=True)

# The bytes that bytes.split() treats as whitespace.
WHITESPACE = np.zeros(256, dtype=np.bool_)
WHITESPACE[list(b" \t\n\r\x0b\x0c")] = True
_NEWLINE = 10
#: The scan id of a line end.
LINE_END = -1

_FNV_OFFSET = np.uint64(14695981039346656037)
_FNV_PRIME = np.uint64(1099511628211)

# A slot: (first 8 bytes, meta, count); meta = token + 1 in the low 40 bits, the length (at most
# _LEN_MAX) above; 0 when empty.
_KEY, _META, _COUNT = 0, 1, 2
_INDEX_BITS = np.uint64(40)
_INDEX_MASK = np.uint64((1 << 40) - 1)
_LEN_MAX = (1 << 24) - 1

# Status codes the kernels return.
_DONE, _FULL = 0, 1


@njit(inline="always", **_JIT)
def _meta_length(length):
    return np.uint64(min(length, _LEN_MAX)) << _INDEX_BITS


@njit(inline="always", **_JIT)
def _probe(slots, s, key, meta_length):
    """The first slot from ``s`` on that is empty or holds a token of this key and length.

    ``slots[s]`` holds a token's first 8 bytes (``key``), its index and
    length, so that a token of at most 8 bytes is found in one slot; a
    longer one also needs :func:`_same_tail`.
    """
    mask = len(slots) - 1
    while True:
        meta = slots[s, _META]
        if meta == 0 or (slots[s, _KEY] == key and (meta & ~_INDEX_MASK) == meta_length):
            return s
        s = (s + 1) & mask


@njit(inline="always", **_JIT)
def _same_tail(buf, start, n, t, spans, arena):
    """Whether token ``t`` (``spans[t]`` is ``(start, length)`` in ``arena``) is
    ``buf[start:start + n]``, its first 8 bytes being the same.
    """
    if spans[t, 1] != n:
        return False
    a = spans[t, 0]
    for i in range(8, n):
        if arena[a + i] != buf[start + i]:
            return False
    return True


@njit(inline="always", **_JIT)
def _find(buf, start, end, h, key, slots, spans, arena):
    """``(slot, token)``: the token's slot and index, or the empty slot where it belongs and -1.

    (The counting loop has these lines written out: see :func:`_count`.)
    """
    n = end - start
    meta_length = _meta_length(n)
    s = np.int64(h & np.uint64(len(slots) - 1))
    while True:
        s = _probe(slots, s, key, meta_length)
        meta = slots[s, _META]
        if meta == 0:
            return s, -1
        t = np.int64(meta & _INDEX_MASK) - 1
        if n <= 8 or _same_tail(buf, start, n, t, spans, arena):
            return s, t
        s = (s + 1) & (len(slots) - 1)


@njit(inline="always", **_JIT)
def _key_of(buf, start, end):
    """The first (up to) 8 bytes of ``buf[start:end]``, little-endian, zero-padded."""
    key = np.uint64(0)
    for i in range(min(end - start, 8)):
        key |= np.uint64(buf[start + i]) << np.uint64(8 * i)
    return key


@njit(inline="always", **_JIT)
def _hash(buf, start, end):
    """FNV-1a over ``buf[start:end]``."""
    h = _FNV_OFFSET
    for i in range(start, end):
        h = (h ^ np.uint64(buf[i])) * _FNV_PRIME
    return h


@njit(inline="always", **_JIT)
def _add(buf, start, end, s, key, meta_length, slots, spans, arena, n, used):
    """Put ``buf[start:end]`` in the empty slot ``s`` as token ``n`` (count 0); returns ``n``.
    The caller has checked that the table has room.
    """
    slots[s, _KEY] = key
    slots[s, _META] = np.uint64(n + 1) | meta_length
    slots[s, _COUNT] = 0
    spans[n, 0] = used
    spans[n, 1] = end - start
    arena[used : used + end - start] = buf[start:end]
    return n


#: Tokens the counting kernel reads ahead: their slots are asked for (prefetched) before the
#: first of them is probed, so that the cache misses of a batch overlap (about a fifth less
#: time counting en-mix on one thread than probing each token as it is read).
_BATCH = 32


@njit(**_JIT)
def _count(buf, pos, ws, slots, spans, arena, n, used, ids, n_ids, keep_ids):
    """Count the tokens of ``buf[pos:]``, adding new ones to the table.

    With ``keep_ids``, each token's index (and ``LINE_END`` at each newline)
    goes to ``ids[n_ids:]``. Returns ``(status, pos, n, used, n_read,
    n_ids)``: on ``_FULL`` the table needs room before the token at ``pos``
    (not yet counted) can be added.

    The text is read in batches of :data:`_BATCH` tokens: first their
    bounds, hashes and first 8 bytes (and the line ends before each), with
    a prefetch of each one's home slot, then the probes in text order.
    """
    size = len(buf)
    mask = len(slots) - 1
    n_read = 0
    starts = np.empty(_BATCH, dtype=np.int64)
    ends = np.empty(_BATCH, dtype=np.int64)
    hashes = np.empty(_BATCH, dtype=np.uint64)
    keys = np.empty(_BATCH, dtype=np.uint64)
    line_ends = np.empty(_BATCH + 1, dtype=np.int64)  # before each token, and after the last
    while True:
        m = 0
        line_ends[_BATCH] = 0  # a full batch: the next one counts what follows its last token
        while m < _BATCH:
            lines = 0
            while pos < size and ws[buf[pos]]:
                if buf[pos] == _NEWLINE:
                    lines += 1
                pos += 1
            line_ends[m] = lines
            if pos >= size:
                break
            # The hash and the first 8 bytes, in the pass that finds the token's end.
            h = _FNV_OFFSET
            key = np.uint64(0)
            end = pos
            while end < size and not ws[buf[end]]:
                b = np.uint64(buf[end])
                h = (h ^ b) * _FNV_PRIME
                if end - pos < 8:
                    key |= b << np.uint64(8 * (end - pos))
                end += 1
            starts[m] = pos
            ends[m] = end
            hashes[m] = h
            keys[m] = key
            prefetch(slots, np.int64(h & np.uint64(mask)), 0)
            m += 1
            pos = end
        for j in range(m + 1):
            if keep_ids:
                for _ in range(line_ends[j]):
                    ids[n_ids] = LINE_END
                    n_ids += 1
            if j == m:
                break
            start = starts[j]
            key = keys[j]
            length = ends[j] - start
            # _find written out: as a call per token (passing the four arrays) it took twice
            # the time (measured on en-mix), and this is the hot loop of the whole file path.
            meta_length = _meta_length(length)
            s = np.int64(hashes[j] & np.uint64(mask))
            while True:
                s = _probe(slots, s, key, meta_length)
                meta = slots[s, _META]
                if meta == 0:
                    break
                t = np.int64(meta & _INDEX_MASK) - 1
                if length <= 8 or _same_tail(buf, start, length, t, spans, arena):
                    break
                s = (s + 1) & mask
            if meta == 0:  # a new token
                if n == len(spans) or 2 * (n + 1) > len(slots) or used + length > len(arena):
                    # Resumes at this token: the line ends before it are written.
                    return _FULL, start, n, used, n_read, n_ids
                t = _add(buf, start, ends[j], s, key, meta_length, slots, spans, arena, n, used)
                n += 1
                used += length
            slots[s, _COUNT] += 1
            if keep_ids:
                ids[n_ids] = t
                n_ids += 1
            n_read += 1
        if m < _BATCH:
            return _DONE, pos, n, used, n_read, n_ids


@njit(**_JIT)
def _token_hashes(spans, arena, n):
    """The hash of each of the first ``n`` tokens (``spans[t]`` is ``(start, length)`` in
    ``arena``).
    """
    out = np.empty(n, dtype=np.uint64)
    for t in range(n):
        a = spans[t, 0]
        out[t] = _hash(arena, a, a + spans[t, 1])
    return out


@njit(**_JIT)
def _dedup_part(arena, spans, hashes, firsts, counts, parts, part, n_entries, token_of):
    """The distinct tokens among the entries of partition ``part`` (``parts[e] == part``).

    The entries are tokens of several tables, one after another in
    ``spans``/``arena``; an entry equal to an earlier one of the partition
    gets its number. ``token_of[e]`` receives each entry's number in the
    partition (the entries of other partitions are left alone, so the
    partitions can run at once on one ``token_of``). Returns, for each
    distinct token, its first entry in text order (smallest ``firsts``,
    the block where a table first saw it: a block belongs to one table, so
    there are no ties) and its count summed over the entries.
    """
    size = 1
    while size < 2 * n_entries:
        size *= 2
    mask = size - 1
    slots = np.zeros((size, 2), dtype=np.uint64)  # the table's (first 8 bytes, meta), no count
    reps = np.empty(n_entries, dtype=np.int64)
    totals = np.zeros(n_entries, dtype=np.int64)
    n = 0
    for e in range(len(parts)):
        if parts[e] != part:
            continue
        a = spans[e, 0]
        length = spans[e, 1]
        key = _key_of(arena, a, a + length)
        meta_length = _meta_length(length)
        s = np.int64(hashes[e] & np.uint64(mask))
        while True:  # as in _count, but a token's bytes are those of its first entry
            s = _probe(slots, s, key, meta_length)
            meta = slots[s, _META]
            if meta == 0:
                break
            t = np.int64(meta & _INDEX_MASK) - 1
            if length <= 8 or _same_tail(arena, a, length, reps[t], spans, arena):
                break
            s = (s + 1) & mask
        if meta == 0:  # a new token
            t = n
            n += 1
            slots[s, _KEY] = key
            slots[s, _META] = np.uint64(t + 1) | meta_length
            reps[t] = e
        elif firsts[e] < firsts[reps[t]]:
            reps[t] = e
        totals[t] += counts[e]
        token_of[e] = t
    return reps[:n], totals[:n]


@njit(**_JIT)
def _gather_tokens(src_arena, src_spans, which):
    """The tokens ``src_spans[which]`` copied one after another into a new arena:
    ``(spans, arena)``.
    """
    spans = np.empty((len(which), 2), dtype=np.int64)
    used = 0
    for j in range(len(which)):
        spans[j, 0] = used
        spans[j, 1] = src_spans[which[j], 1]
        used += spans[j, 1]
    arena = np.empty(max(used, 1), dtype=np.uint8)
    for j in range(len(which)):
        a = src_spans[which[j], 0]
        arena[spans[j, 0] : spans[j, 0] + spans[j, 1]] = src_arena[a : a + spans[j, 1]]
    return spans, arena


@njit(**_JIT)
def _fill_slots(size, spans, arena, counts, n):
    """A table of ``size`` slots holding the first ``n`` tokens of ``spans``/``arena`` (all
    distinct) with their ``counts``.
    """
    slots = np.zeros((size, 3), dtype=np.uint64)
    mask = size - 1
    for t in range(n):
        a = spans[t, 0]
        length = spans[t, 1]
        s = np.int64(_hash(arena, a, a + length) & np.uint64(mask))
        while slots[s, _META] != 0:
            s = (s + 1) & mask
        slots[s, _KEY] = _key_of(arena, a, a + length)
        slots[s, _META] = np.uint64(t + 1) | _meta_length(length)
        slots[s, _COUNT] = counts[t]
    return slots


@njit(**_JIT)
def _lookup(buf, slots, spans, arena):
    if len(buf) == 0:
        return -1
    return _find(buf, 0, len(buf), _hash(buf, 0, len(buf)), _key_of(buf, 0, len(buf)), slots,
                 spans, arena)[1]


@njit(**_JIT)
def _gather_counts(slots, n):
    """The count of each token, in token order."""
    counts = np.zeros(n, dtype=np.int64)
    for s in range(len(slots)):
        meta = slots[s, _META]
        if meta != 0:
            counts[np.int64(meta & _INDEX_MASK) - 1] = np.int64(slots[s, _COUNT])
    return counts


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
    >>> counter.update(b"be ton\\n", keep_ids=True).tolist()  # LINE_END is -1
    [1, 4, -1]
    """

    def __init__(self, capacity: int = 1 << 12):
        capacity = max(int(capacity), 1)
        self._slot_count = 1 << (2 * capacity - 1).bit_length()
        # None until needed: a merged table is built without (see _table_slots).
        self._slots: np.ndarray | None = np.zeros((self._slot_count, 3), dtype=np.uint64)
        self._spans = np.zeros((capacity, 2), dtype=np.int64)
        self._arena = np.zeros(8 * capacity, dtype=np.uint8)
        self._n = 0
        self._used = 0
        self._counts: np.ndarray | None = None  # gathered from the slots, until they change
        self.n_read = 0

    def __len__(self) -> int:
        return self._n

    @property
    def counts(self) -> np.ndarray:
        """Count of each token, in first-seen order."""
        if self._counts is None:
            self._counts = _gather_counts(self._table_slots(), self._n)
        return self._counts

    def tokens(self, which: np.ndarray | None = None) -> list[bytes]:
        """The distinct tokens in first-seen order, or those of the indices ``which``."""
        spans = self._spans[: self._n] if which is None else self._spans[: self._n][which]
        text = self._arena[: self._used].tobytes()  # slicing bytes: a third of the time
        return [text[s : s + n] for s, n in spans.tolist()]

    def find(self, token: bytes | str) -> int:
        """The index of ``token`` (a str is UTF-8 encoded), -1 if never seen."""
        if isinstance(token, str):
            token = token.encode("utf-8")
        buf = np.frombuffer(token, dtype=np.uint8)
        return int(_lookup(buf, self._table_slots(), self._spans, self._arena))

    def non_ascii(self) -> np.ndarray:
        """Whether each token holds a byte above 127 (bool array, first-seen order)."""
        high = np.zeros(self._used + 1, dtype=np.int64)
        np.cumsum(self._arena[: self._used] >= 0x80, out=high[1:])
        starts = self._spans[: self._n, 0]
        return high[starts + self._spans[: self._n, 1]] > high[starts]

    def update(self, block: bytes, keep_ids: bool = False) -> np.ndarray | None:
        """Count the tokens of ``block``.

        With ``keep_ids``, return its scan ids: each token's index in this
        table, in text order, with :data:`LINE_END` at each newline (int32;
        at most ``len(block)`` of them, as every one takes a byte).
        """
        buf = np.frombuffer(block, dtype=np.uint8)
        ids = np.empty(len(buf) if keep_ids else 0, dtype=np.int32)
        pos = n_ids = 0
        self._table_slots()
        self._counts = None
        while True:
            status, pos, self._n, self._used, n_read, n_ids = _count(
                buf, pos, WHITESPACE, self._slots, self._spans, self._arena, self._n,
                self._used, ids, n_ids, keep_ids,
            )
            self.n_read += n_read
            if status == _DONE:
                return ids[:n_ids] if keep_ids else None
            self._grow(needed_bytes=len(buf) - pos)

    def _grow(self, needed_bytes: int) -> None:
        # Double whatever is full; the arena also fits the token that did not.
        if self._n == len(self._spans):
            new = np.zeros((2 * len(self._spans), 2), dtype=np.int64)
            new[: self._n] = self._spans[: self._n]
            self._spans = new
        if 2 * (self._n + 1) > len(self._slots):
            self._slot_count = 2 * len(self._slots)
            self._slots = _fill_slots(self._slot_count, self._spans, self._arena,
                                      _gather_counts(self._slots, self._n), self._n)
        if self._used + needed_bytes > len(self._arena):
            new = np.zeros(max(2 * len(self._arena), self._used + needed_bytes), dtype=np.uint8)
            new[: self._used] = self._arena[: self._used]
            self._arena = new

    def _table_slots(self) -> np.ndarray:
        """The hash table's slots, filled from the tokens and counts if the table has none yet."""
        if self._slots is None:
            self._slots = _fill_slots(self._slot_count, self._spans, self._arena,
                                      self._counts, self._n)
        return self._slots

    @classmethod
    def merged(cls, tables: list[ByteTokenCounter], first_blocks: list[np.ndarray],
               n_threads: int = 1) -> ByteTokenCounter:
        """One table from tables that counted disjoint blocks of one text, in the text's first-seen
        order (see :meth:`merge`).
        """
        return cls.merge(tables, first_blocks, n_threads)[0]

    @classmethod
    def merge(cls, tables: list[ByteTokenCounter], first_blocks: list[np.ndarray],
              n_threads: int = 1) -> tuple[ByteTokenCounter, list[np.ndarray]]:
        """One table from tables that counted disjoint blocks of one text, and where each
        table's tokens went.

        ``first_blocks[i][k]`` is the number of the block (in text order)
        where ``tables[i]`` first saw its token ``k``; each table must have
        counted its blocks in increasing order, and no block twice. A
        token's first occurrence in the text is then its entry with the
        smallest block number, and within one block a table's own order is
        the text's, so ordering the distinct tokens by (block, index) gives
        exactly the table that counting all blocks in order would give.

        The tables' entries are split by hash into ``n_threads`` partitions
        that find their distinct tokens at once, each in a small table of
        its own (a token's entries all fall in one partition); what is left
        in one thread is a stable sort of the block numbers, which are
        sorted runs already, and array gathers. The result does not depend
        on ``n_threads``. The merged table fills its hash slots only when a
        lookup or an update needs them.

        Returns
        -------
        table : ByteTokenCounter
        index_maps : list of ndarray of int64
            ``index_maps[i][k]``: the merged index of ``tables[i]``'s token
            ``k`` (what turns its scan ids into the merged table's).
        """
        sizes = [len(t) for t in tables]
        firsts = np.concatenate([np.asarray(b, dtype=np.int64) for b in first_blocks]
                                + [np.zeros(0, np.int64)])
        if len(firsts) != sum(sizes):
            raise ValueError("first_blocks needs one block number per token of each table.")
        shift = np.cumsum([0] + [t._used for t in tables])[:-1]
        arena = np.concatenate([t._arena[: t._used] for t in tables] + [np.zeros(0, np.uint8)])
        spans = np.concatenate([t._spans[:n] + np.array([d, 0]) for t, n, d in
                                zip(tables, sizes, shift)] + [np.zeros((0, 2), np.int64)])
        n_parts = max(1, int(n_threads))
        token_of = np.empty(len(firsts), dtype=np.int64)
        with ThreadPoolExecutor(n_parts, thread_name_prefix="sklearn_w2v-merge") as pool:
            each = list(pool.map(lambda t: (_token_hashes(t._spans, t._arena, len(t)), t.counts),
                                 tables))
            hashes = np.concatenate([h for h, _ in each] + [np.zeros(0, np.uint64)])
            counts = np.concatenate([c for _, c in each] + [np.zeros(0, np.int64)])
            # The high bits pick the partition; the low ones, the slot within it.
            parts = ((hashes >> np.uint64(40)) % np.uint64(n_parts)).astype(np.int32)
            part_sizes = np.bincount(parts, minlength=n_parts)
            found = list(pool.map(
                lambda p: _dedup_part(arena, spans, hashes, firsts, counts, parts, p,
                                      part_sizes[p], token_of), range(n_parts)))
        # Each distinct token is its first entry; they go in text order: by block, and
        # within a block (all one table's) by entry. The entries' blocks are sorted runs, one
        # per table, which a stable sort merges.
        reps = np.concatenate([r for r, _ in found] + [np.zeros(0, np.int64)])
        is_rep = np.zeros(len(firsts), dtype=bool)
        is_rep[reps] = True
        by_entry = np.flatnonzero(is_rep)
        reps_in_order = by_entry[np.argsort(firsts[by_entry], kind="stable")]
        position = np.empty(len(firsts), dtype=np.int64)  # of each first entry
        position[reps_in_order] = np.arange(len(reps), dtype=np.int64)
        totals = np.empty(len(firsts), dtype=np.int64)
        totals[reps] = np.concatenate([c for _, c in found] + [np.zeros(0, np.int64)])
        base = np.cumsum([0] + [len(r) for r, _ in found])[:-1].astype(np.int64)
        index_of = position[reps[base[parts] + token_of]]
        out = cls(1)
        out._spans, out._arena = _gather_tokens(arena, spans, reps_in_order)
        out._n = len(reps)
        out._used = int(out._spans[:, 1].sum())
        out._counts = totals[reps_in_order]
        out._slots = None
        out._slot_count = 1 << (2 * max(out._n, 1) - 1).bit_length()
        out.n_read = sum(t.n_read for t in tables)
        bounds = np.cumsum([0, *sizes])
        return out, [index_of[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
