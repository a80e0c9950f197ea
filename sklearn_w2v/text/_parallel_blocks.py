"""The blocks of a :class:`LineCorpus` handed to worker threads, with the results in text order."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from ._line_corpus import DEFAULT_BLOCK_SIZE, LineCorpus

R = TypeVar("R")


def map_blocks(
    corpus: LineCorpus,
    work: Callable[[int, bytes], R],
    n_threads: int = 1,
    block_size: int = DEFAULT_BLOCK_SIZE,
) -> Iterator[tuple[bytes, R]]:
    """Yield ``(block, work(k, block))`` for the ``k``-th block of ``corpus``, in text order.

    With ``n_threads > 1`` the calling thread reads the blocks (and
    decompresses them) while ``n_threads`` worker threads run ``work``:
    it pays when ``work`` releases the GIL (numba ``nogil`` kernels do).
    At most ``2 * n_threads`` blocks are read ahead, so memory stays bounded
    whatever the size of the corpus. Each worker takes its blocks in
    increasing ``k`` (the pool hands them out first in, first out), which
    lets per-thread state recover the text order later. An exception in
    ``work`` comes out of the iteration; closing the iterator early waits
    for the blocks already running, and cancels the others.

    Parameters
    ----------
    corpus : LineCorpus
    work : callable (int, bytes) -> object
        Called once per block, with its number and its bytes.
    n_threads : int, default=1
        Worker threads; 1 runs ``work`` in the calling thread.
    block_size : int
        As in :meth:`LineCorpus.iter_blocks`.

    Examples
    --------
    >>> from gensim.test.utils import datapath
    >>> corpus = LineCorpus(datapath("lee_background.cor"))
    >>> lines = [n for _, n in map_blocks(corpus, lambda k, b: b.count(b"\\n"), 2, 1 << 16)]
    >>> len(lines), sum(lines)
    (7, 300)
    """
    if n_threads < 1:
        raise ValueError(f"n_threads must be at least 1, got {n_threads}.")
    if n_threads == 1:
        for k, block in enumerate(corpus.iter_blocks(block_size)):
            yield block, work(k, block)
        return
    pending: deque = deque()
    with ThreadPoolExecutor(n_threads, thread_name_prefix="sklearn_w2v-blocks") as pool:
        try:
            for k, block in enumerate(corpus.iter_blocks(block_size)):
                pending.append((block, pool.submit(work, k, block)))
                if len(pending) >= 2 * n_threads:
                    block, future = pending.popleft()
                    yield block, future.result()
            while pending:
                block, future = pending.popleft()
                yield block, future.result()
        finally:
            for _, future in pending:
                future.cancel()
