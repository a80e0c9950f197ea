"""The word2vec C tool's vector and vocabulary files: strict readers, atomic writers.

Public home of the functions implemented in :mod:`sklearn_w2v.vectors`
(see there and :func:`read_vectors` for the rules a file must follow).
"""

from .vectors import (
    DUPLICATE_POLICIES,
    EOS,
    MAX_DIMENSIONS,
    MAX_HEADER_BYTES,
    MAX_WORD_BYTES,
    DuplicateWordError,
    Word2VecFormatError,
    atomic_write,
    read_vectors,
    read_vectors_header,
    read_vocabulary,
    write_classes,
    write_keyed_vectors,
    write_vectors,
    write_vocabulary,
)

__all__ = ["DUPLICATE_POLICIES", "EOS", "MAX_DIMENSIONS", "MAX_HEADER_BYTES", "MAX_WORD_BYTES",
    "DuplicateWordError", "Word2VecFormatError",
    "atomic_write", "read_vectors", "read_vectors_header", "read_vocabulary", "write_classes",
    "write_keyed_vectors", "write_vectors", "write_vocabulary"]
