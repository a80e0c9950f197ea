"""Disk-backed arrays for training on corpora larger than memory.

With ``W2V(temp_folder=...)`` the encoded corpus (4 bytes per token) lives in
memory-mapped files inside a private folder created in ``temp_folder``; the
operating system pages it in and out as training walks it, so resident memory
is the weights, the vocabulary, the sentence offsets (8 bytes per sentence)
and fixed-size buffers. The folder is removed when the fit ends, whether it
succeeds, fails or is interrupted.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import numpy as np

PathLike = str | os.PathLike


def check_temp_folder(temp_folder: PathLike) -> str:
    """The folder as a str, or a ValueError naming it if it is not an existing folder."""
    folder = os.fspath(temp_folder)
    if not os.path.isdir(folder):
        raise ValueError(f"temp_folder {folder!r} is not an existing folder.")
    return folder


class TempArrays:
    """Memory-mapped arrays in a private temporary folder, all removed by :meth:`close`.

    Use as a context manager::

        with TempArrays(folder) as store:
            ids = store.empty(n, np.int32)   # a writable np.memmap

    Parameters
    ----------
    temp_folder : path
        An existing folder; a fresh ``sklearn_w2v-*`` folder is created in it.
    """

    def __init__(self, temp_folder: PathLike):
        self.path = tempfile.mkdtemp(prefix="sklearn_w2v-", dir=check_temp_folder(temp_folder))
        self._n_files = 0

    def new_path(self, stem: str) -> str:
        """A fresh file name in the private folder."""
        self._n_files += 1
        return os.path.join(self.path, f"{stem}-{self._n_files}.bin")

    def empty(self, n: int, dtype=np.int32) -> np.ndarray:
        """A writable disk-backed 1-D array of ``n`` items (a plain empty array for 0)."""
        if n == 0:  # np.memmap cannot map an empty file
            return np.empty(0, dtype=dtype)
        return np.memmap(self.new_path("array"), dtype=dtype, mode="w+", shape=(int(n),))

    def allocate_ids(self, n_tokens: int) -> np.ndarray:
        """An ``allocate`` for :func:`sklearn_w2v.corpus_file.encode_line_corpus`."""
        return self.empty(n_tokens, np.int32)

    def open_file(self, path: str, n: int, dtype=np.int32, mode: str = "r") -> np.ndarray:
        """Map ``n`` items of a file written in this folder."""
        if n == 0:
            return np.empty(0, dtype=dtype)
        return np.memmap(path, dtype=dtype, mode=mode, shape=(int(n),))

    def close(self) -> None:
        """Remove the folder and everything in it (mapped arrays stay readable on POSIX)."""
        shutil.rmtree(self.path, ignore_errors=True)

    def __enter__(self) -> "TempArrays":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
