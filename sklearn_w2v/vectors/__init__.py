"""Vectors out: the word2vec C tool's vector, vocabulary and class files.

The public home of word2vec files: :func:`read_vectors` and
:func:`write_vectors` (text and binary, ``.gz`` too), :func:`read_vocabulary`
and :func:`write_vocabulary` (``word count`` lines), :func:`write_classes`;
a malformed file raises :class:`Word2VecFormatError`.

Readers are strict (a short row, a bad number or a duplicate word is an
error naming the line, never a silently wrong matrix) and every writer, also
the estimator's, replaces its file atomically, so an interrupted save never
leaves a half-written file. Saving ``KeyedVectors`` in gensim's own format
is :mod:`sklearn_w2v.persistence`.
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
    UNICODE_ERRORS,
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

# The other names imported above are seams for the package's other modules,
# not public API.
__all__ = [
    "DuplicateWordError",
    "Word2VecFormatError",
    "read_vectors",
    "read_vocabulary",
    "write_classes",
    "write_vectors",
    "write_vocabulary",
]
