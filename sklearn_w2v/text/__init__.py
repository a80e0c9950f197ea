"""Documents in: raw strings, token lists and text files, checked and turned into tokens.

The first stage of the pipeline. Raw strings go through an analyzer built
with scikit-learn's ``CountVectorizer`` options (:func:`build_analyzer`);
token lists are used as given (:func:`iter_token_lists`); a
:class:`LineCorpus` reads text files, one document per line, whole or as
byte-range :class:`Segment` objects that :func:`shard_files` plans, and
:func:`map_blocks` hands its blocks to worker threads. A
:class:`PhraseTransformer` joins frequent pairs (``new_york``) as the C
tool's ``word2phrase`` does, with gensim's phrase detection.

Internal package: :class:`LineCorpus`, :class:`Segment`, :func:`shard_files` and
:class:`PhraseTransformer` are public as ``sklearn_w2v.LineCorpus`` and so on.
"""

from ._analysis import (
    ACCEPTED_DOCUMENTS,
    DEFAULT_TOKEN_PATTERN,
    Tokenizer,
    build_analyzer,
    check_documents,
    default_tokenize,
    iter_token_lists,
    tokenized_document,
)
from ._line_corpus import (
    DEFAULT_BLOCK_SIZE,
    MAX_SENTENCE_LENGTH,
    LineCorpus,
    Segment,
    default_corpus,
)
from ._parallel_blocks import map_blocks
from ._phrases import DEFAULT_MAX_VOCAB_SIZE, PhraseTransformer, word2phrase_score
from ._sharding import shard_files

# Internal: the names imported above are seams between this package and the
# package's other modules, not public API (the API reference lists what is).
__all__: list[str] = []
