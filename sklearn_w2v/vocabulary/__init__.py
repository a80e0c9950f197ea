"""Vocabulary: counting the words of a corpus and choosing those to train, as gensim 4 does.

Built in two named steps, as gensim's ``build_vocab``: *scan*
(:class:`VocabularyScanner`: count words in first-seen order, pruning when
``max_vocab_size`` is exceeded) and *prepare* (:func:`prepare_vocabulary`:
apply ``max_final_vocab`` and ``min_count``, then sort by frequency). Text
files are counted faster, as byte tokens in a compiled hash table
(:func:`count_line_corpus`), with the same result. Fixed counts (the C
tool's ``-read-vocab``) make a vocabulary by the same rules
(:func:`vocabulary_from_counts`).

Internal package: the names imported here are seams for the package's other
modules, not public API.
"""

from ._byte_tokens import ByteTokenCounter
from ._file_counts import FileCounts, count_line_corpus
from ._scan import RawVocabulary, VocabularyScanner
from ._vocabulary import (
    Vocabulary,
    check_word_counts,
    effective_min_count,
    prepare_vocabulary,
    vocabulary_from_counts,
)

# Internal: the names imported above are seams between this package and the
# package's other modules, not public API (the API reference lists what is).
__all__: list[str] = []
