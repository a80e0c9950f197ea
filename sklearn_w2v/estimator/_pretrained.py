"""Starting from pretrained vectors (``W2V(init_vectors=...)``): loading them, and the vocabulary.

Two uses, chosen by ``epochs``:

* ``epochs=0``: the pretrained words and vectors are the model, as they are;
  the corpus only gives the counts and document statistics pooling needs;
* ``epochs >= 1``: fine-tuning. The vocabulary is the corpus's words (the
  usual ``min_count`` rules) together with every pretrained word. It is laid
  out as the words the corpus has (most frequent first), then the
  pretrained words it lacks, in file order. Only the first block trains: a
  word the corpus lacks has no count, so it can be neither a noise word nor
  a center word, and its row would not move anyway; leaving it out of the
  trainer's arrays keeps the noise distribution the corpus's own, keeps
  every count positive (the trainer contract) and costs no copy (the
  trained block is a leading slice of the weights).

With ``init_vectors_words="corpus"`` only the pretrained words the corpus
has are kept (gensim's ``intersect_word2vec_format``): a file's rows are
then read after the corpus is counted, storing only those words' rows, so
memory holds the kept rows only; the file's existence and width are still
checked before the corpus is read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
from gensim.models import KeyedVectors

from ..training import initial_vectors
from ..vectors import DuplicateWordError, read_vectors, read_vectors_header
from ..vocabulary import Vocabulary, effective_min_count

_COPY_ROWS = 1 << 14  # pretrained rows copied into the model at a time


#: ``init_vectors_format`` values and the ``no_header`` of
#: :func:`~sklearn_w2v.vectors.read_vectors` each stands for.
INIT_VECTORS_FORMATS = {"auto": None, "word2vec": False, "glove": True}

#: ``init_vectors_words`` values: every pretrained word, or those the corpus has.
INIT_VECTORS_WORDS = ("all", "corpus")


@dataclass(frozen=True, eq=False)
class PretrainedVectors:
    """Words and vectors to start from.

    Attributes
    ----------
    words : list of str
        In the order of the file (or of the ``KeyedVectors``).
    vectors : ndarray of float32, shape (len(words), vector_size)
        Read from a file: this object's own matrix. From a ``KeyedVectors``:
        a view of its matrix, never written to.
    owned : bool
        Whether ``vectors`` may become the model's weights without a copy.
    rows : ndarray of int64 or None
        When only some words were kept (``keep``): each word's 0-based row
        in the file (or ``KeyedVectors``). None: row ``i`` is word ``i``.
    """

    words: list[str]
    vectors: np.ndarray
    owned: bool
    rows: np.ndarray | None = None

    def file_rank(self, rank: np.ndarray) -> np.ndarray:
        """1-based positions in ``words`` (0: none) as 1-based rows of the file."""
        if self.rows is None:
            return rank
        return np.where(rank > 0, self.rows[np.maximum(rank, 1) - 1] + 1, 0)


def check_pretrained(init_vectors, vector_size: int, format: str = "auto") -> None:
    """What can be checked of ``init_vectors`` without reading its rows: a file exists and its
    width (header, or first row of a headerless file) is ``vector_size``.
    """
    if isinstance(init_vectors, KeyedVectors):
        vectors = np.asarray(init_vectors.vectors)
        _check_width(vector_size, vectors.shape[1] if vectors.ndim == 2 else 0, "init_vectors")
        return
    path = os.fspath(init_vectors)
    if not os.path.isfile(path):
        raise ValueError(f"init_vectors file {path!r} does not exist (or is not a file).")
    _, width = read_vectors_header(path, no_header=INIT_VECTORS_FORMATS[format])
    _check_width(vector_size, width, f"init_vectors file {path!r}")


def load_pretrained(init_vectors, limit: int | None, vector_size: int, *,
                    format: str = "auto", unicode_errors: str = "strict",
                    duplicates: str = "error", keep=None) -> PretrainedVectors:
    """Read ``init_vectors`` (a word2vec file, or a gensim ``KeyedVectors``), its first ``limit``.

    The width is checked against ``vector_size`` first (from a file's
    header, before the rows are read). ``format`` ("auto", "word2vec",
    "glove": :data:`INIT_VECTORS_FORMATS`), ``unicode_errors`` and
    ``duplicates`` are the file reader's options
    (:func:`~sklearn_w2v.vectors.read_vectors`); ``keep``, a set of words,
    keeps only those (in order), for a file or a ``KeyedVectors``.

    Raises
    ------
    ValueError
        A missing or malformed file, no vectors, or a width other than
        ``vector_size`` (the message names both).
    """
    check_pretrained(init_vectors, vector_size, format)
    if isinstance(init_vectors, KeyedVectors):
        vectors = np.asarray(init_vectors.vectors)
        n = len(init_vectors.index_to_key) if limit is None else min(limit,
                                                                       len(init_vectors))
        if n == 0 or vectors.shape[0] < n:
            raise ValueError("init_vectors is an empty KeyedVectors (or its vectors are "
                             "missing rows); it needs at least one vector.")
        if keep is not None:
            index = init_vectors.index_to_key
            rows = np.array([i for i in range(n) if index[i] in keep], dtype=np.int64)
            return PretrainedVectors([index[i] for i in rows.tolist()],
                                     np.ascontiguousarray(vectors[rows], dtype=np.float32),
                                     True, rows)
        rows = vectors[:n]
        if rows.dtype != np.float32 or not rows.flags.c_contiguous:
            rows = np.ascontiguousarray(rows, dtype=np.float32)  # a copy: safe to own
            return PretrainedVectors(list(init_vectors.index_to_key[:n]), rows, True)
        return PretrainedVectors(list(init_vectors.index_to_key[:n]), rows, False)
    path = os.fspath(init_vectors)
    try:
        kv = read_vectors(path, limit=limit, no_header=INIT_VECTORS_FORMATS[format],
                          unicode_errors=unicode_errors, duplicates=duplicates, keep=keep)
    except DuplicateWordError as exc:  # name the estimator's spelling of the fix
        exc.args = (f"{exc.args[0]} (W2V(init_vectors_duplicates='keep_first'))",)
        raise
    rows = None if keep is None else np.asarray(kv.expandos["file_row"], dtype=np.int64)
    return PretrainedVectors(list(kv.index_to_key), kv.vectors, True, rows)


def _check_width(vector_size: int, width: int, what: str) -> None:
    if width != vector_size:
        raise ValueError(f"vector_size={vector_size} differs from the {width} dimensions of "
                         f"{what}; set vector_size={width}.")


@dataclass(frozen=True, eq=False)
class PretrainedVocabulary:
    """The vocabulary of a fit from pretrained vectors (see the module docstring for its order).

    Attributes
    ----------
    words : list of str
    counts : ndarray of int64
        Corpus counts, 0 for pretrained words the corpus lacks (they come last).
    pretrained_rank : ndarray of int64
        1-based row of each word in the pretrained vectors, 0 for new words.
    id_map : ndarray of int32
        For each corpus word (in the order given), its index here or -1.
    effective_min_count : int
    """

    words: list[str]
    counts: np.ndarray
    pretrained_rank: np.ndarray
    id_map: np.ndarray
    effective_min_count: int

    def vocabulary(self) -> Vocabulary:
        """As a :class:`~sklearn_w2v.vocabulary.Vocabulary` (for the encoders)."""
        return Vocabulary(self.words, self.counts, self.effective_min_count)


def pretrained_vocabulary(
    corpus_words: list[str],
    corpus_counts: np.ndarray,
    pretrained_words: list[str],
    *,
    fine_tune: bool,
    min_count: int,
    max_final_vocab: int | None,
) -> PretrainedVocabulary:
    """Combine every corpus word and its count (most frequent first) with the pretrained words.

    ``fine_tune=False`` (``epochs=0``): the pretrained words, in their order.
    Otherwise the corpus words that pass ``min_count`` (raised by
    ``max_final_vocab`` as usual) or are pretrained, then the pretrained
    words the corpus lacks.
    """
    row_of = {w: i for i, w in enumerate(pretrained_words)}
    corpus_rows = np.fromiter((row_of.get(w, -1) for w in corpus_words), dtype=np.int64,
                              count=len(corpus_words))
    corpus_counts = np.asarray(corpus_counts, dtype=np.int64)
    n_pre = len(pretrained_words)
    if not fine_tune:
        hit = corpus_rows >= 0
        counts = np.zeros(n_pre, dtype=np.int64)
        counts[corpus_rows[hit]] = corpus_counts[hit]
        return PretrainedVocabulary(list(pretrained_words), counts,
                                    np.arange(1, n_pre + 1, dtype=np.int64),
                                    corpus_rows.astype(np.int32), 1)
    min_kept = effective_min_count(corpus_counts, min_count, max_final_vocab)
    kept = np.flatnonzero((corpus_counts >= min_kept) | (corpus_rows >= 0))
    present = np.zeros(n_pre, dtype=bool)
    present[corpus_rows[corpus_rows >= 0]] = True
    absent = np.flatnonzero(~present)
    words = [corpus_words[i] for i in kept] + [pretrained_words[i] for i in absent]
    rank = np.concatenate((corpus_rows[kept], absent)) + 1
    counts = np.concatenate((corpus_counts[kept], np.zeros(len(absent), dtype=np.int64)))
    id_map = np.full(len(corpus_words), -1, dtype=np.int32)
    id_map[kept] = np.arange(len(kept), dtype=np.int32)
    return PretrainedVocabulary(words, counts, rank.astype(np.int64), id_map, min_kept)


def starting_vectors(
    vocabulary: PretrainedVocabulary, pretrained: PretrainedVectors, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Input and output weights: pretrained rows from their vectors, new words as in a fresh
    fit of this vocabulary, context weights zero.

    When the vocabulary is exactly the pretrained words (``epochs=0``) and the
    matrix is ``pretrained``'s own, it is used as is: no copy.
    """
    rank, vectors = vocabulary.pretrained_rank, pretrained.vectors
    dim = vectors.shape[1]
    if len(rank) == len(vectors) and np.array_equal(rank, np.arange(1, len(rank) + 1)):
        inp = vectors if pretrained.owned else vectors.copy()
        # np.zeros maps zero pages (np.zeros_like writes them): context weights that never
        # train cost no memory.
        return inp, np.zeros(inp.shape, dtype=np.float32)
    inp, out = initial_vectors(len(rank), dim, seed)
    from_file = np.flatnonzero(rank)
    for a in range(0, len(from_file), _COPY_ROWS):  # vectors[rows] is a temporary copy
        rows = from_file[a : a + _COPY_ROWS]
        inp[rows] = vectors[rank[rows] - 1]
    return inp, out
