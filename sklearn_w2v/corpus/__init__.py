"""The encoded corpus: documents become one flat int32 id array plus int64 sentence offsets.

The third stage of the pipeline, after the text and the vocabulary.
:func:`encode_documents` takes anything ``W2V.fit`` accepts and returns the
vocabulary with the corpus in its ids (:class:`EncodedDocuments`): token
lists and raw strings take the generic path (one pass, scan ids remapped),
a :class:`~sklearn_w2v.text.LineCorpus` the file path (one read in big
blocks, :func:`encode_line_corpus`). The ids go through an :class:`IdStore`:
:class:`MemoryStore` by default, :class:`TempArrays` for memory-mapped files
out of core. :func:`update_vocabulary` encodes new documents against a
fitted vocabulary (``partial_fit``), and :func:`encode` documents for
``transform``.

:data:`MAX_SENTENCE_LENGTH` is the corpus's sentence rule: every encoder cuts a
longer document into consecutive sentences of at most that many tokens, so
an encoded corpus never holds a longer sentence (what the kernels size their
buffers by). Backends and front ends take it from here. Its value is written
in the text stage, whose :class:`~sklearn_w2v.LineCorpus` yields a longer line
in the same pieces: that stage comes first in the pipeline and cannot import
this one.

Internal package: the names imported here are seams for the package's other
modules, not public API.
"""

# The corpus's sentence rule (see above); defined where LineCorpus, upstream, can read it.
from ..text import MAX_SENTENCE_LENGTH
from ._encode import (
    ScannedCorpus,
    encode,
    encode_documents,
    encode_for_training,
    encode_with_vocabulary,
    remap,
    scan_and_encode,
)
from ._encoded import PIECE_TOKENS, EncodedCorpus, EncodedDocuments
from ._from_files import encode_counted, encode_line_corpus
from ._storage import CHUNK_TOKENS, IdStore, IdWriter, MemoryStore, TempArrays, open_store
from ._update import VocabularyUpdate, update_vocabulary

# Internal: the names imported above are seams between this package and the
# package's other modules, not public API (the API reference lists what is).
__all__: list[str] = []
