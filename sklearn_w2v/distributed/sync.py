"""Keeping the ranks' weights equal: all-reduced updates since the last synchronisation.

Every rank keeps the weights as they were after the last synchronisation
(the *reference*). At a synchronisation each rank's update is its weights
minus the reference; the updates of all ranks are summed with one
all-reduce, added to the reference, and the result becomes every rank's
weights. Starting from equal weights, all ranks then hold bit-identical
weights after every synchronisation.

``combine="sum"`` adds the ranks' updates, as if one process had made them
all (with some staleness between synchronisations): each word's vector
moves as much as in single-process training. ``combine="mean"`` averages
them (model averaging): every rank's step counts 1/K, a smaller effective
learning rate. The default is chosen by measurement (see the README).

``rows="touched"`` all-reduces only the rows that some rank changed: first
a byte per row (a max all-reduce of "changed" flags), then the changed
rows. A row no rank touched has a zero update everywhere, so the result is
exactly that of ``rows="all"``, which all-reduces both whole matrices;
only the bytes on the wire differ.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import torch
import torch.distributed as dist

from .group import collective

COMBINE = ("sum", "mean")
ROWS = ("touched", "all")

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

    Attributes
    ----------
    bytes_reduced : int
        Payload this rank has handed to all-reduce so far (a ring
        all-reduce puts about twice this on each rank's link).
    seconds : float
        Wall time spent synchronising (waiting for slower ranks included).
    """

    def __init__(self, weights: Sequence[torch.Tensor], combine: str = "sum", rows: str = "touched"):
        if combine not in COMBINE:
            raise ValueError(f"combine must be one of {COMBINE}, got {combine!r}")
        if rows not in ROWS:
            raise ValueError(f"rows must be one of {ROWS}, got {rows!r}")
        widths = {w.shape[1] for w in weights}
        if len(widths) != 1:
            raise ValueError("all synchronised matrices need the same number of columns")
        self.weights = list(weights)
        self.reference = [w.clone() for w in self.weights]
        self.combine = combine
        self.rows = rows
        self.bytes_reduced = 0
        self.seconds = 0.0
        self.n_syncs = 0
        self.touched_rows = 0  # summed over synchronisations

    def __call__(self) -> None:
        """Synchronise now (a collective: every rank must call it)."""
        start = time.perf_counter()
        with collective("synchronising the weights"):
            if self.rows == "all":
                self._sync_all()
            else:
                self._sync_touched()
        self.seconds += time.perf_counter() - start
        self.n_syncs += 1

    def _scale(self, update: torch.Tensor) -> torch.Tensor:
        if self.combine == "mean":
            update /= dist.get_world_size()
        return update

    def _sync_all(self) -> None:
        for w, ref in zip(self.weights, self.reference):
            update = w - ref
            dist.all_reduce(update)
            ref += self._scale(update)
            w.copy_(ref)
            self.bytes_reduced += update.numel() * update.element_size()
            self.touched_rows += len(w)

    def _sync_touched(self) -> None:
        flags = torch.cat([self._changed_rows(w, ref) for w, ref in zip(self.weights, self.reference)])
        dist.all_reduce(flags, op=dist.ReduceOp.MAX)
        self.bytes_reduced += flags.numel()
        rows = flags.nonzero().squeeze(1)
        self.touched_rows += len(rows)
        if len(rows) == 0:
            return
        # One all-reduce for all matrices: rows of the stacked matrices.
        parts, start = [], 0
        for w, ref in zip(self.weights, self.reference):
            mine = rows[(rows >= start) & (rows < start + len(w))] - start
            parts.append(mine)
            start += len(w)
        update = torch.cat([w[r] - ref[r] for w, ref, r in zip(self.weights, self.reference, parts)])
        dist.all_reduce(update)
        self.bytes_reduced += update.numel() * update.element_size()
        self._scale(update)
        at = 0
        for w, ref, r in zip(self.weights, self.reference, parts):
            ref[r] += update[at : at + len(r)]
            w[r] = ref[r]
            at += len(r)

    @staticmethod
    def _changed_rows(w: torch.Tensor, ref: torch.Tensor) -> torch.Tensor:
        flags = torch.empty(len(w), dtype=torch.uint8, device=w.device)
        for a in range(0, len(w), _COMPARE_ROWS):
            b = min(a + _COMPARE_ROWS, len(w))
            flags[a:b] = (w[a:b] != ref[a:b]).any(dim=1)
        return flags
