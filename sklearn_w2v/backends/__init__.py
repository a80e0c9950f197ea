"""Training backends, looked up by name.

Backends are imported lazily, so an optional one (torch) costs nothing
until it is asked for. A backend is a class implementing
:class:`sklearn_w2v.training.Trainer`.
"""

from __future__ import annotations

import importlib

from ..training import Trainer

# name -> (module, class); listed even when the module's dependencies are absent.
_REGISTRY: dict[str, tuple[str, str]] = {
    "numba": ("sklearn_w2v.backends.numba_trainer", "NumbaTrainer"),
    "torch": ("sklearn_w2v.backends.torch_trainer", "TorchTrainer"),
}

# Raised (as ImportError) when the torch backend is asked for without torch.
TORCH_MISSING = (
    "The torch backend needs PyTorch, which is not installed. Install torch first "
    "(see https://pytorch.org/get-started/locally/ for the build that matches your "
    'CUDA version), then `pip install "sklearn-w2v[torch]"`.'
)


def backend_names() -> list[str]:
    """Names accepted by :func:`get_trainer` (and ``W2V(backend=...)``)."""
    return sorted(_REGISTRY)


def get_trainer(name: str, **options) -> Trainer:
    """Instantiate the backend called ``name`` with backend-specific ``options``."""
    try:
        module_name, class_name = _REGISTRY[name]
    except KeyError:
        raise ValueError(
            f"Unknown backend {name!r}; choose one of {backend_names()}."
        ) from None
    module = importlib.import_module(module_name)
    return getattr(module, class_name)(**options)
