"""Growing a fitted vocabulary with new documents (``partial_fit``).

The rules follow gensim 4's ``build_vocab(update=True)``:

* words already in the vocabulary keep their index and vector, and the new
  documents' counts are added to theirs (gensim only adds them when the
  word reaches ``min_count`` within the new documents; here every
  occurrence is added, since every occurrence is trained on and the counts
  drive subsampling and the noise distribution);
* a new word enters when it occurs at least ``min_count`` times in the new
  documents; new words are appended after the existing ones (sorted among
  themselves by descending count, as a fresh vocabulary is), so existing
  indices never move;
* ``max_final_vocab`` caps the total: new words are admitted only up to
  the remaining room, by raising their ``min_count`` (gensim's rule).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import NamedTuple

import numpy as np

from ..vocabulary import prepare_vocabulary
from ._encode import remap, scan_and_encode
from ._encoded import EncodedCorpus


class VocabularyUpdate(NamedTuple):
    """The result of scanning new documents against an existing vocabulary.

    Attributes
    ----------
    new_words : list of str
        Words to append, in index order (after the existing ones).
    counts : ndarray of int64
        Counts of all words, existing ones first, after the update.
    corpus : EncodedCorpus
        The new documents encoded with the updated vocabulary (unknown and
        rare words dropped, long documents cut, empty sentences removed).
    n_raw_words : int
        Tokens read.
    n_documents : int
        Documents read.
    """

    new_words: list[str]
    counts: np.ndarray
    corpus: EncodedCorpus
    n_raw_words: int
    n_documents: int


def update_vocabulary(
    token_lists: Iterable[Sequence[str]],
    key_to_index: Mapping[str, int],
    counts: np.ndarray,
    min_count: int = 5,
    max_vocab_size: int | None = None,
    max_final_vocab: int | None = None,
) -> VocabularyUpdate:
    """Scan new documents once and extend the vocabulary ``key_to_index``/``counts``.

    Examples
    --------
    >>> up = update_vocabulary([["a", "new", "new"], ["b", "a"]], {"a": 0, "b": 1},
    ...                        np.array([5, 3]), min_count=2)
    >>> up.new_words, up.counts.tolist()
    (['new'], [7, 4, 2])
    """
    n_old = len(counts)
    scanned = scan_and_encode(token_lists, max_vocab_size)
    raw = scanned.raw
    raw.check_words()
    known = np.fromiter(
        (key_to_index.get(w, -1) for w in raw.id_words), dtype=np.int64,
        count=len(raw.id_words),
    )
    # Candidates for new words: scan ids alive at the end and not yet known.
    raw_new = replace(raw, alive=raw.alive & (known < 0))
    room = None if max_final_vocab is None else max(max_final_vocab - n_old, 0)
    if room == 0:
        new_vocab, new_map = prepare_vocabulary(
            replace(raw_new, alive=np.zeros_like(raw.alive)), min_count
        )
    else:
        new_vocab, new_map = prepare_vocabulary(raw_new, min_count, room)
    id_map = np.where(known >= 0, known, np.where(new_map >= 0, new_map + n_old, -1))

    added = np.zeros(n_old, dtype=np.int64)
    old_alive = np.flatnonzero(raw.alive & (known >= 0))
    np.add.at(added, known[old_alive], raw.counts[old_alive])
    all_counts = np.concatenate(
        [np.asarray(counts, dtype=np.int64) + added, new_vocab.counts.astype(np.int64)]
    )
    return VocabularyUpdate(
        new_words=list(new_vocab.words),
        counts=all_counts,
        corpus=remap(scanned.corpus, id_map.astype(np.int32), int(raw.counts[id_map >= 0].sum())),
        n_raw_words=raw.n_words,
        n_documents=raw.n_documents,
    )
