"""Corpora read from text files: one document per line, tokens separated by whitespace."""

from __future__ import annotations

import numbers
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from gensim.test.utils import datapath

from .._files import PathLike, is_gzip, open_binary

# Large enough that per-block overhead vanishes (a thousand blocks per GB),
# small enough that the ~50 bytes of Python objects per token of a block stay
# a small transient next to the encoded corpus.
DEFAULT_BLOCK_SIZE = 1 << 20  # 1 MiB of text

# Reads made while looking for the end of a line cut by a segment's start.
SKIP_READ_SIZE = 1 << 16

#: Documents longer than this many tokens are trained as consecutive pieces of
#: at most this many (as gensim's LineSentence and corpus_file mode cut them);
#: windows never span a cut. Iterating a :class:`LineCorpus` yields a longer
#: line in such pieces, so that no line is ever held whole.
MAX_SENTENCE_LENGTH = 10_000

# The bytes bytes.split() splits on, other than the newline: where a line
# longer than a block may be cut without cutting a token.
_BLANKS = tuple(b" \t\r\x0b\x0c")


@dataclass(frozen=True)
class Segment:
    """The lines of a text file whose first byte lies in ``[start, stop)``.

    A line is the bytes up to and including its ``b"\\n"`` (the file's last
    line may lack it). A cut inside a line gives the whole line to the segment
    holding its first byte; a cut right after a ``b"\\n"`` is exact. So
    segments ``[0, c1)``, ``[c1, c2)``, ..., ``[ck, None)`` of one file hold
    each of its lines exactly once, in order, whatever the cut points.
    Reading a segment seeks to it; the file is never read from its beginning.

    Parameters
    ----------
    path : str or path-like
        A text file; stored as ``str``. ``.gz`` files cannot seek, so they
        only make whole-file segments (``start=0``, ``stop=None``).
    start : int, default=0
        Byte offset of the first byte a line may begin at.
    stop : int or None, default=None
        Lines beginning at or after this byte offset are left out (the last
        line kept may run past it); ``None`` is the end of the file.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "t.txt")
    >>> with open(path, "wb") as f:
    ...     _ = f.write(b"a b\\nc d\\ne\\n")   # lines begin at bytes 0, 4, 8
    >>> [b"".join(LineCorpus(s).iter_blocks()) for s in (Segment(path, 0, 5), Segment(path, 5))]
    [b'a b\\nc d\\n', b'e\\n']
    >>> list(LineCorpus(Segment(path, 4, 5)))
    [['c', 'd']]
    """

    path: str
    start: int = 0
    stop: int | None = None

    def __post_init__(self):
        if not isinstance(self.path, (str, os.PathLike)):
            raise TypeError(f"Segment path must be a str or path-like, got {self.path!r}.")
        object.__setattr__(self, "path", os.fspath(self.path))
        for name in ("start", "stop"):
            value = getattr(self, name)
            if value is None and name == "stop":
                continue
            if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                raise TypeError(f"Segment {name} must be an integer, got {value!r}.")
            object.__setattr__(self, name, int(value))
        if self.start < 0:
            raise ValueError(f"Segment start must be >= 0, got {self.start}.")
        if self.stop is not None and self.stop < self.start:
            raise ValueError(f"Segment stop ({self.stop}) must be >= start ({self.start}).")
        if is_gzip(self.path) and not self.whole_file:
            raise ValueError(
                f"A gzip file cannot seek, so its segment must be the whole file "
                f"(start=0, stop=None); got start={self.start}, stop={self.stop} "
                f"for {self.path!r}."
            )

    @property
    def whole_file(self) -> bool:
        """Whether the segment is the whole file."""
        return self.start == 0 and self.stop is None


def default_corpus() -> str:
    """Path of the Lee background corpus that ships with gensim's test data.

    300 news articles, one per line, about 60,000 tokens: the embedded
    default of the demo and the benchmark, so they run on any machine.
    """
    return datapath("lee_background.cor")


