"""The torch trainer: the numba backend's model, on a CPU or a GPU, fused or in batches.

Two ways to train, with the same update rule:

* ``kernel="fused"`` (what ``kernel="auto"`` picks on CUDA when Triton is
  installed and no custom module is given): one Triton kernel per chunk of
  sentences, ``programs`` persistent programs walking the corpus word by
  word (:mod:`sklearn_w2v.backends.torch._fused`); no per-step launches. It
  applies ``config.sg_rule`` as the numba backend does;
* ``kernel="batched"`` (the CPU path, and the path of custom ``torch_module``
  models): batches of centre words, each step a handful of torch operations.
  Each (centre, context) example draws its own noise words, so skip-gram
  takes only ``sg_rule="block"`` there.

Data path
---------
The corpus ids go to the device once, as an int32 tensor (``corpus_on_device``;
when they do not fit they are streamed instead, one chunk at a time). Each
epoch walks the corpus in chunks of about ``chunk_tokens`` tokens cut at
sentence boundaries (windows never cross sentences, so chunks need no
overlap). Each chunk is subsampled and windowed on the device into batches
(:mod:`sklearn_w2v.backends.torch._batches`), and each batch is one SGD
step: :func:`~sklearn_w2v.backends.torch.sgns_step_`, or autograd through a
user module.

The learning rate falls linearly from ``alpha`` to ``min_alpha`` over all
corpus words of all epochs; each step uses the rate at its first centre word.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from ..._optional import MissingDependencyError, installed, load
from ...training import (
    EpochEnd,
    ProgressReporter,
    SamplingTables,
    TrainConfig,
    TrainResult,
    TrainStats,
    check_corpus_and_counts,
    check_training_arrays,
    derive_seed,
    frozen_rows,
    sampling_tables,
)
from ._batches import DEFAULT_BATCH_SIZE, Batch, Chunk, DeviceTables, centres_per_step, chunk_ranges
from ._device import corpus_fits, resolve_device, weights_fit
from ._model import sgns_step_

if TYPE_CHECKING:
    from ...corpus import EncodedCorpus

# Corpus tokens per chunk: bounds the per-chunk work arrays (~30 bytes a token) of the batched
# path, and the tokens of one launch of the fused kernel.
DEFAULT_CHUNK_TOKENS = 1 << 22
#: What ``kernel=`` takes.
KERNELS = ("auto", "fused", "batched")


@dataclasses.dataclass
class _EpochHook:
    """``train``'s ``on_epoch_end`` and what calling it needs: the caller's arrays, the start."""

    call: Callable[[EpochEnd], bool]
    input_vectors: np.ndarray
    output_vectors: np.ndarray
    start: float
    epochs_done: int = 0


@dataclasses.dataclass
class _Call:
    """The state of one training call, so that a trainer keeps none and can serve calls at once.

    ``frozen`` holds the frozen-row flags as :func:`~sklearn_w2v.training.frozen_rows` gives
    them (worked out once per call), or None when no row is frozen. ``seconds`` collects the
    parts of the call timed apart (``TrainStats.stage_seconds``).
    """

    corpus: EncodedCorpus
    counts: np.ndarray
    config: TrainConfig
    device: torch.device
    frozen: np.ndarray | None
    host_weights: bool
    hook: _EpochHook | None = None
    seconds: dict = dataclasses.field(default_factory=lambda: {"setup": 0.0, "copies": 0.0})

    def timed(self, stage: str):
        """A context adding its wall time to ``seconds[stage]``."""
        return _Timer(self.seconds, stage)

    @property
    def cuda(self) -> bool:
        return self.device.type == "cuda"


class _Timer:
    def __init__(self, seconds: dict, stage: str):
        self.seconds, self.stage = seconds, stage

    def __enter__(self):
        self.began = time.perf_counter()

    def __exit__(self, *exc):
        self.seconds[self.stage] = (self.seconds.get(self.stage, 0.0)
                                    + time.perf_counter() - self.began)


def to_device(array: np.ndarray, device: torch.device) -> torch.Tensor:
    """``array`` as a tensor on ``device``: shared on the CPU, else copied from pinned memory.

    Pinned (page-locked) host memory is what the GPU copies from at full speed and without
    waiting: the copy is queued and the host goes on. torch's caching host allocator keeps the
    pinned blocks for the next call, and holds a block until its copy is done.
    """
    tensor = torch.from_numpy(array)
    if device.type == "cpu":
        return tensor
    return tensor.pin_memory().to(device, non_blocking=True)


def to_host(tensors: list[torch.Tensor], arrays: list[np.ndarray]) -> None:
    """Copy device ``tensors`` into the host ``arrays`` (skipping those that share memory).

    Both copies go to pinned buffers without waiting, then one synchronisation, then into the
    arrays.
    """
    pending = []
    for tensor, array in zip(tensors, arrays):
        if tensor.data_ptr() == array.ctypes.data:
            continue
        if tensor.device.type == "cpu":
            np.copyto(array, tensor.detach().numpy())
            continue
        pinned = torch.empty(tensor.shape, dtype=tensor.dtype, pin_memory=True)
        pinned.copy_(tensor.detach(), non_blocking=True)
        pending.append((pinned, array))
    if pending:
        torch.cuda.current_stream(tensors[0].device).synchronize()
    for pinned, array in pending:
        np.copyto(array, pinned.numpy())


class _KernelCache:
    """Fused kernels (:class:`FusedSGNS` with its workspace) kept between training calls.

    Building one allocates its workspace (on an H200, about 84 MB for 2,112 programs and
    10,000-token sentences); a second ``fit`` of the same configuration takes the kept one.
    A call takes a kernel out while it trains (so calls at the same time never share a
    workspace) and gives it back after; one idle kernel is kept per device, the last given
    back, so the memory held stays that of one configuration.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._idle: dict[str, tuple[tuple, Any]] = {}

    def take(self, key: tuple, device: torch.device, max_sentence_length: int,
             build: Callable[[], Any]):
        with self._lock:
            kept = self._idle.get(str(device))
            if (kept is not None and kept[0] == key
                    and kept[1].max_sentence_length >= max_sentence_length):
                del self._idle[str(device)]
                return kept[1]
        return build()

    def give_back(self, key: tuple, device: torch.device, kernel) -> None:
        with self._lock:
            self._idle[str(device)] = (key, kernel)

    def clear(self) -> None:
        with self._lock:
            self._idle.clear()


