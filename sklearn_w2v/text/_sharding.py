"""Split line corpora into contiguous shards of about equal bytes, one per rank.

Each rank of a distributed run reads only its shard: a list of
:class:`~sklearn_w2v.text.Segment` to pass to
:class:`~sklearn_w2v.LineCorpus`. Reading shard 0, then shard 1, ... gives
exactly the documents of ``LineCorpus(paths)``, in the same order, each once.
"""

from __future__ import annotations

import operator
import os
from bisect import bisect_right
from collections.abc import Sequence

from .._files import PathLike, is_gzip, open_binary
from ._line_corpus import Segment, seek_line_start


def shard_files(paths: PathLike | Sequence[PathLike], n_shards: int) -> list[list[Segment]]:
    """Split the concatenation of text files into ``n_shards`` contiguous shards.

    The files, in the given order, are seen as one stream of
    ``sum(os.path.getsize(p))`` bytes, cut into ``n_shards`` ranges of about
    equal length; shard ``k`` gets the lines beginning in its range. Plain
    files may be cut anywhere: each cut is moved to the start of the next line
    (one short read per cut, never a pass over the file), so the segments
    returned begin and end at line boundaries. A ``.gz`` file cannot seek, so
    it is not cut: it goes whole to the shard holding the middle byte of its
    compressed bytes (its weight is its compressed size).

    A shard may be empty, e.g. with more shards than lines, or with a single
    ``.gz`` file and two shards: it is then ``[]`` (``LineCorpus([])`` is an
    error, so callers must handle that case). Every segment returned holds at
    least one line; empty files are left out.

    Parameters
    ----------
    paths : path or sequence of paths
        Text files, in corpus order (``.gz`` files are decompressed).
    n_shards : int
        Number of shards, at least 1 (e.g. the number of ranks).

    Returns
    -------
    shards : list of list of Segment
        ``n_shards`` lists; ``LineCorpus(shards[k])`` is shard ``k``'s corpus.

    Raises
    ------
    ValueError
        If ``n_shards < 1`` or ``paths`` is empty.
    FileNotFoundError
        If a file does not exist.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn_w2v import LineCorpus
    >>> path = os.path.join(tempfile.mkdtemp(), "t.txt")
    >>> with open(path, "wb") as f:
    ...     _ = f.write(b"a b c\\nd\\ne f\\ng h i j\\n")   # 20 bytes
    >>> shards = shard_files([path], 2)   # the cut at byte 10, in "e f", moves to 12
    >>> [(s.start, s.stop) for shard in shards for s in shard]
    [(0, 12), (12, None)]
    >>> [list(LineCorpus(shard)) for shard in shards]
    [[['a', 'b', 'c'], ['d'], ['e', 'f']], [['g', 'h', 'i', 'j']]]
    >>> shard_files([path], 5)[4]
    []
    """
    n_shards = _check_n_shards(n_shards)
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    paths = [os.fspath(p) for p in paths]
    if not paths:
        raise ValueError("shard_files needs at least one file.")
    for path in paths:
        if not os.path.isfile(path):
            raise FileNotFoundError(f"Corpus file not found: {path!r}")
    sizes = [os.path.getsize(p) for p in paths]
    total = sum(sizes)
    # Shard k holds the stream's bytes [bounds[k], bounds[k + 1]).
    bounds = [k * total // n_shards for k in range(n_shards + 1)]
    shards: list[list[Segment]] = [[] for _ in range(n_shards)]
    offset = 0
    for path, size in zip(paths, sizes):
        if is_gzip(path):
            if _has_lines_gz(path):
                # The shard holding the middle byte: compare doubled offsets to stay exact.
                k = bisect_right([2 * b for b in bounds], 2 * offset + size) - 1
                shards[min(k, n_shards - 1)].append(Segment(path))
        elif size:
            first = bisect_right(bounds, offset) - 1  # the shard holding the file's first byte
            inner = [b - offset for b in bounds[first + 1 :] if b < offset + size]
            cuts = [0, *_line_starts(path, inner), size]
            for k, (start, stop) in enumerate(zip(cuts, cuts[1:]), start=first):
                if start < stop:
                    shards[k].append(Segment(path, start, None if stop == size else stop))
        offset += size
    return shards


def _check_n_shards(n_shards) -> int:
    if isinstance(n_shards, bool):
        raise TypeError(f"n_shards must be an integer, got {n_shards!r}.")
    try:
        n_shards = operator.index(n_shards)
    except TypeError:
        raise TypeError(f"n_shards must be an integer, got {n_shards!r}.") from None
    if n_shards < 1:
        raise ValueError(f"n_shards must be at least 1, got {n_shards}.")
    return n_shards


def _line_starts(path: str, cuts: list[int]) -> list[int]:
    """The first line start at or after each of the (increasing) byte offsets ``cuts``."""
    with open(path, "rb") as f:
        return [seek_line_start(f, cut) for cut in cuts]


def _has_lines_gz(path: str) -> bool:
    """Whether the gzip file decompresses to at least one byte (one line)."""
    with open_binary(path) as f:
        return bool(f.read(1))
