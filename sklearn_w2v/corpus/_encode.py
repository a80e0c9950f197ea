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
from .out_of_core import TempArrays
from .text import Tokenizer, default_tokenize, iter_token_lists
from .vocabulary import (
    RawVocabulary,
    Vocabulary,
    VocabularyScanner,
    check_word_counts,
    prepare_vocabulary,
    vocabulary_from_counts,
)

# Documents longer than this are cut into pieces of at most this many tokens
# (as gensim's LineSentence and corpus_file mode do); windows never span a cut.
MAX_SENTENCE_LENGTH = 10_000

# Tokens held in memory at a time by the out-of-core encoders (4 bytes each,
# plus about 13 more in transient copies while remapping): 4 MiB of ids per chunk.
CHUNK_TOKENS = 1 << 20


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

    def sentences(self, first: int, last: int) -> "EncodedCorpus":
        """Sentences ``first`` to ``last - 1`` as a corpus of their own (views, no copies)."""
        start, stop = self.offsets[first], self.offsets[last]
        return EncodedCorpus(self.ids[start:stop], self.offsets[first : last + 1] - start)

    def split(self, n_parts: int) -> list["EncodedCorpus"]:
        """``n_parts`` consecutive slices of about equal tokens, cut between sentences.

        A slice may be empty (no sentences) when a sentence is longer than
        the share of tokens a slice should hold.
        """
        marks = np.arange(n_parts + 1, dtype=np.int64) * self.n_tokens // n_parts
        cuts = np.searchsorted(self.offsets, marks, side="left")
        cuts[-1] = self.n_sentences
        return [self.sentences(a, b) for a, b in zip(cuts[:-1], cuts[1:])]


#: Tokens per piece when a corpus is walked in pieces: bounds transients such
#: as sparse matrices and pooled vectors (tens of bytes per token).
PIECE_TOKENS = 1 << 18


