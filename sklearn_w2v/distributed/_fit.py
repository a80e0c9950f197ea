"""Fitting a :class:`~sklearn_w2v.W2V` on every rank of a process group.

Each rank reads its own shard once (as ``W2V.fit`` reads a
:class:`~sklearn_w2v.LineCorpus`, keeping the scan ids), the word counts
are merged into one vocabulary, and then every rank trains on its shard with the ordinary
single-process trainer, in rounds:

* an epoch of each rank's shard is cut into the same number of rounds
  (slices of about ``sync_words`` tokens on the largest shard, fewer on
  smaller ones), so all ranks reach a synchronisation together;
* in round ``k`` of ``n`` (over all epochs) every rank's learning rate
  falls linearly from the single-process rate at ``k / n`` of training to
  its rate at ``(k + 1) / n`` (:meth:`TrainConfig.stretch
  <sklearn_w2v.training.TrainConfig.stretch>`): the profile of
  single-process training over all words of all ranks, CBOW's stepped one
  included (it is linear within an epoch, and no round spans two epochs),
  since each rank has then trained ``k / n`` of its words;
* after each round the ranks' updates are all-reduced
  (:class:`~sklearn_w2v.distributed.WeightSync`), leaving every rank
  with the same weights.

The fit runs through the estimator's ``fit_stages`` like any other
(:class:`DistributedFit`, a ``FitStages`` subclass, reads the shard and
trains in rounds), so the estimator stores its fitted attributes as ``fit``
does.
"""


from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import time
import warnings
from collections.abc import Callable, Iterator

import numpy as np
import torch
import torch.distributed as dist
from gensim.models import KeyedVectors
from sklearn.base import clone

from ..backends import backend_options, backend_spec
from ..corpus import EncodedCorpus, MemoryStore, encode_counted
from ..estimator import (
    W2V,
    CorpusSummary,
    FitStages,
    PretrainedVectors,
    PretrainedVocabulary,
    TrainingData,
    TrainingSetup,
    available_cpus,
    counted_rows,
    fit_stages,
    load_pretrained,
    pretrained_vocabulary,
    starting_vectors,
    training_setup,
)
from ..pooling import DocumentStatistics, document_statistics
from ..text import LineCorpus
from ..training import (
    EpochEnd,
    ProgressReporter,
    TensorTrainer,
    TrainConfig,
    TrainResult,
    TrainStats,
    derive_seed,
    initial_vectors,
)
from ..vocabulary import Vocabulary, check_word_counts, count_line_corpus, vocabulary_from_counts
from ._group import DistributedError, agree, collective, rank_and_size
from ._sync import COMBINE, ROWS, WeightSync
from ._vocabulary import merged_vocabulary

#: Corpus words each rank trains between two synchronisations, by default.
#: The largest measured value that keeps single-process quality (the
#: distributed training page of the docs has the figures).
DEFAULT_SYNC_WORDS = 250_000

#: Parameters that may differ between ranks: they concern each rank's own
#: output and cores, not what is learned (``callbacks`` run on rank 0 only).
PER_RANK_PARAMETERS = ("verbose", "n_jobs", "callbacks")


@dataclasses.dataclass(frozen=True)
class RoundReport:
    """What ``on_round`` receives after each synchronisation (the same on every rank but
    ``rank``).
    """

    rank: int
    epoch: int
    round: int  # within the epoch
    n_rounds: int  # per epoch
    alpha: float  # learning rate at the end of the round
    seconds: float  # since training started
    bytes_reduced: int  # this rank's all-reduce payload so far


