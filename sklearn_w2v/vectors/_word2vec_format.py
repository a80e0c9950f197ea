"""Reading and writing the word2vec C tool's file formats, strictly and safely.

Vectors files start with a header line ``V D`` (number of words, dimensions),
followed by ``V`` rows in one of two layouts:

* text: ``word v1 v2 ... vD`` and a newline. Values are written with nine
  significant digits (``%.9g``), enough to give back every float32 exactly;
  the C tool's ``%lf`` keeps only six decimals. The reader also accepts the
  C tool's trailing space before the newline.
* binary: ``word``, one space, ``D`` little-endian float32 (``4 * D`` raw
  bytes) and a newline, exactly as the C tool writes them. The reader also
  accepts rows without the newline, as gensim writes them.

Vocabulary files hold one ``word count`` line per word, as the C tool's
``-save-vocab`` writes them. Classes files (``-classes``) hold one
``word class`` line per word and no header.

Reading is strict: anything that is not a well-formed file raises
:class:`Word2VecFormatError`, which names the file and the line number
(text) or byte offset (binary). In particular:

* the header must be two positive integers, and a plain file must be large
  enough for what the header declares *before* anything is allocated, so a
  lying header cannot exhaust memory (``.gz`` files, whose size is unknown,
  are read into storage that grows with the rows actually read);
* every row must have exactly ``D`` values; values are decimal numbers as
  Python's ``float`` reads them (no underscores);
* NaN and infinite values are refused: such vectors break every similarity
  computation, and a file holding them is almost surely corrupt;
* a word may appear only once (unless ``duplicates="keep_first"``: each
  word's first row is kept and the others are skipped, with a warning), must
  be non-empty and at most :data:`MAX_WORD_BYTES` bytes long;
* words must be valid UTF-8 unless ``unicode_errors`` says otherwise
  (``"replace"`` or ``"ignore"``, as in :meth:`bytes.decode`);
* data after the last declared row (other than newlines and spaces) is an
  error, as is an empty file.

Headerless text files (GloVe's layout: ``word v1 ... vD`` rows, no ``V D``
line) are read with ``no_header=True``, or recognised with
``no_header=None`` when the first line is a word followed by at least two
numbers rather than two integers; their rows are read as strictly, ``D``
being the number of values of the first row.

Writing is atomic: every writer writes a temporary file in the target's
folder and renames it over the target with :func:`os.replace` only once the
data is complete and flushed to disk, so an error or interrupt mid-save never
leaves a half-written file and an existing file survives intact. Words that
contain ASCII whitespace cannot be represented in these formats (whitespace
separates the fields) and are refused with :class:`ValueError`, as are empty
words and non-finite values. Paths ending in ``.gz`` are compressed or
decompressed on the fly.

Examples
--------
>>> import os, tempfile
>>> import numpy as np
>>> folder = tempfile.mkdtemp()
>>> path = os.path.join(folder, "vectors.bin")
>>> write_vectors(path, ["the", "cat"], np.eye(2, dtype=np.float32), binary=True)
>>> kv = read_vectors(path)
>>> kv.index_to_key, kv["cat"].tolist()
(['the', 'cat'], [0.0, 1.0])
"""

from __future__ import annotations

import os
import re
import warnings
import zlib
from collections.abc import Container, Iterable, Mapping, Sequence

import numpy as np
from gensim.models import KeyedVectors

from .._files import PathLike, is_gzip, open_binary
from ._atomic import atomic_write
from ._keyed_vectors import to_keyed_vectors

#: Longest word (in UTF-8 bytes) the readers accept; the C tool stops at 100.
MAX_WORD_BYTES = 10_000
#: Largest number of dimensions a header may declare.
MAX_DIMENSIONS = 1_000_000
#: Longest header line, in bytes.
MAX_HEADER_BYTES = 64
#: The C tool's end-of-line token, the first entry of its vocabulary files.
EOS = "</s>"
#: What :func:`read_vectors` does with a word listed twice.
DUPLICATE_POLICIES = ("error", "keep_first")

#: How words that are not valid UTF-8 are read (``unicode_errors``): an error, or decoded
#: with U+FFFD, or without the bad bytes (Python's codec error handlers, as gensim's).
UNICODE_ERRORS = ("strict", "replace", "ignore")
#: Most rows a headerless file may have (a bound for storage that grows as it reads).
MAX_HEADERLESS_ROWS = 1 << 40

