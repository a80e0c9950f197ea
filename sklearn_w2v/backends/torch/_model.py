"""The torch embedding model: the default module and its hand-written step.

Training examples reach a model as a :class:`~sklearn_w2v.backends.torch.Batch`. Every example has
*input words* (the one context word of a skip-gram pair, or the up to
``2 * window`` context words of a CBOW example) whose input vectors are
combined into a hidden vector, and *targets* (the word to predict, then the
noise words) whose output vectors score that hidden vector.

Two ways to take a step:

* :func:`sgns_step_` updates two weight tensors in place with hand-written
  gradients (``index_add_``), no autograd. This is the default, fast path.
* Any ``torch.nn.Module`` that follows the contract of :class:`SGNSModule`
  (``forward(batch) -> loss``, ``export_vectors()``), trained with
  autograd and plain SGD at the decaying learning rate. The
  default :class:`SGNSModule` taken this way gives the same step as
  :func:`sgns_step_`; subclass it (override :meth:`SGNSModule.hidden`, say)
  to try another model.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ...training import MAX_EXP
from ._batches import Batch


def input_scales(batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-example (forward, backward) scale of the summed input vectors, shape (N, 1).

    As in gensim, CBOW-mean divides the hidden vector by the number of
    inputs but gives every input the *whole* hidden gradient, while CBOW-sum
    does the reverse. Skip-gram: both 1.
    """
    if batch.sg:
        one = torch.ones((batch.inputs.shape[0], 1), device=batch.inputs.device)
        return one, one
    inv = 1.0 / batch.input_mask.sum(1, keepdim=True).clamp(min=1).to(torch.float32)
    one = torch.ones_like(inv)
    return (inv, one) if batch.cbow_mean else (one, inv)


def negative_sampling_loss(scores: torch.Tensor, batch: Batch) -> torch.Tensor:
    """Summed loss ``-log sigmoid(s0) - sum log sigmoid(-s_k)`` over the unmasked targets."""
    signed = torch.where(batch.labels > 0, scores, -scores)
    return -(F.logsigmoid(signed) * batch.target_mask).sum()


@torch.no_grad()
def sgns_step_(
    input_weight: torch.Tensor,
    output_weight: torch.Tensor,
    batch: Batch,
    compute_loss: bool = False,
    frozen: torch.Tensor | None = None,
) -> torch.Tensor | None:
    """One negative-sampling SGD step on ``batch``, updating both weights in place.

    All gradients are computed from the weights as they were before the
    step, then added with ``index_add_`` (repeated rows get the sum of their
    updates). Per target, with ``f = hidden . out`` and
    ``g = alpha * (label - sigmoid(f))`` (0 when ``|f| >= MAX_EXP`` or the
    target is masked): ``out += g * hidden`` and every input row gets the
    hidden gradient ``sum_k g_k * out_k`` times its backward scale.

    ``frozen`` (bool, one per input row, on the device) marks input rows
    that must not move: their steps are replaced by ``-0.0``, and ``x +
    (-0.0)`` is ``x`` bit for bit for every float ``x`` (``+0.0`` would turn
    ``-0.0`` into ``0.0``), with no device synchronisation to leave them out.

    Returns
    -------
    Tensor or None
        The batch's loss before the step (0-dim, on the device; no
        synchronisation) when ``compute_loss``.
    """
    dim = input_weight.shape[1]
    fwd, bwd = input_scales(batch)
    if batch.sg:
        hidden = input_weight[batch.inputs[:, 0]]
    else:
        rows = input_weight[batch.inputs] * batch.input_mask.unsqueeze(2)
        hidden = rows.sum(1) * fwd
    out = output_weight[batch.targets]  # (N, K, D)
    scores = torch.bmm(out, hidden.unsqueeze(2)).squeeze(2)  # (N, K)
    active = batch.target_mask & (scores.abs() < MAX_EXP)
    g = (batch.labels - torch.sigmoid(scores)) * active * batch.alpha
    grad_hidden = torch.bmm(g.unsqueeze(1), out).squeeze(1)  # (N, D)
    output_weight.index_add_(
        0, batch.targets.reshape(-1), (g.unsqueeze(2) * hidden.unsqueeze(1)).reshape(-1, dim)
    )
    if batch.sg:
        if frozen is not None:
            grad_hidden = _unless_frozen(grad_hidden, frozen[batch.inputs[:, 0]])
        input_weight.index_add_(0, batch.inputs[:, 0], grad_hidden)
    else:
        # Empty slots add zero rows to word 0: cheaper than compacting (no device sync).
        per_input = (grad_hidden * bwd).unsqueeze(1) * batch.input_mask.unsqueeze(2)
        if frozen is not None:
            per_input = _unless_frozen(per_input, frozen[batch.inputs])
        input_weight.index_add_(0, batch.inputs.reshape(-1), per_input.reshape(-1, dim))
    return negative_sampling_loss(scores, batch) if compute_loss else None


