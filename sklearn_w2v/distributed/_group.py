"""The process group: joining it, and turning a failed collective into a clear error.

All networking is torch.distributed's. A collective with a peer that died
fails at once (its socket closes); one with a peer that hangs, or never
joined, fails after the group's timeout. Either way every surviving rank
raises :class:`DistributedError` naming the step, instead of hanging.
"""

from __future__ import annotations

import contextlib
import datetime
import os
from collections.abc import Iterator

import torch.distributed as dist

#: Seconds a rank waits for its peers in any one collective, and for all
#: ranks to join. Generous: the slowest step between two collectives is a
#: rank encoding its shard.
DEFAULT_TIMEOUT = 600.0

_LAUNCH_VARIABLES = ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")


class DistributedError(RuntimeError):
    """A peer failed, hung, never joined, or the ranks disagree."""


def rank_and_size() -> tuple[int, int]:
    """This process's rank and the world size of the default group."""
    if not (dist.is_available() and dist.is_initialized()):
        raise DistributedError(
            "no process group: call torch.distributed.init_process_group first, or use "
            "join_group() / the torchrun command line."
        )
    return dist.get_rank(), dist.get_world_size()


def join_group(backend: str = "gloo", timeout: float = DEFAULT_TIMEOUT) -> None:
    """Join the default process group from the environment ``torchrun`` sets.

    Raises
    ------
    DistributedError
        If the launch variables are missing, or not every rank joined
        within ``timeout`` seconds.
    """
    missing = [name for name in _LAUNCH_VARIABLES if not os.environ.get(name)]
    if missing:
        raise DistributedError(
            f"{', '.join(missing)} not set: start the ranks with torchrun "
            "(torchrun --nproc-per-node K -m sklearn_w2v.distributed ...) or set "
            "RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT yourself."
        )
    if not timeout > 0:
        raise ValueError(f"timeout must be positive, got {timeout}")
    world = os.environ["WORLD_SIZE"]
    try:
        dist.init_process_group(backend, timeout=datetime.timedelta(seconds=timeout))
    except (RuntimeError, OSError) as exc:  # DistStoreError, connection refused, ...
        raise DistributedError(
            f"rank {os.environ['RANK']}: the {world} ranks did not all join at "
            f"{os.environ['MASTER_ADDR']}:{os.environ['MASTER_PORT']} within {timeout:g}s "
            f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})"
        ) from exc


def leave_group() -> None:
    """Leave the default group if this process is in one."""
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


@contextlib.contextmanager
def collective(step: str) -> Iterator[None]:
    """Run collectives, turning a peer's death or a timeout into a :class:`DistributedError`."""
    try:
        yield
    except DistributedError:
        raise
    except RuntimeError as exc:  # gloo, nccl and store errors all derive from it
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DistributedError(
            f"rank {dist.get_rank()}: {step} failed: a peer died, hung past the timeout or "
            f"left the group ({first})"
        ) from exc


def agree(error: BaseException | None, step: str) -> None:
    """Make every rank stop if any rank failed a step that can fail on one rank only.

    Each rank passes the exception its step raised, or ``None``. A rank
    that failed raises its own exception again; the others raise a
    :class:`DistributedError` naming the failed ranks and their errors, at
    once instead of after the timeout. Used after reading the shards, where
    a missing file or bad input hits one rank.
    """
    rank, size = rank_and_size()
    messages: list = [None] * size
    mine = None if error is None else f"{type(error).__name__}: {error}"
    with collective(step):
        dist.all_gather_object(messages, mine)
    if error is not None:
        raise error
    failed = [f"rank {r}: {m}" for r, m in enumerate(messages) if m is not None]
    if failed:
        raise DistributedError(f"{step} failed on {len(failed)} of {size} ranks: "
                               + "; ".join(failed))