_ASCII_WHITESPACE = re.compile(r"[ \t\n\r\v\f]")
_ASCII_WHITESPACE_BYTES = re.compile(rb"[ \t\n\r\v\f]")
_UNSIGNED = re.compile(rb"[0-9]+")
_CHUNK = 1 << 20
_BATCH_ROWS = 4096  # rows formatted per write call
# Storage for rows of compressed files (size unknown) grows from this many bytes.
_GROW_FROM_BYTES = 1 << 26
_CHECK_ROWS = 1 << 14  # rows checked for NaN and infinity at a time


class Word2VecFormatError(ValueError):
    """A word2vec vectors or vocabulary file is malformed.

    The message names the file and where the problem is: a line number for
    text files, a byte offset for binary ones.

    Attributes
    ----------
    path : str
        The file.
    line : int or None
        1-based line number, for text layouts.
    offset : int or None
        Byte offset from the start of the (decompressed) file, for binary rows.
    """

    def __init__(self, path, message: str, *, line: int | None = None, offset: int | None = None):
        self.path = os.fspath(path)
        self.line = line
        self.offset = offset
        where = self.path
        if line is not None:
            where += f", line {line}"
        if offset is not None:
            where += f", byte {offset}"
        super().__init__(f"{where}: {message}")


class DuplicateWordError(Word2VecFormatError):
    """A vectors file lists a word twice (``duplicates="error"``, the default)."""


class _TooLong(Word2VecFormatError):
    """No delimiter within the length limit (a line or word too long)."""


# ---------------------------------------------------------------- writing


def _check_word(word, what: str = "word") -> bytes:
    if not isinstance(word, str):
        raise TypeError(f"{what}s must be str, got {type(word).__name__}: {word!r}")
    if not word:
        raise ValueError(f"Empty {what} cannot be written in word2vec format.")
    if _ASCII_WHITESPACE.search(word):
        raise ValueError(
            f"{what.capitalize()} {word!r} contains whitespace, which separates fields "
            "in word2vec files; replace it (e.g. with '_') before saving."
        )
    encoded = word.encode("utf-8")
    if len(encoded) > MAX_WORD_BYTES:
        raise ValueError(
            f"{what.capitalize()} longer than {MAX_WORD_BYTES} bytes: {word[:40]!r}..."
        )
    return encoded


def _check_vectors(words: Sequence[str], vectors) -> np.ndarray:
    vectors = np.asarray(vectors)
    if vectors.ndim != 2 or vectors.shape[0] != len(words) or vectors.shape[1] < 1:
        raise ValueError(
            f"{len(words)} words need vectors of shape ({len(words)}, D) with D >= 1; "
            f"got shape {vectors.shape}"
        )
    if len(words) == 0:
        raise ValueError("No words to write.")
    if not np.issubdtype(vectors.dtype, np.number) or np.iscomplexobj(vectors):
        raise TypeError(f"vectors must be real numbers, got dtype {vectors.dtype}")
    vectors = np.ascontiguousarray(vectors, dtype="<f4")
    finite = np.isfinite(vectors).all(axis=1)
    if not finite.all():
        row = int(np.flatnonzero(~finite)[0])
        raise ValueError(f"Vector of {words[row]!r} (row {row}) has non-finite values.")
    return vectors


def _check_unique(words: Sequence[str]) -> list[bytes]:
    encoded = [_check_word(w) for w in words]
    if len(set(encoded)) != len(encoded):
        seen: set[bytes] = set()
        for w in words:
            if w.encode("utf-8") in seen:
                raise ValueError(f"Word {w!r} appears more than once.")
            seen.add(w.encode("utf-8"))
    return encoded


def write_vectors(path: PathLike, words: Sequence[str], vectors, *, binary: bool = False) -> None:
    """Write word vectors in the word2vec text or binary format.

    Parameters
    ----------
    path : path
        Target file; replaced atomically. ``.gz``: gzip-compressed.
    words : sequence of str
        One word per row, no ASCII whitespace, no duplicates.
    vectors : array-like of shape (len(words), D)
        Finite values; stored as float32.
    binary : bool, default=False
        Binary layout (raw little-endian float32) instead of text.

    Raises
    ------
    ValueError
        A word that is empty, contains whitespace or repeats; non-finite
        values; shapes that do not match.
    """
    words = list(words)
    encoded = _check_unique(words)
    vectors = _check_vectors(words, vectors)
    n, dim = vectors.shape
    with atomic_write(path) as f:
        f.write(f"{n} {dim}\n".encode("ascii"))
        batch: list[bytes] = []
        for i, word in enumerate(encoded):
            batch.append(_format_row(word, vectors[i], binary))
            if len(batch) >= _BATCH_ROWS:
                f.write(b"".join(batch))
                batch.clear()
        f.write(b"".join(batch))