_KERNELS = _KernelCache()


class TorchTrainer:
    """Batched trainer on a torch device (see the module docstring).

    Parameters
    ----------
    device : str, torch.device or None, default=None
        None: CUDA when available, else CPU.
    torch_module : callable or None, default=None
        None: the hand-written step (fast). Otherwise a factory (a module
        class, usually) called as ``torch_module(n_words, vector_size,
        input_vectors=..., output_vectors=..., config=...)`` returning an
        ``nn.Module`` trained with autograd; see
        :class:`~sklearn_w2v.backends.torch.SGNSModule` for the contract.
    batch_size : int, default=DEFAULT_BATCH_SIZE
        Centre words per SGD step (at most: see :func:`centres_per_step`).
    chunk_tokens : int, default=DEFAULT_CHUNK_TOKENS
        Corpus tokens subsampled and windowed at a time.
    corpus_on_device : bool or None, default=None
        Keep the whole id tensor on the device. None: yes on CPU; on CUDA
        when it takes under a quarter of the free memory left after the
        weights; else chunks are copied over as needed.
    weights_on_device : bool or None, default=None
        Keep the weight matrices on the device. None: yes when they take
        under 80% of the free device memory (always on CPU); else rows are
        copied to the device per step (hand-written batched step only).
    kernel : {"auto", "fused", "batched"}, default="auto"
        ``"fused"``: the Triton kernel (a CUDA device, or the CPU under
        Triton's interpreter); ``"batched"``: batched torch steps. ``"auto"``:
        fused on CUDA when Triton is installed, no ``torch_module`` is given
        and the weights fit on the device; batched otherwise.
    programs : int or None, default=None
        Fused kernel: programs of one launch, each training one sentence at a
        time (more run more updates at once, and race more on frequent rows).
        None: 16 per multiprocessor of the GPU (see ``docs/fused_kernel.md``).
    num_warps : int or None, default=None
        Fused kernel: warps per program (a power of two). None: the fewest
        that hold the kernel's tiles without spilling registers.

    Notes
    -----
    On CPU with a fixed seed a run is reproducible; ``config.n_threads``
    sets torch's intra-op threads for the run. On CUDA, ``index_add_`` adds
    in a nondeterministic order, so results vary slightly between runs.

    The trainer holds its settings only: everything a training call works
    with lives in a per-call object, so one trainer may serve several calls
    at once. What a call builds and a later one can reuse is kept for the
    process instead: the sampling tables (and their device copies, with
    :func:`~sklearn_w2v.training.sampling_tables`) and the fused kernel with
    its workspace (one per device, the last configuration).

    Fixed costs of a call on CUDA: the data is checked once, on the host
    (:func:`~sklearn_w2v.training.check_training_arrays`; the kernel's own
    device-side checks are left off), the uploads go from pinned memory
    without waiting, the fused kernel's launches are waited for once per
    epoch (their figures add up on the device), and the weights come back
    through pinned memory. ``stats.stage_seconds`` splits the call's wall
    time: ``"setup"`` (tables, kernel objects), ``"copies"`` (to and from the
    device, waited for), ``"train"`` (the epochs) and, on CUDA with the
    fused kernel, ``"kernel"`` (GPU time of the launches, within "train").

    Memory on the device: the two weight matrices, the id tensor (4 bytes a
    token), per chunk about 30 bytes a token of work arrays (so about 120 MB
    with the default ``chunk_tokens``, whatever the corpus size), and per step a
    workspace of a few times ``batch_size * 2 * window * (negative + 1) *
    vector_size * 4`` bytes for skip-gram (about 25 MB per copy with the
    defaults; CBOW needs ``2 * window`` times less). With CUDA, the peak is
    reported as ``stats.details["cuda_max_memory_allocated"]``.

    When the two weight matrices do not fit in the GPU memory
    (``weights_on_device``), they stay in host memory and each step copies the
    rows its batch touches to the device and back (the simple version: one
    synchronous round trip a step, so much slower than resident weights; only
    for the default, hand-written step, not for custom modules).
    """

    name = "torch"

    def __init__(self, device=None, torch_module=None, batch_size: int = DEFAULT_BATCH_SIZE,
                 chunk_tokens: int = DEFAULT_CHUNK_TOKENS, corpus_on_device: bool | None = None,
                 weights_on_device: bool | None = None, kernel: str = "auto",
                 programs: int | None = None, num_warps: int | None = None):
        if torch_module is not None and not callable(torch_module):
            raise TypeError(
                f"torch_module must be a module class or factory, got {type(torch_module).__name__}"
            )
        for name, value in (("batch_size", batch_size), ("chunk_tokens", chunk_tokens),
                            ("programs", programs), ("num_warps", num_warps)):
            if value is not None and int(value) < 1:
                raise ValueError(f"{name} must be >= 1, got {value}")
        if kernel not in KERNELS:
            raise ValueError(f"kernel must be one of {KERNELS}, got {kernel!r}")
        if kernel == "fused":
            if torch_module is not None:
                raise ValueError("kernel='fused' trains the built-in model; a torch_module "
                                 "trains with autograd on the batched path (kernel='batched').")
            if not installed("triton"):
                raise MissingDependencyError("kernel='fused' needs Triton, which is not installed "
                                             "(`pip install triton`; CUDA builds of torch "
                                             "include it).")
        self.torch_device = resolve_device(device)  # fails before any corpus work
        self.device = str(self.torch_device)
        self.torch_module = torch_module
        self.batch_size = int(batch_size)
        self.chunk_tokens = int(chunk_tokens)
        self.corpus_on_device = corpus_on_device
        self.weights_on_device = weights_on_device
        self.kernel = kernel
        self.programs = None if programs is None else int(programs)
        self.num_warps = None if num_warps is None else int(num_warps)

    # ------------------------------------------------------------------ API
    def train(
        self,
        corpus: EncodedCorpus,
        counts: np.ndarray,
        config: TrainConfig,
        input_vectors: np.ndarray,
        output_vectors: np.ndarray,
        *,
        frozen: np.ndarray | None = None,
        on_epoch_end=None,
    ) -> TrainResult:
        """Train (see :class:`~sklearn_w2v.training.Trainer`); the arrays are updated in place."""
        began = time.perf_counter()
        check_training_arrays(corpus, counts, config, input_vectors, output_vectors)
        call = self._call(corpus, counts, config, frozen,
                          not self._keep_weights_on_device(input_vectors))
        if on_epoch_end is not None:
            call.hook = _EpochHook(on_epoch_end, input_vectors, output_vectors, began)
        threads_before = torch.get_num_threads()
        if not call.cuda:
            torch.set_num_threads(config.n_threads)
        try:
            # On CPU (or with host weights) the tensors share memory with the NumPy arrays:
            # training is in place.
            with call.timed("copies"):
                w_in, w_out = torch.from_numpy(input_vectors), torch.from_numpy(output_vectors)
                if not call.host_weights:
                    w_in, w_out = to_device(input_vectors, call.device), to_device(
                        output_vectors, call.device)
            try:
                stats = self._train_tensors(call, w_in, w_out)
            finally:
                # Also on KeyboardInterrupt: the caller's arrays get the weights as they stand
                # after the last whole step.
                with call.timed("copies"):
                    to_host([w_in, w_out], [input_vectors, output_vectors])
        finally:
            if not call.cuda:
                torch.set_num_threads(threads_before)
        stats = _split_seconds(stats, call, began)
        if call.hook is not None:
            stats = dataclasses.replace(stats, epochs=call.hook.epochs_done,
                                        words=corpus.n_tokens * call.hook.epochs_done)
        return TrainResult(input_vectors, output_vectors, stats)

    def train_tensors(self, corpus: EncodedCorpus, counts: np.ndarray, config: TrainConfig,
                      input_weight: torch.Tensor, output_weight: torch.Tensor, *,
                      frozen: np.ndarray | None = None) -> TrainStats:
        """Train weights held as torch tensors, in place; for callers that keep them on the device.

        The tensors are float32, contiguous, of shape ``(len(counts),
        config.vector_size)``, on this trainer's device or in host memory
        (then only rows are copied to the device per step). Distributed
        training uses this to keep GPU weights where the collectives need them.
        ``frozen`` as in :meth:`~sklearn_w2v.training.Trainer.train`.
        """
        shape = (len(counts), config.vector_size)
        for name, t in (("input_weight", input_weight), ("output_weight", output_weight)):
            if not (isinstance(t, torch.Tensor) and tuple(t.shape) == shape
                    and t.dtype == torch.float32 and t.is_contiguous()):
                raise ValueError(f"{name} must be a contiguous float32 tensor of shape {shape}")
            if t.device != self.torch_device and t.device.type != "cpu":
                raise ValueError(f"{name} is on {t.device}, the trainer on {self.device}")
        began = time.perf_counter()
        check_corpus_and_counts(corpus, counts)
        call = self._call(corpus, counts, config, frozen,
                          input_weight.device != self.torch_device)
        return _split_seconds(self._train_tensors(call, input_weight, output_weight), call,
                              began)

    def _call(self, corpus, counts, config, frozen, host_weights: bool) -> _Call:
        """The call's state; ``frozen`` checked and turned into flags, once."""
        flags = frozen_rows(frozen, len(counts))
        if not flags.any():
            flags = None
        elif self.torch_module is not None:
            raise ValueError("frozen rows (freeze_init) need the built-in model; a custom "
                             "torch_module trains all of its parameters.")
        return _Call(corpus, counts, config, self.torch_device, flags, host_weights)

    def _uses_fused_kernel(self, host_weights: bool) -> bool:
        if self.kernel == "fused":
            if host_weights:
                raise ValueError("kernel='fused' needs the weights on the device "
                                 "(weights_on_device=False is for the batched path)")
            return True
        return (self.kernel == "auto" and self.torch_device.type == "cuda" and not host_weights
                and self.torch_module is None and installed("triton"))

    def _train_tensors(self, call: _Call, w_in, w_out) -> TrainStats:
        if call.frozen is None or not call.cuda:
            return self._train_epochs(call, w_in, w_out)
        # CUDA's atomic adds flush subnormal values to zero, even when adding -0.0: the
        # frozen rows are put back as they were, so they stay bit for bit on every device.
        rows = torch.from_numpy(np.flatnonzero(call.frozen)).to(w_in.device)
        saved = w_in.index_select(0, rows)
        try:
            return self._train_epochs(call, w_in, w_out)
        finally:
            w_in.index_copy_(0, rows, saved)

    def _train_epochs(self, call: _Call, w_in, w_out) -> TrainStats:
        """The one training loop: epochs of chunks, each trained by the path's step function.

        The path (:class:`_FusedSteps` or :class:`_BatchedSteps`) sets up what it needs,
        trains one chunk of sentences at a time, and reads its figures (effective words and
        loss) once an epoch; this loop times the run, walks the chunks, reports progress,
        calls the epoch hook and assembles the stats.
        """
        start = time.perf_counter()
        corpus, config, dev = call.corpus, call.config, call.device
        if call.cuda:
            torch.cuda.reset_peak_memory_stats(dev)
        with call.timed("setup"):
            chunks = chunk_ranges(corpus.offsets, self.chunk_tokens)
            tables = sampling_tables(call.counts, config.sample, config.ns_exponent)
        if self._uses_fused_kernel(call.host_weights):
            steps: _Steps = _FusedSteps(self, call, tables, w_in, w_out)
        else:
            steps = _BatchedSteps(self, call, tables, w_in, w_out)
        total_words = corpus.n_tokens * config.epochs
        progress = ProgressReporter(self.name, total_words, config.schedule, config.verbose,
                                    n_threads=config.n_threads)
        effective, epoch_loss = 0, []
        running = ((lambda: sum(epoch_loss) + steps.epoch_loss_so_far())
                   if config.compute_loss else None)
        finished = interrupted = False
        try:
            for epoch in range(config.epochs):
                steps.begin_epoch(epoch)
                for k, (s0, s1) in enumerate(chunks):
                    steps.train_chunk(epoch, k, s0, s1,
                                      lambda words_done: progress.update(words_done, running))
                words, loss = steps.end_epoch()  # the epoch's one wait for the device
                effective += words
                epoch_loss.append(loss)
                if call.hook is not None:
                    steps.export()
                if self._epoch_end(call, epoch, w_in, w_out, loss):
                    break
            finished = True
        except KeyboardInterrupt:
            interrupted = True
            raise
        finally:
            # Also on KeyboardInterrupt: the weights stand as after the last whole step (they
            # are only ever changed by whole tensor ops or launches, which an interrupt does
            # not split).
            steps.close(finished or interrupted)
        seconds = time.perf_counter() - start
        progress.finish(seconds, sum(epoch_loss) if config.compute_loss else None)
        details = steps.details()
        stage_seconds = {}
        if call.cuda:
            details["cuda_max_memory_allocated"] = int(torch.cuda.max_memory_allocated(dev))
            if steps.kernel_seconds is not None:
                details["kernel_seconds"] = stage_seconds["kernel"] = steps.kernel_seconds
        return TrainStats(
            seconds=seconds, words=total_words, effective_words=int(effective),
            n_threads=config.n_threads,
            epoch_loss=tuple(epoch_loss) if config.compute_loss else None,
            device=str(dev), details=details, stage_seconds=stage_seconds,
        )

    def _epoch_end(self, call: _Call, epoch: int, w_in, w_out, loss) -> bool:
        """Call ``train``'s ``on_epoch_end`` hook, if any, with the weights copied to the host."""
        hook = call.hook
        if hook is None:
            return False
        to_host([w_in, w_out], [hook.input_vectors, hook.output_vectors])
        hook.epochs_done = epoch + 1
        config = call.config
        return bool(hook.call(EpochEnd(
            epoch, config.epochs, hook.input_vectors, hook.output_vectors,
            float(loss) if config.compute_loss else None, call.corpus.n_tokens * (epoch + 1),
            time.perf_counter() - hook.start)))

    def _keep_weights_on_device(self, input_vectors) -> bool:
        if self.weights_on_device is not None:
            return bool(self.weights_on_device)
        return weights_fit(self.torch_device, 2 * input_vectors.nbytes)

    def _keep_corpus_on_device(self, corpus) -> bool:
        if self.corpus_on_device is not None:
            return bool(self.corpus_on_device)
        return corpus_fits(self.torch_device, corpus.ids.nbytes)

    def _build_module(self, n_words, config, w_in, w_out):
        model = self.torch_module(n_words, config.vector_size,
                                  input_vectors=w_in, output_vectors=w_out, config=config)
        if not isinstance(model, torch.nn.Module):
            raise TypeError("torch_module must return a torch.nn.Module, "
                            f"got {type(model).__name__}")
        if not callable(getattr(model, "export_vectors", None)):
            raise TypeError(f"{type(model).__name__} must define "
                            "export_vectors() -> (input, output)")
        return model.to(self.torch_device).train()

    @staticmethod
    def _autograd_step(model, params, batch):
        for p in params:
            p.grad = None
        loss = model(batch)
        if not (isinstance(loss, torch.Tensor) and loss.dim() == 0):
            raise TypeError(f"{type(model).__name__}.forward must return a 0-dim loss tensor")
        loss.backward()
        sgd_step_(params, batch.alpha)
        return loss

    @staticmethod
    def _export(model, n_words, config, w_in, w_out):
        exported = model.export_vectors()
        shape = (n_words, config.vector_size)
        for target, name, tensor in zip((w_in, w_out), ("input", "output"), exported):
            if tuple(tensor.shape) != shape:
                raise ValueError(f"export_vectors() gave {name} vectors of shape "
                                 f"{tuple(tensor.shape)}, expected {shape}")
            if tensor.data_ptr() != target.data_ptr():
                target.copy_(tensor.detach())



