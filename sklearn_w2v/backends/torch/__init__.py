"""The torch backend: the numba backend's model trained with PyTorch, on a CPU or a GPU.

Split by concern: device placement (``_device``: whether the weights and the
corpus fit), batches (``_batches``: chunks subsampled and windowed on the
device into a :class:`Batch`), the model (``_model``: the hand-written step,
and :class:`SGNSModule`, the autograd module and the contract for custom
ones), the fused Triton kernel (``_fused``: what CUDA training runs by
default; design notes in ``docs/fused_kernel.md``), and the trainer
(``_trainer``: :class:`TorchTrainer`).

Importing this package needs no torch: :data:`SPEC` describes the backend
to the registry, and the names below import torch on first use (an
``ImportError`` says how to install it when it is missing).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..._optional import installed, lazy_attributes, load, torch_installed
from ...training import SG_RULE_NAMES, BackendSpec, Capabilities


def _may_use_gpu(options: Mapping[str, Any]) -> bool:
    device = options.get("device")
    if device is not None:
        return str(device).startswith("cuda")
    return torch_installed() and load("torch").cuda.is_available()


def _capabilities(options: Mapping[str, Any]) -> Capabilities:
    """Skip-gram's hogbatch rule only in the fused kernel; frozen rows only in the built-in
    model.
    """
    kernel, custom = options.get("kernel", "auto"), options.get("torch_module") is not None
    # The trainer's rule for "auto" (it also falls back to the batched path when the weights
    # do not fit in the GPU's memory, which only the corpus tells; that run fails then).
    fused = kernel == "fused" or (kernel == "auto" and not custom and installed("triton")
                                  and _may_use_gpu(options))
    reasons = []
    if not fused:
        reasons.append("sg_rule='hogbatch' needs the fused kernel (kernel='fused', or 'auto' "
                       "on CUDA with Triton); the batched path draws noise words per context")
    if custom:
        reasons.append("a custom torch_module trains all of its parameters, so no row stays "
                       "frozen")
    return Capabilities(sg_rules=SG_RULE_NAMES if fused else ("block",), frozen_rows=not custom,
                        reason="; ".join(reasons))


#: How the registry and the estimator see this backend.
SPEC = BackendSpec(
    name="torch",
    trainer="sklearn_w2v.backends.torch._trainer:TorchTrainer",
    options={"device": None, "torch_module": None, "kernel": "auto", "programs": None},
    device_types=("cpu", "cuda"),
    requires=("torch",),
    may_use_gpu=_may_use_gpu,
    capabilities=_capabilities,
)

_EXPORTS = {
    "Batch": "._batches",
    "Chunk": "._batches",
    "DeviceTables": "._batches",
    "DEFAULT_BATCH_SIZE": "._batches",
    "HOT_ROW_UPDATES": "._batches",
    "centres_per_step": "._batches",
    "chunk_ranges": "._batches",
    "resolve_device": "._device",
    "corpus_fits": "._device",
    "weights_fit": "._device",
    "SGNSModule": "._model",
    "input_scales": "._model",
    "negative_sampling_loss": "._model",
    "sgns_step_": "._model",
    "FusedSGNS": "._fused",
    "DEFAULT_CHUNK_TOKENS": "._trainer",
    "KERNELS": "._trainer",
    "TorchTrainer": "._trainer",
    "host_rows_step_": "._trainer",
    "sgd_step_": "._trainer",
}

__getattr__ = lazy_attributes(__name__, _EXPORTS, "The torch backend")
# The public API: the trainer, and what a custom ``torch_module`` builds on. The other names
# above are seams between the backend's modules and its tests.
__all__ = ["SPEC", "Batch", "SGNSModule", "TorchTrainer", "negative_sampling_loss"]
