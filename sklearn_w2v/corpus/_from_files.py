"""The file path from text files to the training corpus: two passes over big blocks.

Pass 1 (:func:`~sklearn_w2v.vocabulary.count_line_corpus`) counts the byte
tokens of each block; the vocabulary is prepared from the counts with
exactly the rules of the generic path. Pass 2 (here) encodes each block with
the same table straight into an int32 array whose size pass 1 has told: no
growing buffers, no remap copies, no Python object per token and no text
kept beyond one block.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import numpy as np

from ..text import DEFAULT_BLOCK_SIZE, MAX_SENTENCE_LENGTH, LineCorpus, map_blocks
from ..vocabulary import FileCounts, Vocabulary, count_line_corpus, vocabulary_from_counts
from ._encoded import EncodedCorpus, EncodedDocuments
from ._storage import IdStore, MemoryStore, allocate_checked


def encode_counted(
    corpus: LineCorpus,
    counts: FileCounts,
    vocabulary: Vocabulary,
    store: IdStore | None = None,
    token_ids: np.ndarray | None = None,
    max_sentence_length: int | None = MAX_SENTENCE_LENGTH,
    block_size: int = DEFAULT_BLOCK_SIZE,
    n_threads: int = 1,
) -> EncodedCorpus:
    """Pass 2: the ids of ``corpus``'s tokens in ``vocabulary``, written into an array of ``store``.

    Parameters
    ----------
    counts : FileCounts
        Pass 1's counts of this same corpus.
    vocabulary : Vocabulary
        The words to keep, e.g. from ``counts`` or merged over the shards
        of a corpus.
    token_ids : ndarray of int32, optional
        The final id of each token of ``counts.table`` (-1: skip), when
        already known (:meth:`FileCounts.vocabulary` gives it); else looked
        up from ``vocabulary``.
    n_threads : int, default=1
        Worker threads encoding blocks at once, each into arrays of its own
        (``BlockEncoder.encode_detached``); the
        calling thread reads the blocks and copies the results into place in
        text order. Same result as one thread; a block that continues a line
        cut by the previous one (a line longer than ``block_size``) is
        encoded again in order, with the line's state.

    Returns
    -------
    EncodedCorpus
        Documents longer than ``max_sentence_length`` raw tokens are cut,
        sentences left empty are dropped (as on the generic path).

    Raises
    ------
    RuntimeError
        If the files changed since pass 1.
    """
    store = store or MemoryStore()
    if token_ids is None:
        token_ids = counts.token_ids(vocabulary)
    n_kept = counts.n_kept(token_ids)
    ids = allocate_checked(store, n_kept)
    encoder = counts.table.encoder(token_ids, max_sentence_length)
    pos = 0
    offsets = [np.zeros(1, dtype=np.int64)]
    if n_threads <= 1:
        for block in corpus.iter_blocks(block_size):
            pos, ends = encoder.encode(block, ids, pos)
            offsets.append(ends.copy())
    else:
        for block, done in map_blocks(corpus, lambda k, b: encoder.encode_detached(b), n_threads,
                                      block_size):
            if encoder.line_open:
                pos, ends = encoder.encode(block, ids, pos)
                ends = ends.copy()
            else:
                pos, ends = encoder.attach(done, ids, pos)
            offsets.append(ends)
    offsets.append(encoder.finish(pos))
    if pos != n_kept:
        raise RuntimeError("The corpus files changed between the two passes.")
    return EncodedCorpus(ids, np.concatenate(offsets))


def encode_line_corpus(
    corpus: LineCorpus,
    min_count: int = 5,
    max_final_vocab: int | None = None,
    word_counts: Mapping[str, int] | None = None,
    store: IdStore | None = None,
    max_sentence_length: int | None = MAX_SENTENCE_LENGTH,
    block_size: int = DEFAULT_BLOCK_SIZE,
    n_threads: int = 1,
) -> EncodedDocuments:
    """Build the vocabulary and the training corpus of a :class:`LineCorpus` in two passes.

    Gives exactly what :func:`~sklearn_w2v.corpus.encode_for_training` (or,
    with ``word_counts``, :func:`~sklearn_w2v.corpus.encode_with_vocabulary`)
    gives on the same corpus without ``max_vocab_size`` (gensim's pruning
    during the scan depends on document-by-document counting, which block
    counting does not reproduce).

    Parameters
    ----------
    word_counts : mapping str -> int, optional
        A fixed vocabulary with its counts; the corpus counts are then used
        only to size the output.
    store : IdStore, optional
        Where the ids go (memory by default).
    n_threads : int, default=1
        Threads counting and encoding blocks at once; the result does not
        depend on it (see :func:`~sklearn_w2v.vocabulary.count_line_corpus`
        and :func:`encode_counted`).
    """
    start = time.perf_counter()
    counts = count_line_corpus(corpus, block_size, n_threads)
    counted = time.perf_counter()
    if word_counts is None:
        vocabulary, token_ids = counts.vocabulary(min_count, max_final_vocab)
    else:
        vocabulary = vocabulary_from_counts(word_counts, min_count, max_final_vocab)
        token_ids = None
    encoded = encode_counted(corpus, counts, vocabulary, store, token_ids,
                             max_sentence_length, block_size, n_threads)
    return EncodedDocuments(vocabulary, encoded, counts.n_raw_words, counts.n_documents,
                            counted - start, time.perf_counter() - counted)
