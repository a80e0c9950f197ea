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

Skip-gram's update rule is chosen by ``sg_rule`` (:data:`SG_RULES`). The
default, "block", has each context word of a center draw its own noise
words, as the C tool and gensim do, and takes every score and step of the
center's (context, target) pairs from the weights as they were on entry,
as the "HogBatch" scheme of Ji et al., *Parallelizing Word2Vec in Shared
and Distributed Memory* (2016) does; "hogbatch" is that scheme proper, one
set of noise words shared by all the center's contexts. Orientation is
gensim's: a context word's input vector predicts the center word. The
measurements that chose these two rules (and removed the pair-by-pair
ones) are on the benchmarks page of the docs.

The output rows of the most frequent words may come from a copy of the
calling thread's own (``hot_output``, folded back into the shared rows by
:func:`try_fold`), so that threads stop passing those rows' cache lines
between cores: every output row is reached through :func:`_row`, which
picks the copy or the shared row by the word's rank.

Speed notes (each measured; the figures are on the benchmarks page of the
docs): the rows of the next word's targets are prefetched while the
current word trains; the sigmoid is tabulated; vector loops serve three
rows per pass; and no array view or array-taking helper is used inside the
loops, because each costs atomic reference-count updates on shared arrays,
which the threads also contend for (the row views of :func:`_row` carry no
reference count).
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic
from numba.np.arrayobj import populate_array

from ...training import MAX_EXP  # pairs scoring beyond are skipped, by every backend

# Fast-math without 'nnan'/'ninf': a diverging run must produce visible
# non-finite weights (the estimator checks for them), not undefined behaviour.
_FASTMATH = {"nsz", "arcp", "contract", "afn", "reassoc"}
_JIT = dict(nogil=True, cache=True, fastmath=_FASTMATH, error_model="numpy")

# sigmoid(f) for f in (-MAX_EXP, MAX_EXP), tabulated at the centers of
# SIGMOID_SIZE equal bins, as gensim does (faster than exp).
SIGMOID_SIZE = 1024
_SIGMOID_SCALE = np.float32(SIGMOID_SIZE / (2.0 * MAX_EXP))
SIGMOID_TABLE = (
    1.0 / (1.0 + np.exp(-((np.arange(SIGMOID_SIZE) + 0.5) / _SIGMOID_SCALE - MAX_EXP)))
).astype(np.float32)

#: Skip-gram update rules, by name (``NumbaTrainer(sg_rule=...)``; the kernels take the code).
#: "block" (the default): each context of a center draws its own noise words,
#: and all the center's pairs score and step from the weights on entry.
#: "hogbatch": one set of noise words per center, shared by all its contexts,
#: in one block from the entry weights (Ji et al. 2016).
SG_BLOCK, SG_HOGBATCH = 0, 1
SG_RULES = {"block": SG_BLOCK, "hogbatch": SG_HOGBATCH}

_U13, _U7, _U17, _U32 = np.uint64(13), np.uint64(7), np.uint64(17), np.uint64(32)
_LOW32 = np.uint64(0xFFFFFFFF)
_SCRAMBLE = np.uint64(0x2545F4914F6CDD1D)


def _prefetch_bytes(builder, base, n_bytes, intp):
    """Emit one ``llvm.prefetch`` per cache line of ``n_bytes`` from the i8 pointer ``base``."""
    i8p, i32 = ir.IntType(8).as_pointer(), ir.IntType(32)
    fnty = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
    fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0")
    # read access, keep in all cache levels, data cache
    with cgutils.for_range_slice(builder, intp(0), n_bytes, intp(64), intp=intp) as (off, _):
        builder.call(fn, [builder.gep(base, [off]), i32(0), i32(3), i32(1)])
    # a row may straddle one more line
    last = builder.gep(base, [builder.sub(n_bytes, intp(1))])
    builder.call(fn, [last, i32(0), i32(3), i32(1)])


