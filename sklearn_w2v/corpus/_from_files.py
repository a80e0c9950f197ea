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

import numpy as np

from .byte_tokens import ByteTokenCounter
from .corpus import MAX_SENTENCE_LENGTH, EncodedCorpus
from .line_corpus import DEFAULT_BLOCK_SIZE, LineCorpus
from .vocabulary import Vocabulary, rank_words, vocabulary_from_counts

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


def merge_decoded(counter: ByteTokenCounter) -> tuple[np.ndarray, dict[str, int]]:
    """Group the tokens that decode to the same word.

    Only tokens with a byte above 127 can decode alike (an ASCII token
    decodes to itself, a non-ASCII one to a non-ASCII word), so only those
    become Python objects here.

    Returns
    -------
    word_of : ndarray of int64
        For each token, the first-seen token decoding to the same word: the
        word's representative, whose position is the word's first-seen
        position in the generic path.
    non_ascii_words : dict str -> int
        The representative of each non-ASCII word.
    """
    word_of = np.arange(len(counter), dtype=np.int64)
    which = np.flatnonzero(counter.non_ascii())
    first: dict[str, int] = {}
    for k, token in zip(which.tolist(), counter.tokens(which)):
        word_of[k] = first.setdefault(token.decode("utf-8", "replace"), k)
    return word_of, first


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
    if word_counts is None:
        vocabulary, final_ids = _counted_vocabulary(counter, min_count, max_final_vocab)
    else:
        vocabulary = vocabulary_from_counts(word_counts, min_count, max_final_vocab)
        final_ids = _token_ids(counter, vocabulary)
    encoded = _encode(corpus, counter, final_ids, allocate, max_sentence_length, block_size)
    return vocabulary, encoded, counter.n_read, n_documents


def _word_totals(counter: ByteTokenCounter) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``word_of`` (see :func:`merge_decoded`), the words' representative tokens in first-seen order, their counts."""
    word_of, _ = merge_decoded(counter)
    reps = np.flatnonzero(word_of == np.arange(len(word_of)))
    totals = np.zeros(len(word_of), dtype=np.int64)
    np.add.at(totals, word_of, counter.counts)  # merges tokens decoded alike
    return word_of, reps, totals[reps]


def raw_word_counts(counter: ByteTokenCounter) -> tuple[list[str], np.ndarray]:
    """Every word of pass 1's table with its count, in first-seen order (tokens decoded alike merged)."""
    _, reps, totals = _word_totals(counter)
    return [t.decode("utf-8", "replace") for t in counter.tokens(reps)], totals


def encode_with_counter(
    corpus: LineCorpus,
    counter: ByteTokenCounter,
    vocabulary: Vocabulary,
    allocate: IdAllocator = allocate_ids,
    max_sentence_length: int | None = MAX_SENTENCE_LENGTH,
    block_size: int = DEFAULT_BLOCK_SIZE,
) -> EncodedCorpus:
    """Pass 2 with a vocabulary decided elsewhere (e.g. merged over the shards of a corpus).

    ``counter`` is pass 1's table of this same corpus.
    """
    final_ids = _token_ids(counter, vocabulary)
    return _encode(corpus, counter, final_ids, allocate, max_sentence_length, block_size)


def _encode(corpus, counter, final_ids, allocate, max_sentence_length, block_size) -> EncodedCorpus:
    n_kept = int(counter.counts[final_ids >= 0].sum())
    ids = allocate(n_kept)
    if not (isinstance(ids, np.ndarray) and ids.dtype == np.int32 and ids.shape == (n_kept,)):
        raise TypeError(f"allocate({n_kept}) must return a 1-D int32 array of that length.")
    offsets = encode_blocks(
        corpus, counter, final_ids, np.asarray(ids), max_sentence_length, block_size
    )
    return EncodedCorpus(ids, offsets)


def _counted_vocabulary(
    counter: ByteTokenCounter, min_count: int, max_final_vocab: int | None
) -> tuple[Vocabulary, np.ndarray]:
    """The vocabulary of the counted corpus, and the final id of each token (-1: skipped).

    Only kept words are decoded to str, and the ids map without lookups.
    """
    word_of, reps, totals = _word_totals(counter)
    ranked, min_kept = rank_words(totals, min_count, max_final_vocab)
    kept = reps[ranked]
    words = [t.decode("utf-8", "replace") for t in counter.tokens(kept)]
    rep_ids = np.full(len(word_of), -1, dtype=np.int32)
    rep_ids[kept] = np.arange(len(kept), dtype=np.int32)
    return Vocabulary(words, totals[ranked], min_kept), rep_ids[word_of]


def _token_ids(counter: ByteTokenCounter, vocabulary: Vocabulary) -> np.ndarray:
    """The final id of each token of ``counter`` (-1: not in ``vocabulary``)."""
    word_of, non_ascii_words = merge_decoded(counter)
    rep_ids = np.full(len(word_of), -1, dtype=np.int32)
    for i, word in enumerate(vocabulary.words):
        rep = non_ascii_words.get(word) if not word.isascii() else counter.find(word)
        if rep is not None and rep >= 0:
            rep_ids[rep] = i
    return rep_ids[word_of]
