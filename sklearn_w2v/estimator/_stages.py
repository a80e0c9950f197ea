"""The stages of a fit (read, train, store) and the two ways ``W2V`` reads: afresh, or continuing.

``fit_stages(model, stages)`` (the estimator's module) runs a :class:`FitStages`
object's stages in order, inside one transaction (an error or an interrupt
leaves the estimator as it was):

1. :meth:`FitStages.setup`: the run's ``TrainingSetup`` (its
   configuration, trainer and analyzer), from the estimator's parameters
   (``training_setup``);
2. :meth:`FitStages.read`: the corpus, encoded, with its vocabulary and the
   starting weights (:class:`TrainingData`);
3. :meth:`FitStages.train`: the trained weights (a
   :class:`~sklearn_w2v.training.TrainResult`);
4. the estimator stores the fitted attributes, and
   :meth:`FitStages.document_statistics` gives what ``agg="tfidf"`` and
   ``agg="sif"`` learn.

``fit`` uses :class:`FreshFit`, ``partial_fit`` :class:`ContinuedFit`, and
:func:`sklearn_w2v.distributed.fit_distributed` a subclass that reads one
rank's shard and trains in synchronised rounds.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..corpus import EncodedCorpus, encode_documents, open_store, remap, update_vocabulary
from ..pooling import DocumentStatistics, document_statistics
from ..text import iter_token_lists
from ..training import (
    EpochEnd,
    EpochHook,
    TrainResult,
    TrainStats,
    initial_vectors,
    sampling_tables,
)
from ._pretrained import check_pretrained, load_pretrained, pretrained_vocabulary, starting_vectors
from ._setup import Model, TrainingSetup, training_setup


@dataclass(frozen=True)
class CorpusSummary:
    """The sizes a fit reports (``training_stats_``, and the verbose summary line)."""

    n_documents: int
    n_raw_words: int
    n_corpus_words: int
    effective_min_count: int
    n_words: int
    n_new_words: int | None = None  # words a continued fit added
    # Wall seconds of the read stage's two steps, when measured (see EncodedDocuments).
    count_seconds: float | None = None
    encode_seconds: float | None = None

    def line(self) -> str:
        """The verbose summary line."""
        if self.n_new_words is None:
            vocabulary = f"{self.n_words} words with count >= {self.effective_min_count}"
        else:
            vocabulary = f"{self.n_new_words} new words, {self.n_words} in all"
        return (f"[W2V] {self.n_documents} documents, {self.n_raw_words} tokens; {vocabulary}; "
                f"{self.n_corpus_words} tokens to train on")

    def as_dict(self) -> dict[str, Any]:
        """The entries of ``training_stats_`` that describe the corpus."""
        stats = {
            "n_documents": self.n_documents,
            "n_raw_words": self.n_raw_words,
            "n_corpus_words": self.n_corpus_words,
            "effective_min_count": self.effective_min_count,
        }
        if self.n_new_words is not None:
            stats["n_new_words"] = self.n_new_words
        return stats


#: The stages of a fit timed apart, in order (``training_stats_["stage_seconds"]``):
#: ``setup`` (the parameters checked, the trainer made, and the trainer's own set-up: kernel
#: objects, device tables), ``count`` (the words counted), ``encode`` (the vocabulary chosen
#: and the ids written), ``weights`` (the starting weights, random or pretrained, and the
#: rest of reading), ``tables`` (the sampling tables), ``copies`` (to and from a device),
#: ``train`` (the epochs, callbacks included), ``store`` (the fitted attributes: vectors,
#: SIF weights, the divergence check) and ``statistics`` (``idf_``, ``sif_component_``).
STAGE_NAMES = ("setup", "count", "encode", "weights", "tables", "copies", "train", "store",
               "statistics")


class StageClock:
    """The wall seconds of a fit's stages (:data:`STAGE_NAMES`), lap by lap.

    :meth:`lap` gives the seconds since the last lap; the fit hands each lap
    to the stage it belongs to. A stage that did not run, or whose time is
    not told apart (``count`` where one pass counts and encodes), stays None.

    Examples
    --------
    >>> clock = StageClock()
    >>> clock.add("setup", 0.5)
    >>> clock.seconds["setup"], clock.seconds["count"]
    (0.5, None)
    """

    def __init__(self):
        self.began = self._mark = time.perf_counter()
        self.cpu_began = self._cpu_mark = time.process_time()
        self.seconds: dict[str, float | None] = dict.fromkeys(STAGE_NAMES)
        #: GPU time of the training kernels, within ``train`` (None: not measured).
        self.kernel_seconds: float | None = None
        #: Process CPU seconds (all threads) of the laps given to :meth:`train`.
        self.train_cpu_seconds = 0.0

    def lap(self) -> float:
        """Seconds since the last lap (or since the clock started)."""
        now, cpu = time.perf_counter(), time.process_time()
        seconds, self._mark = now - self._mark, now
        self._lap_cpu, self._cpu_mark = cpu - self._cpu_mark, cpu
        return seconds

    def add(self, stage: str, seconds: float | None) -> None:
        """Count ``seconds`` to ``stage`` (None adds nothing)."""
        if seconds is not None:
            self.seconds[stage] = (self.seconds[stage] or 0.0) + seconds

    def read(self, summary: CorpusSummary, seconds: float) -> None:
        """The read stage's ``seconds``: its counting and encoding, the rest to ``weights``."""
        self.add("count", summary.count_seconds)
        self.add("encode", summary.encode_seconds)
        self.add("weights", seconds - (summary.count_seconds or 0.0)
                 - (summary.encode_seconds or 0.0))

    def train(self, stats: TrainStats, seconds: float) -> None:
        """The train stage's ``seconds``, split as the trainer (and :func:`train_counted_words`)
        timed them (``stats.stage_seconds``): tables, set-up and copies apart, the rest
        training.
        """
        parts = stats.stage_seconds
        apart = 0.0
        for stage in ("tables", "setup", "copies"):
            if stage in parts:
                self.add(stage, parts[stage])
                apart += parts[stage]
        self.add("train", seconds - apart)
        self.kernel_seconds = parts.get("kernel")
        self.train_cpu_seconds += self._lap_cpu

    def total(self) -> float:
        """Seconds since the clock started."""
        return time.perf_counter() - self.began

    def total_cpu(self) -> float:
        """Process CPU seconds since the clock started."""
        return time.process_time() - self.cpu_began


