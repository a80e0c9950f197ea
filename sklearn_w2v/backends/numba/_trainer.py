"""The numba backend's driver: nogil kernels run by Python threads.

Jobs. The corpus is cut at sentence boundaries into jobs of about
``JOB_TOKENS`` tokens (:func:`job_bounds`) and the jobs are dealt to the
workers in turn; each worker trains its share in corpus order, epoch after
epoch, at its own pace, and one whose share is done takes the last job of
the epoch the largest share left is in, so none idles while another has a
tail (:class:`JobQueue`). A job's learning rate is the config's rate
(:meth:`TrainConfig.rate_at`, so CBOW follows its ``cbow_schedule``) at the
job's place in the whole run, falling linearly over its tokens: the run's
one schedule, whichever thread trains the job. Between jobs a worker checks
a stop flag, so an interrupt ends training within one job, and the main
thread reports progress.

The threads update the shared weight matrices without locks (Hogwild, as
gensim and the C tool do). Each write of a row after another core's moves
the row's cache lines between the cores, at a cost set by how far apart
they are: on a 2-core VM whose cores were sometimes 45 ns and sometimes
220 ns apart, a second thread gained 1.85 times the speed in the first case
and little in the second, and the output rows of the most frequent words
were where the time went (the benchmarks page, with the controls). With
``NumbaTrainer(hot_rows=...)`` each worker trains those rows in a copy of
its own and every few thousand tokens adds its steps on them to the shared
rows and takes the sum as its new copy (:func:`try_fold`), as Vuurens et
al., *Efficient Parallel Learning of Word2Vec* (2016), do; with more
threads the folds come more often and cover fewer rows (:func:`fold_tokens`,
:func:`hot_row_count`). It recovers much of the speed lost to far-apart
cores, and measured 0.3 analogy points lower (with WordSim353 and
SimLex-999 a little higher), so it is not the default.

Without an ``on_epoch_end`` hook the workers run all epochs in one pass.
With one, they run an epoch at a time and the hook is called in the
calling thread while they wait. One thread trains the jobs in order with no
copies, so a seeded one-thread run gives the same weights bit for bit, hook
or not.
"""

from __future__ import annotations

import bisect
import collections
import threading
import time
from dataclasses import dataclass
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
from ._kernels import SG_RULES, hot_copies, train_sentences, try_fold, work_buffers

if TYPE_CHECKING:
    from ...corpus import EncodedCorpus

# Tokens per kernel call: large enough that the call overhead vanishes,
# small enough that a stop request or a progress report is never far off.
JOB_TOKENS = 65_536

#: Tokens the other threads may train, in all, between two folds of one thread's hot rows:
#: what bounds how late a thread sees the others' steps on them (:func:`fold_tokens`).
STALE_TOKENS = 16384

#: Hot rows times the other threads: each thread keeps ``HOT_ROWS // (threads - 1)`` rows
#: (:func:`hot_row_count`), so that folding them stays about 1 % of its work whatever the
#: number of threads (each fold costs one pass over the rows, and folds come
#: ``threads - 1`` times as often as with 2 threads).
HOT_ROWS = 4096

#: Fewest tokens between two folds, and fewest hot rows, with very many threads.
MIN_FOLD_TOKENS, MIN_HOT_ROWS = 128, 64