def fit_distributed(
    estimator: W2V,
    corpus: LineCorpus | None,
    *,
    sync_words: int = DEFAULT_SYNC_WORDS,
    combine: str = "sum",
    rows: str = "touched",
    on_round: Callable[[RoundReport], None] | None = None,
) -> W2V:
    """Fit a copy of ``estimator`` on the shards of all ranks of the default process group.

    Call it on every rank, inside an initialised ``torch.distributed``
    process group (``gloo`` for CPU ranks, ``nccl`` for GPU ones), each
    rank with its own shard. Every rank returns the same fitted
    :class:`~sklearn_w2v.W2V`: the same vocabulary (that of one process
    reading all shards in rank order), bit-identical weights, and the
    ``tfidf``/``sif`` statistics of all documents.

    Parameters
    ----------
    estimator : W2V
        The parameters (not modified; a clone is fitted). Every rank must
        pass the same ones. ``backend="numba"`` trains with numba threads,
        ``backend="torch"`` on the rank's GPU (``cuda:LOCAL_RANK``) or CPU.
        ``n_jobs=None`` shares the cores among the ranks of one machine.
        ``max_vocab_size`` (pruning during the scan) is not supported.
    corpus : LineCorpus or None
        This rank's shard (see :func:`sklearn_w2v.shard_files`);
        None for a rank without lines (it still takes part).
    sync_words : int, default=250_000
        Corpus words of the largest shard between two synchronisations.
        The staleness a rank sees grows with ``world_size * sync_words``.
    combine : {"sum", "mean", "touched-mean"}, default="sum"
        How the ranks' updates are combined (see
        :class:`~sklearn_w2v.distributed.WeightSync`); "sum" keeps the quality of
        single-process training where the others lose (measured in the distributed
        training page of the docs).
    rows : {"touched", "all"}, default="touched"
        Which rows are all-reduced; the result is the same, the bytes not.
    on_round : callable, optional
        Called on every rank after every synchronisation with a
        :class:`RoundReport` (progress display, checkpoints).

    Returns
    -------
    W2V
        Fitted; ``training_stats_`` adds ``world_size``, ``n_syncs``,
        ``sync_seconds`` and ``bytes_reduced_per_epoch`` (this rank's
        all-reduce payload).

    Notes
    -----
    The estimator's ``callbacks`` run on rank 0 only (the other ranks'
    are ignored), after each epoch's last synchronisation, when every rank
    holds the same weights; when one asks to stop, every rank stops after
    that epoch, and an error in one stops every rank.

    Raises
    ------
    DistributedError
        When a peer dies, hangs past the group's timeout, or fails a step
        (every rank raises, none hangs).

    Examples
    --------
    Inside ``torchrun --nproc-per-node 2 script.py``::

        import torch.distributed as dist
        from sklearn_w2v import W2V, LineCorpus
        from sklearn_w2v.distributed import fit_distributed
        from sklearn_w2v import shard_files

        dist.init_process_group("gloo")
        shard = shard_files(["big.txt"], dist.get_world_size())[dist.get_rank()]
        model = fit_distributed(W2V(sg=1), LineCorpus(shard) if shard else None)
    """
    rank_and_size()  # inside a process group, or a clear error
    if (
        isinstance(sync_words, bool)
        or not isinstance(sync_words, (int, np.integer))
        or sync_words < 1
    ):
        raise ValueError(f"sync_words must be a positive integer, got {sync_words!r}")
    if combine not in COMBINE:
        raise ValueError(f"combine must be one of {COMBINE}, got {combine!r}")
    if rows not in ROWS:
        raise ValueError(f"rows must be one of {ROWS}, got {rows!r}")
    if corpus is not None and not isinstance(corpus, LineCorpus):
        raise TypeError(f"corpus must be a LineCorpus (this rank's shard) or None, "
                        f"got {type(corpus).__name__}")
    model = clone(estimator)
    stages = DistributedFit(corpus, int(sync_words), combine, rows, on_round)
    fit_stages(model, stages)
    model.training_stats_.update(stages.report())
    return model


@dataclasses.dataclass(frozen=True, eq=False)
class _Shard:
    """This rank's encoded shard, the shared vocabulary, and the totals over all ranks."""

    vocabulary: Vocabulary
    local: EncodedCorpus
    n_documents: int  # this rank's
    n_tokens_all: int
    n_raw_words_all: int
    n_documents_all: int
    layout: PretrainedVocabulary | None = None  # with init_vectors


