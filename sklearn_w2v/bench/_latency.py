"""How long one cache line takes to move between two cores: the cost that Hogwild threads pay.

Threads that write the same weight rows pass those rows' cache lines back and
forth between their cores, and what each pass costs depends on how far apart
the cores are: a few tens of nanoseconds on one chip, several times that
between two sockets or chiplets, or between the vCPUs of a virtual machine
that the host has placed far apart. On the development VM it flipped between
about 45 and 220 ns from one minute to the next, and so did the speed of two
training threads (the benchmarks page). The benchmark records it beside its
figures, so that a scaling result can be read with it.
"""

from __future__ import annotations

import os
import threading
import time

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic


@intrinsic
def _load_acquire(typingctx, flag):
    """``flag[0]``, read atomically (so the loop that polls it really reads memory)."""
    sig = types.int64(flag)

    def codegen(context, builder, signature, args):
        ary = context.make_array(signature.args[0])(context, builder, args[0])
        return builder.load_atomic(ary.data, "acquire", 8)

    return sig, codegen


@intrinsic
def _add_release(typingctx, flag):
    """``flag[0] += 1``, atomically."""
    sig = types.void(flag)

    def codegen(context, builder, signature, args):
        ary = context.make_array(signature.args[0])(context, builder, args[0])
        builder.atomic_rmw("add", ary.data, ir.Constant(ir.IntType(64), 1), "release")
        return context.get_dummy_value()

    return sig, codegen


@njit(nogil=True, cache=True)
def _play(flag, parity, rounds, limit):
    """Wait for ``flag[0]`` to have this player's parity, then pass the turn; ``rounds`` times.

    Gives up (returns False) after ``limit`` polls without a turn, so that a
    player left alone (its partner never started) cannot spin forever.
    """
    for _ in range(rounds):
        polls = 0
        while _load_acquire(flag) % 2 != parity:
            polls += 1
            if polls > limit:
                return False
        _add_release(flag)
    return True


def _pinned(cpu: int | None, fn, *args):
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})  # Linux: pid 0 is the calling thread
    return fn(*args)


def core_to_core_ns(rounds: int = 200_000, cpus: tuple[int, int] | None = None) -> float | None:
    """Round-trip time of one cache line between two threads, in nanoseconds per pass.

    Two threads take turns incrementing one shared counter; each turn moves
    its cache line to the other core. With ``cpus`` (or, by default, the
    first two CPUs this process may use) each thread is pinned to one;
    None when fewer than two CPUs are available or the turns stall.

    Examples
    --------
    >>> ns = core_to_core_ns(rounds=2_000)
    >>> ns is None or ns > 0
    True
    """
    available = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if cpus is None and len(available) < 2:
        return None
    pair = cpus or (available[0], available[1])
    line = np.zeros(32, dtype=np.int64)[8:9]  # one counter, alone on its cache line
    _play(np.zeros(1, dtype=np.int64), 0, 1, 10)  # compile (or load) before timing
    results: list[bool] = [False, False]

    def player(k):
        results[k] = _pinned(pair[k], _play, line, k, rounds, 1 << 31)

    threads = [threading.Thread(target=player, args=(k,), daemon=True) for k in (0, 1)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    seconds = time.perf_counter() - start
    if any(t.is_alive() for t in threads) or not all(results):
        return None
    return seconds / (2 * rounds) * 1e9
