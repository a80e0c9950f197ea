"""Front end: training across processes, GPUs and machines on torch.distributed.

Launch ``torchrun --nproc-per-node K [--nnodes N ...] -m sklearn_w2v.distributed
-train FILE... -output vectors.bin [word2vec flags]``, or call
:func:`fit_distributed` on every rank of a process group you have
initialised. Needs torch (``pip install "sklearn_w2v[torch]"``); without it,
using anything here raises an ImportError saying so.

Public: :func:`fit_distributed`, :func:`main` (the command line) and
:class:`DistributedError`. Modules: ``_group`` (joining the group, clear
errors on failed collectives), ``_vocabulary`` (counts merged over the
shards), ``_sync`` (all-reducing the weight updates), ``_fit`` (the fit's
stages on a shard, trained in rounds), ``_cli`` (the command line).
"""

from .._optional import lazy_attributes

# Imported on first use, so that without torch the package (and ``-m``) can
# say what is missing instead of failing with a traceback on import.
_EXPORTS = {
    "DEFAULT_SYNC_WORDS": "._fit",
    "DistributedFit": "._fit",
    "RoundReport": "._fit",
    "fit_distributed": "._fit",
    "DistributedError": "._group",
    "join_group": "._group",
    "leave_group": "._group",
    "COMBINE": "._sync",
    "DENSE_SHARE": "._sync",
    "ROWS": "._sync",
    "WeightSync": "._sync",
    "main": "._cli",
}

__getattr__ = lazy_attributes(__name__, _EXPORTS, "Distributed training")
# Public: the rest of _EXPORTS are seams for the package's own modules and tests.
__all__ = ["DistributedError", "fit_distributed", "main"]
