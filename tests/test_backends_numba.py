"""The numba kernels against a plain NumPy/Python reference of the same updates."""

import dataclasses

import numpy as np
import pytest

from sklearn_w2v.backends import get_trainer
from sklearn_w2v.backends import numba as nk
from sklearn_w2v.backends.numba import (
    JobQueue,
    NumbaTrainer,
    fold_hot_rows,
    fold_tokens,
    hot_row_count,
    job_bounds,
)
from sklearn_w2v.corpus import EncodedCorpus, encode_for_training
from sklearn_w2v.training import (
    MAX_EXP,
    TrainConfig,
    alias_table,
    initial_vectors,
    keep_thresholds,
    noise_distribution,
)

MASK64 = (1 << 64) - 1
NOT_FROZEN = np.zeros(9, dtype=np.uint8)  # the kernels' frozen mask: no row frozen


def no_hot_rows(dim):
    """The kernels' copies of the hot rows when there are none: every row is the shared one."""
    return np.zeros((0, dim), dtype=np.float32)


def no_folds(dim):
    """``train_sentences``' hot-row arguments for a run with none: no copies, no folds."""
    none = no_hot_rows(dim)
    return none, none, np.zeros(1, dtype=np.int64), 0


def ref_sigmoid(f):
    """The kernels' tabulated sigmoid (bin centres of SIGMOID_TABLE)."""
    i = int((np.float32(f) + np.float32(MAX_EXP)) * np.float32(nk.SIGMOID_SIZE / (2 * MAX_EXP)))
    return float(nk.SIGMOID_TABLE[min(max(i, 0), nk.SIGMOID_SIZE - 1)])


def ref_coefficients(scores, alpha):
    """alpha * (label - sigmoid(score)), label 1 in column 0; 0 where |score| >= MAX_EXP."""
    scores = np.atleast_2d(scores)
    g = np.zeros_like(scores)
    for (c, k), f in np.ndenumerate(scores):
        if abs(f) < MAX_EXP:
            g[c, k] = alpha * ((1.0 if k == 0 else 0.0) - ref_sigmoid(f))
    return g


def ref_loss(scores):
    """-log sigmoid(score) for column 0, -log sigmoid(-score) for the others, summed (exact)."""
    scores = np.atleast_2d(scores)
    x = np.where(np.arange(scores.shape[1]) == 0, -scores, scores)
    return float(np.logaddexp(0.0, x).sum())


def ref_sg(inp, out, contexts, targets, alpha):
    """Skip-gram for one center (float64, in place), HogBatch rule; returns the loss.

    Every context row predicts all targets; all scores and gradients use the
    weights as they were on entry.
    """
    contexts, targets = list(contexts), list(targets)
    scores = inp[contexts] @ out[targets].T
    g = ref_coefficients(scores, alpha)
    d_in, d_out = g @ out[targets], g.T @ inp[contexts]
    np.add.at(out, targets, d_out)  # a repeated word gets both steps
    np.add.at(inp, contexts, d_in)
    return ref_loss(scores)


def ref_sg_block(inp, out, contexts, target_sets, alpha):
    """Skip-gram for one center, each context with its own targets, every step from the entry
    weights (float64, in place); returns the loss.
    """
    entry_in, entry_out = inp.copy(), out.copy()
    loss = 0.0
    for row, targets in zip(contexts, target_sets):
        scores = entry_out[targets] @ entry_in[row]
        g = ref_coefficients(scores, alpha)[0]
        np.add.at(out, targets, np.outer(g, entry_in[row]))
        inp[row] += g @ entry_out[targets]
        loss += ref_loss(scores)
    return loss


def ref_cbow(inp, out, contexts, targets, alpha, cbow_mean):
    """CBOW for one center (float64, in place); returns the loss."""
    contexts, targets = list(contexts), list(targets)
    hidden = inp[contexts].sum(axis=0)
    if cbow_mean:
        hidden /= len(contexts)
    scores = out[targets] @ hidden
    g = ref_coefficients(scores, alpha)[0]
    grad = g @ out[targets]
    np.add.at(out, targets, np.outer(g, hidden))
    if not cbow_mean:
        grad /= len(contexts)
    np.add.at(inp, contexts, np.broadcast_to(grad, (len(contexts), len(grad))))
    return ref_loss(scores)


