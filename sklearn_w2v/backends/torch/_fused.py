"""A fused Triton kernel for negative-sampling skip-gram and CBOW (one launch per call).

The GPU design of BlazingText and FULL-W2V: each Triton program walks one
sentence at a time, word by word, and many programs are in flight
(lock-free "Hogwild" updates of the shared weight matrices, as the C tool
and gensim do with threads). Programs are persistent: each takes the next
untrained sentence from a shared counter until none is left, so the corpus
is trained in about its order whatever the number of programs.

The update rule is the numba backend's
(:func:`sklearn_w2v.backends.numba.train_sentences`):

1. frequent words are subsampled (a token is kept when a uniform 32-bit draw
   is ``<= keep_threshold[word]``) and the survivors close ranks in a
   per-program row of a workspace; sentences with fewer than 2 survivors
   train nothing;
2. each surviving centre word draws its window reach ``b = window - (draw
   mod window)`` (``shrink_windows``) and its noise words from Walker's alias
   table (a noise word equal to the centre word is dropped);
3. skip-gram: every context word's input vector predicts the centre word
   (label 1) and ``negative`` noise words (label 0): with ``sg_rule="block"``
   (the default) each context draws its own noise words, with ``"hogbatch"``
   one set per centre word serves all its contexts. Either way all the
   centre word's scores and steps come from the weights as they are on entry
   to it, and a pair scoring ``|f| >= MAX_EXP`` is skipped. CBOW: the sum (or
   mean) of the context input vectors predicts the targets, gensim's rule;
4. the learning rate falls linearly from ``alpha_start`` to ``alpha_end``
   over the tokens of the sentences of one call, per sentence.

The sigmoid is exact (``1 / (1 + exp(-f))``); the numba backend tabulates it.

Randomness is counter-based: every draw is a hash of (seed, index of the
token in the flat id array, draw slot), so a NumPy reference
(:func:`subsample_draws`, :func:`window_reach`, :func:`noise_words`)
reproduces it exactly and the draws do not depend on ``programs``; only the
order of concurrent updates does. With ``programs=1`` a run is
deterministic.

Every table is an argument (the trainer builds them once per vocabulary).
Without a GPU it runs under Triton's interpreter (``TRITON_INTERPRET=1`` set
before triton is imported) on CPU tensors, slowly: that is how it is tested.
Design notes, limits and what was measured: ``docs/fused_kernel.md``.
"""

from __future__ import annotations

import numpy as np
import torch
import triton
import triton.language as tl

from ...corpus import MAX_SENTENCE_LENGTH
from ...training import MAX_EXP
from ._device import resolve_device

__all__ = ["SG_RULES", "FusedSGNS", "default_programs"]

# Pairs scoring outside (-MAX_EXP, MAX_EXP) are skipped, as by every backend.
_MAX_EXP = tl.constexpr(MAX_EXP)

# ---------------------------------------------------------------------------
# Counter-based random numbers; the one definition of the hash constants.
#
# Draw ``slot`` of token ``t`` (its index in the flat id array) is the
# SplitMix64 output for counter ``c = t * SLOTS + slot``:
#
#     z = key + (c + 1) * GAMMA                      (mod 2**64)
#     z = (z ^ (z >> 30)) * MIX1;  z = (z ^ (z >> 27)) * MIX2;  z ^= z >> 31
#
# with ``key = seed_key(seed)``. Slots: 0 the subsampling draw of token t.
# For the centre word of survivor rank r in a sentence starting at token lo
# the counter token is t = lo + r: slot 1 is its window draw, slot
# 2 + c * MAX_NEGATIVE + k the noise draw k of its context lane c. A 32-bit
# "u" draw is the low half of z; the alias-table slot comes from the high
# half (multiply-shift, as the numba backend). Token indices must stay
# below 2**52 (t * SLOTS fits in 64 bits).
# ---------------------------------------------------------------------------
_MASK64 = (1 << 64) - 1
_GAMMA = tl.constexpr(0x9E3779B97F4A7C15)
_MIX1 = tl.constexpr(0xBF58476D1CE4E5B9)
_MIX2 = tl.constexpr(0x94D049BB133111EB)
_SALT = 0xD1B54A32D192ED03
_SLOTS = tl.constexpr(4096)
SLOTS = _SLOTS.value  # draw slots per token (counter = token * SLOTS + slot)
SLOT_SUBSAMPLE = 0
SLOT_REACH = 1
SLOT_NOISE = 2  # noise draw k of context lane c has slot SLOT_NOISE + c * MAX_NEGATIVE + k

# Limits of the kernel (tiles held in registers; see block_sizes).
MAX_VECTOR_SIZE = 1024
MAX_WINDOW = 32
MAX_NEGATIVE = 63
# Largest (context rows) x (vector block) tile the kernel takes: skip-gram holds
# three of them in registers (the context rows, their steps, one target per context).
MAX_BLOCK_ELEMENTS = 16384
#: Skip-gram update rules the kernel implements (the numba backend's names): "block", noise
#: words drawn per context; "hogbatch", one set per centre word shared by its contexts.
SG_RULES = ("block", "hogbatch")
#: Resident programs per multiprocessor that :func:`default_programs` asks for.
PROGRAMS_PER_SM = 16
_BLOCK_S = 64  # tokens subsampled at a time
# Draw slots of one centre word: slot 1 its window, then MAX_NEGATIVE noise draws per context
# lane (lane c's draw k is slot SLOT_NOISE + c * MAX_NEGATIVE + k; "hogbatch" uses lane 0).
_NOISE_STRIDE = tl.constexpr(MAX_NEGATIVE)
assert SLOT_NOISE + 2 * MAX_WINDOW * MAX_NEGATIVE <= SLOTS