@dataclass(frozen=True, eq=False)
class TrainingData:
    """What the read stage hands to training: the vocabulary, the encoded corpus, the starting
    weights.

    Attributes
    ----------
    words : list of str
        The vocabulary, in index order.
    counts : ndarray of int64
        Each word's count (drives subsampling, noise and SIF weights).
    corpus : EncodedCorpus
        Ids in ``range(len(words))``; may be empty for a continued fit.
    input_vectors, output_vectors : ndarray of float32, shape (len(words), vector_size)
        Starting weights.
    summary : CorpusSummary
    pretrained_rank : ndarray of int64, shape (len(words),), or None
        With ``init_vectors``: each word's 1-based row in the pretrained
        vectors, 0 for words that did not come from them.
    frozen : ndarray of bool, shape (len(words),), or None
        Input rows training must leave as they are (``freeze_init``).
    """

    words: list[str]
    counts: np.ndarray
    corpus: EncodedCorpus
    input_vectors: np.ndarray
    output_vectors: np.ndarray
    summary: CorpusSummary
    pretrained_rank: np.ndarray | None = None
    frozen: np.ndarray | None = None


class FitStages:
    """How one fit reads its corpus and trains; subclass it to do either differently.

    ``fit_stages`` calls the methods in the order of the module docstring.
    Only :meth:`read` must be written; the others have the single-process
    defaults.

    Attributes
    ----------
    continues : bool
        Whether the fit continues the fitted model (``partial_fit``): the
        run then gets the seed of the next call, and its document
        statistics add to the earlier ones instead of replacing them.
    """

    continues = False

    def runs_callbacks(self) -> bool:
        """Whether this process calls the estimator's ``callbacks`` (distributed: rank 0 only)."""
        return True

    def setup(self, model: Model, call: int) -> TrainingSetup:
        """The run's setup; ``call`` is the number of training calls the model has had (pass it
        on).
        """
        return training_setup(model, call=call)

    def read(
        self, model: Model, setup: TrainingSetup
    ) -> contextlib.AbstractContextManager[TrainingData]:
        """A context manager giving the :class:`TrainingData`; it stays open while training runs.

        (Out of core, the encoded corpus lives in files that must outlive
        training; they are removed when the context closes.)
        """
        raise NotImplementedError

    def train(self, setup: TrainingSetup, data: TrainingData) -> TrainResult:
        """Train the starting weights on the corpus (see :func:`train_counted_words`)."""
        return train_counted_words(setup, data)

    def document_statistics(
        self, data: TrainingData, vectors: np.ndarray, sif_weights: np.ndarray,
        n_threads: int = 1,
    ) -> DocumentStatistics:
        """What ``agg="tfidf"`` and ``agg="sif"`` learn from this fit's documents (on
        ``n_threads`` threads, the fit's).
        """
        return document_statistics(data.corpus, data.summary.n_documents, vectors, sif_weights,
                                   n_threads)


