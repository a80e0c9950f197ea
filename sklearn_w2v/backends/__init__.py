"""Training backends, looked up by name: the numba trainer on CPUs, the torch trainer on CPUs
and GPUs.

Each backend is a subpackage that describes itself with a
:class:`~sklearn_w2v.training.BackendSpec` (``numba.SPEC``, ``torch.SPEC``):
its name, the estimator options it takes, the devices it trains on and
where its :class:`~sklearn_w2v.training.Trainer` class lives. The registry
here reads those descriptions without importing the trainers, so an
optional backend (torch) costs nothing until it is asked for, and the
estimator names no backend.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

from .._optional import installed, load
from ..training import BackendSpec, Capabilities, TrainConfig, Trainer
from . import numba, torch  # the backend subpackages; importing the torch one needs no torch

__all__ = ["backend_available", "backend_names", "backend_spec", "get_trainer"]

_SPECS: dict[str, BackendSpec] = {spec.name: spec for spec in (numba.SPEC, torch.SPEC)}


def backend_names() -> list[str]:
    """Names accepted by :func:`get_trainer` (and ``W2V(backend=...)``), installed or not."""
    return sorted(_SPECS)


def backend_spec(name: str) -> BackendSpec:
    """The description of the backend called ``name``; ValueError for an unknown name."""
    try:
        return _SPECS[name]
    except KeyError:
        raise ValueError(f"Unknown backend {name!r}; choose one of {backend_names()}.") from None


def backend_available(name: str) -> bool:
    """Whether the backend's extra dependencies (e.g. torch) are installed."""
    return all(installed(module) for module in backend_spec(name).requires)


def backend_options(name: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The options of backend ``name`` taken from estimator parameters ``params``.

    An option that only other backends take must be left at its default:
    ``torch_module`` with the numba backend is an error, not ignored.

    Examples
    --------
    >>> backend_options("torch", {"device": "cpu", "torch_module": None, "window": 5})
    {'device': 'cpu', 'torch_module': None, 'kernel': 'auto', 'programs': None}
    >>> backend_options("numba", {"device": None, "torch_module": None})
    {'device': None}
    """
    spec = backend_spec(name)
    for other in _SPECS.values():
        for option, default in other.options.items():
            if option not in spec.options and params.get(option, default) != default:
                raise ValueError(f"{option} needs backend={other.name!r}, not {name!r}.")
    return {option: params.get(option, default) for option, default in spec.options.items()}


def check_capabilities(name: str, options: Mapping[str, Any], config: TrainConfig, *,
                       frozen: bool = False, epoch_hook: bool = False) -> Capabilities:
    """ValueError unless backend ``name`` with ``options`` can train the run ``config`` (with
    ``frozen`` rows, an ``epoch_hook``); its :class:`~sklearn_w2v.training.Capabilities`.

    Front ends call it once, before any data is read. The message names what
    is lacking, why these options lack it, and the backends that have it with
    their default options. A backend that does not report the loss asked for
    gets a warning, not an error (``epoch_loss_`` is then None).

    Examples
    --------
    >>> check_capabilities("numba", {}, TrainConfig(sg=True, sg_rule="hogbatch")).sg_rules
    ('block', 'hogbatch')
    """
    spec = backend_spec(name)
    capabilities = spec.capabilities({**spec.options, **options})
    lacking = capabilities.refusals(config, frozen=frozen, epoch_hook=epoch_hook)
    if lacking:
        others = [s.name for s in _SPECS.values() if s.name != name
                  and not s.capabilities(s.options).refusals(config, frozen=frozen,
                                                             epoch_hook=epoch_hook)]
        message = f"The {name} backend does not implement {' and '.join(lacking)}"
        if capabilities.reason:
            message += f" with these options: {capabilities.reason}"
        if others:
            message += (f"; backend {' or '.join(repr(o) for o in others)} has "
                        f"{'it' if len(lacking) == 1 else 'them'}")
        raise ValueError(message + ".")
    if config.compute_loss and not capabilities.loss:
        warnings.warn(f"Backend {name!r} does not report the training loss; epoch_loss_ will "
                      "be None.", UserWarning, stacklevel=3)
    return capabilities


def _check_device(spec: BackendSpec, device: Any) -> None:
    if device is None:
        return
    kind = str(device).split(":")[0]
    if kind in spec.device_types:
        return
    owners = [s.name for s in _SPECS.values() if kind in s.device_types]
    where = " or ".join(
        t.upper() if t == "cpu" else t.upper() + " devices" for t in spec.device_types
    )
    needs = f"needs backend={owners[0]!r}" if owners else "is not a device any backend trains on"
    raise ValueError(f"device={device!r} {needs}; the {spec.name} backend runs on the {where}.")


def get_trainer(name: str, **options: Any) -> Trainer:
    """Instantiate the backend called ``name`` with its ``options`` (see :func:`backend_options`).

    Raises
    ------
    ValueError
        For an unknown backend or a device it does not train on.
    ImportError
        When the backend's optional dependency is missing (the message says
        how to install it).
    """
    spec = backend_spec(name)
    _check_device(spec, options.get("device"))
    trainer_class = load(spec.trainer, f"The {name} backend")
    return trainer_class(**options)
