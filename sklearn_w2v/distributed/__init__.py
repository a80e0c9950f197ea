"""Training across processes, GPUs and machines on torch.distributed.

Launch ``torchrun --nproc-per-node K [--nnodes N ...] -m sklearn_w2v.distributed
-train FILE... -output vectors.bin [word2vec flags]``, or call
:func:`fit_distributed` on every rank of a process group you have
initialised. Needs torch (``pip install "sklearn_w2v[torch]"``); without it,
using anything here raises an ImportError saying so.

Modules: :mod:`.group` (joining the group, clear errors on failed
collectives), :mod:`.vocabulary` (counts merged over the shards),
:mod:`.sync` (all-reducing the weight updates), :mod:`.fit` (the rounds of
training), :mod:`.cli` (the command line).
"""

import importlib

from ..backends import TORCH_MISSING

# Imported on first use, so that without torch the package (and ``-m``) can
# say what is missing instead of failing with a traceback on import.
_EXPORTS = {
    "DEFAULT_SYNC_WORDS": ".fit", "RoundReport": ".fit", "fit_distributed": ".fit",
    "DistributedError": ".group", "join_group": ".group", "leave_group": ".group",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        module = importlib.import_module(_EXPORTS[name], __name__)
    except ModuleNotFoundError as exc:
        if exc.name != "torch" and not (exc.name or "").startswith("torch."):
            raise
        raise ImportError(f"Distributed training needs PyTorch. {TORCH_MISSING}") from exc
    return getattr(module, name)
