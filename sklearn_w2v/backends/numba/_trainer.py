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
on one). CBOW by default follows steps instead (``cbow_schedule``): each
epoch starts at the linear rate of its start but falls at half the slope,
the rest of the fall coming as a step between epochs, which is what
gensim's ``corpus_file`` mode does with two workers.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

import numpy as np

from ...training import (
    LastTables,
    ProgressReporter,
    TrainConfig,
    TrainResult,
    TrainStats,
    alias_table,
    check_training_arrays,
    frozen_rows,
    keep_thresholds,
    noise_distribution,
)
from ._kernels import SG_RULES, train_sentences, work_buffers

if TYPE_CHECKING:
    from ...corpus import EncodedCorpus

#: CBOW's learning-rate profiles (``NumbaTrainer(cbow_schedule=...)``): "stepped" (the
#: default), each epoch starting at the linear rate of its start and falling at half the
#: slope; "linear", word2vec's decay over all words of all epochs (the one skip-gram uses).
CBOW_SCHEDULES = ("stepped", "linear")

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

    def __init__(self, trainer_args, offsets, jobs, config, sg_rule, state, stop, max_length,
                 stepped=False):
        self.args = trainer_args
        self.sg_rule = sg_rule
        self.stepped = stepped
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
        """The rate at the worker's own progress: dealt jobs keep the workers level.

        With ``stepped`` (CBOW's default, see :class:`NumbaTrainer`) epoch
        ``e`` falls only from the linear rate at ``e / epochs`` to the one
        at ``(e + 1/2) / epochs``; the next epoch starts at its own.
        """
        if self.stepped:
            within = (tokens_done - epoch * self.span_tokens) / max(self.span_tokens, 1)
            return self.schedule.at((epoch + within / 2) / self.config.epochs)
        total = max(self.span_tokens * self.config.epochs, 1)
        return self.schedule.at(tokens_done / total)

    def run(self) -> None:
        try:
            c = self.config
            for epoch in range(c.epochs):
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
    sg_rule : {"block", "hogbatch"}, default="block"
        The skip-gram update (see ``SG_RULES``). "hogbatch" shares one set
        of noise words among a center's contexts: somewhat faster, a little
        less accurate (the figures are on the benchmarks page of the docs).
        Reach it through
        :meth:`W2V.training_setup <sklearn_w2v.W2V.training_setup>`
        options or the benchmark's ``numba:sg_rule=hogbatch``.
    cbow_schedule : {"stepped", "linear"}, default="stepped"
        CBOW's learning-rate profile (skip-gram's is always "linear": the
        rate falls linearly from ``alpha`` to ``min_alpha`` over all words of
        all epochs). With "stepped", epoch ``e`` of ``E`` falls only from
        the linear rate at ``e / E`` to the one at ``(e + 1/2) / E``, and the
        next epoch starts at its own linear rate: the rate is higher
        throughout (it ends at the linear rate of ``(E - 1/2) / E``). This
        is the profile gensim's ``corpus_file`` mode follows with two
        workers (each worker measures its progress against the whole
        corpus, so an epoch decays ``1 / workers`` of its way), and what
        put gensim ahead of the linear decay in CBOW. On en-mix (5 epochs,
        means of 3 seeds, the benchmarks page of the docs) it gives 19.3 %
        analogy, WordSim353 0.508 and SimLex-999 0.244 with one thread
        (linear: 18.3 %, 0.490, 0.232) and, with two, 20.0 %, 0.495, 0.251
        against gensim-file's 19.4 %, 0.494, 0.245. Reach
        "linear" through :meth:`W2V.training_setup
        <sklearn_w2v.W2V.training_setup>` options or the benchmark's
        ``numba:cbow_schedule=linear``. The profile applies to the epochs
        of one training call (a distributed round trains one piece of an
        epoch, so there it stays close to linear).
    """

    name = "numba"
    device = "cpu"

    def __init__(self, device: str | None = None, sg_rule: str = "block",
                 cbow_schedule: str = "stepped"):
        if device not in (None, "cpu"):
            raise ValueError(f"The numba backend trains on the CPU; device={device!r} is not "
                             "one it can use.")
        if sg_rule not in SG_RULES:
            raise ValueError(f"sg_rule must be one of {sorted(SG_RULES)}, got {sg_rule!r}")
        if cbow_schedule not in CBOW_SCHEDULES:
            raise ValueError(f"cbow_schedule must be one of {list(CBOW_SCHEDULES)}, got "
                             f"{cbow_schedule!r}")
        self.sg_rule = sg_rule
        self.cbow_schedule = cbow_schedule
        self._tables = LastTables(_sampling_tables)

    def train(
        self,
        corpus: EncodedCorpus,
        counts: np.ndarray,
        config: TrainConfig,
        input_vectors: np.ndarray,
        output_vectors: np.ndarray,
        *,
        frozen: np.ndarray | None = None,
    ) -> TrainResult:
        check_training_arrays(corpus, counts, config, input_vectors, output_vectors, frozen)
        start = time.perf_counter()
        args = (corpus.ids, corpus.offsets, input_vectors, output_vectors,
                frozen_rows(frozen, len(counts)),
                *self._tables.get(counts, config.sample, config.ns_exponent))
        # Small corpora get smaller jobs, so that every thread has some.
        job_tokens = max(1, min(JOB_TOKENS, corpus.n_tokens // (4 * config.n_threads)))
        jobs = job_bounds(corpus.offsets, 0, corpus.n_sentences, job_tokens)
        shares = deal_jobs(jobs, config.n_threads)
        max_length = int(np.diff(corpus.offsets).max(initial=0))
        stop = threading.Event()
        workers = [
            _Worker(args, corpus.offsets, jobs, config, SG_RULES[self.sg_rule], state, stop,
                    max_length, not config.sg and self.cbow_schedule == "stepped")
            for jobs, state in zip(shares, _seed_states(config.seed, len(shares)))
        ]
        total_words = corpus.n_tokens * config.epochs
        progress = ProgressReporter(self.name, total_words, config.schedule, config.verbose,
                                    n_threads=len(workers))
        loss = _running_loss(workers) if config.compute_loss else None
        self._run(workers, stop, progress, loss)
        for w in workers:
            if w.error is not None:
                raise w.error
        seconds = time.perf_counter() - start
        progress.finish(seconds, loss)
        loss = None
        if config.compute_loss:
            loss = tuple(float(sum(x)) for x in zip(*(w.epoch_loss for w in workers)))
        stats = TrainStats(
            seconds=seconds,
            words=total_words,
            effective_words=sum(w.effective_words for w in workers),
            n_threads=len(workers),
            epoch_loss=loss,
        )
        return TrainResult(input_vectors, output_vectors, stats)

    def _run(self, workers, stop, progress: ProgressReporter, loss) -> None:
        if len(workers) == 1 and not progress.verbose:
            workers[0].run()  # no thread needed; an interrupt lands between jobs
            return
        threads = [threading.Thread(target=w.run, daemon=True) for w in workers]
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


def _sampling_tables(counts, sample, ns_exponent):
    """Subsampling thresholds, then the noise alias table (keep, alias), as the kernels take
    them.
    """
    return (keep_thresholds(counts, sample),
            *alias_table(noise_distribution(counts, ns_exponent)))