def _format_row(word: bytes, row: np.ndarray, binary: bool) -> bytes:
    if binary:
        return word + b" " + row.tobytes() + b"\n"
    return word + b" " + " ".join(map("{:.9g}".format, row.tolist())).encode("ascii") + b"\n"


def write_keyed_vectors(path: PathLike, kv: KeyedVectors, *, binary: bool = False) -> None:
    """Write a gensim :class:`~gensim.models.KeyedVectors` with :func:`write_vectors`."""
    write_vectors(path, kv.index_to_key, kv.vectors, binary=binary)


def _pairs(vocabulary) -> list[tuple[str, object]]:
    items = vocabulary.items() if isinstance(vocabulary, Mapping) else vocabulary
    return [tuple(pair) for pair in items]


def write_vocabulary(
    path: PathLike, vocabulary: Mapping[str, int] | Iterable[tuple[str, int]]
) -> None:
    """Write ``word count`` lines, in the given order (the C tool's ``-save-vocab``).

    Parameters
    ----------
    path : path
        Target file; replaced atomically.
    vocabulary : mapping word -> count, or iterable of (word, count) pairs
        Counts must be positive integers; words as for :func:`write_vectors`.
    """
    pairs = _pairs(vocabulary)
    if not pairs:
        raise ValueError("No words to write.")
    _check_unique([w for w, _ in pairs])
    lines = []
    for word, count in pairs:
        if isinstance(count, (bool, np.bool_)) or not isinstance(count, (int, np.integer)):
            raise TypeError(f"Count of {word!r} must be an integer, got {count!r}")
        if count < 1:
            raise ValueError(f"Count of {word!r} must be positive, got {count}")
        lines.append(f"{word} {int(count)}\n")
    with atomic_write(path) as f:
        f.write("".join(lines).encode("utf-8"))


def write_classes(path: PathLike, words: Sequence[str], classes) -> None:
    """Write ``word class`` lines (the C tool's ``-classes`` output, no header)."""
    words = list(words)
    classes = np.asarray(classes)
    if classes.shape != (len(words),) or not np.issubdtype(classes.dtype, np.integer):
        raise ValueError(
            f"Need one integer class per word; got {classes.dtype} of shape {classes.shape}"
        )
    _check_unique(words)
    text = "".join(f"{w} {int(c)}\n" for w, c in zip(words, classes))
    with atomic_write(path) as f:
        f.write(text.encode("utf-8"))


# ---------------------------------------------------------------- reading


class _Stream:
    """Buffered reads that know their byte offset and line number."""

    def __init__(self, f, path: str):
        self.f = f
        self.path = path
        self.buf = b""
        self.pos = 0
        self.base = 0  # offset of buf[0] in the file
        self.line = 1  # maintained by read_line only

    @property
    def offset(self) -> int:
        return self.base + self.pos

    def error(self, message: str, *, line: bool = False, offset: int | None = None):
        if line:
            return Word2VecFormatError(self.path, message, line=self.line)
        return Word2VecFormatError(
            self.path, message, offset=self.offset if offset is None else offset
        )

    def _fill(self, need: int) -> bool:
        """Make ``need`` bytes available after ``pos``; False at end of file."""
        have = len(self.buf) - self.pos
        if have >= need:
            return True
        parts = [self.buf[self.pos :]]
        self.base += self.pos
        self.pos = 0
        try:
            while have < need:
                chunk = self.f.read(max(_CHUNK, need - have))
                if not chunk:
                    break
                parts.append(chunk)
                have += len(chunk)
        except (OSError, EOFError, zlib.error) as exc:
            raise Word2VecFormatError(
                self.path, f"cannot read: {exc}", offset=self.base + have
            ) from exc
        self.buf = b"".join(parts)
        return have >= need

    def read_exact(self, n: int) -> memoryview | None:
        if not self._fill(n):
            return None
        view = memoryview(self.buf)[self.pos : self.pos + n]
        self.pos += n
        return view

    def read_until(self, delim: bytes, limit: int) -> tuple[bytes, bool]:
        """Bytes up to ``delim`` (consumed, not returned), at most ``limit`` of them.

        Returns the bytes and whether ``delim`` was found (False: end of file).
        """
        while True:
            end = min(len(self.buf), self.pos + limit + 1)
            j = self.buf.find(delim, self.pos, end)
            if j >= 0:
                data = self.buf[self.pos : j]
                self.pos = j + 1
                return data, True
            if len(self.buf) - self.pos > limit:
                raise _TooLong(self.path, f"no {delim!r} within {limit} bytes", offset=self.offset)
            if not self._fill(len(self.buf) - self.pos + 1):
                data = self.buf[self.pos :]
                self.pos = len(self.buf)
                return data, False

    def read_line(self, limit: int) -> bytes | None:
        """The next line without its newline, or None at end of file."""
        if not self._fill(1):
            return None
        data, _ = self.read_until(b"\n", limit)
        self.line += 1
        return data

    def skip_blank(self) -> bool:
        """Skip spaces and newlines; True if they run to the end of the file."""
        while self._fill(1):
            chunk = self.buf[self.pos :]
            rest = chunk.lstrip(b" \n\r")
            skipped = len(chunk) - len(rest)
            self.line += chunk.count(b"\n", 0, skipped)
            self.pos += skipped
            if rest:
                return False
        return True