def _unless_frozen(steps: torch.Tensor, frozen: torch.Tensor) -> torch.Tensor:
    """``steps`` with the rows of frozen inputs replaced by ``-0.0``, the exact no-op addend."""
    return torch.where(frozen.unsqueeze(-1), torch.tensor(-0.0, device=steps.device), steps)


class SGNSModule(nn.Module):
    """The default word2vec model as an autograd module, and the contract for custom ones.

    Contract for ``W2V(torch_module=factory)``: the trainer calls ::

        module = factory(n_words, vector_size,
                         input_vectors=..., output_vectors=..., config=...)

    with ``input_vectors`` and ``output_vectors`` float32 tensors of shape
    ``(n_words, vector_size)`` on the training device holding the starting
    weights (the module may adopt them without copying, as this one does),
    and ``config`` the run's :class:`~sklearn_w2v.training.TrainConfig`.
    The result must be a ``torch.nn.Module`` with

    * ``forward(batch: Batch) -> Tensor``: the loss of the batch, a 0-dim
      tensor **summed** (not averaged) over examples, so that the learning
      rate means what it means in word2vec;
    * ``export_vectors() -> (Tensor, Tensor)``: the word (input) vectors and
      the context (output) vectors, each ``(n_words, vector_size)``, which
      become ``wv_`` and ``context_vectors_``.

    All its parameters that require gradients are trained by plain SGD
    (``p -= lr * p.grad``, :func:`~sklearn_w2v.backends.torch.sgd_step_`)
    whose learning rate decays linearly from ``alpha`` to ``min_alpha`` (sparse gradients,
    as from ``nn.Embedding(sparse=True)``, are supported and recommended for
    the embeddings). A class with this signature is the simplest factory.

    Parameters
    ----------
    n_words, vector_size : int
    input_vectors, output_vectors : Tensor, optional
        Starting weights, adopted without copying (zeros when omitted; the
        trainer always passes them).
    config : TrainConfig, optional
        Unused by this module; custom modules may read ``window`` etc.
    """

    def __init__(self, n_words, vector_size, *, input_vectors=None, output_vectors=None,
                 config=None):
        super().__init__()
        self.input_embedding = self._embedding(n_words, vector_size, input_vectors)
        self.output_embedding = self._embedding(n_words, vector_size, output_vectors)

    @staticmethod
    def _embedding(n_words, vector_size, weight):
        if weight is None:
            weight = torch.zeros((n_words, vector_size), dtype=torch.float32)
        return nn.Embedding.from_pretrained(weight, freeze=False, sparse=True)

    def hidden(self, batch: Batch) -> torch.Tensor:
        """Hidden vector of each example, shape (N, D); override to combine inputs differently.

        Sum of the input vectors, scaled so that the value *and* the
        gradient each input gets follow gensim (see :func:`sgns_step_`).
        """
        fwd, bwd = input_scales(batch)
        rows = self.input_embedding(batch.inputs) * batch.input_mask.unsqueeze(2)
        summed = rows.sum(1)
        # Value summed * fwd, gradient summed * bwd.
        return summed * bwd + (summed * (fwd - bwd)).detach()

    def scores(self, hidden: torch.Tensor, batch: Batch) -> torch.Tensor:
        """Score of each target, shape (N, K)."""
        out = self.output_embedding(batch.targets)
        return torch.bmm(out, hidden.unsqueeze(2)).squeeze(2)

    def forward(self, batch: Batch) -> torch.Tensor:
        scores = self.scores(self.hidden(batch), batch)
        # Saturated pairs get no gradient, as in the hand-written step.
        keep = (scores.detach().abs() < MAX_EXP).to(scores.dtype)
        signed = torch.where(batch.labels > 0, scores, -scores)
        return -(F.logsigmoid(signed) * batch.target_mask * keep).sum()

    def export_vectors(self) -> tuple[torch.Tensor, torch.Tensor]:
        return self.input_embedding.weight, self.output_embedding.weight