def seek_line_start(f, pos: int, read_size: int = SKIP_READ_SIZE) -> int:
    """Move the seekable binary file ``f`` to the first line beginning at or after ``pos``.

    Returns that offset (the file's size if no line begins there). A line
    begins at ``pos`` if ``pos`` is 0 or the byte before it is ``b"\\n"``;
    otherwise the rest of the line cut by ``pos`` is skipped, in reads that
    grow from 1 KiB to ``read_size`` bytes.
    """
    if pos == 0:
        f.seek(0)
        return 0
    f.seek(pos - 1)
    pos -= 1
    size = min(read_size, 1024)  # most lines are short: start small, then double
    while data := f.read(size):
        newline = data.find(b"\n")
        if newline >= 0:
            pos += newline + 1
            f.seek(pos)
            return pos
        pos += len(data)
        size = min(2 * size, read_size)
    return pos


def _range_chunks(f, pos: int, stop: int | None, block_size: int) -> Iterator[bytes]:
    """The raw bytes of the lines beginning in ``[pos, stop)``; ``f`` is at line start ``pos``."""
    if stop is None:
        while data := f.read(block_size):
            yield data
        return
    last = b"\n"  # the byte before pos, as far as finishing a line goes
    while pos < stop:
        data = f.read(min(block_size, stop - pos))
        if not data:
            return
        yield data
        pos += len(data)
        last = data[-1:]
    if last == b"\n":  # the cut at stop falls between two lines
        return
    size = min(block_size, 1024)  # finish the line holding byte stop - 1: most lines are short
    while data := f.read(size):
        size = min(2 * size, block_size)
        newline = data.find(b"\n")
        if newline >= 0:
            yield data[: newline + 1]
            return
        yield data


def _line_blocks(chunks: Iterable[bytes], block_size: int) -> Iterator[bytes]:
    """Regroup raw chunks into blocks of whole lines, each ending in ``b"\\n"``, except that a
    line longer than ``block_size`` is cut after a blank (never inside a token).
    """
    pending: list[bytes] = []  # the start of a line cut by the previous chunk
    pending_size = 0
    cut_line = False  # whether the last block yielded ended inside a line
    for data in chunks:
        cut = data.rfind(b"\n") + 1
        if cut == 0 and pending_size + len(data) >= block_size:
            # A long line: hand over the tokens read so far rather than hold the
            # whole line (a 100 MB line would otherwise be one 100 MB block).
            cut = max(data.rfind(blank) for blank in _BLANKS) + 1
        if cut == 0:  # no line ends here, no blank to cut after: keep reading
            pending.append(data)
            pending_size += len(data)
            continue
        head = data if cut == len(data) else data[:cut]
        yield b"".join((*pending, head)) if pending else head
        cut_line = head[-1:] != b"\n"
        pending = [data[cut:]] if cut < len(data) else []
        pending_size = len(data) - cut
    if pending or cut_line:  # a last line without its newline
        yield b"".join((*pending, b"\n"))


def _segment_blocks(segment: Segment, block_size: int) -> Iterator[bytes]:
    """The blocks of :meth:`LineCorpus.iter_blocks` for one segment."""
    with open_binary(segment.path) as f:
        pos = seek_line_start(f, segment.start, block_size)
        yield from _line_blocks(_range_chunks(f, pos, segment.stop, block_size), block_size)


def _pieces(tokens: list[bytes], limit: int) -> Iterator[list[str]]:
    """A line's tokens, decoded, in consecutive pieces of at most ``limit`` (an empty line: [])."""
    if not tokens:
        yield []
    for start in range(0, len(tokens), limit):
        yield [t.decode("utf-8", "replace") for t in tokens[start : start + limit]]


