"""The file path from text files to the training corpus: one read, in big blocks.

The text is read once (:func:`~sklearn_w2v.vocabulary.count_line_corpus`):
its byte tokens are counted, and each block's scan ids (every token's index
in its counting table, -1 at each line end) are kept through the
:class:`~sklearn_w2v.corpus.IdStore`. The vocabulary is prepared from the
counts with exactly the rules of the generic path, and one compiled pass
then turns the scan ids into word ids (:func:`encode_counted`), writing them
over the scan ids themselves in memory (a word id never gets ahead of the
scan id it comes from): no second read or hashing of the text, no Python
object per token, and no array beyond the corpus's own.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import numpy as np
from numba import njit

from ..text import DEFAULT_BLOCK_SIZE, MAX_SENTENCE_LENGTH, LineCorpus
from ..vocabulary import FileCounts, Vocabulary, count_line_corpus, vocabulary_from_counts
from ._encoded import EncodedCorpus, EncodedDocuments
from ._storage import IdStore, MemoryStore, allocate_checked


@njit(nogil=True, cache=True)
def _write_ids(scan, block_ends, block_tables, maps, map_starts, max_length, out,
               ends):  # pragma: no cover (compiled; tested through encode_counted)
    """Turn the scan ids ``scan`` into word ids in ``out``, and the sentence ends into ``ends``.

    Block ``b`` of the scan ids (up to ``block_ends[b]``) reads its tokens'
    word ids from table ``block_tables[b]``'s map (``maps`` from
    ``map_starts[...]``); -1 there skips the token. A sentence ends at each
    line end (-1 in ``scan``) and after every ``max_length`` tokens of a line
    (``max_length <= 0``: never); empty sentences are left out. ``out`` may
    be ``scan`` itself: the write position never passes the read one.
    Returns the number of word ids and of sentence ends written.
    """
    pos = 0
    n_ends = 0
    sentence_start = 0
    raw = 0
    i = 0
    for b in range(len(block_ends)):
        base = map_starts[block_tables[b]]
        stop = block_ends[b]
        while i < stop:
            x = scan[i]
            i += 1
            if x < 0:  # a line end
                if pos > sentence_start:
                    ends[n_ends] = pos
                    n_ends += 1
                sentence_start = pos
                raw = 0
                continue
            word = maps[base + x]
            if word >= 0:
                out[pos] = word
                pos += 1
            raw += 1
            if raw == max_length:
                if pos > sentence_start:
                    ends[n_ends] = pos
                    n_ends += 1
                sentence_start = pos
                raw = 0
    if raw > 0 and pos > sentence_start:  # a last line without its end
        ends[n_ends] = pos
        n_ends += 1
    return pos, n_ends


def encode_counted(
    scan_ids: np.ndarray,
    counts: FileCounts,
    vocabulary: Vocabulary,
    store: IdStore | None = None,
    token_ids: np.ndarray | None = None,
    max_sentence_length: int | None = MAX_SENTENCE_LENGTH,
) -> EncodedCorpus:
    """The corpus in ``vocabulary``'s ids, from the scan ids its counting kept.

    Parameters
    ----------
    scan_ids : ndarray of int32
        What ``count_line_corpus(..., keep_ids=writer.extend)`` handed the
        writer (``writer.finish()``); overwritten when ``store`` may reuse it
        (:meth:`IdStore.reuse`).
    counts : FileCounts
        That counting's result.
    vocabulary : Vocabulary
        The words to keep, e.g. from ``counts`` or merged over the shards
        of a corpus.
    store : IdStore, optional
        Where the ids go (memory, over the scan ids, by default).
    token_ids : ndarray of int32, optional
        The final id of each token of ``counts.table`` (-1: skip), when
        already known (:meth:`FileCounts.vocabulary` gives it); else looked
        up from ``vocabulary``.

    Returns
    -------
    EncodedCorpus
        Documents longer than ``max_sentence_length`` raw tokens are cut,
        sentences left empty are dropped (as on the generic path).
    """
    store = store or MemoryStore()
    if token_ids is None:
        token_ids = counts.token_ids(vocabulary)
    maps, starts = counts.scan_id_maps(token_ids)
    scan = counts.scan
    if len(scan_ids) != (scan.block_ends[-1] if len(scan.block_ends) else 0):
        raise ValueError(f"{len(scan_ids)} scan ids, but the counting kept "
                         f"{scan.block_ends[-1] if len(scan.block_ends) else 0}.")
    n_kept = counts.n_kept(token_ids)
    ids = store.reuse(scan_ids, n_kept)
    if ids is None:
        ids = allocate_checked(store, n_kept)
    max_length = 0 if max_sentence_length is None else int(max_sentence_length)
    n_cuts = counts.n_raw_words // max_length if max_length > 0 else 0
    ends = np.empty(counts.n_documents + n_cuts + 1, dtype=np.int64)
    pos, n_ends = _write_ids(scan_ids, scan.block_ends, scan.block_tables, maps, starts,
                             max_length, ids, ends)
    if pos != n_kept:
        raise RuntimeError(f"Expected {n_kept} kept ids, wrote {pos}.")
    offsets = np.empty(n_ends + 1, dtype=np.int64)
    offsets[0] = 0
    offsets[1:] = ends[:n_ends]
    return EncodedCorpus(ids, offsets)


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
    """Build the vocabulary and the training corpus of a :class:`LineCorpus`, reading it once.

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
        Where the ids go (memory by default), the scan ids first.
    n_threads : int, default=1
        Threads counting blocks at once; the result does not depend on it
        (see :func:`~sklearn_w2v.vocabulary.count_line_corpus`).
    """
    store = store or MemoryStore()
    start = time.perf_counter()
    writer = store.writer()
    counts = count_line_corpus(corpus, block_size, n_threads, keep_ids=writer.extend)
    scan_ids = writer.finish()
    counted = time.perf_counter()
    if word_counts is None:
        vocabulary, token_ids = counts.vocabulary(min_count, max_final_vocab)
    else:
        vocabulary = vocabulary_from_counts(word_counts, min_count, max_final_vocab)
        token_ids = None
    encoded = encode_counted(scan_ids, counts, vocabulary, store, token_ids, max_sentence_length)
    return EncodedDocuments(vocabulary, encoded, counts.n_raw_words, counts.n_documents,
                            counted - start, time.perf_counter() - counted)
