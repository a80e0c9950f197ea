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
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import torch

from ..._optional import MissingDependencyError, installed, load
from ...training import (
    EpochEnd,
    LastTables,
    ProgressReporter,
    TrainConfig,
    TrainResult,
    TrainStats,
    alias_table,
    check_corpus_and_counts,
    check_training_arrays,
    derive_seed,
    frozen_rows,
    keep_thresholds,
    noise_distribution,
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
        self._tables = LastTables(DeviceTables)
        self._fused_tables = LastTables(_fused_tables)

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
        check_training_arrays(corpus, counts, config, input_vectors, output_vectors, frozen)
        self._check_frozen_path(frozen)
        # The epoch loops call _epoch_end, which reaches the hook through this record.
        self._hook = None if on_epoch_end is None else _EpochHook(
            on_epoch_end, input_vectors, output_vectors, time.perf_counter())
        on_cpu = self.torch_device.type == "cpu"
        threads_before = torch.get_num_threads()
        if on_cpu:
            torch.set_num_threads(config.n_threads)
        try:
            result = self._train(corpus, counts, config, input_vectors, output_vectors, frozen)
        finally:
            hook, self._hook = self._hook, None
            if on_cpu:
                torch.set_num_threads(threads_before)
        if hook is None:
            return result
        stats = dataclasses.replace(result.stats, epochs=hook.epochs_done,
                                    words=corpus.n_tokens * hook.epochs_done)
        return TrainResult(result.input_vectors, result.output_vectors, stats)

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
        check_corpus_and_counts(corpus, counts)
        frozen_rows(frozen, len(counts))
        self._check_frozen_path(frozen)
        host_weights = input_weight.device != self.torch_device
        return self._train_tensors(corpus, counts, config, input_weight, output_weight,
                                   host_weights, frozen)

    def _check_frozen_path(self, frozen) -> None:
        if frozen is not None and self.torch_module is not None and np.any(frozen):
            raise ValueError("frozen rows (freeze_init) need the built-in model; a custom "
                             "torch_module trains all of its parameters.")

    def _train(self, corpus, counts, config, input_vectors, output_vectors, frozen=None):
        # On CPU (or with host weights) the tensors share memory with the
        # NumPy arrays: training is in place.
        w_in, w_out = torch.from_numpy(input_vectors), torch.from_numpy(output_vectors)
        host_weights = not self._keep_weights_on_device(input_vectors)
        if not host_weights:
            w_in, w_out = w_in.to(self.torch_device), w_out.to(self.torch_device)
        try:
            stats = self._train_tensors(corpus, counts, config, w_in, w_out, host_weights,
                                        frozen)
        finally:
            # Also on KeyboardInterrupt: the caller's arrays get the weights as
            # they stand after the last whole step.
            if w_in.data_ptr() != torch.from_numpy(input_vectors).data_ptr():
                input_vectors[...] = w_in.cpu().numpy()
            if w_out.data_ptr() != torch.from_numpy(output_vectors).data_ptr():
                output_vectors[...] = w_out.cpu().numpy()
        return TrainResult(input_vectors, output_vectors, stats)

    def _uses_fused_kernel(self, host_weights: bool) -> bool:
        if self.kernel == "fused":
            if host_weights:
                raise ValueError("kernel='fused' needs the weights on the device "
                                 "(weights_on_device=False is for the batched path)")
            return True
        return (self.kernel == "auto" and self.torch_device.type == "cuda" and not host_weights
                and self.torch_module is None and installed("triton"))

    def _train_tensors(self, corpus, counts, config, w_in, w_out, host_weights,
                       frozen=None) -> TrainStats:
        if frozen is not None and not np.any(frozen):
            frozen = None
        if frozen is None or self.torch_device.type == "cpu":
            return self._train_tensors_(corpus, counts, config, w_in, w_out, host_weights, frozen)
        # CUDA's atomic adds flush subnormal values to zero, even when adding -0.0: the
        # frozen rows are put back as they were, so they stay bit for bit on every device.
        rows = torch.from_numpy(np.flatnonzero(frozen)).to(w_in.device)
        saved = w_in.index_select(0, rows)
        try:
            return self._train_tensors_(corpus, counts, config, w_in, w_out, host_weights, frozen)
        finally:
            w_in.index_copy_(0, rows, saved)

    def _train_tensors_(self, corpus, counts, config, w_in, w_out, host_weights,
                        frozen) -> TrainStats:
        if self._uses_fused_kernel(host_weights):
            return self._train_fused(corpus, counts, config, w_in, w_out, frozen)
        if config.sg and config.sg_rule != "block":
            raise ValueError(
                f"sg_rule={config.sg_rule!r} needs the fused kernel (kernel='fused', on CUDA); "
                "the batched path draws noise words per context, the 'block' rule.")
        start = time.perf_counter()
        dev = self.torch_device
        frozen_t = None if frozen is None else torch.from_numpy(np.asarray(frozen)).to(dev)
        cuda = dev.type == "cuda"
        if cuda:
            torch.cuda.reset_peak_memory_stats(dev)
        gen = torch.Generator(device=dev)
        gen.manual_seed(int(config.seed))
        model = step = None
        if self.torch_module is None:
            step = host_rows_step_ if host_weights else sgns_step_
        elif host_weights:
            raise ValueError("custom torch modules need the weights on the device "
                             "(weights_on_device=False is for the default step only)")
        else:
            model = self._build_module(len(counts), config, w_in, w_out)
            params = [p for p in model.parameters() if p.requires_grad]

        tables = self._tables.get(counts, config.sample, config.ns_exponent, config.window, dev)
        step_centres = centres_per_step(
            self.batch_size, config, float(noise_distribution(counts, config.ns_exponent).max()))
        ids = torch.from_numpy(corpus.ids)
        if self._keep_corpus_on_device(corpus):
            ids = ids.to(dev)
        lengths = np.diff(corpus.offsets)
        chunks = chunk_ranges(corpus.offsets, self.chunk_tokens)

        compute_loss = config.compute_loss
        total_words = corpus.n_tokens * config.epochs
        schedule = config.schedule
        progress = ProgressReporter(self.name, total_words, schedule, config.verbose,
                                    n_threads=config.n_threads)
        effective = 0
        epoch_loss = []
        loss_sum = None
        # Read from the device only when the reporter shows it.
        running_loss = (lambda: sum(epoch_loss) + float(loss_sum)) if compute_loss else None
        finished = interrupted = False
        try:
            for epoch in range(config.epochs):
                loss_sum = torch.zeros((), device=dev)
                for s0, s1 in chunks:
                    t0, t1 = int(corpus.offsets[s0]), int(corpus.offsets[s1])
                    chunk = Chunk(ids[t0:t1].to(dev, non_blocking=True),
                                  torch.from_numpy(lengths[s0:s1]).to(dev), tables, config, gen)
                    effective += chunk.n
                    done_before = epoch * corpus.n_tokens + t0
                    for a, raw_pos in chunk.batch_starts(step_centres):
                        words_done = done_before + raw_pos
                        alpha = config.rate_at(words_done / total_words, epoch)
                        batch = chunk.batch(a, a + step_centres, alpha, tables, gen)
                        if model is None:
                            loss = step(w_in, w_out, batch, compute_loss, frozen_t)
                        else:
                            loss = self._autograd_step(model, params, batch)
                        if compute_loss:
                            loss_sum += loss.detach()
                        progress.update(words_done, running_loss)
                if compute_loss:
                    epoch_loss.append(float(loss_sum))
                if self._hook is not None and model is not None:  # the module's weights
                    self._export(model, len(counts), config, w_in, w_out)
                if self._epoch_end(epoch, config, corpus, w_in, w_out, loss_sum):
                    break
            finished = True
        except KeyboardInterrupt:
            interrupted = True
            raise
        finally:
            # Also on KeyboardInterrupt: the weights stand as after the last
            # whole step (they are only ever changed by whole tensor ops,
            # which an interrupt does not split).
            if model is not None and (finished or interrupted):
                self._export(model, len(counts), config, w_in, w_out)
            if cuda:
                torch.cuda.synchronize(dev)

        seconds = time.perf_counter() - start
        progress.finish(seconds, sum(epoch_loss) if compute_loss else None)
        details = {
            "weights_on_device": not host_weights,
            "batch_size": step_centres,
            "path": "hand-written" if model is None else "autograd",
        }
        if cuda:
            details["cuda_max_memory_allocated"] = int(torch.cuda.max_memory_allocated(dev))
        return TrainStats(
            seconds=seconds, words=total_words, effective_words=int(effective),
            n_threads=config.n_threads, epoch_loss=tuple(epoch_loss) if compute_loss else None,
            device=str(dev), details=details,
        )

    def _train_fused(self, corpus, counts, config, w_in, w_out, frozen=None) -> TrainStats:
        """Train with the fused Triton kernel: one launch per chunk of sentences."""
        start = time.perf_counter()
        dev = self.torch_device
        frozen_t = None if frozen is None else torch.from_numpy(
            frozen_rows(frozen, len(counts))).to(dev)
        cuda = dev.type == "cuda"
        if cuda:
            torch.cuda.reset_peak_memory_stats(dev)
        fused = load("sklearn_w2v.backends.torch._fused:FusedSGNS", "kernel='fused'")
        kernel = fused(config.vector_size, config.window, config.negative, sg=config.sg,
                       sg_rule=config.sg_rule, cbow_mean=config.cbow_mean,
                       shrink_windows=config.shrink_windows, programs=self.programs,
                       max_sentence_length=max(1, int(np.diff(corpus.offsets).max())), device=dev,
                       num_warps=self.num_warps)
        keep, noise_keep, noise_alias = self._fused_tables.get(
            counts, config.sample, config.ns_exponent, dev)
        resident = self._keep_corpus_on_device(corpus)
        ids = torch.from_numpy(corpus.ids)
        if resident:
            # One id tensor and one offsets tensor for every launch: each launch trains a
            # sentence range of them, so its pointers (and the compiled variant) never change.
            ids = ids.to(dev)
            all_offsets = torch.from_numpy(corpus.offsets).to(dev)
        chunks = chunk_ranges(corpus.offsets, self.chunk_tokens)
        total_words = corpus.n_tokens * config.epochs
        schedule = config.schedule
        progress = ProgressReporter(self.name, total_words, schedule, config.verbose,
                                    n_threads=config.n_threads)
        effective, epoch_loss = 0, []
        try:
            for epoch in range(config.epochs):
                loss_sum = 0.0
                for k, (s0, s1) in enumerate(chunks):
                    t0, t1 = int(corpus.offsets[s0]), int(corpus.offsets[s1])
                    if resident:
                        launch = (ids, all_offsets, s0, s1)
                    else:  # a fresh (aligned) copy of the chunk's ids, its offsets from 0
                        launch = (ids[t0:t1].to(dev), torch.from_numpy(
                            corpus.offsets[s0:s1 + 1] - t0).to(dev), 0, s1 - s0)
                    done = epoch * corpus.n_tokens
                    # The rate is linear within an epoch (either profile): the kernel
                    # interpolates it over the launch's tokens.
                    rates = (config.rate_at((done + t0) / total_words, epoch),
                             config.rate_at((done + t1) / total_words, epoch))
                    words, loss = kernel.train(
                        *launch, w_in, w_out, keep, noise_keep, noise_alias,
                        subsample=config.sample > 0, alpha_start=rates[0], alpha_end=rates[1],
                        # Draws are keyed by position in the ids given: a seed per launch.
                        seed=derive_seed(config.seed, epoch, k),
                        compute_loss=config.compute_loss, validate=epoch == 0, frozen=frozen_t)
                    effective += words
                    loss_sum += loss
                    progress.update(done + t1, sum(epoch_loss) + loss_sum
                                    if config.compute_loss else None)
                epoch_loss.append(loss_sum)
                if self._epoch_end(epoch, config, corpus, w_in, w_out, loss_sum):
                    break
        finally:
            if cuda:
                torch.cuda.synchronize(dev)
        seconds = time.perf_counter() - start
        progress.finish(seconds, sum(epoch_loss) if config.compute_loss else None)
        details = {"weights_on_device": True, "path": "fused", "programs": kernel.programs,
                   "num_warps": kernel.num_warps, "sg_rule": kernel.sg_rule,
                   "workspace_bytes": kernel.workspace_bytes}
        if cuda:
            details.update(cuda_max_memory_allocated=int(torch.cuda.max_memory_allocated(dev)),
                           kernel_seconds=kernel.kernel_seconds, registers=kernel.registers,
                           spilled=kernel.spilled)
        return TrainStats(
            seconds=seconds, words=total_words, effective_words=int(effective),
            n_threads=config.n_threads,
            epoch_loss=tuple(epoch_loss) if config.compute_loss else None,
            device=str(dev), details=details,
        )

    _hook: _EpochHook | None = None  # set by train() while it runs with an on_epoch_end

    def _epoch_end(self, epoch, config, corpus, w_in, w_out, loss) -> bool:
        """Call ``train``'s ``on_epoch_end`` hook, if any, with the weights copied to the host."""
        hook = self._hook
        if hook is None:
            return False
        for array, weight in ((hook.input_vectors, w_in), (hook.output_vectors, w_out)):
            if weight.data_ptr() != torch.from_numpy(array).data_ptr():
                array[...] = weight.detach().cpu().numpy()
        hook.epochs_done = epoch + 1
        return bool(hook.call(EpochEnd(
            epoch, config.epochs, hook.input_vectors, hook.output_vectors,
            float(loss) if config.compute_loss else None, corpus.n_tokens * (epoch + 1),
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


def _fused_tables(counts, sample, ns_exponent, dev):
    """The fused kernel's int64 tables on the device: subsampling thresholds, noise alias table."""
    keep, alias = alias_table(noise_distribution(counts, ns_exponent))
    return tuple(torch.from_numpy(a.astype(np.int64)).to(dev)
                 for a in (keep_thresholds(counts, sample), keep, alias))