def _split_seconds(stats: TrainStats, call: _Call, began: float) -> TrainStats:
    """``stats`` with ``seconds`` the whole call since ``began``, split in ``stage_seconds``."""
    seconds = time.perf_counter() - began
    stages = {**call.seconds, "train": seconds - sum(call.seconds.values())}
    if "kernel" in stats.stage_seconds:  # within "train"
        stages["kernel"] = stats.stage_seconds["kernel"]
    return dataclasses.replace(stats, seconds=seconds, stage_seconds=stages)


class _Steps:
    """A training path's step function, as :meth:`TorchTrainer._train_epochs` drives it."""

    #: GPU time of the path's kernels (None where it is not measured).
    kernel_seconds: float | None = None

    def begin_epoch(self, epoch: int) -> None:
        """Before the epoch's first chunk."""

    def train_chunk(self, epoch: int, k: int, s0: int, s1: int,
                    report: Callable[[int], None]) -> None:
        """Train sentences ``s0 .. s1 - 1`` (chunk ``k``); ``report(words_done)`` as it goes."""
        raise NotImplementedError

    def epoch_loss_so_far(self) -> float:
        """The loss of the epoch's chunks so far (read only when a progress line shows it)."""
        raise NotImplementedError

    def end_epoch(self) -> tuple[int, float]:
        """(effective words, loss) of the epoch: the one wait for the device."""
        raise NotImplementedError

    def export(self) -> None:
        """Bring the weights the path trains into ``w_in``/``w_out`` (a custom module's)."""

    def close(self, export: bool) -> None:
        """After the last epoch, or an error (``export``: the run ended or was interrupted)."""

    def details(self) -> dict:
        """The path's facts for ``TrainStats.details``."""
        raise NotImplementedError


