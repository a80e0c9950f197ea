"""The fast path from text files to the training corpus: two passes over big blocks.

Pass 1 counts the byte tokens of each block with a numba hash table (see
:mod:`sklearn_w2v.byte_tokens`). The vocabulary is then prepared from the
counts with exactly the rules of the generic path, so the two paths give
identical results. Pass 2 encodes each block with the same table straight
into an int32 array whose size pass 1 has told: no growing buffers, no remap
copies, no Python object per token and no text kept beyond one block.

Tokens are counted as bytes but words are str: two invalid byte tokens may
decode (``errors="replace"``) to the same word, and their counts are merged
under it, in the order the generic path would have first seen it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from itertools import repeat

import numpy as np

from .byte_tokens import ByteTokenCounter
from .corpus import MAX_SENTENCE_LENGTH, EncodedCorpus
from .line_corpus import DEFAULT_BLOCK_SIZE, LineCorpus
from .vocabulary import RawVocabulary, Vocabulary, prepare_vocabulary, vocabulary_from_counts

IdAllocator = Callable[[int], np.ndarray]


def allocate_ids(n_tokens: int) -> np.ndarray:
    """The default home of the encoded ids: an int32 array in memory.

    Any callable with this signature returning a writable 1-D int32 array of
    ``n_tokens`` items will do (e.g. a disk-backed ``np.memmap``).
    """
    return np.empty(n_tokens, dtype=np.int32)


def count_byte_tokens(
    corpus: LineCorpus, block_size: int = DEFAULT_BLOCK_SIZE
) -> tuple[ByteTokenCounter, int]:
    """Pass 1: count every byte token, in first-seen order, and the documents (lines)."""
    counter = ByteTokenCounter()
    n_documents = 0
    for block in corpus.iter_blocks(block_size):
        counter.update(block)
        n_documents += block.count(b"\n")
    return counter, n_documents


def decode_words(tokens: list[bytes]) -> tuple[list[str], np.ndarray]:
    """Decode byte tokens (first-seen order) into distinct words.

    Returns
    -------
    words : list of str
        Distinct decoded words in first-seen order.
    word_of : ndarray of int64
        Index in ``words`` of each token.
    """
    decoded = [t.decode("utf-8", "replace") for t in tokens]
    index = dict(zip(decoded, range(len(decoded))))
    if len(index) == len(decoded):  # the usual case: no two tokens decode alike
        return decoded, np.arange(len(decoded), dtype=np.int64)
    # A word's first-seen position is that of its earliest token, so keeping
    # the first occurrence of each decoded word keeps the generic path's order.
    index = {}
    word_of = np.fromiter(
        (index.setdefault(w, len(index)) for w in decoded), dtype=np.int64, count=len(decoded)
    )
    return list(index), word_of


def encode_blocks(
    corpus: LineCorpus,
    counter: ByteTokenCounter,
    final_ids: np.ndarray,
    ids_out: np.ndarray,
    max_sentence_length: int | None = MAX_SENTENCE_LENGTH,
    block_size: int = DEFAULT_BLOCK_SIZE,
) -> np.ndarray:
    """Pass 2: write the ids of the kept tokens into ``ids_out``; return the offsets.

    Parameters
    ----------
    counter : ByteTokenCounter
        Pass 1's table, holding every token of the corpus.
    final_ids : ndarray of int32
        Final id of each token of ``counter``, -1 for tokens to skip.
    ids_out : ndarray of int32
        Exactly as long as the number of kept tokens in the corpus.

    Returns
    -------
    offsets : ndarray of int64
        Sentence boundaries in ``ids_out``: documents longer than
        ``max_sentence_length`` raw tokens are cut, sentences left empty are
        dropped (both as in :func:`sklearn_w2v.corpus.encode_for_training`).
    """
    encoder = counter.encoder(final_ids, max_sentence_length)
    pos = 0
    offsets = [np.zeros(1, dtype=np.int64)]
    for block in corpus.iter_blocks(block_size):
        pos, ends = encoder.encode(block, ids_out, pos)
        offsets.append(ends.copy())
    if pos != len(ids_out):
        raise RuntimeError("The corpus files changed between the two passes.")
    return np.concatenate(offsets)


def encode_line_corpus(
    corpus: LineCorpus,
    min_count: int = 5,
    max_final_vocab: int | None = None,
    word_counts: Mapping[str, int] | None = None,
    allocate: IdAllocator = allocate_ids,
    max_sentence_length: int | None = MAX_SENTENCE_LENGTH,
    block_size: int = DEFAULT_BLOCK_SIZE,
) -> tuple[Vocabulary, EncodedCorpus, int, int]:
    """Build the vocabulary and the training corpus of a :class:`LineCorpus` in two passes.

    Gives exactly what :func:`sklearn_w2v.corpus.encode_for_training` (or,
    with ``word_counts``, :func:`sklearn_w2v.corpus.encode_with_vocabulary`)
    gives on the same corpus without ``max_vocab_size`` (gensim's pruning
    during the scan depends on document-by-document counting, which block
    counting does not reproduce).

    Parameters
    ----------
    word_counts : mapping str -> int, optional
        A fixed vocabulary with its counts; the corpus counts are then used
        only to size the output.
    allocate : callable
        ``allocate(n_tokens)`` returns the int32 array the ids are written to.

    Returns
    -------
    vocabulary, corpus, n_raw_words, n_documents
        As :func:`sklearn_w2v.corpus.encode_for_training`.
    """
    counter, n_documents = count_byte_tokens(corpus, block_size)
    token_counts = counter.counts
    words, word_of = decode_words(counter.tokens())

    if word_counts is None:
        word_totals = np.zeros(len(words), dtype=np.int64)
        np.add.at(word_totals, word_of, token_counts)  # merges tokens decoded alike
        raw = RawVocabulary(
            id_words=words,
            counts=word_totals,
            alive=np.ones(len(words), dtype=bool),
            n_words=counter.n_read,
            n_documents=n_documents,
        )
        vocabulary, word_ids = prepare_vocabulary(raw, min_count, max_final_vocab)
    else:
        vocabulary = vocabulary_from_counts(word_counts, min_count, max_final_vocab)
        index = vocabulary.index()
        word_ids = np.fromiter(
            map(index.get, words, repeat(-1)), dtype=np.int32, count=len(words)
        )
    del words

    final_ids = word_ids[word_of]
    n_kept = int(token_counts[final_ids >= 0].sum())
    ids = allocate(n_kept)
    if not (isinstance(ids, np.ndarray) and ids.dtype == np.int32 and ids.shape == (n_kept,)):
        raise TypeError(f"allocate({n_kept}) must return a 1-D int32 array of that length.")
    offsets = encode_blocks(
        corpus, counter, final_ids, np.asarray(ids), max_sentence_length, block_size
    )
    return vocabulary, EncodedCorpus(ids, offsets), counter.n_read, n_documents