def fold_tokens(n_threads: int) -> int:
    """Tokens a worker trains between two folds of its hot rows, with ``n_threads`` threads.

    The other ``n_threads - 1`` threads train about as many tokens as it does
    meanwhile, so ``STALE_TOKENS / (n_threads - 1)`` keeps what a thread has
    not yet seen of the others' steps near :data:`STALE_TOKENS`, whatever
    the number of threads (down to :data:`MIN_FOLD_TOKENS`); 0 (never) for
    one thread, which keeps no copies.

    Examples
    --------
    >>> [fold_tokens(n) for n in (1, 2, 4, 16, 256)]
    [0, 16384, 5461, 1092, 128]
    """
    if n_threads <= 1:
        return 0
    return max(MIN_FOLD_TOKENS, STALE_TOKENS // (n_threads - 1))


def hot_row_count(n_words: int, n_threads: int) -> int:
    """Output rows of the most frequent words each worker trains in a copy of its own.

    None for one thread (nothing to contend with, and a seeded run stays
    bit for bit); ``HOT_ROWS // (n_threads - 1)`` otherwise (at least
    :data:`MIN_HOT_ROWS`, at most the vocabulary), as folds come more often
    with more threads (:func:`fold_tokens`).

    Examples
    --------
    >>> [hot_row_count(50_000, n) for n in (1, 2, 4, 16, 256)]
    [0, 4096, 1365, 273, 64]
    >>> hot_row_count(1000, 2)
    1000
    """
    if n_threads <= 1:
        return 0
    return min(n_words, max(MIN_HOT_ROWS, HOT_ROWS // (n_threads - 1)))


def job_bounds(
    offsets: np.ndarray, first: int, last: int, job_tokens: int = JOB_TOKENS
) -> np.ndarray:
    """Sentence boundaries inside ``[first, last]`` about ``job_tokens`` apart."""
    start, stop = offsets[first], offsets[last]
    marks = np.arange(start, stop, job_tokens)
    cuts = np.searchsorted(offsets[first : last + 1], marks, side="left") + first
    return np.unique(np.concatenate((cuts, [first, last])))


@dataclass(frozen=True)
class Job:
    """Sentences ``first`` to ``last - 1`` in ``epoch``, and the learning rate at their ends."""

    epoch: int
    first: int
    last: int
    tokens: int
    alpha_start: float
    alpha_end: float


class JobQueue:
    """The jobs of a run, dealt to the workers in turn; a worker whose share is done takes the
    last job of the epoch that the largest share left is in.

    Job ``k`` of every epoch goes to worker ``k % n_workers``, and each worker
    trains its share in corpus order, epoch after epoch, at its own pace:
    the workers drift apart in the corpus as they go (by a tenth to a half
    of an epoch on en-mix), so they rarely train the same passage at once.
    That matters: a queue that kept them on neighbouring jobs cost CBOW 0.9
    analogy points at 2 threads (the benchmarks page). Only when a worker's
    share is done does it take jobs from another's: the last job of the
    epoch that share is in, far from the job its owner trains next and
    never ahead of that owner's epoch (a job taken from a later epoch would
    be trained, at its lower rate, before earlier jobs at higher rates;
    with a worker slow to start, that reversed the run's schedule). So no
    worker idles while another has a long tail. A job's learning rate is
    ``config.rate_at`` at the share of the run's tokens before it (and, for
    its end, before the next job), whichever worker trains it. ``take`` is
    safe to call from several threads.

    Parameters
    ----------
    offsets : ndarray of int64
        The corpus's sentence offsets.
    bounds : ndarray of int64
        Job boundaries, as :func:`job_bounds` gives them.
    config : TrainConfig
        The run's epochs and schedule.
    n_workers : int, default=1
        Workers the jobs are dealt to.

    Examples
    --------
    >>> offsets = np.array([0, 3, 5, 9])
    >>> queue = JobQueue(offsets, np.array([0, 1, 2, 3]), TrainConfig(sg=True, epochs=2), 2)
    >>> queue.open(range(2))
    >>> [(j.epoch, j.first) for j in iter(lambda: queue.take(0), None)]  # its share, then 1's
    [(0, 0), (0, 2), (1, 0), (1, 2), (0, 1), (1, 1)]
    >>> queue.take(1) is None
    True
    """

    def __init__(self, offsets: np.ndarray, bounds: np.ndarray, config: TrainConfig,
                 n_workers: int = 1):
        self._config = config
        self._pairs = np.stack((bounds[:-1], bounds[1:]), axis=1)
        self._begin = offsets[self._pairs[:, 0]] - offsets[0]  # tokens before each job
        self._tokens = offsets[self._pairs[:, 1]] - offsets[self._pairs[:, 0]]
        self._corpus_tokens = int(offsets[-1] - offsets[0])
        self.n_workers = max(1, min(int(n_workers), self.n_jobs))
        self._lock = threading.Lock()
        self._shares: list[collections.deque] = [collections.deque()
                                                 for _ in range(self.n_workers)]

    @property
    def n_jobs(self) -> int:
        """Jobs per epoch."""
        return len(self._pairs)

    def open(self, epochs: range) -> None:
        """Deal the jobs of ``epochs`` (forgetting any not taken)."""
        with self._lock:
            for worker, share in enumerate(self._shares):
                share.clear()
                share.extend(e * self.n_jobs + k for e in epochs
                             for k in range(worker, self.n_jobs, self.n_workers))

    def take(self, worker: int = 0) -> Job | None:
        """Worker ``worker``'s next job, or None when every opened job is handed out."""
        with self._lock:
            share = self._shares[worker]
            if share:
                position = share.popleft()
            else:
                largest = max(self._shares, key=len)
                if not largest:
                    return None
                # Positions ascend, so the share's first epoch is a prefix of it.
                end = bisect.bisect_left(largest, (largest[0] // self.n_jobs + 1) * self.n_jobs)
                position = largest[end - 1]
                del largest[end - 1]
        epoch, k = divmod(position, self.n_jobs)
        first, last = (int(x) for x in self._pairs[k])
        begin = epoch * self._corpus_tokens + int(self._begin[k])
        tokens = int(self._tokens[k])
        total = max(self._corpus_tokens * self._config.epochs, 1)
        return Job(epoch, first, last, tokens,
                   self._config.rate_at(begin / total, epoch),
                   self._config.rate_at((begin + tokens) / total, epoch))


def _seed_states(seed: int, n: int) -> list[np.ndarray]:
    """A non-zero xorshift64 state per worker, derived from one seed."""
    raw = np.random.SeedSequence(seed).generate_state(n, dtype=np.uint64)
    return [np.array([s if s else 0x9E3779B97F4A7C15], dtype=np.uint64) for s in raw]


class _Worker:
    """Trains the jobs it takes from the queue; records its progress for the reporter.

    Everything the worker writes in its loops (work buffers, random state,
    copies of the hot rows) is allocated by its own thread, on first use,
    so that no cache line of it is shared with another thread's.
    """

    def __init__(self, index, arrays, config, seed_state, stop, max_length, n_hot, fold_every,
                 fold_lock):
        self.index = index  # its share of the queue
        self.arrays = arrays  # ids, offsets, input, output, frozen, keep, noise keep, noise alias
        self.config = config
        self.sg_rule = SG_RULES[config.sg_rule]
        self.seed_state = seed_state
        self.stop = stop
        self.max_length = max_length
        self.n_hot = n_hot
        self.fold_every = fold_every
        self.fold_lock = fold_lock
        self.tokens_done = 0  # over all epochs; read by the reporting thread
        self.effective_words = 0
        self.jobs_done = 0
        self.epoch_loss = [0.0] * config.epochs
        self.error: BaseException | None = None
        self._state: np.ndarray | None = None
        self._buffers: tuple | None = None

    def run(self, queue: JobQueue) -> None:
        """Train jobs from ``queue`` until it is empty or a stop is requested."""
        try:
            self._run(queue)
        except BaseException as exc:  # surfaced in the calling thread
            self.error = exc
            self.stop.set()

    def _run(self, queue: JobQueue) -> None:
        c = self.config
        ids, offsets, inp, out, frozen, keep, noise_keep, noise_alias = self.arrays
        if self._buffers is None:
            self._state = self.seed_state.copy()
            self._buffers = work_buffers(c.window, c.negative, c.vector_size, self.max_length)
        hot = hot_copies(out, self.n_hot)  # taken afresh from the shared rows at every start
        while not self.stop.is_set():
            job = queue.take(self.index)
            if job is None:
                return
            trained, loss = train_sentences(
                ids, offsets, job.first, job.last, inp, out, frozen,
                keep, noise_keep, noise_alias,
                c.sg, self.sg_rule, c.cbow_mean, c.window, c.negative,
                c.shrink_windows, c.sample > 0, job.alpha_start, job.alpha_end,
                self._state, c.compute_loss, *hot, self.fold_lock, self.fold_every,
                *self._buffers,
            )
            # The job's last steps on the hot rows, before anyone reads the shared ones.
            while self.n_hot and not try_fold(out, *hot, self.fold_lock):
                time.sleep(0)
            self.effective_words += trained
            self.epoch_loss[job.epoch] += loss
            self.jobs_done += 1
            self.tokens_done += job.tokens


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
    hot_rows : int or "auto", default=0
        How many of the most frequent words' output rows each worker trains
        in a copy of its own when there is more than one thread (see the
        module docstring): 0, every row shared (Hogwild, as gensim and the C
        tool do); "auto", :func:`hot_row_count`'s choice for the thread
        count. Faster where the cores are far apart, at a measured cost in
        analogy accuracy; the benchmark compares them
        (``numba:hot_rows=auto``).

    The skip-gram rule is the config's ``sg_rule`` ("block" or "hogbatch",
    see ``SG_RULES``): "hogbatch" shares one set of noise words among a
    center's contexts: somewhat faster, a little less accurate (the figures
    are on the benchmarks page of the docs).
    """

    name = "numba"
    device = "cpu"

    def __init__(self, device: str | None = None, *, hot_rows: int | str = 0):
        if device not in (None, "cpu"):
            raise ValueError(f"The numba backend trains on the CPU; device={device!r} is not "
                             "one it can use.")
        self.hot_rows = "auto" if hot_rows == "auto" else _count(hot_rows, "hot_rows")

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
        arrays = (corpus.ids, corpus.offsets, input_vectors, output_vectors,
                  frozen_rows(frozen, len(counts)),
                  tables.keep_threshold, tables.noise_keep, tables.noise_alias)
        # Small corpora get smaller jobs, so that every thread has some.
        job_tokens = max(1, min(JOB_TOKENS, corpus.n_tokens // (4 * config.n_threads)))
        queue = JobQueue(corpus.offsets, job_bounds(corpus.offsets, 0, corpus.n_sentences,
                                                     job_tokens), config, config.n_threads)
        n_threads = queue.n_workers
        n_hot = (hot_row_count(len(counts), n_threads) if self.hot_rows == "auto"
                 else min(self.hot_rows, len(counts)) if n_threads > 1 else 0)
        max_length = int(np.diff(corpus.offsets).max(initial=0))
        stop = threading.Event()
        fold_lock = np.zeros(16, dtype=np.int64)[8:9]  # alone on its cache line
        workers = [
            _Worker(index, arrays, config, state, stop, max_length, n_hot,
                    fold_tokens(n_threads), fold_lock)
            for index, state in enumerate(_seed_states(config.seed, n_threads))
        ]
        total_words = corpus.n_tokens * config.epochs
        progress = ProgressReporter(self.name, total_words, config.schedule, config.verbose,
                                    n_threads=len(workers))
        loss = _running_loss(workers) if config.compute_loss else None
        epochs = config.epochs
        if on_epoch_end is None:
            self._run(workers, queue, range(config.epochs), stop, progress, loss)
        else:  # an epoch at a time, the hook between them
            for epoch in range(config.epochs):
                self._run(workers, queue, range(epoch, epoch + 1), stop, progress, loss)
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
            details={
                "hot_rows": n_hot,
                "jobs_per_epoch": queue.n_jobs,
                "thread_jobs": [w.jobs_done for w in workers],
            },
        )
        return TrainResult(input_vectors, output_vectors, stats)

    def _run(self, workers, queue, epochs, stop, progress: ProgressReporter, loss) -> None:
        """Run the workers over ``epochs``; re-raise the first worker error."""
        queue.open(epochs)
        self._run_threads(workers, queue, stop, progress, loss)
        for w in workers:
            if w.error is not None:
                raise w.error

    def _run_threads(self, workers, queue, stop, progress, loss) -> None:
        if len(workers) == 1 and not progress.verbose:
            workers[0].run(queue)  # no thread needed; an interrupt lands between jobs
            return
        threads = [threading.Thread(target=w.run, args=(queue,), daemon=True)
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


def _count(value, name: str) -> int:
    """``value`` as an integer >= 0 (the benchmark passes its options as text: ``"64"``)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if isinstance(value, bool) or isinstance(value, float) or number < 0:
        raise ValueError(f"{name} must be an integer >= 0 or 'auto', got {value!r}")
    return number


def _running_loss(workers):
    """The loss the workers have summed so far, read when the reporter shows it."""
    return lambda: sum(sum(w.epoch_loss) for w in workers)