class _FusedSteps(_Steps):
    """The fused Triton kernel: one launch per chunk, figures read once an epoch."""

    def __init__(self, trainer: TorchTrainer, call: _Call, tables: SamplingTables, w_in, w_out):
        self.call, self.w_in, self.w_out = call, w_in, w_out
        corpus, config, dev = call.corpus, call.config, call.device
        fused = load("sklearn_w2v.backends.torch._fused:FusedSGNS", "kernel='fused'")
        with call.timed("copies"):
            self.frozen = None if call.frozen is None else to_device(call.frozen, dev)
            self.tables = tables.derived(("torch-fused", str(dev)), lambda t: tuple(
                to_device(a.astype(np.int64), dev)
                for a in (t.keep_threshold, t.noise_keep, t.noise_alias)))
            self.resident = trainer._keep_corpus_on_device(corpus)
            self.ids = torch.from_numpy(corpus.ids)
            if self.resident:
                # One id tensor and one offsets tensor for every launch: each launch trains a
                # sentence range of them, so its pointers (and the compiled variant) never
                # change.
                self.ids = to_device(corpus.ids, dev)
                self.offsets = to_device(corpus.offsets, dev)
            if call.cuda:
                torch.cuda.current_stream(dev).synchronize()  # the copies' time is theirs
        with call.timed("setup"):
            self.key = (config.vector_size, config.window, config.negative, config.sg,
                        config.sg_rule, config.cbow_mean, config.shrink_windows,
                        trainer.programs, trainer.num_warps)
            longest = max(1, int(np.diff(corpus.offsets).max()))
            self.kernel = _KERNELS.take(self.key, dev, longest, lambda: fused(
                config.vector_size, config.window, config.negative, sg=config.sg,
                sg_rule=config.sg_rule, cbow_mean=config.cbow_mean,
                shrink_windows=config.shrink_windows, programs=trainer.programs,
                max_sentence_length=longest, device=dev, num_warps=trainer.num_warps))
            self.kernel.reset()  # a kept kernel may hold the figures of an interrupted call
        self.kernel_seconds = 0.0 if call.cuda else None

    def train_chunk(self, epoch, k, s0, s1, report):
        corpus, config = self.call.corpus, self.call.config
        t0, t1 = int(corpus.offsets[s0]), int(corpus.offsets[s1])
        if self.resident:
            launch = (self.ids, self.offsets, s0, s1)
        else:  # a fresh (aligned) copy of the chunk's ids, its offsets from 0
            launch = (to_device(corpus.ids[t0:t1], self.call.device),
                      to_device(corpus.offsets[s0:s1 + 1] - t0, self.call.device), 0, s1 - s0)
        done = epoch * corpus.n_tokens
        total_words = corpus.n_tokens * config.epochs
        # The rate is linear within an epoch (either profile): the kernel interpolates it over
        # the launch's tokens.
        rates = (config.rate_at((done + t0) / total_words, epoch),
                 config.rate_at((done + t1) / total_words, epoch))
        # The data was checked on the host (check_training_arrays), so the kernel's own
        # device-side checks, a round trip each, are left off.
        self.kernel.train(
            *launch, self.w_in, self.w_out, *self.tables,
            subsample=config.sample > 0, alpha_start=rates[0], alpha_end=rates[1],
            # Draws are keyed by position in the ids given: a seed per launch.
            seed=derive_seed(config.seed, epoch, k),
            compute_loss=config.compute_loss, validate=False, frozen=self.frozen, wait=False)
        report(done + t1)

    def _collect(self) -> None:
        words, loss, seconds = self.kernel.collect()
        self.words += words
        self.loss += loss
        if self.kernel_seconds is not None:
            self.kernel_seconds += seconds

    def begin_epoch(self, epoch):
        self.words, self.loss = 0, 0.0

    def epoch_loss_so_far(self):
        self._collect()  # a wait, when a progress line shows the loss
        return self.loss

    def end_epoch(self):
        self._collect()
        return self.words, self.loss

    def close(self, export):
        if self.call.cuda:  # no launch may still use the workspace once another call has it
            torch.cuda.synchronize(self.call.device)
        _KERNELS.give_back(self.key, self.call.device, self.kernel)

    def details(self):
        kernel = self.kernel
        details = {"weights_on_device": True, "path": "fused", "programs": kernel.programs,
                   "num_warps": kernel.num_warps, "sg_rule": kernel.sg_rule,
                   "workspace_bytes": kernel.workspace_bytes}
        if self.call.cuda:
            details.update(registers=kernel.registers, spilled=kernel.spilled)
        return details


