"""Saving and loading gensim KeyedVectors in gensim's native format, atomically.

(Estimators are saved by :mod:`sklearn_w2v.persistence`.) The writer goes
through :func:`~sklearn_w2v.vectors.atomic_write`: the data goes to a
temporary file in the target's folder that is renamed over the target only
once complete, so a crash or an interrupt mid-save never leaves a
half-written file and an existing file survives intact.

.. warning::
   :func:`load_keyed_vectors` unpickles the file, and unpickling runs code
   chosen by whoever wrote it. Load only files you created or got from a
   source you trust. To exchange word vectors, use the
   word2vec text or binary formats (:func:`~sklearn_w2v.vectors.write_vectors`
   / :func:`~sklearn_w2v.vectors.read_vectors`): they hold only data and are read strictly.
"""

from __future__ import annotations

import os

from gensim.models import KeyedVectors

from .._files import PathLike
from ._atomic import atomic_write


def save_keyed_vectors(kv: KeyedVectors, path: PathLike) -> None:
    """Save gensim ``KeyedVectors`` in gensim's native format, as one file, atomically.

    ``kv.save(path)`` would write large arrays to separate ``.npy`` files
    next to ``path``, one after another, which no single rename can make
    atomic. Given an open file instead, gensim pickles everything into it;
    that file is written through :func:`~sklearn_w2v.vectors.atomic_write`.
    ``KeyedVectors.load(path)`` reads it back (without ``mmap``, which needs
    the separate files). Prefer the word2vec formats to exchange vectors.
    """
    if not isinstance(kv, KeyedVectors):
        raise TypeError(f"kv must be a gensim KeyedVectors, got {type(kv).__name__}.")
    with atomic_write(path) as f:
        kv.save(f)


def load_keyed_vectors(path: PathLike) -> KeyedVectors:
    """Load what :func:`save_keyed_vectors` wrote; **trusts the file** (it is a pickle)."""
    kv = KeyedVectors.load(os.fspath(path))
    if not isinstance(kv, KeyedVectors):
        raise TypeError(f"{os.fspath(path)!r} holds an object of type {type(kv).__name__}, "
                        "not KeyedVectors.")
    return kv
