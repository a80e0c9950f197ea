"""Corpora read from text files: one document per line, tokens separated by whitespace."""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterator, Sequence

PathLike = str | os.PathLike


def _open_binary(path: PathLike):
    """Open ``path`` for reading bytes; ``.gz`` files are decompressed on the fly."""
    path = os.fspath(path)
    if path.endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")


class LineCorpus:
    """Documents from one or more text files, one document per line.

    Tokens are separated by ASCII whitespace, as in the word2vec C tool and
    gensim's ``LineSentence``; no lowercasing or other normalisation is
    applied. Bytes that are not valid UTF-8 are decoded to U+FFFD
    (``errors="replace"``), so a stray byte never stops training halfway.
    Files ending in ``.gz`` are decompressed on the fly.

    The corpus is re-iterable: every iteration reads the files again.

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

    def __repr__(self) -> str:
        return f"LineCorpus({self.paths!r})"
