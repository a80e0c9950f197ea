"""Corpus encoding: documents become one flat int32 id array plus int64 offsets.

After encoding, training never touches a Python object per token: the
backends walk ``EncodedCorpus.ids`` between ``offsets[k]`` and
``offsets[k + 1]`` for sentence ``k``.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .line_corpus import LineCorpus
from .text import Tokenizer, default_tokenize, iter_token_lists
from .vocabulary import (
    Vocabulary,
    VocabularyScanner,
    check_word_counts,
    prepare_vocabulary,
    vocabulary_from_counts,
)

# Documents longer than this are cut into pieces of at most this many tokens
# (as gensim's LineSentence and corpus_file mode do); windows never span a cut.
MAX_SENTENCE_LENGTH = 10_000


@dataclass(frozen=True, eq=False)
class EncodedCorpus:
    """Sentences of word ids, stored flat.

    Attributes
    ----------
    ids : ndarray of int32, shape (n_tokens,)
        Word ids of all sentences, one after another.
    offsets : ndarray of int64, shape (n_sentences + 1,)
        Sentence ``k`` is ``ids[offsets[k]:offsets[k + 1]]``.
    """

    ids: np.ndarray
    offsets: np.ndarray

    def __post_init__(self):
        if self.ids.dtype != np.int32 or self.ids.ndim != 1:
            raise TypeError("ids must be a 1-D int32 array")
        if self.offsets.dtype != np.int64 or self.offsets.ndim != 1:
            raise TypeError("offsets must be a 1-D int64 array")
        if len(self.offsets) == 0 or self.offsets[0] != 0 or self.offsets[-1] != len(self.ids):
            raise ValueError("offsets must start at 0 and end at len(ids)")

    @property
    def n_tokens(self) -> int:
        return len(self.ids)

    @property
    def n_sentences(self) -> int:
        return len(self.offsets) - 1


def _cut_points(length: int, max_length: int | None) -> Iterable[int]:
    """Sentence lengths a document of ``length`` tokens is cut into."""
    if max_length is None or length <= max_length:
        return (length,)
    full, rest = divmod(length, max_length)
    return (max_length,) * full + ((rest,) if rest else ())


def scan_and_encode(
    token_lists: Iterable[Sequence[str]],
    max_vocab_size: int | None = None,
    max_sentence_length: int | None = MAX_SENTENCE_LENGTH,
):
    """Count the words and encode the corpus with scan ids, in one pass.

    Returns
    -------
    raw : RawVocabulary
    corpus : EncodedCorpus
        Every token, encoded with its scan id (see :class:`VocabularyScanner`).
    """
    scanner = VocabularyScanner(max_vocab_size)
    ids = array("i")
    lengths = array("q")
    for tokens in token_lists:
        scanner.add(tokens, ids)
        lengths.extend(_cut_points(len(tokens), max_sentence_length))
    raw = scanner.finish(ids)
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(np.frombuffer(lengths, dtype=np.int64), out=offsets[1:])
    return raw, EncodedCorpus(np.frombuffer(ids, dtype=np.int32), offsets)


def remap(corpus: EncodedCorpus, id_map: np.ndarray) -> EncodedCorpus:
    """Translate ids through ``id_map``; ids mapped to -1 are dropped.

    Dropping a word shortens its sentence (the neighbours close ranks, as in
    gensim and the C tool); sentences left empty are removed.
    """
    mapped = id_map[corpus.ids]
    keep = mapped >= 0
    kept_before = np.zeros(len(keep) + 1, dtype=np.int64)
    np.cumsum(keep, out=kept_before[1:])
    offsets = np.unique(kept_before[corpus.offsets])  # sorted; drops empty sentences
    if offsets[0] != 0:
        offsets = np.concatenate(([0], offsets))
    return EncodedCorpus(np.ascontiguousarray(mapped[keep]), offsets.astype(np.int64))


def encode_for_training(
    token_lists: Iterable[Sequence[str]],
    min_count: int = 5,
    max_vocab_size: int | None = None,
    max_final_vocab: int | None = None,
) -> tuple[Vocabulary, EncodedCorpus, int, int]:
    """Build the vocabulary and the training corpus from one pass over the documents.

    Returns
    -------
    vocabulary : Vocabulary
    corpus : EncodedCorpus
        In-vocabulary tokens only, long documents cut at ``MAX_SENTENCE_LENGTH``.
    n_raw_words : int
        Tokens read, in or out of the vocabulary.
    n_documents : int
        Documents read.
    """
    raw, scanned = scan_and_encode(token_lists, max_vocab_size)
    vocabulary, id_map = prepare_vocabulary(raw, min_count, max_final_vocab)
    return vocabulary, remap(scanned, id_map), raw.n_words, raw.n_documents


def encode_with_vocabulary(
    token_lists: Iterable[Sequence[str]],
    word_counts: Mapping[str, int],
    min_count: int = 5,
    max_final_vocab: int | None = None,
    max_sentence_length: int | None = MAX_SENTENCE_LENGTH,
) -> tuple[Vocabulary, EncodedCorpus, int, int]:
    """As :func:`encode_for_training`, with given counts instead of counting.

    The counts decide the words, their order and ``min_count`` filtering;
    corpus tokens outside the resulting vocabulary are skipped (but counted
    in ``n_raw_words``). Documents are cut at ``max_sentence_length`` raw
    tokens before the skipping, as in :func:`encode_for_training`.
    """
    vocabulary = vocabulary_from_counts(word_counts, min_count, max_final_vocab)
    get = vocabulary.index().get
    ids = array("i")
    lengths = array("q")
    n_raw_words = n_documents = 0
    for tokens in token_lists:
        n_documents += 1
        n_raw_words += len(tokens)
        start = 0
        for length in _cut_points(len(tokens), max_sentence_length):
            before = len(ids)
            piece = tokens if length == len(tokens) else tokens[start : start + length]
            ids.extend([i for i in map(get, piece) if i is not None])
            if len(ids) > before:  # sentences left empty are dropped
                lengths.append(len(ids) - before)
            start += length
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(np.frombuffer(lengths, dtype=np.int64), out=offsets[1:])
    corpus = EncodedCorpus(np.frombuffer(ids, dtype=np.int32), offsets)
    return vocabulary, corpus, n_raw_words, n_documents


def encode_documents(
    X: Iterable,
    min_count: int = 5,
    max_vocab_size: int | None = None,
    max_final_vocab: int | None = None,
    word_counts: Mapping[str, int] | None = None,
    tokenize: Tokenizer = default_tokenize,
) -> tuple[Vocabulary, EncodedCorpus, int, int]:
    """Build the vocabulary and the training corpus from any documents ``fit`` accepts.

    A :class:`~sklearn_w2v.LineCorpus` takes the fast path of
    :mod:`sklearn_w2v.corpus_file` (two passes over the files in big blocks),
    except when ``max_vocab_size`` asks for gensim's pruning during the scan,
    which only document-by-document counting reproduces. Everything else goes
    through :func:`~sklearn_w2v.text.iter_token_lists`. Both paths give
    identical results.

    Parameters
    ----------
    X : iterable of str or of list of str, or LineCorpus
    word_counts : mapping str -> int, optional
        Fixed counts used instead of counting the corpus (then
        ``max_vocab_size`` has nothing to prune and is ignored).
    tokenize : callable
        Turns a raw-string document into tokens (token lists, and the lines
        of a LineCorpus, are used as given).

    Returns
    -------
    vocabulary, corpus, n_raw_words, n_documents
        As :func:`encode_for_training`.
    """
    if word_counts is not None:
        check_word_counts(word_counts)  # before any corpus is read
    # Exact type: a subclass may change what iterating it yields.
    if type(X) is LineCorpus and (max_vocab_size is None or word_counts is not None):
        from .corpus_file import encode_line_corpus  # it imports this module

        return encode_line_corpus(X, min_count, max_final_vocab, word_counts)
    token_lists = iter_token_lists(X, tokenize)
    if word_counts is not None:
        return encode_with_vocabulary(token_lists, word_counts, min_count, max_final_vocab)
    return encode_for_training(token_lists, min_count, max_vocab_size, max_final_vocab)


def encode(
    token_lists: Iterable[Sequence[str]], key_to_index: Mapping[str, int]
) -> EncodedCorpus:
    """Encode documents with a fixed vocabulary; one sentence per document.

    Unknown tokens are skipped, so a document may encode to zero ids.
    """
    ids = array("i")
    offsets = array("q", [0])
    get = key_to_index.get
    for tokens in token_lists:
        ids.extend([i for i in map(get, tokens) if i is not None])
        offsets.append(len(ids))
    return EncodedCorpus(
        np.frombuffer(ids, dtype=np.int32), np.frombuffer(offsets, dtype=np.int64)
    )
