"""The fused Triton kernel of the torch backend, run under Triton's CPU interpreter.

Every kernel test here runs the kernel on CPU tensors with
``TRITON_INTERPRET=1`` (set below, before triton is imported), so corpora
are tiny: the interpreter takes about 10 ms per centre word. The CUDA tests
at the end run only where torch sees a GPU; as this module turns the
interpreter on, they re-run themselves in a child process that compiles the
kernel (``FUSED_TEST_COMPILED=1``, ``TRITON_INTERPRET`` unset), where the
CPU tests skip instead.

The reference :func:`reference_train` is a plain-loop transcription of the
update rule (see the kernel module's docstring): it takes the same hash
draws (``subsample_draws``, ``window_reach``, ``noise_words`` of the kernel module)
so it must reproduce the kernel's weights to float32 rounding.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

if os.environ.get("FUSED_TEST_COMPILED") != "1":  # conftest.py sets it too, for the session
    os.environ["TRITON_INTERPRET"] = "1"  # before triton is imported (by the kernel module too)

import numpy as np
import pytest

torch = pytest.importorskip("torch")
triton = pytest.importorskip("triton")

import sklearn_w2v.backends.torch._fused as fk  # noqa: E402  (its hash helpers are used below)
from sklearn_w2v.training import alias_table  # noqa: E402

# TRITON_INTERPRET stays set for the rest of the session: triton reads it again later (its
# knobs), so restoring it here breaks the interpreter. Child processes below drop it.


def _backport_interpreter_index():
    """Triton 3.6's interpreter turns a scalar into an int with ``int(array of shape (1,))``.

    NumPy >= 2.4 refuses that, so every ``range`` over loaded bounds fails
    (the GPU machine has Triton 3.6 with NumPy 2.5). Triton 3.9 squeezes the
    array first; this gives the older interpreter the same ``__index__``.
    """
    try:
        int(np.array([1]))
        return
    except TypeError:
        pass
    from triton.runtime import interpreter

    original = getattr(interpreter, "_patch_lang_tensor", None)
    if original is None or getattr(original, "_squeezes_index", False):
        return

    def patched(tensor, scope):
        original(tensor, scope)
        scope.set_attr(tensor, "__index__", lambda self: int(self.handle.data.squeeze()))

    patched._squeezes_index = True
    interpreter._patch_lang_tensor = patched


if fk.INTERPRETED:
    _backport_interpreter_index()

if not fk.INTERPRETED and not torch.cuda.is_available():  # triton imported before this module
    pytest.skip("triton was imported without TRITON_INTERPRET=1 and there is no GPU",
                allow_module_level=True)

CPU = torch.device("cpu")
# Kernel runs on CPU tensors need the interpreter.
interpreted = pytest.mark.skipif(not fk.INTERPRETED, reason="CPU tensors need TRITON_INTERPRET=1")
RTOL, ATOL = 2e-5, 2e-6  # float32 rounding of a few hundred updates


# ---------------------------------------------------------------------------
# Tables and corpora of word ids
# ---------------------------------------------------------------------------


def keep_thresholds(p_keep):
    """Keep probabilities as uint32 thresholds (keep when rand32 <= threshold)."""
    return np.floor(np.asarray(p_keep) * (2**32 - 1)).astype(np.uint32)


def planted_corpus(n_groups=5, group_size=8, n_docs=1500, doc_len=12, seed=0):
    """Documents that each draw word ids from a single group: groups are the only structure."""
    rng = np.random.default_rng(seed)
    groups = [list(range(g * group_size, (g + 1) * group_size)) for g in range(n_groups)]
    docs = []
    for _ in range(n_docs):
        group = groups[rng.integers(n_groups)]
        docs.append([group[k] for k in rng.integers(group_size, size=doc_len)])
    return docs, groups


def group_purity(vectors, groups):
    """Share of each word's nearest (cosine) neighbours, as many as its group has
    others, in its group.
    """
    v = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    sim = v @ v.T
    np.fill_diagonal(sim, -np.inf)
    group_of = np.empty(len(vectors), dtype=np.int64)
    for g, members in enumerate(groups):
        group_of[members] = g
    topn = len(groups[0]) - 1
    hits = total = 0
    for members in groups:
        for w in members:
            nearest = np.argsort(-sim[w])[:topn]
            hits += int(np.sum(group_of[nearest] == group_of[w]))
            total += topn
    return hits / total


def flat(docs):
    ids = (np.concatenate([np.asarray(d, dtype=np.int32) for d in docs]) if docs
           else np.zeros(0, np.int32))
    offsets = np.concatenate(([0], np.cumsum([len(d) for d in docs]))).astype(np.int64)
    return ids, offsets


class Problem:
    """A small corpus with its tables, weights and settings, as numpy arrays and CPU tensors."""

    def __init__(self, docs, n_words, vector_size=8, seed=0, scale=0.5, keep_p=None, counts=None):
        rng = np.random.default_rng(seed)
        self.ids, self.offsets = flat(docs)
        self.n_words = n_words
        counts = np.bincount(self.ids, minlength=n_words) + 1 if counts is None else counts
        noise_p = counts ** 0.75
        self.noise_keep, self.noise_alias = alias_table(noise_p / noise_p.sum())
        keep_p = np.ones(n_words) if keep_p is None else keep_p
        self.keep = keep_thresholds(keep_p)
        self.w_in = (rng.standard_normal((n_words, vector_size)) * scale).astype(np.float32)
        self.w_out = (rng.standard_normal((n_words, vector_size)) * scale).astype(np.float32)

    def tensors(self, device=CPU):
        def t(a, dt):
            return torch.from_numpy(np.ascontiguousarray(a).astype(dt)).to(device)

        return dict(ids=t(self.ids, np.int32), offsets=t(self.offsets, np.int64),
                    w_in=t(self.w_in, np.float32), w_out=t(self.w_out, np.float32),
                    keep_threshold=t(self.keep, np.int64), noise_keep=t(self.noise_keep, np.int64),
                    noise_alias=t(self.noise_alias, np.int64))


# ---------------------------------------------------------------------------
# The NumPy reference of the update rule (plain loops, float32 weights)
# ---------------------------------------------------------------------------


def _softplus(x):
    x = float(x)
    return max(x, 0.0) + np.log1p(np.exp(-abs(x)))


def _sigmoid(f):
    return np.float32(1.0) / (np.float32(1.0) + np.exp(-f, dtype=np.float32))


def reference_train(p: Problem, first, last, *, sg, cbow_mean, window, negative, shrink_windows,
                    subsample, alpha_start, alpha_end, seed, sg_rule="block", order=None,
                    wrong=None, stats=None, frozen=None):
    """Train copies of ``p``'s weights on sentences first..last-1; returns (w_in, w_out,
    words, loss).

    ``order``: the sentences in the order they are trained (default first..last-1).
    ``sg_rule``: "block" (noise words drawn per context lane) or "hogbatch" (one set
    per centre word, lane 0's).
    ``wrong``: a deliberately wrong rule, for the tests that must fail:
    "other_rule" (skip-gram takes the other ``sg_rule``'s noise words),
    "sequential" (skip-gram scores each context from the weights updated by the last),
    "cbow_scaling" (the CBOW-mean and CBOW-sum input scalings swapped).
    ``stats``: a dict counting the cases met (duplicates, dropped noise, saturated pairs).
    """
    w_in, w_out = p.w_in.copy(), p.w_out.copy()
    key = fk.seed_key(seed)
    ids, offsets = p.ids, p.offsets
    begin = offsets[first]
    total = max(offsets[last] - begin, 1)
    stats = {} if stats is None else stats
    for name in ("dup_contexts", "dup_noise", "dropped_noise", "saturated", "short_sentences"):
        stats.setdefault(name, 0)
    words, loss = 0, 0.0
    for s in (range(first, last) if order is None else order):
        lo, hi = int(offsets[s]), int(offsets[s + 1])
        progress = np.float32((lo - begin) / total)
        alpha = np.float32(alpha_start + (alpha_end - alpha_start) * progress)

        # 1. subsampling: survivors close ranks
        sentence = []
        for t in range(lo, hi):
            w = int(ids[t])
            if subsample and fk.subsample_draws(key, t) > p.keep[w]:
                continue
            sentence.append(w)
        n = len(sentence)
        words += n
        if n < 2:
            stats["short_sentences"] += 1
            continue

        for i in range(n):
            counter = lo + i  # the centre's counter token
            # 2. window
            b = int(fk.window_reach(key, counter, window)) if shrink_windows else window
            contexts = [sentence[j] for j in range(max(0, i - b), min(n, i + b + 1)) if j != i]
            # 3. targets: the centre word, then the noise words not equal to it; the
            #    context at window lane c (its place among positions i-b .. i+b but i)
            #    draws its own with the "block" rule, lane 0's with "hogbatch" (and CBOW)
            centre = sentence[i]
            lanes = [j - (i - b) - (j > i) for j in range(max(0, i - b), min(n, i + b + 1))
                     if j != i]
            shared = sg_rule == "hogbatch"
            if wrong == "other_rule":
                shared = not shared

            def targets_of(lane, counter=counter, centre=centre, shared=shared):
                draws = fk.noise_words(key, counter, negative, p.noise_keep, p.noise_alias,
                                       lane=0 if shared or not sg else lane)
                return [centre] + [int(t) for t in draws if t != centre]

            targets = targets_of(0)
            labels = [1.0] + [0.0] * (len(targets) - 1)
            stats["dropped_noise"] += negative + 1 - len(targets)
            stats["dup_contexts"] += len(contexts) - len(set(contexts))
            stats["dup_noise"] += len(targets) - 1 - len(set(targets[1:]))

            if sg and wrong == "sequential":
                for c, lane in zip(contexts, lanes):
                    for k, t in enumerate(targets_of(lane)):
                        f = np.dot(w_in[c], w_out[t])
                        if abs(f) < fk.MAX_EXP:
                            g = alpha * (np.float32(1.0 if k == 0 else 0.0) - _sigmoid(f))
                            step = g * w_out[t]
                            w_out[t] += g * w_in[c]
                            w_in[c] += step
                continue
            if sg:
                # 4. skip-gram: every score and step from the entry weights
                entry_in, entry_out = w_in.copy(), w_out.copy()
                for c, lane in zip(contexts, lanes):
                    for k, t in enumerate(targets_of(lane)):
                        label = np.float32(1.0 if k == 0 else 0.0)
                        f = np.dot(entry_in[c], entry_out[t])
                        loss += _softplus(-f if k == 0 else f)
                        if abs(f) >= fk.MAX_EXP:
                            stats["saturated"] += 1
                            continue
                        g = alpha * (label - _sigmoid(f))
                        w_out[t] += g * entry_in[c]
                        if frozen is None or not frozen[c]:
                            w_in[c] += g * entry_out[t]
            else:
                # 5. CBOW (gensim): mean or sum of the contexts predicts the targets
                scale = np.float32(1.0) / np.float32(len(contexts))
                h = np.sum([w_in[c] for c in contexts], axis=0, dtype=np.float32)
                if cbow_mean:
                    h = h * scale
                grad = np.zeros_like(h)
                entry_out = w_out.copy()
                for k, t in enumerate(targets):
                    f = np.dot(h, entry_out[t])
                    loss += _softplus(-f if k == 0 else f)
                    if abs(f) >= fk.MAX_EXP:
                        stats["saturated"] += 1
                        continue
                    g = alpha * (np.float32(labels[k]) - _sigmoid(f))
                    grad += g * entry_out[t]
                    w_out[t] += g * h
                mean_rule = cbow_mean if wrong != "cbow_scaling" else not cbow_mean
                step = grad if mean_rule else grad * scale
                for c in contexts:
                    if frozen is None or not frozen[c]:
                        w_in[c] += step
    return w_in, w_out, words, loss


def run_kernel(p: Problem, first, last, *, programs=1, device=CPU, vector_size=None, **kw):
    model = fk.FusedSGNS(vector_size or p.w_in.shape[1], kw.pop("window"), kw.pop("negative"),
                         sg=kw.pop("sg"), sg_rule=kw.pop("sg_rule", "block"),
                         cbow_mean=kw.pop("cbow_mean"),
                         shrink_windows=kw.pop("shrink_windows"), programs=programs,
                         max_sentence_length=64, device=device)
    t = p.tensors(device)
    if kw.get("frozen") is not None:
        kw["frozen"] = torch.from_numpy(kw["frozen"]).to(device)
    words, loss = model.train(t["ids"], t["offsets"], first, last, t["w_in"], t["w_out"],
                              t["keep_threshold"], t["noise_keep"], t["noise_alias"], **kw)
    return t["w_in"].cpu().numpy(), t["w_out"].cpu().numpy(), words, loss


def close(a, b, rtol=RTOL, atol=ATOL):
    return np.allclose(a, b, rtol=rtol, atol=atol)


# A tiny corpus: 12 words, skewed counts (so noise draws repeat and hit the
# centre word), sentences of 0, 1 and up to 11 tokens with repeated words.
SMALL_DOCS = [
    [0, 1, 2, 0, 3, 4, 0, 5],
    [6],
    [],
    [7, 0, 1, 1, 8, 9, 0, 2, 10, 11, 0],
    [3, 3, 0, 4, 5],
    [2, 0, 6, 7, 0, 1, 8, 0, 9],
    [10, 11],
]
SMALL_KEEP = np.where(np.arange(12) < 2, 0.4, 1.0)  # words 0 and 1 are subsampled


def small_problem(scale=0.5):
    return Problem(SMALL_DOCS, 12, vector_size=8, seed=1, scale=scale, keep_p=SMALL_KEEP)


SETTINGS = dict(window=3, negative=5, alpha_start=0.05, alpha_end=0.01, seed=11)


# ---------------------------------------------------------------------------
# 1. The kernel reproduces the reference, draws and all
# ---------------------------------------------------------------------------


def test_hash_helpers_are_reproducible_and_uniform():
    key = fk.seed_key(3)
    assert key == fk.seed_key(3) and key != fk.seed_key(4)
    u = fk.subsample_draws(key, np.arange(20000))
    assert u.min() >= 0 and u.max() < 2**32
    assert abs(u.mean() / 2**32 - 0.5) < 0.01
    reach = fk.window_reach(key, np.arange(20000), 5)
    assert set(np.unique(reach)) == {1, 2, 3, 4, 5}
    assert np.all(np.abs(np.bincount(reach)[1:] / 20000 - 0.2) < 0.02)
    p = np.array([0.5, 0.25, 0.125, 0.125])
    keep, alias = alias_table(p)
    draws = np.concatenate([fk.noise_words(key, t, 10, keep, alias) for t in range(3000)])
    assert np.all(np.abs(np.bincount(draws, minlength=4) / len(draws) - p) < 0.02)
    # Indices past 2**32 draw differently from their low 32 bits.
    assert fk.subsample_draws(key, 2**32 + 5) != fk.subsample_draws(key, 5)


RULES = pytest.mark.parametrize(
    "sg,cbow_mean,sg_rule",
    [(True, True, "block"), (True, True, "hogbatch"), (False, True, "block"),
     (False, False, "block")],
    ids=["skipgram_block", "skipgram_hogbatch", "cbow_mean", "cbow_sum"])


@RULES
@pytest.mark.parametrize("subsample,shrink_windows", [(False, False), (True, True)],
                         ids=["plain", "subsampled_shrunk"])
@interpreted
def test_one_program_matches_reference(sg, cbow_mean, sg_rule, subsample, shrink_windows):
    p = small_problem()
    kw = dict(SETTINGS, sg=sg, cbow_mean=cbow_mean, sg_rule=sg_rule, subsample=subsample,
              shrink_windows=shrink_windows)
    stats = {}
    ref_in, ref_out, ref_words, ref_loss = reference_train(p, 0, len(SMALL_DOCS), stats=stats, **kw)
    got_in, got_out, words, loss = run_kernel(p, 0, len(SMALL_DOCS), compute_loss=True, **kw)
    assert words == ref_words
    if not subsample:
        assert words == len(p.ids)
    np.testing.assert_allclose(got_in, ref_in, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(got_out, ref_out, rtol=RTOL, atol=ATOL)
    assert loss == pytest.approx(ref_loss, rel=1e-5)
    assert not close(got_in, p.w_in)  # it trained
    # The corpus exercises the awkward cases.
    assert stats["dup_contexts"] > 0 and stats["dup_noise"] > 0 and stats["dropped_noise"] > 0
    assert stats["short_sentences"] >= 2


@pytest.mark.parametrize("sg,sg_rule", [(True, "block"), (True, "hogbatch"), (False, "block")],
                         ids=["skipgram_block", "skipgram_hogbatch", "cbow"])
@interpreted
def test_frozen_rows_never_move(sg, sg_rule):
    p = small_problem()
    p.w_in[0, 1] = -0.0  # x + 0.0 would turn it into +0.0: the write must be skipped
    frozen = np.isin(np.arange(12), [0, 3, 7])
    kw = dict(SETTINGS, sg=sg, cbow_mean=True, sg_rule=sg_rule, subsample=False,
              shrink_windows=True)
    ref_in, ref_out, _, _ = reference_train(p, 0, len(SMALL_DOCS), frozen=frozen, **kw)
    got_in, got_out, _, _ = run_kernel(p, 0, len(SMALL_DOCS), frozen=frozen, **kw)
    assert got_in[frozen].tobytes() == p.w_in[frozen].tobytes()
    np.testing.assert_allclose(got_in, ref_in, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(got_out, ref_out, rtol=RTOL, atol=ATOL)
    assert not close(got_in[~frozen], p.w_in[~frozen])  # the others trained
    assert not close(got_out[frozen], p.w_out[frozen])  # and so did the frozen words' contexts
    with pytest.raises(ValueError, match="frozen has 2 entries"):
        run_kernel(p, 0, len(SMALL_DOCS), frozen=frozen[:2], **kw)


@pytest.mark.parametrize("sg,sg_rule", [(True, "block"), (True, "hogbatch"), (False, "block")],
                         ids=["skipgram_block", "skipgram_hogbatch", "cbow"])
@interpreted
def test_saturated_pairs_and_loss(sg, sg_rule):
    """Large weights: many pairs score |f| >= MAX_EXP, are skipped by the step but
    counted in the loss.
    """
    p = small_problem(scale=1.5)
    kw = dict(SETTINGS, sg=sg, sg_rule=sg_rule, cbow_mean=False, subsample=True,
              shrink_windows=True, seed=5)
    stats = {}
    ref_in, ref_out, ref_words, ref_loss = reference_train(p, 0, len(SMALL_DOCS), stats=stats, **kw)
    assert stats["saturated"] > 10
    got_in, got_out, words, loss = run_kernel(p, 0, len(SMALL_DOCS), compute_loss=True, **kw)
    np.testing.assert_allclose(got_in, ref_in, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(got_out, ref_out, rtol=RTOL, atol=ATOL)
    assert words == ref_words
    assert loss == pytest.approx(ref_loss, rel=1e-5)


@interpreted
def test_loss_is_zero_unless_asked_and_sentence_subrange():
    """A sub-range of sentences, its own learning-rate schedule, compute_loss=False."""
    p = small_problem()
    kw = dict(SETTINGS, sg=True, cbow_mean=True, subsample=True, shrink_windows=True)
    ref_in, ref_out, ref_words, _ = reference_train(p, 3, 6, **kw)
    got_in, got_out, words, loss = run_kernel(p, 3, 6, compute_loss=False, **kw)
    assert loss == 0.0 and words == ref_words
    np.testing.assert_allclose(got_in, ref_in, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(got_out, ref_out, rtol=RTOL, atol=ATOL)
    unchecked = run_kernel(p, 3, 6, validate=False, **kw)  # no data checks: same run
    assert np.array_equal(unchecked[0], got_in) and unchecked[2] == words
    # Rows of words outside sentences 3..5 are untouched on the input side.
    untouched = sorted(set(range(12)) - {w for d in SMALL_DOCS[3:6] for w in d})
    assert np.array_equal(got_in[untouched], p.w_in[untouched])


@pytest.mark.parametrize("programs", [3, 8])
@interpreted
def test_draws_do_not_depend_on_programs(programs):
    """The interpreter runs programs one after another, and the first takes every sentence
    from the shared counter, in order.

    So the kernel with several programs must equal the reference trained in
    corpus order, with the same draws (they are keyed by token, not program).
    """
    p = small_problem()
    last = len(SMALL_DOCS)
    kw = dict(SETTINGS, sg=True, cbow_mean=True, subsample=True, shrink_windows=True)
    ref_in, ref_out, ref_words, ref_loss = reference_train(p, 0, last, **kw)
    got_in, got_out, words, loss = run_kernel(p, 0, last, programs=programs,
                                              compute_loss=True, **kw)
    np.testing.assert_allclose(got_in, ref_in, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(got_out, ref_out, rtol=RTOL, atol=ATOL)
    assert words == ref_words and loss == pytest.approx(ref_loss, rel=1e-5)


# ---------------------------------------------------------------------------
# 2. The comparison can fail: wrong rules do not match
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("sg,cbow_mean,sg_rule,wrong", [
    (True, True, "block", "other_rule"),
    (True, True, "hogbatch", "other_rule"),
    (True, True, "block", "sequential"),
    (False, True, "block", "cbow_scaling"),
    (False, False, "block", "cbow_scaling"),
])
@interpreted
def test_wrong_rule_is_detected(sg, cbow_mean, sg_rule, wrong):
    p = small_problem()
    kw = dict(SETTINGS, sg=sg, cbow_mean=cbow_mean, sg_rule=sg_rule, subsample=False,
              shrink_windows=True)
    got_in, got_out, _, _ = run_kernel(p, 0, len(SMALL_DOCS), compute_loss=False, **kw)
    ok_in, ok_out, _, _ = reference_train(p, 0, len(SMALL_DOCS), **kw)
    bad_in, bad_out, _, _ = reference_train(p, 0, len(SMALL_DOCS), wrong=wrong, **kw)
    assert close(got_in, ok_in) and close(got_out, ok_out)
    assert not (close(got_in, bad_in) and close(got_out, bad_out))
    # ... and by far more than the tolerance.
    assert max(np.abs(got_in - bad_in).max(), np.abs(got_out - bad_out).max()) > 100 * ATOL


@interpreted
def test_other_seed_or_unshrunk_window_is_detected():
    p = small_problem()
    kw = dict(SETTINGS, sg=True, cbow_mean=True, subsample=True, shrink_windows=True)
    got_in, _, _, _ = run_kernel(p, 0, len(SMALL_DOCS), **kw)
    other_seed, _, _, _ = reference_train(p, 0, len(SMALL_DOCS), **dict(kw, seed=12))
    unshrunk, _, _, _ = reference_train(p, 0, len(SMALL_DOCS), **dict(kw, shrink_windows=False))
    assert not close(got_in, other_seed) and not close(got_in, unshrunk)


# ---------------------------------------------------------------------------
# 3. Several programs learn planted structure
# ---------------------------------------------------------------------------


@pytest.mark.slow  # tens of seconds (the interpreter; a compile)
@pytest.mark.parametrize("sg,alpha", [(True, 0.1), (False, 0.2)], ids=["skipgram", "cbow"])
@interpreted
def test_several_programs_recover_planted_groups(sg, alpha):
    """80 documents of 8 words, each from one of 4 groups of 5 words; 6 programs, one
    epoch in two calls.
    """
    docs, groups = planted_corpus(n_groups=4, group_size=5, n_docs=80, doc_len=8, seed=0)
    p = Problem(docs, 20, vector_size=16, seed=2, scale=0.1)
    p.w_out[:] = 0.0  # word2vec's start: output vectors at zero
    control = group_purity(p.w_in, groups)
    model = fk.FusedSGNS(16, 3, 4, sg=sg, cbow_mean=True, shrink_windows=True, programs=6,
                         max_sentence_length=16, device=CPU)
    t = p.tensors()
    start = time.perf_counter()
    for first, last, a0, a1, seed in [(0, 40, alpha, alpha / 2, 100),
                                      (40, 80, alpha / 2, 1e-3, 101)]:
        words, _ = model.train(t["ids"], t["offsets"], first, last, t["w_in"], t["w_out"],
                               t["keep_threshold"], t["noise_keep"], t["noise_alias"],
                               subsample=False, alpha_start=a0, alpha_end=a1, seed=seed)
        assert words == p.offsets[last] - p.offsets[first]
    elapsed = time.perf_counter() - start
    purity = group_purity(t["w_in"].numpy(), groups)
    print(f"planted sg={sg}: purity {purity:.3f} (control {control:.3f}), {elapsed:.1f} s")
    assert control < 0.5
    assert purity > 0.8
    assert np.isfinite(t["w_in"].numpy()).all()


# ---------------------------------------------------------------------------
# 4. Bad input is refused before launch
# ---------------------------------------------------------------------------


def _args(p=None, **over):
    p = p or small_problem()
    t = p.tensors()
    a = dict(ids=t["ids"], offsets=t["offsets"], first=0, last=len(SMALL_DOCS), w_in=t["w_in"],
             w_out=t["w_out"], keep_threshold=t["keep_threshold"], noise_keep=t["noise_keep"],
             noise_alias=t["noise_alias"])
    a.update(over)
    return a


def _model(**over):
    kw = dict(vector_size=8, window=3, negative=5, sg=True, cbow_mean=True, shrink_windows=True,
              programs=2, max_sentence_length=64, device=CPU)
    kw.update(over)
    return fk.FusedSGNS(**kw)


@interpreted
def test_refuses_bad_input_before_launch():
    model = _model()
    p = small_problem()
    a = _args(p)
    w_before = a["w_in"].clone()

    def refused(exc, match, **over):
        with pytest.raises(exc, match=match):
            model.train(**dict(a, **over))
        assert torch.equal(a["w_in"], w_before)  # nothing ran

    refused(ValueError, "Empty corpus", ids=torch.zeros(0, dtype=torch.int32),
            offsets=torch.zeros(1, dtype=torch.int64))
    refused(ValueError, "Empty corpus", first=2, last=3)  # sentence 2 holds no tokens
    refused(ValueError, "sentence range", first=3, last=3)
    refused(ValueError, "sentence range", first=0, last=len(SMALL_DOCS) + 1)
    bad_ids = a["ids"].clone()
    bad_ids[4] = 12
    refused(ValueError, "ids out of range", ids=bad_ids)
    bad_ids[4] = -1
    refused(ValueError, "ids out of range", ids=bad_ids)
    refused(TypeError, "w_in must have dtype float32", w_in=a["w_in"].double())
    refused(TypeError, "ids must have dtype", ids=a["ids"].float())
    refused(ValueError, "w_out .* must match", w_out=a["w_out"][:, :4].contiguous())
    refused(ValueError, "w_in has 16 columns", w_in=torch.zeros(12, 16), w_out=torch.zeros(12, 16))
    refused(ValueError, "contiguous", w_in=torch.zeros(8, 12).t())
    refused(ValueError, "keep_threshold has", keep_threshold=a["keep_threshold"][:5])
    refused(ValueError, "noise_alias out of range", noise_alias=a["noise_alias"] + 12)
    with pytest.raises(ValueError, match="over max_sentence_length=10"):
        _model(max_sentence_length=10).train(
            **dict(a, offsets=torch.tensor([0, len(p.ids)]), last=1))
    refused(ValueError, "non-decreasing", offsets=torch.tensor([0, 5, 3, len(p.ids)]), last=3)
    refused(TypeError, "must be a torch.Tensor", w_in=p.w_in)
    if torch.cuda.is_available():
        refused(ValueError, "is on cuda", w_in=a["w_in"].cuda())
    meta = a["w_in"].to("meta")
    refused(ValueError, "is on meta", w_in=meta)


@interpreted
def test_refuses_configurations_the_kernel_cannot_take():
    with pytest.raises(ValueError, match="vector_size=2000"):
        _model(vector_size=2000)
    with pytest.raises(ValueError, match="context tile"):
        _model(vector_size=1024, window=16)  # 32 x 1024 block
    with pytest.raises(ValueError, match="target tile"):
        _model(vector_size=1024, window=2, negative=40)  # 64 x 1024 block
    with pytest.raises(ValueError, match="window=0"):
        _model(window=0)
    with pytest.raises(ValueError, match="negative=64"):
        _model(negative=64)
    with pytest.raises(TypeError, match="window must be an int"):
        _model(window=2.5)
    with pytest.raises(ValueError, match="num_warps=3"):
        _model(num_warps=3)
    with pytest.raises(ValueError, match="sg_rule must be one of"):
        _model(sg_rule="pairs")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA is not available"):
            _model(device="cuda")
    # survivors, then the 8 x 8 scratch of input steps (2 * window = 6 and vector_size = 8
    # rounded up to powers of two), per program
    assert _model(programs=3, max_sentence_length=100).workspace_bytes == 4 * 3 * (100 + 64)


# ---------------------------------------------------------------------------
# The compiler takes the kernel too (the interpreter is more lenient)
# ---------------------------------------------------------------------------

_COMPILE_CHILD = """
import sys
try:
    import triton.backends.nvidia  # noqa: F401
except ImportError:
    sys.exit(3)
import sklearn_w2v.backends.torch._fused as fk
assert not fk.INTERPRETED
for sg, rule, cbow_mean, dim, window, negative in [
        (True, "block", True, 100, 5, 5), (True, "hogbatch", True, 100, 5, 5),
        (False, "block", False, 100, 5, 5)]:
    c = fk.compile_offline(dim, window, negative, sg=sg, sg_rule=rule, cbow_mean=cbow_mean,
                           arch=90)
    ptx = c.asm["ptx"]
    assert ".target sm_90" in ptx and ("red.global" in ptx or "atom.global" in ptx), ptx[:500]
    print("compiled", sg, cbow_mean, dim, window, negative, len(c.asm["cubin"]), "bytes")
"""


@pytest.mark.slow  # tens of seconds (the interpreter; a compile)
def test_kernel_compiles_for_hopper_without_a_gpu(request, tmp_path):
    """Compile (no launch) for sm_90 in a child process without the interpreter.

    The interpreter runs code the compiler refuses (it let a non-constexpr
    global through once); ptxas ships with triton's wheel.
    """
    env = dict(os.environ)
    env.pop("TRITON_INTERPRET", None)
    env["TRITON_CACHE_DIR"] = str(tmp_path)  # a first compile, every time
    env["PYTHONPATH"] = os.pathsep.join(p for p in [str(request.config.rootpath),
                                                    env.get("PYTHONPATH", "")] if p)
    done = subprocess.run([sys.executable, "-c", _COMPILE_CHILD], env=env, capture_output=True,
                          text=True, timeout=600)
    if done.returncode == 3:
        pytest.skip("triton has no NVIDIA backend here")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    assert done.stdout.count("compiled") == 3


# ---------------------------------------------------------------------------
# 5. On a real GPU (skipped without one)
# ---------------------------------------------------------------------------

needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")


def _rerun_compiled(request):
    """Run this test again in a child process where triton compiles the kernel."""
    env = dict(os.environ, FUSED_TEST_COMPILED="1")
    env.pop("TRITON_INTERPRET", None)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", request.node.nodeid],
        cwd=str(request.config.rootpath), env=env, capture_output=True, text=True, timeout=900)
    print(done.stdout[-3000:])
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-5000:]
    assert " passed" in done.stdout


@needs_cuda
@pytest.mark.parametrize("sg,cbow_mean", [(True, True), (False, True), (False, False)],
                         ids=["skipgram", "cbow_mean", "cbow_sum"])
def test_cuda_one_program_matches_reference(sg, cbow_mean, request):
    if fk.INTERPRETED:
        return _rerun_compiled(request)
    p = small_problem()
    kw = dict(SETTINGS, sg=sg, cbow_mean=cbow_mean, subsample=True, shrink_windows=True)
    ref_in, ref_out, ref_words, ref_loss = reference_train(p, 0, len(SMALL_DOCS), **kw)
    got_in, got_out, words, loss = run_kernel(p, 0, len(SMALL_DOCS), device=torch.device("cuda"),
                                              compute_loss=True, **kw)
    assert words == ref_words
    np.testing.assert_allclose(got_in, ref_in, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got_out, ref_out, rtol=1e-4, atol=1e-5)
    assert loss == pytest.approx(ref_loss, rel=1e-4)


@needs_cuda
@pytest.mark.parametrize("sg", [True, False], ids=["skipgram", "cbow"])
def test_cuda_many_programs_learn(sg, request):
    if fk.INTERPRETED:
        return _rerun_compiled(request)
    dev = torch.device("cuda")
    # One sequential epoch of half these documents (the NumPy reference) reaches purity 1.0.
    docs, groups = planted_corpus(n_groups=8, group_size=10, n_docs=3000, doc_len=10, seed=0)
    p = Problem(docs, 80, vector_size=32, seed=2, scale=0.05)
    p.w_out[:] = 0.0
    model = fk.FusedSGNS(32, 4, 5, sg=sg, cbow_mean=True, shrink_windows=True, programs=128,
                         max_sentence_length=16, device=dev)
    t = p.tensors(dev)
    alpha = 0.05 if sg else 0.1
    for epoch in range(3):
        words, loss = model.train(t["ids"], t["offsets"], 0, len(docs), t["w_in"], t["w_out"],
                                  t["keep_threshold"], t["noise_keep"], t["noise_alias"],
                                  subsample=False, alpha_start=alpha * (1 - epoch / 3),
                                  alpha_end=alpha * (1 - (epoch + 1) / 3) + 1e-4,
                                  seed=7 + epoch, compute_loss=True)
        assert words == len(p.ids) and np.isfinite(loss)
    assert np.isfinite(t["w_in"].cpu().numpy()).all()
    assert group_purity(t["w_in"].cpu().numpy(), groups) > 0.9


@needs_cuda
def test_cuda_frozen_rows_never_move(request):
    if fk.INTERPRETED:
        return _rerun_compiled(request)
    p = small_problem()
    p.w_in[0, 1] = -0.0
    frozen = np.isin(np.arange(12), [0, 3, 7])
    kw = dict(SETTINGS, sg=True, cbow_mean=True, subsample=False, shrink_windows=True)
    got_in, _, _, _ = run_kernel(p, 0, len(SMALL_DOCS), programs=4, device=torch.device("cuda"),
                                 frozen=frozen, **kw)
    assert got_in[frozen].tobytes() == p.w_in[frozen].tobytes()
    assert not close(got_in[~frozen], p.w_in[~frozen])
