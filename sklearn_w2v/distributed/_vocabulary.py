"""One vocabulary for all ranks, from the word counts of every shard."""

from __future__ import annotations

import numpy as np
import torch.distributed as dist

from ..vocabulary import Vocabulary, vocabulary_from_counts
from ._group import collective, rank_and_size


def merged_vocabulary(
    words: list[str], counts: np.ndarray, min_count: int, max_final_vocab: int | None
) -> Vocabulary:
    """The vocabulary single-process training would build from all shards together (a collective).

    Each rank passes every word of its shard with its count, in first-seen
    order. Rank 0 adds them up in rank order, which (shards being
    consecutive parts of the corpus) is the corpus's first-seen order, so
    ties are broken exactly as one process reading the whole corpus breaks
    them; it then applies ``min_count`` and ``max_final_vocab`` to the
    totals and sends the result to all ranks.

    Only rank 0 holds all shards' raw words at once; the others hold their
    own and the final vocabulary.
    """
    rank, size = rank_and_size()
    gathered: list | None = [None] * size if rank == 0 else None
    with collective("gathering the word counts"):
        dist.gather_object((words, np.asarray(counts, dtype=np.int64)), gathered, dst=0)
    result: list = [None]
    if rank == 0:
        totals: dict[str, int] = {}
        for shard_words, shard_counts in gathered:
            for word, count in zip(shard_words, shard_counts.tolist()):
                totals[word] = totals.get(word, 0) + count
        del gathered
        vocabulary = vocabulary_from_counts(totals, min_count, max_final_vocab) if totals else None
        result = [None if vocabulary is None else
                  (vocabulary.words, vocabulary.counts, vocabulary.effective_min_count)]
    with collective("sending the vocabulary"):
        dist.broadcast_object_list(result, src=0)
    if result[0] is None:
        return Vocabulary([], np.zeros(0, dtype=np.int64), min_count)
    words, counts, min_kept = result[0]
    return Vocabulary(list(words), np.asarray(counts, dtype=np.int64), int(min_kept))
