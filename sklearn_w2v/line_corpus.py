"""Corpora read from text files: one document per line, tokens separated by whitespace."""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterator, Sequence

PathLike = str | os.PathLike

# Large enough that per-block overhead vanishes (a thousand blocks per GB),
# small enough that the ~50 bytes of Python objects per token of a block stay
# a small transient next to the encoded corpus.
DEFAULT_BLOCK_SIZE = 1 << 20  # 1 MiB of text


def _open_binary(path: PathLike):
    """Open ``path`` for reading bytes; ``.gz`` files are decompressed on the fly."""
    path = os.fspath(path)
    if path.endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")


def _file_blocks(path: str, block_size: int) -> Iterator[bytes]:
    """The blocks of :meth:`LineCorpus.iter_blocks` for one file."""
    with _open_binary(path) as f:
        pending: list[bytes] = []  # the start of a line cut by the previous read
        while data := f.read(block_size):
            cut = data.rfind(b"\n") + 1
            if cut == 0:  # no line ends here: keep reading
                pending.append(data)
                continue
            head = data if cut == len(data) else data[:cut]
            yield b"".join((*pending, head)) if pending else head
            pending = [data[cut:]] if cut < len(data) else []
        if pending:  # a last line without its newline
            pending.append(b"\n")
            yield b"".join(pending)


class LineCorpus:
    """Documents from one or more text files, one document per line.

    Tokens are separated by ASCII whitespace, as in the word2vec C tool and
    gensim's ``LineSentence``; no lowercasing or other normalisation is
    applied. Bytes that are not valid UTF-8 are decoded to U+FFFD
    (``errors="replace"``), so a stray byte never stops training halfway.
    Files ending in ``.gz`` are decompressed on the fly.

    The corpus is re-iterable: every iteration reads the files again.
    ``W2V.fit`` does not iterate it document by document but reads the files
    twice in large blocks (count, then encode; see
    :mod:`sklearn_w2v.corpus_file`), with the same result, unless
    ``max_vocab_size`` asks for gensim's pruning during the scan.

    Parameters
    ----------
    paths : path or sequence of paths
        Text files, read in the given order.

    Examples
    --------
    >>> from gensim.test.utils import datapath
    >>> corpus = LineCorpus(datapath("lee_background.cor"))
    >>> next(iter(corpus))[:4]
    ['Hundreds', 'of', 'people', 'have']
    """

    def __init__(self, paths: PathLike | Sequence[PathLike]):
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        self.paths = [os.fspath(p) for p in paths]
        if not self.paths:
            raise ValueError("LineCorpus needs at least one file.")
        for path in self.paths:
            if not os.path.isfile(path):
                raise FileNotFoundError(f"Corpus file not found: {path!r}")

    def __iter__(self) -> Iterator[list[str]]:
        for path in self.paths:
            with _open_binary(path) as f:
                for line in f:
                    yield [t.decode("utf-8", "replace") for t in line.split()]

    def iter_blocks(self, block_size: int = DEFAULT_BLOCK_SIZE) -> Iterator[bytes]:
        """Yield the raw text of the files in blocks of whole lines.

        Every block holds one or more complete lines and ends with ``b"\\n"``
        (one is added after a file's last line if it lacks it), so
        ``block.count(b"\\n")`` is its number of documents and a block never
        spans two files. A block is about ``block_size`` bytes, more when a
        single line is longer.

        Examples
        --------
        >>> from gensim.test.utils import datapath
        >>> corpus = LineCorpus(datapath("lee_background.cor"))
        >>> blocks = list(corpus.iter_blocks(1 << 16))
        >>> len(blocks), sum(b.count(b"\\n") for b in blocks) == sum(1 for _ in corpus)
        (7, True)
        """
        if block_size < 1:
            raise ValueError(f"block_size must be positive, got {block_size}.")
        for path in self.paths:
            yield from _file_blocks(path, block_size)

    def __repr__(self) -> str:
        return f"LineCorpus({self.paths!r})"
