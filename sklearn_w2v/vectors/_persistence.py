"""Saving and loading fitted estimators and word vectors, atomically.

Every function here writes through :func:`~sklearn_w2v.vectors.atomic_write`:
the data goes to a temporary file in the target's folder that is renamed
over the target only once complete, so a crash or an interrupt mid-save
never leaves a half-written file and an existing file survives intact.

.. warning::
   :func:`load` and :func:`load_keyed_vectors` unpickle the file, and
   unpickling runs code chosen by whoever wrote it. Load only files you
   created or got from a source you trust. To exchange word vectors, use the
   word2vec text or binary formats (:func:`~sklearn_w2v.vectors.write_vectors`
   / :func:`~sklearn_w2v.vectors.read_vectors`): they hold only data and are read strictly.
"""

from __future__ import annotations

import os

import joblib
from gensim.models import KeyedVectors

from .._files import PathLike, is_gzip
from ._atomic import atomic_write


def save(obj, path: PathLike, compress: int = 0) -> None:
    """Save a fitted estimator (or pipeline, or any picklable object) with joblib, atomically.

    Parameters
    ----------
    obj : object
        What to save, e.g. a fitted :class:`~sklearn_w2v.W2V`.
    path : path
        Target file; replaced atomically. A name ending in ``.gz`` is
        gzip-compressed (joblib's ``load`` recognises it).
    compress : int, default=0
        joblib's zlib compression level (0 to 9) when the name does not
        end in ``.gz``.

    Examples
    --------
    >>> import os, tempfile
    >>> from gensim.test.utils import common_texts
    >>> from sklearn_w2v import W2V
    >>> model = W2V(vector_size=8, min_count=1, n_jobs=1, random_state=0).fit(common_texts)
    >>> path = os.path.join(tempfile.mkdtemp(), "w2v.joblib")
    >>> save(model, path)
    >>> (load(path).transform(common_texts) == model.transform(common_texts)).all()
    np.True_
    """
    if is_gzip(path):
        compress = 0  # atomic_write compresses already
    with atomic_write(path) as f:
        joblib.dump(obj, f, compress=compress)


def load(path: PathLike):
    """Load what :func:`save` (or ``joblib.dump``) wrote.

    **This trusts the file**: unpickling can run arbitrary code. Load only
    files you created or got from a trusted source.
    """
    return joblib.load(os.fspath(path))


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
