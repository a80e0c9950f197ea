"""The torch backend: update rule, batches, sampling, autograd modules, estimator use."""

import dataclasses
import pickle
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from sklearn.base import clone  # noqa: E402

import sklearn_w2v.backends.torch as tt  # noqa: E402
import sklearn_w2v.backends.torch._trainer as trainer_module  # noqa: E402  (steps replaced below)
from sklearn_w2v import W2V  # noqa: E402
from sklearn_w2v.backends import backend_options, get_trainer  # noqa: E402
from sklearn_w2v.backends.torch import Batch, SGNSModule, sgns_step_  # noqa: E402
from sklearn_w2v.corpus import EncodedCorpus  # noqa: E402
from sklearn_w2v.training import (  # noqa: E402  # noqa: E402
    MAX_EXP,
    ProgressReporter,
    TrainConfig,
    initial_vectors,
    keep_probabilities,
    noise_distribution,
    sampling_tables,
)

from helpers import group_purity, planted_corpus  # noqa: E402

cuda_only = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")

FAST = dict(vector_size=16, min_count=1, epochs=3, n_jobs=1, random_state=0,
            backend="torch", device="cpu")


# --------------------------------------------------------------- the update rule
def ref_step(inp, out, inputs, input_mask, targets, target_mask, alpha, sg, cbow_mean):
    """NumPy float64 reference of one batched step: every gradient from the old weights, summed."""
    inp, out = inp.astype(np.float64), out.astype(np.float64)
    d_in, d_out = np.zeros_like(inp), np.zeros_like(out)
    for n in range(len(targets)):
        words = [w for w, m in zip(inputs[n], input_mask[n]) if m]
        if not words:
            continue
        hidden = inp[words].sum(0)
        if not sg and cbow_mean:
            hidden /= len(words)
        grad = np.zeros_like(hidden)
        for k, t in enumerate(targets[n]):
            f = hidden @ out[t]
            if not target_mask[n][k] or abs(f) >= MAX_EXP:
                continue
            g = alpha * ((k == 0) - 1 / (1 + np.exp(-f)))
            grad += g * out[t]
            d_out[t] += g * hidden
        if not sg and not cbow_mean:
            grad /= len(words)
        for w in words:
            d_in[w] += grad
    return inp + d_in, out + d_out


def make_batch(inputs, input_mask, targets, target_mask, alpha, sg, cbow_mean):
    t = lambda a, dt=torch.int64: torch.tensor(a, dtype=dt)  # noqa: E731
    inputs = t(inputs)
    return Batch(inputs, t(input_mask, torch.bool), torch.ones_like(inputs), t(targets),
                 t(target_mask, torch.bool), alpha, sg, cbow_mean)


@pytest.fixture
def weights():
    rng = np.random.default_rng(3)
    inp = rng.normal(scale=0.6, size=(8, 5)).astype(np.float32)
    out = rng.normal(scale=0.6, size=(8, 5)).astype(np.float32)
    inp[7] *= 8  # word 7 saturates some scores: those pairs must be skipped
    out[6] *= 8
    return inp, out


SG_CASE = dict(
    inputs=[[2], [2], [7], [4], [0]],  # a repeated input word gets two summed updates
    input_mask=[[True]] * 5,
    targets=[[1, 3, 3, 6], [5, 1, 6, 0], [3, 6, 1, 2], [4, 4, 5, 6], [6, 1, 2, 3]],
    target_mask=[[1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1], [1, 0, 1, 1], [1, 1, 1, 1]],
)
CBOW_CASE = dict(
    inputs=[[0, 4, 6, 4], [1, 2, 0, 0], [0, 0, 0, 0], [7, 3, 5, 0]],
    input_mask=[[1, 1, 1, 1], [1, 1, 0, 0], [0, 0, 0, 0], [1, 1, 1, 0]],
    targets=[[2, 1, 3], [3, 3, 6], [5, 1, 2], [2, 6, 1]],
    target_mask=[[1, 1, 1], [1, 1, 1], [0, 0, 0], [1, 1, 1]],
)
CASES = [("sg", SG_CASE, True, True), ("cbow_mean", CBOW_CASE, False, True),
         ("cbow_sum", CBOW_CASE, False, False)]


