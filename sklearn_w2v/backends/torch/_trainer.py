"""The torch backend: the numba backend's model, trained in batches on a CPU or a GPU.

Data path
---------
The corpus ids go to the device once, as an int32 tensor (``corpus_on_device``;
when they do not fit they are streamed instead, one chunk at a time). Each
epoch walks the corpus in chunks of about ``chunk_tokens`` tokens cut at
sentence boundaries (windows never cross sentences, so chunks need no
overlap). For a chunk, on the device and without per-word Python:

1. frequent words are subsampled (gensim's keep rule, one uniform draw per
   token) and the survivors compacted, so neighbours close ranks;
2. the survivors are taken ``batch_size`` centre words at a time; each draws
   its window reach (shrinking windows), and the context slots inside the
   reach and inside the sentence become the examples: one per (centre,
   context) pair for skip-gram, one per centre for CBOW;
3. ``negative`` noise words per example come from the alias table of
   :mod:`sklearn_w2v.sampling` (same distribution as the numba backend);
4. one SGD step: :func:`~sklearn_w2v.backends.torch_model.sgns_step_`, or
   autograd through a user module.

The learning rate falls linearly from ``alpha`` to ``min_alpha`` over all
corpus words of all epochs; each step uses the rate at its first centre word.

Memory
------
On the device: the two weight matrices, the id tensor (4 bytes a token),
per chunk about 30 bytes a token of work arrays (so about 120 MB with the
default ``chunk_tokens``, whatever the corpus size), and per step a
workspace of a few times ``batch_size * 2 * window * (negative + 1) *
vector_size * 4`` bytes for skip-gram (about 25 MB per copy with the
defaults; CBOW needs ``2 * window`` times less). With CUDA, the peak is
reported as ``stats.extra["cuda_max_memory_allocated"]``.

When the two weight matrices do not fit in the GPU memory
(``weights_on_device``), they stay in host memory and each step copies the
rows its batch touches to the device and back (the simple version: one
synchronous round trip a step, so much slower than resident weights; only
for the default, hand-written step, not for custom modules).

Batch size and quality
----------------------
A step sums the updates of all its examples, computed from the weights as
they were before the step. A frequent word (as a noise word above all) gets
hundreds of updates in one large step, all computed from the same stale
rows, and their sum overshoots where sequential SGD would have seen the
score saturate and slowed down; frequent input and output rows then feed
each other. Smaller steps stay closer to sequential SGD, at the cost of more
(launch-bound, on a GPU) steps. Measured on CPU torch against gensim and the
numba backend on en-mix (vector_size=100, window=5, negative=5, 5 epochs,
one seed): CBOW on the whole corpus, 1024 centre words a step gave analogy
+0.5 points and WordSim353 -0.004 against gensim, 8192 analogy -1.2
points. Skip-gram on the whole corpus: 512 gave analogy -0.2 points and
WordSim353 +0.030, 1024 analogy -1.6 points (WordSim353 +0.057). Skip-gram
on the first million tokens: 2048 lost SimLex-999 (-0.03) and 4096 or 8192
collapsed (analogy and WordSim353 near 0: the vectors of the most frequent
words grew to 10-30 times the normal norm).

The step is ``batch_size`` (default 1024) centre words, lowered by
:func:`centres_per_step` so that the expected number of noise updates
summed into the hottest row in one step stays under ``HOT_ROW_UPDATES``.
That load grows with the examples per centre (``window + 1`` for
skip-gram, 1 for CBOW), ``negative`` and the largest noise probability, so
the one rule gives about 510 centres (2,500 pairs) for skip-gram and 1024
for CBOW on en-mix, and smaller steps for small or very skewed
vocabularies, which would otherwise blow up. Nothing else (no per-row
scaling of summed updates) is done against large-step effects.
"""

from __future__ import annotations

import dataclasses
import sys
import time

import numpy as np

from . import TORCH_MISSING

try:
    import torch
except ImportError as exc:
    raise ImportError(TORCH_MISSING) from exc

from ..corpus import EncodedCorpus
from ..sampling import LastTables, alias_table, keep_probabilities, noise_distribution
from ..training import (
    TrainConfig, TrainResult, TrainStats, check_corpus_and_counts, check_training_arrays,
)
from .torch_model import Batch, sgns_step_