def corpus_pieces(corpus: EncodedCorpus, max_tokens: int | None = None) -> Iterable[EncodedCorpus]:
    """Consecutive non-empty slices of ``corpus`` of at most about ``max_tokens`` tokens (views, no copies)."""
    n_parts = max(1, -(-corpus.n_tokens // (max_tokens or PIECE_TOKENS)))
    return (piece for piece in corpus.split(n_parts) if piece.n_sentences)


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


def check_scanned_words(raw: RawVocabulary) -> None:
    """TypeError if a token was not a str.

    :func:`~sklearn_w2v.text.iter_token_lists` checks only the first token of
    each token list (per-token checks would slow the scan); every distinct
    token is checked here, once, before any training.
    """
    for word in raw.id_words:
        if type(word) is not str and not isinstance(word, str):
            raise TypeError(
                f"A document contains a token of type {type(word).__name__} ({word!r}); "
                "tokens must be str."
            )


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
    check_scanned_words(raw)
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


def _lengths_to_offsets(lengths: array) -> np.ndarray:
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(np.frombuffer(lengths, dtype=np.int64), out=offsets[1:])
    return offsets


def scan_to_disk(
    token_lists: Iterable[Sequence[str]],
    store: TempArrays,
    max_vocab_size: int | None = None,
    max_sentence_length: int | None = MAX_SENTENCE_LENGTH,
    chunk_tokens: int | None = None,
) -> tuple[RawVocabulary, np.ndarray, np.ndarray]:
    """:func:`scan_and_encode` with the scan ids written to disk in chunks.

    At most ``chunk_tokens`` scan ids are in memory at a time; each full
    chunk is counted (so ``max_vocab_size`` pruning sees exactly what it sees
    in memory) and appended to a file of ``store``.

    Returns
    -------
    raw : RawVocabulary
    scan_ids : ndarray of int32 (read-only memmap)
    offsets : ndarray of int64
    """
    chunk_tokens = chunk_tokens or CHUNK_TOKENS
    scanner = VocabularyScanner(max_vocab_size)
    path = store.new_path("scan")
    buffer = array("i")
    lengths = array("q")
    n_written = 0
    with open(path, "wb") as f:
        for tokens in token_lists:
            scanner.add(tokens, buffer)
            lengths.extend(_cut_points(len(tokens), max_sentence_length))
            if len(buffer) >= chunk_tokens:
                # The scanner counts ids from its last counted position in the
                # buffer it is given: count this chunk, then start a new one.
                scanner._update_counts(buffer)
                buffer.tofile(f)
                n_written += len(buffer)
                buffer = array("i")
                scanner._counted_upto = 0
        scanner._update_counts(buffer)
        buffer.tofile(f)
        n_written += len(buffer)
    raw = RawVocabulary(
        id_words=scanner._id_words, counts=scanner._counts, alive=scanner._alive,
        n_words=n_written, n_documents=scanner.n_documents,
    )
    return raw, store.open_file(path, n_written, np.int32, "r"), _lengths_to_offsets(lengths)


def remap_into(
    scan_ids: np.ndarray,
    offsets: np.ndarray,
    id_map: np.ndarray,
    out: np.ndarray,
    chunk_tokens: int | None = None,
) -> np.ndarray:
    """:func:`remap` chunk by chunk into ``out``; return the new offsets.

    ``out`` must hold exactly the number of ids ``id_map`` keeps. Extra
    memory is a few copies of one chunk plus one int64 per sentence.
    """
    chunk_tokens = chunk_tokens or CHUNK_TOKENS
    new_offsets = np.empty_like(offsets)
    pos = 0  # ids written to out
    j = 0  # next sentence boundary to translate
    for start in range(0, len(scan_ids), chunk_tokens):
        mapped = id_map[scan_ids[start : start + chunk_tokens]]
        keep = mapped >= 0
        kept = mapped[keep]
        out[pos : pos + len(kept)] = kept
        kept_before = np.zeros(len(keep) + 1, dtype=np.int64)
        np.cumsum(keep, out=kept_before[1:])
        j_end = int(np.searchsorted(offsets, start + len(mapped), side="left"))
        new_offsets[j:j_end] = pos + kept_before[offsets[j:j_end] - start]
        j = j_end
        pos += len(kept)
    new_offsets[j:] = pos
    if pos != len(out):
        raise RuntimeError(f"Expected {len(out)} kept ids, wrote {pos}.")
    new_offsets = np.unique(new_offsets)  # sorted; drops empty sentences
    if new_offsets[0] != 0:
        new_offsets = np.concatenate(([0], new_offsets))
    return new_offsets.astype(np.int64)


def encode_for_training_on_disk(
    token_lists: Iterable[Sequence[str]],
    store: TempArrays,
    min_count: int = 5,
    max_vocab_size: int | None = None,
    max_final_vocab: int | None = None,
    chunk_tokens: int | None = None,
) -> tuple[Vocabulary, EncodedCorpus, int, int]:
    """:func:`encode_for_training` with the ids in disk-backed arrays of ``store``.

    Same result, one pass over the documents (a generator is fine), and
    bounded extra memory: scan ids go to disk in chunks, then are remapped
    chunk by chunk into an exactly sized memory-mapped int32 array.
    """
    raw, scan_ids, offsets = scan_to_disk(
        token_lists, store, max_vocab_size, chunk_tokens=chunk_tokens
    )
    check_scanned_words(raw)
    vocabulary, id_map = prepare_vocabulary(raw, min_count, max_final_vocab)
    n_kept = int(raw.counts[id_map >= 0].sum())
    ids = store.empty(n_kept, np.int32)
    offsets = remap_into(scan_ids, offsets, id_map, ids, chunk_tokens)
    return vocabulary, EncodedCorpus(ids, offsets), raw.n_words, raw.n_documents


def encode_with_vocabulary_on_disk(
    token_lists: Iterable[Sequence[str]],
    word_counts: Mapping[str, int],
    store: TempArrays,
    min_count: int = 5,
    max_final_vocab: int | None = None,
    max_sentence_length: int | None = MAX_SENTENCE_LENGTH,
    chunk_tokens: int | None = None,
) -> tuple[Vocabulary, EncodedCorpus, int, int]:
    """:func:`encode_with_vocabulary` with the ids written to a file of ``store`` in chunks."""
    chunk_tokens = chunk_tokens or CHUNK_TOKENS
    vocabulary = vocabulary_from_counts(word_counts, min_count, max_final_vocab)
    get = vocabulary.index().get
    path = store.new_path("ids")
    buffer = array("i")
    lengths = array("q")
    n_raw_words = n_documents = n_written = 0
    with open(path, "wb") as f:
        for tokens in token_lists:
            n_documents += 1
            n_raw_words += len(tokens)
            start = 0
            for length in _cut_points(len(tokens), max_sentence_length):
                piece = tokens if length == len(tokens) else tokens[start : start + length]
                ids = [i for i in map(get, piece) if i is not None]
                if ids:  # sentences left empty are dropped
                    buffer.extend(ids)
                    lengths.append(len(ids))
                start += length
            if len(buffer) >= chunk_tokens:
                buffer.tofile(f)
                n_written += len(buffer)
                buffer = array("i")
        buffer.tofile(f)
        n_written += len(buffer)
    ids = store.open_file(path, n_written, np.int32, "r")
    return vocabulary, EncodedCorpus(ids, _lengths_to_offsets(lengths)), n_raw_words, n_documents


def encode_documents(
    X: Iterable,
    min_count: int = 5,
    max_vocab_size: int | None = None,
    max_final_vocab: int | None = None,
    word_counts: Mapping[str, int] | None = None,
    tokenize: Tokenizer = default_tokenize,
    store: TempArrays | None = None,
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
    store : TempArrays, optional
        Out of core: the encoded ids go to memory-mapped files of ``store``
        (in chunks, with bounded extra memory) instead of memory. Same result.

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

        if store is not None:
            return encode_line_corpus(
                X, min_count, max_final_vocab, word_counts, allocate=store.allocate_ids
            )
        return encode_line_corpus(X, min_count, max_final_vocab, word_counts)
    token_lists = iter_token_lists(X, tokenize)
    if store is not None:
        if word_counts is not None:
            return encode_with_vocabulary_on_disk(
                token_lists, word_counts, store, min_count, max_final_vocab
            )
        return encode_for_training_on_disk(
            token_lists, store, min_count, max_vocab_size, max_final_vocab
        )
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