@intrinsic
def _row(typingctx, shared, hot, row):
    """Row ``row`` of a weight matrix as a 1-D array: the thread's own copy ``hot[row]`` for the
    hot words (``row < len(hot)``), else ``shared[row]``.

    The view carries no reference count (like ``numba.carray``), so taking it costs a compare
    and an address, not the atomic count updates an array view would make on the shared matrix.
    Both matrices must be C-contiguous with the same number of columns.
    """
    row_type = types.Array(shared.dtype, 1, "C")
    sig = row_type(shared, hot, row)

    def codegen(context, builder, signature, args):
        shared_type, hot_type, index_type = signature.args
        shared_ary = context.make_array(shared_type)(context, builder, args[0])
        hot_ary = context.make_array(hot_type)(context, builder, args[1])
        index = context.cast(builder, args[2], index_type, types.intp)
        n_hot = cgutils.unpack_tuple(builder, hot_ary.shape)[0]
        width = cgutils.unpack_tuple(builder, shared_ary.shape)[1]
        start = builder.mul(index, width)
        data = builder.select(
            builder.icmp_signed("<", index, n_hot),
            builder.gep(hot_ary.data, [start]),
            builder.gep(shared_ary.data, [start]),
        )
        out = context.make_array(signature.return_type)(context, builder)
        itemsize = context.get_constant(types.intp, context.get_abi_sizeof(
            context.get_data_type(shared_type.dtype)))
        populate_array(out, data=data, shape=[width], strides=[itemsize], itemsize=itemsize,
                       meminfo=None)
        return out._getvalue()

    return sig, codegen