# Centre words per SGD step at most (see "Batch size and quality" above).
DEFAULT_BATCH_SIZE = 1024
# Cap on the expected noise updates summed into the most frequent noise word's
# row in one step. Skip-gram on en-mix (largest noise probability 0.0197 on
# its first million tokens): about 300 (512 centres) matched gensim, about
# 600 (1024 centres) lost 1.6 analogy points, about 1200 (2048) degraded
# further on a subset. CBOW makes 6 times fewer examples a centre.
HOT_ROW_UPDATES = 300
# Corpus tokens per chunk: bounds the per-chunk work arrays (~30 bytes a token).
DEFAULT_CHUNK_TOKENS = 1 << 22


def resolve_device(device) -> "torch.device":
    """``None``: CUDA when available, else CPU; "cpu", "cuda", "cuda:k" or a torch.device.

    Raises
    ------
    ValueError
        For a malformed name, an unsupported device type or a CUDA device
        that is not available.
    """
    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(f"Invalid device {device!r}: {exc}") from None
    if dev.type == "cpu":
        return torch.device("cpu")
    if dev.type != "cuda":
        raise ValueError(
            f"Unsupported device {device!r}; use None, 'cpu', 'cuda' or 'cuda:<index>'.")
    if not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was asked for, but CUDA is not available to this torch "
            f"(torch {torch.__version__}, CUDA build: {torch.version.cuda}); "
            "use device='cpu' or device=None."
        )
    index = 0 if dev.index is None else dev.index
    if index >= torch.cuda.device_count():
        raise ValueError(
            f"device={device!r} does not exist: {torch.cuda.device_count()} CUDA device(s) visible."
        )
    return torch.device("cuda", index)


def centres_per_step(batch_size: int, config: TrainConfig, noise_max: float) -> int:
    """``batch_size``, lowered when the hottest noise row would take too many updates a step.

    A centre word yields ``window + 1`` skip-gram examples on average with
    shrinking windows (``2 * window`` without), one CBOW example; each
    example draws ``negative`` noise words, each the most frequent one with
    probability ``noise_max``.
    """
    if config.sg:
        examples = config.window + 1 if config.shrink_windows else 2 * config.window
    else:
        examples = 1
    load = examples * config.negative * noise_max
    return max(1, min(int(batch_size), int(HOT_ROW_UPDATES / load)))