class LineCorpus:
    """Documents from one or more text files, one document per line.

    Tokens are separated by ASCII whitespace, as in the word2vec C tool and
    gensim's ``LineSentence``; no lowercasing or other normalisation is
    applied. Bytes that are not valid UTF-8 are decoded to U+FFFD
    (``errors="replace"``), so a stray byte never stops training halfway.
    Files ending in ``.gz`` are decompressed on the fly.

    The corpus is re-iterable: every iteration reads the files again, in
    blocks (:meth:`iter_blocks`), so memory stays bounded whatever the
    lengths of the lines: a line of more than :data:`MAX_SENTENCE_LENGTH`
    tokens comes as consecutive documents of that many tokens (the last one
    shorter), as gensim's ``LineSentence`` yields it and as training cuts
    it anyway. ``W2V.fit`` does not iterate it document by document but reads the files
    twice in large blocks (count, then encode; see
    :func:`sklearn_w2v.corpus.encode_line_corpus`), with the same result, unless
    ``max_vocab_size`` asks for gensim's pruning during the scan.

    Parameters
    ----------
    paths : path, Segment, or sequence of paths and Segments
        Text files, read in the given order; a :class:`Segment` stands for
        the lines of a byte range of a file (e.g. one rank's shard, see
        :func:`~sklearn_w2v.text.shard_files`), a path for the whole file.

    Attributes
    ----------
    segments : list of Segment
        What is read, in order; a path given is a whole-file segment.
    paths : list of str
        The file of each segment (the files given, when no segment is).

    See Also
    --------
    sklearn_w2v.shard_files : Plan byte-range segments of files, one share per process.
    sklearn_w2v.W2V : Takes a ``LineCorpus`` as ``X``.

    Examples
    --------
    >>> from gensim.test.utils import datapath
    >>> corpus = LineCorpus(datapath("lee_background.cor"))
    >>> next(iter(corpus))[:4]
    ['Hundreds', 'of', 'people', 'have']
    >>> half = LineCorpus(Segment(datapath("lee_background.cor"), 0, 100_000))
    >>> sum(1 for _ in half)
    89
    """

    def __init__(self, paths: PathLike | Segment | Sequence[PathLike | Segment]):
        if isinstance(paths, (str, os.PathLike, Segment)):
            paths = [paths]
        self.segments = [p if isinstance(p, Segment) else Segment(p) for p in paths]
        self.paths = [s.path for s in self.segments]
        if not self.segments:
            raise ValueError("LineCorpus needs at least one file.")
        for path in dict.fromkeys(self.paths):
            if not os.path.isfile(path):
                raise FileNotFoundError(f"Corpus file not found: {path!r}")

    def __iter__(self) -> Iterator[list[str]]:
        line: list[bytes] = []  # the tokens of a line that the blocks so far have cut
        for block in self.iter_blocks():
            *lines, rest = block.split(b"\n")
            for text in lines:
                tokens = line + text.split() if line else text.split()
                line = []
                yield from _pieces(tokens, MAX_SENTENCE_LENGTH)
            if rest:  # the block cut a long line: yield its full pieces, hold the rest
                line += rest.split()
                if len(line) > MAX_SENTENCE_LENGTH:  # keep 1 to MAX_SENTENCE_LENGTH tokens
                    cut = (len(line) - 1) // MAX_SENTENCE_LENGTH * MAX_SENTENCE_LENGTH
                    yield from _pieces(line[:cut], MAX_SENTENCE_LENGTH)
                    line = line[cut:]

    def iter_blocks(self, block_size: int = DEFAULT_BLOCK_SIZE) -> Iterator[bytes]:
        """Yield the raw text of the files in blocks of whole lines.

        Every block holds one or more complete lines and ends with ``b"\\n"``
        (one is added after a file's last line if it lacks it), except that a
        line longer than ``block_size`` comes in several consecutive blocks,
        each but the last ending after a blank (space, tab, ``\\r``, ``\\v``,
        ``\\f``) rather than a newline, so that no token is cut and no block
        outgrows about twice ``block_size`` (unless a single token does).
        ``block.count(b"\\n")`` is its number of line ends, and a block
        never spans two segments (or files).

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
        for segment in self.segments:
            yield from _segment_blocks(segment, block_size)

    def __repr__(self) -> str:
        items = [s.path if s.whole_file else s for s in self.segments]
        return f"LineCorpus({items!r})"