@pytest.mark.parametrize("name,case,sg,cbow_mean", CASES, ids=[c[0] for c in CASES])
def test_hand_written_step_matches_numpy_reference(weights, name, case, sg, cbow_mean):
    inp, out = weights
    want_in, want_out = ref_step(inp, out, **case, alpha=0.1, sg=sg, cbow_mean=cbow_mean)
    w_in, w_out = torch.tensor(inp), torch.tensor(out)
    sgns_step_(w_in, w_out, make_batch(**case, alpha=0.1, sg=sg, cbow_mean=cbow_mean))
    np.testing.assert_allclose(w_in.numpy(), want_in, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(w_out.numpy(), want_out, rtol=1e-5, atol=1e-6)
    assert not np.allclose(w_out.numpy(), out, atol=1e-3)  # the step did something


def test_reference_skips_saturated_pairs(weights):
    """The fixture really contains saturated pairs (else the skip goes untested)."""
    inp, out = weights
    assert abs(inp[7] @ out[6]) >= MAX_EXP


@pytest.mark.parametrize("name,case,sg,cbow_mean", CASES, ids=[c[0] for c in CASES])
def test_default_module_autograd_step_equals_hand_written_step(weights, name, case, sg, cbow_mean):
    inp, out = weights
    batch = make_batch(**case, alpha=0.1, sg=sg, cbow_mean=cbow_mean)
    w_in, w_out = torch.tensor(inp), torch.tensor(out)
    sgns_step_(w_in, w_out, batch)

    module = SGNSModule(8, 5, input_vectors=torch.tensor(inp), output_vectors=torch.tensor(out))
    module(batch).backward()
    assert module.input_embedding.weight.grad.is_sparse  # sparse gradients, as documented
    tt.sgd_step_(module.parameters(), 0.1)
    a_in, a_out = module.export_vectors()
    torch.testing.assert_close(a_in.detach(), w_in, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(a_out.detach(), w_out, rtol=1e-5, atol=1e-6)


def test_step_loss_is_negative_sampling_loss(weights):
    inp, out = weights
    batch = make_batch(**SG_CASE, alpha=0.1, sg=True, cbow_mean=True)
    loss = sgns_step_(torch.tensor(inp), torch.tensor(out), batch, compute_loss=True)
    want = 0.0
    for n, row in enumerate(SG_CASE["targets"]):
        h = inp[SG_CASE["inputs"][n][0]].astype(np.float64)
        for k, t in enumerate(row):
            if SG_CASE["target_mask"][n][k]:
                s = h @ out[t] if k == 0 else -(h @ out[t])
                want += np.log1p(np.exp(-s))
    assert float(loss) == pytest.approx(want, rel=1e-5)


# ----------------------------------------------------------- batches and sampling
def tiny_corpus(sentences):
    ids = np.concatenate([np.asarray(s, dtype=np.int32) for s in sentences])
    offsets = np.concatenate(([0], np.cumsum([len(s) for s in sentences]))).astype(np.int64)
    return EncodedCorpus(ids, offsets)


def test_skip_gram_batch_holds_exactly_the_window_pairs():
    sentences = [[0, 1, 2, 3], [4, 5], [6]]
    corpus = tiny_corpus(sentences)
    config = TrainConfig(window=2, sample=0, shrink_windows=False, sg=True, negative=2)
    counts = np.ones(7, dtype=np.int64)
    gen = torch.Generator().manual_seed(0)
    tables = tt.DeviceTables(sampling_tables(counts, config.sample, config.ns_exponent),
                             config.window, torch.device("cpu"))
    chunk = tt.Chunk(torch.from_numpy(corpus.ids), torch.from_numpy(np.diff(corpus.offsets)),
                      tables, config, gen)
    batch = chunk.batch(0, 100, 0.01, tables, gen)
    got = sorted(zip(batch.targets[:, 0].tolist(), batch.inputs[:, 0].tolist(),
                     batch.distances[:, 0].tolist()))
    want = sorted((s[i], s[j], j - i) for s in sentences for i in range(len(s))
                  for j in range(len(s)) if i != j and abs(i - j) <= 2)
    assert got == want
    assert batch.targets.shape == (len(want), 3)
    # A noise draw equal to the true word is masked out, nothing else is.
    noise_is_word = batch.targets[:, 1:] == batch.targets[:, :1]
    assert torch.equal(batch.target_mask[:, 1:], ~noise_is_word)


def test_cbow_batch_windows_shrink_within_reach():
    corpus = tiny_corpus([list(range(10))])
    config = TrainConfig(window=3, sample=0, sg=False)
    tables = tt.DeviceTables(
        sampling_tables(np.ones(10, dtype=np.int64), config.sample, config.ns_exponent),
        config.window, torch.device("cpu"))
    gen = torch.Generator().manual_seed(1)
    chunk = tt.Chunk(torch.from_numpy(corpus.ids), torch.tensor([10]), tables, config, gen)
    batch = chunk.batch(0, 10, 0.01, tables, gen)
    assert batch.inputs.shape == (10, 6)
    reach = (batch.distances.abs() * batch.input_mask).amax(1)
    for n in range(10):  # every slot within the drawn reach and the sentence is used
        want = [j for j in range(10) if j != n and abs(j - n) <= reach[n]]
        assert sorted(batch.inputs[n][batch.input_mask[n]].tolist()) == want
    assert len(set(reach.tolist())) > 1  # reaches really vary


def test_noise_draws_follow_the_noise_distribution():
    counts = np.array([500, 200, 50, 10, 1], dtype=np.int64)
    config = TrainConfig(ns_exponent=0.75)
    tables = tt.DeviceTables(sampling_tables(counts, config.sample, config.ns_exponent),
                             config.window, torch.device("cpu"))
    draws = tables.noise((200_000,), torch.Generator().manual_seed(0))
    freq = np.bincount(draws.numpy(), minlength=5) / 200_000
    np.testing.assert_allclose(freq, noise_distribution(counts, 0.75), atol=4e-3)


def test_subsampling_keeps_the_expected_share():
    rng = np.random.default_rng(0)
    counts = np.array([20_000, 5_000, 500, 100, 50], dtype=np.int64)
    ids = rng.permutation(np.repeat(np.arange(5), counts)).astype(np.int32)
    corpus = EncodedCorpus(ids, np.arange(0, len(ids) + 1, 50, dtype=np.int64))
    config = TrainConfig(vector_size=4, sample=1e-2, epochs=2)
    inp, out = initial_vectors(5, 4, 0)
    stats = get_trainer("torch", device="cpu").train(corpus, counts, config, inp, out).stats
    want = 2 * (keep_probabilities(counts, 1e-2) * counts).sum()
    assert stats.effective_words == pytest.approx(want, rel=0.02)
    assert stats.effective_words < 0.8 * stats.words  # the rule did drop words


def test_chunks_cover_the_sentences_once():
    offsets = np.array([0, 3, 10, 11, 30, 31, 35], dtype=np.int64)
    chunks = tt.chunk_ranges(offsets, 8)
    assert chunks[0][0] == 0 and chunks[-1][1] == 6
    assert all(a[1] == b[0] for a, b in zip(chunks, chunks[1:]))
    assert all(s1 > s0 for s0, s1 in chunks)


# ---------------------------------------------------------- training end to end
def train_planted(docs, **kw):
    return W2V(vector_size=24, window=3, min_count=1, epochs=5, n_jobs=1, random_state=0,
               **kw).fit(docs)


@pytest.mark.parametrize("sg", [0, 1])
@pytest.mark.parametrize("backend", ["numba", "torch"])
def test_backends_recover_planted_groups(planted, backend, sg):
    docs, groups = planted
    assert group_purity(train_planted(docs, sg=sg, backend=backend).wv_, groups) > 0.9


def test_torch_untrained_control_fails_the_planted_check(planted):
    docs, groups = planted
    m = train_planted(docs, backend="torch", device="cpu", alpha=1e-9, min_alpha=1e-9)
    assert group_purity(m.wv_, groups) < 0.4


def test_streamed_small_chunks_still_train(planted):
    """Corpus left on the host and cut into many chunks: the streaming path."""
    docs, groups = planted
    from sklearn_w2v.corpus import encode_for_training
    vocab, corpus, _, _ = encode_for_training(docs, min_count=1)
    config = TrainConfig(vector_size=24, window=3, epochs=5, sg=True)
    inp, out = initial_vectors(len(vocab), 24, 0)
    trainer = tt.TorchTrainer(device="cpu", chunk_tokens=500, corpus_on_device=False)
    result = trainer.train(corpus, vocab.counts, config, inp, out)
    from sklearn_w2v.vectors import to_keyed_vectors
    assert group_purity(to_keyed_vectors(vocab.words, vocab.counts, result.input_vectors),
                        groups) > 0.9


def test_cpu_run_is_reproducible_and_seeded(planted):
    docs = planted[0][:300]
    a = W2V(**FAST).fit(docs).wv_.vectors
    b = W2V(**FAST).fit(docs).wv_.vectors
    c = W2V(**{**FAST, "random_state": 1}).fit(docs).wv_.vectors
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_thread_count_set_and_restored(planted):
    before = torch.get_num_threads()
    seen = []
    real_step = trainer_module.sgns_step_

    def spy(*args, **kw):
        seen.append(torch.get_num_threads())
        return real_step(*args, **kw)

    trainer_module.sgns_step_ = spy
    try:
        W2V(**{**FAST, "n_jobs": 2 if before == 1 else 1}).fit(planted[0][:100])
    finally:
        trainer_module.sgns_step_ = real_step
    assert set(seen) == {2 if before == 1 else 1}
    assert torch.get_num_threads() == before


def test_keyboard_interrupt_propagates_with_consistent_weights(planted, monkeypatch):
    from sklearn_w2v.corpus import encode_for_training
    vocab, corpus, _, _ = encode_for_training(planted[0], min_count=1)
    config = TrainConfig(vector_size=8, epochs=3)
    inp, out = initial_vectors(len(vocab), 8, 0)
    start = inp.copy()
    calls = []
    real_step = trainer_module.sgns_step_

    def interrupted(*args, **kw):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_step(*args, **kw)

    monkeypatch.setattr(trainer_module, "sgns_step_", interrupted)
    before = torch.get_num_threads()
    with pytest.raises(KeyboardInterrupt):
        tt.TorchTrainer(device="cpu", batch_size=64).train(corpus, vocab.counts, config, inp, out)
    assert len(calls) == 3
    assert np.isfinite(inp).all() and np.isfinite(out).all()
    assert not np.array_equal(inp, start)  # the two finished steps are kept
    assert torch.get_num_threads() == before


def test_keyboard_interrupt_keeps_a_custom_module_s_progress(planted):
    """The module's weights are exported even when training is interrupted."""

    class Copying(SGNSModule):
        calls = 0

        def __init__(self, n_words, vector_size, *, input_vectors, output_vectors, config):
            super().__init__(n_words, vector_size, input_vectors=input_vectors.clone(),
                             output_vectors=output_vectors.clone())

        def forward(self, batch):
            Copying.calls += 1
            if Copying.calls == 4:
                raise KeyboardInterrupt
            return super().forward(batch)

    from sklearn_w2v.corpus import encode_for_training
    vocab, corpus, _, _ = encode_for_training(planted[0], min_count=1)
    inp, out = initial_vectors(len(vocab), 8, 0)
    with pytest.raises(KeyboardInterrupt):
        tt.TorchTrainer(device="cpu", batch_size=64, torch_module=Copying).train(
            corpus, vocab.counts, TrainConfig(vector_size=8, epochs=3), inp, out)
    assert Copying.calls == 4 and np.abs(out).sum() > 0


def test_epoch_loss_recorded_when_asked(planted):
    @dataclasses.dataclass(frozen=True)
    class LossConfig(TrainConfig):
        compute_loss: bool = True

    from sklearn_w2v.corpus import encode_for_training
    vocab, corpus, _, _ = encode_for_training(planted[0], min_count=1)
    inp, out = initial_vectors(len(vocab), 16, 0)
    for module in (None, SGNSModule):
        stats = tt.TorchTrainer(device="cpu", torch_module=module).train(
            corpus, vocab.counts, LossConfig(vector_size=16, epochs=3, sg=True),
            inp.copy(), out.copy()).stats
        losses = stats.epoch_loss
        assert len(losses) == 3 and losses[2] < losses[0]
    plain = tt.TorchTrainer(device="cpu").train(
        corpus, vocab.counts, TrainConfig(vector_size=16, epochs=1), inp.copy(), out.copy())
    assert plain.stats.epoch_loss is None


# ------------------------------------------------------------- custom modules
class DistanceWeightedCBOW(SGNSModule):
    """CBOW whose context words weigh (window + 1 - distance), normalised per example."""

    def __init__(self, n_words, vector_size, *, input_vectors, output_vectors, config):
        super().__init__(n_words, vector_size, input_vectors=input_vectors,
                         output_vectors=output_vectors)
        self.window = config.window

    def hidden(self, batch):
        w = (self.window + 1 - batch.distances.abs()) * batch.input_mask
        w = w / w.sum(1, keepdim=True).clamp(min=1)
        return (self.input_embedding(batch.inputs) * w.unsqueeze(2)).sum(1)


def test_custom_module_trains_and_is_exported(planted):
    docs, groups = planted
    m = train_planted(docs, backend="torch", device="cpu", torch_module=DistanceWeightedCBOW)
    assert group_purity(m.wv_, groups) > 0.9
    assert m.context_vectors_.shape == m.wv_.vectors.shape
    assert np.abs(m.context_vectors_).sum() > 0


def test_custom_module_export_reaches_the_result(planted):
    """A module that copies its weights (instead of adopting them) still gets exported."""

    class Copying(SGNSModule):
        def __init__(self, n_words, vector_size, *, input_vectors, output_vectors, config):
            super().__init__(n_words, vector_size, input_vectors=input_vectors.clone(),
                             output_vectors=output_vectors.clone())

    from sklearn_w2v.corpus import encode_for_training
    vocab, corpus, _, _ = encode_for_training(planted[0][:200], min_count=1)
    inp, out = initial_vectors(len(vocab), 8, 0)
    start = inp.copy()
    result = tt.TorchTrainer(device="cpu", torch_module=Copying).train(
        corpus, vocab.counts, TrainConfig(vector_size=8, epochs=3), inp, out)
    assert not np.array_equal(result.input_vectors, start)  # needs a step after the first
    assert np.abs(result.output_vectors).sum() > 0
    assert result.stats.details["path"] == "autograd"


def test_bad_modules_are_rejected(planted):
    from sklearn_w2v.corpus import encode_for_training
    vocab, corpus, _, _ = encode_for_training(planted[0][:50], min_count=1)
    args = (corpus, vocab.counts, TrainConfig(vector_size=4, epochs=1),
            *initial_vectors(len(vocab), 4, 0))
    with pytest.raises(TypeError, match="torch_module must be"):
        tt.TorchTrainer(device="cpu", torch_module="SGNSModule")
    with pytest.raises(TypeError, match="must return a torch.nn.Module"):
        tt.TorchTrainer(device="cpu", torch_module=lambda *a, **k: object()).train(*args)
    with pytest.raises(TypeError, match="export_vectors"):
        tt.TorchTrainer(device="cpu",
                        torch_module=lambda *a, **k: torch.nn.Linear(2, 2)).train(*args)


# ------------------------------------------------------------------ estimator
def test_estimator_fit_transform_clone_pickle(planted):
    docs = planted[0][:300]
    m = W2V(**FAST).fit(docs)
    assert m.training_stats_["backend"] == "torch"
    X = m.transform(docs[:5])
    assert X.shape == (5, 16) and X.dtype == np.float32
    c = clone(m)
    assert c.get_params() == m.get_params() and not hasattr(c, "wv_")
    c2 = clone(W2V(**{**FAST, "torch_module": DistanceWeightedCBOW}))
    assert c2.torch_module is DistanceWeightedCBOW
    back = pickle.loads(pickle.dumps(m))
    np.testing.assert_array_equal(back.transform(docs[:5]), X)
    assert not W2V(**FAST).__sklearn_tags__().non_deterministic


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the no-CUDA error")
def test_unavailable_cuda_is_a_clear_error(planted):
    with pytest.raises(ValueError, match="CUDA is not available"):
        W2V(**{**FAST, "device": "cuda"}).fit(planted[0][:20])


@pytest.mark.parametrize("device", ["tpu", "cuda:x", "not a device"])
def test_bad_device_names(planted, device):
    with pytest.raises(ValueError, match="device"):
        W2V(**{**FAST, "device": device}).fit(planted[0][:20])


def test_numba_backend_rejects_torch_options(planted):
    with pytest.raises(ValueError, match="backend='torch'"):
        W2V(**{**FAST, "backend": "numba", "device": "cuda"}).fit(planted[0][:20])
    with pytest.raises(ValueError, match="backend='torch'"):
        W2V(**{**FAST, "backend": "numba", "device": None, "torch_module": SGNSModule}).fit(
            planted[0][:20])
    W2V(**{**FAST, "backend": "numba", "device": "cpu"}).fit(planted[0][:20])  # allowed
    for option in ({"kernel": "fused"}, {"programs": 64}):
        with pytest.raises(ValueError, match="needs backend='torch'"):
            W2V(**{**FAST, "backend": "numba", **option}).fit(planted[0][:20])


def test_the_torch_backend_s_public_api_is_what_was_decided():
    import sklearn_w2v.backends.torch as package

    assert sorted(package.__all__) == ["Batch", "SGNSModule", "SPEC", "TorchTrainer",
                                       "negative_sampling_loss"]
    assert package.SPEC.options == {"device": None, "torch_module": None, "kernel": "auto",
                                    "programs": None}


def test_kernel_and_programs_reach_the_trainer_from_the_estimator(planted, monkeypatch):
    """``W2V(kernel=..., programs=...)`` are torch backend options (``SPEC.options``)."""
    model = W2V(**{**FAST, "backend": "torch", "device": "cpu", "kernel": "batched",
                   "programs": 7})
    assert backend_options("torch", model.get_params()) == {
        "device": "cpu", "torch_module": None, "kernel": "batched", "programs": 7}
    built = []
    original = tt.TorchTrainer.__init__

    def spy(self, **options):
        built.append(options)
        original(self, **options)

    monkeypatch.setattr(tt.TorchTrainer, "__init__", spy)
    model.fit(planted[0][:20])
    assert built and built[0]["kernel"] == "batched" and built[0]["programs"] == 7
    assert model.training_stats_["backend_details"]["path"] == "hand-written"
    for bad in ({"kernel": "cuda-graphs"}, {"programs": 0}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            W2V(**{**FAST, "backend": "torch", **bad}).fit(planted[0][:20])


def test_missing_torch_gives_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` fail
    for name in list(sys.modules):
        if name.startswith("sklearn_w2v.backends.torch."):
            monkeypatch.delitem(sys.modules, name)
    with pytest.raises(ImportError, match=r'pip install "sklearn-w2v\[torch\]"'):
        get_trainer("torch")
    with pytest.raises(ImportError, match="Install torch first"):
        W2V(backend="torch").fit([["a", "b"]])
    assert W2V(backend="torch", n_jobs=1).__sklearn_tags__().non_deterministic is False


NO_TORCH = """
import importlib.abc, sys

class NoTorch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] == "torch":
            raise ImportError("No module named 'torch'")

sys.meta_path.insert(0, NoTorch())
"""


def test_package_works_without_torch():
    """In a fresh interpreter where torch cannot be imported."""
    import subprocess
    code = NO_TORCH + (
        "import sklearn_w2v\n"
        "from sklearn_w2v.backends import backend_names, get_trainer\n"
        "assert 'torch' in backend_names() and 'torch' not in sys.modules\n"
        "assert not sklearn_w2v.W2V(backend='torch', n_jobs=1)"
        ".__sklearn_tags__().non_deterministic\n"
        "try:\n"
        "    get_trainer('torch')\n"
        "except ImportError as exc:\n"
        "    assert 'pip install \"sklearn-w2v[torch]\"' in str(exc), exc\n"
        "else:\n"
        "    raise AssertionError('no ImportError')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------------- CUDA
@cuda_only
def test_cuda_default_device_and_memory_stats(planted):
    docs, groups = planted
    m = train_planted(docs, backend="torch", device=None)
    assert group_purity(m.wv_, groups) > 0.9
    assert W2V(backend="torch", n_jobs=1).__sklearn_tags__().non_deterministic


@cuda_only
@pytest.mark.parametrize("on_device", [True, False])
def test_cuda_trainer_reports_peak_memory(planted, on_device):
    from sklearn_w2v.corpus import encode_for_training
    from sklearn_w2v.vectors import to_keyed_vectors
    vocab, corpus, _, _ = encode_for_training(planted[0], min_count=1)
    inp, out = initial_vectors(len(vocab), 16, 0)
    result = tt.TorchTrainer(device="cuda", weights_on_device=on_device,
                             corpus_on_device=on_device).train(
        corpus, vocab.counts, TrainConfig(vector_size=16, epochs=5, window=3), inp, out)
    assert result.stats.details["cuda_max_memory_allocated"] > 0
    assert result.stats.device.startswith("cuda")
    assert result.stats.details["weights_on_device"] is on_device
    wv = to_keyed_vectors(vocab.words, vocab.counts, result.input_vectors)
    assert group_purity(wv, planted[1]) > 0.9


@cuda_only
def test_cuda_step_matches_cpu_step(weights):
    inp, out = weights
    batch = make_batch(**SG_CASE, alpha=0.1, sg=True, cbow_mean=True)
    cpu_in, cpu_out = torch.tensor(inp), torch.tensor(out)
    sgns_step_(cpu_in, cpu_out, batch)
    values = (getattr(batch, f.name) for f in dataclasses.fields(Batch))
    cuda_batch = Batch(*(v.cuda() if isinstance(v, torch.Tensor) else v for v in values))
    g_in, g_out = torch.tensor(inp).cuda(), torch.tensor(out).cuda()
    sgns_step_(g_in, g_out, cuda_batch)
    torch.testing.assert_close(g_in.cpu(), cpu_in, rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(g_out.cpu(), cpu_out, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("module", [None, SGNSModule])
@pytest.mark.parametrize("sg", [True, False])
def test_sentences_without_context_train_nothing(module, sg):
    """One-word sentences give empty skip-gram batches and input-less CBOW examples."""
    corpus = tiny_corpus([[0], [1], [2], [1]])
    inp, out = initial_vectors(3, 4, 0)
    start_in, start_out = inp.copy(), out.copy()
    result = tt.TorchTrainer(device="cpu", torch_module=module).train(
        corpus, np.array([1, 2, 1]), TrainConfig(vector_size=4, sample=0, sg=sg), inp, out)
    np.testing.assert_array_equal(result.input_vectors, start_in)
    np.testing.assert_array_equal(result.output_vectors, start_out)
    assert result.stats.effective_words == 4 * 5


def test_verbose_progress_lines(planted, capsys, monkeypatch):
    monkeypatch.setattr(ProgressReporter, "every", 0.0)
    W2V(**{**FAST, "verbose": 1}).fit(planted[0][:100])
    err = capsys.readouterr().err
    assert "Progress: 100.00%" in err and "Words/thread/sec" in err


@pytest.mark.parametrize("sg", [True, False])
def test_host_weights_fallback_equals_resident_weights(planted, sg):
    """Rows copied per step (weights too large for the device) give the same training."""
    from sklearn_w2v.corpus import encode_for_training
    vocab, corpus, _, _ = encode_for_training(planted[0][:300], min_count=1)
    config = TrainConfig(vector_size=8, epochs=2, sg=sg, seed=3)
    results = []
    for on_device in (True, False):
        inp, out = initial_vectors(len(vocab), 8, 0)
        trainer = tt.TorchTrainer(device="cpu", batch_size=128, weights_on_device=on_device)
        results.append(trainer.train(corpus, vocab.counts, config, inp, out))
    assert results[1].stats.details["weights_on_device"] is False
    np.testing.assert_allclose(results[0].input_vectors, results[1].input_vectors, atol=1e-6)
    np.testing.assert_allclose(results[0].output_vectors, results[1].output_vectors, atol=1e-6)
    with pytest.raises(ValueError, match="custom torch modules"):
        tt.TorchTrainer(device="cpu", torch_module=SGNSModule, weights_on_device=False).train(
            corpus, vocab.counts, config, *initial_vectors(len(vocab), 8, 0))


def test_step_shrinks_for_a_hot_noise_word():
    sg = TrainConfig(sg=True, window=5, negative=5)
    assert tt.centres_per_step(1024, sg, 0.0197) == 507  # en-mix skip-gram
    assert tt.centres_per_step(1024, TrainConfig(sg=False), 0.0197) == 1024  # en-mix CBOW
    small = tt.centres_per_step(1024, sg, 0.2)  # a five-word vocabulary
    assert 20 < small < 100
    corpus = tiny_corpus([[0, 1, 2, 3, 4] * 20] * 10)
    stats = tt.TorchTrainer(device="cpu").train(
        corpus, np.full(5, 200), TrainConfig(vector_size=4, sg=True, epochs=1),
        *initial_vectors(5, 4, 0)).stats
    assert stats.details["batch_size"] == small


# ------------------------------------------------------------- the fused kernel path
def small_planted_corpus():
    """60 documents of 6 words from 3 groups of 4 words: small enough for Triton's interpreter."""
    from sklearn_w2v.corpus import encode_for_training

    docs, groups = planted_corpus(n_groups=3, group_size=4, n_docs=60, doc_len=6, seed=1)
    return encode_for_training(docs, min_count=1), groups


def test_kernel_choice_and_its_errors():
    assert tt.TorchTrainer(device="cpu").kernel == "auto"
    with pytest.raises(ValueError, match="kernel must be one of"):
        tt.TorchTrainer(device="cpu", kernel="cuda-graphs")
    with pytest.raises(ValueError, match="programs must be >= 1"):
        tt.TorchTrainer(device="cpu", programs=0)
    encoded, _ = small_planted_corpus()
    hogbatch = TrainConfig(vector_size=8, epochs=1, sg=True, sg_rule="hogbatch")
    inp, out = initial_vectors(len(encoded.vocabulary), 8, 0)
    with pytest.raises(ValueError, match="sg_rule='hogbatch' needs the fused kernel"):
        tt.TorchTrainer(device="cpu", kernel="batched").train(
            encoded.corpus, encoded.vocabulary.counts, hogbatch, inp, out)
    assert np.array_equal(inp, initial_vectors(len(encoded.vocabulary), 8, 0)[0])  # untouched
    pytest.importorskip("triton")
    with pytest.raises(ValueError, match="torch_module trains with autograd"):
        tt.TorchTrainer(device="cpu", kernel="fused", torch_module=SGNSModule)
    encoded, _ = small_planted_corpus()
    config = TrainConfig(vector_size=8, epochs=1, sg=True)
    trainer = tt.TorchTrainer(device="cpu", kernel="fused", weights_on_device=False)
    with pytest.raises(ValueError, match="needs the weights on the device"):
        trainer.train(encoded.corpus, encoded.vocabulary.counts, config,
                      *initial_vectors(len(encoded.vocabulary), 8, 0))
    # On the CPU, "auto" takes the batched path.
    stats = tt.TorchTrainer(device="cpu").train(
        encoded.corpus, encoded.vocabulary.counts, config,
        *initial_vectors(len(encoded.vocabulary), 8, 0)).stats
    assert stats.details["path"] == "hand-written"


@pytest.mark.slow  # Triton's interpreter: tens of seconds
@pytest.mark.parametrize("sg", [True, False], ids=["skipgram", "cbow"])
def test_fused_path_trains_through_the_trainer(sg):
    """The fused kernel, interpreted: chunks, seeds, schedule, loss, planted groups."""
    fused = pytest.importorskip("sklearn_w2v.backends.torch._fused")
    if not fused.INTERPRETED:
        pytest.skip("the fused kernel on CPU tensors needs TRITON_INTERPRET=1")
    from sklearn_w2v.vectors import to_keyed_vectors

    encoded, groups = small_planted_corpus()
    vocab, corpus = encoded.vocabulary, encoded.corpus
    config = TrainConfig(vector_size=16, window=3, negative=4, epochs=2, sg=sg, sample=0,
                         alpha=0.1 if sg else 0.2, seed=5, compute_loss=True)
    inp, out = initial_vectors(len(vocab), 16, 5)
    trainer = tt.TorchTrainer(device="cpu", kernel="fused", programs=1, chunk_tokens=120)
    result = trainer.train(corpus, vocab.counts, config, inp, out)
    stats = result.stats
    assert stats.details["path"] == "fused" and stats.details["programs"] == 1
    assert stats.effective_words == 2 * corpus.n_tokens  # sample=0 keeps every token
    assert len(stats.epoch_loss) == 2 and stats.epoch_loss[1] < stats.epoch_loss[0]
    wv = to_keyed_vectors(vocab.words, vocab.counts, result.input_vectors)
    assert group_purity(wv, groups) > 0.8


@pytest.mark.slow  # Triton's interpreter: tens of seconds
def test_fused_path_is_seeded_and_takes_the_skip_gram_rule():
    """With one program a run repeats exactly; ``config.sg_rule`` reaches the kernel."""
    fused = pytest.importorskip("sklearn_w2v.backends.torch._fused")
    if not fused.INTERPRETED:
        pytest.skip("the fused kernel on CPU tensors needs TRITON_INTERPRET=1")
    encoded, _ = small_planted_corpus()
    corpus = encoded.corpus.sentences(0, 15)
    counts = encoded.vocabulary.counts
    runs = {}
    for rule, repeat in (("block", 0), ("block", 1), ("hogbatch", 0)):
        config = TrainConfig(vector_size=8, window=3, negative=4, epochs=1, sg=True, sample=0,
                             seed=3, sg_rule=rule)
        trainer = tt.TorchTrainer(device="cpu", kernel="fused", programs=1, chunk_tokens=40)
        result = trainer.train(corpus, counts, config, *initial_vectors(len(counts), 8, 3))
        assert result.stats.details["sg_rule"] == rule
        runs[rule, repeat] = result.input_vectors
    np.testing.assert_array_equal(runs["block", 0], runs["block", 1])
    assert not np.allclose(runs["block", 0], runs["hogbatch", 0], atol=1e-4)


# ------------------------------------------------------------- frozen rows (freeze_init)
def _frozen_problem():
    encoded, _ = small_planted_corpus()
    vocab = encoded.vocabulary
    inp, _ = initial_vectors(len(vocab), 8, 0)
    out = np.random.default_rng(0).normal(scale=0.3, size=inp.shape).astype(np.float32)
    inp[0, 2] = -0.0  # adding +0.0 would flip it: a frozen row must get no write at all
    frozen = np.zeros(len(vocab), dtype=bool)
    frozen[[0, 3, 5]] = True
    return encoded.corpus, vocab.counts, inp, out, frozen


@pytest.mark.parametrize("path", ["batched", "host_rows", "fused"])
@pytest.mark.parametrize("sg", [True, False], ids=["skipgram", "cbow"])
def test_frozen_rows_stay_bit_for_bit(path, sg):
    if path == "fused":
        fused = pytest.importorskip("sklearn_w2v.backends.torch._fused")
        if not fused.INTERPRETED:
            pytest.skip("the fused kernel on CPU tensors needs TRITON_INTERPRET=1")
    corpus, counts, inp, out, frozen = _frozen_problem()
    start, out_start = inp.copy(), out.copy()
    options = {"batched": {}, "host_rows": {"weights_on_device": False},
               "fused": {"kernel": "fused", "programs": 2}}[path]
    trainer = tt.TorchTrainer(device="cpu", batch_size=64, **options)
    config = TrainConfig(vector_size=8, window=3, negative=4, epochs=1, sg=sg, seed=1, alpha=0.1)
    result = trainer.train(corpus, counts, config, inp, out, frozen=frozen)
    assert result.input_vectors[frozen].tobytes() == start[frozen].tobytes()
    assert not np.allclose(result.input_vectors[~frozen], start[~frozen])
    assert not np.allclose(result.output_vectors[frozen], out_start[frozen])  # contexts train


def test_frozen_rows_are_refused_by_custom_modules_and_checked():
    corpus, counts, inp, out, frozen = _frozen_problem()
    config = TrainConfig(vector_size=8, epochs=1)
    with pytest.raises(ValueError, match="custom torch_module"):
        tt.TorchTrainer(device="cpu", torch_module=SGNSModule).train(
            corpus, counts, config, inp, out, frozen=frozen)
    with pytest.raises(ValueError, match="frozen must be a boolean array"):
        tt.TorchTrainer(device="cpu").train(corpus, counts, config, inp, out,
                                            frozen=frozen[:3])


def test_step_with_frozen_inputs_adds_minus_zero():
    w_in = torch.tensor([[-0.0, 1.0], [0.5, -0.5]])
    w_out = torch.tensor([[0.3, 0.2], [0.1, -0.4]])
    batch = Batch(inputs=torch.tensor([[0], [1]]), input_mask=torch.ones(2, 1, dtype=torch.bool),
                  distances=torch.ones(2, 1, dtype=torch.long),
                  targets=torch.tensor([[1, 0], [0, 1]]),
                  target_mask=torch.ones(2, 2, dtype=torch.bool), alpha=0.5, sg=True,
                  cbow_mean=True)
    before = w_in.clone()
    sgns_step_(w_in, w_out, batch, frozen=torch.tensor([True, False]))
    assert torch.signbit(w_in[0, 0]) and torch.equal(w_in[0], before[0])
    assert not torch.equal(w_in[1], before[1])


# ------------------------------------------------------- fixed costs and per-call state
def test_a_trainer_keeps_no_state_of_a_call(planted):
    """A call inside another call's epoch hook, on the same trainer, leaves both as alone."""
    from sklearn_w2v.corpus import encode_for_training

    docs = planted[0][:200]
    first = encode_for_training(docs[:100], min_count=1)
    second = encode_for_training(docs[100:], min_count=1)
    config = TrainConfig(vector_size=8, window=3, epochs=2, sg=True, seed=4, compute_loss=True)

    def alone(encoded):
        inp, out = initial_vectors(len(encoded.vocabulary), 8, 1)
        return tt.TorchTrainer(device="cpu").train(encoded.corpus, encoded.vocabulary.counts,
                                                   config, inp, out)

    want_first, want_second = alone(first), alone(second)
    trainer = tt.TorchTrainer(device="cpu")
    settings = dict(vars(trainer))
    inner = []

    def hook(report):
        if not inner:  # after the outer call's first epoch
            inner.append(alone_on(trainer, second))
        return False

    def alone_on(trainer, encoded):
        inp, out = initial_vectors(len(encoded.vocabulary), 8, 1)
        return trainer.train(encoded.corpus, encoded.vocabulary.counts, config, inp, out)

    inp, out = initial_vectors(len(first.vocabulary), 8, 1)
    outer = trainer.train(first.corpus, first.vocabulary.counts, config, inp, out,
                          on_epoch_end=hook)
    np.testing.assert_array_equal(outer.input_vectors, want_first.input_vectors)
    np.testing.assert_array_equal(inner[0].input_vectors, want_second.input_vectors)
    assert outer.stats.epoch_loss == want_first.stats.epoch_loss
    assert outer.stats.epochs == 2 and inner[0].stats.epochs is None
    assert vars(trainer) == settings  # nothing of either call stayed on the trainer


def test_trainer_stats_split_the_call(planted):
    from sklearn_w2v.corpus import encode_for_training

    encoded = encode_for_training(planted[0][:100], min_count=1)
    inp, out = initial_vectors(len(encoded.vocabulary), 8, 1)
    stats = tt.TorchTrainer(device="cpu").train(
        encoded.corpus, encoded.vocabulary.counts, TrainConfig(vector_size=8, epochs=1),
        inp, out).stats
    parts = stats.stage_seconds
    assert set(parts) == {"setup", "copies", "train"}  # no kernel timing on the CPU
    assert all(v >= 0 for v in parts.values())
    assert sum(parts.values()) == pytest.approx(stats.seconds)


def _interpreted_fused():
    fused = pytest.importorskip("sklearn_w2v.backends.torch._fused")
    if not fused.INTERPRETED:
        pytest.skip("the fused kernel on CPU tensors needs TRITON_INTERPRET=1")
    return fused


def test_fused_calls_wait_once_an_epoch_and_keep_the_kernel(monkeypatch):
    """Several launches an epoch, one wait each epoch; the kernel and its workspace are built
    once for two calls of one configuration; the data is checked on the host only.
    """
    fused = _interpreted_fused()
    encoded, _ = small_planted_corpus()
    corpus = encoded.corpus.sentences(0, 12)
    counts = encoded.vocabulary.counts
    built, collects, validated = [], [], []
    real_init, real_collect, real_train = (fused.FusedSGNS.__init__, fused.FusedSGNS.collect,
                                           fused.FusedSGNS.train)

    def init(self, *args, **kwargs):
        built.append(kwargs["max_sentence_length"])
        real_init(self, *args, **kwargs)

    def collect(self):
        collects.append(1)
        return real_collect(self)

    def train(self, *args, **kwargs):
        validated.append(kwargs["validate"])
        return real_train(self, *args, **kwargs)

    monkeypatch.setattr(fused.FusedSGNS, "__init__", init)
    monkeypatch.setattr(fused.FusedSGNS, "collect", collect)
    monkeypatch.setattr(fused.FusedSGNS, "train", train)
    trainer_module._KERNELS.clear()
    config = TrainConfig(vector_size=8, window=2, negative=2, epochs=2, sg=True, seed=3,
                         compute_loss=True)
    results = []
    for _ in range(2):
        trainer = tt.TorchTrainer(device="cpu", kernel="fused", programs=1, chunk_tokens=20)
        results.append(trainer.train(corpus, counts, config, *initial_vectors(len(counts), 8, 3)))
    n_chunks = len(tt.chunk_ranges(corpus.offsets, 20))
    assert n_chunks >= 3
    assert len(built) == 1  # the second call took the kept kernel
    assert len(collects) == 2 * 2  # two calls, one wait per epoch each
    assert len(validated) == 2 * 2 * n_chunks and not any(validated)
    np.testing.assert_array_equal(results[0].input_vectors, results[1].input_vectors)
    assert results[0].stats.epoch_loss == results[1].stats.epoch_loss
    assert results[0].stats.effective_words == results[1].stats.effective_words > 0
    # A longer sentence than the kept kernel holds: a new one.
    longer = tiny_corpus([list(range(len(counts)))] * 2)
    tt.TorchTrainer(device="cpu", kernel="fused", programs=1).train(
        longer, counts, dataclasses.replace(config, epochs=1),
        *initial_vectors(len(counts), 8, 3))
    assert built == [built[0], len(counts)]
    trainer_module._KERNELS.clear()