@pytest.fixture
def weights():
    rng = np.random.default_rng(42)
    inp = rng.normal(scale=0.5, size=(7, 6)).astype(np.float32)
    out = rng.normal(scale=0.5, size=(7, 6)).astype(np.float32)
    return inp, out


def buffers(window=4, negative=5, dim=6):
    return nk.work_buffers(window, negative, dim, 10)


def hogbatch_update(inp, out, contexts, n_contexts, targets, first, n_targets, alpha, scores,
                    deltas, compute_loss, frozen):
    """``sg_block_update`` with one set of targets shared by every context (the hogbatch rule)."""
    counts = np.array([n_targets], dtype=np.int64)
    return nk.sg_block_update(inp, out, no_hot_rows(inp.shape[1]), contexts, n_contexts, targets,
                              first, 0, counts, 0, True, alpha, scores, deltas, compute_loss,
                              frozen)


@pytest.mark.parametrize("n_contexts", [1, 2, 4, 5])
def test_sg_update_matches_reference(weights, n_contexts):
    inp, out = weights
    contexts = np.array([2, 4, 2, 0, 6], dtype=np.int64)[:n_contexts]  # a repeated context word
    targets = np.array([9, 3, 5, 1, 5, 9], dtype=np.int64)  # a repeated noise word; at offset 1
    ref_in, ref_out = inp.astype(np.float64), out.astype(np.float64)
    start_out = ref_out.copy()
    want = ref_sg(ref_in, ref_out, contexts, targets[1:5], 0.1)

    *_, scores, deltas = buffers()
    loss = hogbatch_update(inp, out, contexts, n_contexts, targets, 1, 4, np.float32(0.1),
                           scores, deltas, True, NOT_FROZEN)
    np.testing.assert_allclose(inp, ref_in, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out, ref_out, rtol=1e-5, atol=1e-6)
    assert loss == pytest.approx(want, rel=1e-5)
    assert not np.allclose(ref_out, start_out, atol=1e-3)  # sanity: something moved


@pytest.mark.parametrize("cbow_mean", [True, False])
def test_cbow_update_matches_reference(weights, cbow_mean):
    inp, out = weights
    contexts = np.array([0, 4, 6, 4], dtype=np.int64)  # a repeated context word gets two updates
    targets = np.array([2, 1, 3, 1], dtype=np.int64)  # and a repeated noise word
    ref_in, ref_out = inp.astype(np.float64), out.astype(np.float64)
    want = ref_cbow(ref_in, ref_out, contexts, targets, 0.05, cbow_mean)

    *_, h, g, scores, _ = buffers()
    loss = nk.cbow_update(inp, out, no_hot_rows(inp.shape[1]), contexts, 4, targets, 0, 4,
                          np.float32(0.05), cbow_mean, h, g, scores, True, NOT_FROZEN)
    np.testing.assert_allclose(inp, ref_in, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out, ref_out, rtol=1e-5, atol=1e-6)
    assert loss == pytest.approx(want, rel=1e-5)


def test_loss_is_zero_unless_asked(weights):
    inp, out = weights
    *_, h, g, scores, deltas = buffers()
    contexts, targets = np.array([1, 2], dtype=np.int64), np.array([3, 4], dtype=np.int64)
    assert hogbatch_update(inp, out, contexts, 2, targets, 0, 2, np.float32(0.1),
                           scores, deltas, False, NOT_FROZEN) == 0.0
    assert nk.cbow_update(inp, out, no_hot_rows(inp.shape[1]), contexts, 2, targets, 0, 2,
                          np.float32(0.1), True, h, g, scores, False, NOT_FROZEN) == 0.0