def _chunks(offsets: np.ndarray, chunk_tokens: int) -> list[tuple[int, int]]:
    """Sentence ranges ``(s0, s1)`` of about ``chunk_tokens`` tokens (at least one sentence) each."""
    marks = np.arange(0, offsets[-1], chunk_tokens)
    cuts = np.unique(np.concatenate((np.searchsorted(offsets, marks), [len(offsets) - 1])))
    cuts = cuts[cuts > 0]
    return list(zip(np.concatenate(([0], cuts[:-1])).tolist(), cuts.tolist()))


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
        :class:`~sklearn_w2v.backends.torch_model.SGNSModule` for the contract.
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
        copied to the device per step (hand-written step only).

    Notes
    -----
    On CPU with a fixed seed a run is reproducible; ``config.n_threads``
    sets torch's intra-op threads for the run. On CUDA, ``index_add_`` adds
    in a nondeterministic order, so results vary slightly between runs.
    """

    name = "torch"
    report_every = 5.0  # seconds between progress lines when verbose

    def __init__(self, device=None, torch_module=None, batch_size: int = DEFAULT_BATCH_SIZE,
                 chunk_tokens: int = DEFAULT_CHUNK_TOKENS, corpus_on_device: bool | None = None,
                 weights_on_device: bool | None = None):
        if torch_module is not None and not callable(torch_module):
            raise TypeError(
                f"torch_module must be a module class or factory, got {type(torch_module).__name__}"
            )
        for name, value in (("batch_size", batch_size), ("chunk_tokens", chunk_tokens)):
            if int(value) < 1:
                raise ValueError(f"{name} must be >= 1, got {value}")
        self.device = resolve_device(device)  # fails before any corpus work
        self.torch_module = torch_module
        self.batch_size = int(batch_size)
        self.chunk_tokens = int(chunk_tokens)
        self.corpus_on_device = corpus_on_device
        self.weights_on_device = weights_on_device
        self._tables = LastTables(_Tables)

    # ------------------------------------------------------------------ API
    def train(
        self,
        corpus: EncodedCorpus,
        counts: np.ndarray,
        config: TrainConfig,
        input_vectors: np.ndarray,
        output_vectors: np.ndarray,
    ) -> TrainResult:
        """Train (see :class:`sklearn_w2v.training.Trainer`); the arrays are updated in place."""
        check_training_arrays(corpus, counts, config, input_vectors, output_vectors)
        on_cpu = self.device.type == "cpu"
        threads_before = torch.get_num_threads()
        if on_cpu:
            torch.set_num_threads(config.n_threads)
        try:
            return self._train(corpus, counts, config, input_vectors, output_vectors)
        finally:
            if on_cpu:
                torch.set_num_threads(threads_before)

    # ------------------------------------------------------------- internals
    def train_tensors(self, corpus: EncodedCorpus, counts: np.ndarray, config: TrainConfig,
                      input_weight: "torch.Tensor", output_weight: "torch.Tensor") -> TrainStats:
        """Train weights held as torch tensors, in place; for callers that keep them on the device.

        The tensors are float32, contiguous, of shape ``(len(counts),
        config.vector_size)``, on this trainer's device or in host memory
        (then only rows are copied to the device per step). Distributed
        training uses this to keep GPU weights where the collectives need them.
        """
        shape = (len(counts), config.vector_size)
        for name, t in (("input_weight", input_weight), ("output_weight", output_weight)):
            if not (isinstance(t, torch.Tensor) and tuple(t.shape) == shape
                    and t.dtype == torch.float32 and t.is_contiguous()):
                raise ValueError(f"{name} must be a contiguous float32 tensor of shape {shape}")
            if t.device != self.device and t.device.type != "cpu":
                raise ValueError(f"{name} is on {t.device}, the trainer on {self.device}")
        check_corpus_and_counts(corpus, counts)
        host_weights = input_weight.device != self.device
        return self._train_tensors(corpus, counts, config, input_weight, output_weight, host_weights)

    def _train(self, corpus, counts, config, input_vectors, output_vectors):
        # On CPU (or with host weights) the tensors share memory with the
        # NumPy arrays: training is in place.
        w_in, w_out = torch.from_numpy(input_vectors), torch.from_numpy(output_vectors)
        host_weights = not self._keep_weights_on_device(input_vectors)
        if not host_weights:
            w_in, w_out = w_in.to(self.device), w_out.to(self.device)
        try:
            stats = self._train_tensors(corpus, counts, config, w_in, w_out, host_weights)
        finally:
            # Also on KeyboardInterrupt: the caller's arrays get the weights as
            # they stand after the last whole step.
            if w_in.data_ptr() != torch.from_numpy(input_vectors).data_ptr():
                input_vectors[...] = w_in.cpu().numpy()
            if w_out.data_ptr() != torch.from_numpy(output_vectors).data_ptr():
                output_vectors[...] = w_out.cpu().numpy()
        return TrainResult(input_vectors, output_vectors, stats)

    def _train_tensors(self, corpus, counts, config, w_in, w_out, host_weights) -> TrainStats:
        start = time.perf_counter()
        dev = self.device
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
        if self._keep_corpus_on_device(corpus, w_in):
            ids = ids.to(dev)
        lengths = np.diff(corpus.offsets)
        chunks = _chunks(corpus.offsets, self.chunk_tokens)

        compute_loss = bool(getattr(config, "compute_loss", False))
        total_words = corpus.n_tokens * config.epochs
        progress = _Progress(config, total_words, start, self.report_every)
        effective = 0
        epoch_loss = []
        finished = interrupted = False
        try:
            for epoch in range(config.epochs):
                loss_sum = torch.zeros((), device=dev)
                for s0, s1 in chunks:
                    t0, t1 = int(corpus.offsets[s0]), int(corpus.offsets[s1])
                    chunk = _Chunk(ids[t0:t1].to(dev, non_blocking=True),
                                   torch.from_numpy(lengths[s0:s1]).to(dev), tables, config, gen)
                    effective += chunk.n
                    done_before = epoch * corpus.n_tokens + t0
                    for a, raw_pos in chunk.batch_starts(step_centres):
                        words_done = done_before + raw_pos
                        alpha = config.alpha - (config.alpha - config.min_alpha) * (
                            words_done / total_words)
                        batch = chunk.batch(a, a + step_centres, alpha, tables, gen)
                        if model is None:
                            loss = step(w_in, w_out, batch, compute_loss)
                        else:
                            loss = self._autograd_step(model, params, batch)
                        if compute_loss:
                            loss_sum += loss.detach()
                        progress.update(words_done)
                if compute_loss:
                    epoch_loss.append(float(loss_sum))
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
        progress.finish(seconds)
        extra = {
            "device": str(dev),
            "weights_on_device": not host_weights,
            "batch_size": step_centres,
            "path": "hand-written" if model is None else "autograd",
        }
        if dev.type == "cpu":
            extra["n_threads"] = config.n_threads
        if compute_loss:
            extra["epoch_loss"] = epoch_loss
        if cuda:
            extra["cuda_max_memory_allocated"] = int(torch.cuda.max_memory_allocated(dev))
        return TrainStats(seconds=seconds, words=total_words, effective_words=int(effective),
                          extra=extra)

    def _keep_weights_on_device(self, input_vectors) -> bool:
        if self.weights_on_device is not None:
            return bool(self.weights_on_device)
        if self.device.type == "cpu":
            return True
        free, _ = torch.cuda.mem_get_info(self.device)
        return 2 * input_vectors.nbytes < 0.8 * free

    def _keep_corpus_on_device(self, corpus, w_in) -> bool:
        if self.corpus_on_device is not None:
            return bool(self.corpus_on_device)
        if self.device.type == "cpu":
            return True
        free, _ = torch.cuda.mem_get_info(self.device)
        return corpus.ids.nbytes < free / 4

    def _build_module(self, n_words, config, w_in, w_out):
        model = self.torch_module(n_words, config.vector_size,
                                  input_vectors=w_in, output_vectors=w_out, config=config)
        if not isinstance(model, torch.nn.Module):
            raise TypeError(f"torch_module must return a torch.nn.Module, got {type(model).__name__}")
        if not callable(getattr(model, "export_vectors", None)):
            raise TypeError(f"{type(model).__name__} must define export_vectors() -> (input, output)")
        return model.to(self.device).train()

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
def host_rows_step_(input_weight, output_weight, batch: Batch, compute_loss: bool = False):
    """:func:`sgns_step_` with the weights in host memory and the batch on the device.

    The distinct rows the batch reads are copied to the device, updated
    there as small matrices, and copied back.
    """
    dev = batch.targets.device
    in_rows, in_local = torch.unique(batch.inputs, return_inverse=True)
    out_rows, out_local = torch.unique(batch.targets, return_inverse=True)
    in_rows, out_rows = in_rows.cpu(), out_rows.cpu()
    local_in = input_weight[in_rows].to(dev)
    local_out = output_weight[out_rows].to(dev)
    loss = sgns_step_(local_in, local_out,
                      dataclasses.replace(batch, inputs=in_local, targets=out_local), compute_loss)
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


class _Tables:
    """Sampling tables on the device."""

    def __init__(self, counts, sample, ns_exponent, window, dev):
        self.subsample = sample > 0
        self.keep = torch.as_tensor(keep_probabilities(counts, sample),
                                    dtype=torch.float32).to(dev)
        keep, alias = alias_table(noise_distribution(counts, ns_exponent))
        self.noise_keep = torch.from_numpy(keep.astype(np.int64)).to(dev)  # scaled to 2**32
        self.noise_alias = torch.from_numpy(alias.astype(np.int64)).to(dev)
        self.n_words = len(counts)
        w = window
        self.offsets = torch.cat((torch.arange(-w, 0), torch.arange(1, w + 1))).to(dev)

    def noise(self, shape, gen) -> torch.Tensor:
        """Draws from the alias table: a uniform slot, kept or swapped for its alias."""
        dev = self.noise_keep.device
        slot = torch.randint(self.n_words, shape, generator=gen, device=dev)
        u = torch.randint(1 << 32, shape, generator=gen, device=dev)
        return torch.where(u < self.noise_keep[slot], slot, self.noise_alias[slot])


class _Chunk:
    """One chunk of sentences after subsampling: ids, sentence numbers and raw positions."""

    def __init__(self, ids, lengths, tables, config, gen):
        dev = ids.device
        sentence = torch.repeat_interleave(
            torch.arange(len(lengths), device=dev, dtype=torch.int32), lengths)
        if tables.subsample:
            draw = torch.rand(ids.shape[0], generator=gen, device=dev)
            position = torch.nonzero(draw < tables.keep[ids.long()]).squeeze(1)
            self.ids = ids[position].long()
            self.sentence = sentence[position]
        else:
            position = None
            self.ids = ids.long()
            self.sentence = sentence
        self.position = position  # raw token index of each survivor (None: identity)
        self.n = int(self.ids.shape[0])
        self.config = config

    def batch_starts(self, batch_size):
        """(start, raw position of that centre word) of each batch; one device sync."""
        starts = np.arange(0, self.n, batch_size)
        if self.position is None or len(starts) == 0:
            return zip(starts.tolist(), starts.tolist())
        raw = self.position[torch.from_numpy(starts).to(self.position.device)].cpu()
        return zip(starts.tolist(), raw.tolist())

    def batch(self, a, b, alpha, tables, gen) -> Batch:
        c = self.config
        dev = self.ids.device
        b = min(b, self.n)
        centre = torch.arange(a, b, device=dev)
        offs = tables.offsets
        pos = centre.unsqueeze(1) + offs.unsqueeze(0)  # (B, 2W)
        valid = (pos >= 0) & (pos < self.n)
        if c.shrink_windows:
            reach = c.window - torch.randint(c.window, (b - a,), generator=gen, device=dev)
            valid &= offs.abs().unsqueeze(0) <= reach.unsqueeze(1)
        pos.clamp_(0, self.n - 1)
        valid &= self.sentence[pos] == self.sentence[a:b].unsqueeze(1)
        words = self.ids[a:b]
        contexts = self.ids[pos]
        if c.sg:
            rows, cols = torch.nonzero(valid, as_tuple=True)
            words = words[rows]
            inputs = contexts[rows, cols].unsqueeze(1)
            input_mask = torch.ones_like(inputs, dtype=torch.bool)
            distances = offs[cols].unsqueeze(1)
            has_input = None
        else:
            inputs = contexts.masked_fill(~valid, 0)
            input_mask = valid
            distances = offs.unsqueeze(0).expand_as(inputs)
            has_input = valid.any(1, keepdim=True)
        noise = tables.noise((words.shape[0], c.negative), gen)
        targets = torch.cat((words.unsqueeze(1), noise), 1)
        target_mask = torch.cat(
            (torch.ones_like(words, dtype=torch.bool).unsqueeze(1), noise != words.unsqueeze(1)), 1)
        if has_input is not None:
            target_mask &= has_input
        return Batch(inputs, input_mask, distances, targets, target_mask, float(alpha),
                     bool(c.sg), bool(c.cbow_mean))


class _Progress:
    """Progress lines on stderr every ``every`` seconds when verbose."""

    def __init__(self, config, total, start, every):
        self.verbose = config.verbose
        self.config = config
        self.total = max(total, 1)
        self.start = self.last = start
        self.every = every

    def update(self, done):
        if not self.verbose:
            return
        now = time.perf_counter()
        if now - self.last >= self.every:
            self.last = now
            self._print(done, now - self.start)

    def finish(self, seconds):
        if self.verbose:
            self._print(self.total, seconds)

    def _print(self, done, elapsed):
        c = self.config
        rate = done / elapsed if elapsed > 0 else 0.0
        left = (self.total - done) / rate if rate > 0 else float("inf")
        alpha = c.alpha - (c.alpha - c.min_alpha) * done / self.total
        print(f"[W2V torch] {100.0 * done / self.total:5.1f}% alpha {alpha:.5f} "
              f"{rate:,.0f} words/s, about {left:.0f}s left", file=sys.stderr, flush=True)