class DistributedFit(FitStages):
    """The stages of a fit on every rank of the default process group (see :func:`fit_distributed`).

    ``setup`` agrees on the parameters, the device and the seed; ``read``
    counts this rank's shard, merges the vocabulary and encodes the shard;
    ``train`` trains in rounds and synchronises the weights after each;
    ``document_statistics`` sums every rank's. Each stage is a collective:
    every rank runs it, and a failure on one rank stops all of them.
    """

    def __init__(self, corpus: LineCorpus | None, sync_words: int, combine: str, rows: str,
                 on_round: Callable[[RoundReport], None] | None):
        self.corpus = corpus
        self.sync_words = sync_words
        self.combine = combine
        self.rows = rows
        self.on_round = on_round
        self.device = torch.device("cpu")

    def runs_callbacks(self) -> bool:
        """Rank 0 runs the estimator's callbacks; the others follow its decision to stop."""
        return rank_and_size()[0] == 0

    def setup(self, model: W2V, call: int) -> TrainingSetup:
        rank, size = rank_and_size()
        error = setup = None
        try:
            setup = self._local_setup(model, call, size)
        except (TypeError, ValueError, ImportError) as exc:
            error = exc
        agree(error, "checking the parameters")
        _check_same_parameters(model)
        seed = _broadcast_int(setup.config.seed, self.device)
        return dataclasses.replace(setup, config=dataclasses.replace(setup.config, seed=seed))

    def _local_setup(self, model: W2V, call: int, world_size: int) -> TrainingSetup:
        if model.max_vocab_size is not None:
            raise ValueError("max_vocab_size (pruning while scanning) is not supported in "
                             "distributed training; use min_count or max_final_vocab.")
        if model.epochs == 0:
            raise ValueError("epochs=0 trains nothing: fit the pretrained vectors in one "
                             "process (W2V.fit) instead of distributed training.")
        options = backend_options(model.backend, model.get_params(deep=False))
        overrides = {}
        if (backend_spec(model.backend).may_use_gpu(options)
                and options.get("device") in (None, "cuda")):  # one GPU per local rank
            local = os.environ.get("LOCAL_RANK", torch.cuda.current_device())
            overrides["device"] = f"cuda:{local}"
        setup = training_setup(model, call=call, **overrides)
        self.device = torch.device(setup.trainer.device)
        if self.device.type == "cuda":
            if not isinstance(setup.trainer, TensorTrainer):
                raise TypeError(f"the {setup.trainer.name} backend cannot keep its weights on "
                                f"{self.device} between rounds (it has no train_tensors)")
            torch.cuda.set_device(self.device)
        elif dist.get_backend() == "nccl":
            raise ValueError("the weights are in CPU memory (numba or CPU torch): the process "
                             "group needs the gloo backend, not nccl.")
        if model.n_jobs is None:  # the ranks of one machine share its cores
            local_ranks = int(os.environ.get("LOCAL_WORLD_SIZE", world_size))
            config = dataclasses.replace(setup.config,
                                         n_threads=max(1, available_cpus() // local_ranks))
            setup = dataclasses.replace(setup, config=config)
        return setup

    @contextlib.contextmanager
    def read(self, model: W2V, setup: TrainingSetup) -> Iterator[TrainingData]:
        start = time.perf_counter()
        pretrained = _load_pretrained(model, setup, self.device)
        shard = self.shard = _read_shard(model, self.corpus, self.device, pretrained)
        largest = _all_max(np.array([-(-shard.local.n_tokens // self.sync_words)], np.int64),
                           self.device)
        self.n_rounds = int(largest[0])
        self.prepare_seconds = time.perf_counter() - start
        vocabulary, config = shard.vocabulary, setup.config
        summary = CorpusSummary(shard.n_documents_all, shard.n_raw_words_all, shard.n_tokens_all,
                                vocabulary.effective_min_count, len(vocabulary),
                                encode_seconds=self.prepare_seconds)
        if pretrained is None:
            inp, out = initial_vectors(len(vocabulary), config.vector_size, config.seed)
            yield TrainingData(vocabulary.words, vocabulary.counts, shard.local, inp, out,
                               summary)
            return
        inp, out = starting_vectors(shard.layout, pretrained, config.seed)
        del pretrained
        rank = shard.layout.pretrained_rank
        yield TrainingData(vocabulary.words, vocabulary.counts, shard.local, inp, out, summary,
                           rank, rank > 0 if model.freeze_init else None)

    def train(self, setup: TrainingSetup, data: TrainingData) -> TrainResult:
        rank, _ = rank_and_size()
        config = setup.config
        # Pretrained words no shard has come last with count 0: they do not train (the rule of
        # counted_rows), so the rounds see only the leading, counted block.
        rows = counted_rows(data.counts)
        if not isinstance(rows, slice):
            raise RuntimeError("a distributed fit lays out the counted words first")
        n = rows.stop
        frozen = None if data.frozen is None else data.frozen[:n]
        rounds = self.rounds = _Rounds(setup.trainer, data.counts[:n], config,
                                       data.input_vectors[:n], data.output_vectors[:n],
                                       self.device, self.combine, self.rows, frozen)
        # Rank 0's callbacks decide for all: whether there are any, and whether to stop.
        hooked, nothing = (int(x) for x in _broadcast_arrays(
            (np.array([setup.on_epoch_end is not None, setup.train_nothing], np.int64),),
            self.device)[0])
        epochs = 0
        if not nothing:
            epochs = rounds.train(data.corpus.split(max(self.n_rounds, 1)), rank, self.on_round,
                                  self.shard.n_tokens_all * config.epochs,
                                  _EpochEnds(setup.on_epoch_end, self.device) if hooked
                                  else None)
        inp, out = rounds.result()
        if not _same_everywhere(inp, out):
            warnings.warn("The ranks' weights differed after the last synchronisation; rank 0's "
                          "were sent to all.", RuntimeWarning, stacklevel=2)
            inp, out = _broadcast_arrays((inp, out), self.device)
        effective = _all_sum(np.array([rounds.effective_words], np.int64), self.device)[0]
        loss = None
        if config.compute_loss:
            loss = tuple(_all_sum(np.asarray(rounds.epoch_loss[:epochs] or [0.0]),
                                  self.device).tolist())[:epochs]
        if n < len(data.counts):
            data.input_vectors[:n], data.output_vectors[:n] = inp, out
            inp, out = data.input_vectors, data.output_vectors
        stats = TrainStats(
            seconds=rounds.seconds,
            words=self.shard.n_tokens_all * epochs,
            effective_words=int(effective),
            n_threads=config.n_threads,
            epoch_loss=loss,
            device=str(self.device),
            epochs=epochs,
        )
        return TrainResult(inp, out, stats)

    def document_statistics(self, data: TrainingData, vectors: np.ndarray,
                            sif_weights: np.ndarray, n_threads: int = 1) -> DocumentStatistics:
        mine = document_statistics(data.corpus, self.shard.n_documents, vectors, sif_weights,
                                   n_threads)
        return DocumentStatistics(
            _all_sum(mine.document_frequency, self.device),
            int(_all_sum(np.array([mine.n_documents], np.int64), self.device)[0]),
            _all_sum(mine.sif_gram, self.device),
        )

    def report(self) -> dict:
        """What ``training_stats_`` adds for a distributed fit."""
        sync, epochs = self.rounds.sync, self.rounds.config.epochs
        return {
            "world_size": rank_and_size()[1],
            "prepare_seconds": self.prepare_seconds,
            "n_syncs": sync.n_syncs,
            "sync_seconds": sync.seconds,
            "touched_rows_per_sync": sync.touched_rows / max(sync.n_syncs, 1),
            "bytes_reduced_per_epoch": sync.bytes_reduced / epochs,
            "sync_words": self.sync_words,
            "combine": self.combine,
            "rows": self.rows,
        }


def _load_pretrained(model: W2V, setup: TrainingSetup, device) -> PretrainedVectors | None:
    """Every rank reads ``init_vectors``; they must all have read the same (collective)."""
    if model.init_vectors is None:
        return None
    error = pretrained = None
    try:
        if model.init_vectors_words != "all":
            raise ValueError("init_vectors_words='corpus' is not supported in distributed "
                             "training (no rank knows every shard's words when the vectors "
                             "are read); use W2V.fit, or init_vectors_words='all'.")
        pretrained = load_pretrained(model.init_vectors, model.init_vectors_limit,
                                     setup.config.vector_size,
                                     format=model.init_vectors_format,
                                     unicode_errors=model.init_vectors_unicode_errors,
                                     duplicates=model.init_vectors_duplicates)
    except (OSError, ValueError) as exc:
        error = exc
    agree(error, "reading init_vectors")
    digest = hashlib.sha256("\n".join(pretrained.words).encode())
    digest.update(np.ascontiguousarray(pretrained.vectors).data)
    if not _same_everywhere(np.frombuffer(digest.digest(), dtype=np.uint8)):
        raise DistributedError("the ranks read different init_vectors (every rank must load "
                               "the same vectors)")
    return pretrained


def _read_shard(model: W2V, corpus: LineCorpus | None, device,
                pretrained: PretrainedVectors | None = None) -> _Shard:
    """Count the shard, merge the vocabulary over all ranks, encode the shard (collective)."""
    error = counts = scan_ids = None
    n_documents, words, word_counts = 0, [], np.zeros(0, dtype=np.int64)
    try:
        if corpus is not None:
            writer = MemoryStore().writer()  # the scan ids: encoding reads no file again
            counts = count_line_corpus(corpus, keep_ids=writer.extend)
            scan_ids = writer.finish()
            n_documents = counts.n_documents
            words, word_counts = counts.word_counts()
    except (OSError, ValueError) as exc:
        error = exc
    agree(error, "counting the words of the shards")
    layout = None
    if pretrained is None:
        vocabulary = _shared_vocabulary(model, words, word_counts)
    else:  # every word with its total count, then the pretrained layout (the same everywhere)
        every = merged_vocabulary(words, word_counts, 1, None)
        layout = pretrained_vocabulary(every.words, every.counts, pretrained.words,
                                       fine_tune=True, min_count=model.min_count,
                                       max_final_vocab=model.max_final_vocab)
        vocabulary = layout.vocabulary()
    del words, word_counts
    if len(vocabulary) == 0:
        raise ValueError(f"No word occurs at least min_count={vocabulary.effective_min_count} "
                         "times in the corpus of all ranks; lower min_count or pass more text.")
    local = EncodedCorpus.empty()
    try:
        if counts is not None:
            local = encode_counted(scan_ids, counts, vocabulary)
    except (OSError, RuntimeError, ValueError) as exc:
        error = exc
    agree(error, "encoding the shards")
    n_raw = counts.n_raw_words if counts is not None else 0
    totals = _all_sum(np.array([local.n_tokens, n_raw, n_documents], np.int64), device)
    if totals[0] == 0:
        raise ValueError("The shards of all ranks hold no word of the vocabulary.")
    return _Shard(vocabulary, local, n_documents, *(int(x) for x in totals), layout)


class _Rounds:
    """The rounds of training and synchronisation of one rank."""

    def __init__(self, trainer, counts, config: TrainConfig, inp, out, device, combine, rows,
                 frozen=None):
        self.trainer, self.counts, self.config = trainer, counts, config
        self.frozen = None if frozen is None or not frozen.any() else frozen
        self.on_device = device.type == "cuda"
        if self.on_device:
            self.weights = [torch.from_numpy(inp).to(device), torch.from_numpy(out).to(device)]
        else:  # the tensors share memory with the arrays the trainer updates
            self.weights = [torch.from_numpy(inp), torch.from_numpy(out)]
        self.arrays = (inp, out)
        frozen_rows = None
        if self.frozen is not None:
            frozen_rows = [torch.from_numpy(self.frozen).to(self.weights[0].device), None]
        self.sync = WeightSync(self.weights, combine=combine, rows=rows, frozen=frozen_rows)
        self.seconds = 0.0
        self.effective_words = 0
        self.epoch_loss = [0.0] * config.epochs

    def train(self, pieces: list[EncodedCorpus], rank: int, on_round, total_words: int,
              epoch_ends: _EpochEnds | None = None) -> int:
        """Train the rounds of every epoch; the epochs trained (``epoch_ends`` may stop early)."""
        c = self.config
        n_rounds = len(pieces)
        total = c.epochs * n_rounds
        # Rank 0 shows the progress of all ranks (they move in step); without the loss, which
        # would need a collective that ranks of another verbosity would not join.
        progress = ProgressReporter("distributed", total_words, c.schedule,
                                    c.verbose and rank == 0,
                                    n_threads=c.n_threads * rank_and_size()[1])
        start = time.perf_counter()
        for epoch in range(c.epochs):
            for r, piece in enumerate(pieces):
                k = epoch * n_rounds + r
                if piece.n_tokens:
                    # The run's own rate over the round's stretch (the round trains as one
                    # epoch, which must not step the rate again).
                    self._train_piece(piece, epoch, dataclasses.replace(
                        c.stretch(k / total, (k + 1) / total, epoch),
                        seed=derive_seed(c.seed, rank, k), verbose=0))
                self.sync()
                report = RoundReport(rank, epoch, r, n_rounds, c.rate_at((k + 1) / total, epoch),
                                     time.perf_counter() - start, self.sync.bytes_reduced)
                progress.update(total_words * (k + 1) // total)
                if on_round is not None:
                    on_round(report)
            if epoch_ends is not None and epoch_ends(
                    self, epoch, total_words * (epoch + 1) // c.epochs, start):
                c = dataclasses.replace(c, epochs=epoch + 1)
                break
        self.seconds = time.perf_counter() - start
        progress.finish(self.seconds)
        return c.epochs

    def _train_piece(self, piece, epoch, config) -> None:
        if self.on_device:
            stats = self.trainer.train_tensors(piece, self.counts, config, *self.weights,
                                               frozen=self.frozen)
        else:
            stats = self.trainer.train(piece, self.counts, config, *self.arrays,
                                       frozen=self.frozen).stats
        self.effective_words += stats.effective_words
        if config.compute_loss:
            self.epoch_loss[epoch] += sum(stats.epoch_loss or (0.0,))

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        if self.on_device:
            return tuple(w.cpu().numpy() for w in self.weights)
        return self.arrays


class _EpochEnds:
    """The end of an epoch in distributed training: rank 0 calls the estimator's hook with the
    synchronised weights, and every rank learns whether to stop (collective).
    """

    def __init__(self, hook, device):
        self.hook, self.device = hook, device

    def __call__(self, rounds: _Rounds, epoch: int, words_done: int, start: float) -> bool:
        error, stop, loss = None, False, None
        if rounds.config.compute_loss:  # the epoch's loss over all ranks
            loss = float(_all_sum(np.array([rounds.epoch_loss[epoch]]), self.device)[0])
        if self.hook is not None:  # rank 0
            try:
                inp, out = rounds.arrays
                if rounds.on_device:  # the host arrays get the weights the ranks agree on
                    inp[...], out[...] = (w.cpu().numpy() for w in rounds.weights)
                stop = bool(self.hook(EpochEnd(epoch, rounds.config.epochs, inp, out, loss,
                                               words_done, time.perf_counter() - start)))
            except Exception as exc:  # noqa: BLE001 - every rank must learn of it
                error = exc
        agree(error, "running the callbacks")
        flag = _broadcast_arrays((np.array([stop], np.int64),), self.device)[0]
        return bool(flag[0])


def _fingerprint(value) -> str:
    if isinstance(value, KeyedVectors):  # its repr names its address; the content is compared
        return f"KeyedVectors of {len(value)} x {value.vector_size}"  # in _load_pretrained
    if callable(value):
        return (f"{getattr(value, '__module__', '')}."
                f"{getattr(value, '__qualname__', type(value).__name__)}")
    return repr(value)


def _check_same_parameters(model: W2V) -> None:
    """All ranks must train with the same parameters (a rank started with other flags is an
    error).
    """
    mine = {k: _fingerprint(v) for k, v in model.get_params(deep=False).items()
            if k not in PER_RANK_PARAMETERS}
    _, size = rank_and_size()
    everyone: list = [None] * size
    with collective("comparing the parameters"):
        dist.all_gather_object(everyone, mine)
    for r, theirs in enumerate(everyone):
        differ = sorted(k for k in mine if theirs.get(k) != everyone[0].get(k))
        if differ:
            raise DistributedError(
                f"rank {r} has other parameters than rank 0: "
                + ", ".join(f"{k}={theirs[k]} vs {everyone[0][k]}" for k in differ)
            )


def _shared_vocabulary(model: W2V, words, counts) -> Vocabulary:
    if model.vocabulary is not None:  # fixed: the same on every rank without communication
        return vocabulary_from_counts(check_word_counts(model.vocabulary), model.min_count,
                                      model.max_final_vocab)
    return merged_vocabulary(words, counts, model.min_count, model.max_final_vocab)


def _tensor(array: np.ndarray, device) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(array)).to(device)


def _all_reduce(array: np.ndarray, device, op, step: str) -> np.ndarray:
    t = _tensor(array, device).clone()
    with collective(step):
        dist.all_reduce(t, op=op)
    return t.cpu().numpy()


def _all_sum(array: np.ndarray, device) -> np.ndarray:
    return _all_reduce(array, device, dist.ReduceOp.SUM, "adding up the ranks' counts")


def _all_max(array: np.ndarray, device) -> np.ndarray:
    return _all_reduce(array, device, dist.ReduceOp.MAX, "agreeing on the rounds")


def _broadcast_int(value: int, device) -> int:
    t = _tensor(np.array([value], np.int64), device)
    with collective("sending the seed"):
        dist.broadcast(t, src=0)
    return int(t.cpu()[0])


def _broadcast_arrays(arrays, device):
    out = []
    for a in arrays:
        t = _tensor(a, device).clone()
        with collective("sending rank 0's weights"):
            dist.broadcast(t, src=0)
        out.append(t.cpu().numpy())
    return tuple(out)


def _same_everywhere(*arrays: np.ndarray) -> bool:
    """Whether every rank holds bit-identical arrays (compared by digest)."""
    digest = hashlib.sha256()
    for a in arrays:
        digest.update(np.ascontiguousarray(a).data)
    _, size = rank_and_size()
    digests: list = [None] * size
    with collective("comparing the weights"):
        dist.all_gather_object(digests, digest.hexdigest())
    return len(set(digests)) == 1
