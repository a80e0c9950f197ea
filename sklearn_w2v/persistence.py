"""Saving and loading fitted estimators and gensim KeyedVectors, atomically.

Public home of the functions implemented in :mod:`sklearn_w2v.vectors`.

.. warning::
   :func:`load` and :func:`load_keyed_vectors` unpickle the file, and
   unpickling runs code chosen by whoever wrote it. Load only files you
   created or got from a source you trust; exchange word vectors in the
   word2vec formats (:mod:`sklearn_w2v.word2vec_format`).
"""

from .vectors import load, load_keyed_vectors, save, save_keyed_vectors

__all__ = ["load", "load_keyed_vectors", "save", "save_keyed_vectors"]