def next_pow2(n: int) -> int:
    """Smallest power of two ``>= max(n, 1)``."""
    return 1 << max(int(n) - 1, 0).bit_length()


def _splitmix64(z):
    """SplitMix64 finaliser on uint64 arrays (wrapping arithmetic)."""
    z = np.asarray(z, dtype=np.uint64)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(_MIX1.value)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(_MIX2.value)
    return z ^ (z >> np.uint64(31))


def seed_key(seed: int) -> int:
    """The 64-bit key of a seed (any int, taken mod ``2**64``)."""
    with np.errstate(over="ignore"):
        z = np.array([(int(seed) + _SALT) & _MASK64], dtype=np.uint64)
        return int(_splitmix64(z)[0])


def draw64(key: int, index, slot) -> np.ndarray:
    """The kernel's 64-bit draws (uint64) for token ``index`` (array-like) and draw
    ``slot`` (array-like).
    """
    index = np.asarray(index, dtype=np.int64).astype(np.uint64)
    slot = np.asarray(slot, dtype=np.uint64)
    with np.errstate(over="ignore"):
        counter = index * np.uint64(SLOTS) + slot
        return _splitmix64(np.uint64(key) + (counter + np.uint64(1)) * np.uint64(_GAMMA.value))


def _low32(z):
    return (z & np.uint64(0xFFFFFFFF)).astype(np.int64)


def subsample_draws(key: int, index) -> np.ndarray:
    """32-bit subsampling draws of tokens ``index`` (int64): kept when
    ``draw <= keep_threshold[word]``.
    """
    return _low32(draw64(key, index, SLOT_SUBSAMPLE))


def window_reach(key: int, index, window: int) -> np.ndarray:
    """Reach ``window - draw % window`` (1..window) of centre words with counter
    tokens ``index``.
    """
    return window - _low32(draw64(key, index, SLOT_REACH)) % window


def noise_words(key: int, index: int, negative: int, noise_keep, noise_alias,
                lane: int = 0) -> np.ndarray:
    """The ``negative`` alias-table draws of one centre word for context lane ``lane`` (before
    dropping those equal to the centre word).

    ``index`` is the centre's counter token (sentence start + survivor rank).
    Lane ``c`` is the context's place in the window (``c < reach``: ``reach - c``
    to the left, else ``c - reach + 1`` to the right); the "block" rule draws
    for each lane, "hogbatch" and CBOW use lane 0 for every context. Draw k:
    slot ``(hi * len(table)) >> 32`` of the high 32 bits ``hi``, kept when the
    low 32 bits ``u < noise_keep[slot]``, else ``noise_alias[slot]``.
    """
    z = draw64(key, index, SLOT_NOISE + lane * MAX_NEGATIVE + np.arange(negative))
    noise_keep = np.asarray(noise_keep).astype(np.int64)
    noise_alias = np.asarray(noise_alias).astype(np.int64)
    slot = (((z >> np.uint64(32)) * np.uint64(len(noise_keep))) >> np.uint64(32)).astype(np.int64)
    return np.where(_low32(z) < noise_keep[slot], slot, noise_alias[slot])


def block_sizes(vector_size: int, window: int, negative: int) -> dict:
    """Compile-time tile sizes of the kernel: each real size rounded up to a power of two."""
    return {
        "BLOCK_D": next_pow2(vector_size),
        "BLOCK_C": max(2, next_pow2(2 * window)),
        "BLOCK_K": max(2, next_pow2(negative + 1)),
        "BLOCK_S": _BLOCK_S,
    }


