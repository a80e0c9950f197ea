"""Batches: the corpus cut into chunks, subsampled on the device, and windowed into SGD steps.

For a chunk of sentences, on the device and without per-word Python:

1. frequent words are subsampled (gensim's keep rule, one uniform draw per
   token) and the survivors compacted, so neighbours close ranks
   (:class:`Chunk`);
2. the survivors are taken a step of centre words at a time; each draws
   its window reach (shrinking windows), and the context slots inside the
   reach and inside the sentence become the examples: one per (centre,
   context) pair for skip-gram, one per centre for CBOW (:meth:`Chunk.batch`);
3. ``negative`` noise words per example come from the alias table of
   :mod:`sklearn_w2v.training` (the numba backend's distribution,
   :class:`DeviceTables`).

The result is a :class:`Batch`, the format every model step takes.

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

from dataclasses import dataclass

import numpy as np
import torch

from ...training import SamplingTables, TrainConfig

# Centre words per SGD step at most (see "Batch size and quality" above).
DEFAULT_BATCH_SIZE = 1024
# Cap on the expected noise updates summed into the most frequent noise word's
# row in one step. Skip-gram on en-mix (largest noise probability 0.0197 on
# its first million tokens): about 300 (512 centres) matched gensim, about
# 600 (1024 centres) lost 1.6 analogy points, about 1200 (2048) degraded
# further on a subset. CBOW makes 6 times fewer examples a centre.
HOT_ROW_UPDATES = 300


@dataclass(frozen=True, eq=False)
class Batch:
    """A batch of training examples, all tensors on the training device.

    ``N`` examples, ``M`` input slots per example (1 for skip-gram,
    ``2 * window`` for CBOW), ``K = 1 + negative`` targets per example.

    Attributes
    ----------
    inputs : LongTensor, shape (N, M)
        Input word ids (0 in empty slots).
    input_mask : BoolTensor, shape (N, M)
        True where ``inputs`` holds a word.
    distances : LongTensor, shape (N, M)
        Position of each input word minus that of the predicted word
        (-window .. -1, 1 .. window). May be a broadcast view: do not write.
    targets : LongTensor, shape (N, K)
        Column 0 is the word to predict (label 1), the others noise words
        (label 0).
    target_mask : BoolTensor, shape (N, K)
        False for targets to ignore: a noise draw equal to the true word
        (skipped, as gensim does) and every target of an example without
        input words.
    alpha : float
        The learning rate of this step.
    sg : bool
        True for skip-gram examples (``M == 1``).
    cbow_mean : bool
        CBOW: average (True) or sum (False) the input vectors.
    """

    inputs: torch.Tensor
    input_mask: torch.Tensor
    distances: torch.Tensor
    targets: torch.Tensor
    target_mask: torch.Tensor
    alpha: float
    sg: bool
    cbow_mean: bool

    @property
    def labels(self) -> torch.Tensor:
        """Float (N, K): 1 in column 0, 0 elsewhere."""
        labels = torch.zeros(self.targets.shape, dtype=torch.float32, device=self.targets.device)
        labels[:, 0] = 1.0
        return labels


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


def chunk_ranges(offsets: np.ndarray, chunk_tokens: int) -> list[tuple[int, int]]:
    """Sentence ranges ``(s0, s1)`` of about ``chunk_tokens`` tokens (at least one sentence)
    each.
    """
    marks = np.arange(0, offsets[-1], chunk_tokens)
    cuts = np.unique(np.concatenate((np.searchsorted(offsets, marks), [len(offsets) - 1])))
    cuts = cuts[cuts > 0]
    return list(zip(np.concatenate(([0], cuts[:-1])).tolist(), cuts.tolist()))


class DeviceTables:
    """A vocabulary's sampling tables on the device, as the batched path draws from them.

    Subsampling keep probabilities (float32), the noise alias table (int64, thresholds scaled
    to ``2**32``) and the window offsets, from the one builder's
    :class:`~sklearn_w2v.training.SamplingTables` (:meth:`for_training` keeps them with those
    tables, so a later call with the same counts copies nothing).
    """

    def __init__(self, tables: SamplingTables, window: int, dev):
        self.subsample = tables.sample > 0
        self.keep = torch.as_tensor(tables.keep_probability, dtype=torch.float32).to(dev)
        self.noise_keep = torch.from_numpy(tables.noise_keep.astype(np.int64)).to(dev)
        self.noise_alias = torch.from_numpy(tables.noise_alias.astype(np.int64)).to(dev)
        self.n_words = len(tables.noise_keep)
        w = window
        self.offsets = torch.cat((torch.arange(-w, 0), torch.arange(1, w + 1))).to(dev)

    @classmethod
    def for_training(cls, tables: SamplingTables, window: int, dev) -> DeviceTables:
        """The device tables of ``tables``, made once per window and device."""
        return tables.derived(("torch-batched", window, str(dev)),
                              lambda t: cls(t, window, dev))

    def noise(self, shape, gen) -> torch.Tensor:
        """Draws from the alias table: a uniform slot, kept or swapped for its alias."""
        dev = self.noise_keep.device
        slot = torch.randint(self.n_words, shape, generator=gen, device=dev)
        u = torch.randint(1 << 32, shape, generator=gen, device=dev)
        return torch.where(u < self.noise_keep[slot], slot, self.noise_alias[slot])


class Chunk:
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