def _decode_word(
    stream: _Stream, raw: bytes, unicode_errors: str, *, line: bool, offset: int | None = None
) -> str:
    if not raw:
        raise stream.error("empty word", line=line, offset=offset)
    if _ASCII_WHITESPACE_BYTES.search(raw):
        raise stream.error(f"word {raw[:40]!r} contains whitespace", line=line, offset=offset)
    try:
        return raw.decode("utf-8", unicode_errors)
    except UnicodeDecodeError as exc:
        raise stream.error(
            f"word {raw[:40]!r} is not valid UTF-8 ({exc.reason}); "
            "pass unicode_errors='replace' to read it anyway",
            line=line,
            offset=offset,
        ) from None


def _check_unicode_errors(unicode_errors: str) -> None:
    if unicode_errors not in UNICODE_ERRORS:
        raise ValueError(
            f"unicode_errors must be 'strict', 'replace' or 'ignore', got {unicode_errors!r}"
        )


def _parse_header(stream: _Stream) -> tuple[int, int, int]:
    """``(n_words, dim, header_bytes)``; checks only the header's own form."""
    try:
        header, found = stream.read_until(b"\n", MAX_HEADER_BYTES)
    except _TooLong:
        raise Word2VecFormatError(
            stream.path,
            f"no header line 'V D' (no newline in the first {MAX_HEADER_BYTES} bytes)",
            line=1,
        ) from None
    if not header and not found:
        raise Word2VecFormatError(stream.path, "empty file", line=1)
    fields = header.split()
    if len(fields) != 2 or not all(_UNSIGNED.fullmatch(x) for x in fields):
        raise Word2VecFormatError(
            stream.path,
            "header must be two positive integers 'V D' (words, dimensions), "
            f"got {header[:MAX_HEADER_BYTES]!r}{_headerless_hint(header)}",
            line=1,
        )
    return _check_declared(stream, int(fields[0]), int(fields[1]))


def _headerless_hint(header: bytes) -> str:
    fields = header.split()
    if len(fields) >= 3 and _is_number(fields[1]):
        return " (a headerless GloVe-style file? read it with no_header=True)"
    return ""


def _first_line(stream: _Stream) -> bytes:
    """The first line (or up to :data:`MAX_WORD_BYTES` bytes of it), without consuming it."""
    stream._fill(MAX_WORD_BYTES + 64 * 1024)
    window = stream.buf[stream.pos : stream.pos + MAX_WORD_BYTES + 64 * 1024]
    return window.split(b"\n", 1)[0]


def _is_headerless(stream: _Stream) -> bool:
    """Whether the file starts with a vector row (a word, then >= 2 numbers), not ``V D``."""
    fields = _first_line(stream).split()
    if len(fields) == 2 and all(_UNSIGNED.fullmatch(x) for x in fields):
        return False
    return len(fields) >= 3 and all(_is_number(f) for f in fields[1:])


def _headerless_dim(stream: _Stream) -> int:
    """``D`` of a headerless file: the number of values of its first row."""
    fields = _first_line(stream).split()
    if not fields:
        raise Word2VecFormatError(stream.path, "empty file" if not stream.buf else
                                  "the first line holds no word and values", line=1)
    if len(fields) < 2:
        raise Word2VecFormatError(stream.path, "a headerless file's first row needs a word "
                                  "and at least one value", line=1)
    dim = len(fields) - 1
    if dim > MAX_DIMENSIONS:
        raise Word2VecFormatError(stream.path, f"the first row has {dim} > {MAX_DIMENSIONS} "
                                  "values", line=1)
    return dim


