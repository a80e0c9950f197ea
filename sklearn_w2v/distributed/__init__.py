"""Training across processes, GPUs and machines on torch.distributed.

Launch ``torchrun --nproc-per-node K [--nnodes N ...] -m sklearn_w2v.distributed
-train FILE... -output vectors.bin [word2vec flags]``, or call
:func:`fit_distributed` on every rank of a process group you have
initialised. Needs torch (``pip install "sklearn_w2v[torch]"``).

Modules: :mod:`.group` (joining the group, clear errors on failed
collectives), :mod:`.vocabulary` (counts merged over the shards),
:mod:`.sync` (all-reducing the weight updates), :mod:`.fit` (the rounds of
training), :mod:`.cli` (the command line).
"""

from ..backends import TORCH_MISSING

try:
    import torch.distributed  # noqa: F401
except ImportError as exc:
    raise ImportError(TORCH_MISSING) from exc

from .fit import DEFAULT_SYNC_WORDS, RoundReport, fit_distributed
from .group import DistributedError, join_group, leave_group

__all__ = ["DEFAULT_SYNC_WORDS", "DistributedError", "RoundReport", "fit_distributed",
           "join_group", "leave_group"]
