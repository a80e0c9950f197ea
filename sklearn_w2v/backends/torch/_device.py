"""Device placement: which device trains, and whether the weights and the corpus fit on it."""

from __future__ import annotations

import torch


def resolve_device(device) -> torch.device:
    """``None``: CUDA when available, else CPU; "cpu", "cuda", "cuda:k" or a torch.device.

    Raises
    ------
    ValueError
        For a malformed name, an unsupported device type or a CUDA device
        that is not available.
    """
    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(f"Invalid device {device!r}: {exc}") from None
    if dev.type == "cpu":
        return torch.device("cpu")
    if dev.type != "cuda":
        raise ValueError(
            f"Unsupported device {device!r}; use None, 'cpu', 'cuda' or 'cuda:<index>'.")
    if not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was asked for, but CUDA is not available to this torch "
            f"(torch {torch.__version__}, CUDA build: {torch.version.cuda}); "
            "use device='cpu' or device=None."
        )
    index = 0 if dev.index is None else dev.index
    if index >= torch.cuda.device_count():
        raise ValueError(
            f"device={device!r} does not exist: {torch.cuda.device_count()} CUDA device(s) visible."
        )
    return torch.device("cuda", index)


#: Share of the free device memory the two weight matrices may take.
WEIGHTS_SHARE = 0.8
#: Share of the free device memory (after the weights) the id tensor may take.
CORPUS_SHARE = 0.25


def weights_fit(device: torch.device, weight_bytes: int) -> bool:
    """Whether both weight matrices (``weight_bytes`` together) should live on ``device``.

    Always on the CPU; on CUDA when they take under :data:`WEIGHTS_SHARE`
    of the free memory.
    """
    if device.type == "cpu":
        return True
    free, _ = torch.cuda.mem_get_info(device)
    return weight_bytes < WEIGHTS_SHARE * free


def corpus_fits(device: torch.device, id_bytes: int) -> bool:
    """Whether the whole id tensor should go to ``device`` (else chunks are copied as needed).

    Always on the CPU; on CUDA when it takes under :data:`CORPUS_SHARE` of
    the free memory left after the weights.
    """
    if device.type == "cpu":
        return True
    free, _ = torch.cuda.mem_get_info(device)
    return id_bytes < CORPUS_SHARE * free
