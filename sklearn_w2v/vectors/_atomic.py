"""Atomic file writing: a save either completes or leaves the target untouched.

Every writer of the package (word2vec files, vocabularies, pickled
estimators, gensim KeyedVectors) goes through :func:`atomic_write`.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import secrets
from collections.abc import Iterator

from .._files import PathLike, is_gzip


def temp_name(path: PathLike) -> str:
    """A fresh hidden temporary name next to ``path`` (same folder, so same file system)."""
    folder, name = os.path.split(os.path.abspath(os.fspath(path)))
    return os.path.join(folder, f".{name}.{secrets.token_hex(6)}.tmp")


@contextlib.contextmanager
def atomic_write(path: PathLike) -> Iterator:
    """Open a binary file that replaces ``path`` only once the block completes.

    The data goes to a hidden temporary file in the same folder (so the final
    :func:`os.replace` is an atomic rename on the same file system), which is
    flushed to disk before the rename and removed if the block raises,
    including on ``KeyboardInterrupt``: an existing file at ``path`` survives
    intact and no partial file is left behind. Files whose name ends in
    ``.gz`` are gzip-compressed. The new file gets the usual permissions
    (``0o666`` less the umask).

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "out.txt")
    >>> with atomic_write(path) as f:
    ...     _ = f.write(b"done")
    >>> open(path, "rb").read()
    b'done'
    """
    path = os.fspath(path)
    name = os.path.basename(os.path.abspath(path))
    tmp = temp_name(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with open(fd, "wb") as raw:
            if is_gzip(path):
                with gzip.GzipFile(filename=name[:-3], mode="wb", fileobj=raw, mtime=0) as gz:
                    yield gz
            else:
                yield raw
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