def _check_declared(stream: _Stream, n_words: int, dim: int) -> tuple[int, int, int]:
    if n_words < 1 or dim < 1:
        raise Word2VecFormatError(
            stream.path, f"header declares {n_words} words of {dim} dimensions", line=1
        )
    if dim > MAX_DIMENSIONS:
        raise Word2VecFormatError(
            stream.path, f"header declares {dim} > {MAX_DIMENSIONS} dimensions", line=1
        )
    stream.line = 2
    return n_words, dim, stream.offset


def _sniff_binary(stream: _Stream, dim: int) -> bool:
    """Guess the layout: text when the first row parses as ``word`` and ``dim`` numbers."""
    stream._fill(MAX_WORD_BYTES + 64 * (dim + 1))  # or less, at the end of a short file
    window = stream.buf[stream.pos : stream.pos + MAX_WORD_BYTES + 64 * dim]
    line = window.split(b"\n", 1)[0]
    fields = line.split()
    if len(fields) != dim + 1:
        return True
    try:
        with np.errstate(all="ignore"):
            np.array(fields[1:]).astype(np.float32)
    except (ValueError, UnicodeDecodeError):
        return True
    return False


class _Rows:
    """Row storage that never allocates more than the file can fill.

    With ``keep``, only the rows of words in it are stored (``stored`` lists
    their row numbers in the file); the others are read and checked only.
    """

    def __init__(self, n_words: int, dim: int, known_size: bool, keep=None):
        self.n_words, self.dim = n_words, dim
        self.keep = keep
        self.stored: list[int] = []
        self.n_read = 0
        self.bad_row: int | None = None  # first row left out whose values are not finite
        if keep is not None:
            n_words = min(n_words, len(keep))
            self.n_words = n_words
        cap = n_words if known_size else min(n_words, max(1, _GROW_FROM_BYTES // (4 * dim)))
        self.array = np.empty((cap, dim), dtype=np.float32)

    def put(self, word: str, values) -> None:
        """Store the next row read (unless ``keep`` leaves its word out)."""
        if self.keep is None:
            self.slot(self.n_read)[:] = values
        elif word in self.keep:
            self.slot(len(self.stored))[:] = values
            self.stored.append(self.n_read)
        elif self.bad_row is None and not np.isfinite(values).all():
            self.bad_row = self.n_read  # refused as a stored row would be
        self.n_read += 1

    def slot(self, i: int) -> np.ndarray:
        if i >= len(self.array):
            grown = np.empty((min(self.n_words, 2 * len(self.array)), self.dim), dtype=np.float32)
            grown[: len(self.array)] = self.array
            self.array = grown
        return self.array[i]


def _read_binary_rows(stream, rows, n_words, dim, unicode_errors, check_end=True):
    words: list[str] = []
    starts: list[int] = []  # grows with the rows read: the header may lie
    row_bytes = 4 * dim
    for i in range(n_words):
        if i and stream._fill(1) and stream.buf[stream.pos] == 0x0A:  # the C tool's row newline
            stream.pos += 1
        starts.append(stream.offset)
        raw, found = stream.read_until(b" ", MAX_WORD_BYTES)
        if not found:
            raise stream.error(
                f"file ends in row {i + 1} of {n_words} (truncated?)", offset=starts[i]
            )
        words.append(_decode_word(stream, raw, unicode_errors, line=False, offset=starts[i]))
        data = stream.read_exact(row_bytes)
        if data is None:
            raise stream.error(
                f"file ends inside the vector of {words[-1]!r}, row {i + 1} of {n_words} "
                f"(truncated?)",
                offset=starts[i],
            )
        rows.put(words[-1], np.frombuffer(data, dtype="<f4"))
    if check_end and not stream.skip_blank():
        raise stream.error(
            f"unexpected data after the last of the {n_words} rows the header declares"
        )
    return words, lambda i: {"offset": starts[i]}


def _read_text_rows(stream, rows, n_words, dim, unicode_errors, check_end=True, until_end=False):
    """``n_words`` rows (``until_end``: as many as there are, at most ``n_words``)."""
    words: list[str] = []
    limit = MAX_WORD_BYTES + 64 * (dim + 1)
    for i in range(n_words):
        line = stream.read_line(limit)
        if until_end and (line is None or not line.strip()):
            if line is None or stream.skip_blank():  # the end (blank lines may close a file)
                break
            raise Word2VecFormatError(stream.path, "blank line between rows",
                                      line=stream.line - 1)
        if line is None:
            raise Word2VecFormatError(
                stream.path, f"file ends after {i} of {n_words} rows (truncated?)", line=stream.line
            )
        lineno = stream.line - 1
        fields = line.split()
        if len(fields) != dim + 1:
            raise Word2VecFormatError(
                stream.path,
                f"expected a word and {dim} values, got {len(fields)} fields",
                line=lineno,
            )
        stream.line = lineno  # report errors on this row's line
        word = _decode_word(stream, fields[0], unicode_errors, line=True)
        stream.line = lineno + 1
        try:
            if any(b"_" in f for f in fields[1:]):
                raise ValueError("underscore")  # float() reads "1_0"; no writer does
            with np.errstate(all="ignore"):  # out of float32 range: inf, refused below
                values = np.array(fields[1:]).astype(np.float32)
            rows.put(word, values)
        except ValueError:
            bad = next((f for f in fields[1:] if not _is_number(f)), fields[1])
            raise Word2VecFormatError(
                stream.path, f"value {bad[:40]!r} of {word!r} is not a number", line=lineno
            ) from None
        words.append(word)
    if check_end and not stream.skip_blank():
        raise Word2VecFormatError(
            stream.path,
            f"unexpected data after the last of the {n_words} rows the header declares",
            line=stream.line,
        )
    first = 1 if until_end else 2
    return words, lambda i: {"line": i + first}


def _is_number(field: bytes) -> bool:
    if b"_" in field:
        return False
    try:
        float(field)
    except ValueError:
        return False
    return True


def read_vectors(
    path: PathLike,
    *,
    binary: bool | None = None,
    vocabulary: PathLike | Mapping[str, int] | None = None,
    unicode_errors: str = "strict",
    limit: int | None = None,
    no_header: bool | None = False,
    duplicates: str = "error",
    keep: Container[str] | None = None,
) -> KeyedVectors:
    """Read a word2vec vectors file into gensim :class:`~gensim.models.KeyedVectors`.

    Parameters
    ----------
    path : path
        The file; ``.gz`` is decompressed on the fly.
    binary : bool or None, default=None
        The layout; None guesses it: text when the first row parses as a
        word and ``D`` numbers, binary otherwise. (A binary file crafted so
        that its first row's raw bytes read as ``D`` decimal numbers would
        be taken for text and then fail; pass ``binary=True`` for such files.)
    vocabulary : path or mapping word -> count, optional
        Counts for the ``count`` attribute (a vocabulary file as written by
        :func:`write_vocabulary` or the C tool, whose ``</s>`` is ignored
        when no vector has it). Every word of the vectors file must have a
        count. Without it, counts are made up in descending order
        (``V - row``, ``V`` the rows of the file), as gensim does, so
        ordering by count keeps the file's order.
    unicode_errors : {"strict", "replace", "ignore"}, default="strict"
        What to do with words that are not valid UTF-8.
    limit : int or None, default=None
        Read only the first ``limit`` rows (files are ordered by frequency,
        so these are the most frequent words), as gensim's ``limit``; the
        rest of the file is not read, nor checked.
    no_header : bool or None, default=False
        True: a text file without the ``V D`` line (GloVe's layout), as
        gensim's ``no_header``; False: the header is required; None: either,
        recognised from the first line (two integers: a header; a word and
        at least two numbers: a headerless file).
    duplicates : {"error", "keep_first"}, default="error"
        A word listed twice raises :class:`DuplicateWordError`;
        ``"keep_first"`` keeps its first row, skips the others and warns
        (``UserWarning``) with how many were skipped, as gensim does.
    keep : container of str or None, default=None
        Store only the rows of these words (e.g. a corpus's vocabulary), in
        file order; every row is still read and checked. Memory then grows
        with the kept rows only. The result's ``file_row`` attribute
        (``kv.get_vecattr(word, "file_row")``) gives each word's 0-based row
        in the file, and counts are made up from the file's rows as without
        ``keep``.

    Returns
    -------
    KeyedVectors
        Words in file order, float32 vectors, ``count`` attribute set.
        The vectors are the one matrix the rows were read into (no copy):
        allocated once, at its final size, for a plain file with a header
        and no ``keep``; otherwise (``.gz``, headerless, ``keep``), where the
        size is unknown, it starts at 64 MiB and doubles as rows arrive (so
        up to about 1.5 times the final size is held while the last
        doubling copies).

    Raises
    ------
    Word2VecFormatError
        The file is malformed (see the module docstring for the rules).
    FileNotFoundError
        No such file.
    """
    path = os.fspath(path)
    _check_unicode_errors(unicode_errors)
    if limit is not None and (isinstance(limit, bool) or not int(limit) == limit or limit < 1):
        raise ValueError(f"limit must be a positive integer or None, got {limit!r}")
    if no_header not in (True, False, None):
        raise ValueError(f"no_header must be True, False or None, got {no_header!r}")
    if duplicates not in DUPLICATE_POLICIES:
        raise ValueError(f"duplicates must be one of {DUPLICATE_POLICIES}, got {duplicates!r}")
    counts_by_word = None
    if vocabulary is not None:
        if isinstance(vocabulary, Mapping):
            counts_by_word = dict(vocabulary)
        else:
            counts_by_word = read_vocabulary(vocabulary, unicode_errors=unicode_errors)
    compressed = is_gzip(path)
    size = None if compressed else os.path.getsize(path)
    with open_binary(path) as f:
        stream = _Stream(f, path)
        headerless = no_header
        if headerless is None:
            headerless = _is_headerless(stream)
        if headerless:
            dim = _headerless_dim(stream)
            n_declared = None
            n_words = MAX_HEADERLESS_ROWS if limit is None else int(limit)
            binary = False
        else:
            n_declared, dim, header_bytes = _parse_header(stream)
            n_words = n_declared if limit is None else min(n_declared, int(limit))
            if binary is None:
                binary = _sniff_binary(stream, dim)
        if size is not None and not headerless:
            # Smallest rows: a 1-byte word, its separator(s), the values.
            row_min = 4 * dim + 2 if binary else 2 * dim + 2
            need = header_bytes + n_words * row_min - (0 if binary else 1)
            if size < need:
                raise Word2VecFormatError(
                    path,
                    f"header declares {n_declared} words of {dim} dimensions, which need "
                    f"{'' if n_words == n_declared else f'(the first {n_words}) '}at least "
                    f"{need} bytes in {'binary' if binary else 'text'} layout; the file has "
                    f"{size} (truncated, or a wrong header or layout?)",
                    line=1,
                )
        rows = _Rows(n_words, dim, known_size=size is not None and not headerless, keep=keep)
        if headerless:
            words, where = _read_text_rows(stream, rows, n_words, dim, unicode_errors,
                                           check_end=False, until_end=True)
            if limit is None and not stream.skip_blank():
                raise Word2VecFormatError(path, f"more than {MAX_HEADERLESS_ROWS} rows",
                                          line=stream.line)
            n_declared = len(words)
        else:
            reader = _read_binary_rows if binary else _read_text_rows
            words, where = reader(stream, rows, n_words, dim, unicode_errors,
                                  check_end=n_words == n_declared)
    n_rows = len(words)
    stored = np.arange(n_rows) if keep is None else np.asarray(rows.stored, dtype=np.int64)
    vectors = rows.array[: len(stored)]
    if rows.bad_row is not None:
        i = rows.bad_row
        raise Word2VecFormatError(
            path, f"vector of {words[i]!r} has non-finite values (NaN or infinity)", **where(i))

    first_row: dict[str, int] = {}
    skipped = []
    for i, w in enumerate(words):
        j = first_row.setdefault(w, i)
        if j != i:
            if duplicates == "error":
                raise DuplicateWordError(
                    path, f"duplicate word {w!r} (first in row {j + 1}); pass "
                    "duplicates='keep_first' to keep each word's first row", **where(i))
            skipped.append(i)
    # Block by block: one boolean of the whole matrix would be a quarter of its size again.
    finite = np.concatenate([np.isfinite(vectors[a : a + _CHECK_ROWS]).all(axis=1)
                             for a in range(0, len(vectors), _CHECK_ROWS)] or [np.ones(0, bool)])
    if not finite.all():
        i = int(stored[np.flatnonzero(~finite)[0]])
        raise Word2VecFormatError(
            path, f"vector of {words[i]!r} has non-finite values (NaN or infinity)", **where(i)
        )
    if skipped:
        warnings.warn(
            f"{path}: {len(skipped)} repeated word(s) skipped, each word's first row kept "
            f"(e.g. {words[skipped[0]]!r} in row {skipped[0] + 1}).", UserWarning, stacklevel=2)
        dropped = np.zeros(n_rows, dtype=bool)
        dropped[skipped] = True
        chosen = np.flatnonzero(~dropped[stored])
        vectors = _compact_rows(vectors, chosen)
        stored = stored[chosen]
    kept_words = words if len(stored) == n_rows else [words[i] for i in stored.tolist()]
    if counts_by_word is None:
        counts = n_declared - stored
    else:
        missing = [w for w in kept_words if w not in counts_by_word]
        if missing:
            raise Word2VecFormatError(
                path, f"{len(missing)} words have no count in the vocabulary, e.g. {missing[:3]}"
            )
        counts = np.array([counts_by_word[w] for w in kept_words], dtype=np.int64)
    kv = to_keyed_vectors(kept_words, counts, vectors)
    if keep is not None:
        kv.allocate_vecattrs(attrs=["file_row"], types=[np.int64])
        kv.expandos["file_row"][:] = stored
    return kv


def _compact_rows(vectors: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """``vectors[chosen]`` (``chosen`` increasing) moved to the front in place: no second matrix.

    Row ``chosen[k] >= k`` moves to ``k``; a block's sources all lie after
    the rows earlier blocks wrote, so nothing is overwritten before it is read.
    """
    for a in range(0, len(chosen), _CHECK_ROWS):
        block = chosen[a : a + _CHECK_ROWS]
        vectors[a : a + len(block)] = vectors[block]
    return vectors[: len(chosen)]


def read_vectors_header(path: PathLike, *, no_header: bool | None = False
                        ) -> tuple[int | None, int]:
    """``(n_words, vector_size)`` from a vectors file's header line, reading nothing more.

    For checks that must come before a long read (e.g. that the vectors'
    width is the model's). A headerless file (``no_header=True``, or
    recognised with ``None`` as :func:`read_vectors` does) gives
    ``(None, D)``, ``D`` the number of values of its first row.

    Raises
    ------
    Word2VecFormatError
        The header is malformed.
    FileNotFoundError
        No such file.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> path = os.path.join(tempfile.mkdtemp(), "v.txt")
    >>> write_vectors(path, ["a", "b", "c"], np.zeros((3, 4), dtype=np.float32))
    >>> read_vectors_header(path)
    (3, 4)
    """
    path = os.fspath(path)
    with open_binary(path) as f:
        stream = _Stream(f, path)
        if no_header or (no_header is None and _is_headerless(stream)):
            return None, _headerless_dim(stream)
        n_words, dim, _ = _parse_header(stream)
    return n_words, dim


def read_vocabulary(
    path: PathLike, *, skip_eos: bool = False, unicode_errors: str = "strict"
) -> dict[str, int]:
    """Read ``word count`` lines into a dict, in file order.

    Parameters
    ----------
    path : path
        The file; ``.gz`` is decompressed on the fly.
    skip_eos : bool, default=False
        Leave out the C tool's ``</s>`` entry (its newline token; its count
        is the number of lines and may be 0). This package's corpora split
        documents at newlines and never see that token.
    unicode_errors : {"strict", "replace", "ignore"}, default="strict"

    Raises
    ------
    Word2VecFormatError
        An empty file; a line that is not exactly a word and a count; a count
        that is not a positive integer; a word listed twice.
    """
    path = os.fspath(path)
    _check_unicode_errors(unicode_errors)
    vocab: dict[str, int] = {}
    lines: dict[str, int] = {}
    with open_binary(path) as f:
        stream = _Stream(f, path)
        while True:
            raw = stream.read_line(MAX_WORD_BYTES + 64)
            if raw is None:
                break
            lineno = stream.line - 1
            fields = raw.split()
            if len(fields) != 2:
                raise Word2VecFormatError(
                    path, f"expected 'word count', got {raw[:80]!r}", line=lineno
                )
            stream.line = lineno
            word = _decode_word(stream, fields[0], unicode_errors, line=True)
            stream.line = lineno + 1
            if not _UNSIGNED.fullmatch(fields[1]):
                raise Word2VecFormatError(
                    path,
                    f"count of {word!r} is not a non-negative integer: {fields[1][:40]!r}",
                    line=lineno,
                )
            count = int(fields[1])
            if skip_eos and word == EOS:
                continue
            if count < 1:
                raise Word2VecFormatError(
                    path, f"count of {word!r} must be positive, got {count}", line=lineno
                )
            if word in vocab:
                raise Word2VecFormatError(
                    path, f"duplicate word {word!r} (first on line {lines[word]})", line=lineno
                )
            vocab[word] = count
            lines[word] = lineno
    if not vocab:
        raise Word2VecFormatError(path, "no words (empty vocabulary file)")
    return vocab