def counted_rows(counts: np.ndarray) -> slice | np.ndarray:
    """The rows of the words that train: those with a positive count.

    Words without a count (pretrained words the corpus lacks) are neither
    center nor noise words, so their rows would not move, and the trainer
    contract wants positive counts. A slice when the counted words come
    first, as a fit lays them out (the rows are then views); their indices
    otherwise.

    Examples
    --------
    >>> counted_rows(np.array([3, 1, 0])), counted_rows(np.array([3, 0, 1])).tolist()
    (slice(0, 2, None), [0, 2])
    """
    counted = np.asarray(counts) > 0
    n = int(counted.sum())
    if counted[:n].all():
        return slice(0, n)
    return np.flatnonzero(counted)


def train_counted_words(setup: TrainingSetup, data: TrainingData) -> TrainResult:
    """Train the words whose count is positive; the others' rows come back as they were.

    Words without a count (pretrained words the corpus lacks) are neither
    center nor noise words, so their rows would not move; the trainer sees
    only the counted ones (the contract wants positive counts). When they
    come first, as a fit lays them out, it trains leading slices of the
    weights in place; otherwise (a later ``partial_fit``) their rows are
    gathered and put back. ``data.frozen`` and ``setup.on_epoch_end`` go to
    the trainer (the hook sees ``data``'s full arrays up to date). With
    ``epochs=0`` (or ``setup.train_nothing``) nothing trains.
    """
    config = setup.config
    rows = counted_rows(data.counts)
    n = len(data.counts[rows])
    if config.epochs == 0 or data.corpus.n_tokens == 0 or n == 0 or setup.train_nothing:
        stats = TrainStats(0.0, 0, 0, n_threads=config.n_threads,
                           epochs=0 if setup.train_nothing else None)
        return TrainResult(data.input_vectors, data.output_vectors, stats)
    # The tables are built here, so that their time is told apart: the trainer (every backend
    # calls the one builder) then finds them made.
    began = time.perf_counter()
    sampling_tables(data.counts[rows], config.sample, config.ns_exponent)
    tables_seconds = time.perf_counter() - began
    inp, out, frozen = data.input_vectors, data.output_vectors, data.frozen
    corpus = data.corpus
    if not isinstance(rows, slice):
        id_map = np.full(len(data.counts), -1, dtype=np.int32)
        id_map[rows] = np.arange(n, dtype=np.int32)
        corpus = remap(data.corpus, id_map, data.corpus.n_tokens)
    if frozen is not None:
        frozen = np.ascontiguousarray(frozen[rows]) if frozen[rows].any() else None
    # The hook only when there is one: trainers written without it keep serving other fits.
    extra = {} if setup.on_epoch_end is None else {
        "on_epoch_end": _full_arrays_hook(setup.on_epoch_end, rows, inp, out)}
    result = setup.trainer.train(
        corpus, data.counts[rows], config,
        np.ascontiguousarray(inp[rows]), np.ascontiguousarray(out[rows]), frozen=frozen,
        **extra)
    for full, trained in ((inp, result.input_vectors), (out, result.output_vectors)):
        if not np.shares_memory(full, trained):
            full[rows] = trained
    stats = dataclasses.replace(result.stats, stage_seconds={
        **result.stats.stage_seconds, "tables": tables_seconds})
    return TrainResult(inp, out, stats)


