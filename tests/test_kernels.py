"""The numba kernels against a plain NumPy/Python reference of the same updates."""

import numpy as np
import pytest

from sklearn_w2v.backends import numba_kernels as nk
from sklearn_w2v.sampling import alias_table, keep_thresholds, noise_distribution

MASK64 = (1 << 64) - 1


def ref_ns(hidden, out, targets, alpha):
    """Reference negative-sampling step (float64): returns the hidden gradient."""
    grad = np.zeros_like(hidden)
    for k, t in enumerate(targets):
        score = hidden @ out[t]
        if abs(score) >= nk.MAX_EXP:
            continue  # saturated pairs are skipped
        label = 1.0 if k == 0 else 0.0
        g = (label - 1.0 / (1.0 + np.exp(-score))) * alpha
        grad += g * out[t]
        out[t] += g * hidden
    return grad


@pytest.fixture
def weights():
    rng = np.random.default_rng(42)
    inp = rng.normal(scale=0.5, size=(7, 6)).astype(np.float32)
    out = rng.normal(scale=0.5, size=(7, 6)).astype(np.float32)
    return inp, out


def test_sg_update_matches_reference(weights):
    inp, out = weights
    targets = np.array([3, 5, 1, 5], dtype=np.int64)  # a repeated noise word updates twice
    ref_in, ref_out = inp.astype(np.float64), out.astype(np.float64)
    ref_in[2] += ref_ns(ref_in[2].copy(), ref_out, targets, 0.1)

    grad = np.empty(6, dtype=np.float32)
    nk.sg_update(inp, out, 2, targets, 4, np.float32(0.1), grad)
    np.testing.assert_allclose(inp, ref_in, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out, ref_out, rtol=1e-5, atol=1e-6)
    assert not np.allclose(out[0], ref_out[0] + 1)  # sanity: untouched rows compared too


@pytest.mark.parametrize("cbow_mean", [True, False])
def test_cbow_update_matches_reference(weights, cbow_mean):
    inp, out = weights
    contexts = np.array([0, 4, 6, 4], dtype=np.int64)  # a repeated context word gets two updates
    targets = np.array([2, 1, 3], dtype=np.int64)
    ref_in, ref_out = inp.astype(np.float64), out.astype(np.float64)
    hidden = ref_in[contexts].sum(axis=0)
    if cbow_mean:
        hidden /= len(contexts)
    grad = ref_ns(hidden, ref_out, targets, 0.05)
    if not cbow_mean:
        grad /= len(contexts)
    for c in contexts:
        ref_in[c] += grad

    h, g = np.empty(6, dtype=np.float32), np.empty(6, dtype=np.float32)
    nk.cbow_update(inp, out, contexts, 4, targets, 3, np.float32(0.05), cbow_mean, h, g)
    np.testing.assert_allclose(inp, ref_in, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out, ref_out, rtol=1e-5, atol=1e-6)


def test_saturated_pairs_are_skipped():
    inp = np.full((3, 4), 2.0, dtype=np.float32)
    out = np.full((3, 4), 2.0, dtype=np.float32)  # score 16: saturated
    out[2] = 0.5  # score 4: trained
    grad = np.empty(4, dtype=np.float32)
    nk.sg_update(inp, out, 0, np.array([1, 1, 2], dtype=np.int64), 3, np.float32(0.5), grad)
    np.testing.assert_array_equal(out[1], 2.0)
    g = -0.5 / (1.0 + np.exp(-4.0))
    np.testing.assert_allclose(out[2], 0.5 + g * 2.0, rtol=1e-6)
    np.testing.assert_allclose(inp[0], 2.0 + g * 0.5, rtol=1e-6)


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
                        sg, cbow_mean, window, negative, shrink, subsample,
                        alpha_start, alpha_end, state):
    rng = XorShift(state)
    begin, total = offsets[first], max(offsets[last] - offsets[first], 1)
    trained = 0
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
            lo, hi = max(0, i - reach), min(len(sent), i + reach + 1)

            def draw_targets():
                targets = [word]
                for _ in range(negative):
                    rng.next()
                    t = rng.below(len(noise_alias))
                    if (rng.bits & 0xFFFFFFFF) >= noise_keep[t]:
                        t = int(noise_alias[t])
                    if t != word:
                        targets.append(t)
                return targets

            if sg:
                for j in range(lo, hi):
                    if j != i:
                        targets = draw_targets()
                        inp[sent[j]] += ref_ns(inp[sent[j]].copy(), out, targets, alpha)
            else:
                ctx = [sent[j] for j in range(lo, hi) if j != i]
                if not ctx:
                    continue
                targets = draw_targets()
                hidden = inp[ctx].sum(axis=0)
                if cbow_mean:
                    hidden /= len(ctx)
                grad = ref_ns(hidden, out, targets, alpha)
                if not cbow_mean:
                    grad /= len(ctx)
                for c in ctx:
                    inp[c] += grad
    return trained, rng.s


@pytest.mark.parametrize("sg,cbow_mean,shrink,sample", [
    (True, True, True, 0.05),
    (True, True, False, 0.0),
    (False, True, True, 0.05),
    (False, False, False, 0.0),
])
def test_train_sentences_matches_reference(sg, cbow_mean, shrink, sample):
    rng = np.random.default_rng(7)
    n_words, dim = 9, 5
    counts = np.array([40, 30, 20, 10, 8, 5, 3, 2, 1])
    ids = rng.choice(n_words, size=60, p=counts / counts.sum()).astype(np.int32)
    offsets = np.array([0, 11, 12, 30, 45, 60], dtype=np.int64)  # includes a 1-word sentence
    inp = rng.normal(scale=0.3, size=(n_words, dim)).astype(np.float32)
    out = rng.normal(scale=0.3, size=(n_words, dim)).astype(np.float32)
    keep = keep_thresholds(counts, sample)
    noise_keep, noise_alias = alias_table(noise_distribution(counts, 0.75))
    args = (sg, cbow_mean, 3, 4, shrink, sample > 0, 0.05, 0.01)

    ref_in, ref_out = inp.astype(np.float64), out.astype(np.float64)
    ref_trained, ref_state = ref_train_sentences(
        ids, offsets, 1, 5, ref_in, ref_out, keep, noise_keep, noise_alias, *args, 12345)

    state = np.array([12345], dtype=np.uint64)
    buf = np.empty(20, dtype=np.int32)
    trained = nk.train_sentences(ids, offsets, 1, 5, inp, out, keep, noise_keep, noise_alias,
                                 *args, state, buf)
    assert trained == ref_trained
    if sample:
        assert trained < offsets[5] - offsets[1]  # subsampling really dropped words
    assert int(state[0]) == ref_state
    np.testing.assert_allclose(inp, ref_in, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(out, ref_out, rtol=1e-4, atol=1e-5)
    assert not np.allclose(ref_out, out.astype(np.float64) * 0)  # something was trained


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
    from sklearn_w2v.backends import get_trainer
    from sklearn_w2v.corpus import EncodedCorpus
    from sklearn_w2v.training import TrainConfig, initial_vectors

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
