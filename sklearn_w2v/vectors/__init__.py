"""Vectors out: gensim KeyedVectors, the word2vec C tool's files, saved models, atomic writes.

The trained weights leave the package as a plain gensim ``KeyedVectors``
(:func:`to_keyed_vectors`), as the C tool's text and binary files and
``word count`` vocabularies (:func:`write_vectors`, :func:`read_vectors`
and friends: strict readers, atomic writers), as gensim's native file
(:func:`save_keyed_vectors`), or as plain arrays for the safe model files
(:func:`keyed_vectors_to_data`, :func:`keyed_vectors_from_data`). Every
writer, also the estimator's (:mod:`sklearn_w2v.persistence`), goes through
:func:`atomic_write`, so an interrupted save never leaves a half-written file.

The same functions are importable from :mod:`sklearn_w2v.word2vec_format`
and :mod:`sklearn_w2v.persistence`.
"""

from ._atomic import atomic_write
from ._keyed_vectors import keyed_vectors_from_data, keyed_vectors_to_data, to_keyed_vectors
from ._persistence import load_keyed_vectors, save_keyed_vectors
from ._word2vec_format import (
    DUPLICATE_POLICIES,
    EOS,
    MAX_DIMENSIONS,
    MAX_HEADER_BYTES,
    MAX_WORD_BYTES,
    DuplicateWordError,
    Word2VecFormatError,
    read_vectors,
    read_vectors_header,
    read_vocabulary,
    write_classes,
    write_keyed_vectors,
    write_vectors,
    write_vocabulary,
)

__all__ = [
    "DUPLICATE_POLICIES",
    "EOS",
    "MAX_DIMENSIONS",
    "MAX_HEADER_BYTES",
    "MAX_WORD_BYTES",
    "DuplicateWordError",
    "Word2VecFormatError",
    "atomic_write",
    "keyed_vectors_from_data",
    "keyed_vectors_to_data",
    "load_keyed_vectors",
    "read_vectors",
    "read_vectors_header",
    "read_vocabulary",
    "save_keyed_vectors",
    "to_keyed_vectors",
    "write_classes",
    "write_keyed_vectors",
    "write_vectors",
    "write_vocabulary",
]