class _BatchedSteps(_Steps):
    """Batches of centre words, each one SGD step: the hand-written step or a module's."""

    def __init__(self, trainer: TorchTrainer, call: _Call, tables: SamplingTables, w_in, w_out):
        config, dev = call.config, call.device
        if config.sg and config.sg_rule != "block":
            raise ValueError(
                f"sg_rule={config.sg_rule!r} needs the fused kernel (kernel='fused', on CUDA); "
                "the batched path draws noise words per context, the 'block' rule.")
        self.trainer, self.call, self.w_in, self.w_out = trainer, call, w_in, w_out
        self.model = self.step = None
        with call.timed("setup"):
            self.gen = torch.Generator(device=dev)
            self.gen.manual_seed(int(config.seed))
            if trainer.torch_module is None:
                self.step = host_rows_step_ if call.host_weights else sgns_step_
            elif call.host_weights:
                raise ValueError("custom torch modules need the weights on the device "
                                 "(weights_on_device=False is for the default step only)")
            else:
                self.model = trainer._build_module(len(call.counts), config, w_in, w_out)
                self.params = [p for p in self.model.parameters() if p.requires_grad]
            self.step_centres = centres_per_step(trainer.batch_size, config, tables.noise_max)
            self.lengths = np.diff(call.corpus.offsets)
        with call.timed("copies"):
            self.frozen = None if call.frozen is None else to_device(
                call.frozen.view(np.bool_), dev)
            self.tables = DeviceTables.for_training(tables, config.window, dev)
            self.ids = torch.from_numpy(call.corpus.ids)
            if trainer._keep_corpus_on_device(call.corpus):
                self.ids = to_device(call.corpus.ids, dev)
            if call.cuda:
                torch.cuda.current_stream(dev).synchronize()  # the copies' time is theirs
        self.effective = 0

    def begin_epoch(self, epoch):
        self.loss_sum = torch.zeros((), device=self.call.device)
        self.effective = 0

    def train_chunk(self, epoch, k, s0, s1, report):
        corpus, config, dev = self.call.corpus, self.call.config, self.call.device
        t0, t1 = int(corpus.offsets[s0]), int(corpus.offsets[s1])
        chunk = Chunk(self.ids[t0:t1].to(dev, non_blocking=True),
                      torch.from_numpy(self.lengths[s0:s1]).to(dev), self.tables, config,
                      self.gen)
        self.effective += chunk.n
        total_words = corpus.n_tokens * config.epochs
        done_before = epoch * corpus.n_tokens + t0
        for a, raw_pos in chunk.batch_starts(self.step_centres):
            words_done = done_before + raw_pos
            alpha = config.rate_at(words_done / total_words, epoch)
            batch = chunk.batch(a, a + self.step_centres, alpha, self.tables, self.gen)
            if self.model is None:
                loss = self.step(self.w_in, self.w_out, batch, config.compute_loss, self.frozen)
            else:
                loss = self.trainer._autograd_step(self.model, self.params, batch)
            if config.compute_loss:
                self.loss_sum += loss.detach()
            report(words_done)

    def epoch_loss_so_far(self):
        return float(self.loss_sum)

    def end_epoch(self):
        return self.effective, float(self.loss_sum) if self.call.config.compute_loss else 0.0

    def export(self):
        if self.model is not None:  # the module's weights
            self.trainer._export(self.model, len(self.call.counts), self.call.config,
                                 self.w_in, self.w_out)

    def close(self, export):
        if export:
            self.export()
        if self.call.cuda:
            torch.cuda.synchronize(self.call.device)

    def details(self):
        return {"weights_on_device": not self.call.host_weights,
                "batch_size": self.step_centres,
                "path": "hand-written" if self.model is None else "autograd"}