def default_num_warps(blocks: dict) -> int:
    """Warps per program: one while the (targets x vector) tile is at most 1024 floats, then
    one more power of two per doubling.

    The largest value a thread holds is that tile (32 floats a thread on one
    warp); from ptxas's counts for sm_90 (``scripts/kernel_report.py``), one
    warp keeps ``vector_size=100, negative=5`` at or under 128 registers with
    no spill; ``vector_size=300`` takes 194 registers on one warp, 118 on the
    four it gets.
    """
    elements = blocks["BLOCK_K"] * blocks["BLOCK_D"]
    return int(min(max(next_pow2(elements) // 1024, 1), 16))


def default_programs(device) -> int:
    """Programs of one launch: ``PROGRAMS_PER_SM`` per multiprocessor on CUDA (4 on the CPU).

    Each program is persistent: it takes the next untrained sentence from a
    shared counter until none is left, so more programs than can be resident
    only wait for a slot.
    """
    device = torch.device(device)
    if device.type != "cuda":
        return 4
    return PROGRAMS_PER_SM * torch.cuda.get_device_properties(device).multi_processor_count


# ---------------------------------------------------------------------------
# The kernel. The hash is written out where it is used rather than called as a
# @triton.jit helper: under the interpreter each helper call costs about a
# millisecond.
# ---------------------------------------------------------------------------


@triton.jit(do_not_specialize=["first", "last", "n_noise", "max_len", "key"])
def _train_kernel(
    ids_ptr, offsets_ptr, w_in_ptr, w_out_ptr, keep_ptr, noise_keep_ptr, noise_alias_ptr,
    frozen_ptr, work_ptr, steps_ptr, stats_ptr, next_ptr,
    first, last, n_noise, max_len, key, alpha_start, alpha_end,
    DIM: tl.constexpr, WINDOW: tl.constexpr, NEGATIVE: tl.constexpr,
    SG: tl.constexpr, SHARED_NOISE: tl.constexpr, CBOW_MEAN: tl.constexpr,
    SHRINK: tl.constexpr, SUBSAMPLE: tl.constexpr, COMPUTE_LOSS: tl.constexpr,
    ORDERED: tl.constexpr,
    BLOCK_D: tl.constexpr, BLOCK_C: tl.constexpr, BLOCK_K: tl.constexpr, BLOCK_S: tl.constexpr,
):
    pid = tl.program_id(0)
    key_u = key.to(tl.int64).to(tl.uint64)
    n_noise_u = n_noise.to(tl.int64).to(tl.uint64)
    row = work_ptr + pid.to(tl.int64) * max_len  # this program's survivors
    steps = steps_ptr + pid.to(tl.int64) * (BLOCK_C * BLOCK_D)  # its contexts' input steps

    begin = tl.load(offsets_ptr + first)
    total = tl.maximum(tl.load(offsets_ptr + last) - begin, 1).to(tl.float64)

    offs_s = tl.arange(0, BLOCK_S)
    before = offs_s[None, :] < offs_s[:, None]  # [i, j]: j comes before i
    offs_c = tl.arange(0, BLOCK_C)
    offs_k = tl.arange(0, BLOCK_K)
    offs_d = tl.arange(0, BLOCK_D)
    dmask = offs_d < DIM
    is_centre = offs_k == 0
    is_noise = (offs_k >= 1) & (offs_k <= NEGATIVE)
    label = is_centre.to(tl.float32)
    # Target lane l of context lane c draws slot 1 + l + c * NEGATIVE_STRIDE: lane 0 (the centre)
    # takes the window draw's slot, which it does not use; lane 1 + k is noise draw k.
    lane_slot = (offs_k + 1).to(tl.uint64)

    trained = tl.zeros((), tl.int64)
    loss = tl.zeros((), tl.float64)
    # Persistent programs: each takes the next untrained sentence until none is left, so the
    # corpus is trained in about its order (the learning rate's) whatever the program count.
    s = first + tl.atomic_add(next_ptr, 1, sem="relaxed").to(tl.int64)
    while s < last:
        lo = tl.load(offsets_ptr + s)
        hi = tl.load(offsets_ptr + s + 1)
        progress = ((lo - begin).to(tl.float64) / total).to(tl.float32)
        alpha = alpha_start + (alpha_end - alpha_start) * progress

        # 1. Subsample into this program's workspace row; survivors close ranks
        #    (position = number of survivors before it).
        n = tl.zeros((), tl.int32)
        for t0 in range(lo, hi, BLOCK_S):
            index = t0 + offs_s
            inside = index < hi
            word = tl.load(ids_ptr + index, mask=inside, other=0)
            if SUBSAMPLE:
                z = key_u + (index.to(tl.uint64) * _SLOTS + 1) * _GAMMA  # counter + 1, slot 0
                z = (z ^ (z >> 30)) * _MIX1
                z = (z ^ (z >> 27)) * _MIX2
                z = z ^ (z >> 31)
                threshold = tl.load(keep_ptr + word, mask=inside, other=0)
                kept = inside & ((z & 0xFFFFFFFF).to(tl.int64) <= threshold)
            else:
                kept = inside
            position = n + tl.sum(tl.where(before, kept.to(tl.int32)[None, :], 0), axis=1)
            # never past the row (the driver refuses longer sentences)
            kept = kept & (position < max_len)
            tl.store(row + position, word.to(tl.int32), mask=kept)
            n += tl.sum(kept.to(tl.int32), axis=0)
        trained += n.to(tl.int64)
        tl.debug_barrier()  # the survivors written by every thread, before any reads them

        n_centres = tl.where(n >= 2, n, 0)
        for i in range(n_centres):
            centre = tl.load(row + i).to(tl.int64)
            counter = (lo + i).to(tl.uint64) * _SLOTS  # this centre's first draw
            if SHRINK:
                z = key_u + (counter + 2) * _GAMMA  # slot 1
                z = (z ^ (z >> 30)) * _MIX1
                z = (z ^ (z >> 27)) * _MIX2
                z = z ^ (z >> 31)
                reach = WINDOW - ((z & 0xFFFFFFFF).to(tl.int64) % WINDOW).to(tl.int32)
            else:
                reach = WINDOW
            # Contexts: survivors at positions p in c_lo .. c_hi - 1 but i; context lane
            # p - (i - reach) left of the centre, one less right of it.
            c_lo = tl.maximum(i - reach, 0)
            c_hi = tl.minimum(i + reach + 1, n)
            lane0 = i - reach

            if SG:
                # 2. Skip-gram: context c's input row predicts the centre word (target lane 0,
                #    label 1) and its noise words (lanes 1..NEGATIVE, label 0). Every score
                #    and step comes from the rows as they are on entry to the centre word: the
                #    scores and input steps first (the steps parked in this program's scratch
                #    rows), then the output rows move, then the input rows.
                coef = tl.zeros((BLOCK_C, BLOCK_K), tl.float32)  # [lane, target lane]
                rows = tl.full((BLOCK_C, BLOCK_K), -1, tl.int32)  # target rows, -1 none
                for p in range(c_lo, c_hi):
                    if p != i:
                        lane = tl.where(p > i, p - lane0 - 1, p - lane0)
                        ctx = tl.load(row + p).to(tl.int64)
                        x = tl.load(w_in_ptr + ctx * DIM + offs_d, mask=dmask, other=0.0)
                        if SHARED_NOISE:  # "hogbatch": lane 0's draws for every context
                            zc = key_u + (counter + lane_slot + 1) * _GAMMA
                        else:  # "block": draws of its own
                            zc = key_u + (counter + lane_slot + 1
                                         + lane.to(tl.uint64) * _NOISE_STRIDE) * _GAMMA
                        zc = (zc ^ (zc >> 30)) * _MIX1
                        zc = (zc ^ (zc >> 27)) * _MIX2
                        zc = zc ^ (zc >> 31)
                        tslot = (((zc >> 32) * n_noise_u) >> 32).to(tl.int64)
                        nkeep = tl.load(noise_keep_ptr + tslot, mask=is_noise, other=0)
                        nalias = tl.load(noise_alias_ptr + tslot, mask=is_noise,
                                         other=0).to(tl.int64)
                        noise = tl.where((zc & 0xFFFFFFFF).to(tl.int64) < nkeep, tslot, nalias)
                        tgt = tl.where(is_centre, centre, noise)
                        tvalid = is_centre | (is_noise & (noise != centre))
                        trows = tl.load(w_out_ptr + tgt[:, None] * DIM + offs_d[None, :],
                                        mask=tvalid[:, None] & dmask[None, :], other=0.0)
                        f = tl.sum(trows * x[None, :], axis=1)
                        g = alpha * (label - 1.0 / (1.0 + tl.exp(-f)))
                        g = tl.where(tvalid & (f < _MAX_EXP) & (f > -_MAX_EXP), g, 0.0)
                        if COMPUTE_LOSS:
                            xl = tl.where(is_centre, -f, f)
                            xl = tl.maximum(xl, 0.0) + tl.log(1.0 + tl.exp(-tl.abs(xl)))
                            loss += tl.sum(tl.where(tvalid, xl, 0.0), axis=0).to(tl.float64)
                        tl.store(steps + lane * BLOCK_D + offs_d,
                                 tl.sum(g[:, None] * trows, axis=0))
                        here = offs_c[:, None] == lane
                        coef = tl.where(here, g[None, :], coef)
                        rows = tl.where(here, tl.where(tvalid, tgt, -1).to(tl.int32)[None, :], rows)
                # The parked steps are read back below in another layout, maybe by other
                # threads: make them visible first.
                tl.debug_barrier()
                # Output steps. Rows every context shares (the centre's, and with "hogbatch"
                # the noise words') add up here and move once.
                if SHARED_NOISE:
                    shared = tl.zeros((BLOCK_K, BLOCK_D), tl.float32)
                else:
                    shared = tl.zeros((BLOCK_D,), tl.float32)
                for p in range(c_lo, c_hi):
                    if p != i:
                        lane = tl.where(p > i, p - lane0 - 1, p - lane0)
                        ctx = tl.load(row + p).to(tl.int64)
                        x = tl.load(w_in_ptr + ctx * DIM + offs_d, mask=dmask, other=0.0)
                        here = offs_c[:, None] == lane
                        g = tl.sum(tl.where(here, coef, 0.0), axis=0)
                        if SHARED_NOISE:
                            shared += g[:, None] * x[None, :]
                        else:
                            shared += tl.sum(tl.where(is_centre, g, 0.0), axis=0) * x
                            tgt = tl.sum(tl.where(here, rows, 0), axis=0)
                            tl.atomic_add(w_out_ptr + tgt.to(tl.int64)[:, None] * DIM
                                          + offs_d[None, :], g[:, None] * x[None, :],
                                          mask=(is_noise & (tgt >= 0))[:, None] & dmask[None, :],
                                          sem="relaxed")
                if SHARED_NOISE:
                    tgt = tl.max(rows, axis=0)  # every context's row holds the same targets
                    tl.atomic_add(w_out_ptr + tgt.to(tl.int64)[:, None] * DIM + offs_d[None, :],
                                  shared, mask=(tgt >= 0)[:, None] & dmask[None, :],
                                  sem="relaxed")
                else:
                    tl.atomic_add(w_out_ptr + centre * DIM + offs_d, shared, mask=dmask,
                                  sem="relaxed")
                # Input steps, from the scratch rows (each thread reads back what it wrote).
                for p in range(c_lo, c_hi):
                    if p != i:
                        lane = tl.where(p > i, p - lane0 - 1, p - lane0)
                        ctx = tl.load(row + p).to(tl.int64)
                        # Frozen rows are read but never written (a masked-off add, not a 0 step).
                        move = (tl.load(frozen_ptr + ctx) + 0 * offs_d) == 0  # per lane
                        tl.atomic_add(w_in_ptr + ctx * DIM + offs_d,
                                      tl.load(steps + lane * BLOCK_D + offs_d),
                                      mask=dmask & move, sem="relaxed")
            else:
                # 2. CBOW (gensim's rule): the sum or mean of the contexts predicts the
                #    centre word (lane 0) and the noise words (lanes 1..NEGATIVE).
                hidden = tl.zeros((BLOCK_D,), tl.float32)
                for p in range(c_lo, c_hi):
                    if p != i:
                        ctx = tl.load(row + p).to(tl.int64)
                        hidden += tl.load(w_in_ptr + ctx * DIM + offs_d, mask=dmask, other=0.0)
                scale = 1.0 / (c_hi - c_lo - 1).to(tl.float32)
                if CBOW_MEAN:
                    hidden = hidden * scale
                zc = key_u + (counter + lane_slot + 1) * _GAMMA
                zc = (zc ^ (zc >> 30)) * _MIX1
                zc = (zc ^ (zc >> 27)) * _MIX2
                zc = zc ^ (zc >> 31)
                tslot = (((zc >> 32) * n_noise_u) >> 32).to(tl.int64)
                nkeep = tl.load(noise_keep_ptr + tslot, mask=is_noise, other=0)
                nalias = tl.load(noise_alias_ptr + tslot, mask=is_noise, other=0).to(tl.int64)
                noise = tl.where((zc & 0xFFFFFFFF).to(tl.int64) < nkeep, tslot, nalias)
                tgt = tl.where(is_centre, centre, noise)
                tvalid = is_centre | (is_noise & (noise != centre))
                tmask = tvalid[:, None] & dmask[None, :]
                tptr = w_out_ptr + tgt[:, None] * DIM + offs_d[None, :]
                trows = tl.load(tptr, mask=tmask, other=0.0)
                f = tl.sum(trows * hidden[None, :], axis=1)
                g = alpha * (label - 1.0 / (1.0 + tl.exp(-f)))
                g = tl.where(tvalid & (f < _MAX_EXP) & (f > -_MAX_EXP), g, 0.0)
                if COMPUTE_LOSS:
                    xl = tl.where(is_centre, -f, f)
                    xl = tl.maximum(xl, 0.0) + tl.log(1.0 + tl.exp(-tl.abs(xl)))
                    loss += tl.sum(tl.where(tvalid, xl, 0.0), axis=0).to(tl.float64)
                grad = tl.sum(g[:, None] * trows, axis=0)
                if not CBOW_MEAN:
                    grad = grad * scale
                tl.atomic_add(tptr, g[:, None] * hidden[None, :], mask=tmask, sem="relaxed")
                for p in range(c_lo, c_hi):
                    if p != i:
                        ctx = tl.load(row + p).to(tl.int64)
                        move = (tl.load(frozen_ptr + ctx) + 0 * offs_d) == 0  # per lane
                        tl.atomic_add(w_in_ptr + ctx * DIM + offs_d, grad, mask=dmask & move,
                                      sem="relaxed")
            if ORDERED:
                # One program alone: the next centre reads this one's writes (exact order).
                # Many: a program's next centre may read its own last rows before its adds
                # land, as it may read any other program's (Hogwild).
                tl.debug_barrier()
        tl.debug_barrier()  # the next sentence overwrites the workspace row
        s = first + tl.atomic_add(next_ptr, 1, sem="relaxed").to(tl.int64)
    tl.store(stats_ptr + 2 * pid, loss)
    tl.store(stats_ptr + 2 * pid + 1, trained.to(tl.float64))


# ---------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------

#: True when the kernel runs under Triton's interpreter (TRITON_INTERPRET=1 at import).
INTERPRETED = type(_train_kernel).__name__ == "InterpretedFunction"

_SIGNATURE = {
    "ids_ptr": "*i32", "offsets_ptr": "*i64", "w_in_ptr": "*fp32", "w_out_ptr": "*fp32",
    "keep_ptr": "*i64", "noise_keep_ptr": "*i64", "noise_alias_ptr": "*i64", "frozen_ptr": "*u8",
    "work_ptr": "*i32", "steps_ptr": "*fp32", "stats_ptr": "*fp64", "next_ptr": "*i32",
    "first": "i64", "last": "i64", "n_noise": "i32", "max_len": "i32",
    "key": "i64", "alpha_start": "fp32", "alpha_end": "fp32",
}


def _constants(vector_size, window, negative, sg, sg_rule, cbow_mean, shrink_windows, subsample,
               compute_loss, ordered) -> dict:
    """The kernel's compile-time arguments for a configuration."""
    return dict(DIM=vector_size, WINDOW=window, NEGATIVE=negative, SG=bool(sg),
                SHARED_NOISE=sg_rule == "hogbatch", CBOW_MEAN=bool(cbow_mean),
                SHRINK=bool(shrink_windows), SUBSAMPLE=bool(subsample),
                COMPUTE_LOSS=bool(compute_loss), ORDERED=bool(ordered),
                **block_sizes(vector_size, window, negative))


def compile_offline(vector_size: int, window: int, negative: int, sg: bool = True,
                    sg_rule: str = "block", cbow_mean: bool = True, shrink_windows: bool = True,
                    subsample: bool = True, compute_loss: bool = True, ordered: bool = False,
                    num_warps: int | None = None, arch: int = 90):
    """Compile the kernel for an NVIDIA GPU of compute capability ``arch`` without one
    (Triton's ptxas).

    Nothing is launched. Returns Triton's compiled kernel (``.asm["ptx"]``,
    ``.asm["cubin"]``, ``.metadata``); ``scripts/kernel_report.py`` reads
    registers, spills and instruction counts from the cubin. Needs triton
    imported without the interpreter.
    """
    from triton.backends.compiler import GPUTarget

    if INTERPRETED:
        raise RuntimeError("compile_offline needs triton imported without TRITON_INTERPRET=1.")
    constants = _constants(vector_size, window, negative, sg, sg_rule, cbow_mean, shrink_windows,
                           subsample, compute_loss, ordered)
    signature = dict(_SIGNATURE, **{name: "constexpr" for name in constants})
    source = triton.compiler.ASTSource(fn=_train_kernel, signature=signature, constexprs=constants)
    warps = default_num_warps(constants) if num_warps is None else num_warps
    return triton.compile(source, target=GPUTarget("cuda", arch, 32), options={"num_warps": warps})


def _check_tensor(name, t, dtypes, ndim, device):
    if not isinstance(t, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(t).__name__}.")
    if t.dtype not in dtypes:
        allowed = " or ".join(str(d).replace("torch.", "") for d in dtypes)
        raise TypeError(
            f"{name} must have dtype {allowed}, got {str(t.dtype).replace('torch.', '')}.")
    if t.dim() != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {tuple(t.shape)}.")
    if t.device != device:
        raise ValueError(f"{name} is on {t.device}, but this trainer runs on {device}.")
    if not t.is_contiguous():
        raise ValueError(f"{name} must be contiguous (call .contiguous() once, before training).")


def _fused_device(device) -> torch.device:
    """The device the kernel runs on: a CUDA device, or the CPU under Triton's interpreter."""
    dev = resolve_device(device)
    if dev.type == "cpu" and not INTERPRETED:
        raise ValueError(
            "The fused kernel needs a CUDA device; on CPU it runs only under Triton's "
            "interpreter (set TRITON_INTERPRET=1 before triton is imported).")
    return dev


class FusedSGNS:
    """Fused Triton trainer for negative-sampling skip-gram (``sg=True``) or CBOW.

    Parameters
    ----------
    vector_size : int
        Columns of the weight matrices (1 .. MAX_VECTOR_SIZE).
    window : int
        Largest window reach (1 .. MAX_WINDOW).
    negative : int
        Noise words per centre word (1 .. MAX_NEGATIVE).
    sg : bool
        Skip-gram (a context's input vector predicts the centre word) when
        True, else CBOW.
    sg_rule : {"block", "hogbatch"}
        Skip-gram's noise words: drawn per context ("block") or once per
        centre word for all its contexts ("hogbatch").
    cbow_mean : bool
        CBOW hidden vector is the mean (True) or the sum of the contexts.
    shrink_windows : bool
        Draw each centre's reach uniformly in 1..window.
    programs : int or None
        Programs of one launch, each training one sentence at a time (the
        Hogwild knob); None: :func:`default_programs`. With 1 the run is
        deterministic and exactly ordered.
    max_sentence_length : int
        Longest sentence (tokens) a call may contain; sizes the workspace.
    device : str, torch.device or None
        None: the current CUDA device, else CPU (interpreter only).
    num_warps : int or None
        Warps per program (a power of two); None: :func:`default_num_warps`.

    Notes
    -----
    The workspace (``workspace_bytes``), allocated here once, is per program
    a row of ``max_sentence_length`` int32 survivors and a scratch of
    ``BLOCK_C x BLOCK_D`` float32 input steps (``2 * window`` and
    ``vector_size`` rounded up to powers of two); a ``programs x 2`` float64
    tensor holds each program's loss and survivor count.
    """

    def __init__(self, vector_size: int, window: int, negative: int, sg: bool = True,
                 sg_rule: str = "block", cbow_mean: bool = True, shrink_windows: bool = True,
                 programs: int | None = None,
                 max_sentence_length: int = MAX_SENTENCE_LENGTH, device=None,
                 num_warps: int | None = None):
        def whole(name, v, lo, hi):
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
                raise TypeError(f"{name} must be an int, got {type(v).__name__}.")
            if not lo <= v <= hi:
                raise ValueError(
                    f"{name}={v} is outside what the fused kernel takes ({lo} .. {hi}).")
            return int(v)

        if sg_rule not in SG_RULES:
            raise ValueError(f"sg_rule must be one of {SG_RULES}, got {sg_rule!r}.")
        self.sg_rule = sg_rule
        self.vector_size = whole("vector_size", vector_size, 1, MAX_VECTOR_SIZE)
        self.window = whole("window", window, 1, MAX_WINDOW)
        self.negative = whole("negative", negative, 1, MAX_NEGATIVE)
        self.device = _fused_device(device)
        if programs is None:
            programs = default_programs(self.device)
        self.programs = whole("programs", programs, 1, 1 << 20)
        self.max_sentence_length = whole("max_sentence_length", max_sentence_length, 1, 1 << 30)
        self.sg, self.cbow_mean, self.shrink_windows = (
            bool(sg), bool(cbow_mean), bool(shrink_windows))
        self.blocks = block_sizes(self.vector_size, self.window, self.negative)
        if num_warps is None:
            num_warps = default_num_warps(self.blocks)
        self.num_warps = whole("num_warps", num_warps, 1, 32)
        if self.num_warps & (self.num_warps - 1):
            raise ValueError(f"num_warps={num_warps} must be a power of two.")
        for rows, what in (("BLOCK_C", "context tile (2 * window rows)"),
                           ("BLOCK_K", "target tile (negative + 1 rows)")):
            elements = self.blocks[rows] * self.blocks["BLOCK_D"]
            if elements > MAX_BLOCK_ELEMENTS:
                raise ValueError(
                    f"vector_size={vector_size}, window={window}, negative={negative} need a "
                    f"{what} of {self.blocks[rows]} x {self.blocks['BLOCK_D']} = {elements} "
                    f"floats, over the kernel's {MAX_BLOCK_ELEMENTS}; use a smaller window, "
                    "negative or vector_size.")
        self.workspace = torch.empty((self.programs, self.max_sentence_length), dtype=torch.int32,
                                     device=self.device)
        self._stats = torch.zeros((self.programs, 2), dtype=torch.float64, device=self.device)
        self._next = torch.zeros(1, dtype=torch.int32, device=self.device)
        # (loss, survivors) summed over the launches since the last collect(), on the device, and
        # the CUDA events around those launches: read with one sync, by collect().
        self._totals = torch.zeros(2, dtype=torch.float64, device=self.device)
        self._events: list = []
        #: GPU time of the launches collected so far, from CUDA events around each (0.0 on the
        #: CPU).
        self.kernel_seconds = 0.0
        #: Registers a thread and bytes spilled of the last launch's compiled kernel (None
        #: before a launch and under the interpreter).
        self.registers: int | None = None
        self.spilled: int | None = None
        # Skip-gram's input steps of a centre word's contexts, parked until its reads are done.
        self._steps = torch.empty((self.programs, self.blocks["BLOCK_C"] * self.blocks["BLOCK_D"]),
                                  dtype=torch.float32, device=self.device)
        self._no_frozen: torch.Tensor | None = None

    @property
    def workspace_bytes(self) -> int:
        """Bytes of the workspace: ``4 * programs * (max_sentence_length + BLOCK_C * BLOCK_D)``."""
        return 4 * self.programs * (self.max_sentence_length
                                    + self.blocks["BLOCK_C"] * self.blocks["BLOCK_D"])

    def _check(self, ids, offsets, first, last, w_in, w_out, keep_threshold, noise_keep,
               noise_alias, subsample, validate):
        dev = self.device
        _check_tensor("ids", ids, (torch.int32, torch.int64), 1, dev)
        _check_tensor("offsets", offsets, (torch.int64,), 1, dev)
        _check_tensor("w_in", w_in, (torch.float32,), 2, dev)
        _check_tensor("w_out", w_out, (torch.float32,), 2, dev)
        _check_tensor("keep_threshold", keep_threshold, (torch.int64,), 1, dev)
        _check_tensor("noise_keep", noise_keep, (torch.int64,), 1, dev)
        _check_tensor("noise_alias", noise_alias, (torch.int32, torch.int64), 1, dev)
        for name, v in (("first", first), ("last", last)):
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
                raise TypeError(f"{name} must be an int, got {type(v).__name__}.")
        n_words, dim = w_in.shape
        if dim != self.vector_size:
            raise ValueError(f"w_in has {dim} columns, but vector_size={self.vector_size}.")
        if tuple(w_out.shape) != (n_words, dim):
            raise ValueError(f"w_out has shape {tuple(w_out.shape)}, w_in {tuple(w_in.shape)}: "
                             "they must match.")
        if w_in.data_ptr() == w_out.data_ptr():
            raise ValueError("w_in and w_out must be different tensors.")
        if n_words == 0 or n_words >= 2**31:
            raise ValueError(f"The weights have {n_words} rows; the kernel takes 1 .. 2**31 - 1.")
        if keep_threshold.shape[0] != n_words:
            raise ValueError(f"keep_threshold has {keep_threshold.shape[0]} entries, "
                             f"the weights {n_words} rows.")
        if noise_keep.shape[0] == 0 or noise_keep.shape != noise_alias.shape:
            raise ValueError(f"noise_keep {tuple(noise_keep.shape)} and noise_alias "
                             f"{tuple(noise_alias.shape)} must be non-empty and of one length.")
        if noise_keep.shape[0] > n_words:
            raise ValueError(f"The noise table has {noise_keep.shape[0]} slots, "
                             f"more than the {n_words} words.")
        n_sentences = offsets.shape[0] - 1
        if n_sentences < 1 or ids.shape[0] == 0:
            raise ValueError(
                "Empty corpus: no sentences (offsets needs at least 2 entries) or no ids.")
        first, last = int(first), int(last)
        if not 0 <= first < last <= n_sentences:
            raise ValueError(f"Empty or invalid sentence range first={first}, last={last} "
                             f"(the corpus has {n_sentences} sentences).")
        if not validate:
            return
        # One round trip for every data check.
        sent = offsets[first:last + 1]
        lengths = sent[1:] - sent[:-1]
        checks = [sent[0], sent[-1], lengths.min(), lengths.max(),
                  noise_alias.min().long(), noise_alias.max().long()]
        names = ["lo", "hi", "min_len", "max_len", "alias_min", "alias_max"]
        lo_hi = torch.stack(checks[:2]).tolist()
        if not 0 <= lo_hi[0] <= lo_hi[1] <= ids.shape[0]:
            raise ValueError(f"offsets[first]={lo_hi[0]}, offsets[last]={lo_hi[1]} do not lie in "
                             f"0 .. len(ids)={ids.shape[0]}.")
        if lo_hi[0] == lo_hi[1]:
            raise ValueError(f"Empty corpus: sentences {first} .. {last - 1} hold no tokens.")
        span = ids[lo_hi[0]:lo_hi[1]]
        checks += [span.min().long(), span.max().long()]
        names += ["id_min", "id_max"]
        if subsample:
            checks += [keep_threshold.min(), keep_threshold.max()]
            names += ["keep_min", "keep_max"]
        got = dict(zip(names, torch.stack(checks).tolist()))
        if got["min_len"] < 0:
            raise ValueError("offsets must be non-decreasing.")
        if got["max_len"] > self.max_sentence_length:
            raise ValueError(f"A sentence has {got['max_len']} tokens, over max_sentence_length="
                             f"{self.max_sentence_length} (split long sentences, or raise it).")
        if got["id_min"] < 0 or got["id_max"] >= n_words:
            raise ValueError(f"ids out of range: they span {got['id_min']} .. {got['id_max']}, "
                             f"the weights have {n_words} rows.")
        if got["alias_min"] < 0 or got["alias_max"] >= n_words:
            raise ValueError(f"noise_alias out of range: {got['alias_min']} .. {got['alias_max']} "
                             f"for {n_words} words.")
        if subsample and (got["keep_min"] < 0 or got["keep_max"] > 2**32 - 1):
            raise ValueError("keep_threshold must hold uint32 values (0 .. 2**32 - 1).")

    def _frozen(self, frozen, n_words: int) -> torch.Tensor:
        """The frozen flags as the kernel reads them: uint8, one per row (zeros for None)."""
        if frozen is None:
            if self._no_frozen is None or self._no_frozen.shape[0] != n_words:
                self._no_frozen = torch.zeros(n_words, dtype=torch.uint8, device=self.device)
            return self._no_frozen
        _check_tensor("frozen", frozen, (torch.uint8, torch.bool), 1, self.device)
        if frozen.shape[0] != n_words:
            raise ValueError(f"frozen has {frozen.shape[0]} entries, the weights {n_words} rows.")
        return frozen.to(torch.uint8)

    def train(self, ids, offsets, first, last, w_in, w_out, keep_threshold, noise_keep,
              noise_alias, *, subsample: bool = True, alpha_start: float = 0.025,
              alpha_end: float = 0.0001, seed: int = 1, compute_loss: bool = False,
              validate: bool = True, frozen=None, wait: bool = True) -> tuple[int, float] | None:
        """Train on sentences ``first .. last - 1`` in one launch; updates ``w_in`` and
        ``w_out`` in place.

        Parameters
        ----------
        ids : int32 (or int64) tensor, (n_tokens,)
            Word ids of the flat corpus.
        offsets : int64 tensor, (n_sentences + 1,)
            Sentence ``s`` is ``ids[offsets[s]:offsets[s + 1]]``.
        first, last : int
            Sentence range trained by this call.
        w_in, w_out : float32 tensors, (n_words, vector_size)
            Input and output vectors, updated in place.
        keep_threshold : int64 tensor, (n_words,)
            Subsampling thresholds (uint32 values, ``sampling.keep_thresholds``).
        noise_keep : int64 tensor, (n_noise,)
            Alias-table keep thresholds scaled to ``2**32`` (``sampling.alias_table``).
        noise_alias : int32 or int64 tensor, (n_noise,)
            Alias-table aliases.
        subsample : bool
            Apply frequent-word subsampling.
        alpha_start, alpha_end : float
            Learning rate at the first and (towards) the last token of the range.
        seed : int
            Seed of the hash draws. Draws are keyed by token index in ``ids``:
            pass a different seed per epoch / call, or they repeat.
        compute_loss : bool
            Also sum the exact negative-sampling loss of every pair scored.
        validate : bool
            Check the data (offsets, id and table ranges, sentence lengths) on
            the device first: one extra round trip and a pass over the ids.
            Shapes, dtypes and devices are always checked.
        frozen : uint8 or bool tensor, (n_words,), or None
            Nonzero for input rows that must not move: their updates are
            masked off (never written), so they stay bit for bit. Their output
            rows train as usual. None: every row trains.
        wait : bool
            True: wait for the launch and return its figures (one round trip).
            False: return None at once; the figures add up on the device until
            :meth:`collect` reads them, so a caller making many launches
            waits once (a trainer: once per epoch).

        Returns
        -------
        effective_words : int
            Tokens that survived subsampling.
        loss : float
            Summed loss (0.0 unless ``compute_loss``).
        """
        self._check(ids, offsets, first, last, w_in, w_out, keep_threshold, noise_keep,
                    noise_alias, subsample, validate)
        frozen = self._frozen(frozen, w_in.shape[0])
        first, last = int(first), int(last)
        grid = min(self.programs, last - first)
        key = seed_key(seed)
        key_i64 = key - (1 << 64) if key >= 1 << 63 else key
        self._next.zero_()
        timed = self.device.type == "cuda"
        if timed:
            events = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            events[0].record()
        compiled = _train_kernel[(grid,)](
            ids, offsets, w_in, w_out, keep_threshold, noise_keep, noise_alias,
            frozen, self.workspace, self._steps, self._stats, self._next,
            first, last, int(noise_keep.shape[0]), self.max_sentence_length, key_i64,
            float(alpha_start), float(alpha_end),
            **_constants(self.vector_size, self.window, self.negative, self.sg, self.sg_rule,
                         self.cbow_mean, self.shrink_windows, subsample, compute_loss,
                         ordered=grid == 1),
            num_warps=self.num_warps,
        )
        if timed:
            events[1].record()
            self._events.append(events)
        self.registers = getattr(compiled, "n_regs", None)
        self.spilled = getattr(compiled, "n_spills", None)
        self._totals += self._stats[:grid].sum(0)  # queued after the launch: no wait
        if not wait:
            return None
        words, loss, _ = self.collect()
        return words, loss if compute_loss else 0.0

    def reset(self) -> None:
        """Drop the figures of launches not collected (no wait): a kept kernel's fresh start."""
        self._totals.zero_()
        self._events.clear()

    def collect(self) -> tuple[int, float, float]:
        """Wait for the launches made since the last call; their summed figures.

        The one round trip to the device for any number of launches made with
        ``wait=False``.

        Returns
        -------
        effective_words : int
            Tokens that survived subsampling.
        loss : float
            Summed loss (0.0 where no launch computed it).
        kernel_seconds : float
            GPU time of those launches (0.0 on the CPU); added to
            :attr:`kernel_seconds` too.
        """
        loss, words = self._totals.tolist()  # the sync
        self._totals.zero_()
        seconds = sum(start.elapsed_time(end) for start, end in self._events) / 1000
        self._events.clear()
        self.kernel_seconds += seconds
        return round(words), float(loss), seconds
