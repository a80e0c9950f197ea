"""The numba backend: nogil kernels driven by Python threads.

The corpus is cut at sentence boundaries into jobs of about ``JOB_TOKENS``
tokens, and the jobs are dealt to the worker threads in turn (job ``k`` to
worker ``k % n``), so the workers walk the corpus side by side, as gensim's
and the C tool's workers do, each with its own random state. Between jobs a
worker checks a stop flag, so an interrupt ends training within one job,
and the main thread reports progress.

The learning rate of a job follows the worker's own progress through its
jobs over all epochs; dealt jobs keep the workers level, so this matches a
global linear decay without any shared counter (and so without a write race
on one). The rate at a point is the config's (:meth:`TrainConfig.rate_at`),
so CBOW follows its ``cbow_schedule`` ("stepped" by default).

Without an ``on_epoch_end`` hook the workers run all epochs in one pass.
With one, they run an epoch at a time and the hook is called in the
calling thread while they wait: the kernels and the decay are the same (a
worker keeps its progress and random state between epochs), so a seeded
one-thread run gives the same weights bit for bit, hook or not.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

import numpy as np

from ...training import (
    EpochEnd,
    EpochHook,
    ProgressReporter,
    TrainConfig,
    TrainResult,
    TrainStats,
    check_training_arrays,
    frozen_rows,
    sampling_tables,
)
from ._kernels import SG_RULES, train_sentences, work_buffers

if TYPE_CHECKING:
    from ...corpus import EncodedCorpus

# Tokens per kernel call: large enough that the call overhead vanishes,
# small enough that a stop request or a progress report is never far off.
JOB_TOKENS = 65_536


def job_bounds(
    offsets: np.ndarray, first: int, last: int, job_tokens: int = JOB_TOKENS
) -> np.ndarray:
    """Sentence boundaries inside ``[first, last]`` about ``job_tokens`` apart."""
    start, stop = offsets[first], offsets[last]
    marks = np.arange(start, stop, job_tokens)
    cuts = np.searchsorted(offsets[first : last + 1], marks, side="left") + first
    return np.unique(np.concatenate((cuts, [first, last])))


def deal_jobs(jobs: np.ndarray, n_parts: int) -> list[np.ndarray]:
    """Job ``k`` (sentences ``jobs[k]:jobs[k + 1]``) to part ``k % n_parts``, as
    ``(first, last)`` rows.

    Contiguous halves instead would have each thread train on a different
    part of the corpus all along, which measurably cost CBOW quality (see the
    benchmarks page of the docs).
    """
    pairs = np.stack((jobs[:-1], jobs[1:]), axis=1)
    return [pairs[i::n_parts] for i in range(min(n_parts, len(pairs)))]


def _seed_states(seed: int, n: int) -> list[np.ndarray]:
    """A non-zero xorshift64 state per worker, derived from one seed."""
    raw = np.random.SeedSequence(seed).generate_state(n, dtype=np.uint64)
    return [np.array([s if s else 0x9E3779B97F4A7C15], dtype=np.uint64) for s in raw]


class _Worker:
    """Runs its share of the jobs for all epochs; records its progress for the reporter."""

    def __init__(self, trainer_args, offsets, jobs, config, state, stop, max_length):
        self.args = trainer_args
        self.sg_rule = SG_RULES[config.sg_rule]
        self.offsets = offsets
        self.jobs = jobs  # (first, last) sentence ranges
        self.config = config
        self.schedule = config.schedule
        self.state = state
        self.stop = stop
        self.span_tokens = int((offsets[jobs[:, 1]] - offsets[jobs[:, 0]]).sum())
        self.tokens_done = 0  # over all epochs; read by the reporting thread
        self.effective_words = 0
        self.epoch_loss = [0.0] * config.epochs
        self.error: BaseException | None = None
        self.buffers = work_buffers(config.window, config.negative, config.vector_size, max_length)

    def _alpha_at(self, tokens_done: int, epoch: int) -> float:
        """The rate at the worker's own progress (in ``epoch``): dealt jobs keep the workers
        level.
        """
        total = max(self.span_tokens * self.config.epochs, 1)
        return self.config.rate_at(tokens_done / total, epoch)

    def run(self, epochs: range | None = None) -> None:
        """Train ``epochs`` (default: all of them), continuing from where the last call ended."""
        try:
            c = self.config
            for epoch in epochs if epochs is not None else range(c.epochs):
                for a, b in self.jobs:
                    if self.stop.is_set():
                        return
                    job_tokens = int(self.offsets[b] - self.offsets[a])
                    trained, loss = train_sentences(
                        *self.args[:2], a, b, *self.args[2:],
                        c.sg, self.sg_rule, c.cbow_mean, c.window, c.negative,
                        c.shrink_windows, c.sample > 0,
                        self._alpha_at(self.tokens_done, epoch),
                        self._alpha_at(self.tokens_done + job_tokens, epoch),
                        self.state, c.compute_loss, *self.buffers,
                    )
                    self.effective_words += trained
                    self.epoch_loss[epoch] += loss
                    self.tokens_done += job_tokens
        except BaseException as exc:  # surfaced in the calling thread
            self.error = exc
            self.stop.set()


class NumbaTrainer:
    """Multi-threaded CPU trainer (see module docstring).

    With ``n_threads=1`` and a fixed seed the result is bit-for-bit
    reproducible. With more threads the workers update shared rows without
    locks, like the C tool and gensim, so results vary slightly between runs.

    Parameters
    ----------
    device : None or "cpu", default=None
        Accepted so that every backend takes a device; this one trains on
        the CPU only.

    The skip-gram rule is the config's ``sg_rule`` ("block" or "hogbatch",
    see ``SG_RULES``): "hogbatch" shares one set of noise words among a
    center's contexts: somewhat faster, a little less accurate (the figures
    are on the benchmarks page of the docs).
    """

    name = "numba"
    device = "cpu"

    def __init__(self, device: str | None = None):
        if device not in (None, "cpu"):
            raise ValueError(f"The numba backend trains on the CPU; device={device!r} is not "
                             "one it can use.")

    def train(
        self,
        corpus: EncodedCorpus,
        counts: np.ndarray,
        config: TrainConfig,
        input_vectors: np.ndarray,
        output_vectors: np.ndarray,
        *,
        frozen: np.ndarray | None = None,
        on_epoch_end: EpochHook | None = None,
    ) -> TrainResult:
        """Train (see :meth:`Trainer.train <sklearn_w2v.training.Trainer.train>`), in place."""
        check_training_arrays(corpus, counts, config, input_vectors, output_vectors, frozen)
        start = time.perf_counter()
        tables = sampling_tables(counts, config.sample, config.ns_exponent)
        args = (corpus.ids, corpus.offsets, input_vectors, output_vectors,
                frozen_rows(frozen, len(counts)),
                tables.keep_threshold, tables.noise_keep, tables.noise_alias)
        # Small corpora get smaller jobs, so that every thread has some.
        job_tokens = max(1, min(JOB_TOKENS, corpus.n_tokens // (4 * config.n_threads)))
        jobs = job_bounds(corpus.offsets, 0, corpus.n_sentences, job_tokens)
        shares = deal_jobs(jobs, config.n_threads)
        max_length = int(np.diff(corpus.offsets).max(initial=0))
        stop = threading.Event()
        workers = [
            _Worker(args, corpus.offsets, jobs, config, state, stop, max_length)
            for jobs, state in zip(shares, _seed_states(config.seed, len(shares)))
        ]
        total_words = corpus.n_tokens * config.epochs
        progress = ProgressReporter(self.name, total_words, config.schedule, config.verbose,
                                    n_threads=len(workers))
        loss = _running_loss(workers) if config.compute_loss else None
        epochs = config.epochs
        if on_epoch_end is None:
            self._run(workers, stop, progress, loss, None)
        else:  # an epoch at a time, the hook between them
            for epoch in range(config.epochs):
                self._run(workers, stop, progress, loss, range(epoch, epoch + 1))
                epoch_loss = (float(sum(w.epoch_loss[epoch] for w in workers))
                              if config.compute_loss else None)
                report = EpochEnd(epoch, config.epochs, input_vectors, output_vectors,
                                  epoch_loss, corpus.n_tokens * (epoch + 1),
                                  time.perf_counter() - start)
                if on_epoch_end(report):
                    epochs = epoch + 1
                    break
        seconds = time.perf_counter() - start
        progress.finish(seconds, loss)
        loss = None
        if config.compute_loss:
            loss = tuple(float(sum(x)) for x in zip(*(w.epoch_loss[:epochs] for w in workers)))
        stats = TrainStats(
            seconds=seconds,
            words=corpus.n_tokens * epochs,
            effective_words=sum(w.effective_words for w in workers),
            n_threads=len(workers),
            epoch_loss=loss,
            epochs=epochs,
        )
        return TrainResult(input_vectors, output_vectors, stats)

    def _run(self, workers, stop, progress: ProgressReporter, loss, epochs) -> None:
        """Run the workers over ``epochs`` (None: all); re-raise the first worker error."""
        self._run_threads(workers, stop, progress, loss, epochs)
        for w in workers:
            if w.error is not None:
                raise w.error

    def _run_threads(self, workers, stop, progress, loss, epochs) -> None:
        if len(workers) == 1 and not progress.verbose:
            workers[0].run(epochs)  # no thread needed; an interrupt lands between jobs
            return
        threads = [threading.Thread(target=w.run, args=(epochs,), daemon=True)
                   for w in workers]
        try:
            for t in threads:
                t.start()
            while any(t.is_alive() for t in threads):
                for t in threads:
                    t.join(timeout=0.2)
                progress.update(sum(w.tokens_done for w in workers), loss)
        except BaseException:
            stop.set()  # KeyboardInterrupt and friends: workers end after their job
            for t in threads:
                t.join()
            raise


def _running_loss(workers):
    """The loss the workers have summed so far, read when the reporter shows it."""
    return lambda: sum(sum(w.epoch_loss) for w in workers)

