"""Saving and loading fitted estimators and gensim KeyedVectors, atomically.

The one public home of saving: :func:`save` and :func:`load` for fitted
estimators and pipelines, :func:`save_keyed_vectors` and
:func:`load_keyed_vectors` for gensim ``KeyedVectors`` (the word2vec C tool's
files are :mod:`sklearn_w2v.vectors`). The format follows the file name:

* ``model.skops``: the skops format, a zip of JSON and arrays. It holds
  data only (parameters, words, counts, both weight matrices, the idf and
  SIF statistics), and :func:`load` builds only trusted types: this
  package's estimator and what skops trusts by default (scikit-learn's
  estimators, NumPy, SciPy, builtins). A file naming anything else, a custom
  tokenizer included, is refused with :class:`UntrustedTypesError`, which
  lists the names to pass as ``load(path, trusted=[...])`` once you have
  checked them. Use it to share models.
* any other name (``model.joblib``, ``model.joblib.gz``): joblib.

.. warning::
   Loading a joblib file (:func:`load` on a non-``.skops`` name) and
   :func:`load_keyed_vectors` unpickle the file, and unpickling runs code
   chosen by whoever wrote it. Load such files only if you created them or
   trust their source; share models as ``.skops`` and word vectors in the
   word2vec formats (:mod:`sklearn_w2v.vectors`).
"""

from .estimator import (
    TRUSTED_TYPES,
    ModelFileError,
    UntrustedTypesError,
    load,
    save,
)
from .vectors import load_keyed_vectors, save_keyed_vectors

__all__ = [
    "TRUSTED_TYPES",
    "ModelFileError",
    "UntrustedTypesError",
    "load",
    "load_keyed_vectors",
    "save",
    "save_keyed_vectors",
]
