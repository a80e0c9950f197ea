"""Keeping the ranks' weights equal: all-reduced updates since the last synchronisation.

Every rank keeps the weights as they were after the last synchronisation
(the *reference*). At a synchronisation each rank's update is its weights
minus the reference; the updates of all ranks are summed with one
all-reduce, added to the reference, and the result becomes every rank's
weights. Starting from equal weights, all ranks then hold bit-identical
weights after every synchronisation.

``combine`` says how the summed updates are applied:

* ``"sum"``: as they are, as if one process had made them all (with the
  staleness of the rounds): each word's vector moves as much as in
  single-process training, and frequent words, moved by every rank in the
  same direction, overshoot;
* ``"mean"``: divided by the number of ranks (model averaging): every
  rank's step counts 1/K, so rare words, seen by one rank, learn K times
  slower;
* ``"touched-mean"``: each row divided by the number of ranks that changed
  it: a row only one rank saw keeps that rank's whole update, a row all
  ranks moved gets their mean. The flags all-reduce then sums (counts)
  instead of taking the maximum.

The default is chosen by measurement (see docs/user_guide/distributed.md).

``rows="touched"`` all-reduces only the rows that some rank changed: first
a byte per row (a max all-reduce of "changed" flags), then the changed
rows (or, when more than :data:`DENSE_SHARE` of all rows changed, the whole
matrices). A row no rank touched has a zero update everywhere, so the
result is exactly that of ``rows="all"``, which all-reduces the whole
matrices; only the bytes on the wire differ.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numba
import torch
import torch.distributed as dist

from ._group import collective

COMBINE = ("sum", "mean", "touched-mean")
ROWS = ("touched", "all")

#: Above this share of touched rows, whole matrices are all-reduced instead
#: (same result; indexing the rows would cost more than the bytes it saves).
DENSE_SHARE = 0.5

# Rows compared per step when finding the changed ones: bounds the boolean
# temporary to a few MB whatever the vocabulary.
_COMPARE_ROWS = 1 << 15


class WeightSync:
    """Synchronises weight matrices (torch tensors, updated in place) across the default group.

    Parameters
    ----------
    weights : sequence of torch.Tensor
        The matrices every rank trains, equal on all ranks now, all with
        the same number of columns and on one device (CPU for gloo, CUDA
        for nccl). CPU tensors made with ``torch.from_numpy`` keep sharing
        memory with their arrays.
    combine : {"sum", "mean"}
    rows : {"touched", "all"}
    frozen : sequence of (bool tensor or None), optional
        Per matrix, rows that never change (``freeze_init``), on the
        weights' device. They stay bit for bit: their update, ``x - x =
        +0.0``, would turn a ``-0.0`` into ``0.0`` when added back, so it is
        replaced by ``-0.0``, the exact no-op addend. (Unchanged rows are not
        touched, so ``rows="touched"`` leaves them alone anyway unless it
        falls back to whole matrices.)

    Attributes
    ----------
    bytes_reduced : int
        Payload this rank has handed to all-reduce so far (a ring
        all-reduce puts about twice this on each rank's link).
    seconds : float
        Wall time spent synchronising (waiting for slower ranks included).
    """

    def __init__(self, weights: Sequence[torch.Tensor], combine: str = "sum",
                 rows: str = "touched", frozen: Sequence[torch.Tensor | None] | None = None):
        if combine not in COMBINE:
            raise ValueError(f"combine must be one of {COMBINE}, got {combine!r}")
        if rows not in ROWS:
            raise ValueError(f"rows must be one of {ROWS}, got {rows!r}")
        widths = {w.shape[1] for w in weights}
        if len(widths) != 1:
            raise ValueError("all synchronised matrices need the same number of columns")
        self.weights = list(weights)
        self.frozen = list(frozen) if frozen is not None else [None] * len(self.weights)
        if len(self.frozen) != len(self.weights):
            raise ValueError("frozen needs one entry (a mask or None) per matrix")
        self.reference = [w.clone() for w in self.weights]
        self.combine = combine
        self.rows = rows
        self.bytes_reduced = 0
        self.seconds = 0.0
        self.n_syncs = 0
        self.touched_rows = 0  # rows some rank changed, summed over synchronisations

    def __call__(self) -> None:
        """Synchronise now (a collective: every rank must call it)."""
        start = time.perf_counter()
        with collective("synchronising the weights"):
            touching = None
            if self.rows == "touched" or self.combine == "touched-mean":
                touching = self._touching_ranks()
            n_rows = sum(len(w) for w in self.weights)
            n_touched = n_rows if touching is None else int((touching > 0).sum())
            self.touched_rows += n_touched
            if self.rows == "all" or n_touched > DENSE_SHARE * n_rows:
                self._sync_all(touching)  # indexing rows would cost more than it saves
            else:
                self._sync_rows(touching)
        self.seconds += time.perf_counter() - start
        self.n_syncs += 1

    def _touching_ranks(self) -> torch.Tensor:
        """For each row of the stacked matrices: how many ranks changed it (or, for sum/mean,
        whether any did).
        """
        counting = self.combine == "touched-mean"
        dtype = torch.int32 if counting and dist.get_world_size() > 255 else torch.uint8
        flags = torch.cat([self._changed_rows(w, ref, dtype)
                           for w, ref in zip(self.weights, self.reference)])
        dist.all_reduce(flags, op=dist.ReduceOp.SUM if counting else dist.ReduceOp.MAX)
        self.bytes_reduced += flags.numel() * flags.element_size()
        return flags

    def _combine(self, update: torch.Tensor, touching: torch.Tensor | None) -> torch.Tensor:
        """Turn the sum of the ranks' updates (rows matching ``touching``) into the update to
        apply.
        """
        if self.combine == "mean":
            update /= dist.get_world_size()
        elif self.combine == "touched-mean":
            update /= touching.clamp(min=1).to(update.dtype).unsqueeze(1)
        return update

    def _sync_all(self, touching: torch.Tensor | None) -> None:
        first = 0
        for w, ref, frozen in zip(self.weights, self.reference, self.frozen):
            w -= ref  # w holds this rank's update, then all ranks' (no temporary)
            dist.all_reduce(w)
            if frozen is not None:
                w.masked_fill_(frozen.unsqueeze(1), -0.0)
            ref += self._combine(w, None if touching is None else touching[first : first + len(w)])
            w.copy_(ref)
            self.bytes_reduced += w.numel() * w.element_size()
            first += len(w)

    def _sync_rows(self, touching: torch.Tensor) -> None:
        rows = touching.nonzero().squeeze(1)
        if len(rows) == 0:
            return
        # One all-reduce for all matrices: their touched rows, stacked.
        parts, first = [], 0
        for w in self.weights:
            parts.append(rows[(rows >= first) & (rows < first + len(w))] - first)
            first += len(w)
        update = torch.cat([w.index_select(0, r) - ref.index_select(0, r)
                            for w, ref, r in zip(self.weights, self.reference, parts)])
        dist.all_reduce(update)
        self.bytes_reduced += update.numel() * update.element_size()
        self._combine(update, touching[rows])
        at = 0
        for w, ref, r in zip(self.weights, self.reference, parts):
            ref.index_add_(0, r, update[at : at + len(r)])
            w.index_copy_(0, r, ref.index_select(0, r))
            at += len(r)

    @staticmethod
    def _changed_rows(w: torch.Tensor, ref: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
        flags = torch.empty(len(w), dtype=dtype, device=w.device)
        if w.device.type == "cpu":  # a compiled loop that stops at a row's first difference
            _mark_changed_rows(w.numpy(), ref.numpy(), flags.numpy())
            return flags
        for a in range(0, len(w), _COMPARE_ROWS):
            b = min(a + _COMPARE_ROWS, len(w))
            flags[a:b] = (w[a:b] != ref[a:b]).any(dim=1)
        return flags


@numba.njit(nogil=True, cache=True)
def _mark_changed_rows(w, ref, flags):
    """``flags[i] = 1`` where row ``i`` of ``w`` differs from ``ref``, else 0 (9x faster than
    torch's ``ne().any()``).
    """
    for i in range(w.shape[0]):
        flags[i] = 0
        for j in range(w.shape[1]):
            if w[i, j] != ref[i, j]:
                flags[i] = 1
                break