def _full_arrays_hook(hook: EpochHook, rows, inp: np.ndarray, out: np.ndarray) -> EpochHook:
    """``hook`` seeing the full weights ``inp``, ``out``, whose ``rows`` the trainer trains."""

    def on_epoch_end(report: EpochEnd) -> bool:
        for full, trained in ((inp, report.input_vectors), (out, report.output_vectors)):
            if not np.shares_memory(full, trained):
                full[rows] = trained
        return hook(dataclasses.replace(report, input_vectors=inp, output_vectors=out))

    return on_epoch_end


class FreshFit(FitStages):
    """``fit(X)``: a vocabulary from ``X`` (or the ``vocabulary`` parameter) and fresh weights,
    or, with ``init_vectors``, the pretrained ones (see :mod:`sklearn_w2v.estimator`).
    """

    def __init__(self, X):
        self.X = X

    @contextlib.contextmanager
    def read(self, model: Model, setup: TrainingSetup) -> Iterator[TrainingData]:
        if model.init_vectors is not None:
            with self._read_pretrained(model, setup) as data:
                yield data
            return
        with open_store(model.temp_folder) as store:
            encoded = encode_documents(
                self.X,
                tokenize=setup.analyzer,
                min_count=model.min_count,
                max_vocab_size=model.max_vocab_size,
                max_final_vocab=model.max_final_vocab,
                word_counts=model.vocabulary,
                store=store,
                n_threads=setup.config.n_threads,
            )
            vocabulary = encoded.vocabulary
            if encoded.n_documents == 0:
                raise ValueError("X contains no documents.")
            if len(vocabulary) == 0:
                raise ValueError(
                    f"No word occurs at least min_count={vocabulary.effective_min_count} "
                    f"times in {encoded.n_raw_words} tokens; lower min_count or pass more text."
                )
            summary = CorpusSummary(encoded.n_documents, encoded.n_raw_words,
                                    encoded.corpus.n_tokens, vocabulary.effective_min_count,
                                    len(vocabulary), count_seconds=encoded.count_seconds,
                                    encode_seconds=encoded.encode_seconds)
            inp, out = initial_vectors(len(vocabulary), setup.config.vector_size, setup.config.seed)
            yield TrainingData(vocabulary.words, vocabulary.counts, encoded.corpus, inp, out,
                               summary)

    @contextlib.contextmanager
    def _read_pretrained(self, model: Model, setup: TrainingSetup) -> Iterator[TrainingData]:
        # Before the corpus is read: a bad file or width fails fast.
        corpus_only = model.init_vectors_words == "corpus"
        options = dict(format=model.init_vectors_format,
                       unicode_errors=model.init_vectors_unicode_errors,
                       duplicates=model.init_vectors_duplicates)
        if corpus_only:  # the rows are read once the corpus's words are known
            check_pretrained(model.init_vectors, setup.config.vector_size,
                             model.init_vectors_format)
        else:
            pretrained = load_pretrained(model.init_vectors, model.init_vectors_limit,
                                         setup.config.vector_size, **options)
        with open_store(model.temp_folder) as store:
            # Every word with its count: which words the vocabulary keeps depends on both.
            encoded = encode_documents(self.X, tokenize=setup.analyzer, min_count=1,
                                       max_vocab_size=model.max_vocab_size, store=store,
                                       n_threads=setup.config.n_threads)
            if encoded.n_documents == 0:
                raise ValueError("X contains no documents.")
            if corpus_only:
                pretrained = load_pretrained(model.init_vectors, model.init_vectors_limit,
                                             setup.config.vector_size, **options,
                                             keep=frozenset(encoded.vocabulary.words))
                if not pretrained.words:
                    raise ValueError("init_vectors_words='corpus': no word of X has a "
                                     "pretrained vector.")
            vocabulary = pretrained_vocabulary(
                encoded.vocabulary.words, encoded.vocabulary.counts, pretrained.words,
                fine_tune=setup.config.epochs > 0, min_count=model.min_count,
                max_final_vocab=model.max_final_vocab)
            n_kept = int(encoded.vocabulary.counts[vocabulary.id_map >= 0].sum())
            corpus = remap(encoded.corpus, vocabulary.id_map, n_kept, store)
            n_documents, n_raw_words = encoded.n_documents, encoded.n_raw_words
            seconds = encoded.count_seconds, encoded.encode_seconds
            del encoded
            inp, out = starting_vectors(vocabulary, pretrained, setup.config.seed)
            rank = pretrained.file_rank(vocabulary.pretrained_rank)
            del pretrained  # the file's matrix, unless it became inp
            if setup.config.epochs > 0 and corpus.n_tokens == 0:
                raise ValueError("No word of X is in the vocabulary (the pretrained words and "
                                 "those occurring min_count times); nothing to fine-tune on.")
            # The pretrained file's reading and the remap count to the starting weights.
            summary = CorpusSummary(n_documents, n_raw_words, corpus.n_tokens,
                                    vocabulary.effective_min_count, len(vocabulary.words),
                                    count_seconds=seconds[0], encode_seconds=seconds[1])
            yield TrainingData(vocabulary.words, vocabulary.counts, corpus, inp, out, summary,
                               rank, rank > 0 if model.freeze_init else None)


