"""Numba kernels for negative-sampling skip-gram and CBOW.

Kernels take arrays and scalars only. They are compiled ``nogil`` so that
plain Python threads run them in parallel over disjoint parts of the corpus
while sharing the weight matrices (lock-free "Hogwild" updates, as in the C
tool and gensim), and ``cache=True`` so a new process loads the machine code
instead of compiling it again.

Randomness comes from a xorshift64* generator (xorshift64 state, output
scrambled by a multiplication so that low and high bits are both usable)
whose state each worker thread owns, so draws are reproducible for a given
seed and thread layout.
"""

from __future__ import annotations

import numpy as np
from numba import njit

# Fast-math without 'nnan'/'ninf': a diverging run must produce visible
# non-finite weights (the estimator checks for them), not undefined behaviour.
_FASTMATH = {"nsz", "arcp", "contract", "afn", "reassoc"}
_JIT = dict(nogil=True, cache=True, fastmath=_FASTMATH, error_model="numpy")

# A pair whose score lies outside (-MAX_EXP, MAX_EXP) is skipped, as gensim
# does: it is either learned already or (for a noise word that scores that
# high) more likely a real neighbour than noise. On en-mix (skip-gram, 5
# epochs, means of 3 seeds) skipping gave WordSim353 0.562 against 0.554 for
# the C tool's full-size step there, with the same analogy accuracy (0.240).
MAX_EXP = 6.0

_U13, _U7, _U17, _U32 = np.uint64(13), np.uint64(7), np.uint64(17), np.uint64(32)
_LOW32 = np.uint64(0xFFFFFFFF)
_SCRAMBLE = np.uint64(0x2545F4914F6CDD1D)


@njit(inline="always", **_JIT)
def _rand_next(state):
    """One xorshift64 step; ``state`` must be a non-zero uint64."""
    state ^= state << _U13
    state ^= state >> _U7
    state ^= state << _U17
    return state


@njit(inline="always", **_JIT)
def _rand_value(state):
    """The 64 random bits handed out for ``state`` (xorshift64*)."""
    return state * _SCRAMBLE


@njit(inline="always", **_JIT)
def _rand_below(bits, n):
    """Map the high 32 of 64 random ``bits`` to ``range(n)`` (multiply-shift, no modulo)."""
    return np.int64(((bits >> _U32) * np.uint64(n)) >> _U32)


@njit(inline="always", **_JIT)
def _draw_noise(state, noise_keep, noise_alias):
    """One draw from the alias table; returns (new_state, word)."""
    state = _rand_next(state)
    bits = _rand_value(state)
    i = _rand_below(bits, noise_alias.shape[0])
    if (bits & _LOW32) >= noise_keep[i]:
        i = noise_alias[i]
    return state, i


@njit(**_JIT)
def ns_update(hidden, output_vectors, targets, n_targets, alpha, grad):
    """One negative-sampling step for a hidden vector.

    ``targets[0]`` is the true word (label 1), ``targets[1:n_targets]`` the
    noise words (label 0). Each target's output vector moves by
    ``g * hidden`` with ``g = alpha * (label - sigmoid(hidden . out))``,
    unless ``|hidden . out| >= MAX_EXP``; the summed gradient for ``hidden``
    is left in ``grad`` (not applied).
    """
    dim = hidden.shape[0]
    for d in range(dim):
        grad[d] = 0.0
    for k in range(n_targets):
        out = output_vectors[targets[k]]
        f = np.float32(0.0)
        for d in range(dim):
            f += hidden[d] * out[d]
        if f >= MAX_EXP or f <= -MAX_EXP:
            continue
        label = np.float32(1.0) if k == 0 else np.float32(0.0)
        g = (label - np.float32(1.0) / (np.float32(1.0) + np.exp(-f))) * alpha
        for d in range(dim):
            grad[d] += g * out[d]
            out[d] += g * hidden[d]


@njit(**_JIT)
def sg_update(input_vectors, output_vectors, context, targets, n_targets, alpha, grad):
    """Skip-gram pair: the context word's input vector predicts ``targets``."""
    hidden = input_vectors[context]
    ns_update(hidden, output_vectors, targets, n_targets, alpha, grad)
    for d in range(hidden.shape[0]):
        hidden[d] += grad[d]


