"""Paths, and opening files plainly or through gzip by their name: one rule for every reader."""

from __future__ import annotations

import gzip
import os
from typing import BinaryIO

#: What every function taking a file name accepts.
PathLike = str | os.PathLike


def is_gzip(path: PathLike) -> bool:
    """Whether ``path`` names a gzip file (its name ends in ``.gz``)."""
    return os.fspath(path).endswith(".gz")


def open_binary(path: PathLike) -> BinaryIO:
    """Open ``path`` for reading bytes; a ``.gz`` file is decompressed on the fly."""
    if is_gzip(path):
        return gzip.open(os.fspath(path), "rb")
    return open(os.fspath(path), "rb")
