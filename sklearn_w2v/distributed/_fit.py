"""Fitting a :class:`~sklearn_w2v.W2V` on every rank of a process group.

Each rank reads its own shard (two passes, as ``W2V.fit`` reads a
:class:`~sklearn_w2v.LineCorpus`), the word counts are merged into one
vocabulary, and then every rank trains on its shard with the ordinary
single-process trainer, in rounds:

* an epoch of each rank's shard is cut into the same number of rounds
  (slices of about ``sync_words`` tokens on the largest shard, fewer on
  smaller ones), so all ranks reach a synchronisation together;
* in round ``k`` of ``n`` (over all epochs) every rank's learning rate
  falls linearly from its value at ``k / n`` of training to its value at
  ``(k + 1) / n``: the schedule of single-process training over all words
  of all ranks, since each rank has then trained ``k / n`` of its words;
* after each round the ranks' updates are all-reduced
  (:class:`~sklearn_w2v.distributed.sync.WeightSync`), leaving every rank
  with the same weights.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import sys
import time
import warnings
from collections.abc import Callable

import numpy as np
import torch
import torch.distributed as dist
from sklearn.base import clone

from ..backends import get_trainer
from ..corpus import EncodedCorpus
from ..corpus_file import count_byte_tokens, encode_with_counter, raw_word_counts
from ..estimator import W2V, available_cpus, check_converged
from ..line_corpus import LineCorpus
from ..pooling import DocumentStatistics, document_statistics
from ..training import TrainConfig, TrainResult, TrainStats, initial_vectors
from ..vocabulary import Vocabulary, check_word_counts, vocabulary_from_counts
from .group import DistributedError, agree, collective, rank_and_size
from .sync import COMBINE, ROWS, WeightSync
from .vocabulary import merged_vocabulary

#: Corpus words each rank trains between two synchronisations, by default.
#: Measured on en-mix with 2 ranks (README, "Training on several machines"):
#: 250k keeps single-process quality, 1M lost 0.035 WordSim353.
DEFAULT_SYNC_WORDS = 250_000


@dataclasses.dataclass(frozen=True)
class RoundReport:
    """What ``on_round`` receives after each synchronisation (the same on every rank but ``rank``)."""

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
        This rank's shard (see :func:`sklearn_w2v.sharding.shard_files`);
        None for a rank without lines (it still takes part).
    sync_words : int, default=250_000
        Corpus words of the largest shard between two synchronisations.
        The staleness a rank sees grows with ``world_size * sync_words``.
    combine : {"sum", "mean", "touched-mean"}, default="sum"
        How the ranks' updates are combined (see
        :mod:`sklearn_w2v.distributed.sync`); "sum" keeps the quality of
        single-process training where the others lose (README).
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
        from sklearn_w2v.sharding import shard_files

        dist.init_process_group("gloo")
        shard = shard_files(["big.txt"], dist.get_world_size())[dist.get_rank()]
        model = fit_distributed(W2V(sg=1), LineCorpus(shard) if shard else None)
    """
    rank, size = rank_and_size()
    if isinstance(sync_words, bool) or not isinstance(sync_words, (int, np.integer)) or sync_words < 1:
        raise ValueError(f"sync_words must be a positive integer, got {sync_words!r}")
    if combine not in COMBINE:
        raise ValueError(f"combine must be one of {COMBINE}, got {combine!r}")
    if rows not in ROWS:
        raise ValueError(f"rows must be one of {ROWS}, got {rows!r}")
    if corpus is not None and not isinstance(corpus, LineCorpus):
        raise TypeError(f"corpus must be a LineCorpus (this rank's shard) or None, "
                        f"got {type(corpus).__name__}")

    model = clone(estimator)
    error = None
    try:
        config, trainer, device = _setup(model, size)
    except (TypeError, ValueError, ImportError) as exc:
        error = exc
    agree(error, "checking the parameters")
    _check_same_parameters(model)
    config = dataclasses.replace(config, seed=_broadcast_int(config.seed, device))

    start = time.perf_counter()
    shard = _read_shard(model, corpus, device)
    n_rounds = int(_all_max(np.array([-(-shard.local.n_tokens // sync_words)], np.int64), device)[0])
    prepared = time.perf_counter() - start

    inp, out = initial_vectors(len(shard.vocabulary), config.vector_size, config.seed)
    run = _Run(trainer, shard.vocabulary.counts, config, inp, out, device, combine, rows)
    run.train(shard.local.split(max(n_rounds, 1)), rank, on_round)
    inp, out = run.result()
    if not _same_everywhere(inp, out):
        warnings.warn("The ranks' weights differed after the last synchronisation; rank 0's "
                      "were sent to all.", RuntimeWarning, stacklevel=2)
        inp, out = _broadcast_arrays((inp, out), device)
    check_converged(inp, out, config.alpha)

    _store_fitted(model, shard, run, trainer, config, inp, out, device)
    model.training_stats_.update(
        world_size=size,
        prepare_seconds=prepared,
        n_syncs=run.sync.n_syncs,
        sync_seconds=run.sync.seconds,
        touched_rows_per_sync=run.sync.touched_rows / max(run.sync.n_syncs, 1),
        bytes_reduced_per_epoch=run.sync.bytes_reduced / config.epochs,
        sync_words=int(sync_words),
        combine=combine,
        rows=rows,
    )
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


def _read_shard(model: W2V, corpus: LineCorpus | None, device) -> _Shard:
    """Count the shard, merge the vocabulary over all ranks, encode the shard (collective)."""
    error = counter = None
    n_documents, words, counts = 0, [], np.zeros(0, dtype=np.int64)
    try:
        if corpus is not None:
            counter, n_documents = count_byte_tokens(corpus)
            words, counts = raw_word_counts(counter)
    except (OSError, ValueError) as exc:
        error = exc
    agree(error, "counting the words of the shards")
    vocabulary = _shared_vocabulary(model, words, counts)
    del words, counts
    if len(vocabulary) == 0:
        raise ValueError(f"No word occurs at least min_count={vocabulary.effective_min_count} "
                         "times in the corpus of all ranks; lower min_count or pass more text.")
    local = EncodedCorpus(np.zeros(0, np.int32), np.zeros(1, np.int64))
    try:
        if counter is not None:
            local = encode_with_counter(corpus, counter, vocabulary)
    except (OSError, RuntimeError, ValueError) as exc:
        error = exc
    agree(error, "encoding the shards")
    n_raw = counter.n_read if counter is not None else 0
    totals = _all_sum(np.array([local.n_tokens, n_raw, n_documents], np.int64), device)
    if totals[0] == 0:
        raise ValueError("The shards of all ranks hold no word of the vocabulary.")
    return _Shard(vocabulary, local, n_documents, *(int(x) for x in totals))


def _store_fitted(model: W2V, shard: _Shard, run: "_Run", trainer, config, inp, out, device) -> None:
    """Set the fitted attributes ``W2V.fit`` sets, from the totals and statistics of all ranks."""
    stats = TrainStats(
        seconds=run.seconds,
        words=shard.n_tokens_all * config.epochs,
        effective_words=int(_all_sum(np.array([run.effective_words], np.int64), device)[0]),
        extra={"n_threads": config.n_threads},
    )
    if config.compute_loss:
        stats.extra["epoch_loss"] = _all_sum(np.asarray(run.epoch_loss), device).tolist()
    summary = {
        "n_documents": shard.n_documents_all,
        "n_raw_words": shard.n_raw_words_all,
        "n_corpus_words": shard.n_tokens_all,
        "effective_min_count": shard.vocabulary.effective_min_count,
    }
    model._store(shard.vocabulary.words, shard.vocabulary.counts, TrainResult(inp, out, stats),
                 trainer, config, summary)
    model._set_document_statistics(
        _shared_document_statistics(shard.local, shard.n_documents, model, device))
    model._n_training_calls = 1


class _Run:
    """The rounds of training and synchronisation of one rank."""

    def __init__(self, trainer, counts, config: TrainConfig, inp, out, device, combine, rows):
        self.trainer, self.counts, self.config = trainer, counts, config
        self.on_device = device.type == "cuda"
        if self.on_device:
            self.weights = [torch.from_numpy(inp).to(device), torch.from_numpy(out).to(device)]
        else:  # the tensors share memory with the arrays the trainer updates
            self.weights = [torch.from_numpy(inp), torch.from_numpy(out)]
        self.arrays = (inp, out)
        self.sync = WeightSync(self.weights, combine=combine, rows=rows)
        self.seconds = 0.0
        self.effective_words = 0
        self.epoch_loss = [0.0] * config.epochs

    def train(self, pieces: list[EncodedCorpus], rank: int, on_round) -> None:
        c = self.config
        n_rounds = len(pieces)
        total = c.epochs * n_rounds
        start = time.perf_counter()
        for epoch in range(c.epochs):
            for r, piece in enumerate(pieces):
                k = epoch * n_rounds + r
                if piece.n_tokens:
                    self._train_piece(piece, epoch, dataclasses.replace(
                        c, epochs=1, alpha=self._alpha(k / total), min_alpha=self._alpha((k + 1) / total),
                        seed=_round_seed(c.seed, rank, k), verbose=0))
                self.sync()
                report = RoundReport(rank, epoch, r, n_rounds, self._alpha((k + 1) / total),
                                     time.perf_counter() - start, self.sync.bytes_reduced)
                if c.verbose and rank == 0:
                    _print_round(report, self.sync)
                if on_round is not None:
                    on_round(report)
        self.seconds = time.perf_counter() - start

    def _alpha(self, progress: float) -> float:
        return self.config.alpha - (self.config.alpha - self.config.min_alpha) * progress

    def _train_piece(self, piece, epoch, config) -> None:
        if self.on_device:
            stats = self.trainer.train_tensors(piece, self.counts, config, *self.weights)
        else:
            stats = self.trainer.train(piece, self.counts, config, *self.arrays).stats
        self.effective_words += stats.effective_words
        if config.compute_loss:
            self.epoch_loss[epoch] += sum(stats.extra.get("epoch_loss", [0.0]))

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        if self.on_device:
            return tuple(w.cpu().numpy() for w in self.weights)
        return self.arrays


def _print_round(report: RoundReport, sync: WeightSync) -> None:
    print(
        f"[W2V distributed] epoch {report.epoch + 1} round {report.round + 1}/{report.n_rounds} "
        f"alpha {report.alpha:.5f} {report.seconds:.1f}s; sync {sync.seconds:.1f}s, "
        f"{report.bytes_reduced / 1e6:,.1f} MB reduced",
        file=sys.stderr, flush=True,
    )


def _round_seed(seed: int, rank: int, k: int) -> int:
    """A seed for each rank and round: no two ranks or rounds share random draws."""
    state = np.random.SeedSequence([seed, rank, k]).generate_state(1)[0]
    return int(state % np.iinfo(np.int32).max)


def _setup(model: W2V, world_size: int):
    """Validate the parameters; the training config, the trainer and the weights' device."""
    model._validate_params()
    if model.max_vocab_size is not None:
        raise ValueError("max_vocab_size (pruning while scanning) is not supported in distributed "
                         "training; use min_count or max_final_vocab.")
    options = model._backend_options()
    if model.backend == "torch" and options["device"] in (None, "cuda") and torch.cuda.is_available():
        options["device"] = f"cuda:{os.environ.get('LOCAL_RANK', torch.cuda.current_device())}"
    trainer = get_trainer(model.backend, **options)
    device = getattr(trainer, "device", torch.device("cpu"))
    if device.type == "cuda":
        torch.cuda.set_device(device)
    backend = dist.get_backend()
    if device.type == "cpu" and backend == "nccl":
        raise ValueError("the weights are in CPU memory (numba or CPU torch): the process group "
                         "needs the gloo backend, not nccl.")
    config = model._train_config()
    if model.n_jobs is None:  # the ranks of one machine share its cores
        local_ranks = int(os.environ.get("LOCAL_WORLD_SIZE", world_size))
        config = dataclasses.replace(config, n_threads=max(1, available_cpus() // local_ranks))
    return config, trainer, device


_PER_RANK_PARAMETERS = ("verbose", "n_jobs")


def _fingerprint(value) -> str:
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__name__)}"
    return repr(value)


def _check_same_parameters(model: W2V) -> None:
    """All ranks must train with the same parameters (a rank started with other flags is an error).

    ``verbose`` and ``n_jobs`` may differ: they concern each rank's own
    output and cores, not what is learned.
    """
    mine = {k: _fingerprint(v) for k, v in model.get_params(deep=False).items()
            if k not in _PER_RANK_PARAMETERS}
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


def _shared_document_statistics(local: EncodedCorpus, n_documents: int, model: W2V, device):
    mine = document_statistics(local, n_documents, model.wv_.vectors, model.sif_weights_)
    return DocumentStatistics(
        _all_sum(mine.document_frequency, device),
        int(_all_sum(np.array([mine.n_documents], np.int64), device)[0]),
        _all_sum(mine.sif_gram, device),
    )


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