@intrinsic
def _prefetch(typingctx, row):
    """Ask the CPU to start loading the 1-D C-contiguous array ``row`` (no effect on results).

    Emits one ``llvm.prefetch`` per cache line of the row. Rows picked at
    random (noise words, a new context word) are the main memory stall of
    the kernels; loading them while the previous word is being trained
    hides most of it.
    """
    sig = types.void(row)

    def codegen(context, builder, signature, args):
        ary = context.make_array(signature.args[0])(context, builder, args[0])
        n = cgutils.unpack_tuple(builder, ary.shape)[0]
        intp = context.get_value_type(types.intp)
        n_bytes = builder.mul(n, intp(signature.args[0].dtype.bitwidth // 8))
        _prefetch_bytes(builder, builder.bitcast(ary.data, ir.IntType(8).as_pointer()), n_bytes,
                        intp)
        return context.get_dummy_value()

    return sig, codegen


@intrinsic
def _prefetch_row(typingctx, matrix, row):
    """:func:`_prefetch` of row ``row`` of a C-contiguous 2-D array."""
    sig = types.void(matrix, row)

    def codegen(context, builder, signature, args):
        aryty = signature.args[0]
        ary = context.make_array(aryty)(context, builder, args[0])
        shape = cgutils.unpack_tuple(builder, ary.shape)
        intp = context.get_value_type(types.intp)
        index = context.cast(builder, args[1], signature.args[1], types.intp)
        ptr = builder.gep(ary.data, [builder.mul(index, shape[1])])
        n_bytes = builder.mul(shape[1], intp(aryty.dtype.bitwidth // 8))
        _prefetch_bytes(builder, builder.bitcast(ptr, ir.IntType(8).as_pointer()), n_bytes, intp)
        return context.get_dummy_value()

    return sig, codegen


@intrinsic
def _try_lock(typingctx, flag):
    """Take the lock ``flag[0]`` (0: free, 1: taken) if it is free; whether it was taken.

    An atomic compare-and-swap with acquire ordering: what the previous
    holder wrote before :func:`_unlock` is visible after it. It never waits,
    so a thread whose fold finds the lock taken trains on and folds later,
    and a holder that the system pauses (more threads than cores) holds up
    nobody.
    """
    sig = types.boolean(flag)

    def codegen(context, builder, signature, args):
        ary = context.make_array(signature.args[0])(context, builder, args[0])
        zero, one = ir.Constant(ir.IntType(64), 0), ir.Constant(ir.IntType(64), 1)
        result = builder.cmpxchg(ary.data, zero, one, "acquire", "monotonic")
        return builder.extract_value(result, 1)

    return sig, codegen


@intrinsic
def _unlock(typingctx, flag):
    """Free the lock ``flag[0]`` taken by :func:`_try_lock` (a store with release ordering)."""
    sig = types.void(flag)

    def codegen(context, builder, signature, args):
        ary = context.make_array(signature.args[0])(context, builder, args[0])
        builder.store_atomic(ir.Constant(ir.IntType(64), 0), ary.data, "release", 8)
        return context.get_dummy_value()

    return sig, codegen


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
def _sigmoid(f):
    """Tabulated sigmoid for ``|f| < MAX_EXP``."""
    i = int((f + np.float32(MAX_EXP)) * _SIGMOID_SCALE)
    return SIGMOID_TABLE[min(max(i, 0), SIGMOID_SIZE - 1)]


@njit(inline="always", **_JIT)
def _coefficient(f, label, alpha):
    """``alpha * (label - sigmoid(f))``, or 0 for a saturated score (|f| >= MAX_EXP)."""
    if f >= MAX_EXP or f <= -MAX_EXP:
        return np.float32(0.0)
    return (label - _sigmoid(f)) * alpha


@njit(inline="always", **_JIT)
def _pair_loss(f, label):
    """Exact negative-sampling loss of one score: ``-log sigmoid(f)`` (label 1) or
    ``-log sigmoid(-f)``.

    Saturated pairs count too: the loss reports the model, not the update.
    """
    x = np.float64(-f) if label > 0 else np.float64(f)  # loss = softplus(x)
    return max(x, 0.0) + np.log1p(np.exp(-abs(x)))


# The update functions below index the weight matrices as ``m[row, d]``
# rather than taking row views: a view costs two atomic reference-count
# updates on the matrix, which the threads would fight over.
#
# Their vector loops serve three rows per pass (a group is filled up by
# repeating its last row with a zero coefficient), so each pass over a
# vector is shared, and the scores of a word are all computed before any
# row changes, so the row loads overlap.


@njit(**_JIT)
def sg_block_update(
    input_vectors, output_vectors, hot_output, contexts, n_contexts, targets, first, slot,
    target_counts, counts_first, shared, alpha, scores, deltas, compute_loss, frozen,
):
    """Skip-gram for one center word, in the HogBatch style; returns the loss.

    Context ``c``'s input vector predicts the ``target_counts[counts_first + s]``
    targets starting at ``targets[first + s * slot]`` (the center word, then
    noise words), with ``s = c``, or ``s = 0`` for every context when
    ``shared`` (one set of noise words per center: the "hogbatch" rule).
    Every score and step comes from the weights as they were on entry: the
    (contexts x targets) scores first, then the input-side steps into
    ``deltas``, then the output rows move, then the input rows not
    ``frozen`` (a frozen row is skipped, not stepped by 0, which would turn
    ``-0.0`` into ``0.0``: it stays bit for bit).
    """
    dim = input_vectors.shape[1]
    loss = 0.0
    for c in range(n_contexts):
        r = contexts[c]
        s = 0 if shared else c
        base = first + s * slot
        nt = target_counts[counts_first + s]
        last_t = base + nt - 1
        for k in range(0, nt, 3):
            t0 = targets[base + k]
            t1 = targets[min(base + k + 1, last_t)]
            t2 = targets[min(base + k + 2, last_t)]
            o0 = _row(output_vectors, hot_output, t0)
            o1 = _row(output_vectors, hot_output, t1)
            o2 = _row(output_vectors, hot_output, t2)
            f0 = np.float32(0.0)
            f1 = np.float32(0.0)
            f2 = np.float32(0.0)
            for d in range(dim):
                x = input_vectors[r, d]
                f0 += x * o0[d]
                f1 += x * o1[d]
                f2 += x * o2[d]
            for q in range(min(3, nt - k)):
                f = f0 if q == 0 else (f1 if q == 1 else f2)
                label = np.float32(1.0) if k + q == 0 else np.float32(0.0)
                if compute_loss:
                    loss += _pair_loss(f, label)
                scores[c, k + q] = _coefficient(f, label, alpha)
        for k in range(nt, nt + 2):
            scores[c, k] = np.float32(0.0)
        for k in range(0, nt, 3):
            g0, g1, g2 = scores[c, k], scores[c, k + 1], scores[c, k + 2]
            t0 = targets[base + k]
            t1 = targets[min(base + k + 1, last_t)]
            t2 = targets[min(base + k + 2, last_t)]
            o0 = _row(output_vectors, hot_output, t0)
            o1 = _row(output_vectors, hot_output, t1)
            o2 = _row(output_vectors, hot_output, t2)
            if k == 0:
                for d in range(dim):
                    deltas[c, d] = g0 * o0[d] + g1 * o1[d] + g2 * o2[d]
            else:
                for d in range(dim):
                    deltas[c, d] += g0 * o0[d] + g1 * o1[d] + g2 * o2[d]
    for c in range(n_contexts):
        r = contexts[c]
        s = 0 if shared else c
        base = first + s * slot
        nt = target_counts[counts_first + s]
        last_t = base + nt - 1
        for k in range(0, nt, 3):  # padded targets have a zero coefficient
            g0, g1, g2 = scores[c, k], scores[c, k + 1], scores[c, k + 2]
            t0 = targets[base + k]
            t1 = targets[min(base + k + 1, last_t)]
            t2 = targets[min(base + k + 2, last_t)]
            o0 = _row(output_vectors, hot_output, t0)
            o1 = _row(output_vectors, hot_output, t1)
            o2 = _row(output_vectors, hot_output, t2)
            for d in range(dim):
                x = input_vectors[r, d]
                o0[d] += g0 * x
                o1[d] += g1 * x
                o2[d] += g2 * x
    for c in range(n_contexts):
        r = contexts[c]
        if frozen[r]:
            continue
        for d in range(dim):
            input_vectors[r, d] += deltas[c, d]
    return loss


@njit(**_JIT)
def cbow_update(
    input_vectors, output_vectors, hot_output, contexts, n_contexts, targets, first, n_targets,
    alpha, cbow_mean, hidden, grad, scores, compute_loss, frozen,
):
    """CBOW for one center word; returns the loss (0.0 unless ``compute_loss``).

    The sum (or, with ``cbow_mean``, the mean) of the ``n_contexts >= 1``
    context input vectors is the hidden vector ``h``; it predicts the
    targets ``targets[first:first + n_targets]`` (the center word, label 1,
    then noise words, label 0). With ``s`` a target's score against the
    output vectors as they were on entry and ``g = alpha * (label -
    sigmoid(s))`` (0 when ``|s| >= MAX_EXP``), each target's output vector
    moves by ``g * h`` and every context's input vector by ``sum(g *
    output)``, divided by ``n_contexts`` for the sum variant (as in gensim).
    ``scores[0]`` is work space.
    """
    dim = hidden.shape[0]
    last_c = n_contexts - 1
    last_t = first + n_targets - 1
    scale = np.float32(1.0) / np.float32(n_contexts)
    for c in range(0, n_contexts, 3):
        w1 = np.float32(1.0) if c + 1 <= last_c else np.float32(0.0)
        w2 = np.float32(1.0) if c + 2 <= last_c else np.float32(0.0)
        r0, r1, r2 = contexts[c], contexts[min(c + 1, last_c)], contexts[min(c + 2, last_c)]
        if c == 0:
            for d in range(dim):
                hidden[d] = (input_vectors[r0, d] + w1 * input_vectors[r1, d]
                             + w2 * input_vectors[r2, d])
        else:
            for d in range(dim):
                hidden[d] += (input_vectors[r0, d] + w1 * input_vectors[r1, d]
                              + w2 * input_vectors[r2, d])
    if cbow_mean:
        for d in range(dim):
            hidden[d] *= scale

    loss = 0.0
    for k in range(0, n_targets, 3):
        t0 = targets[first + k]
        t1 = targets[min(first + k + 1, last_t)]
        t2 = targets[min(first + k + 2, last_t)]
        o0 = _row(output_vectors, hot_output, t0)
        o1 = _row(output_vectors, hot_output, t1)
        o2 = _row(output_vectors, hot_output, t2)
        f0 = np.float32(0.0)
        f1 = np.float32(0.0)
        f2 = np.float32(0.0)
        for d in range(dim):
            h = hidden[d]
            f0 += h * o0[d]
            f1 += h * o1[d]
            f2 += h * o2[d]
        for q in range(min(3, n_targets - k)):
            f = f0 if q == 0 else (f1 if q == 1 else f2)
            label = np.float32(1.0) if k + q == 0 else np.float32(0.0)
            if compute_loss:
                loss += _pair_loss(f, label)
            scores[0, k + q] = _coefficient(f, label, alpha)
    for k in range(n_targets, n_targets + 2):
        scores[0, k] = np.float32(0.0)

    for k in range(0, n_targets, 3):
        g0, g1, g2 = scores[0, k], scores[0, k + 1], scores[0, k + 2]
        t0 = targets[first + k]
        t1 = targets[min(first + k + 1, last_t)]
        t2 = targets[min(first + k + 2, last_t)]
        o0 = _row(output_vectors, hot_output, t0)
        o1 = _row(output_vectors, hot_output, t1)
        o2 = _row(output_vectors, hot_output, t2)
        if k == 0:
            for d in range(dim):
                grad[d] = g0 * o0[d] + g1 * o1[d] + g2 * o2[d]
        else:
            for d in range(dim):
                grad[d] += g0 * o0[d] + g1 * o1[d] + g2 * o2[d]
    for k in range(n_targets):
        g = scores[0, k]
        if g != 0.0:
            o = _row(output_vectors, hot_output, targets[first + k])
            for d in range(dim):
                o[d] += g * hidden[d]
    u = np.float32(1.0) if cbow_mean else scale
    for c in range(n_contexts):
        r = contexts[c]
        if frozen[r]:  # see sg_block_update
            continue
        for d in range(dim):
            input_vectors[r, d] += u * grad[d]
    return loss


@njit(inline="always", **_JIT)
def _draw_reach(state, window, shrink_windows):
    """Effective window of one word: uniform in 1..window with ``shrink_windows``."""
    if not shrink_windows:
        return state, window
    state = _rand_next(state)
    return state, window - _rand_below(_rand_value(state), window)


@njit(**_JIT)
def fold_hot_rows(shared, hot, snapshot):
    """Add a thread's steps on its hot rows to the shared rows, then take the sum as its copy.

    ``hot`` is the thread's copy of ``shared[:len(hot)]`` and ``snapshot`` that copy as it was
    when last taken, so ``hot - snapshot`` is what the thread's training did since: it is
    added to the shared rows (which hold the other threads' folds), and the result becomes
    both the new copy and the new snapshot. An entry the thread did not move is only copied,
    so a frozen row stays bit for bit (adding 0.0 would turn -0.0 into 0.0). The caller
    holds the fold lock (:func:`try_fold`), so that two folds never add to one row at once
    and no step is lost.
    """
    dim = shared.shape[1]
    for t in range(hot.shape[0]):
        for d in range(dim):
            step = hot[t, d] - snapshot[t, d]
            value = shared[t, d]
            if step != 0.0:
                value += step
                shared[t, d] = value
            hot[t, d] = value
            snapshot[t, d] = value


@njit(**_JIT)
def try_fold(output_vectors, hot_output, taken_output, fold_lock):
    """Fold a thread's steps on its hot output rows (:func:`fold_hot_rows`) if the lock
    ``fold_lock`` (a one-element int64 array shared by the threads) is free; whether it
    folded.
    """
    if not _try_lock(fold_lock):
        return False
    fold_hot_rows(output_vectors, hot_output, taken_output)
    _unlock(fold_lock)
    return True


@njit(**_JIT)
def train_sentences(
    ids, offsets, first, last,
    input_vectors, output_vectors, frozen,
    keep_threshold, noise_keep, noise_alias,
    sg, sg_rule, cbow_mean, window, negative, shrink_windows, subsample,
    alpha_start, alpha_end, rng_state, compute_loss,
    hot_output, taken_output, fold_lock, fold_tokens,
    sentence_buffer, contexts, targets, target_counts, hidden, grad, scores, deltas,
):
    """Train on sentences ``first`` to ``last - 1`` of the flat corpus.

    ``sg_rule`` picks the skip-gram update (:data:`SG_RULES`).
    The learning rate falls linearly from ``alpha_start`` to ``alpha_end``
    over the tokens of these sentences (updated per sentence). The state in
    ``rng_state[0]`` is read and written back. ``frozen`` (uint8, one per
    word) marks input rows that must not move: their updates are skipped.

    ``hot_output`` is the calling thread's copy of the first output rows
    (the most frequent words), which it trains instead of the shared rows
    (zero rows: none), and ``taken_output`` that copy as last taken. Every
    ``fold_tokens`` tokens or so (0: never), at a sentence's start, the
    steps on them are folded into the shared rows (:func:`try_fold`) if the
    lock ``fold_lock`` is free, else at a later sentence; the caller folds
    what is left after the call. The last eight arguments are the caller's work
    buffers (see :func:`work_buffers`): nothing is allocated here.

    Returns
    -------
    trained : int
        Words that survived subsampling.
    loss : float
        Summed negative-sampling loss of all (input, target) pairs trained
        (0.0 unless ``compute_loss``).
    """
    state = rng_state[0]
    begin = offsets[first]
    total = max(offsets[last] - begin, 1)
    # ``targets`` holds two words' targets, this one's and the next's: up to
    # ``pairs_slot`` sets of ``slot`` each.
    slot = negative + 1
    pairs_slot = 2 * window
    trained = 0
    loss = 0.0
    unfolded = 0  # tokens trained since the last fold
    for s in range(first, last):
        lo_tok, hi_tok = offsets[s], offsets[s + 1]
        if fold_tokens > 0:
            unfolded += hi_tok - lo_tok
            if unfolded >= fold_tokens and try_fold(output_vectors, hot_output, taken_output,
                                                    fold_lock):
                unfolded = 0
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
        if n < 2:  # no context: only the window draw, as for any word
            if n == 1 and shrink_windows:
                state = _rand_next(state)
            continue

        # Step j draws word j's window and targets (into one half of
        # ``targets``), prefetches the rows they will touch, then trains word
        # j - 1. The random stream is consumed in the same order as drawing
        # just before training each word.
        reach = window
        for j in range(n + 1):
            prev_reach = reach
            if j < n:
                state, reach = _draw_reach(state, window, shrink_windows)
                word = sentence_buffer[j]
                _prefetch(_row(output_vectors, hot_output, word))
                # One set of noise words per center ("hogbatch", CBOW), or one per context.
                sets = 1
                if sg and sg_rule == SG_BLOCK:
                    sets = min(n, j + reach + 1) - max(0, j - reach) - 1
                half = (j & 1) * pairs_slot
                for m in range(sets):
                    base = (half + m) * slot
                    targets[base] = word
                    nt = 1
                    for _ in range(negative):  # alias-table draws; the word itself is skipped
                        state = _rand_next(state)
                        bits = _rand_value(state)
                        t = _rand_below(bits, noise_alias.shape[0])
                        if (bits & _LOW32) >= noise_keep[t]:
                            t = noise_alias[t]
                        if t != word:
                            targets[base + nt] = t
                            _prefetch(_row(output_vectors, hot_output, t))
                            nt += 1
                    target_counts[half + m] = nt
                if j + reach < n:
                    _prefetch_row(input_vectors, sentence_buffer[j + reach])
            if j == 0:
                continue
            i = j - 1
            nc = 0
            for c in range(max(0, i - prev_reach), min(n, i + prev_reach + 1)):
                if c != i:
                    contexts[nc] = sentence_buffer[c]
                    nc += 1
            half = (i & 1) * pairs_slot
            here = half * slot
            if sg:
                loss += sg_block_update(input_vectors, output_vectors, hot_output, contexts, nc,
                                        targets, here, slot, target_counts, half,
                                        sg_rule == SG_HOGBATCH, alpha, scores, deltas,
                                        compute_loss, frozen)
            else:
                loss += cbow_update(input_vectors, output_vectors, hot_output, contexts, nc,
                                    targets, here, target_counts[half], alpha, cbow_mean,
                                    hidden, grad, scores, compute_loss, frozen)
    rng_state[0] = state
    return trained, loss


def hot_copies(output_vectors: np.ndarray, n_hot: int):
    """A thread's copies of the first ``n_hot`` output rows, for :func:`train_sentences` in its
    argument order: the copy it trains, then the same as taken.
    """
    hot_output = output_vectors[:n_hot].copy()
    return hot_output, hot_output.copy()


def work_buffers(window: int, negative: int, vector_size: int, max_sentence: int):
    """Per-thread work buffers for :func:`train_sentences`, in its argument order.

    Parameters
    ----------
    window, negative, vector_size : int
        As in the training configuration.
    max_sentence : int
        Longest sentence (in tokens) the buffers will see.
    """
    return (
        np.empty(max(max_sentence, 1), dtype=np.int32),  # the sentence after subsampling
        np.empty(2 * window, dtype=np.int64),  # context ids
        # targets, this word's then the next's: a set per context at most
        np.empty(2 * 2 * window * (negative + 1), dtype=np.int64),
        np.empty(2 * 2 * window, dtype=np.int64),  # the size of each set of targets
        np.empty(vector_size, dtype=np.float32),  # CBOW hidden vector
        np.empty(vector_size, dtype=np.float32),  # CBOW hidden gradient
        np.empty((2 * window, negative + 3), dtype=np.float32),  # scores, then coefficients
        np.empty((2 * window, vector_size), dtype=np.float32),  # skip-gram input-side steps
    )