def test_saturated_pairs_are_skipped():
    inp = np.full((3, 4), 2.0, dtype=np.float32)
    out = np.full((3, 4), 2.0, dtype=np.float32)  # score 16: saturated
    out[2] = 0.5  # score 4: trained
    *_, scores, deltas = buffers(dim=4)
    hogbatch_update(inp, out, np.array([0], dtype=np.int64), 1,
                    np.array([1, 1, 2], dtype=np.int64), 0, 3, np.float32(0.5), scores, deltas,
                    False, NOT_FROZEN)
    np.testing.assert_array_equal(out[1], 2.0)
    g = -0.5 * ref_sigmoid(4.0)
    np.testing.assert_allclose(out[2], 0.5 + g * 2.0, rtol=1e-6)
    np.testing.assert_allclose(inp[0], 2.0 + g * 0.5, rtol=1e-6)


def test_sigmoid_table_is_close_to_sigmoid():
    f = np.linspace(-MAX_EXP + 1e-4, MAX_EXP - 1e-4, 5001)
    table = np.array([ref_sigmoid(x) for x in f])
    exact = 1.0 / (1.0 + np.exp(-f))
    bin_width = 2 * MAX_EXP / nk.SIGMOID_SIZE
    assert np.abs(table - exact).max() <= 0.25 * bin_width / 2 + 1e-6  # sigmoid' <= 1/4


class XorShift:
    """Python twin of the kernels' generator."""

    def __init__(self, state):
        self.s = int(state)

    def next(self):
        s = self.s
        s ^= (s << 13) & MASK64
        s ^= s >> 7
        s ^= (s << 17) & MASK64
        self.s = s
        return s

    @property
    def bits(self):
        return (self.s * 0x2545F4914F6CDD1D) & MASK64

    def below(self, n):
        return ((self.bits >> 32) * n) >> 32


def ref_train_sentences(ids, offsets, first, last, inp, out, keep, noise_keep, noise_alias,
                        sg, sg_rule, cbow_mean, window, negative, shrink, subsample,
                        alpha_start, alpha_end, state):
    """Twin of ``train_sentences``, drawing each word's window and noise just before training it.

    Skip-gram with the "block" rule draws a set of noise words per context, in
    context order; "hogbatch" (and CBOW) one set per center.
    """
    rng = XorShift(state)
    begin, total = offsets[first], max(offsets[last] - offsets[first], 1)
    trained, loss = 0, 0.0
    for s in range(first, last):
        alpha = alpha_start + (alpha_end - alpha_start) * ((offsets[s] - begin) / total)
        sent = []
        for w in ids[offsets[s]:offsets[s + 1]]:
            if subsample:
                rng.next()
                if (rng.bits & 0xFFFFFFFF) > keep[w]:
                    continue
            sent.append(int(w))
        trained += len(sent)
        for i, word in enumerate(sent):
            reach = window
            if shrink:
                rng.next()
                reach = window - rng.below(window)
            ctx = [sent[j] for j in range(max(0, i - reach), min(len(sent), i + reach + 1))
                   if j != i]
            if not ctx:
                continue  # a one-word sentence: no noise is drawn

            def draw(word=word):
                targets = [word]
                for _ in range(negative):
                    rng.next()
                    t = rng.below(len(noise_alias))
                    if (rng.bits & 0xFFFFFFFF) >= noise_keep[t]:
                        t = int(noise_alias[t])
                    if t != word:
                        targets.append(t)
                return targets

            if sg and sg_rule == "block":
                loss += ref_sg_block(inp, out, ctx, [draw() for _ in ctx], alpha)
                continue
            targets = draw()
            if sg:
                loss += ref_sg(inp, out, ctx, targets, alpha)
            else:
                loss += ref_cbow(inp, out, ctx, targets, alpha, cbow_mean)
    return trained, rng.s, loss