@njit(**_JIT)
def cbow_update(
    input_vectors, output_vectors, contexts, n_contexts, targets, n_targets,
    alpha, cbow_mean, hidden, grad,
):
    """CBOW: the sum (or mean) of the context input vectors predicts ``targets``.

    As in gensim, the mean variant applies the whole gradient to every
    context word and the sum variant divides it by the number of contexts.
    """
    if n_contexts == 0:
        return
    dim = hidden.shape[0]
    for d in range(dim):
        hidden[d] = 0.0
    for c in range(n_contexts):
        row = input_vectors[contexts[c]]
        for d in range(dim):
            hidden[d] += row[d]
    scale = np.float32(1.0) / np.float32(n_contexts)
    if cbow_mean:
        for d in range(dim):
            hidden[d] *= scale
    ns_update(hidden, output_vectors, targets, n_targets, alpha, grad)
    if not cbow_mean:
        for d in range(dim):
            grad[d] *= scale
    for c in range(n_contexts):
        row = input_vectors[contexts[c]]
        for d in range(dim):
            row[d] += grad[d]


@njit(inline="always", **_JIT)
def _fill_targets(state, word, negative, noise_keep, noise_alias, targets):
    """targets = [word, noise...]; a noise draw equal to ``word`` is skipped (as in gensim)."""
    targets[0] = word
    n = 1
    for _ in range(negative):
        state, t = _draw_noise(state, noise_keep, noise_alias)
        if t != word:
            targets[n] = t
            n += 1
    return state, n


@njit(**_JIT)
def train_sentences(
    ids, offsets, first, last,
    input_vectors, output_vectors,
    keep_threshold, noise_keep, noise_alias,
    sg, cbow_mean, window, negative, shrink_windows, subsample,
    alpha_start, alpha_end, rng_state, sentence_buffer,
):
    """Train on sentences ``first .. last - 1`` of the flat corpus.

    The learning rate falls linearly from ``alpha_start`` to ``alpha_end``
    over the tokens of these sentences (updated per sentence). The state in
    ``rng_state[0]`` is read and written back.

    Returns
    -------
    int
        Words that survived subsampling.
    """
    state = rng_state[0]
    dim = input_vectors.shape[1]
    hidden = np.empty(dim, dtype=np.float32)
    grad = np.empty(dim, dtype=np.float32)
    targets = np.empty(negative + 1, dtype=np.int64)
    contexts = np.empty(2 * window, dtype=np.int64)
    begin = offsets[first]
    total = max(offsets[last] - begin, 1)
    trained = 0
    for s in range(first, last):
        lo_tok, hi_tok = offsets[s], offsets[s + 1]
        progress = np.float32((lo_tok - begin) / total)
        alpha = np.float32(alpha_start + (alpha_end - alpha_start) * progress)

        # Subsample frequent words into the buffer; neighbours close ranks.
        n = 0
        for k in range(lo_tok, hi_tok):
            w = ids[k]
            if subsample:
                state = _rand_next(state)
                if (_rand_value(state) & _LOW32) > keep_threshold[w]:
                    continue
            sentence_buffer[n] = w
            n += 1
        trained += n

        for i in range(n):
            reach = window
            if shrink_windows:
                state = _rand_next(state)
                reach = window - _rand_below(_rand_value(state), window)
            j_lo = max(0, i - reach)
            j_hi = min(n, i + reach + 1)
            word = sentence_buffer[i]
            if sg:
                for j in range(j_lo, j_hi):
                    if j == i:
                        continue
                    state, nt = _fill_targets(
                        state, word, negative, noise_keep, noise_alias, targets
                    )
                    sg_update(input_vectors, output_vectors, sentence_buffer[j],
                              targets, nt, alpha, grad)
            else:
                nc = 0
                for j in range(j_lo, j_hi):
                    if j != i:
                        contexts[nc] = sentence_buffer[j]
                        nc += 1
                if nc == 0:
                    continue
                state, nt = _fill_targets(
                    state, word, negative, noise_keep, noise_alias, targets
                )
                cbow_update(input_vectors, output_vectors, contexts, nc, targets, nt,
                            alpha, cbow_mean, hidden, grad)
    rng_state[0] = state
    return trained
