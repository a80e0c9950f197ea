"""Where encoded ids are kept: in memory, or in memory-mapped files of a private temporary folder.

Every encoder writes its ids through an :class:`IdStore`, in one of two ways:

* :meth:`IdStore.writer` appends ids whose total is not known yet (the
  generic path reads each document once), holding at most
  ``chunk_tokens`` of them in memory at a time;
* :meth:`IdStore.allocate` gives an array of exactly the size needed, when
  it is known beforehand (the file path counts first; remapping keeps a
  known number of ids).

:class:`MemoryStore` keeps the ids in RAM. :class:`TempArrays` (what
``W2V(temp_folder=...)`` uses) keeps them in memory-mapped files inside a
private folder that it removes on :meth:`~TempArrays.close`; the operating
system pages them in and out as training walks them, so resident memory is
the weights, the vocabulary, the sentence offsets (8 bytes a sentence) and
fixed-size buffers.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from array import array

import numpy as np

from .._files import PathLike

#: Ids held in memory at a time by the disk store's writers and by remapping
#: (4 bytes each, plus about 13 more in transient copies while remapping).
CHUNK_TOKENS = 1 << 20


class IdWriter:
    """Appends int32 ids; :meth:`finish` gives them back as one 1-D array."""

    def extend(self, ids) -> None:
        """Append ``ids`` (an ``array('i')``, a list or an int32 array)."""
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def finish(self) -> np.ndarray:
        """All ids appended, as a 1-D int32 array (the writer is done)."""
        raise NotImplementedError


class IdStore:
    """Where an encoder puts its ids (see the module docstring).

    Attributes
    ----------
    chunk_tokens : int or None
        Ids a caller may hold in memory before handing them to a writer;
        None: no bound (the store is memory anyway).
    """

    chunk_tokens: int | None = None

    def writer(self) -> IdWriter:
        """A writer for ids whose total is not known in advance."""
        raise NotImplementedError

    def allocate(self, n: int) -> np.ndarray:
        """A writable 1-D int32 array of exactly ``n`` ids."""
        raise NotImplementedError

    def reuse(self, ids: np.ndarray, n: int) -> np.ndarray | None:
        """The first ``n`` items of ``ids`` (an array one of this store's writers gave) as a
        writable array of ``n`` ids, or None when the store keeps its arrays elsewhere.

        For a caller that overwrites ``ids`` front to back with fewer ids than
        it reads (encoding from scan ids): the memory serves twice, so the
        peak stays one array. The default is None: :meth:`allocate` decides.
        """
        return None

    def close(self) -> None:
        """Release what the store holds (its files); arrays already handed out stay readable."""

    def __enter__(self) -> IdStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _append(buffer: array, ids) -> None:
    """``buffer.extend(ids)``; an int32 NumPy array is copied as bytes, not item by item."""
    if isinstance(ids, np.ndarray):
        buffer.frombytes(memoryview(np.ascontiguousarray(ids, dtype=np.int32)).cast("B"))
    else:
        buffer.extend(ids)


class _MemoryWriter(IdWriter):
    def __init__(self):
        self._ids = array("i")

    def extend(self, ids) -> None:
        if not self._ids and isinstance(ids, array):
            self._ids = ids  # adopt a whole first batch: no copy
        else:
            _append(self._ids, ids)

    def __len__(self) -> int:
        return len(self._ids)

    def finish(self) -> np.ndarray:
        return np.frombuffer(self._ids, dtype=np.int32)


class MemoryStore(IdStore):
    """Ids in memory: growing buffers for writers, ``np.empty`` for exact arrays."""

    def writer(self) -> IdWriter:
        return _MemoryWriter()

    def allocate(self, n: int) -> np.ndarray:
        return np.empty(int(n), dtype=np.int32)

    def reuse(self, ids: np.ndarray, n: int) -> np.ndarray | None:
        if type(ids) is np.ndarray and ids.flags.writeable and len(ids) >= n:
            return ids[:n]
        return None


def check_temp_folder(temp_folder: PathLike) -> str:
    """The folder as a str, or a ValueError naming it if it is not an existing folder."""
    folder = os.fspath(temp_folder)
    if not os.path.isdir(folder):
        raise ValueError(f"temp_folder {folder!r} is not an existing folder.")
    return folder


class _FileWriter(IdWriter):
    """Buffers up to ``chunk_tokens`` ids, appends them to a file, maps the file at the end."""

    def __init__(self, path: str, chunk_tokens: int):
        self._path = path
        self._chunk_tokens = chunk_tokens
        self._file = open(path, "wb")
        self._buffer = array("i")
        self._written = 0

    def extend(self, ids) -> None:
        _append(self._buffer, ids)
        if len(self._buffer) >= self._chunk_tokens:
            self._flush()

    def __len__(self) -> int:
        return self._written + len(self._buffer)

    def _flush(self) -> None:
        self._buffer.tofile(self._file)
        self._written += len(self._buffer)
        self._buffer = array("i")

    def finish(self) -> np.ndarray:
        self._flush()
        self._file.close()
        if self._written == 0:  # np.memmap cannot map an empty file
            return np.empty(0, dtype=np.int32)
        return np.memmap(self._path, dtype=np.int32, mode="r", shape=(self._written,))


class TempArrays(IdStore):
    """Ids in memory-mapped files of a private temporary folder, all removed by :meth:`close`.

    Use as a context manager::

        with TempArrays(folder) as store:
            ids = store.allocate(n)   # a writable np.memmap

    Parameters
    ----------
    temp_folder : path
        An existing folder; a fresh ``sklearn_w2v-*`` folder is created in it.
    chunk_tokens : int, default=CHUNK_TOKENS
        Ids a writer holds in memory before appending them to its file.
    """

    def __init__(self, temp_folder: PathLike, chunk_tokens: int = CHUNK_TOKENS):
        if int(chunk_tokens) < 1:
            raise ValueError(f"chunk_tokens must be >= 1, got {chunk_tokens}")
        self.chunk_tokens = int(chunk_tokens)
        self.path = tempfile.mkdtemp(prefix="sklearn_w2v-", dir=check_temp_folder(temp_folder))
        self._n_files = 0

    def _new_path(self, stem: str) -> str:
        self._n_files += 1
        return os.path.join(self.path, f"{stem}-{self._n_files}.bin")

    def writer(self) -> IdWriter:
        return _FileWriter(self._new_path("ids"), self.chunk_tokens)

    def allocate(self, n: int) -> np.ndarray:
        if n == 0:  # np.memmap cannot map an empty file
            return np.empty(0, dtype=np.int32)
        return np.memmap(self._new_path("array"), dtype=np.int32, mode="w+", shape=(int(n),))

    def close(self) -> None:
        """Remove the folder and everything in it (mapped arrays stay readable on POSIX)."""
        shutil.rmtree(self.path, ignore_errors=True)


def open_store(temp_folder: PathLike | None) -> IdStore:
    """The store ``W2V(temp_folder=...)`` asks for: :class:`TempArrays` in the folder, or memory."""
    return MemoryStore() if temp_folder is None else TempArrays(temp_folder)


def allocate_checked(store: IdStore, n: int) -> np.ndarray:
    """``store.allocate(n)``, refused with a TypeError unless it is a 1-D int32 array of ``n``
    items.
    """
    ids = store.allocate(n)
    if not (isinstance(ids, np.ndarray) and ids.dtype == np.int32 and ids.shape == (n,)):
        raise TypeError(f"{type(store).__name__}.allocate({n}) must return a 1-D int32 array "
                        "of that length.")
    return ids