@pytest.mark.parametrize("sg,sg_rule,cbow_mean,shrink,sample", [
    (True, "hogbatch", True, True, 0.05),
    (True, "hogbatch", True, False, 0.0),
    (True, "block", True, True, 0.05),
    (True, "block", True, False, 0.0),
    (False, "block", True, True, 0.05),  # CBOW ignores the skip-gram rule
    (False, "block", False, False, 0.0),
])
def test_train_sentences_matches_reference(sg, sg_rule, cbow_mean, shrink, sample):
    rng = np.random.default_rng(7)
    n_words, dim = 9, 5
    counts = np.array([40, 30, 20, 10, 8, 5, 3, 2, 1])
    ids = rng.choice(n_words, size=60, p=counts / counts.sum()).astype(np.int32)
    offsets = np.array([0, 11, 12, 30, 45, 60], dtype=np.int64)  # includes a 1-word sentence
    inp = rng.normal(scale=0.3, size=(n_words, dim)).astype(np.float32)
    out = rng.normal(scale=0.3, size=(n_words, dim)).astype(np.float32)
    keep = keep_thresholds(counts, sample)
    noise_keep, noise_alias = alias_table(noise_distribution(counts, 0.75))
    args = (cbow_mean, 3, 4, shrink, sample > 0, 0.05, 0.01)

    ref_in, ref_out = inp.astype(np.float64), out.astype(np.float64)
    start_in, start_out = inp.copy(), out.copy()
    ref_trained, ref_state, ref_loss_ = ref_train_sentences(
        ids, offsets, 1, 5, ref_in, ref_out, keep, noise_keep, noise_alias, sg, sg_rule, *args,
        12345)

    state = np.array([12345], dtype=np.uint64)
    trained, loss = nk.train_sentences(ids, offsets, 1, 5, inp, out, NOT_FROZEN, keep, noise_keep,
                                       noise_alias, sg, nk.SG_RULES[sg_rule], *args, state, True,
                                       *no_folds(dim), *nk.work_buffers(3, 4, dim, 18))
    assert trained == ref_trained
    assert loss == pytest.approx(ref_loss_, rel=1e-4)
    if sample:
        assert trained < offsets[5] - offsets[1]  # subsampling really dropped words
    assert int(state[0]) == ref_state
    np.testing.assert_allclose(inp, ref_in, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(out, ref_out, rtol=1e-4, atol=1e-5)
    # something was trained (so the comparisons above compared updates, not starting weights)
    assert not np.allclose(out, start_out, atol=1e-3)
    assert not np.allclose(inp, start_in, atol=1e-3)


def test_noise_draws_follow_distribution():
    counts = np.array([500, 200, 100, 50, 20, 5, 1])
    p = noise_distribution(counts, 0.75)
    noise_keep, noise_alias = alias_table(p)
    rng = XorShift(99)
    draws = np.zeros(len(p))
    n = 40_000
    for _ in range(n):
        rng.next()
        t = rng.below(len(p))
        if (rng.bits & 0xFFFFFFFF) >= noise_keep[t]:
            t = noise_alias[t]
        draws[t] += 1
    np.testing.assert_allclose(draws / n, p, atol=0.01)


def test_trainer_rejects_inconsistent_arrays():
    trainer = get_trainer("numba")
    config = TrainConfig(vector_size=4)
    corpus = EncodedCorpus(np.array([0, 1, 2], dtype=np.int32), np.array([0, 3], dtype=np.int64))
    counts = np.array([3, 2, 1])
    inp, out = initial_vectors(3, 4, seed=0)
    with pytest.raises(ValueError, match="range"):
        trainer.train(corpus, counts[:2], config, inp[:2], out[:2])
    with pytest.raises(ValueError, match="float32"):
        trainer.train(corpus, counts, config, inp.astype(np.float64), out)
    empty = EncodedCorpus(np.zeros(0, dtype=np.int32), np.zeros(1, dtype=np.int64))
    with pytest.raises(ValueError, match="empty corpus"):
        trainer.train(empty, counts, config, inp, out)
    with pytest.raises(ValueError, match="min_alpha"):
        TrainConfig(alpha=0.01, min_alpha=0.02)
    with pytest.raises(ValueError, match="Unknown backend"):
        get_trainer("fortran")


@pytest.mark.parametrize("sg", [True, False])
def test_epoch_loss_recorded_and_falls(planted, sg):
    vocabulary, corpus, _, _ = encode_for_training(planted[0], min_count=1)
    config = TrainConfig(vector_size=16, epochs=4, sg=sg, seed=3, compute_loss=True,
                         n_threads=2)
    inp, out = initial_vectors(len(vocabulary), 16, seed=3)
    stats = get_trainer("numba").train(corpus, vocabulary.counts, config, inp, out).stats
    losses = stats.epoch_loss
    assert len(losses) == 4 and all(np.isfinite(losses))
    # Two threads take the jobs in a varying order, so the words each epoch subsamples (and so
    # the number of pairs summed) vary a little from run to run: the late epochs, where the
    # loss flattens, may swap. The first epoch is well above all the others.
    assert losses[0] > 1.2 * max(losses[1:])
    assert losses[1] > losses[3]
    one = get_trainer("numba").train(
        corpus, vocabulary.counts, dataclasses.replace(config, n_threads=1),
        *initial_vectors(len(vocabulary), 16, seed=3)).stats.epoch_loss
    assert all(a > b for a, b in zip(one, one[1:]))  # one thread: every epoch lower
    # Untrained control: the same run with a learning rate too small to move the weights
    # draws the same windows and noise words (the draws never depend on the weights), so it
    # scores the same pairs, each at about log 2 (the output vectors start at zero). Training
    # must bring the loss of those pairs well below that.
    control = TrainConfig(vector_size=16, epochs=4, sg=sg, seed=3, compute_loss=True,
                          n_threads=2, alpha=1e-9, min_alpha=1e-9)
    inp, out = initial_vectors(len(vocabulary), 16, seed=3)
    untrained = get_trainer("numba").train(corpus, vocabulary.counts, control, inp,
                                           out).stats.epoch_loss
    assert untrained[-1] > 0
    assert losses[-1] < 0.6 * untrained[-1]  # measured: about 0.4

    inp, out = initial_vectors(len(vocabulary), 16, seed=3)
    quiet = TrainConfig(vector_size=16, epochs=4, sg=sg, seed=3)
    assert get_trainer("numba").train(
        corpus, vocabulary.counts, quiet, inp, out).stats.epoch_loss is None


def test_jobs_are_dealt_in_turn_with_the_rate_at_their_place():
    offsets = np.array([0, 4, 6, 10, 12, 20], dtype=np.int64)  # 20 tokens in 5 sentences
    bounds = job_bounds(offsets, 0, 5, job_tokens=6)
    config = TrainConfig(sg=True, epochs=2, alpha=0.04, min_alpha=0.0)
    pairs = list(zip(bounds[:-1], bounds[1:]))
    queue = JobQueue(offsets, bounds, config)  # one worker: every job, in corpus order
    queue.open(range(2))
    jobs = list(iter(queue.take, None))
    assert [(j.epoch, j.first, j.last) for j in jobs] == [(e, a, b) for e in range(2)
                                                          for a, b in pairs]
    assert sum(j.tokens for j in jobs) == 2 * 20
    done = 0
    for j in jobs:  # each job starts where the run's words before it leave the schedule
        assert j.alpha_start == pytest.approx(0.04 * (1 - done / 40))
        done += j.tokens
        assert j.alpha_end == pytest.approx(0.04 * (1 - done / 40))
    assert queue.take() is None
    queue.open(range(1, 2))  # an epoch at a time (with a hook): only epoch 1's jobs
    assert {j.epoch for j in iter(queue.take, None)} == {1}

    dealt = JobQueue(offsets, bounds, config, n_workers=2)
    dealt.open(range(2))
    first = dealt.take(0), dealt.take(1), dealt.take(0)
    assert [(j.epoch, j.first) for j in first] == [(0, pairs[0][0]), (0, pairs[1][0]),
                                                   (0, pairs[2][0])]  # job k to worker k % 2
    # the same job has the same rate whichever worker trains it
    assert first[2].alpha_start == jobs[2].alpha_start
    assert JobQueue(offsets, bounds, config, n_workers=99).n_workers == len(pairs)


def test_a_worker_whose_share_is_done_takes_the_last_job_of_the_largest_share():
    offsets = np.arange(0, 101, dtype=np.int64)
    queue = JobQueue(offsets, job_bounds(offsets, 0, 100, job_tokens=1), TrainConfig(epochs=1),
                     n_workers=3)
    queue.open(range(1))
    own = [queue.take(0).first for _ in range(34)]  # worker 0's share: 0, 3, ..., 99
    assert own == list(range(0, 100, 3))
    assert queue.take(1).first == 1 and queue.take(2).first == 2
    stolen = queue.take(0)  # its share is done: the last job of a share still 32 long
    assert stolen.first in (97, 98)


def test_a_share_is_never_taken_ahead_of_its_owner_epoch():
    # Worker 1 never asks (a thread slow to start): worker 0 trains its own share, then worker
    # 1's, an epoch at a time (each epoch's jobs from its end), never a later epoch's job
    # before an earlier one's, since a later job's lower rate must not come first.
    offsets = np.arange(0, 41, dtype=np.int64)
    queue = JobQueue(offsets, job_bounds(offsets, 0, 40, job_tokens=4), TrainConfig(epochs=3),
                     n_workers=2)
    queue.open(range(3))
    jobs = list(iter(lambda: queue.take(0), None))
    own, stolen = jobs[:15], jobs[15:]
    assert [(j.epoch, j.first) for j in own] == [(e, k) for e in range(3) for k in range(0, 40, 8)]
    assert [(j.epoch, j.first) for j in stolen] == [(e, k) for e in range(3)
                                                    for k in range(36, 0, -8)]


def test_jobs_are_shared_out_to_threads_that_ask():
    offsets = np.arange(0, 101, dtype=np.int64)
    queue = JobQueue(offsets, job_bounds(offsets, 0, 100, job_tokens=1), TrainConfig(epochs=3),
                     n_workers=4)
    queue.open(range(3))
    taken = [[] for _ in range(4)]

    def drain(worker):
        for job in iter(lambda: queue.take(worker), None):
            taken[worker].append((job.epoch, job.first))

    import threading

    threads = [threading.Thread(target=drain, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    every = sorted(x for t in taken for x in t)
    assert every == [(e, k) for e in range(3) for k in range(100)]  # each job exactly once


def test_folds_come_more_often_and_cover_fewer_rows_with_more_threads():
    assert fold_tokens(1) == 0 and hot_row_count(10**6, 1) == 0  # one thread: no copies
    intervals = [fold_tokens(n) for n in (2, 3, 8, 16, 1000)]
    assert intervals == sorted(intervals, reverse=True) and intervals[-1] > 0
    # what the other threads train between two folds of one stays near one bound ...
    assert len({round(fold_tokens(n) * (n - 1), -3) for n in (2, 3, 5, 9, 17)}) == 1
    # ... and so does the folding work per token (rows folded over tokens between folds)
    assert len({round(hot_row_count(10**6, n) / fold_tokens(n), 2) for n in (2, 3, 5, 9)}) == 1
    rows = [hot_row_count(10**6, n) for n in (2, 3, 8, 16, 1000)]
    assert rows == sorted(rows, reverse=True) and rows[-1] > 0
    assert hot_row_count(100, 2) == 100  # never more than the vocabulary


@pytest.mark.parametrize("bad", [-1, 1.5, True, "many", "1e3", None])
def test_hot_rows_must_be_a_count(bad):
    with pytest.raises(ValueError, match="hot_rows must be an integer >= 0 or 'auto'"):
        NumbaTrainer(hot_rows=bad)
    assert NumbaTrainer(hot_rows="64").hot_rows == 64  # as the benchmark passes it
    assert NumbaTrainer().hot_rows == 0  # every row shared, unless asked


@pytest.mark.parametrize("hot_rows,want", [("auto", 4096), (0, 0), (3, 3)])
def test_the_run_reports_its_hot_rows(planted, hot_rows, want):
    vocabulary, corpus, _, _ = encode_for_training(planted[0], min_count=1)
    config = TrainConfig(vector_size=8, epochs=1, sg=True, seed=2, n_threads=2)
    details = NumbaTrainer(hot_rows=hot_rows).train(
        corpus, vocabulary.counts, config, *initial_vectors(len(vocabulary), 8, seed=1)
    ).stats.details
    assert details["hot_rows"] == min(want, len(vocabulary))
    assert sum(details["thread_jobs"]) == details["jobs_per_epoch"]
    one = NumbaTrainer(hot_rows=hot_rows).train(
        corpus, vocabulary.counts, dataclasses.replace(config, n_threads=1),
        *initial_vectors(len(vocabulary), 8, seed=1)).stats.details
    assert one["hot_rows"] == 0  # one thread keeps no copies


def test_fold_adds_a_threads_steps_and_keeps_the_others():
    rng = np.random.default_rng(0)
    shared = rng.normal(size=(6, 4)).astype(np.float32)
    shared[1, 2] = -0.0  # a row no one moves stays bit for bit, sign of zero included
    taken = shared[:3].copy()  # what the thread copied ...
    mine = taken.copy()
    mine[0] += 0.5  # ... and its steps since
    mine[2, 1] -= 0.25
    shared[0] += 1.0  # another thread's fold in the meantime
    before = shared.copy()
    fold_hot_rows(shared, mine, taken)
    want = before.copy()
    want[0] += 0.5
    want[2, 1] -= 0.25
    np.testing.assert_allclose(shared, want, rtol=0, atol=1e-6)
    assert shared[1].tobytes() == before[1].tobytes()
    assert shared[3:].tobytes() == before[3:].tobytes()  # rows past the hot ones untouched
    # the thread's copy is now the sum: its own steps and the other thread's
    assert mine.tobytes() == taken.tobytes() == shared[:3].tobytes()


@pytest.mark.parametrize("sg", [True, False])
@pytest.mark.parametrize("fold_tokens", [0, 1, 7])
def test_hot_rows_train_in_the_threads_copy_and_fold_back(sg, fold_tokens):
    """Output rows below ``len(hot)`` train in the copy; folds (none, after every sentence,
    every few) carry the steps to the shared rows; with the rest folded after the call, one
    thread's run equals the run without a copy.
    """
    rng = np.random.default_rng(3)
    n_words, dim = 9, 5
    counts = np.array([40, 30, 20, 10, 8, 5, 3, 2, 1])
    ids = rng.choice(n_words, size=60, p=counts / counts.sum()).astype(np.int32)
    offsets = np.array([0, 9, 20, 33, 41, 60], dtype=np.int64)
    inp = rng.normal(scale=0.3, size=(n_words, dim)).astype(np.float32)
    out = rng.normal(scale=0.3, size=(n_words, dim)).astype(np.float32)
    noise_keep, noise_alias = alias_table(noise_distribution(counts, 0.75))
    head = (ids, offsets, 0, 5)
    tail = (NOT_FROZEN, keep_thresholds(counts, 0.0), noise_keep, noise_alias, sg,
            nk.SG_BLOCK, True, 3, 4, True, False, 0.05, 0.01)

    def run(inp, out, hot):
        nk.train_sentences(*head, inp, out, *tail, np.array([7], dtype=np.uint64), False, *hot,
                           *nk.work_buffers(3, 4, dim, 30))

    start_out = out.copy()
    ref_in, ref_out = inp.copy(), out.copy()
    run(ref_in, ref_out, no_folds(dim))
    copies = nk.hot_copies(out, 4)
    lock = np.zeros(1, dtype=np.int64)
    run(inp, out, (*copies, lock, fold_tokens))
    if fold_tokens == 0:  # the shared rows of the hot words have not moved ...
        assert out[:4].tobytes() == start_out[:4].tobytes()
    else:  # ... or hold what was folded
        assert not np.array_equal(out[:4], start_out[:4])
    assert lock[0] == 0  # every fold let go of the lock
    assert nk.try_fold(out, *copies, lock)
    np.testing.assert_allclose(inp, ref_in, rtol=0, atol=1e-6)
    np.testing.assert_allclose(out, ref_out, rtol=0, atol=1e-6)
    assert not np.allclose(out[:4], start_out[:4], atol=1e-3)  # the hot rows did train


def test_a_taken_fold_lock_defers_the_fold():
    shared = np.zeros((3, 2), dtype=np.float32)
    hot = shared[:2].copy()
    taken = hot.copy()
    hot += 1.0
    lock = np.ones(1, dtype=np.int64)  # another thread is folding
    assert not nk.try_fold(shared, hot, taken, lock)
    assert not shared.any() and lock[0] == 1
    lock[0] = 0
    assert nk.try_fold(shared, hot, taken, lock)
    np.testing.assert_array_equal(shared[:2], 1.0)
    assert lock[0] == 0