class ContinuedFit(FitStages):
    """``partial_fit(X)`` on a fitted model: gensim's ``build_vocab(update=True)`` then
    ``train()``.
    """

    continues = True

    def __init__(self, X):
        self.X = X

    @contextlib.contextmanager
    def read(self, model: Model, setup: TrainingSetup) -> Iterator[TrainingData]:
        wv = model.wv_
        if int(model.vector_size) != wv.vector_size:
            raise ValueError(
                f"vector_size={model.vector_size} differs from the fitted vectors' "
                f"size {wv.vector_size}; partial_fit cannot change it (call fit)."
            )
        began = time.perf_counter()
        update = update_vocabulary(
            iter_token_lists(self.X, setup.analyzer),
            wv.key_to_index,
            wv.expandos["count"],
            min_count=model.min_count,
            max_vocab_size=model.max_vocab_size,
            max_final_vocab=model.max_final_vocab,
        )
        encode_seconds = time.perf_counter() - began  # one pass counts and encodes
        if update.n_documents == 0:
            raise ValueError("X contains no documents.")
        n_new = len(update.new_words)
        fresh_in, fresh_out = initial_vectors(n_new, setup.config.vector_size, setup.config.seed)
        words = list(wv.index_to_key) + update.new_words
        summary = CorpusSummary(update.n_documents, update.n_raw_words, update.corpus.n_tokens,
                                model.min_count, len(words), n_new,
                                encode_seconds=encode_seconds)
        rank = getattr(model, "pretrained_rank_", None)
        if rank is not None:  # new words did not come from the pretrained vectors
            rank = np.concatenate([rank, np.zeros(n_new, dtype=np.int64)])
        frozen = rank > 0 if rank is not None and model.freeze_init else None
        yield TrainingData(
            words, update.counts, update.corpus,
            np.concatenate([wv.vectors, fresh_in]),
            np.concatenate([model.context_vectors_, fresh_out]),
            summary, rank, frozen,
        )