@torch.no_grad()
def host_rows_step_(input_weight, output_weight, batch: Batch, compute_loss: bool = False,
                    frozen: torch.Tensor | None = None):
    """:func:`sgns_step_` with the weights in host memory and the batch on the device.

    The distinct rows the batch reads are copied to the device, updated
    there as small matrices, and copied back (``frozen``, on the device, as
    there).
    """
    dev = batch.targets.device
    in_rows, in_local = torch.unique(batch.inputs, return_inverse=True)
    out_rows, out_local = torch.unique(batch.targets, return_inverse=True)
    in_rows, out_rows = in_rows.cpu(), out_rows.cpu()
    local_in = input_weight[in_rows].to(dev)
    local_out = output_weight[out_rows].to(dev)
    loss = sgns_step_(local_in, local_out,
                      dataclasses.replace(batch, inputs=in_local, targets=out_local), compute_loss,
                      None if frozen is None else frozen[in_rows.to(dev)])
    input_weight[in_rows] = local_in.cpu()
    output_weight[out_rows] = local_out.cpu()
    return loss


@torch.no_grad()
def sgd_step_(params, lr: float) -> None:
    """Plain SGD, ``p -= lr * p.grad``, dense or sparse gradients.

    What ``torch.optim.SGD`` does without momentum, minus its first-use
    import of ``torch._dynamo`` (seconds).
    """
    for p in params:
        if p.grad is not None:
            p.add_(p.grad, alpha=-lr)

